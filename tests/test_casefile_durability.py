"""Durability: a confirmed record survives a killed process, and a write that cannot be made
durable is refused with a clear error while everything confirmed before stays intact.

Read-only folders and full disks are made real where the test runs as root (a read-only bind
mount, a small tmpfs: how CI runs); otherwise by file modes and SQLite's page limit."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from casefile_fixtures import (DESK, IS_ROOT, approve, black_result, read_only, result,
                               small_disk)

from desktop.casefile import CaseFile, RecordNotDurable

REPO = Path(__file__).resolve().parent.parent


def test_durable_settings(tmp_path):
    with CaseFile(tmp_path / "cases.sqlite") as cf:
        assert cf.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cf.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


APPENDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from casefile_fixtures import DESK, approve, black_result
    from desktop.casefile import CaseFile

    cf = CaseFile(Path({path!r}))
    while True:
        r = cf.record_check(black_result(), approve(outcome="rejected",
                                                    measures_applied=("M-01",)), DESK)
        print(r.record_id, flush=True)
""")


@pytest.mark.slow
def test_sigkill_mid_append_loses_no_confirmed_record(tmp_path):
    path = tmp_path / "cases.sqlite"
    code = APPENDER.format(tests=str(REPO / "tests"), path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=REPO)
    confirmed = []
    try:
        for line in proc.stdout:
            confirmed.append(int(line))
            if len(confirmed) == 60:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert confirmed == list(range(1, 61))
    with CaseFile(path) as cf:
        report = cf.verify()
        assert report.ok, report.problem
        assert report.checked >= 60  # records after the last printed id may also have landed
        assert [cf.get(n).record_id for n in confirmed] == confirmed
        cf.record_check(result(), approve(), DESK)  # and the file takes new records
        assert cf.verify().ok


def test_read_only_folder_is_refused_and_loses_nothing(tmp_path):
    folder = tmp_path / "desk"
    path = folder / "cases.sqlite"
    with CaseFile(path) as cf:
        kept = [cf.record_check(result(), approve(case_no=f"K{n}"), DESK) for n in range(3)]
    pending = (black_result(), approve(outcome="rejected", measures_applied=("M-01",)), DESK)
    with read_only(folder):
        with pytest.raises(RecordNotDurable) as exc:
            with CaseFile(path) as cf:
                cf.record_check(*pending)
    err = exc.value
    assert err.exit_code == 7 and err.cause == "readonly"
    assert str(folder) in str(err.message) and "写入权限" in str(err.message)
    with CaseFile(path) as cf:
        assert cf.query() == kept
        retried = cf.record_check(*pending)  # the caller still had it, and records it now
        assert retried.record_id == 4 and cf.verify().ok


@pytest.mark.parametrize("how", ["tmpfs", "page_limit"] if IS_ROOT else ["page_limit"])
def test_full_disk_is_refused_and_loses_nothing(tmp_path, how):
    folder = tmp_path / "small"
    path = folder / "cases.sqlite"
    with small_disk(folder, how) as page_limit:
        cf = CaseFile(path)
        filler = folder / "filler"
        if page_limit:
            cf.db.execute(f"PRAGMA max_page_count = {page_limit}")
        else:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            filler.write_bytes(b"\0" * (free - 160 * 1024))
        confirmed, pending = [], None
        for n in range(10_000):
            decision = approve(case_no=f"F{n}", note="填满磁盘" * 50)
            try:
                confirmed.append(cf.record_check(result(), decision, DESK))
            except RecordNotDurable as exc:
                pending, err = (result(), decision, DESK), exc
                break
        assert pending is not None and len(confirmed) > 3
        assert err.exit_code == 7 and err.cause == "full"
        assert str(folder) in str(err.message) and "磁盘已满" in str(err.message)
        assert cf.query() == confirmed and cf.verify().ok  # the same connection still serves
        if page_limit:
            cf.db.execute(f"PRAGMA max_page_count = {page_limit * 100}")
        else:
            filler.unlink()
        retried = cf.record_check(*pending)
        assert retried.record_id == len(confirmed) + 1
        cf.close()
        with CaseFile(path) as again:
            assert again.query() == [*confirmed, retried] and again.verify().ok


def test_folder_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(RecordNotDurable) as exc:
        CaseFile(blocker / "cases.sqlite")
    assert exc.value.exit_code == 7 and str(blocker) in str(exc.value.message)
