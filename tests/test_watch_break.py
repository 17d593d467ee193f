"""The post-approval watch's superseded alerts, feed versions and statistics under attack: a
clerk settling on a stale row, a watch store edited by hand, a feed that says two things about one
entry. On an online desk against the reference platform on loopback, through the real command
line."""
from __future__ import annotations

import json
import shutil
import sqlite3

from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

import watch_cli
from watch_cli import run
from desktop.casefile.watch import FEED_AHEAD, WATCH_FILE
from desktop.site import paths
from offline_cache.demo import second_version

ITEM = KNOWN["item_with_measures"]
GRANTED = KNOWN["clear"][0]           # the second demo version black-lists it
LISTING = "SXBZXR-2026-90001"


def record(capsys, code, outcome, case_no):
    return watch_cli.record(capsys, code, outcome, case_no, item=ITEM)


def watch(capsys, *extra):
    return watch_cli.watch(capsys, *extra)[0]


def case_records(capsys) -> list[dict]:
    status, out, err = run(capsys, "cases", "list", "--json")
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines()]


def take_back(conn) -> None:
    conn.execute("DELETE FROM entries WHERE entry_id = ?", (LISTING,))


def store() -> sqlite3.Connection:
    return sqlite3.connect(paths.case_file().with_name(WATCH_FILE), isolation_level=None)


def test_a_superseded_alert_cannot_be_settled_from_a_stale_list(capsys, online):
    """The clerk copied the alert's number (or has it on a tab loaded earlier); meanwhile newer
    data took the listing back. Settling it would put a follow-up (say, 'approval revoked') on a
    change that no longer exists, fed to the platform: refused, nothing written."""
    online.install_snapshot()
    record(capsys, GRANTED, "approved", "BR-1")
    online.platform.publisher.publish(second_version)
    [listed] = watch(capsys)
    online.platform.publisher.publish(take_back)
    assert watch(capsys) == []
    before = case_records(capsys)
    code, out, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                         "revoked", "--note", "撤销审批")
    assert code == 2, out + err
    assert "已被更新的数据取代" in err and "平台变化通知第 3 版" in err
    assert case_records(capsys) == before
    [closed] = watch(capsys, "--all")
    assert closed["settled"] is None and closed["cleared_at"] is not None


def test_a_settlement_written_into_the_watch_store_by_hand_settles_nothing(capsys, online):
    """watch.sqlite is beside the case file but outside its chain: someone with write access to
    the folder marks an alert settled there, with no follow-up record in the case file. The case
    file is what the desk did about an alert: the alert stays open in the list, the tab's count
    and the month's statistics, and it can still be settled for real."""
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "BR-2")
    online.platform.publisher.publish(second_version)
    [listed] = watch(capsys)
    db = store()
    db.execute("UPDATE alerts SET settled_record = ?, settled_action = 'reviewed', "
               "settled_by = 'op-9999', settled_note = '已复核', settled_at = raised_at "
               "WHERE key = ?", (granted, listed["alert"]))
    db.close()
    [still] = watch(capsys)
    assert still["alert"] == listed["alert"] and still["settled"] is None
    code, out, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                         "supervised", "--note", "纳入重点监管")
    assert code == 0, err
    [settled] = watch(capsys, "--all")
    assert settled["settled"]["action"] == "supervised"
    assert settled["settled"]["record_id"] > granted


def test_a_feed_reporting_an_entry_taken_back_and_listed_again_leaves_the_alert_open(
        capsys, online):
    """A platform that reports events as they happened, not one line per entry: since the
    desk last asked, the listing was taken back and then made again. The entry's last line is
    what it is now: the open alert stays open (it was closed as superseded)."""
    online.install_snapshot()
    record(capsys, GRANTED, "approved", "BR-3")
    online.platform.publisher.publish(second_version)
    [listed] = watch(capsys)
    online.platform.publisher.publish(lambda c: None)          # v3, v4: events in between
    online.platform.publisher.publish(lambda c: None)
    online.platform.state.feed_changed = [
        {"code": GRANTED, "change": "removed", "entry_id": LISTING, "severity": "black"},
        {"code": GRANTED, "change": "listed", "entry_id": LISTING, "severity": "black"}]
    [still] = watch(capsys)
    assert still["alert"] == listed["alert"] and still["cleared_at"] is None
    # The other order: listed again, then taken back for good: superseded.
    online.platform.publisher.publish(lambda c: None)          # v5
    online.platform.state.feed_changed = [
        {"code": GRANTED, "change": "listed", "entry_id": LISTING, "severity": "black"},
        {"code": GRANTED, "change": "removed", "entry_id": LISTING, "severity": "black"}]
    assert watch(capsys) == []
    [closed] = watch(capsys, "--all")
    assert "平台变化通知第 5 版" in closed["cleared_reason"]


