"""A hurried clerk (and a keyboard-wedge scanner) against the faster result rendering: whatever
the order and timing of scans, the window shows the last code's answer and nothing of the one
before, the breach found in this desk's case file follows its own subject only, and the next
licence can be scanned straight away without a click.

The scanner here types into whatever has the keyboard focus (``wedge``), never into a field the
test focused for it: a wrong focus or a selection not covering the old code shows up as a wrong
or mangled code."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QTableWidget
from reference_platform.fixtures import memory_keyring, online  # noqa: F401
from ui_fixtures import (KNOWN, badge_state, choose_item, close_window, give_purpose, open_window,
                         table_rows, wait_idle, widget, window)  # noqa: F401

from desktop.casefile.commitments import Pledge
from desktop.casefile.store import Decision, Desk
from desktop.check.checker import Checker
from desktop.check.model import CHINA_TZ
from desktop.check.sources import PlatformUnavailable
from desktop.desk.context import DeskContext
from desktop.site.messages import Message
from desktop.ui import i18n

FORMAT = QImage.Format.Format_RGB32
CLEAR = KNOWN["clear"][0]
WAGES = KNOWN["unit_rep_wages"]


def wedge(qtbot, window, text: str) -> None:
    """A keyboard-wedge scan: keystrokes into the focused widget, then Enter. No click first."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus: the scan goes nowhere"
    qtbot.keyClicks(target, text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def shown_code(window, code: str) -> bool:
    page = window.check_page
    return page.result is not None and page.result.code == code and not page.checks.busy


def ready_for_next_scan(window) -> None:
    page = window.check_page
    code = page.codeInput
    assert QApplication.focusWidget() is code, QApplication.focusWidget()
    assert code.selectedText() == code.text(), "the next scan would be appended to the old code"


def painted_as_shown(qtbot, window, label: str) -> None:
    """What the window last painted (the offscreen backing store) is the window drawn afresh."""
    def last_painted() -> QImage:
        return window.screen().grabWindow(window.winId()).toImage().convertToFormat(FORMAT)

    # Settled first: the code field's clear button fades in and out (an animation, not a leftover).
    screen = last_painted()
    for _ in range(20):
        qtbot.wait(60)
        again = last_painted()
        if again == screen:
            break
        screen = again
    fresh = window.grab().toImage().convertToFormat(FORMAT)
    assert screen == fresh, f"{label}: pixels of an earlier state are still on screen " \
        f"{_where_they_differ(window, screen, fresh, label)}"


def _where_they_differ(window, screen: QImage, fresh: QImage, label: str) -> str:
    """The rectangle that differs and the widgets under it, to say what was left on screen."""
    import os
    xs, ys = [], []
    width, height = screen.width(), screen.height()
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            if screen.pixel(x, y) != fresh.pixel(x, y):
                xs.append(x)
                ys.append(y)
    if not xs:
        return "(differs only on odd pixels)"
    box = (min(xs), min(ys), max(xs), max(ys))
    names = set()
    from PySide6.QtCore import QPoint
    for x, y in ((box[0], box[1]), (box[2], box[3]), ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)):
        w = window.childAt(QPoint(x, y))
        while w is not None and not w.objectName():
            w = w.parentWidget()
        names.add(w.objectName() if w is not None else None)
    folder = os.environ.get("BREAK4_SHOTS")
    if folder:
        safe = "".join(c if c.isalnum() else "_" for c in label)
        screen.save(f"{folder}/{safe}_screen.png")
        fresh.save(f"{folder}/{safe}_fresh.png")
    return f"in {box} over {sorted(map(str, names))}"


CODES = {"black_and_focus": KNOWN["black_and_focus"], "clear": CLEAR, "objection": KNOWN["objection"],
         "repaired": KNOWN["repaired"], "red": KNOWN["red"], "black": KNOWN["black"], "wages": WAGES}


