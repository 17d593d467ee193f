"""Issue 15 in the real window, keyboard only: a unit's legal representative and their hit under
the unit's result, F6 checks them on their own, a 容缺 commitment recorded with the check, and
later fulfilled (or breached, after the confirmation) from the 待办 view; the status bar counts
overdue commitments."""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QTableWidget
from ui_fixtures import (  # noqa: F401
    KNOWN,
    answer_prompt,
    choose_item,
    give_purpose,
    close_window,
    open_window,
    record,
    scan,
    stored_records,
    table_rows,
    type_text,
    wait_idle,
    widget,
    window,
)

from desktop.casefile.store import CaseFile, Decision, Desk
from desktop.casefile.commitments import Pledge
from desktop.check.model import CHINA_TZ
from desktop.desk.context import DeskContext
from desktop.site import paths

WAGES = KNOWN["unit_rep_wages"]
ITEM = KNOWN["item_with_tolerance"]


def due_in(days: int) -> str:
    return (datetime.now(CHINA_TZ).date() + timedelta(days=days)).isoformat()


def pick(qtbot, combo: QComboBox, data) -> None:
    """Arrow keys until the wanted entry is current, as a clerk does in a closed combo box."""
    combo.setFocus()
    for _ in range(combo.count() + 1):
        if combo.currentData() == data:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def test_legal_representative_hit_tolerance_commitment_then_fulfilled_from_due_view(qtbot, window):
    choose_item(qtbot, window, ITEM)
    case_no = widget(window, "caseNoInput", QLineEdit)
    type_text(qtbot, case_no, "GZ-2026-0150")
    scan(qtbot, window, WAGES)

    related = widget(window, "relatedTable", QTableWidget)
    assert related.isVisible()
    [rep] = table_rows(window, "relatedTable")
    assert rep[0] == "法定代表人" and "拖欠农民工工资" in rep[3]
    assert rep[2].count("*") == 8                           # the number masked on screen
    measures = [row[2] for row in table_rows(window, "measuresTable")]
    assert "法定代表人失信的审慎审查" in measures
    notice = widget(window, "noticeLabel", QLabel).text()
    assert "法定代表人" in notice and "在名单中" in notice

    page = window.check_page.recordPanel
    pick(qtbot, page.outcomeSelector, "approved_with_conditions")
    selector = widget(window, "commitmentSelector", QComboBox)
    assert [selector.itemData(i) for i in range(selector.count())] == [None, "tolerance"]
    pick(qtbot, selector, "tolerance")
    qtbot.keyClick(selector, Qt.Key.Key_Tab)
    assert window.focusWidget() is widget(window, "formNoInput", QLineEdit)
    qtbot.keyClicks(window.focusWidget(), "CN-2026-0150")
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(window.focusWidget(), due_in(3))
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    type_text(qtbot, window.focusWidget(), "施工图审查合格书、安全措施资料")
    record(qtbot, window)

    assert "已记入办件档案" in page.formMessage.text(), page.formMessage.text()
    [stored] = stored_records()
    assert stored["commitment"]["type"] == "tolerance"
    assert stored["commitment"]["missing"] == ["施工图审查合格书", "安全措施资料"]
    assert stored["commitment"]["due"] == due_in(3) and stored["commitment"]["form_no"] == "CN-2026-0150"
    assert stored["related"][0]["role"] == "legal_rep" and "*" in stored["related"][0]["code_masked"]

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    due = window.due_view
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is due, timeout=2000)
    qtbot.waitUntil(lambda: len(due.rows) == 1, timeout=5000)
    assert "3 天后到期" in table_rows(window, "dueTable")[0][1]
    assert "GZ-2026-0150" in due.dueDetail.toPlainText()     # the row opens its record
    qtbot.keyClick(due.dueTable, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(stored_records()) == 2, timeout=5000)
    assert stored_records()[-1]["commitment"]["state"] == "fulfilled"
    qtbot.waitUntil(lambda: due.rows == [], timeout=5000)
    assert "已履约" in widget(window, "dueMessage", QLabel).text()


