"""A natural person is looked up only for a stated purpose, and every such lookup leaves an access
record (operator, time, purpose, masked number, result status) in the case file, recorded check
or not; a supervisor reads them with `cases list --access`, and `cases verify` vouches for them."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main

PERSON = KNOWN["person_black"]
MASKED = PERSON[:6] + "********" + PERSON[-4:]
ITEM = KNOWN["item_with_measures"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def access(capsys, *extra):
    code, out, err = run(capsys, "cases", "list", "--access", "--json", *extra)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_a_person_without_purpose_is_refused_and_nothing_is_looked_up(capsys, online):
    for purpose in ([], ["--purpose", "   "], ["--purpose", "授权\n书"]):
        code, out, err = run(capsys, "check", PERSON, "--item", ITEM, *purpose)
        assert code == 2 and out == ""
        assert "查询用途" in err and "未查询" in err and PERSON not in err
    assert [r.path for r in online.platform.log] == []
    assert access(capsys) == []


def test_a_code_or_identity_number_as_purpose_is_refused_not_kept_unmasked(capsys, online):
    """A licence or identity card scanned into the purpose by mistake would put a code, a person's
    number unmasked, into the access record: refused, nothing looked up."""
    # Split as forms print it, as Word and documents split it (break attempt 20), or with an
    # invisible character inside: the code field reads every one of these separators as nothing.
    split = [sep.join((PERSON[:6], PERSON[6:14], PERSON[14:]))
             for sep in (" ", "-", ".", "/", "\u2013", "\u2014", "_", "\u00b7", "\u200b", "\u3000")]
    for purpose in (KNOWN["clear"][0], PERSON, f"授权书 {PERSON}",
                    *(f"授权书 {number}" for number in split)):
        code, out, err = run(capsys, "check", PERSON, "--item", ITEM, "--purpose", purpose)
        assert code == 2 and out == ""
        assert "查询用途不能是代码或身份证号码" in err and PERSON not in err
    assert [r.path for r in online.platform.log] == []
    assert access(capsys) == []


def test_an_authorisation_number_in_groups_of_digits_is_a_purpose(capsys, online):
    """Split digits that are no identity number (no birth date, or a check digit that fails) are
    an authorisation number like any other."""
    code, out, err = run(capsys, "check", PERSON, "--item", ITEM, "--purpose",
                         "授权书 4401 2026 1201 0001 23")
    assert code != 2, err
    assert [r["purpose"] for r in access(capsys)] == ["授权书 4401 2026 1201 0001 23"]


def test_an_organisation_needs_no_purpose_and_its_own_code_leaves_no_access_record(capsys):
    code, _, _ = run(capsys, "check", KNOWN["clear"][0], "--item", ITEM)
    assert code == 0 and access(capsys) == []


def test_each_person_shown_with_a_unit_leaves_an_access_record_masked(capsys, monkeypatch):
    """A unit's people are personal data shown to the clerk: one access record each, naming the
    unit's check as the purpose, the number masked, whether the check is recorded or not."""
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", "GZ-0117")
    unit = KNOWN["unit_rep_listed"]
    code, out, _ = run(capsys, "check", unit, "--item", ITEM, "--json")
    assert code == 0
    people = json.loads(out)["related"]
    rows = access(capsys)
    assert [(r["subject"], r["status"], r["operator"], r["item_code"], r["source"]) for r in rows] == [
        (p["code_masked"], "hit" if p["hits"] else "clear", "GZ-0117", ITEM, "offline") for p in people]
    assert len(rows) == 2 and rows[0]["status"] == "hit"          # the listed legal representative
    assert all(unit in r["purpose"] for r in rows)
    assert "法定代表人" in rows[0]["purpose"] and "主要负责人" in rows[1]["purpose"]
    assert all("*" in r["subject"] for r in rows)
    # Recorded or not, each lookup is one more; `cases verify` vouches for the chain.
    code, _, err = run(capsys, "check", unit, "--item", ITEM, "--record", "--case-no", "A-2",
                       "--outcome", "rejected")
    assert code == 0, err
    assert len(access(capsys)) == 4
    code, _, err = run(capsys, "cases", "verify")
    assert code == 0, err
    data = (Path(os.environ["CREDIT_DESK_HOME"]) / "cases.sqlite").read_bytes()
    assert PERSON.encode() not in data


