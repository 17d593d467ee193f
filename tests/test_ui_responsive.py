"""The GUI thread never waits: background jobs report back on it, cancel cleanly, and the window
keeps answering events while a check hangs."""
from __future__ import annotations

import threading
import time

import pytest

from desktop.ui.jobs import Cancelled, JobRunner


@pytest.fixture
def runner(qapp):
    r = JobRunner()
    yield r
    r.shutdown(5000)


def test_job_result_progress_and_error_arrive_on_the_gui_thread(qtbot, runner):
    gui = threading.get_ident()
    seen = []

    def work(x, progress):
        for i in range(3):
            progress(i + 1, 3)
        return (x * 2, threading.get_ident() != gui)

    runner.submit(work, 21, on_done=lambda v: seen.append(("done", v, threading.get_ident() == gui)),
                  on_progress=lambda d, t: seen.append(("progress", d, t)))
    runner.submit(lambda: 1 / 0,
                  on_error=lambda e: seen.append(("error", type(e).__name__, threading.get_ident() == gui)))
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert ("done", (42, True), True) in seen          # ran off the GUI thread, delivered on it
    assert ("error", "ZeroDivisionError", True) in seen
    assert [s for s in seen if s[0] == "progress"] == [("progress", 1, 3), ("progress", 2, 3),
                                                       ("progress", 3, 3)]
    qtbot.waitUntil(lambda: not runner.active)


def test_cancelled_job_stops_and_its_result_is_dropped(qtbot, runner):
    started, seen = threading.Event(), []

    def hang(cancel):
        started.set()
        if cancel.wait(5):
            raise Cancelled
        return "late"

    job = runner.submit(hang, on_done=seen.append, on_error=seen.append)
    assert started.wait(2)
    t0 = time.monotonic()
    job.cancel()
    qtbot.waitUntil(lambda: not runner.active, timeout=2000)
    assert time.monotonic() - t0 < 1.0
    qtbot.wait(20)
    assert seen == []


def test_shutdown_waits_for_a_write_that_must_not_be_cancelled(qtbot, runner, tmp_path):
    target = tmp_path / "written"

    def write(cancel):
        time.sleep(0.2)
        target.write_text("durable")  # a non-cancellable job runs to the end
        return True

    job = runner.submit(write, cancellable=False)
    job.cancel()
    assert runner.shutdown(5000)
    assert target.read_text() == "durable"
