"""Issue 15 in the real window, keyboard only: a unit's legal representative and their hit under
the unit's result, F6 checks them on their own, a 容缺 commitment recorded with the check, and
later fulfilled (or breached, after the confirmation) from the 待办 view; the status bar counts
overdue commitments."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QTableView, QTableWidget
from reference_platform.fixtures import memory_keyring, online  # noqa: F401 - fixtures
from ui_fixtures import (  # noqa: F401
    KNOWN,
    answer_prompt,
    badge_state,
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


def test_a_pledge_picked_for_one_answer_is_not_carried_to_the_next(qtbot, window):
    """The commitment list is built anew only when the types offered change; a new answer that
    offers the same types still starts without a pledge, the pledge fields shut."""
    choose_item(qtbot, window, ITEM)
    scan(qtbot, window, WAGES)
    selector = widget(window, "commitmentSelector", QComboBox)
    form_no = widget(window, "formNoInput", QLineEdit)
    pick(qtbot, selector, "tolerance")
    assert form_no.isEnabled()
    for name, text in (("formNoInput", "CN-OLD"), ("dueInput", due_in(1)), ("missingInput", "x")):
        type_text(qtbot, widget(window, name, QLineEdit), text)
    first = window.check_page.result
    scan(qtbot, window, WAGES)  # the code shown, scanned again: a re-check, no question asked
    qtbot.waitUntil(lambda: window.check_page.result is not None
                    and window.check_page.result is not first, timeout=5000)
    assert [selector.itemData(i) for i in range(selector.count())] == [None, "tolerance"]
    assert selector.currentData() is None and not form_no.isEnabled()
    # A pledge chosen for the new answer starts blank: the last answer's form number, deadline
    # and missing materials would otherwise go into this applicant's record.
    pick(qtbot, selector, "tolerance")
    assert [widget(window, name, QLineEdit).text()
            for name in ("formNoInput", "dueInput", "missingInput")] == ["", "", ""]


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


def focus_person(qtbot, window, row: int) -> None:
    """Keyboard only: Tab from the code field into the related table, then to ``row``."""
    related = widget(window, "relatedTable", QTableWidget)
    widget(window, "codeInput", QLineEdit).setFocus()
    for _ in range(8):
        if window.focusWidget() is related:
            break
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.focusWidget() is related
    qtbot.keyClick(related, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(related, Qt.Key.Key_Down)
    assert related.currentRow() == row


def access_rows(window) -> list[list[str]]:
    window.tabs.setCurrentWidget(window.history_view)
    window.history_view.refresh()
    table = widget(window, "accessTable", QTableView)
    model = table.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_f6_checks_the_listed_legal_representative_on_their_own_and_records_it(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_company_registration"])
    type_text(qtbot, widget(window, "caseNoInput", QLineEdit), "GZ-2026-0160")
    scan(qtbot, window, KNOWN["unit_rep_listed"])
    rows = table_rows(window, "relatedTable")
    assert [row[0] for row in rows] == ["法定代表人", "主要负责人"]
    masked = KNOWN["person_black"][:6] + "********" + KNOWN["person_black"][-4:]
    assert rows[0][2] == masked and "失信被执行人" in rows[0][3]
    page = window.check_page
    unit_hits = page.result.related[0].hits

    focus_person(qtbot, window, 0)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F6)
    answer_prompt(qtbot, window, "discardButton")            # the unit's result is unrecorded
    dialog = window.findChild(QDialog, "purposeDialog")
    assert masked in dialog.findChild(QLabel).text()
    give_purpose(qtbot, window, "企业设立登记：拟任法定代表人核查")
    qtbot.waitUntil(lambda: page.result is not None and page.result.kind == "person", timeout=10_000)
    result = page.result
    assert result.code == masked and result.via.role == "legal_rep" and result.status == "hit"
    assert badge_state(window) == "black"
    # The person's own entries and measures: M-SX-02 binds them and is pre-ticked.
    assert [row[0] for row in table_rows(window, "hitsTable")] == [h.list_name for h in unit_hits]
    measures = table_rows(window, "measuresTable")
    assert any("限制担任法定代表人" in row[2] and row[4] == "必须执行" for row in measures)
    subject = widget(window, "subjectLabel", QLabel).text()
    assert masked in subject and KNOWN["unit_rep_listed"] in subject and "法定代表人" in subject
    assert not relatedTableShown(window)
    assert KNOWN["person_black"] not in subject + widget(window, "sourceBanner", QLabel).text()

    record(qtbot, window)                                    # 不予办理 is preset: M-SX-02 refuses
    assert "已记入办件档案" in page.recordPanel.formMessage.text(), page.recordPanel.formMessage.text()
    [stored] = stored_records()
    assert stored["subject_code"] == masked and stored["case_no"] == "GZ-2026-0160"
    assert stored["outcome"] == "rejected" and "M-SX-02" in stored["measures_applied"]
    assert stored["via"] == {"unit_code": KNOWN["unit_rep_listed"], "role": "legal_rep", "ref": ""}
    # Every person shown or looked up left an access record: the unit's two, then the F6 one.
    qtbot.waitUntil(lambda: len(access_rows(window)) == 3, timeout=5000)
    rows = access_rows(window)
    assert [row[3] for row in rows].count(masked) == 2
    assert any(row[4] == "企业设立登记：拟任法定代表人核查" for row in rows)
    assert not any(KNOWN["person_black"] in str(cell) for row in rows for cell in row)


def relatedTableShown(window) -> bool:
    return widget(window, "relatedTable", QTableWidget).isVisible()


def test_people_only_the_platform_names_are_shown_and_checked_online(qtbot, online):
    """The platform's newer data names a principal the installed snapshot does not: the window
    shows them from the platform's answer, F6 checks them by the platform's ref, and with the
    platform down the same F6 says plainly that the snapshot cannot vouch for them."""
    from test_related import add_platform_only_principal

    online.configure(deadline=2.0)
    online.install_snapshot()
    online.platform.publisher.publish(add_platform_only_principal)
    unit = KNOWN["clear"][0]
    w = open_window(qtbot)
    try:
        choose_item(qtbot, w, KNOWN["item_company_registration"])
        scan(qtbot, w, unit)
        page = w.check_page
        assert page.result.source == "platform"
        [person] = table_rows(w, "relatedTable")
        assert person[0] == "主要负责人" and "失信被执行人" in person[3] and person[2].count("*") == 8
        ref = page.result.related[0].ref
        assert ref

        focus_person(qtbot, w, 0)
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_F6)
        answer_prompt(qtbot, w, "discardButton")
        give_purpose(qtbot, w, "依法履职：主要负责人核查")
        qtbot.waitUntil(lambda: page.result is not None and page.result.kind == "person", timeout=10_000)
        assert (page.result.source, page.result.status, page.result.via.ref) == ("platform", "hit", ref)
        assert table_rows(w, "hitsTable")
        asked = [json.loads(e.body) for e in online.platform.log if e.path == "/api/v1/subjects/query"]
        assert asked[-1] == {"ref": ref, "item": KNOWN["item_company_registration"]}
        assert all(KNOWN["person_black"] not in e.body for e in online.platform.log)

        # The platform down: F5 checks the same person again, and the snapshot cannot vouch.
        online.platform.fault("500", scope="subjects")
        qtbot.keyClick(widget(w, "codeInput", QLineEdit), Qt.Key.Key_F5)   # the shown result: no question
        give_purpose(qtbot, w, "依法履职：主要负责人核查")
        qtbot.waitUntil(lambda: page.result is not None and page.result.source == "offline", timeout=10_000)
        assert page.result.status == "unverified" and badge_state(w) == "unverified"
        assert "只见于信用平台" in widget(w, "sourceBanner", QLabel).text()
    finally:
        close_window(w)


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