def test_scans_straight_after_each_other_need_no_click_and_show_the_last_code(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    for name, code in CODES.items():
        page.is_recorded = True  # recording is not what this is about: no question in between
        wedge(qtbot, window, code)
        qtbot.waitUntil(lambda: shown_code(window, code), timeout=5000)
        assert page.codeInput.text() == code
        ready_for_next_scan(window)
    # An invalid code (one character off) after a hit: nothing of the hit stays, focus stays.
    page.is_recorded = True
    wedge(qtbot, window, KNOWN["black"][:-1] + "X")
    qtbot.waitUntil(lambda: page.result is None and badge_state(window) == "idle", timeout=5000)
    assert table_rows(window, "hitsTable") == [] and table_rows(window, "measuresTable") == []
    assert not widget(window, "relatedTable", QTableWidget).isVisible()
    assert widget(window, "subjectLabel", QLabel).text() == ""
    ready_for_next_scan(window)
    painted_as_shown(qtbot, window, "invalid after hit")
    wedge(qtbot, window, WAGES)
    qtbot.waitUntil(lambda: shown_code(window, WAGES), timeout=5000)
    ready_for_next_scan(window)
    painted_as_shown(qtbot, window, "unit after invalid")


def test_a_burst_of_scans_without_waiting_ends_on_the_last_code_alone(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    order = [WAGES, KNOWN["black_and_focus"], CLEAR, KNOWN["objection"], KNOWN["red"], CLEAR]
    for code in order:
        page.is_recorded = True
        wedge(qtbot, window, code)   # no wait for the answer before the next licence
        page.is_recorded = True
    qtbot.waitUntil(lambda: shown_code(window, CLEAR), timeout=5000)
    qtbot.wait(200)                  # anything late would have arrived by now
    assert page.result.code == CLEAR and badge_state(window) == "clear"
    assert table_rows(window, "hitsTable") == [] and not widget(window, "relatedTable").isVisible()
    assert CLEAR[:6] in widget(window, "subjectLabel", QLabel).text()
    ready_for_next_scan(window)
    painted_as_shown(qtbot, window, "burst")


class SlowFor:
    """A platform that keeps one code waiting until released, and is down for every other (the
    check then falls back to the snapshot at once)."""

    def __init__(self, slow_code: str):
        self.slow_code = slow_code
        self.release = threading.Event()

    def query(self, code, item_code, *, deadline):
        if code == self.slow_code:
            self.release.wait(deadline)
        raise PlatformUnavailable(Message("信用平台在 {s} 秒内没有答复", {"s": deadline}))


def test_a_check_replaced_while_still_running_never_shows_its_late_answer(qtbot):
    ctx = DeskContext.from_environment()
    slow = SlowFor(KNOWN["black_and_focus"])
    ctx.__dict__["checker"] = Checker(ctx.offline, slow, deadline=3.0)
    window = open_window(qtbot, ctx)
    try:
        choose_item(qtbot, window, KNOWN["item_with_measures"])
        page = window.check_page
        wedge(qtbot, window, KNOWN["black_and_focus"])
        qtbot.waitUntil(lambda: badge_state(window) == "checking", timeout=3000)
        ready_for_next_scan(window)              # "checking": the next licence may come anyway
        wedge(qtbot, window, CLEAR)
        qtbot.waitUntil(lambda: shown_code(window, CLEAR), timeout=5000)
        slow.release.set()                       # the first answer comes, late
        qtbot.wait(300)
        assert page.result.code == CLEAR and badge_state(window) == "clear"
        assert table_rows(window, "hitsTable") == []
        ready_for_next_scan(window)
        painted_as_shown(qtbot, window, "late answer")
    finally:
        slow.release.set()
        close_window(window)


def test_the_next_scan_needs_no_click_after_esc_a_language_switch_or_a_person(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    wedge(qtbot, window, KNOWN["black"])
    qtbot.waitUntil(lambda: shown_code(window, KNOWN["black"]), timeout=5000)
    page.is_recorded = True
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)   # clear after a hit
    qtbot.waitUntil(lambda: page.result is None and badge_state(window) == "idle", timeout=2000)
    assert page.codeInput.text() == "" and table_rows(window, "hitsTable") == []
    ready_for_next_scan(window)
    try:
        i18n.install("en")
        qtbot.wait(30)
        ready_for_next_scan(window)
        wedge(qtbot, window, KNOWN["focus"])
        qtbot.waitUntil(lambda: shown_code(window, KNOWN["focus"]), timeout=5000)
        ready_for_next_scan(window)
        page.is_recorded = True
        i18n.install("zh_CN")
        qtbot.wait(30)
        ready_for_next_scan(window)
    finally:
        i18n.install("zh_CN")
    # A person after a unit: the purpose is asked, then the code field is ready again.
    wedge(qtbot, window, KNOWN["person_black"])
    give_purpose(qtbot, window, "办理食品经营许可")
    qtbot.waitUntil(lambda: shown_code(window, KNOWN["person_black"]), timeout=5000)
    assert not widget(window, "relatedTable").isVisible()
    ready_for_next_scan(window)


@pytest.mark.parametrize("size_before", [(760, 560), (1500, 950)])
def test_a_window_resized_between_scans_paints_only_the_new_result(qtbot, window, size_before):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    for name in ("black_and_focus", "wages", "clear", "objection"):
        page.is_recorded = True
        window.resize(*size_before)
        qtbot.wait(20)
        bar = page.scrollArea.verticalScrollBar()
        bar.setValue(bar.maximum())             # the clerk had scrolled down to the decision
        wedge(qtbot, window, CODES[name])
        qtbot.waitUntil(lambda: shown_code(window, CODES[name]), timeout=5000)
        painted_as_shown(qtbot, window, f"{name} at {size_before}")
        size_before = size_before[::-1] if size_before[0] < size_before[1] else (size_before[0] - 100, size_before[1] + 50)


def test_a_language_switch_between_scans_paints_only_the_new_result(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    try:
        for i, name in enumerate(("black_and_focus", "clear", "wages", "objection")):
            page.is_recorded = True
            i18n.install("en" if i % 2 == 0 else "zh_CN")
            qtbot.wait(20)
            wedge(qtbot, window, CODES[name])
            qtbot.waitUntil(lambda: shown_code(window, CODES[name]), timeout=5000)
            painted_as_shown(qtbot, window, f"{name} after a switch")
            ready_for_next_scan(window)
    finally:
        i18n.install("zh_CN")


# -- the breach this desk recorded, asked after the paint -------------------------------------

def _breach_recorded_here(code: str, item: str) -> None:
    """This desk took a 容缺 commitment from ``code`` and later found it broken."""
    ctx = DeskContext.from_environment()
    desk = Desk(operator="test-op", hall="440106-01", window="12")
    result = ctx.checker.check(code, item)
    due = (datetime.now(CHINA_TZ).date() + timedelta(days=3)).isoformat()
    rec = ctx.case_file.record_check(
        result, Decision(case_no="GZ-B-1", outcome="approved_with_conditions",
                         measures_applied=tuple(m.measure_id for m in result.measures if m.mandatory),
                         note="容缺受理",
                         commitment=Pledge("tolerance", "CN-1", ("安全措施资料",), due)), desk)
    ctx.case_file.record_commitment(rec.check_id, "breached", "期限届满未补齐材料", desk)
    assert ctx.case_file.subject_breached(code)
    ctx.case_file.close()


def commitment_state(window):
    selector = widget(window, "commitmentSelector", QComboBox)
    note = widget(window, "commitmentNote", QLabel)
    return ([selector.itemData(i) for i in range(selector.count())],
            note.text() if note.isVisible() else "")


def test_the_breach_follows_its_own_subject_whatever_the_order_of_scans(qtbot):
    item = KNOWN["item_with_tolerance"]
    _breach_recorded_here(WAGES, item)
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, item)
        page = window.check_page
        jobs = window.jobs

        def settled():
            return not page.checks.busy and not [j for j in jobs.active]

        # The breached subject: the simplified route is closed, and the note says why.
        wedge(qtbot, window, WAGES)
        qtbot.waitUntil(lambda: shown_code(window, WAGES), timeout=5000)
        qtbot.waitUntil(lambda: "承诺不实" in commitment_state(window)[1], timeout=5000)
        assert commitment_state(window)[0] == [None]
        # Another subject straight after, before or after the breach query: offered again.
        for wait_for_query in (True, False):
            page.is_recorded = True
            wedge(qtbot, window, WAGES)
            qtbot.waitUntil(lambda: shown_code(window, WAGES), timeout=5000)
            if wait_for_query:
                qtbot.waitUntil(lambda: "承诺不实" in commitment_state(window)[1], timeout=5000)
            page.is_recorded = True
            wedge(qtbot, window, CLEAR)      # at once: the breach query may still be on its way
            qtbot.waitUntil(lambda: shown_code(window, CLEAR), timeout=5000)
            qtbot.waitUntil(settled, timeout=5000)
            qtbot.wait(50)
            assert commitment_state(window) == ([None, "tolerance"], ""), wait_for_query
        # And back: the breach is found again for its subject, even right after another one.
        page.is_recorded = True
        wedge(qtbot, window, WAGES)
        qtbot.waitUntil(lambda: shown_code(window, WAGES), timeout=5000)
        qtbot.waitUntil(settled, timeout=5000)
        qtbot.waitUntil(lambda: "承诺不实" in commitment_state(window)[1], timeout=5000)
        assert commitment_state(window)[0] == [None]
        ready_for_next_scan(window)
    finally:
        close_window(window)


def test_an_unverified_answer_after_a_hit_keeps_nothing_of_the_hit(qtbot, online):
    """No snapshot on this desk: the platform answers the first code (a hit), then goes down."""
    from PySide6.QtWidgets import QPushButton

    online.configure(deadline=1.0)
    window = open_window(qtbot)
    try:
        selector = widget(window, "itemSelector", QComboBox)
        selector.setFocus()
        qtbot.keyClicks(selector.lineEdit(), KNOWN["item_with_measures"])
        qtbot.keyClick(selector.lineEdit(), Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.check_page.codeInput, timeout=2000)
        page = window.check_page
        wedge(qtbot, window, KNOWN["black_and_focus"])
        qtbot.waitUntil(lambda: shown_code(window, KNOWN["black_and_focus"]), timeout=5000)
        assert page.result.source == "platform" and badge_state(window) == "black"
        assert table_rows(window, "hitsTable") and table_rows(window, "measuresTable")
        page.is_recorded = True
        wedge(qtbot, window, WAGES)
        qtbot.waitUntil(lambda: shown_code(window, WAGES), timeout=5000)
        assert page.result.source == "platform" and widget(window, "relatedTable").isVisible()
        page.is_recorded = True
        online.platform.fault("500", scope="subjects")
        wedge(qtbot, window, KNOWN["black_and_focus"])
        qtbot.waitUntil(lambda: shown_code(window, KNOWN["black_and_focus"]), timeout=5000)
        assert badge_state(window) == "unverified"
        assert table_rows(window, "hitsTable") == [] and table_rows(window, "measuresTable") == []
        assert not widget(window, "relatedTable").isVisible()
        assert widget(window, "measureDetail").toPlainText() == ""
        assert widget(window, "sourceBanner").property("state") == "unverified"
        assert "未能核实" in widget(window, "recordButton", QPushButton).text()
        selector = widget(window, "commitmentSelector", QComboBox)
        assert [selector.itemData(i) for i in range(selector.count())] == [None]
        ready_for_next_scan(window)
        painted_as_shown(qtbot, window, "unverified after hit")
    finally:
        online.platform.fault(None)
        close_window(window)


# -- the measure detail and the tables' columns follow what is shown now -----------------------

def detail_is_current_row(window) -> None:
    page = window.check_page
    table = widget(window, "measuresTable", QTableWidget)
    detail = widget(window, "measureDetail").toPlainText()
    row = table.currentRow()
    if not page.resultPanel.rows:
        assert detail == "" and table.rowCount() == 0
        return
    assert 0 <= row < len(page.resultPanel.rows)
    wanted = page.resultPanel.rows[row].first
    assert detail.startswith(wanted.measure_id + "  "), (row, detail[:40])
    assert wanted.content in detail
    others = [r.first.measure_id for i, r in enumerate(page.resultPanel.rows) if i != row]
    assert not any(detail.startswith(m + "  ") for m in others)


def fitted_as_new(window) -> None:
    """The columns are those a fresh fit gives for what the tables hold now (no stale widths)."""
    for name in ("hitsTable", "measuresTable", "relatedTable"):
        table = widget(window, name, QTableWidget)
        if not table.rowCount() or not table.isVisible():
            continue
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        table.refit()
        assert widths == [table.columnWidth(c) for c in range(table.columnCount())], name
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            if c not in table._wrapping:
                assert table.columnWidth(c) >= header.sectionSizeHint(c), (name, c)


def test_the_measure_detail_and_the_columns_follow_the_selection_the_next_scan_and_a_switch(
        qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    table = widget(window, "measuresTable", QTableWidget)
    try:
        for i, name in enumerate(("black_and_focus", "objection", "black_and_focus", "clear",
                                  "wages", "black_and_focus")):
            page.is_recorded = True
            wedge(qtbot, window, CODES[name])
            qtbot.waitUntil(lambda: shown_code(window, CODES[name]), timeout=5000)
            assert table.rowCount() == 0 or table.currentRow() == 0
            detail_is_current_row(window)
            fitted_as_new(window)
            if table.rowCount() > 1:
                table.setFocus()                       # the clerk reads the last measure
                qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
                assert table.currentRow() == table.rowCount() - 1
                detail_is_current_row(window)
                qtbot.keyClick(table, Qt.Key.Key_Up)
                detail_is_current_row(window)
                qtbot.keyClick(table, Qt.Key.Key_F2)   # back to the code field, as a clerk does
                ready_for_next_scan(window)
            if i % 2:
                i18n.install("en" if i18n.current() == "zh_CN" else "zh_CN")
                qtbot.wait(30)
                detail_is_current_row(window)
                fitted_as_new(window)
                ready_for_next_scan(window)
    finally:
        i18n.install("zh_CN")


def test_long_platform_measure_text_and_markup_stay_plain_and_inside_the_window(qtbot, online):
    """A measure whose content is 4,000 characters without a space and whose legal basis is
    markup: the detail pane shows both literally, the page stays as wide as the window."""
    online.configure(deadline=2.0)
    online.install_snapshot()
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, KNOWN["item_with_measures"])
        page = window.check_page
        width, minimum = window.width(), window.minimumSizeHint().width()
        markup = "<b style='color:green'>✔ 未命中</b><img src='http://192.0.2.1/x.png'>"
        online.platform.fault("wrong_type", scope="subjects", field="measures.0.content",
                              value="W" * 4000)
        wedge(qtbot, window, KNOWN["black_and_focus"])
        qtbot.waitUntil(lambda: shown_code(window, KNOWN["black_and_focus"]), timeout=5000)
        assert page.result.source == "platform"
        detail = widget(window, "measureDetail")
        table = widget(window, "measuresTable", QTableWidget)

        def select_measure(test) -> None:
            row = next(i for i, r in enumerate(page.resultPanel.rows) if any(map(test, r.measures)))
            table.setCurrentCell(row, 1)                   # the clerk clicks the measure
            detail_is_current_row(window)

        select_measure(lambda m: m.content == "W" * 4000)
        assert "W" * 4000 in detail.toPlainText()
        page.is_recorded = True
        online.platform.fault("wrong_type", scope="subjects", field="measures.0.basis", value=markup)
        wedge(qtbot, window, KNOWN["black_and_focus"])
        qtbot.waitUntil(lambda: page.result is not None and not page.checks.busy
                        and any(m.basis == markup for m in page.result.measures), timeout=5000)
        assert "W" * 100 not in detail.toPlainText()          # the last answer's text is gone
        select_measure(lambda m: m.basis == markup)
        assert markup in detail.toPlainText()
        assert window.width() == width and window.minimumSizeHint().width() == minimum
        assert page.scrollArea.widget().width() <= page.scrollArea.viewport().width()
        detail_is_current_row(window)
        painted_as_shown(qtbot, window, "long and markup")
    finally:
        online.platform.fault(None)
        close_window(window)
