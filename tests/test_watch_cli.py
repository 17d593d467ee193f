"""Post-approval watch (事中事后监管) from the command line, on a production-style offline desk fed
by USB imports: record checks on v1, import v2 (full or delta), see the alerts that matter and
only those, settle one, see it gone, in the case file and in the feedback."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from snapshot_fixtures import ITEM, KNOWN, Publisher, deploy, edit_dataset

from casefile_fixtures import queued_feedback
from desktop.app.cli import main as desk
from desktop.casefile.store import CaseFile
from desktop.check.model import CHINA_TZ
from desktop.site import paths

GRANTED = KNOWN["clear"][0]      # v2 puts it on the black list (失信被执行人)
REFUSED = KNOWN["focus"]         # v2 marks its focus entry repaired
IRRELEVANT = KNOWN["clear"][1]   # granted; v2 gives it a red-list entry: no alert


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def record(capsys, code, outcome, case_no, *extra):
    status, out, err = run(capsys, "check", code, "--item", ITEM, "--record", "--case-no",
                           case_no, "--outcome", outcome, "--offline", "--json", *extra)
    assert status == 0, err
    return json.loads(out)["record"]["record_id"]


def alerts(capsys, *extra):
    status, out, err = run(capsys, "cases", "watch", "--json", *extra)
    return status, [json.loads(line) for line in out.splitlines()], err


@pytest.fixture
def desk_v1(tmp_path, desk_env, capsys):
    """A production desk on v1 with three recorded checks."""
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    edit = sqlite3.connect(v2)
    with edit:
        edit.execute("INSERT INTO entries VALUES ('NSXYA-2026-T0009', ?, 'NSXYA', '国家税务总局广州市税务局',"
                     " '2026-11-21', NULL, '纳税信用评价', 'active')", (IRRELEVANT,))
    edit.close()
    assert run(capsys, "cache", "import", p.publish(1, v1))[0] == 0
    ids = {"granted": record(capsys, GRANTED, "approved", "SQ-1"),
           "refused": record(capsys, REFUSED, "rejected", "SQ-2"),
           "irrelevant": record(capsys, IRRELEVANT, "approved", "SQ-3")}
    return p, v1, v2, ids


def test_a_usb_delta_raises_the_alerts_that_matter_and_settling_one_is_recorded_and_fed_back(
        capsys, desk_v1):
    p, v1, v2, ids = desk_v1
    assert alerts(capsys)[:2] == (0, [])
    code, out, _ = run(capsys, "cache", "import", p.publish(2, v2, deltas={1: v1}))
    assert code == 0 and "跟踪提醒：新增 2 条" in out

    status, found, _ = alerts(capsys)
    assert status == 0
    by_change = {a["change"]: a for a in found}
    assert set(by_change) == {"listed", "repaired"}
    listed = by_change["listed"]
    assert listed["record_id"] == ids["granted"] and listed["case_no"] == "SQ-1"
    assert (listed["old_state"], listed["new_state"]) == ("absent", "active")
    assert listed["entry_id"] == "SXBZXR-2026-T0001" and listed["severity"] == "black"
    assert [m["measure_id"] for m in listed["measures"]] == ["M-SX-01"]
    assert "复核" in listed["follow_up"] and "M-SX-01" in listed["follow_up"]
    repaired = by_change["repaired"]
    assert repaired["record_id"] == ids["refused"]
    assert (repaired["old_state"], repaired["new_state"]) == ("active", "repaired")
    assert all(a["record_id"] != ids["irrelevant"] for a in found)

    code, out, _ = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "supervised", "--note", "已通知执法科，纳入重点监管")
    assert code == 0 and "已登记跟踪处理" in out
    status, found, _ = alerts(capsys)
    assert [a["change"] for a in found] == ["repaired"]
    with CaseFile(paths.case_file()) as cf:
        follow = cf.query()[-1]
        assert follow.kind == "decision" and follow.refers_to == ids["granted"]
        assert follow.follow_up == {"alert": listed["alert"], "change": "listed",
                                    "entry_id": "SXBZXR-2026-T0001", "action": "supervised"}
        assert follow.outcome == "approved" and follow.operator == "test-op"
        assert cf.verify().ok
    payload = queued_feedback(paths.case_file())[follow.record_id - 1]
    assert payload["decision_kind"] == "follow_up" and payload["follow_up"]["action"] == "supervised"
    assert payload["note"] == "已通知执法科，纳入重点监管"

    # Settled once: never again, not after computing again, not after another install.
    code, _, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "reviewed", "--note", "again")
    assert code == 2 and "已由 test-op 处理" in err
    assert run(capsys, "cache", "import", p.publish(3, v2))[0] == 0
    _, everything, _ = alerts(capsys, "--all")
    assert sorted(a["change"] for a in everything) == ["listed", "repaired"]
    assert [a["settled"]["action"] for a in everything if a["settled"]] == ["supervised"]

    # The month's statistics count them: raised, settled, open at the month's end.
    month = datetime.now(CHINA_TZ).strftime("%Y-%m")
    code, out, _ = run(capsys, "cases", "stats", "--month", month)
    counts = {line.split()[0]: int(line.split()[-1]) for line in out.splitlines()
              if line.strip().startswith("跟踪提醒")}
    assert counts == {"跟踪提醒：本月提出": 2, "跟踪提醒：本月处理": 1, "跟踪提醒：月末待处理": 1}


def test_lapsed_refusal_and_withdrawn_incentive_are_alerts_a_second_install_adds_nothing(
        tmp_path, desk_env, capsys):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1 = p.datasets()[0]
    black, red = KNOWN["black"], KNOWN["red"]
    status, out, err = run(capsys, "cases", "watch")
    assert status == 3 and "没有离线数据" in err  # nothing to compare with yet: exit 3
    assert run(capsys, "cache", "import", p.publish(1, v1))[0] == 0
    refused = record(capsys, black, "rejected", "SQ-10")
    status, out, err = run(capsys, "check", red, "--item", "SW-001", "--record", "--case-no",
                           "SQ-11", "--outcome", "approved", "--apply", "M-NA-03", "--offline")
    assert status == 0, err
    rewarded = refused + 1
    refused_no_reward = record(capsys, red, "approved", "SQ-12")  # incentive not used: no alert
    v2 = tmp_path / "v2.sqlite"
    edit_dataset(v1, v2,
                 ("UPDATE entries SET expires_on = '2026-01-31' WHERE subject_code = ?", (black,)),
                 ("DELETE FROM entries WHERE subject_code = ?", (red,)))
    code, out, _ = run(capsys, "cache", "import", p.publish(2, v2))
    assert "新增 2 条" in out
    _, found, _ = alerts(capsys)
    assert {(a["record_id"], a["change"]) for a in found} == {(refused, "lapsed"),
                                                              (rewarded, "reward_withdrawn")}
    assert refused_no_reward not in {a["record_id"] for a in found}
    withdrawn = next(a for a in found if a["change"] == "reward_withdrawn")
    assert [m["measure_id"] for m in withdrawn["measures"]] == ["M-NA-03"]
    lapsed = next(a for a in found if a["change"] == "lapsed")
    assert "不得再以该条目为由拒绝" in lapsed["follow_up"]

    # The same data once more (a full snapshot of the same content, version 3): no duplicates.
    assert run(capsys, "cache", "import", p.publish(3, v2))[0] == 0
    assert len(alerts(capsys)[1]) == 2


def test_an_alert_on_a_tampered_record_is_shown_as_such_and_cannot_be_settled(capsys, desk_v1):
    p, v1, v2, ids = desk_v1
    assert run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))[0] == 0
    _, found, _ = alerts(capsys)
    listed = next(a for a in found if a["change"] == "listed")
    conn = sqlite3.connect(paths.case_file())
    with conn:  # someone edits the granted record's outcome behind the desk's back
        conn.execute("UPDATE records SET body = replace(body, '\"SQ-1\"', '\"SQ-X\"') "
                     "WHERE record_id = ?", (ids["granted"],))
    conn.close()
    _, found, _ = alerts(capsys)
    shown = next(a for a in found if a["alert"] == listed["alert"])
    assert shown["record_ok"] is False
    code, out, _ = run(capsys, "cases", "watch")
    assert "未通过档案校验" in out
    before = sqlite3.connect(paths.case_file()).execute("SELECT count(*) FROM records").fetchone()
    code, _, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "reviewed", "--note", "looks fine")
    assert code == 6 and "记录 1 未通过档案校验" in err and "cases verify" in err
    after = sqlite3.connect(paths.case_file()).execute("SELECT count(*) FROM records").fetchone()
    assert before == after


def test_settling_is_refused_with_exit_6_when_a_later_record_or_the_alarm_fails_verify(
        capsys, desk_v1):
    """A follow-up is appended to the chain: an alert on a sound record cannot be settled while
    a later record fails `cases verify`, nor while the alarm a verify left stands."""
    p, v1, v2, ids = desk_v1
    assert run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))[0] == 0
    listed = next(a for a in alerts(capsys)[1] if a["change"] == "listed")
    assert listed["record_id"] == ids["granted"] < ids["irrelevant"]

    def count():
        conn = sqlite3.connect(paths.case_file())
        try:
            return conn.execute("SELECT count(*) FROM records").fetchone()[0]
        finally:
            conn.close()

    def edit(old, new):
        conn = sqlite3.connect(paths.case_file())
        with conn:   # the later record edited behind the desk's back
            conn.execute("UPDATE records SET body = replace(body, ?, ?) WHERE record_id = ?",
                         (old, new, ids["irrelevant"]))
        conn.close()

    edit('"SQ-3"', '"SQ-9"')
    before = count()
    status, shown, _ = alerts(capsys)
    assert {a["alert"]: a["record_ok"] for a in shown}[listed["alert"]] is True   # its own is fine
    code, out, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                         "reviewed", "--note", "复核后维持")
    assert code == 6 and out == ""
    assert "案卷未通过档案校验" in err and f"记录 {ids['irrelevant']}" in err
    assert "cases verify" in err and "Traceback" not in err
    assert count() == before and [a["settled"] for a in alerts(capsys)[1]] == [None, None]

    # IT runs verify (the alarm is left beside the file), then someone puts the text back: the
    # chain verifies again, but until IT accepts or restores, nothing is appended.
    assert run(capsys, "cases", "verify")[0] == 6
    edit('"SQ-9"', '"SQ-3"')
    code, _, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "reviewed", "--note", "复核后维持")
    assert code == 6 and "未登记跟踪处理" in err and count() == before


def test_settling_needs_a_known_alert_an_action_and_a_note(capsys, desk_v1):
    p, v1, v2, ids = desk_v1
    assert run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))[0] == 0
    key = alerts(capsys)[1][0]["alert"]
    assert run(capsys, "cases", "watch", "--settle", "99:listed:X", "--action", "reviewed",
               "--note", "n")[0] == 2
    code, _, err = run(capsys, "cases", "watch", "--settle", key, "--note", "n")
    assert code == 2 and "--action" in err
    code, _, err = run(capsys, "cases", "watch", "--settle", key, "--action", "reviewed")
    assert code == 2 and "说明" in err
    assert len(alerts(capsys)[1]) == 2


def _installed_data():
    from desktop.desk.context import DeskContext

    ctx = DeskContext.from_environment(None)
    return ctx.offline.store.current(verify=False).data_path


def test_an_edited_row_of_the_installed_data_neither_raises_nor_drops_an_alert(capsys, desk_v1):
    """The watch reads every row through the verified bucket reads a lookup uses: a row edited
    behind the signature names the records it concerns (exit 3) and changes no alert."""
    p, v1, v2, ids = desk_v1
    data = _installed_data()
    conn = sqlite3.connect(data)
    with conn:  # someone lists the granted subject in the installed v1 file by hand
        conn.execute("INSERT INTO entries VALUES ('SXBZXR-2026-FAKE', ?, 'SXBZXR', '某法院', "
                     "'2026-11-21', NULL, '伪造', 'active')", (GRANTED,))
    conn.close()
    status, found, err = alerts(capsys)
    assert status == 3 and found == []
    assert f"记录 {ids['granted']}（办件 SQ-1）未能比对" in err and "改动过" in err
    assert f"记录 {ids['refused']}" not in err   # its rows verify: compared as usual

    # Newer, signed data: the real listing raises its alert.
    assert run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))[0] == 0
    status, found, _ = alerts(capsys)
    assert status == 0 and {a["change"] for a in found} == {"listed", "repaired"}
    # Now the entry behind the alert is deleted from the installed file: the alert stays open.
    conn = sqlite3.connect(_installed_data())
    with conn:
        conn.execute("DELETE FROM entries WHERE entry_id = 'SXBZXR-2026-T0001'")
    conn.close()
    status, again, _ = alerts(capsys)
    assert sorted(a["alert"] for a in again) == sorted(a["alert"] for a in found)


def test_a_change_feed_or_data_about_codes_never_checked_raises_nothing(capsys, desk_v1):
    """v3 changes subjects this desk never checked (a new company listed, a subject removed):
    nothing to say about them; the checks it did record are compared as before."""
    p, v1, v2, ids = desk_v1
    _, _, v3 = p.datasets()
    assert run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))[0] == 0
    before = alerts(capsys)[1]
    code, out, _ = run(capsys, "cache", "import", p.publish_delta(2, 3, v2, v3))
    assert code == 0 and "跟踪提醒" not in out
    assert [a["alert"] for a in alerts(capsys)[1]] == [a["alert"] for a in before]


def test_indexing_the_case_file_reports_progress_and_stops_with_nothing_written(
        capsys, desk_v1, monkeypatch):
    import threading

    import desktop.casefile.watch as core
    from desktop.casefile.watch import WATCH_FILE, Cancelled, Watch

    p, v1, v2, ids = desk_v1
    paths.case_file().with_name(WATCH_FILE).unlink()
    monkeypatch.setattr(core, "_SLICE", 1)
    cancel, seen = threading.Event(), []

    def progress(done, total):
        seen.append((done, total))
        if done == 2:
            cancel.set()

    with CaseFile(paths.case_file()) as cf, Watch(cf) as watch:
        with pytest.raises(Cancelled):
            watch.sync(progress=progress, cancel=cancel)
        assert seen == [(1, 3), (2, 3)]
        assert watch.needs_indexing() == 3     # nothing of the stopped pass was kept
        assert watch.sync() == 3 and watch.needs_indexing() == 0
