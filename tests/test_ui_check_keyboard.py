"""The check page's keyboard flows after its split (item selector, unrecorded-result question,
approval-system links), driven in the real window as a clerk drives them: Ctrl+I and typing,
Enter, Esc, and a creditdesk:// link arriving while a result waits to be recorded."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from reference_platform.fixtures import memory_keyring  # noqa: F401
from ui_fixtures import (
    KNOWN,
    answer_prompt,
    badge_state,
    choose_item,
    hold_checks,
    scan,
    stored_records,
    type_text,
    wait_idle,
    widget,
    window,  # noqa: F401 - a fixture
)

from desktop.ui.widgets.item_selector import ItemSelector
from offline_cache.records import Item

LINK = f"creditdesk://check?item=SW-001&case=GZ-LINK-7&code={KNOWN['clear'][0]}"


def form_message(window) -> str:
    return widget(window, "formMessage").text()


def type_item(qtbot, window, text: str, *, enter: bool = True) -> None:
    """Ctrl+I, the clerk's text (Chinese through the input method), then Enter."""
    page = window.check_page
    QTest.keySequence(window, QKeySequence("Ctrl+I"))
    selector = page.itemSelector
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (selector, selector.lineEdit()), timeout=3000)
    selector.lineEdit().selectAll()
    type_text(qtbot, selector.lineEdit(), text)
    if enter:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def answer(qtbot, page, button_name: str) -> None:
    """Click a button of the question open now; another question may follow it at once."""
    box = page._prompt
    assert box is not None and box.isVisible(), "the clerk was not asked"
    qtbot.mouseClick(box.findChild(QPushButton, button_name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page._prompt is not box, timeout=3000)
    page.window().activateWindow()    # offscreen gives the activation back late; a desktop does not
    qtbot.waitUntil(page.window().isActiveWindow, timeout=3000)


def test_enter_on_part_of_a_name_with_one_match_picks_it_and_moves_on(qtbot, window):
    page = window.check_page
    for typed, code in (("采购", "CZ-001"), ("wmb", "WMB-001")):
        type_item(qtbot, window, typed)
        qtbot.waitUntil(lambda: page.item_code() == code, timeout=3000)
        assert page.itemSelector.currentData() == code          # picked, not just typed
        qtbot.waitUntil(lambda: QApplication.focusWidget() is page.caseNoInput, timeout=3000)


def test_enter_with_several_matches_leaves_the_list_open_to_pick_from(qtbot, window):
    page = window.check_page
    choose_item(qtbot, window, "SW-001")
    type_item(qtbot, window, "cz-00")                           # CZ-001 and CZ-002
    popup = page.itemSelector.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert page.itemSelector.completer().completionCount() == 2
    assert page.item_code() not in ("CZ-001", "CZ-002", "SW-001")   # nothing guessed
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.item_code() in ("CZ-001", "CZ-002"), timeout=3000)


def test_enter_with_no_match_picks_nothing_and_the_check_is_refused_with_the_reason(qtbot, window):
    page = window.check_page
    type_item(qtbot, window, "xyzq")
    assert page.itemSelector.currentText() == "xyzq"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    scan(qtbot, window, KNOWN["black"])
    assert page.result is None and "xyzq" in form_message(window)


def test_an_items_whole_code_or_name_names_it_in_any_case_or_width_enter_or_not(qtbot, window):
    page = window.check_page
    # Typed and left without Enter: the scan is checked for the item named, not refused.
    for typed, code in (("cz-001", "CZ-001"), ("不动产登记", "ZRZY-001")):
        page.clear()
        type_item(qtbot, window, typed, enter=False)
        assert page.item_code() == code
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        scan(qtbot, window, KNOWN["black"])
        assert page.result is not None and page.result.item.item_code == code, form_message(window)
        page.is_recorded = True                                 # no question for the next one
    # A Chinese input method in full-width mode types ｃｚ－００１.
    type_item(qtbot, window, "ｃｚ－００１")
    qtbot.waitUntil(lambda: page.itemSelector.currentData() == "CZ-001", timeout=3000)


