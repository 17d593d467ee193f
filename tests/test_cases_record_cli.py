"""`credit-desk check ... --record` as an approval system drives it: on the embedded demo data,
into the case file of the test's home, with the rules for recording and the exit codes of
DESIGN.md (0 recorded, 2 refused, 3 unverified, 7 not durable)."""
from __future__ import annotations

from desk_config import OPERATORS

import json
import os

import pytest
from casefile_fixtures import IS_ROOT, queued_feedback, read_only, small_disk

from desktop.app.cli import main
from desktop.casefile.store import CaseFile
from desktop.site import paths

KNOWN = json.loads((paths.resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
ITEM = KNOWN["item_with_measures"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def record(capsys, code, *extra, case_no="BJ-2026-0001", outcome="rejected"):
    """A recorded check with --json; returns (exit code, printed result, stderr)."""
    status, out, err = run(capsys, "check", code, "--item", ITEM, "--record", "--case-no",
                           case_no, "--outcome", outcome, "--json", *extra)
    return status, (json.loads(out) if out.strip() else None), err


def stored():
    with CaseFile(paths.case_file()) as cf:
        return cf.query()


def mandated(result: dict) -> list[str]:
    return [m["measure_id"] for m in result["measures"] if m["mandatory"]]


def test_mandated_measures_are_applied_by_default_and_go_to_the_outbox(capsys):
    status, r, _ = record(capsys, KNOWN["black"])
    assert status == 0 and r["status"] == "hit" and mandated(r)
    [rec] = stored()
    assert r["record"] == {"record_id": rec.record_id, "hash": rec.hash}
    assert list(rec.measures_applied) == mandated(r)
    assert (rec.case_no, rec.outcome, rec.item_code, rec.demo) == ("BJ-2026-0001", "rejected",
                                                                   ITEM, True)
    [feedback] = queued_feedback(paths.case_file())
    assert feedback["measures_applied"] == mandated(r) and feedback["record_hash"] == rec.hash
    code, out, _ = run(capsys, "cases", "verify")
    assert code == 0 and "已校验 1 条记录" in out


def test_dropping_a_mandated_measure_needs_a_note(capsys):
    status, r, err = record(capsys, KNOWN["black"], "--apply", outcome="approved")
    assert status == 2 and mandated(r)[0] in err and "说明" in err
    assert "。。" not in err  # the measure's own full stop is not doubled
    assert r["record"] is None and stored() == []  # shown, not recorded
    status, r, _ = record(capsys, KNOWN["black"], "--apply", "--note", "法院已裁定中止执行",
                          outcome="approved")
    assert status == 0
    [rec] = stored()
    assert rec.measures_applied == () and rec.note == "法院已裁定中止执行"


def test_a_measure_not_shown_cannot_be_applied(capsys):
    status, _, err = record(capsys, KNOWN["black"], "--apply", "M-NOT-SHOWN")
    assert status == 2 and "M-NOT-SHOWN" in err and stored() == []


def test_a_natural_person_needs_a_case_number_and_is_masked_everywhere(capsys):
    person = KNOWN["person_black"]
    status, r, err = record(capsys, person, "--purpose", "依法履职", case_no="   ")
    assert status == 2 and "办件编号" in err and stored() == []
    status, r, _ = record(capsys, person, "--purpose", "依法履职", case_no="RS-2026-0042")
    assert status == 0 and r["code"] == person[:6] + "********" + person[-4:]
    [rec] = stored()
    assert rec.subject_code == person  # whole in the file: the platform feedback needs it
    code, out, _ = run(capsys, "cases", "list", "--json")
    assert code == 0 and person not in out and json.loads(out)["subject_code"] == r["code"]


def test_missing_record_arguments_are_named_and_nothing_is_queried(capsys):
    code, out, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--record",
                         "--outcome", "rejected")
    assert code == 2 and "--case-no" in err and out == "" and stored() == []
    code, out, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--outcome", "rejected")
    assert code == 2 and "--record" in err and out == ""
    code, _, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--record",
                       "--case-no", "X", "--outcome", "fine")
    assert code == 2 and "approved" in err and stored() == []


@pytest.fixture
def no_snapshot(tmp_path, desk_env):
    """A production deployment whose snapshot has not been installed yet: nothing can vouch."""
    from snapshot_fixtures import Publisher

    _, config = desk_env
    root = Publisher(tmp_path / "publisher").root
    config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\n'
                      f'trust_root = "{root}"\n' + OPERATORS, encoding="utf-8")


def test_an_unverified_check_is_recorded_as_unverified(capsys, no_snapshot):
    status, r, err = record(capsys, KNOWN["black"], outcome="approved")
    assert status == 2 and r["status"] == "unverified" and "未能核实" in err and stored() == []
    status, r, _ = record(capsys, KNOWN["black"], outcome="deferred")
    assert status == 3 and r["record"]["record_id"] == 1
    [rec] = stored()
    assert (rec.status, rec.outcome, rec.hits, rec.measures_applied) == ("unverified", "deferred",
                                                                        (), ())
    assert rec.reason  # why it could not be verified travels with the record
    status, _, _ = record(capsys, KNOWN["black"], "--note", "申请人书面信用承诺，平台恢复后补查",
                          outcome="approved")
    assert status == 3 and stored()[-1].status == "unverified"


