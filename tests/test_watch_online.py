"""Post-approval watch online and in a training room: the reference platform's change feed (GET
/api/v1/changes) raises the alerts before the next snapshot, the update that follows adds none,
a lagging feed is refused, codes never checked are ignored, and a settled alert reaches the
platform. The demo's second version does the same for a demo desk from a USB stick."""
from __future__ import annotations

import json

from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main as desk
from offline_cache.demo import main as demo_main
from offline_cache.demo import second_version

ITEM = KNOWN["item_with_measures"]


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def record(capsys, code, outcome, case_no, *extra, item=ITEM):
    status, out, err = run(capsys, "check", code, "--item", item, "--record", "--case-no",
                           case_no, "--outcome", outcome, "--json", *extra)
    assert status == 0, err
    return json.loads(out)["record"]["record_id"]


def watch(capsys, *extra):
    status, out, err = run(capsys, "cases", "watch", "--json", *extra)
    return status, [json.loads(line) for line in out.splitlines()], err


def test_the_change_feed_raises_alerts_online_and_the_update_adds_none(capsys, online):
    online.install_snapshot()
    granted = record(capsys, KNOWN["clear"][0], "approved", "ON-1")
    refused = record(capsys, KNOWN["black"], "rejected", "ON-2")
    assert watch(capsys)[:2] == (0, [])
    online.platform.publisher.publish(second_version)   # the platform's data moves on

    status, found, err = watch(capsys)
    assert status == 0 and err == ""
    assert {(a["record_id"], a["change"]) for a in found} == {(granted, "listed"),
                                                              (refused, "repaired")}
    assert all(a["source"] == "平台变化通知第 2 版" for a in found)
    feed = [r for r in online.platform.log if r.path == "/api/v1/changes"]
    assert feed and all(r.status == 200 for r in feed)
    # The feed also named the focus and red subjects and a new red entry: never checked here,
    # so nothing to say about them.

    code, out, _ = run(capsys, "cache", "update")
    assert code == 0 and "跟踪提醒" not in out        # the same changes, already raised
    status, again, _ = watch(capsys)
    assert sorted(a["alert"] for a in again) == sorted(a["alert"] for a in found)

    listed = next(a for a in found if a["change"] == "listed")
    assert run(capsys, "cases", "watch", "--settle", listed["alert"], "--action", "referred",
               "--note", "已移交区市场监管局")[0] == 0
    assert run(capsys, "outbox", "flush")[0] == 0
    fed = [f for f in online.platform.feedback.values() if f.get("decision_kind") == "follow_up"]
    assert len(fed) == 1 and fed[0]["follow_up"]["alert"] == listed["alert"]
    assert fed[0]["note"] == "已移交区市场监管局" and fed[0]["outcome"] == "approved"
    assert [a["change"] for a in watch(capsys)[1]] == ["repaired"]


def test_a_feed_older_than_the_data_here_is_refused_and_changes_nothing(capsys, online):
    online.install_snapshot()
    record(capsys, KNOWN["clear"][0], "approved", "ON-3")
    online.platform.publisher.publish(second_version)
    assert run(capsys, "cache", "update")[0] == 0     # v2 installed: one alert from the data
    assert len(watch(capsys)[1]) == 1
    online.platform.state.feed_version = 1            # a lagging replica answers the feed
    status, found, err = watch(capsys)
    assert status == 0 and len(found) == 1
    assert "第 1 版" in err and "第 2 版" in err and "已拒绝" in err


def test_a_malformed_feed_is_ignored_with_the_reason(capsys, online):
    online.install_snapshot()
    record(capsys, KNOWN["clear"][0], "approved", "ON-4")
    online.platform.fault("malformed", scope="changes")
    status, found, err = watch(capsys)
    assert status == 0 and found == [] and "变化通知格式不对" in err


