"""`credit-desk cases ...` through the real entry point, as IT support and the archive meet it:
verify after each kind of tampering (exit 6, naming the first bad record), a damaged file, the
archive export with its manifest, list filters as people type them, statistics as CSV."""
from __future__ import annotations

import csv
import hashlib
import json
import sqlite3

import pypdf
import pytest
from casefile_fixtures import DESK, ITEM, PERSON_CODE, approve, black_result, result

from desktop.app.cli import main
from desktop.casefile.record import CaseRecord
from desktop.casefile.store import CaseFile, Desk
from desktop.check.model import CodeKind, Source, Status
from desktop.site import paths

MASKED = "440301********1234"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def six():
    """Six records over six days of November 2026, two operators, one person, one hit."""
    with CaseFile(paths.case_file()) as cf:
        for n in range(1, 7):
            checked_at = f"2026-11-0{n}T02:00:00Z"
            if n == 2:
                check = result(code=PERSON_CODE, kind=CodeKind.PERSON, name="张三",
                               checked_at=checked_at)
            elif n == 5:
                check = black_result(checked_at=checked_at, source=Source.OFFLINE)
            else:
                check = result(checked_at=checked_at)
            decision = approve(case_no=f"C{n}", outcome="rejected" if n == 5 else "approved",
                               measures_applied=("M-01",) if n == 5 else ())
            cf.record_check(check, decision, DESK if n % 2 else Desk("op-0200", DESK.hall, "7"))
    return paths.case_file()


def sql(path, *statements):
    conn = sqlite3.connect(path)
    for statement, *params in statements:
        conn.execute(statement, *params)
    conn.commit()
    conn.close()


def forged_at(path, position: int) -> CaseRecord:
    with CaseFile(path) as cf:
        before = cf.get(position - 1)
    return CaseRecord(**{**before.content(), "record_id": position, "prev_hash": before.hash,
                         "case_no": "FORGED", "hash": ""})


def edit(path):
    sql(path, ("UPDATE records SET body = json_set(body, '$.outcome', 'rejected') "
               "WHERE record_id = 3",))


def delete(path):
    sql(path, ("DELETE FROM records WHERE record_id = 3",))


def swap(path):
    sql(path, ("UPDATE records SET record_id = -3 WHERE record_id = 3",),
        ("UPDATE records SET record_id = 3 WHERE record_id = 4",),
        ("UPDATE records SET record_id = 4 WHERE record_id = -3",))


def insert(path):
    forged = forged_at(path, 3)
    sql(path, *[(f"UPDATE records SET record_id = {n + 1} WHERE record_id = {n}",)
                for n in range(6, 2, -1)],
        ("INSERT INTO records(record_id, body, hash) VALUES (3, ?, ?)",
         (forged.canonical().decode(), forged.compute_hash())))


@pytest.mark.parametrize("tampering,words", [(edit, "修改"), (delete, "删除"), (swap, "调换"),
                                             (insert, "插入")])
def test_verify_names_the_first_bad_record_for_each_kind_of_tampering(six, capsys, tampering,
                                                                      words):
    assert run(capsys, "cases", "verify")[0] == 0
    tampering(six)
    code, out, err = run(capsys, "cases", "verify")
    assert code == 6 and out == ""
    assert "档案被篡改" in err and words in err
    assert "第一条有问题的记录：3（之前 2 条完好）" in err


def test_damaged_file_is_named_and_left_as_it_is(capsys):
    path = paths.case_file()
    path.write_bytes(b"not a case file " * 300)
    before = path.read_bytes()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and str(path) in err and "已损坏" in err and "备份" in err
    assert run(capsys, "cases", "list")[0] == 6
    # A unit without people: checked and shown; the record cannot be made.
    code, out, err = run(capsys, "check", "91440100MA32HQAL3N", "--item", "CZ-001", "--record",
                         "--case-no", "X-1", "--outcome", "rejected", "--json")
    assert code == 7 and json.loads(out)["record"] is None and "已损坏" in err
    # A unit whose legal representative would be shown: their access record cannot be kept, so
    # the result is not shown at all (a lookup of a person nobody can account for).
    code, out, err = run(capsys, "check", "91440106MA9P6N4D3U", "--item", "CZ-001", "--json")
    assert code == 7 and out == "" and "已损坏" in err
    assert path.read_bytes() == before