def test_read_only_case_folder_exits_7_keeps_the_result_and_loses_nothing(capsys):
    assert record(capsys, KNOWN["black"], case_no="K-1")[0] == 0
    assert record(capsys, KNOWN["clear"][0], case_no="K-2", outcome="approved")[0] == 0
    kept = stored()
    home = paths.home()
    with read_only(home):
        status, r, err = record(capsys, KNOWN["focus"], case_no="P-3", outcome="approved")
    assert status == 7
    assert r["status"] == "hit" and r["record"] is None  # the caller still has the check
    assert str(home) in err and "写入权限" in err and "重新记录" in err
    assert stored() == kept
    status, r, _ = record(capsys, KNOWN["focus"], case_no="P-3", outcome="approved")  # the retry
    assert status == 0 and r["record"]["record_id"] == 3
    assert run(capsys, "cases", "verify")[0] == 0


def test_commitments_due_are_listed_from_a_read_only_case_file(capsys):
    """An archive copy or a home mounted read-only for an audit: `cases due` is a listing like
    `cases list`, and lists (it opened the file for writing and exited 7 about a record nobody
    asked to make, break attempt 21)."""
    code, out, err = run(capsys, "check", KNOWN["clear"][0], "--item", "ZJ-001", "--record",
                         "--case-no", "C-1", "--outcome", "approved", "--commitment", "tolerance",
                         "--form-no", "F-1", "--due", "2027-01-01", "--missing", "营业执照副本")
    assert code == 0, err
    with read_only(paths.home()):
        code, out, err = run(capsys, "cases", "due", "--days", "3650")
    assert code == 0 and "F-1" in out and "C-1" in out, err


if IS_ROOT:  # a real full file system needs a mount; the core's page-limit test runs everywhere
    def test_full_disk_exits_7_and_loses_nothing(capsys, tmp_path, monkeypatch):
        home = tmp_path / "small-home"
        with small_disk(home, "tmpfs"):
            monkeypatch.setenv("CREDIT_DESK_HOME", str(home))
            assert record(capsys, KNOWN["black"], case_no="K-1")[0] == 0
            kept = stored()
            free = os.statvfs(home).f_bavail * os.statvfs(home).f_frsize
            (home / "filler").write_bytes(b"\0" * free)
            # A unit with no people shown (their access records would need the disk first).
            status, r, err = record(capsys, KNOWN["focus"], case_no="K-2")
            assert status == 7 and r["record"] is None and r["status"] == "hit"
            assert "磁盘已满" in err and str(home) in err
            (home / "filler").unlink()
            assert stored() == kept
            assert record(capsys, KNOWN["focus"], case_no="K-2")[0] == 0
            assert [r.case_no for r in stored()] == ["K-1", "K-2"]
            assert run(capsys, "cases", "verify")[0] == 0


PERSON = KNOWN["person_black"]


@pytest.mark.parametrize("note", [f"法定代表人身份证{PERSON}，已告知", f"身份证ID{PERSON}号已核",
                                  "身份证" + PERSON.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                                  f"身份证 {PERSON[:6]} {PERSON[6:14]} {PERSON[14:]} 已核",
                                  f"身份证{PERSON[:6]}-{PERSON[6:14]}-{PERSON[14:]}已核",
                                  # break attempt 20: as Word, documents and forms split it
                                  f"身份证 {PERSON[:6]}–{PERSON[6:14]}–{PERSON[14:]}",
                                  f"身份证 {PERSON[:6]}.{PERSON[6:14]}.{PERSON[14:]}",
                                  f"身份证：\n{PERSON[:6]} {PERSON[6:14]}\n{PERSON[14:]}",
                                  f"身份证 {PERSON[:9]}\u200b{PERSON[9:]}"])
def test_an_identity_number_typed_into_the_note_is_refused(capsys, note):
    """Listings, exports and sheets show the note as typed: a number written there was printed
    whole (break attempt 18), also in full-width digits or split up (break attempt 19). Refused
    with the field named; nothing is written."""
    status, _, err = record(capsys, KNOWN["black"], "--note", note)
    assert status == 2
    assert "说明中有一个公民身份号码" in err and "未记档" in err
    assert PERSON not in err
    assert stored() == []


@pytest.mark.parametrize("case_no", ["4401062026120100012", "440106202612010009", "376588202105074714",
                                     "BJ-440106-20261201-0001"])
def test_case_numbers_are_recorded_as_issued_even_when_shaped_like_an_identity_number(capsys, case_no):
    """Approval systems issue them and the clerk cannot change them: one numeric case number in
    eleven passes an identity number's test, and some made the check itself fail (break 19)."""
    status, _, _ = record(capsys, KNOWN["black"], case_no=case_no)
    assert status == 0 and [r.case_no for r in stored()] == [case_no]
