"""`credit-desk cases ...`, driven through `register()` with a bare argparse parser."""
from __future__ import annotations

import argparse
import json
import sqlite3

import pypdf
import pytest
from casefile_fixtures import DESK, PERSON_CODE, approve, black_result, result

from desktop.app.commands import cases
from desktop.casefile.store import CaseFile
from desktop.check.model import CodeKind
from desktop.site import paths


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="credit-desk")
    cases.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.fixture
def filled():
    with CaseFile(paths.case_file()) as cf:
        cf.record_check(result(checked_at="2026-11-03T02:15:00Z"), approve(case_no="A"), DESK)
        cf.record_check(result(code=PERSON_CODE, kind=CodeKind.PERSON, name="张三",
                               checked_at="2026-11-04T02:15:00Z"), approve(case_no="P"), DESK)
        cf.record_check(black_result(checked_at="2026-11-05T02:15:00Z"),
                        approve(case_no="H", outcome="rejected", measures_applied=("M-01",)), DESK)
    return paths.case_file()


def test_list_masks_identity_numbers(filled, capsys):
    assert run("cases", "list") == 0
    out = capsys.readouterr().out
    assert "440301********1234" in out and PERSON_CODE not in out and "张三" in out
    assert len(out.strip().splitlines()) == 4  # header and three records


def test_list_json_lines_and_filters(filled, capsys):
    assert run("cases", "list", "--json", "--code", PERSON_CODE) == 0
    [line] = capsys.readouterr().out.strip().splitlines()
    record = json.loads(line)
    assert record["case_no"] == "P" and record["subject_code"] == "440301********1234"
    assert run("cases", "list", "--json", "--status", "hit") == 0
    assert [json.loads(x)["case_no"] for x in capsys.readouterr().out.splitlines()] == ["H"]
    assert run("cases", "list", "--json", "--from", "2026-11-04", "--to", "2026-11-04",
               "--operator", DESK.operator) == 0
    assert [json.loads(x)["case_no"] for x in capsys.readouterr().out.splitlines()] == ["P"]
    with pytest.raises(SystemExit):
        run("cases", "list", "--from", "4 Nov")


def test_export_json_lines_and_sheets(filled, tmp_path, capsys, qapp):  # qapp: see test_record_sheet
    out = tmp_path / "export"
    assert run("cases", "export", "--out", str(out), "--pdf") == 0
    lines = (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["case_no"] for x in lines] == ["A", "P", "H"]
    assert PERSON_CODE not in (out / "cases.jsonl").read_text(encoding="utf-8")
    sheets = sorted((out / "sheets").iterdir())
    assert len(sheets) == 3 and all(len(pypdf.PdfReader(s).pages) >= 1 for s in sheets)
    assert PERSON_CODE not in "".join(p.extract_text() for p in pypdf.PdfReader(sheets[1]).pages)
    assert "已导出 3 条记录" in capsys.readouterr().out


def test_stats_prints_a_table_and_writes_csv(filled, tmp_path, capsys):
    target = tmp_path / "nov.csv"
    assert run("cases", "stats", "--month", "2026-11", "--csv", str(target)) == 0
    out = capsys.readouterr().out
    assert "信用核查月度统计 2026-11" in out and target.exists()
    assert run("cases", "stats", "--month", "2026-11", "--item", "none", "--operator", "x") == 0


@pytest.mark.parametrize("argv", [("list", "--to", "9999-12-31"), ("list", "--from", "0001-01-01"),
                                  ("export", "--out", "x", "--to", "9999-12-31")])
def test_a_far_date_is_refused_with_its_range_not_an_unexpected_error(filled, capsys, argv):
    with pytest.raises(SystemExit) as stopped:
        run("cases", *argv)
    assert stopped.value.code == 2
    assert "超出可查询的范围（1900–9000 年）" in capsys.readouterr().err


def test_verify_exit_codes(filled, capsys):
    assert run("cases", "verify") == 0
    assert "已校验 3 条记录" in capsys.readouterr().out
    conn = sqlite3.connect(filled)
    conn.execute("UPDATE records SET body = json_set(body, '$.note', '改过') WHERE record_id = 2")
    conn.commit()
    conn.close()
    assert run("cases", "verify") == 6
    err = capsys.readouterr().err
    assert "记录 2" in err and "第一条有问题的记录：2" in err