def test_a_whole_name_inside_a_longer_one_is_picked_by_enter(qtbot):
    selector = ItemSelector()
    qtbot.addWidget(selector)
    selector.fill([Item("SP-1", "食品经营许可", "市场监管局"),
                   Item("SP-2", "食品经营许可（变更）", "市场监管局")], None)
    picked = []
    selector.picked.connect(picked.append)
    selector.show()
    selector.lineEdit().setFocus()
    type_text(qtbot, selector.lineEdit(), "食品经营许可")
    qtbot.keyClick(selector.lineEdit(), Qt.Key.Key_Return)
    assert picked == [0] and selector.item_code() == "SP-1"
    selector.setEditText("变更")                                 # part of one name: that one
    qtbot.keyClick(selector.lineEdit(), Qt.Key.Key_Return)
    assert picked == [0, 1] and selector.item_code() == "SP-2"


def test_escape_on_the_question_keeps_the_unrecorded_result(qtbot, window):
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    qtbot.keyClick(widget(window, "codeInput", QLineEdit), Qt.Key.Key_Escape)
    box = page._prompt
    assert box is not None
    qtbot.waitUntil(box.isActiveWindow, timeout=3000)           # a desktop activates the question
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page._prompt is None, timeout=3000)
    assert page.result.code == KNOWN["black"] and badge_state(window) == "black"
    assert window.focusWidget() is widget(window, "recordButton", QPushButton)   # back to record


def test_a_link_while_a_result_is_unrecorded_asks_and_keep_leaves_the_page_alone(qtbot, window):
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    window.approval.open_link(LINK)
    assert page._prompt is not None and "GZ-LINK-7" in page._prompt.text()
    answer_prompt(qtbot, window, "keepButton")
    assert page.result.code == KNOWN["black"] and page.item_code() == "CZ-001"
    assert page.caseNoInput.text() != "GZ-LINK-7"
    window.approval.open_link(LINK)
    answer_prompt(qtbot, window, "discardButton")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["clear"][0],
                    timeout=10_000)
    assert page.item_code() == "SW-001" and page.caseNoInput.text() == "GZ-LINK-7"
    assert stored_records() == []                               # only the clerk records


def test_a_link_arriving_while_the_clerk_is_being_asked_is_not_lost(qtbot, window):
    """It used to vanish: the open question swallowed it, whatever the clerk answered."""
    page = window.check_page
    window.attach_approval_system()
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    qtbot.keyClick(widget(window, "codeInput", QLineEdit), Qt.Key.Key_Escape)   # "clear?"
    asked = page._prompt
    window.approval.open_link(LINK)
    assert page._prompt is asked                                # one question at a time
    answer(qtbot, page, "keepButton")                  # keep: the link's own question
    assert page._prompt is not None and "GZ-LINK-7" in page._prompt.text()
    assert page.result.code == KNOWN["black"]
    answer(qtbot, page, "discardButton")
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["clear"][0],
                    timeout=10_000)
    assert page.caseNoInput.text() == "GZ-LINK-7"

    # Discarding the first question drops the result: the link then opens without asking.
    scan(qtbot, window, KNOWN["black"])
    answer(qtbot, page, "discardButton")               # the new scan's question
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["black"],
                    timeout=10_000)
    qtbot.keyClick(widget(window, "codeInput", QLineEdit), Qt.Key.Key_Escape)
    window.approval.open_link(LINK.replace("GZ-LINK-7", "GZ-LINK-8"))
    answer(qtbot, page, "discardButton")
    qtbot.waitUntil(lambda: page.caseNoInput.text() == "GZ-LINK-8" and page.result is not None
                    and page.result.code == KNOWN["clear"][0], timeout=10_000)
    assert page._prompt is None


