"""The post-approval watch under the paths a careless script, a hurried clerk and a changing
register take: the same ground for a refusal reported twice in other words, a listing undone and
done again, a case file corrected after the grant."""
from __future__ import annotations

import json

from snapshot_fixtures import ITEM, KNOWN, Publisher, deploy, edit_dataset

import watch_cli
from watch_cli import run


def record(capsys, code, outcome, case_no):
    return watch_cli.record(capsys, code, outcome, case_no, item=ITEM, offline=True)


def alerts(capsys, *extra):
    return watch_cli.watch(capsys, *extra)[0]


def refusal_whose_ground_lapsed(tmp_path, desk_env, capsys, case_no):
    """A black-listed subject refused under version 1, its entry lapsed in version 2: the
    publisher, versions 1 and 2's data, the code, and the one 'lapsed' alert shown."""
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1 = p.datasets()[0]
    black = KNOWN["black"]
    assert run(capsys, "cache", "import", p.publish(1, v1))[0] == 0
    refused = record(capsys, black, "rejected", case_no)
    v2 = edit_dataset(v1, tmp_path / "v2.sqlite",
                      ("UPDATE entries SET expires_on = '2026-01-31' WHERE subject_code = ?",
                       (black,)))
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    [lapsed] = alerts(capsys)
    assert (lapsed["record_id"], lapsed["change"]) == (refused, "lapsed")
    return p, v1, v2, black, lapsed


def test_a_refusals_ground_gone_is_one_alert_whether_it_lapsed_first_and_was_removed_later(
        tmp_path, desk_env, capsys):
    p, _, v2, black, lapsed = refusal_whose_ground_lapsed(tmp_path, desk_env, capsys, "SQ-20")
    assert "“失信被执行人”条目已到期，不再构成限制理由" in lapsed["follow_up"]   # not 已已到期
    code, _, err = run(capsys, "cases", "watch", "--settle", lapsed["alert"], "--action",
                       "informed", "--note", "已告知申请人可重新申请")
    assert code == 0, err
    # The publisher later drops the lapsed entry altogether: the same ground, gone once.
    v3 = edit_dataset(v2, tmp_path / "v3.sqlite",
                      ("DELETE FROM entries WHERE subject_code = ?", (black,)))
    code, out, _ = run(capsys, "cache", "import", p.publish(3, v3))
    assert code == 0 and "跟踪提醒" not in out
    assert alerts(capsys) == []
    assert [a["change"] for a in alerts(capsys, "--all")] == ["lapsed"]


def test_a_listing_undone_before_anyone_settled_it_and_done_again_is_an_open_alert_again(
        tmp_path, desk_env, capsys):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    granted = record_after_install(capsys, p, v1, KNOWN["clear"][0], "approved", "SQ-30")
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    [listed] = [a for a in alerts(capsys) if a["record_id"] == granted]
    # The publisher takes the listing back (v3 = v1's entries): the alert is cleared ...
    code, out, _ = run(capsys, "cache", "import", p.publish(3, v1))
    assert code == 0 and "跟踪提醒：1 条已被新数据取代" in out and "--all" in out
    assert [a for a in alerts(capsys) if a["record_id"] == granted] == []
    # ... closed as superseded, never deleted: shown with --all, with what the data says now.
    [closed] = [a for a in alerts(capsys, "--all") if a["record_id"] == granted]
    assert closed["alert"] == listed["alert"] and closed["settled"] is None
    assert closed["cleared_reason"] == ("离线数据第 3 版不再显示这一变化：条目 "
                                        f"{listed['entry_id']} 现为“未列入”。")
    # ... and lists the subject again (v4 = v2's entries): the clerk must hear of it again.
    code, out, _ = run(capsys, "cache", "import", p.publish(4, v2))
    assert code == 0 and "跟踪提醒：新增" in out
    [again] = [a for a in alerts(capsys) if a["record_id"] == granted]
    assert again["alert"] == listed["alert"] and again["cleared_at"] is None
    assert again["source"] == "离线数据第 4 版"
    assert len([a for a in alerts(capsys, "--all") if a["record_id"] == granted]) == 1


def record_after_install(capsys, p, data, code, outcome, case_no):
    assert run(capsys, "cache", "import", p.publish(1, data))[0] == 0
    return record(capsys, code, outcome, case_no)


