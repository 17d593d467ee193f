"""The command-line steps the watch tests share: the desk's own `credit-desk` entry point run
in-process (its output read back through pytest's capsys), a check recorded, and the alerts that
`cases watch --json` prints."""
from __future__ import annotations

import json

from desktop.app.cli import main as desk


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def record(capsys, code, outcome, case_no, *before, item: str, offline: bool = False) -> int:
    """Record a check of ``code`` with ``outcome``; ``before``: options given ahead of `check`."""
    status, out, err = run(capsys, *before, "check", code, "--item", item, "--record", "--case-no",
                           case_no, "--outcome", outcome, *(("--offline",) if offline else ()), "--json")
    assert status == 0, err
    return json.loads(out)["record"]["record_id"]


def watch(capsys, *extra) -> tuple[list[dict], str]:
    """The alerts `cases watch --json` lists, and what it said on stderr."""
    status, out, err = run(capsys, "cases", "watch", "--json", *extra)
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines()], err
