"""Issue 11 in the real window: a hostile or broken platform can neither fill the job runner with
stuck checks nor put anything but the true result on the badge and the labels, and platform text
never changes the window's size."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QLabel
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401
from reference_platform.hostile import TRICKLE_STAGES
from ui_fixtures import badge_state, choose_item, close_window, open_window, scan, widget

from desktop.ui.jobs import JobRunner

DEADLINE = 1.0


@pytest.fixture
def runner(qapp):
    r = JobRunner(max_threads=1)
    yield r
    r.shutdown(5000)


def test_a_job_past_its_deadline_stops_holding_its_worker(qtbot, runner):
    stuck = threading.Event()
    done = []
    runner.submit(stuck.wait, 10, overdue_after=0.2)
    runner.submit(lambda: "next", on_done=done.append)
    qtbot.waitUntil(lambda: done == ["next"], timeout=2000)   # ran beside the stuck one
    stuck.set()
    qtbot.waitUntil(lambda: not runner.active, timeout=2000)
    assert runner.max_threads == 1                 # the extra thread is given back


@pytest.fixture
def desk(qtbot, online):
    online.configure(deadline=DEADLINE)
    online.install_snapshot()
    window = open_window(qtbot)
    choose_item(qtbot, window, "CZ-001")
    yield online, window
    online.platform.fault(None)
    close_window(window)


def test_trickling_checks_never_exhaust_the_workers(qtbot, desk):
    online, window = desk
    online.platform.fault("trickle", scope="subjects", stage="headers", interval=0.05)
    codes = [KNOWN["focus"], KNOWN["red"], KNOWN["clear"][0], KNOWN["focus"], KNOWN["red"],
             KNOWN["clear"][0]]
    for code in codes:          # more checks than workers, each replacing the one before
        scan(qtbot, window, code, wait=False)
        qtbot.wait(50)
    online.platform.fault(None)
    started = time.monotonic()
    scan(qtbot, window, KNOWN["black"], wait=False)
    qtbot.waitUntil(lambda: window.check_page.result is not None
                    and window.check_page.result.code == KNOWN["black"], timeout=5000)
    # The stuck checks ended at their deadline and freed their workers; the healthy platform
    # answered the last one.
    assert time.monotonic() - started < 2 * DEADLINE
    assert window.check_page.result.source == "platform" and badge_state(window) == "black"
    qtbot.waitUntil(lambda: not window.jobs.active, timeout=3000)


@pytest.mark.parametrize("stage", TRICKLE_STAGES)
def test_a_trickle_falls_back_at_the_deadline_in_the_window(qtbot, desk, stage):
    online, window = desk
    online.platform.fault("trickle", scope="subjects", stage=stage, interval=0.05)
    started = time.monotonic()
    scan(qtbot, window, KNOWN["black"], wait=False)
    qtbot.waitUntil(lambda: window.check_page.result is not None, timeout=5000)
    assert time.monotonic() - started < DEADLINE * 1.1 + 0.5
    assert window.check_page.result.source == "offline" and badge_state(window) == "black"
    assert "平台超时 1 秒" in widget(window, "sourceBanner", QLabel).text()


@pytest.mark.parametrize("mode, reason", [
    ("deep", "嵌套过深"),
    ("duplicate_keys", "字段 hits 重复"),
    ("huge_name", "超长"),
    ("null_subject", "subject 为空"),
    ("future_data", "晚于本机时间"),
])
def test_an_untrustworthy_answer_shows_the_snapshots_result_and_says_why(qtbot, desk, mode, reason):
    online, window = desk
    width = window.width()
    online.platform.fault(mode, scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    result = window.check_page.result
    assert result is not None and result.source == "offline" and badge_state(window) == "black"
    banner = widget(window, "sourceBanner", QLabel).text()
    assert reason in banner and "已使用离线数据" in banner and "意外错误" not in banner
    assert window.width() == width