def test_a_follow_up_forged_in_the_case_file_settles_no_alert(tmp_path, desk_env, capsys):
    """The case file is the truth about settlement only where it verifies: a decision record
    edited by hand to name another alert must not make that alert disappear unsettled."""
    import sqlite3

    from desktop.site import paths

    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    granted = record_after_install(capsys, p, v1, KNOWN["clear"][0], "approved", "SQ-40")
    refused = record(capsys, KNOWN["focus"], "rejected", "SQ-41")
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    found = {a["record_id"]: a for a in alerts(capsys)}
    listed, repaired = found[granted], found[refused]
    code, _, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "supervised", "--note", "已纳入重点监管")
    assert code == 0, err
    conn = sqlite3.connect(paths.case_file())
    with conn:  # someone makes that follow-up name the other alert too, behind the desk's back
        conn.execute("UPDATE records SET body = replace(body, ?, ?) WHERE record_id = "
                     "(SELECT max(record_id) FROM records)", (listed["alert"], repaired["alert"]))
    conn.close()
    # The alert store is rebuilt from the case file (as after a lost or replaced watch.sqlite).
    paths.case_file().with_name("watch.sqlite").unlink()
    shown = {a["alert"]: a for a in alerts(capsys)}
    assert repaired["alert"] in shown and shown[repaired["alert"]]["settled"] is None
    # The grant's alert is open again, shown as resting on a record that fails `cases verify`.
    assert shown[listed["alert"]]["record_ok"] is False


def test_a_lost_alert_store_is_rebuilt_with_the_settlements_the_case_file_holds(
        tmp_path, desk_env, capsys):
    from desktop.site import paths

    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    granted = record_after_install(capsys, p, v1, KNOWN["clear"][0], "approved", "SQ-50")
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    [listed] = alerts(capsys)
    assert run(capsys, "cases", "watch", "--settle", listed["alert"], "--action", "reviewed",
               "--note", "复核后维持")[0] == 0
    paths.case_file().with_name("watch.sqlite").unlink()
    assert alerts(capsys) == []
    [again] = alerts(capsys, "--all")
    assert again["record_id"] == granted and again["settled"]["action"] == "reviewed"


def test_an_alert_raised_last_month_and_reopened_this_month_is_raised_once_last_month(
        tmp_path, desk_env, capsys):
    """Raised in one month, superseded and shown again in the next: the statistics of the month
    it was raised keep it, and the next month does not count it raised a second time (it is
    open at both months' ends)."""
    import sqlite3
    from datetime import datetime, timedelta

    from desktop.casefile.record import utc_text
    from desktop.check.model import CHINA_TZ
    from desktop.site import paths

    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    v1, v2, _ = p.datasets()
    record_after_install(capsys, p, v1, KNOWN["clear"][0], "approved", "SQ-60")
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    [listed] = alerts(capsys)
    now = datetime.now(CHINA_TZ)
    earlier = now.replace(day=1) - timedelta(days=10)     # the alert was raised last month
    store = sqlite3.connect(paths.case_file().with_name("watch.sqlite"))
    with store:
        store.execute("UPDATE alerts SET raised_at = ?, first_raised_at = ?",
                      (utc_text(earlier),) * 2)
    store.close()
    assert run(capsys, "cache", "import", p.publish(3, v1))[0] == 0      # taken back
    assert alerts(capsys) == []
    assert run(capsys, "cache", "import", p.publish(4, v2))[0] == 0      # and listed again
    [again] = alerts(capsys)
    assert again["alert"] == listed["alert"]

    def counts(month):
        code, out, err = run(capsys, "cases", "stats", "--month", month)
        assert code == 0, err
        return {line.split()[0]: int(line.split()[-1]) for line in out.splitlines()
                if line.strip().startswith("跟踪提醒")}

    assert counts(earlier.strftime("%Y-%m")) == {
        "跟踪提醒：本月提出": 1, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 1}
    assert counts(now.strftime("%Y-%m")) == {
        "跟踪提醒：本月提出": 0, "跟踪提醒：本月处理": 0, "跟踪提醒：月末待处理": 1}


def test_a_reopened_alert_says_what_the_data_says_now_not_what_it_said_when_first_raised(
        tmp_path, desk_env, capsys):
    """A refusal's ground lapsed (alert), its term was then extended (superseded), and now the
    entry is removed: the same alert reopened, telling the clerk 'removed', not 'lapsed'."""
    p, v1, _, black, lapsed = refusal_whose_ground_lapsed(tmp_path, desk_env, capsys, "SQ-40")
    assert run(capsys, "cache", "import", p.publish(3, v1))[0] == 0          # in force again
    assert alerts(capsys) == []
    v4 = edit_dataset(v1, tmp_path / "v4.sqlite",
                      ("DELETE FROM entries WHERE subject_code = ?", (black,)))
    assert run(capsys, "cache", "import", p.publish(4, v4))[0] == 0
    [removed] = alerts(capsys)
    assert removed["alert"] == lapsed["alert"] and removed["source"] == "离线数据第 4 版"
    assert (removed["change"], removed["new_state"]) == ("removed", "removed")
    assert "条目已移出，不再构成限制理由" in removed["follow_up"]
