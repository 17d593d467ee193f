"""Post-approval watch when newer data takes a change back, when a change feed's version is beyond
belief, and in the month's statistics: on an online desk against the reference platform on
loopback, through the real command line.

- An open alert whose change newer verified data (a snapshot at least as new, or a later feed)
  no longer shows is closed as superseded, with the reason, shown with ``--all``, never deleted;
  a settled one stays settled; shown once more it is the same alert reopened.
- A feed version far beyond the installed snapshot is refused with the reason, changes nothing
  and is never kept, so the honest feeds after it are taken in.
- The month's statistics count a reopened alert once, and filter the alert counts by item and
  operator like the other counts."""
from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime

from desk_config import OPERATORS
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

import watch_cli
from watch_cli import run, watch
from desktop.casefile.watch import FEED_AHEAD, WATCH_FILE
from desktop.check.model import CHINA_TZ
from desktop.site import paths
from offline_cache.demo import second_version

ITEM = KNOWN["item_with_measures"]
GRANTED = KNOWN["clear"][0]           # the second demo version black-lists it
LISTING = "SXBZXR-2026-90001"         # ... with this entry


def record(capsys, code, outcome, case_no, *before, item=ITEM):
    return watch_cli.record(capsys, code, outcome, case_no, *before, item=item)


def take_back(conn) -> None:
    """The publisher takes the listing back (a court's error corrected)."""
    conn.execute("DELETE FROM entries WHERE entry_id = ?", (LISTING,))


def list_again(conn) -> None:
    conn.execute("INSERT INTO entries VALUES (?, ?, 'SXBZXR', '广州市天河区人民法院', '2026-11-28', "
                 "NULL, '再次列入', 'active')", (LISTING, GRANTED))


def month_counts(capsys, *extra) -> dict[str, int]:
    month = datetime.now(CHINA_TZ).strftime("%Y-%m")
    code, out, err = run(capsys, "cases", "stats", "--month", month, *extra)
    assert code == 0, err
    return {line.split()[0]: int(line.split()[-1]) for line in out.splitlines()
            if line.strip().startswith("跟踪提醒")}


def test_a_feed_alert_taken_back_by_a_later_feed_is_superseded_with_the_reason(capsys, online):
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-1")
    online.platform.publisher.publish(second_version)
    [listed], _ = watch(capsys)
    assert (listed["record_id"], listed["change"]) == (granted, "listed")
    assert listed["source"] == "平台变化通知第 2 版"

    online.platform.publisher.publish(take_back)     # version 3: the listing is gone again
    found, _ = watch(capsys)
    assert found == []
    [closed], _ = watch(capsys, "--all")
    assert closed["alert"] == listed["alert"] and closed["settled"] is None
    assert closed["cleared_at"] is not None
    assert "平台变化通知第 3 版" in closed["cleared_reason"] and LISTING in closed["cleared_reason"]
    code, text, _ = run(capsys, "cases", "watch", "--all")
    assert code == 0 and "已被更新的数据取代" in text and "平台变化通知第 3 版" in text

    # The snapshot that follows (v3) says the same: nothing raised, nothing reopened.
    code, out, _ = run(capsys, "cache", "update")
    assert code == 0 and "跟踪提醒" not in out
    assert watch(capsys)[0] == []
    assert len(watch(capsys, "--all")[0]) == 1


def test_a_feed_alert_is_superseded_by_a_snapshot_as_new_as_the_feed_never_by_an_older_one(
        capsys, online):
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-2")
    refused = record(capsys, KNOWN["black"], "rejected", "SU-3")
    online.platform.publisher.publish(second_version)
    found, _ = watch(capsys)   # from the feed; the installed v1 is older: they stay open
    assert {(a["record_id"], a["change"]) for a in found} == {(granted, "listed"),
                                                              (refused, "repaired")}
    assert watch(capsys)[0] == found
    repaired = next(a for a in found if a["change"] == "repaired")
    assert run(capsys, "cases", "watch", "--settle", repaired["alert"], "--action", "informed",
               "--note", "已告知申请人")[0] == 0

    # v3 takes the listing back and gives the black entry back its force: the feed is not asked
    # this time; the update installs v3 and its comparison does the work.
    online.platform.publisher.publish(
        lambda c: (take_back(c), c.execute("UPDATE entries SET state = 'active' "
                                           "WHERE subject_code = ?", (KNOWN["black"],))))
    code, out, _ = run(capsys, "cache", "update")
    assert code == 0
    assert watch(capsys)[0] == []
    closed = {a["change"]: a for a in watch(capsys, "--all")[0]}
    assert "离线数据第 3 版不再显示这一变化" in closed["listed"]["cleared_reason"]
    assert "未列入" in closed["listed"]["cleared_reason"]
    # Settled stays settled: the clerk's follow-up is on record, the data's change of mind
    # does not undo it.
    assert closed["repaired"]["settled"]["action"] == "informed"
    assert closed["repaired"]["cleared_at"] is None


