"""Break attempt 7 (2 December), what held: the tables' header measurements kept between results
(issue 13) still match what Qt measures after a font-size or language change, including a table
hidden during the change; the measure detail's last line stays reachable for every measure at the
default and the largest font; a stuck check still takes its worker out of the pool count (and gives
it back) now that its watchdog is the job's own timer."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QTableWidget
from reference_platform.fixtures import memory_keyring  # noqa: F401
from ui_fixtures import KNOWN, choose_item, scan, window  # noqa: F401

from desktop.ui import i18n, style
from desktop.ui.widgets.fit_table import FitTable

TABLES = ("hitsTable", "measuresTable", "relatedTable")


@pytest.fixture(autouse=True)
def restore(qapp):
    yield
    i18n.install("zh_CN")
    style.apply_font_size(qapp, style.DEFAULT_FONT_SIZE)


def header_problems(window) -> list[str]:
    out = []
    for name in TABLES:
        t = window.findChild(QTableWidget, name)
        if not t.isVisible():
            continue
        h = t.horizontalHeader()
        cached_size, cached_sections = h.measured()
        fresh = QHeaderView.sizeHint(h)
        fresh_sections = [QHeaderView.sectionSizeHint(h, c) for c in range(h.count())]
        if cached_size.height() != fresh.height():
            out.append(f"{name}: cached header height {cached_size.height()} != fresh {fresh.height()}")
        if h.height() < fresh.height():
            out.append(f"{name}: header on screen {h.height()} < needed {fresh.height()}")
        if cached_sections != fresh_sections:
            out.append(f"{name}: cached sections {cached_sections} != fresh {fresh_sections}")
        for c in range(h.count()):
            if h.sectionSize(c) < fresh_sections[c] and c not in t._wrapping:
                out.append(f"{name}: column {c} {h.sectionSize(c)} < its words {fresh_sections[c]}"
                           f" ({t.horizontalHeaderItem(c).text()!r})")
    return out


@pytest.mark.parametrize("size", [style.FONT_SIZES.start, style.FONT_SIZES.stop - 1])
def test_header_after_font_size_change(qtbot, window, qapp, size):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black_and_focus"])
    assert header_problems(window) == []
    style.apply_font_size(qapp, size)
    qtbot.wait(300)
    assert header_problems(window) == []
    scan(qtbot, window, KNOWN["black"])
    qtbot.wait(100)
    assert header_problems(window) == []


def test_header_after_language_switch(qtbot, window, qapp):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black_and_focus"])
    i18n.install("en")
    qtbot.wait(300)
    assert header_problems(window) == []
    style.apply_font_size(qapp, style.FONT_SIZES.stop - 1)
    qtbot.wait(300)
    assert header_problems(window) == []
    scan(qtbot, window, KNOWN["black"])
    qtbot.wait(100)
    assert header_problems(window) == []


def detail_problems(window) -> list[str]:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QPlainTextEdit
    d = window.findChild(QPlainTextEdit, "measureDetail")
    bar = d.verticalScrollBar()
    out = []
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    c = QTextCursor(d.document())
    c.movePosition(QTextCursor.MoveOperation.End)
    r = d.cursorRect(c)
    if r.bottom() > d.viewport().height():
        out.append(f"last line cut: bottom {r.bottom()} > viewport {d.viewport().height()}, "
                   f"bar max {bar.maximum()} blocks {d.document().blockCount()} lines {d.document().lineCount()}")
    bar.setValue(0)
    return out


@pytest.mark.parametrize("size", [style.DEFAULT_FONT_SIZE, style.FONT_SIZES.stop - 1])
def test_measure_detail_scroll_range_for_each_row(qtbot, window, qapp, size):
    style.apply_font_size(qapp, size)
    qtbot.wait(200)
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black_and_focus"])
    t = window.findChild(QTableWidget, "measuresTable")
    assert t.rowCount() > 1
    qtbot.wait(50)
    problems = detail_problems(window)
    t.setFocus()
    for r in range(1, t.rowCount()):
        qtbot.keyClick(t, Qt.Key.Key_Down)
        qtbot.wait(30)
        problems += [f"row {r}: " + p for p in detail_problems(window)]
    assert problems == []


def test_a_stuck_job_still_grows_the_pool_and_gives_it_back(qtbot):
    import threading
    from desktop.ui.jobs import JobRunner
    runner = JobRunner(max_threads=2)
    release = threading.Event()
    done = []
    stuck = runner.submit(lambda: release.wait(5), on_done=done.append, overdue_after=0.2)
    fast = [runner.submit(lambda n=n: n, on_done=done.append, overdue_after=0.2) for n in range(50)]
    qtbot.waitUntil(lambda: stuck.overdue, timeout=2000)
    assert runner.max_threads == 3
    assert not any(j.overdue for j in fast if not j.running)
    release.set()
    qtbot.waitUntil(lambda: len(done) == 51 and not runner.active, timeout=3000)
    qtbot.wait(50)
    assert runner.max_threads == 2
    runner.shutdown()


def test_a_cancelled_stuck_job_is_still_counted_overdue(qtbot):
    import threading
    from desktop.ui.jobs import JobRunner
    runner = JobRunner(max_threads=1)
    release = threading.Event()
    stuck = runner.submit(lambda: release.wait(5), overdue_after=0.2)
    stuck.cancel()
    qtbot.waitUntil(lambda: stuck.overdue, timeout=2000)
    assert runner.max_threads == 2
    release.set()
    runner.shutdown()


@pytest.mark.parametrize("change", ["font", "language"])
def test_header_of_a_table_hidden_during_the_change(qtbot, window, qapp, change):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["person_clear"])
    qtbot.wait(100)
    related = window.findChild(QTableWidget, "relatedTable")
    hidden = [n for n in TABLES if not window.findChild(QTableWidget, n).isVisible()]
    if change == "font":
        style.apply_font_size(qapp, style.FONT_SIZES.stop - 1)
    else:
        i18n.install("en")
    qtbot.wait(300)
    scan(qtbot, window, KNOWN["black_and_focus"])
    qtbot.wait(200)
    assert related.isVisible()
    assert header_problems(window) == [], hidden
