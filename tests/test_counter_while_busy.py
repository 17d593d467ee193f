"""A scan, Esc or a link from the approval system that comes while the clerk is in the middle of
something: a record being written, a result made stale by the item, the purpose dialog open
(found by break attempt 18). Each one waits or asks; none moves the form on under the clerk."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from reference_platform.fixtures import KNOWN
from ui_fixtures import (answer_prompt, choose_item, give_purpose, hold_checks, record, scan,
                         stored_records, type_text, wait_idle, window)  # noqa: F401

from desktop.casefile.errors import RecordNotDurable
from desktop.check.request import CheckRequest
from desktop.site.messages import Message

BLACK, CLEAR = KNOWN["black"], KNOWN["clear"][0]


@pytest.fixture
def held_write(window):
    """The case file's writes held until ``release(fail)``: a slow disk or share, each write
    waiting for its own release."""
    case_file = window.ctx.case_file
    real = case_file.record_check
    gate = threading.Event()
    outcome = {}

    def write(*args, **kwargs):
        gate.wait(20)
        gate.clear()
        if outcome.get("fail"):
            raise RecordNotDurable(Message("磁盘已满"), folder=None, cause="full")
        return real(*args, **kwargs)

    def release(fail: bool = False) -> None:
        outcome["fail"] = fail
        gate.set()

    case_file.record_check = write
    yield release
    gate.set()
    case_file.record_check = real


def applicant_a(qtbot, window, case_no: str) -> None:
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    type_text(qtbot, page.caseNoInput, case_no)
    scan(qtbot, window, BLACK)
    type_text(qtbot, page.recordPanel.noteInput, "申请人A：已当面告知")
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))
    qtbot.waitUntil(lambda: page.recordPanel.record_job is not None, timeout=3000)


def test_a_scan_during_a_slow_write_waits_for_it_and_the_next_form_starts_empty(
        qtbot, window, held_write):
    page = window.check_page
    applicant_a(qtbot, window, "GZ-A-0001")
    scan(qtbot, window, CLEAR, wait=False)
    qtbot.wait(300)
    assert page.result.code == BLACK  # A stays on screen while its record is written
    held_write()
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == CLEAR, timeout=10_000)
    wait_idle(qtbot, window)
    assert page.caseNoInput.text() == ""
    assert page.recordPanel.noteInput.toPlainText() == ""
    [a] = stored_records()
    assert (a["case_no"], a["note"]) == ("GZ-A-0001", "申请人A：已当面告知")
    record(qtbot, window, None)  # Ctrl+Enter on B without a case number: refused, not A's
    assert len(stored_records()) == 1
    assert "办件编号" in page.recordPanel.formMessage.text()


@pytest.mark.parametrize("move_on", ["scan", "escape", "close"])
def test_a_write_that_fails_after_the_clerk_moved_on_keeps_the_result_and_asks(
        qtbot, window, held_write, move_on):
    page = window.check_page
    applicant_a(qtbot, window, "GZ-A-0003")
    if move_on == "scan":
        scan(qtbot, window, CLEAR, wait=False)
    elif move_on == "escape":
        qtbot.keyClick(page.codeInput, Qt.Key.Key_Escape)
    else:  # the window closed while the write runs: it waits for the write's outcome
        window.close()
        qtbot.wait(200)
        assert window.isVisible()
        assert "写完后退出" in window.statusBar().currentMessage()
    held_write(fail=True)
    qtbot.waitUntil(lambda: page._prompt is not None, timeout=10_000)
    assert window.isVisible() and page.result.code == BLACK
    assert "未记档" in page.recordPanel.formMessage.text()
    assert stored_records() == []
    answer_prompt(qtbot, window, "keepButton")  # back to A, its case number and note intact
    assert page.result.code == BLACK and page.caseNoInput.text() == "GZ-A-0003"
    assert page.recordPanel.noteInput.toPlainText() == "申请人A：已当面告知"


def test_another_code_after_the_item_changed_under_the_result_is_asked_about(qtbot, window):
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    type_text(qtbot, page.caseNoInput, "GZ-A-0002")
    scan(qtbot, window, BLACK)
    type_text(qtbot, page.recordPanel.noteInput, "申请人A的说明")
    choose_item(qtbot, window, "SCJG-001")
    assert page.recordPanel.stale_reason()
    scan(qtbot, window, CLEAR)
    assert page._prompt is not None  # not dropped unasked
    answer_prompt(qtbot, window, "discardButton")
    wait_idle(qtbot, window)
    assert page.result.code == CLEAR
    assert page.recordPanel.noteInput.toPlainText() == ""  # A's note went with A
    # F5 on the stale result itself is still a re-check, not a question
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, CLEAR)
    assert page._prompt is None


def test_a_link_under_the_purpose_dialog_waits_and_the_walk_in_keeps_its_item_and_case(
        qtbot, window):
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, "SCJG-002")
    type_text(qtbot, page.caseNoInput, "WALKIN-7")
    scan(qtbot, window, KNOWN["person_black"])
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog, "purposeDialog")),
                    timeout=5000)
    window.approval.open_link(f"creditdesk://check?item=CZ-001&case=LINK-9&code={BLACK}")
    qtbot.wait(200)
    assert page.caseNoInput.text() == "WALKIN-7" and page.item_code() == "SCJG-002"
    give_purpose(qtbot, window, "授权书 SQ-2026-0042")
    # The person's result first, checked for the walk-in's item; then the link asks about it.
    qtbot.waitUntil(lambda: page._prompt is not None, timeout=10_000)
    assert page.result.kind == "person" and page.result.item.item_code == "SCJG-002"
    assert page.caseNoInput.text() == "WALKIN-7"
    answer_prompt(qtbot, window, "discardButton")
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == BLACK, timeout=10_000)
    wait_idle(qtbot, window)
    assert page.caseNoInput.text() == "LINK-9" and page.item_code() == "CZ-001"


# -- break attempt 19: F6, Esc, tickets and the next case number ----------------------------------

WAGES, TOLERANCE = KNOWN["unit_rep_wages"], KNOWN["item_with_tolerance"]


def purpose_open(window) -> bool:
    return any(d.isVisible() for d in window.findChildren(QDialog, "purposeDialog"))


def test_a_link_waits_under_the_purpose_dialog_of_f6_too(qtbot, window):
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, TOLERANCE)
    scan(qtbot, window, WAGES)
    page.is_recorded = True  # the unit is done; now its legal representative
    type_text(qtbot, page.caseNoInput, "WALKIN-REP-1")
    page.focus_code()
    qtbot.keyClick(page.codeInput, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: purpose_open(window), timeout=5000)
    window.approval.open_link(f"creditdesk://check?item=CZ-001&case=LINK-9&code={BLACK}")
    qtbot.wait(300)
    assert page.caseNoInput.text() == "WALKIN-REP-1"


def test_f6_during_a_slow_write_waits_for_it_and_the_persons_form_starts_empty(
        qtbot, window, held_write):
    page, panel = window.check_page, window.check_page.recordPanel
    choose_item(qtbot, window, TOLERANCE)
    type_text(qtbot, page.caseNoInput, "UNIT-CASE-1")
    scan(qtbot, window, WAGES)
    panel.outcomeSelector.setCurrentIndex(panel.outcomeSelector.findData("rejected"))
    type_text(qtbot, panel.noteInput, "unit note")
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))
    qtbot.waitUntil(lambda: panel.record_job is not None, timeout=3000)
    page.focus_code()
    qtbot.keyClick(page.codeInput, Qt.Key.Key_F6)
    qtbot.wait(200)
    assert not purpose_open(window)  # the unit's record first
    held_write()
    qtbot.waitUntil(lambda: purpose_open(window), timeout=10_000)
    assert [r["case_no"] for r in stored_records()] == ["UNIT-CASE-1"]
    assert (page.caseNoInput.text(), panel.noteInput.toPlainText()) == ("", "")


def test_esc_on_a_check_in_flight_lets_a_held_link_in(qtbot, window):
    page = window.check_page
    window.attach_approval_system()
    gate = threading.Event()
    hold_checks(window, lambda: gate.wait(5))
    scan(qtbot, window, CLEAR, wait=False)
    qtbot.waitUntil(lambda: page.checks.busy, timeout=2000)
    window.approval.open_link(f"creditdesk://check?item=CZ-001&case=LINK-ESC&code={BLACK}")
    assert page.caseNoInput.text() != "LINK-ESC"  # held while the check runs
    qtbot.keyClick(page.codeInput, Qt.Key.Key_Escape)
    gate.set()
    qtbot.waitUntil(lambda: page.caseNoInput.text() == "LINK-ESC", timeout=5000)


def test_a_ticket_during_a_check_stays_queued_and_opens_once_the_walk_in_is_recorded(qtbot, window):
    """Taken at once it was held, then asked over the walk-in's result; "keep" dropped it and the
    approval system waited for ever (break attempt 19)."""
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, "CZ-001")
    gate = threading.Event()
    hold_checks(window, lambda: gate.wait(5))
    scan(qtbot, window, CLEAR, wait=False)
    qtbot.waitUntil(lambda: page.checks.busy, timeout=2000)
    ticket = SimpleNamespace(state="pending",
                             request=CheckRequest(item="CZ-001", case_no="TICKET-1", code=BLACK))
    window.approval._ticket(ticket)
    gate.set()
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == CLEAR, timeout=10_000)
    wait_idle(qtbot, window)
    assert page._prompt is None and window.approval.waiting == [ticket]
    record(qtbot, window, "WALKIN-1")
    window.approval._next_ticket()  # what a recorded check does with the local API on
    qtbot.waitUntil(lambda: page.caseNoInput.text() == "TICKET-1" and page.result is not None
                    and page.result.code == BLACK, timeout=10_000)


def test_the_next_case_number_typed_during_a_slow_write_is_kept(qtbot, window, held_write):
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    type_text(qtbot, page.caseNoInput, "A-1")
    scan(qtbot, window, BLACK)
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))
    qtbot.waitUntil(lambda: page.recordPanel.record_job is not None, timeout=3000)
    page.caseNoInput.clear()
    type_text(qtbot, page.caseNoInput, "B-2")
    scan(qtbot, window, CLEAR, wait=False)
    held_write()
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == CLEAR, timeout=10_000)
    assert page.caseNoInput.text() == "B-2"


def test_closing_during_a_write_that_succeeds_closes_once_it_is_durable(qtbot, window, held_write):
    page = window.check_page
    applicant_a(qtbot, window, "GZ-A-0004")
    window.close()
    qtbot.wait(200)
    assert window.isVisible() and stored_records() == []
    held_write()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert page._prompt is None  # recorded: nothing to ask
    assert [r["case_no"] for r in stored_records()] == ["GZ-A-0004"]


def test_a_second_close_while_a_write_is_stuck_closes_and_keeps_what_the_write_makes_durable(
        qtbot, window, held_write):
    """A write stuck on a dead disk cannot keep the window open for ever: asked again, the window
    closes, waiting for the write as long as it always did."""
    applicant_a(qtbot, window, "GZ-A-0005")
    window.close()
    assert window.isVisible()
    threading.Timer(0.5, held_write).start()  # the disk comes back while closing waits
    window.close()
    assert not window.isVisible()
    assert [r["case_no"] for r in stored_records()] == ["GZ-A-0005"]


@pytest.mark.parametrize("move_on", ["scan", "escape"])
def test_a_close_given_up_for_the_next_applicant_still_waits_for_the_next_write(
        qtbot, window, held_write, move_on):
    """Closing while A's record is written, then scanning the next walk-in (or Esc) after all:
    B's record on the slow disk, then closing again, waits for B's write too and asks when it
    fails (it closed at once and lost B unasked, break attempt 20)."""
    page = window.check_page
    applicant_a(qtbot, window, "GZ-A-0006")
    window.close()
    if move_on == "scan":
        scan(qtbot, window, CLEAR, wait=False)
    else:
        qtbot.keyClick(page.codeInput, Qt.Key.Key_Escape)
    held_write()
    qtbot.waitUntil(lambda: page.recordPanel.record_job is None, timeout=10_000)
    wait_idle(qtbot, window)
    assert window.isVisible() and [r["case_no"] for r in stored_records()] == ["GZ-A-0006"]
    if move_on == "escape":
        scan(qtbot, window, CLEAR)
    type_text(qtbot, page.caseNoInput, "GZ-B-0007")
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))
    qtbot.waitUntil(lambda: page.recordPanel.record_job is not None, timeout=3000)
    window.close()
    assert window.isVisible()
    held_write(fail=True)
    qtbot.waitUntil(lambda: page._prompt is not None, timeout=10_000)
    assert window.isVisible() and page.result.code == CLEAR
    assert "未记档" in page.recordPanel.formMessage.text()


def purpose_dialog(window):
    return next((d for d in window.findChildren(QDialog, "purposeDialog") if d.isVisible()), None)


@pytest.mark.parametrize("goes_by", ["escape", "invalid", "purpose_cancelled"])
def test_a_ticket_waiting_behind_a_result_opens_once_that_result_is_discarded(qtbot, window,
                                                                               goes_by):
    """The walk-in's unrecorded result discarded, by Esc or for a scan that brings no result (a
    mistyped code, a person whose purpose the clerk cancels): nothing is left to record, so the
    approval system's ticket takes the page then, not after the next record (break attempts 19
    and 20)."""
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, CLEAR)
    ticket = SimpleNamespace(state="pending",
                             request=CheckRequest(item="CZ-001", case_no="TICKET-3", code=BLACK))
    window.approval._ticket(ticket)
    wait_idle(qtbot, window)
    assert page.result.code == CLEAR and window.approval.waiting == [ticket]
    assert "等待核查" in window.statusBar().currentMessage()
    if goes_by == "escape":
        qtbot.keyClick(page.codeInput, Qt.Key.Key_Escape)
    else:
        scan(qtbot, window, "91440106MA9P6N4D3X" if goes_by == "invalid" else KNOWN["person_clear"],
             wait=False)
    answer_prompt(qtbot, window, "discardButton")
    if goes_by == "purpose_cancelled":
        qtbot.waitUntil(lambda: purpose_dialog(window) is not None, timeout=5000)
        purpose_dialog(window).reject()
    qtbot.waitUntil(lambda: page.caseNoInput.text() == "TICKET-3" and page.result is not None
                    and page.result.code == BLACK, timeout=10_000)
    assert window.approval.waiting == []
