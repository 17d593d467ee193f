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
import threading
import time
from pathlib import Path

import pytest
from casefile_fixtures import (
    DESK,
    IS_ROOT,
    approve,
    black_result,
    read_only,
    result,
    small_disk,
)

from desktop.casefile.store import CaseFile, RecordNotDurable

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
    from desktop.casefile.store import CaseFile

    cf = CaseFile(Path({path!r}))
    n = 0
    while True:
        n += 1
        r = cf.record_check(black_result(), approve(case_no="{round}-%d" % n, outcome="rejected",
                                                    measures_applied=("M-01",)), DESK)
        sys.stdout.write(f"{{r.record_id}} {{r.case_no}} {{r.hash}}\\n")  # "recorded", as a clerk
        sys.stdout.flush()                                                # would see it
""")


def append_until_killed(path: Path, round_no: int, after_seconds: float) -> list[list[str]]:
    """A child appends as fast as it can and is killed with SIGKILL at an arbitrary moment, which
    lands inside an append (most of its time is spent there); returns what it confirmed."""
    code = APPENDER.format(tests=str(REPO / "tests"), path=str(path), round=round_no)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=REPO)
    confirmed: list[list[str]] = []
    # A line cut short by the kill was never confirmed: only whole lines count.
    reader = threading.Thread(target=lambda: confirmed.extend(
        line.split() for line in proc.stdout if line.endswith("\n")))
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while len(confirmed) < 20 and time.monotonic() < deadline:  # past start-up
            time.sleep(0.01)
        time.sleep(after_seconds)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return confirmed


@pytest.mark.slow
def test_sigkill_mid_append_loses_no_confirmed_record(tmp_path):
    path = tmp_path / "cases.sqlite"
    confirmed = []
    for round_no, after in enumerate((0.05, 0.13, 0.21), 1):  # three crashes, one file
        confirmed += append_until_killed(path, round_no, after)
        with CaseFile(path) as cf:
            report = cf.verify()
            assert report.ok, report.problem
            # Records after the last confirmed one may also have landed; none before it is lost.
            assert report.checked >= len(confirmed) >= 20 * round_no
            assert [[str(r.record_id), r.case_no, r.hash] for r in
                    (cf.get(int(c[0])) for c in confirmed)] == confirmed
    with CaseFile(path) as cf:
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
