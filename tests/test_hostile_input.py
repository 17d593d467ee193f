"""Issue 11 items 5 and 6: what a file, a scanner or an argument can send never ends in a
traceback or a flood. Refused inputs are quoted short, lengths are what the clerk sees, bad
batch files and secrets fail with exit 2 and the line, an unforeseen failure is logged (masked)
and shown as one line, and a batch logs its summary and its hits and refusals only."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.site import paths

REPO = Path(__file__).resolve().parent.parent
ITEM = KNOWN["item_with_measures"]
BLACK = KNOWN["black"]
PERSON = KNOWN["person_black"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def log_text() -> str:
    return (paths.log_dir() / "credit-desk.log").read_text(encoding="utf-8")


def test_zero_width_characters_do_not_count(capsys):
    # Copied from a web page: a zero-width space and a bidi mark inside a valid code.
    code, out, err = run(capsys, "check", BLACK[:4] + "\u200b" + BLACK[4:] + "\u200e", "--json")
    assert code == 0 and json.loads(out)["code"] == BLACK
    code, _, err = run(capsys, "check", BLACK[:17] + "\u200b", "--json")
    assert code == 2 and "输入的是 17 位" in err


def test_a_huge_invalid_input_is_quoted_short(capsys):
    code, out, err = run(capsys, "check", "A" * 100_000)
    assert code == 2 and out == ""
    assert err.strip() == f"错误：代码应为18位，输入的是 100000 位：{'A' * 40}…。请核对后重新输入或扫描。"


def test_a_huge_batch_line_is_quoted_short(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    batch.write_text(f"{BLACK}\n{'9' * 5_000_000}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--batch", str(batch), "--json")
    assert code == 2 and len(out) < 10_000
    refused = json.loads(out.splitlines()[1])
    # Quoted short, and a run of digits as long as an identity number's masked like one.
    assert refused["line"] == 2 and refused["input"] == "9" * 6 + "*" * 34 + "…"


def test_a_csv_field_over_the_limit_is_refused_with_its_line(capsys, tmp_path):
    batch = tmp_path / "codes.csv"
    batch.write_text(f"名称,代码\n甲,{BLACK}\n{'x' * 200_000},{BLACK}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--batch", str(batch))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("错误：批量文件第 3 行不是有效的 CSV")


def test_a_batch_that_is_not_text_is_refused_with_its_line(capsys, tmp_path):
    batch = tmp_path / "codes.txt"
    batch.write_bytes(f"{BLACK}\n{BLACK}\n".encode() + b"\xff\xfe\xff\n")
    code, out, err = run(capsys, "check", "--batch", str(batch))
    assert code == 2 and out == ""
    assert "第 3 行既不是 UTF-8 也不是 GBK 文本" in err


def test_an_argument_that_is_not_text_is_refused_not_recorded(capsys):
    # What the OS hands Python for bytes that are not UTF-8: lone surrogates.
    code, out, err = run(capsys, "check", BLACK, "--item", ITEM, "--record", "--case-no", "BJ-\udcff",
                         "--outcome", "rejected")
    assert code == 2 and out == ""
    assert err.strip() == "错误：参数 --case-no 含有无法识别的字符（不是有效的文本）。请检查输入后重试。"
    assert not paths.case_file().exists()


def test_a_platform_name_with_a_lone_surrogate_is_refused_and_the_record_is_made(capsys, online):
    online.install_snapshot()
    online.platform.fault("surrogate_name", scope="subjects")
    code, out, err = run(capsys, "check", BLACK, "--item", ITEM, "--record", "--case-no", "BJ-1",
                         "--outcome", "rejected", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["source"] == "offline" and result["record"]["record_id"]
    assert result["reason"].startswith("平台应答字段 subject.name 含有无效字符")


def test_an_unforeseen_failure_is_logged_masked_and_shown_as_one_line(capsys, monkeypatch):
    from desktop.app.commands import items

    def broken(args):
        raise RuntimeError(f"lookup of {PERSON} failed")
    monkeypatch.setattr(items, "run", broken)    # a bug nobody foresaw: it cannot be run for real
    code, out, err = run(capsys, "items")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("意外错误（RuntimeError）：详细信息已写入日志") and PERSON not in err
    logged = log_text()
    assert "Traceback" in logged and "RuntimeError: lookup of" in logged and PERSON not in logged


def test_an_uncaught_exception_reaches_the_log_and_stderr_gets_one_masked_line(desk_env):
    script = ("from desktop.site import log\nlog.setup()\n"
              f"raise ValueError('bad subject {PERSON}')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ), timeout=60, cwd=REPO)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("意外错误（ValueError）：详细信息已写入日志")
    assert len(done.stderr.strip().splitlines()) == 1 and PERSON not in done.stderr
    logged = log_text()
    assert "ValueError: bad subject" in logged and PERSON not in logged


def test_a_batch_logs_a_summary_and_one_line_per_hit_or_refusal(capsys, tmp_path):
    clear = KNOWN["clear"][0]
    batch = tmp_path / "codes.txt"
    batch.write_text("\n".join([clear] * 200 + [BLACK, "NOT-A-CODE"]) + "\n", encoding="utf-8")
    code, _, _ = run(capsys, "check", "--batch", str(batch), "--item", ITEM)
    assert code == 2
    everything = log_text().splitlines()
    assert len(everything) <= 5, everything     # start, snapshot in use, and the three below
    lines = [line for line in everything if "batch" in line]
    assert len(lines) == 3, lines
    assert "batch line 201: " in lines[0] and "hit black" in lines[0]
    assert "batch line 202 refused" in lines[1]
    assert "codes.txt" in lines[2] and "202 lines" in lines[2] and "200 clear, 1 hit" in lines[2]
    # The single check still logs its own line.
    run(capsys, "check", clear, "--item", ITEM)
    assert f"check {clear}" in log_text()
