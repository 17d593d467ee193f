"""Faults a clerk saw at the counter (found by a break attempt, break4): a note carried into the
next applicant's record, ticks and the stale-result notice lost on a language switch, a scan
swallowed by the measure detail or a pledge field, the next result shown scrolled away."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPlainTextEdit, QTableWidget
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401
from ui_fixtures import (answer_prompt, choose_item, close_window, open_window, scan, type_text,
                         wait_idle, widget, window)  # noqa: F401

from desktop.ui import i18n

CLEAR = KNOWN["clear"][0]


@pytest.fixture
def back_to_chinese():
    yield
    i18n.install("zh_CN")


def wedge(qtbot, text: str) -> None:
    """A keyboard-wedge scan into whatever has the focus."""
    qtbot.keyClicks(QApplication.focusWidget(), text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


# -- 1. the last applicant's note is carried into the next applicant's record --------------------

def test_the_note_written_for_a_discarded_result_is_not_the_next_applicants_note(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black"])
    note = widget(window, "noteInput", QPlainTextEdit)
    type_text(qtbot, note, "甲公司：申请人称已履行，暂不执行")
    scan(qtbot, window, CLEAR, wait=False)                 # the next applicant's licence
    answer_prompt(qtbot, window, "discardButton")          # "放弃并继续": the black result is dropped
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.check_page.result is not None
                    and window.check_page.result.code == CLEAR, timeout=5000)
    assert note.toPlainText() == "", "the dropped result's note is offered for the new applicant"


# -- 2. a language switch undoes the clerk's ticks ------------------------------------------------

def test_a_language_switch_keeps_the_measures_the_clerk_ticked(qtbot, window, back_to_chinese):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black_and_focus"])
    page = window.check_page
    table = widget(window, "measuresTable", QTableWidget)
    optional = next(r for r, row in enumerate(page.resultPanel.rows) if row.applies and not row.mandatory)
    table.setFocus()
    table.setCurrentCell(optional, 1)
    qtbot.keyClick(table, Qt.Key.Key_Space)                # the clerk ticks an optional measure
    chosen = page.resultPanel.applied_measures()
    assert set(page.resultPanel.rows[optional].ids) <= set(chosen)
    i18n.install("en")
    qtbot.wait(50)
    assert page.resultPanel.applied_measures() == chosen, "the tick was undone; Ctrl+Enter records without it"


# -- 3. a language switch hides that the result no longer matches the item -----------------------

def test_a_language_switch_keeps_the_stale_result_notice(qtbot, window, back_to_chinese):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["black"])
    choose_item(qtbot, window, KNOWN["item_with_reward"])  # another item: the result is stale
    stale = widget(window, "staleNotice", QLabel)
    assert stale.isVisible() and not widget(window, "measuresTable").isEnabled()
    i18n.install("en")
    qtbot.wait(50)
    assert stale.isVisible() and stale.text(), "the notice is gone: the result reads as this item's"
    assert stale.text() == window.check_page.recordPanel.stale_reason(), "not in the new language"
    assert not widget(window, "measuresTable").isEnabled()


# -- 4. header widths not refitted on a language switch when a table is empty --------------------

# -- 8. a scan while the cursor is in the measure detail or a pledge field goes nowhere / wrong --

@pytest.mark.parametrize("field", ["measureDetail", "formNoInput"])
def test_a_scan_with_the_cursor_in_the_measure_detail_or_a_pledge_field_checks_the_code(
        qtbot, window, field):
    choose_item(qtbot, window, KNOWN["item_with_tolerance"])
    scan(qtbot, window, KNOWN["unit_rep_wages"])
    page = window.check_page
    page.is_recorded = True
    if field == "formNoInput":
        selector = widget(window, "commitmentSelector", QComboBox)
        selector.setCurrentIndex(selector.findData("tolerance"))
    target = widget(window, field)
    qtbot.mouseClick(target.viewport() if field == "measureDetail" else target,
                     Qt.MouseButton.LeftButton)            # reading the legal basis / typing the form no.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target, timeout=2000)
    wedge(qtbot, KNOWN["black"])                           # the next applicant's licence
    qtbot.waitUntil(lambda: not page.checks.busy, timeout=5000)
    qtbot.wait(100)
    assert page.result is not None and page.result.code == KNOWN["black"], \
        "the scan was swallowed: the last applicant's result is still shown"



# -- 10. the next result is shown scrolled away from its badge ------------------------------------

def test_the_next_scans_badge_and_code_field_are_in_view_after_recording_further_down(qtbot, window):
    """1366x768 at 150 %: the page scrolls. The clerk Tabs down to the note and records; the
    next licence is scanned into the code field (focused, but scrolled out of view) and the
    new result is shown still scrolled down: its badge and subject line are not on screen."""
    from ui_fixtures import record

    window.resize(910, 512)
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    page = window.check_page
    wedge(qtbot, KNOWN["black_and_focus"])
    qtbot.waitUntil(lambda: page.result is not None and not page.checks.busy, timeout=5000)
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is page.recordPanel.noteInput:
            break
    assert QApplication.focusWidget() is page.recordPanel.noteInput
    qtbot.keyClicks(page.recordPanel.noteInput, "ok")
    record(qtbot, window)
    assert "已记入办件档案" in page.recordPanel.formMessage.text()
    wedge(qtbot, KNOWN["black"])                           # the next applicant
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["black"]
                    and not page.checks.busy, timeout=5000)
    qtbot.wait(50)
    assert not widget(window, "statusBadge").visibleRegion().isEmpty(), \
        "the new result's badge (black list) is scrolled out of view"
    assert not page.codeInput.visibleRegion().isEmpty()