def test_a_snapshot_alert_taken_back_by_the_feed_then_listed_again_is_one_alert_reopened(
        capsys, online):
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-4")
    online.platform.publisher.publish(second_version)
    assert run(capsys, "cache", "update")[0] == 0        # v2 installed: the alert from the data
    [listed], _ = watch(capsys)
    assert listed["source"] == "离线数据第 2 版"
    assert month_counts(capsys) == {"跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0,
                                    "跟踪提醒：月末待处理": 1}

    online.platform.publisher.publish(take_back)         # v3, online only through the feed
    assert watch(capsys)[0] == []
    [closed], _ = watch(capsys, "--all")
    assert "平台变化通知第 3 版" in closed["cleared_reason"]
    assert month_counts(capsys) == {"跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0,
                                    "跟踪提醒：月末待处理": 0}

    online.platform.publisher.publish(list_again)        # v4: listed once more
    [again], _ = watch(capsys)
    assert again["alert"] == listed["alert"] and again["record_id"] == granted
    assert again["cleared_at"] is None and again["cleared_reason"] is None
    assert again["source"] == "平台变化通知第 4 版"
    assert len(watch(capsys, "--all")[0]) == 1
    # Raised once, however often it was taken back and shown again.
    assert month_counts(capsys) == {"跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0,
                                    "跟踪提醒：月末待处理": 1}
    assert run(capsys, "cases", "watch", "--settle", again["alert"], "--action", "supervised",
               "--note", "纳入重点监管")[0] == 0
    assert month_counts(capsys) == {"跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 1,
                                    "跟踪提醒：月末待处理": 0}


def test_a_feed_version_beyond_belief_is_refused_never_kept_and_later_feeds_still_count(
        capsys, online, caplog):
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-5")
    online.platform.publisher.publish(second_version)
    online.platform.state.feed_version = 10 ** 12       # a replica answering nonsense
    with caplog.at_level(logging.WARNING, logger="desktop.desk.watch"):
        status, out, err = run(capsys, "cases", "watch", "--json")
    assert status == 0 and out == ""
    assert "第 1000000000000 版" in err and "不可信" in err and f"第 {1 + FEED_AHEAD} 版" in err
    assert any("change feed refused" in r.getMessage() for r in caplog.records)
    store = sqlite3.connect(paths.case_file().with_name(WATCH_FILE))
    try:
        assert store.execute("SELECT value FROM meta WHERE name = 'feed_version'"
                             ).fetchone() is None
    finally:
        store.close()

    online.platform.state.feed_version = None            # the honest feed, version 2
    found, err = watch(capsys)
    assert err.count("注意") == 0
    assert [(a["record_id"], a["change"], a["source"]) for a in found] == [
        (granted, "listed", "平台变化通知第 2 版")]


def test_a_store_that_kept_an_absurd_feed_version_before_takes_honest_feeds_again(
        capsys, online):
    """A watch.sqlite written before such versions were refused: the absurd high-water mark is
    not believed, neither as where to ask from nor as what is 'older'."""
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-6")
    assert watch(capsys)[0] == []
    store = sqlite3.connect(paths.case_file().with_name(WATCH_FILE))
    with store:
        store.execute("INSERT OR REPLACE INTO meta VALUES ('feed_version', ?)", (str(10 ** 12),))
    store.close()
    online.platform.publisher.publish(second_version)
    # Asked from 10^12 the platform would have named no change: the alert shows it asked from
    # the installed version, and the honest version 2 was not refused as older.
    found, err = watch(capsys)
    assert [(a["record_id"], a["change"]) for a in found] == [(granted, "listed")]
    assert "已拒绝" not in err


def test_the_month_counts_alerts_by_the_checks_item_and_operator_like_everything_else(
        capsys, online):
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "SU-7")                       # test-op, ITEM
    # The next clerk at this PC: the OS account maps to another operator.
    online.configure(operators=OPERATORS.replace('"test-op"', '"op-0200"'))
    other = record(capsys, KNOWN["black"], "rejected", "SU-8", item="SCJG-001")
    online.configure()
    online.platform.publisher.publish(second_version)
    found, _ = watch(capsys)
    assert {a["record_id"] for a in found} == {granted, other}
    everything = month_counts(capsys)
    assert everything["跟踪提醒：本月提出"] == 2
    assert month_counts(capsys, "--item", ITEM) == {
        "跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 1}
    assert month_counts(capsys, "--item", "SCJG-001")["跟踪提醒：本月提出"] == 1
    assert month_counts(capsys, "--operator", "op-0200") == {
        "跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 1}
    assert month_counts(capsys, "--operator", "test-op", "--item", "SCJG-001") == {
        "跟踪提醒：本月提出": 0, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 0}
    assert month_counts(capsys, "--operator", "nobody") == {
        "跟踪提醒：本月提出": 0, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 0}


def test_a_refusals_ground_reported_gone_by_the_feed_and_back_in_force_is_superseded(
        capsys, online):
    """The feed says the refused subject's black entry was repaired; the next feed says it counts
    again (the repair revoked): the refusal stands, the clerk has nothing to tell the applicant."""
    online.install_snapshot()
    refused = record(capsys, KNOWN["black"], "rejected", "SU-9")
    online.platform.publisher.publish(second_version)
    [repaired], _ = watch(capsys)
    assert (repaired["record_id"], repaired["change"]) == (refused, "repaired")
    online.platform.publisher.publish(
        lambda c: c.execute("UPDATE entries SET state = 'active' WHERE subject_code = ?",
                            (KNOWN["black"],)))
    assert watch(capsys)[0] == []
    [closed], _ = watch(capsys, "--all")
    assert closed["alert"] == repaired["alert"]
    assert closed["cleared_reason"].startswith("平台变化通知第 3 版：条目 ")
    assert "现为“有效”" in closed["cleared_reason"]