def test_an_unrecorded_lookup_leaves_an_access_record(capsys, monkeypatch):
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", "GZ-0117")
    code, out, _ = run(capsys, "check", PERSON, "--item", ITEM, "--purpose", "授权书 SQ-2026-0042")
    assert code == 0 and PERSON not in out
    code, _, _ = run(capsys, "check", KNOWN["person_clear"], "--purpose", "依法履职：行政许可审查")
    assert code == 0
    rows = access(capsys)
    assert [(r["access_id"], r["operator"], r["purpose"], r["subject"], r["status"], r["source"])
            for r in rows] == [
        (1, "GZ-0117", "授权书 SQ-2026-0042", MASKED, "hit", "offline"),
        (2, "GZ-0117", "依法履职：行政许可审查", KNOWN["person_clear"][:6] + "********"
         + KNOWN["person_clear"][-4:], rows[1]["status"], "offline"),
    ]
    assert rows[0]["at"].endswith("Z") and rows[0]["item_code"] == ITEM
    # No check record was made: the access record is the only trace, and it names no one whole.
    code, out, _ = run(capsys, "cases", "list", "--json")
    assert out == ""
    data = (Path(os.environ["CREDIT_DESK_HOME"]) / "cases.sqlite").read_bytes()
    assert PERSON.encode() not in data
    # The table a supervisor reads.
    code, out, err = run(capsys, "cases", "list", "--access")
    assert "授权书 SQ-2026-0042" in out and MASKED in out and "GZ-0117" in out and PERSON not in out
    assert "共 2 条查询留痕" in err


def test_a_recorded_lookup_leaves_both_records(capsys):
    code, _, err = run(capsys, "check", PERSON, "--item", ITEM, "--record", "--case-no", "A-1",
                       "--outcome", "rejected", "--purpose", "依法履职")
    assert code == 0, err
    assert len(access(capsys)) == 1
    code, out, _ = run(capsys, "cases", "list", "--json")
    assert json.loads(out)["case_no"] == "A-1"


def test_a_batch_line_of_a_person_without_purpose_is_refused(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    batch.write_text(f"{KNOWN['clear'][0]}\n{PERSON}\n", encoding="utf-8")  # a unit without people
    code, out, _ = run(capsys, "check", "--batch", str(batch), "--item", ITEM)
    assert code == 2 and "第 2 行" in out and "查询用途" in out and PERSON not in out
    assert access(capsys) == []


def test_access_filters_and_refusals(capsys, monkeypatch):
    for op in ("A-1", "B-2"):
        monkeypatch.setenv("CREDIT_DESK_OPERATOR", op)
        assert run(capsys, "check", PERSON, "--purpose", "依法履职")[0] == 0
    assert [r["operator"] for r in access(capsys, "--operator", "B-2")] == ["B-2"]
    code, out, err = run(capsys, "cases", "list", "--access", "--code", PERSON)
    assert code == 2 and "查询留痕只能按日期和操作员筛选" in err and out == ""


def test_cases_verify_catches_an_edited_or_deleted_access_record(capsys):
    for _ in range(3):
        assert run(capsys, "check", PERSON, "--purpose", "依法履职")[0] == 0
    assert run(capsys, "cases", "verify")[0] == 0
    path = Path(os.environ["CREDIT_DESK_HOME"]) / "cases.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE access SET body = replace(body, '依法履职', '无') WHERE access_id = 2")
    conn.commit()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "查询留痕 2 的内容被修改" in err
    conn.execute("UPDATE access SET body = replace(body, '无', '依法履职') WHERE access_id = 2")
    conn.execute("DELETE FROM access WHERE access_id = 2")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "查询留痕 2 已被删除或插入" in err


def lookups(capsys, n: int) -> None:
    for _ in range(n):
        assert run(capsys, "check", PERSON, "--purpose", "依法履职")[0] == 0


def case_db() -> sqlite3.Connection:
    return sqlite3.connect(Path(os.environ["CREDIT_DESK_HOME"]) / "cases.sqlite")