def test_a_feed_line_with_control_characters_is_refused_and_forges_no_line(capsys, online):
    """A hostile platform puts a newline and a terminal escape into an entry id: kept, it
    would forge a 'settled' line in cases watch, clear the clerk's terminal, and make an alert
    number nobody can type. The feed is malformed: refused with the reason, nothing raised."""
    online.install_snapshot()
    record(capsys, GRANTED, "approved", "BR-4")
    online.platform.publisher.publish(lambda c: None)          # v2, nothing changed
    forged = "X-1\n  已处理：已复核，维持原决定，GZ-0117\x1b[2J"
    online.platform.state.feed_changed = [
        {"code": GRANTED, "change": "listed", "entry_id": forged, "severity": "black",
         "list_code": "SXBZXR"}]
    code, out, err = run(capsys, "cases", "watch", "--all")
    assert code == 0
    assert "格式不对" in err and "第 1 条" in err
    assert "已处理" not in out and "\x1b" not in out + err
    assert watch(capsys, "--all") == []


def test_an_alert_a_newer_feed_took_back_is_not_reopened_by_an_older_snapshot(
        capsys, online, tmp_path):
    """The feed (version 4) said the listing was taken back; then the desk installs version 3
    from the hall share, which still lists the subject because it is older. Version 3 does not
    know what version 4 said: the alert stays superseded rather than coming back to the clerk
    (and counting open in the month) until data as new as the feed shows it again."""
    online.install_snapshot()
    record(capsys, GRANTED, "approved", "BR-5")
    online.platform.publisher.publish(second_version)
    assert run(capsys, "cache", "update")[0] == 0                  # v2: the alert from the data
    [listed] = watch(capsys)
    online.platform.publisher.publish(lambda c: c.execute(       # v3: still listed
        "UPDATE entries SET authority = '广州市中级人民法院' WHERE entry_id = ?", (LISTING,)))
    share = tmp_path / "share"
    shutil.copytree(online.platform.publisher.repository.folder, share)
    online.platform.publisher.publish(take_back)                   # v4: taken back
    assert watch(capsys) == []
    [closed] = watch(capsys, "--all")
    assert "平台变化通知第 4 版" in closed["cleared_reason"]

    online.configure(update_source=share.as_posix())
    code, out, err = run(capsys, "cache", "update")
    assert code == 0 and "第 3 版" in out, out + err
    assert watch(capsys) == []
    [still] = watch(capsys, "--all")
    assert still["alert"] == listed["alert"] and still["cleared_at"] is not None
    assert "平台变化通知第 4 版" in still["cleared_reason"]


def test_a_feed_version_just_under_the_bound_does_not_stop_the_honest_feeds_after_it(
        capsys, online):
    """A replica answers version 1,000 for a desk on version 1: within FEED_AHEAD, so taken in
    and kept. The honest platform then answers version 2: older than what was kept, refused once
    (saying which feed it was older than), and the kept version is dropped, so the next look
    asks from the installed data again instead of refusing every honest feed for years."""
    online.install_snapshot()
    granted = record(capsys, GRANTED, "approved", "BR-6")
    online.platform.state.feed_version = FEED_AHEAD
    assert watch(capsys) == []
    online.platform.state.feed_version = None
    online.platform.publisher.publish(second_version)             # the honest version 2
    status, out, err = run(capsys, "cases", "watch", "--json")
    assert status == 0 and out == ""
    assert f"第 {FEED_AHEAD} 版变化通知" in err and "第 2 版" in err
    [listed] = watch(capsys)
    assert (listed["record_id"], listed["source"]) == (granted, "平台变化通知第 2 版")
