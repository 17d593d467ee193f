"""Issue 11 in the real window: a hostile or broken platform can neither fill the job runner with
stuck checks nor put anything but the true result on the badge and the labels, and platform text
never changes the window's size."""
from __future__ import annotations

import gc
import threading
import time
from datetime import datetime, timezone

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
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
    ("huge", "大小异常"),
    ("null_subject", "subject 为空"),
    ("wrong_code", "主体代码与所查代码不符"),
    ("future_data", "晚于本机时间"),
    ("redirect", "HTTP 302"),
    ("surrogate_name", "含有无效字符"),
])
def test_an_untrustworthy_answer_shows_the_snapshots_result_and_says_why(qtbot, desk, mode, reason):
    online, window = desk
    width = window.width()
    online.platform.fault(mode, scope="subjects", other_code=KNOWN["focus"])
    scan(qtbot, window, KNOWN["black"])
    result = window.check_page.result
    assert result is not None and result.source == "offline" and badge_state(window) == "black"
    banner = widget(window, "sourceBanner", QLabel).text()
    assert reason in banner and "已使用离线数据" in banner and "意外错误" not in banner
    assert window.width() == width


def _minimum_width(window) -> int:
    return window.minimumSizeHint().width()


def test_markup_in_platform_text_is_shown_as_text_never_rendered(qtbot, desk):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableWidget
    from reference_platform.hostile import MARKUP_NAME

    online, window = desk
    width, minimum = window.width(), _minimum_width(window)
    online.platform.fault("markup", scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    page = window.check_page
    assert page.result.source == "platform" and page.result.subject.name == MARKUP_NAME
    assert badge_state(window) == "black"
    subject = widget(window, "subjectLabel", QLabel)
    assert subject.textFormat() == Qt.TextFormat.PlainText
    assert subject.text().split("  ")[1].startswith('<div style="font-size:40px')
    # Only the true result anywhere: no label renders the forged "clear".
    for label in window.findChildren(QLabel):
        if "未命中" in label.text() or "<div" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert "&lt;div" in subject.toolTip()                      # the tooltip escapes it too
    hits = widget(window, "hitsTable", QTableWidget)
    assert hits.item(0, 0).text() == "<b style='color:green'>守信激励</b>"
    assert window.width() == width and _minimum_width(window) == minimum


def test_a_long_name_is_cut_on_the_label_whole_on_hover_and_the_window_keeps_its_size(qtbot, desk):
    from reference_platform.hostile import LONG_NAME

    online, window = desk
    width, minimum = window.width(), _minimum_width(window)
    online.platform.fault("long_name", scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    subject = widget(window, "subjectLabel", QLabel)
    assert window.check_page.result.subject.name == LONG_NAME and badge_state(window) == "black"
    assert LONG_NAME not in subject.text() and LONG_NAME[:50] in subject.text() and "…" in subject.text()
    assert LONG_NAME in subject.toolTip()
    assert window.width() == width and _minimum_width(window) == minimum
    assert minimum <= 1366


def test_an_old_platform_answer_is_marked_stale_in_the_window(qtbot, desk):
    online, window = desk
    online.platform.fault("old_data", scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    banner = widget(window, "sourceBanner", QLabel)
    assert window.check_page.result.source == "platform" and badge_state(window) == "black"
    assert banner.property("state") == "stale" and "平台数据已较旧" in banner.text()


def test_a_gzip_answer_is_the_platforms_result_in_the_window(qtbot, desk):
    online, window = desk
    online.platform.fault("gzip", scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    assert window.check_page.result.source == "platform" and badge_state(window) == "black"
    assert "在线：省信用平台" in widget(window, "sourceBanner", QLabel).text()


def test_control_characters_cannot_break_or_reverse_the_subject_line(qtbot, desk):
    online, window = desk
    width = window.width()
    online.platform.fault("control_chars", scope="subjects")
    scan(qtbot, window, KNOWN["black"])
    text = widget(window, "subjectLabel", QLabel).text()
    assert badge_state(window) == "black"
    assert "某公司 结果：未命中 ✔ CLEAR" in text
    assert not any(c in text for c in "\n\r\x1b\u202e\u200b")
    assert window.width() == width


def test_the_history_table_shows_a_recorded_markup_name_as_text(qtbot, desk_env):
    from casefile_fixtures import DESK, approve, result
    from PySide6.QtWidgets import QTableView
    from reference_platform.hostile import LONG_NAME, MARKUP_NAME

    from desktop.desk.context import DeskContext
    from desktop.ui.history_view import HistoryView

    ctx = DeskContext.from_environment()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    ctx.case_file.record_check(result(name=MARKUP_NAME, checked_at=now), approve("BJ-1"), DESK)
    ctx.case_file.record_check(result(name=LONG_NAME * 2, checked_at=now), approve("BJ-2"), DESK)
    runner = JobRunner()
    view = HistoryView(ctx, runner)
    qtbot.addWidget(view)
    view.show()
    table = view.findChild(QTableView, "historyTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 2)
    try:
        model = table.model()
        column = HistoryView.COLUMNS.index("name")
        shown = {model.index(r, column).data() for r in range(2)}
        tips = {model.index(r, column).data(Qt.ItemDataRole.ToolTipRole) for r in range(2)}
        assert MARKUP_NAME[:59] + "…" in shown and (LONG_NAME * 2)[:59] + "…" in shown
        assert any("&lt;div style=" in t and "<div" not in t for t in tips)
        assert any(LONG_NAME * 2 in t for t in tips)
    finally:
        runner.shutdown()
        ctx.case_file.close()


def test_a_finished_job_leaves_no_deadline_timer_behind(qtbot, runner):
    """A queue of fast checks must not pile up their 8-second watchdogs (each kept a timer and
    its Python objects alive long after the check had ended)."""
    done = []
    for n in range(20):
        runner.submit(lambda n=n: n, on_done=done.append, overdue_after=8)
    qtbot.waitUntil(lambda: len(done) == 20 and not runner.active, timeout=2000)

    def watchdogs() -> list:
        return [t for t in gc.get_objects() if isinstance(t, QTimer) and shiboken6.isValid(t)
                and t.isActive() and t.interval() == 8000]
    qtbot.waitUntil(lambda: not watchdogs(), timeout=2000)