def test_deleting_the_newest_access_records_is_named_by_the_witness(capsys):
    """The chain alone cannot see its own end cut off; the witness beside the file counts the
    access records, so verify (exit 6) and the next recording both say so."""
    lookups(capsys, 4)
    assert run(capsys, "cases", "verify")[0] == 0
    with case_db() as conn:
        conn.execute("DELETE FROM access WHERE access_id > 2")
    conn.close()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "查询留痕比见证少" in err and "第 3 条至第 4 条查询留痕被删除" in err, err
    code, _, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--record", "--case-no",
                       "BJ-1", "--outcome", "rejected")
    assert code == 6 and "本机暂停记档" in err, err


def test_replacing_the_newest_access_record_is_named_by_the_witness(capsys):
    lookups(capsys, 3)
    with case_db() as conn:
        # The last one rewritten with a consistent chain: another purpose, hash recomputed.
        body, = conn.execute("SELECT body FROM access WHERE access_id = 3").fetchone()
        forged = body.replace("依法履职", "他用")
        conn.execute("UPDATE access SET body = ?, hash = ? WHERE access_id = 3",
                     (forged, hashlib.sha256(forged.encode()).hexdigest()))
    conn.close()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "第 3 条查询留痕不是见证记载的那一条" in err, err


def test_a_witness_from_before_access_records_were_counted_starts_counting_them(capsys):
    lookups(capsys, 2)
    witness = Path(os.environ["CREDIT_DESK_HOME"]) / "cases.witness"
    witness.write_bytes(witness.read_bytes()[:512])  # the records' two slots only
    with case_db() as conn:  # ...beside a file from before access records were witnessed
        conn.execute("PRAGMA user_version=2")
    conn.close()
    assert run(capsys, "cases", "verify")[0] == 0  # nothing to compare yet: no false alarm
    lookups(capsys, 1)  # a writer starts, and counts the access records the file holds
    assert witness.stat().st_size == 1024
    with case_db() as conn:
        conn.execute("DELETE FROM access WHERE access_id = 3")
    conn.close()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "查询留痕比见证少" in err, err


def test_while_recording_is_stopped_no_person_is_looked_up_and_the_evidence_stays(capsys):
    """Recording stopped stops access records too (the file takes nothing until IT decides), so
    a lookup of a person, or of a unit that shows its people, is refused with the reason and not
    shown (exit 6, like `check --record`). Written on, new access records would take the numbers
    and witness slots of the deleted ones, and verify would find nothing left to name."""
    lookups(capsys, 4)
    with case_db() as conn:
        conn.execute("DELETE FROM access WHERE access_id > 2")
    conn.close()
    for verified in (False, True):  # caught at the lookup itself, and after verify said so
        if verified:
            assert run(capsys, "cases", "verify")[0] == 6
        code, out, err = run(capsys, "check", PERSON, "--purpose", "依法履职", "--json")
        assert code == 6 and out == "" and "也不能查询自然人" in err and "查询留痕比见证少" in err, err
        code, out, err = run(capsys, "check", KNOWN["unit_rep_listed"], "--item", ITEM)
        assert code == 6 and out == "" and "也不能查询自然人" in err, err
    assert len(access(capsys)) == 2
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "第 3 条至第 4 条查询留痕被删除" in err, err
    # A unit without people leaves no access record, and is still checked (not recorded).
    assert run(capsys, "check", KNOWN["clear"][0], "--item", ITEM)[0] == 0


def test_while_recording_is_stopped_by_verify_no_person_is_looked_up(capsys):
    """The same when verify found the check records altered: one rule for the whole file."""
    lookups(capsys, 1)
    assert run(capsys, "check", KNOWN["black"], "--item", ITEM, "--record", "--case-no", "B-1",
               "--outcome", "rejected")[0] == 0
    before = access(capsys)
    with case_db() as conn:
        conn.execute("UPDATE outbox SET feedback_id = 'X'")
    conn.close()
    assert run(capsys, "cases", "verify")[0] == 6
    code, out, err = run(capsys, "check", PERSON, "--purpose", "依法履职")
    assert code == 6 and out == "" and "也不能查询自然人" in err, err
    assert access(capsys) == before