def test_a_record_still_being_written_when_the_next_code_is_scanned_still_counts(qtbot, desk_env,
                                                                              memory_keyring):
    """A slow disk: the clerk records and scans the next applicant before the write returns. The
    scan waits for the write (test_counter_while_busy); the record is durable all the same: the
    approval system's ticket is answered with it, and Ctrl+P prints it, not the record before it."""
    import threading

    import keyring
    from test_ui_approval import TOKEN, api_call, free_port
    from ui_fixtures import close_window, open_window, record

    _, config = desk_env
    port = free_port()
    config.write_text(f"[integration]\napi_port = {port}\n", encoding="utf-8")
    keyring.set_password("credit-desk", "integration", TOKEN)
    window = open_window(qtbot)
    window.attach_approval_system()
    qtbot.waitUntil(lambda: window.approval.api is not None, timeout=10_000)
    page = window.check_page
    case_file = window.ctx.case_file
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    record(qtbot, window, "GZ-EARLIER")                          # the applicant before
    earlier = page.last_record
    status, ticket = api_call(port, "POST", "/v1/checks",
                              {"case_no": "GZ-SLOW-1", "item": "CZ-001", "code": KNOWN["black"]})
    assert status == 202
    qtbot.waitUntil(lambda: page.caseNoInput.text() == "GZ-SLOW-1" and page.result is not None
                    and not page.is_recorded, timeout=10_000)
    disk = threading.Event()
    real_write = case_file.record_check

    def slow_write(*args, **kwargs):
        disk.wait(20)
        return real_write(*args, **kwargs)
    case_file.record_check = slow_write
    try:
        QTest.keySequence(window, QKeySequence("Ctrl+Return"))
        qtbot.waitUntil(lambda: page.recordPanel.record_job is not None, timeout=3000)
        scan(qtbot, window, KNOWN["clear"][0], wait=False)       # the next applicant, at once
    finally:
        disk.set()
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["clear"][0],
                    timeout=10_000)
    qtbot.waitUntil(lambda: page.recordPanel.record_job is None, timeout=10_000)
    assert [r["case_no"] for r in stored_records()] == ["GZ-EARLIER", "GZ-SLOW-1"]
    assert page.last_record.case_no == "GZ-SLOW-1" and page.last_record != earlier
    qtbot.waitUntil(lambda: api_call(port, "GET", f"/v1/checks/{ticket['ticket']}")[1]["state"]
                    == "recorded", timeout=20_000)
    close_window(window)


def test_the_next_code_typed_while_a_check_runs_is_kept_when_the_answer_arrives(qtbot, window):
    """A slow answer: the clerk types the next applicant's code meanwhile. The answer used to
    select the field, so the next key wiped what had been typed; now the typing simply goes on."""
    import threading

    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    answer = threading.Event()
    hold_checks(window, lambda: answer.wait(20))
    try:
        scan(qtbot, window, KNOWN["black"], wait=False)
        qtbot.waitUntil(lambda: page.checks.busy, timeout=3000)
        following = KNOWN["clear"][0]
        qtbot.keyClicks(page.codeInput, following[:6])
    finally:
        answer.set()
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["black"],
                    timeout=10_000)
    assert QApplication.focusWidget() is page.codeInput
    qtbot.keyClicks(page.codeInput, following[6:])
    assert page.codeInput.text() == following
    # A scan with nothing typed meanwhile still leaves the field selected for the next scan.
    scan(qtbot, window, KNOWN["black"])
    assert page.codeInput.selectedText() == KNOWN["black"]


def test_a_code_scanned_again_under_the_question_does_not_answer_it(qtbot, window):
    """The clerk scans, the unrecorded-result question comes up unseen, the clerk scans again.
    QMessageBox took the code's bare "Y" for the discard button's Alt+Y and dropped the result."""
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    again = KNOWN["red_customs"]
    assert "Y" in again and "N" not in again
    scan(qtbot, window, again, wait=False)
    qtbot.waitUntil(lambda: page._prompt is not None, timeout=3000)
    prompt = page._prompt
    prompt.activateWindow()                              # as a desktop gives it the keyboard
    qtbot.waitUntil(prompt.isActiveWindow, timeout=3000)
    for char in again:                                   # the second scan, into the question
        qtbot.keyClick(QApplication.focusWidget() or prompt, char)
    qtbot.wait(300)                                      # a button's animated click would be done
    assert page._prompt is prompt and prompt.isVisible()
    assert page.result.code == KNOWN["black"]
    qtbot.keyClick(QApplication.focusWidget() or prompt, Qt.Key.Key_Return)   # its Enter: keep
    qtbot.waitUntil(lambda: page._prompt is None, timeout=3000)
    assert page.result.code == KNOWN["black"] and not page.is_recorded
    # Alt+Y still answers "discard" when the clerk means it.
    scan(qtbot, window, again, wait=False)
    qtbot.waitUntil(lambda: page._prompt is not None, timeout=3000)
    page._prompt.activateWindow()
    qtbot.waitUntil(page._prompt.isActiveWindow, timeout=3000)
    qtbot.keyClick(page._prompt, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == again, timeout=5000)
