"""Post-approval watch (事中事后监管) from the command line, on a production-style offline desk fed
by USB imports: record checks on v1, import v2 (full or delta), see the alerts that matter and
only those, settle one, see it gone, in the case file and in the feedback."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from snapshot_fixtures import ITEM, KNOWN, Publisher, deploy

from desktop.app.cli import main as desk
from desktop.casefile.store import CaseFile
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
    code, out, _ = run(capsys, "cache", "import", p.publish_delta(1, 2, v1, v2))
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
        payload = json.loads(cf.db.conn.execute(
            "SELECT payload FROM outbox WHERE record_id = ?", (follow.record_id,)).fetchone()[0])
    assert payload["decision_kind"] == "follow_up" and payload["follow_up"]["action"] == "supervised"
    assert payload["note"] == "已通知执法科，纳入重点监管"

    # Settled once: never again, not after computing again, not after another install.
    code, _, err = run(capsys, "cases", "watch", "--settle", listed["alert"], "--action",
                       "reviewed", "--note", "again")
    assert code == 2 and "已由 test-op 处理" in err
    assert run(capsys, "cache", "import", p.publish(2, v2))[0] == 0
    _, everything, _ = alerts(capsys, "--all")
    assert sorted(a["change"] for a in everything) == ["listed", "repaired"]
    assert [a["settled"]["action"] for a in everything if a["settled"]] == ["supervised"]