def test_the_access_slots_cut_off_the_witness_do_not_hide_deleted_access_records(capsys):
    """A witness cut back to the records' two slots looked like one written before access records
    were counted: the newest access records deleted with it went unnoticed, and the next lookup
    counted the file as it was left. The file says its access records are witnessed, so the
    witness without their slots is damaged (exit 6), at verify and at the next lookup."""
    lookups(capsys, 4)
    witness = Path(os.environ["CREDIT_DESK_HOME"]) / "cases.witness"
    with case_db() as conn:
        conn.execute("DELETE FROM access WHERE access_id > 2")
    conn.close()
    witness.write_bytes(witness.read_bytes()[:512])
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "见证文件" in err and "已损坏" in err, err
    code, out, err = run(capsys, "check", PERSON, "--purpose", "依法履职")
    assert code == 6 and "不能查询自然人" in err and out == "", err
    assert witness.stat().st_size == 512  # the evidence left as it was found


def test_the_access_slots_cut_off_while_the_window_is_open_stop_lookups(tmp_path):
    """The same between two lookups of one open case file (the window): the next lookup of a
    person is refused instead of writing over the deleted access records' numbers."""
    from casefile_fixtures import DESK, PERSON_CODE, result

    from desktop.casefile.errors import CaseFileTampered
    from desktop.casefile.store import CaseFile
    from desktop.check.model import CodeKind

    person = result(code=PERSON_CODE, kind=CodeKind.PERSON)
    with CaseFile(tmp_path / "cases.sqlite") as cf:
        for _ in range(4):
            cf.record_access(person, "依法履职", DESK)
        with sqlite3.connect(cf.path) as conn:
            conn.execute("DELETE FROM access WHERE access_id > 2")
        conn.close()
        cf.witness_path.write_bytes(cf.witness_path.read_bytes()[:512])
        with pytest.raises(CaseFileTampered) as caught:
            cf.record_access(person, "依法履职", DESK)
        assert "不能查询自然人" in str(caught.value.message)
        assert len(cf.access_records()) == 2


def test_the_newest_access_records_deleted_under_the_open_window_stop_its_records_too(tmp_path):
    """A record of a result already on the screen, after an insider deleted the newest access
    records: refused like a lookup, with the witness's words (break attempt 16 found it recorded,
    the deletion noticed only at the next lookup or verify)."""
    from casefile_fixtures import DESK, PERSON_CODE, approve, result

    from desktop.casefile.errors import CaseFileTampered
    from desktop.casefile.store import CaseFile
    from desktop.check.model import CodeKind

    person = result(code=PERSON_CODE, kind=CodeKind.PERSON)
    with CaseFile(tmp_path / "cases.sqlite") as cf:
        cf.record_check(result(), approve(), DESK)
        for _ in range(3):
            cf.record_access(person, "依法履职", DESK)
        with sqlite3.connect(cf.path) as conn:
            conn.execute("DELETE FROM access WHERE access_id = 3")
        conn.close()
        with pytest.raises(CaseFileTampered) as caught:
            cf.record_check(result(), approve(), DESK)
        assert "本机暂停记档" in str(caught.value.message)
        assert "查询留痕比见证少" in str(caught.value.message)
        assert cf.count() == 1


def test_the_newest_access_record_deleted_through_the_open_case_files_own_connection_is_caught(
        tmp_path):
    """A caller holding the case file's own connection (``db``) deletes the newest access
    record: SQLite's data_version does not count a connection's own commits, so the quiet path
    of the next lookup still compares the newest access record with the one witnessed (break
    attempt 17: it took the deleted one's number and slot, and verify then said all was well)."""
    from casefile_fixtures import DESK, PERSON_CODE, result

    from desktop.casefile.errors import CaseFileTampered
    from desktop.casefile.store import CaseFile
    from desktop.check.model import CodeKind

    person = result(code=PERSON_CODE, kind=CodeKind.PERSON)
    with CaseFile(tmp_path / "cases.sqlite") as cf:
        for _ in range(3):
            cf.record_access(person, "依法履职", DESK)
        with cf.lock:
            cf.db.conn.execute("DELETE FROM access WHERE access_id = 3")
        with pytest.raises(CaseFileTampered) as caught:
            cf.record_access(person, "另一目的", DESK)
        assert "查询留痕比见证少" in str(caught.value.message)
        assert [a.access_id for a in cf.access_records()] == [1, 2]