def test_export_for_the_archive_with_manifest_and_masked_identity_numbers(six, capsys, tmp_path,
                                                                          qapp):
    out = tmp_path / "archive"
    code, stdout, _ = run(capsys, "cases", "export", "--out", str(out), "--pdf",
                          "--from", "2026-11-02", "--to", "2026-11-05")
    assert code == 0 and "已导出 4 条记录" in stdout
    data = (out / "cases.jsonl").read_bytes()
    assert [json.loads(x)["case_no"] for x in data.decode().splitlines()] == ["C2", "C3", "C4",
                                                                              "C5"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    with CaseFile(six) as cf:
        head = cf.head()
    assert manifest["records"] == 4 and (manifest["first_record"], manifest["last_record"]) == (2, 5)
    assert manifest["cases_jsonl_sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["chain_head"] == head and manifest["identity_numbers"] == "masked"
    assert manifest["filters"]["from"] == "2026-11-02"
    assert manifest["sheets"] == [f"record-0000000{n}.pdf" for n in range(2, 6)]
    person_sheet = "".join(p.extract_text() for p in
                           pypdf.PdfReader(out / "sheets" / "record-00000002.pdf").pages)
    everything = data.decode() + json.dumps(manifest) + person_sheet
    assert PERSON_CODE not in everything and MASKED in data.decode()
    assert not list(out.rglob("*.part"))


def test_export_never_overwrites_an_earlier_one(six, capsys, tmp_path):
    out = tmp_path / "archive"
    assert run(capsys, "cases", "export", "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, err = run(capsys, "cases", "export", "--out", str(out), "--status", "hit")
    assert code == 2 and "已有一次导出" in err and str(out) in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_export_of_one_person_keeps_the_identity_number_out_of_the_manifest(six, capsys,
                                                                          tmp_path):
    typed = PERSON_CODE[:6] + "-" + PERSON_CODE[6:]
    out = tmp_path / "person"
    assert run(capsys, "cases", "export", "--out", str(out), "--code", typed)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["records"] == 1 and manifest["filters"]["code"] == MASKED
    assert not [p.name for p in out.rglob("*") if PERSON_CODE.encode() in p.read_bytes()]
    org = tmp_path / "org"
    assert run(capsys, "cases", "export", "--out", str(org), "--code", "91440300MA5FXXXX1X")[0] == 0
    assert json.loads((org / "manifest.json").read_text(encoding="utf-8"))["filters"]["code"] \
        == "91440300MA5FXXXX1X"


def test_list_filters_as_people_type_them(six, capsys):
    def case_nos(*argv):
        code, out, _ = run(capsys, "cases", "list", "--json", *argv)
        assert code == 0
        return [json.loads(line)["case_no"] for line in out.splitlines()]

    typed = PERSON_CODE[:6] + "-" + PERSON_CODE[6:14] + " " + PERSON_CODE[14:]
    assert case_nos("--code", typed) == ["C2"]
    assert case_nos("--code", "９１４４０３００ma5fxxxx1x") == ["C1", "C3", "C4", "C5", "C6"]
    assert case_nos("--operator", "op-0200") == ["C2", "C4", "C6"]
    assert case_nos("--item", ITEM.item_code, "--status", "hit") == ["C5"]
    assert case_nos("--item", "NO-SUCH-ITEM") == []
    assert case_nos("--from", "2026-11-06") == ["C6"]
    code, out, err = run(capsys, "cases", "list", "--from", "2026-11-06", "--to", "2026-11-01")
    assert code == 2 and out == "" and "--from" in err
    code, out, _ = run(capsys, "cases", "list", "--status", "hit")
    assert code == 0 and "命中名单" in out and len(out.splitlines()) == 2  # header and C5


def test_stats_month_as_table_and_csv(six, capsys, tmp_path):
    with CaseFile(six) as cf:  # one unverified check in the month, one in December
        cf.record_check(result(status=Status.UNVERIFIED, source=Source.OFFLINE,
                               checked_at="2026-11-20T02:00:00Z"), approve(outcome="deferred"),
                        DESK)
        cf.record_check(result(checked_at="2026-12-01T02:00:00Z"), approve(), DESK)
    target = tmp_path / "2026-11.csv"
    code, out, _ = run(capsys, "cases", "stats", "--month", "2026-11", "--csv", str(target))
    assert code == 0 and out.splitlines()[0].startswith("信用核查月度统计 2026-11")
    from desktop.casefile.stats import SECTIONS

    section = {title: key for key, title in SECTIONS.items()}
    with open(target, encoding="utf-8-sig", newline="") as f:   # zh_CN headers, as the window's
        values = {(section[r["栏目"]], r["键"]): r["数值"] for r in csv.DictReader(f)}
    assert values[("checks", "total")] == "7" and values[("checks", "unverified")] == "1"
    assert values[("checks", "offline")] == "2" and values[("hits", "black")] == "1"
    assert values[("measures", "M-01")] == "1" and values[("outcomes", "approved")] == "5"
    assert values[("outcomes", "deferred")] == "1" and values[("outcomes", "rejected")] == "1"
    code, out, _ = run(capsys, "cases", "stats", "--month", "2026-11", "--operator", "op-0200")
    assert code == 0 and "操作员：op-0200" in out
    assert [line.split()[-1] for line in out.splitlines() if line.startswith("核查次数")] == ["3"]
    code, out, err = run(capsys, "cases", "stats", "--month", "11/2026")
    assert code == 2 and "YYYY-MM" in err and out == ""


def test_a_limit_too_big_for_sqlite_lists_everything_and_a_negative_one_is_refused(capsys, six):
    """A script's "no limit" (99999999999999999999) overflowed SQLite's integer binding into an
    unexpected error (break attempt 21)."""
    code, out, err = run(capsys, "cases", "list", "--limit", "99999999999999999999", "--json")
    assert code == 0 and len(out.splitlines()) == 6, err
    with pytest.raises(SystemExit) as refused:
        run(capsys, "cases", "list", "--limit", "-1")
    assert refused.value.code == 2 and "条数不能为负数" in capsys.readouterr().err