def test_breach_asks_for_confirmation_and_says_what_follows(qtbot, window):
    choose_item(qtbot, window, ITEM)
    type_text(qtbot, widget(window, "caseNoInput", QLineEdit), "GZ-2026-0151")
    scan(qtbot, window, WAGES)
    page = window.check_page.recordPanel
    pick(qtbot, page.outcomeSelector, "approved_with_conditions")
    pick(qtbot, widget(window, "commitmentSelector", QComboBox), "tolerance")
    for name, text in (("formNoInput", "CN-1"), ("dueInput", due_in(1)), ("missingInput", "x")):
        type_text(qtbot, widget(window, name, QLineEdit), text)
    record(qtbot, window)
    assert len(stored_records()) == 1

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    due = window.due_view
    qtbot.waitUntil(lambda: len(due.rows) == 1, timeout=5000)
    qtbot.keyClick(due.dueTable, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: due.dialog is not None and due.dialog.isVisible(), timeout=2000)
    dialog = due.dialog
    assert "不能再适用告知承诺" in dialog.consequence.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)                # cancelled: nothing written
    qtbot.waitUntil(lambda: due.dialog is None, timeout=2000)
    assert len(stored_records()) == 1
    window.activateWindow()  # a desktop gives the activation back when a dialog closes; offscreen does not
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(due.dueTable, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: due.dialog is not None and due.dialog.isVisible(), timeout=2000)
    due.dialog.activateWindow()  # mnemonics reach the active window only (offscreen: say so)
    qtbot.waitUntil(due.dialog.isActiveWindow, timeout=2000)
    type_text(qtbot, due.dialog.findChild(QPlainTextEdit, "breachNoteInput"), "期限届满未补齐材料")
    qtbot.keyClick(due.dialog, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(stored_records()) == 2, timeout=5000)
    assert stored_records()[-1]["commitment"]["state"] == "breached"
    assert stored_records()[-1]["note"] == "期限届满未补齐材料"

    # The same applicant again: the simplified route is closed here at once, and the window
    # says why (the platform lists the breach later).
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, widget(window, "caseNoInput", QLineEdit), "GZ-2026-0152")
    scan(qtbot, window, WAGES)
    selector = widget(window, "commitmentSelector", QComboBox)
    note = widget(window, "commitmentNote", QLabel)
    qtbot.waitUntil(lambda: "承诺不实" in note.text(), timeout=5000)
    assert [selector.itemData(i) for i in range(selector.count())] == [None]


def test_f6_takes_the_clerk_to_the_legal_representatives_check(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    scan(qtbot, window, KNOWN["unit_rep_listed"])
    assert [row[0] for row in table_rows(window, "relatedTable")] == ["法定代表人", "主要负责人"]
    code = widget(window, "codeInput", QLineEdit)
    qtbot.keyClick(code, Qt.Key.Key_F6)
    message = window.check_page.recordPanel.formMessage.text()
    masked = KNOWN["person_black"][:6] + "********" + KNOWN["person_black"][-4:]
    assert "法定代表人" in message and masked in message and KNOWN["person_black"] not in message
    assert window.focusWidget() is code and code.text() == ""
    # The number from the identity card, scanned into the field F6 put the clerk in.
    type_text(qtbot, widget(window, "caseNoInput", QLineEdit), "GZ-2026-0160")
    scan(qtbot, window, KNOWN["person_black"])
    answer_prompt(qtbot, window, "discardButton")            # the unit's result is unrecorded
    give_purpose(qtbot, window, "政府采购：供应商法定代表人核查")
    page = window.check_page
    qtbot.waitUntil(lambda: page.result is not None and page.result.kind == "person", timeout=10_000)
    assert page.result.code == KNOWN["person_black"] and page.result.status == "hit"


def test_status_bar_counts_overdue_commitments(qtbot, tmp_path):
    # A commitment recorded three days ago, due yesterday.
    ctx = DeskContext.from_environment()
    result = ctx.checker.check(WAGES, ITEM, offline_only=True)
    past = datetime.now(CHINA_TZ) - timedelta(days=3)
    with CaseFile(paths.case_file(), clock=lambda: past) as cf:
        cf.record_check(result, Decision("GZ-1", "approved_with_conditions",
                                         commitment=Pledge("tolerance", "CN-9", ("x",), due_in(-1))),
                        Desk("test-op", "DEMO", "1"))
    w = open_window(qtbot, ctx)
    try:
        indicator = widget(w, "overdueIndicator", QLabel)
        qtbot.waitUntil(lambda: indicator.isVisible() and indicator.text().endswith("1"), timeout=5000)
        assert "已逾期 1 天" in table_rows(w, "dueTable")[0][1]
    finally:
        close_window(w)