def test_a_demo_desk_gets_alerts_from_the_second_demo_version_on_a_usb_stick(capsys, tmp_path):
    granted = record(capsys, KNOWN["clear"][0], "approved", "DEMO-1", "--offline")
    refused = record(capsys, KNOWN["black"], "rejected", "DEMO-2", "--offline")
    record(capsys, KNOWN["clear"][1], "approved", "DEMO-3", "--offline")  # gains a red entry only
    # A refused natural person whose entry stands: found under its sealed tag, so no "removed".
    record(capsys, KNOWN["person_black"], "rejected", "DEMO-4", "--offline", "--purpose",
           "（2026）粤0106执123号")
    stick = tmp_path / "stick"
    assert demo_main(["--second-version", str(stick)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "cache", "import", stick)
    assert code == 0 and "第 2 版" in out and "新增 2 条" in out
    _, found, _ = watch(capsys)
    assert {(a["record_id"], a["change"]) for a in found} == {(granted, "listed"),
                                                              (refused, "repaired")}


def test_the_training_room_publishes_the_second_version_when_the_trainer_presses_enter(
        capsys, online, monkeypatch):
    import io

    from reference_platform.__main__ import _publish_demo_changes_on_enter

    online.install_snapshot()
    granted = record(capsys, KNOWN["clear"][0], "approved", "TR-1")
    # Checked online: the platform's answer names the unit's people (v1.1 related), masked.
    unit = record(capsys, KNOWN["unit_rep_clear"], "approved", "TR-2", item="SCJG-001")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    _publish_demo_changes_on_enter(online.platform)
    assert online.platform.publisher.latest.version == 2
    assert "cache update" in capsys.readouterr().out
    code, out, _ = run(capsys, "cache", "update")
    assert code == 0 and "跟踪提醒：新增 2 条" in out
    assert sorted((a["record_id"], a["change"]) for a in watch(capsys)[1]) == [
        (granted, "listed"), (unit, "rep_listed")]


def test_a_legal_representative_listed_in_the_second_demo_version_is_an_alert_on_the_unit(
        capsys, tmp_path):
    """A unit granted while its legal representative was on no list; the second demo version
    black-lists the person (under the sealed tag of their number): the alert names the unit's
    record, the person masked, the entry and the measure that targets legal_rep."""
    unit = KNOWN["unit_rep_clear"]
    granted = record(capsys, unit, "approved", "DEMO-REP", "--offline", item="SCJG-001")
    stick = tmp_path / "stick"
    assert demo_main(["--second-version", str(stick)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "cache", "import", stick)
    assert code == 0 and "新增 1 条" in out
    status, found, _ = watch(capsys)
    assert status == 0 and len(found) == 1
    alert = found[0]
    assert (alert["record_id"], alert["change"]) == (granted, "rep_listed")
    assert alert["subject_code"] == unit and alert["entry_id"] == "SXBZXR-2026-90003"
    assert (alert["old_state"], alert["new_state"], alert["severity"]) == ("absent", "active", "black")
    person = alert["person"]
    assert person["role"] == "legal_rep"
    assert len(person["code_masked"]) == 18 and person["code_masked"][6:14] == "********"
    assert person["name"].endswith("*")
    assert [m["measure_id"] for m in alert["measures"]] == ["M-SX-08"]
    assert "法定代表人" in alert["follow_up"] and "M-SX-08" in alert["follow_up"]
    # Nothing in any output names the person's whole number.
    whole = next(c for u, role, c, _ in __import__("offline_cache.demo", fromlist=["generate"])
                 .generate().relations if u == unit and role == "legal_rep")
    status, text, err = run(capsys, "cases", "watch")
    assert whole not in text + err and person["code_masked"] in text and "M-SX-08" in text

    # Settled from the command line; a second import of the same data raises nothing again.
    assert run(capsys, "cases", "watch", "--settle", alert["alert"], "--action", "supervised",
               "--note", "已告知申请单位另行确定法定代表人")[0] == 0
    assert watch(capsys)[1] == []
    code, out, _ = run(capsys, "cache", "import", stick)
    assert watch(capsys)[1] == []
