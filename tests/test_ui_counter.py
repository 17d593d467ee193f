"""The clerk's day at the counter (issue 14), in the real window: a record is always of what the
clerk sees, the result reads at the largest font, and the badge's words follow the entries'
effective states."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget
from ui_fixtures import (
    KNOWN,
    badge_state,
    choose_item,
    record,
    scan,
    stored_records,
    table_rows,
    widget,
    window,  # noqa: F401 - a fixture
)

from desktop.ui import style


def form_message(window) -> str:
    return widget(window, "formMessage", QLabel).text()


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


# -- 1. the record is always of what the clerk sees -------------------------------------------

def test_changing_the_item_marks_the_result_stale_and_recording_needs_f5(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    widget(window, "caseNoInput", QLineEdit).setText("GZ-STALE-1")
    scan(qtbot, window, KNOWN["black"])
    assert widget(window, "recordButton", QPushButton).isEnabled()
    choose_item(qtbot, window, "SW-001")
    stale = widget(window, "staleNotice", QLabel)
    assert stale.isVisible() and "CZ-001" in stale.text() and "F5" in stale.text()
    assert not widget(window, "recordButton", QPushButton).isEnabled()
    assert not widget(window, "measuresTable", QTableWidget).isEnabled()   # ticks frozen
    record(qtbot, window)                                                   # Ctrl+Enter
    assert stored_records() == []
    assert "F5" in form_message(window)
    # F5 re-checks the same code under the new item without asking (nothing unseen is dropped).
    press(qtbot, window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.check_page.result is not None
                    and window.check_page.result.item.item_code == "SW-001", timeout=5000)
    assert window.check_page._prompt is None and not stale.isVisible()
    record(qtbot, window)
    [stored] = stored_records()
    assert stored["item_code"] == "SW-001" and stored["case_no"] == "GZ-STALE-1"


def test_choosing_the_checked_item_again_lifts_the_stale_mark(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["focus"])
    choose_item(qtbot, window, "SW-001")
    assert widget(window, "staleNotice", QLabel).isVisible()
    choose_item(qtbot, window, "CZ-001")
    assert not widget(window, "staleNotice", QLabel).isVisible()
    assert widget(window, "recordButton", QPushButton).isEnabled()


def test_check_time_is_on_the_page_to_the_second(qtbot, window):
    from desktop.ui.result_panel import checked_at_text

    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["clear"][0])
    shown = window.check_page.result
    banner = widget(window, "sourceBanner", QLabel).text()
    assert "核查时间 " + checked_at_text(shown.checked_at) in banner
    assert checked_at_text(shown.checked_at).count(":") == 2


def test_an_organisation_needs_a_case_number_as_on_the_command_line(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["clear"][0])
    record(qtbot, window, case_no=None)
    assert stored_records() == []
    assert "办件编号" in form_message(window)
    assert window.focusWidget() is widget(window, "caseNoInput", QLineEdit)


def test_an_invalid_code_after_a_record_drops_the_last_applicants_line(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["clear"][0])
    record(qtbot, window)
    assert "已记入办件档案" in form_message(window)
    scan(qtbot, window, "12345")
    assert form_message(window) == ""


def test_escape_leaves_no_outcome_selected(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    assert widget(window, "outcomeSelector", QComboBox).currentData() == "rejected"
    record(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert widget(window, "outcomeSelector", QComboBox).currentIndex() == -1


# -- 2. readable at the largest font ------------------------------------------------------------

def visible_in_viewport(window, table: QTableWidget, row: int, column: int) -> bool:
    """The cell is whole inside its table and the table is on screen (scrolled to if needed)."""
    rect = table.visualRect(table.model().index(row, column))
    return table.viewport().rect().contains(rect) and not rect.isEmpty()


def test_font_14_at_1366x768_shows_every_hit_and_each_measure_once(qtbot, window):
    app = QApplication.instance()
    style.apply_font_size(app, 14)
    try:
        window.resize(1366, 768)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black_and_focus"])
        hits = widget(window, "hitsTable", QTableWidget)
        # Layout settles in the event loop (slowly on a loaded machine): wait for it, then look.
        qtbot.waitUntil(lambda: all(visible_in_viewport(window, hits, r, 0) for r in range(3)),
                        timeout=5000)
        assert hits.rowCount() == 3
        for row in range(3):
            for column in range(3):                 # 名单, 类别, 状态
                assert hits.item(row, column).text()
                assert visible_in_viewport(window, hits, row, column), (row, column)
        assert hits.horizontalScrollBar().maximum() == 0   # nothing off to the side
        measures = widget(window, "measuresTable", QTableWidget)
        rows = table_rows(window, "measuresTable")
        # 限制参与政府采购 is mandated by two lists: one row naming both.
        procurement = [r for r in rows if r[2] == "限制参与政府采购"]
        assert len(procurement) == 1
        assert "失信被执行人" in procurement[0][3] and "拖欠农民工工资" in procurement[0][3]
        for row in range(measures.rowCount()):
            assert visible_in_viewport(window, measures, row, 3)
        assert measures.rowCount() == 2
    finally:
        style.apply_font_size(app, style.DEFAULT_FONT_SIZE)


def test_a_row_two_lists_mandate_is_ticked_once_and_records_both_measures(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black_and_focus"])
    record(qtbot, window)
    [stored] = stored_records()
    assert {"M-QX-01", "M-SX-01"} <= set(stored["measures_applied"])


def test_largest_font_scrolls_the_page_instead_of_squeezing_the_tables(qtbot, window):
    app = QApplication.instance()
    style.apply_font_size(app, max(style.FONT_SIZES))
    try:
        window.resize(1366, 768)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black_and_focus"])
        qtbot.wait(50)
        hits = widget(window, "hitsTable", QTableWidget)
        needed = sum(hits.rowHeight(r) for r in range(hits.rowCount()))
        assert hits.viewport().height() >= needed        # every row whole
        scroll = window.check_page.scrollArea
        assert scroll.verticalScrollBar().maximum() > 0  # the page scrolls instead
        assert window.minimumSizeHint().height() <= 768
    finally:
        style.apply_font_size(app, style.DEFAULT_FONT_SIZE)


# -- 3. one badge, one truth ---------------------------------------------------------------------

def test_an_entry_in_objection_reads_objection_not_a_hit(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["objection"])
    assert badge_state(window) == "objection"
    text = widget(window, "statusBadge").text
    assert text.startswith("异议处理中") and "命中名单" not in text
    assert "异议处理中" in widget(window, "hitsNote", QLabel).text()
    assert [row[2] for row in table_rows(window, "hitsTable")] == ["异议处理中"]


def test_a_repaired_entry_reads_no_entry_in_force_with_a_line_saying_why_it_is_listed(qtbot,
                                                                                      window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["repaired"])
    assert badge_state(window) == "clear"
    assert widget(window, "statusBadge").text == "无有效名单记录"
    note = widget(window, "hitsNote", QLabel)
    assert note.isVisible() and "1 条已信用修复、已到期或已移出" in note.text() and "不构成命中" in note.text()
    assert [row[2] for row in table_rows(window, "hitsTable")] == ["已信用修复"]


def test_a_lapsed_entry_is_named_lapsed(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["expired_only"])
    assert widget(window, "statusBadge").text == "无有效名单记录"
    assert "已到期" in [row[2] for row in table_rows(window, "hitsTable")]


def test_nothing_listed_still_reads_nothing_found(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["clear"][0])
    assert widget(window, "statusBadge").text == "未发现名单记录"
    assert not widget(window, "hitsNote", QLabel).isVisible()


def test_a_new_font_size_applies_to_every_part_of_the_page_at_once(qtbot, window):
    app = QApplication.instance()
    try:
        style.apply_font_size(app, 18)
        for name in ("hitsTable", "measuresTable", "sourceBanner", "itemSelector", "noteInput",
                     "formMessage"):
            assert widget(window, name).font().pointSize() == 18, name
        assert widget(window, "codeInput").font().pointSizeF() == 18 * 1.3     # still larger
        assert widget(window, "statusBadgeText").font().pointSizeF() == 18 * 1.6
    finally:
        style.apply_font_size(app, style.DEFAULT_FONT_SIZE)


# -- 5. printing that tells the truth -----------------------------------------------------------

def recorded_black(qtbot, window) -> None:
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    record(qtbot, window)


def test_no_pdf_viewer_says_where_the_sheet_is_and_opens_its_folder(qtbot, window, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui import sheet_output

    monkeypatch.setattr(sheet_output, "default_printer", lambda: None)
    asked = []
    # No viewer for PDFs on this desk; a file manager for folders.
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: asked.append(url.toLocalFile()) or not url.toLocalFile().endswith(".pdf"))
    recorded_black(qtbot, window)
    with qtbot.waitSignal(window.sheet_written, timeout=20_000) as written:
        press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    path = written.args[0]
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "sheetNotOpened") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "sheetNotOpened")
    assert str(path) in box.text() and "没有能打开 PDF 的程序" in box.text()
    qtbot.mouseClick(box.findChild(QPushButton, "openFolderButton"), Qt.MouseButton.LeftButton)
    assert asked == [str(path), str(path.parent)]


def test_a_default_printer_gets_the_sheet_through_the_print_dialog(qtbot, window, monkeypatch,
                                                                    tmp_path):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from desktop.ui import sheet_output

    printed = tmp_path / "printer-out.pdf"

    def printer():
        # The desk's default queue, here a printer that writes what it is sent to a file.
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(printed))
        return p
    monkeypatch.setattr(sheet_output, "default_printer", printer)
    recorded_black(qtbot, window)
    with qtbot.waitSignal(window.sheet_written, timeout=20_000) as written:
        press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert written.args[0].exists()                        # the archive copy, always
    qtbot.waitUntil(lambda: window.findChild(QPrintDialog, "printDialog") is not None, timeout=5000)
    window.findChild(QPrintDialog, "printDialog").accept()
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 1000, timeout=20_000)
    qtbot.waitUntil(lambda: "已发送到打印机" in window.statusBar().currentMessage(), timeout=5000)


# -- 4. a keyboard flow with no dead keys ---------------------------------------------------------

def keys(qtbot, window, sequence: str) -> None:
    """Press a shortcut as written in the menu, on whatever has the focus."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    combo = QKeySequence(sequence)[0]
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
    qtbot.wait(20)


def back_to_window(qtbot, window) -> None:
    # A desktop hands the activation back when a dialog closes; offscreen needs telling.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def gone(dialog) -> bool:
    from shiboken6 import isValid

    return not isValid(dialog) or not dialog.isVisible()


def close_dialog(qtbot, window, name: str) -> None:
    from PySide6.QtWidgets import QDialog

    qtbot.waitUntil(lambda: window.findChild(QDialog, name) is not None
                    and window.findChild(QDialog, name).isVisible(), timeout=5000)
    dialog = window.findChild(QDialog, name)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dialog), timeout=5000)
    back_to_window(qtbot, window)


def test_every_listed_shortcut_does_what_it_says_also_after_a_dialog_closed(qtbot, window,
                                                                            monkeypatch):
    from PySide6.QtGui import QAction

    from desktop.ui import sheet_output

    monkeypatch.setattr(sheet_output, "default_printer", lambda: None)
    monkeypatch.setattr(sheet_output, "show", lambda parent, path, say: say(f"shown {path}"))
    page = window.check_page
    tabs = window.tabs
    focus = QApplication.focusWidget
    pressed = set()

    def press_and_check(sequence: str, effect) -> None:
        keys(qtbot, window, sequence)
        pressed.add(sequence)
        qtbot.waitUntil(effect, timeout=5000)

    for round_ in range(2):   # the second round after every dialog has been opened and closed
        press_and_check("Ctrl+I", lambda: focus() in (page.itemSelector, page.itemSelector.lineEdit()))
        choose_item(qtbot, window, "CZ-001")       # Enter on the typed item: its own test below
        press_and_check("Ctrl+L", lambda: focus() is page.codeInput)
        press_and_check("Ctrl+N", lambda: focus() is page.caseNoInput)
        qtbot.keyClicks(page.caseNoInput, f"GZ-SWEEP-{round_}")
        press_and_check("F2", lambda: focus() is page.codeInput)
        qtbot.keyClicks(page.codeInput, KNOWN["black"])
        press_and_check("F5", lambda: page.result is not None and not page.checks.busy)
        press_and_check("Ctrl+M", lambda: focus() is widget(window, "measuresTable"))
        press_and_check("Ctrl+S", lambda: page.is_recorded)
        count = len(stored_records())
        press_and_check("Ctrl+P", lambda: "shown" in window.statusBar().currentMessage())
        qtbot.keyClicks(page.codeInput, KNOWN["clear"][0])
        press_and_check("F5", lambda: page.result is not None and page.result.code == KNOWN["clear"][0])
        press_and_check("Ctrl+Shift+X", lambda: page._prompt is not None)   # asks first
        qtbot.keyClick(page._prompt, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: page._prompt is None and page.result is None, timeout=3000)
        back_to_window(qtbot, window)
        assert len(stored_records()) == count
        for n in (2, 3, 4, 5, 1):
            press_and_check(f"Alt+{n}", lambda n=n: tabs.currentIndex() == n - 1)
        press_and_check("Ctrl+Shift+U", lambda: window.statusBar().currentMessage() != "")
        for sequence, dialog in (("F1", "aboutDialog"), ("Ctrl+,", "settingsDialog"),
                                 ("Ctrl+Shift+I", "snapshotImportDialog"),
                                 ("Ctrl+Shift+O", "signInDialog")):
            keys(qtbot, window, sequence)
            pressed.add(sequence)
            close_dialog(qtbot, window, dialog)
        press_and_check("Alt+1", lambda: tabs.currentIndex() == 0)
        press_and_check("Escape", lambda: page.codeInput.text() == "")
        press_and_check("Ctrl+Return", lambda: True)   # nothing to record: nothing happens
    listed = {a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()}
    assert listed - pressed <= {"Ctrl+Q"}, listed - pressed    # Ctrl+Q: closing is tested apart


def test_enter_on_a_typed_item_code_picks_it_and_moves_to_the_case_number(qtbot, window):
    selector = widget(window, "itemSelector", QComboBox)
    selector.setFocus()
    selector.lineEdit().selectAll()
    qtbot.keyClicks(selector.lineEdit(), "cz-001")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.check_page.item_code() == "CZ-001", timeout=3000)
    assert selector.currentIndex() >= 0 and selector.currentText() != "cz-001"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget(window, "caseNoInput"),
                    timeout=3000)
    qtbot.keyClicks(widget(window, "caseNoInput", QLineEdit), "GZ-1")
    qtbot.keyClick(widget(window, "caseNoInput", QLineEdit), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is widget(window, "codeInput")   # item → case → code


def test_space_ticks_the_current_measure_whatever_cell_is_current(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black_and_focus"])
    table = widget(window, "measuresTable", QTableWidget)
    optional = next(r for r in range(table.rowCount()) if table.item(r, 4).text() == "可选")
    table.setFocus()
    table.setCurrentCell(optional, 3)                   # the content column, not the tick
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert table.item(optional, 0).checkState() == Qt.CheckState.Checked
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert table.item(optional, 0).checkState() == Qt.CheckState.Unchecked


def test_back_to_recording_from_another_tab_returns_to_the_check_page(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    keys(qtbot, window, "Alt+2")
    assert window.tabs.currentIndex() == 1
    window.close()                                      # asks: the result is not recorded
    qtbot.waitUntil(lambda: window.check_page._prompt is not None, timeout=3000)
    qtbot.mouseClick(window.check_page._prompt.findChild(QPushButton, "keepButton"),
                     Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == 0 and window.isVisible()


def test_import_dialog_enter_verifies(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QDialog

    keys(qtbot, window, "Ctrl+Shift+I")
    dialog = window.findChild(QDialog, "snapshotImportDialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=3000)
    path = widget(dialog, "importPath", QLineEdit)
    path.setFocus()
    qtbot.keyClicks(path, str(tmp_path / "no-snapshot-here"))
    qtbot.keyClick(path, Qt.Key.Key_Return)
    verdict = widget(dialog, "importVerdict", QLabel)
    qtbot.waitUntil(lambda: verdict.property("verdict") == "refused", timeout=10_000)
    assert dialog.isVisible()                  # a verdict, not a folder chooser
    assert verdict.geometry().bottom() <= widget(dialog, "importStartButton").mapTo(
        dialog, widget(dialog, "importStartButton").rect().topLeft()).y()


# -- 7. the operator on first start ---------------------------------------------------------------

def open_unsigned(qtbot):
    """The window on a machine where nobody has signed in: the question comes up once the page
    is ready, so the window is not waited on to become active first."""
    from desktop.desk.context import DeskContext
    from desktop.ui.app import create_app
    from desktop.ui.main_window import MainWindow

    create_app()
    window = MainWindow(DeskContext.from_environment())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.check_page.is_ready, timeout=10_000)
    return window


def test_first_start_asks_for_the_operator_number_instead_of_the_os_login(qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog
    from ui_fixtures import close_window

    monkeypatch.delenv("CREDIT_DESK_OPERATOR")
    window = open_unsigned(qtbot)
    try:
        dialog = window.findChild(QDialog, "signInDialog")
        qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
        operator = widget(dialog, "operatorInput", QLineEdit)
        assert operator.text() == ""                              # not the OS login
        assert "未登录" in widget(window, "operatorLabel", QLabel).text()
        qtbot.keyClicks(operator, "A1024")
        qtbot.keyClick(operator, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: gone(dialog), timeout=5000)
        back_to_window(qtbot, window)
        assert "A1024" in widget(window, "operatorLabel", QLabel).text()
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["clear"][0])
        record(qtbot, window)
        [stored] = stored_records()
        assert stored["operator"] == "A1024"
    finally:
        close_window(window)


def test_no_record_before_the_operator_has_given_a_number(qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog
    from ui_fixtures import close_window

    monkeypatch.delenv("CREDIT_DESK_OPERATOR")
    window = open_unsigned(qtbot)
    try:
        dialog = window.findChild(QDialog, "signInDialog")
        qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
        dialog.reject()
        back_to_window(qtbot, window)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["clear"][0])
        record(qtbot, window)
        assert stored_records() == []
        assert "工号" in form_message(window)
    finally:
        close_window(window)


def test_a_code_typed_by_hand_without_enter_is_not_recorded_under_the_result_shown(qtbot, window):
    """The next applicant's code and case number typed, Enter forgotten: Ctrl+Enter would have put
    the previous code's result on the new case. It is refused with the way out, and nothing is
    written; Enter checks the new code (asking first about the unrecorded result)."""
    page = window.check_page
    choose_item(qtbot, window, "CZ-001")
    widget(window, "caseNoInput", QLineEdit).setText("GZ-PREV-1")
    scan(qtbot, window, KNOWN["black"])
    page.codeInput.selectAll()
    qtbot.keyClicks(page.codeInput, KNOWN["clear"][0])        # no Enter
    record(qtbot, window)
    assert stored_records() == []
    assert KNOWN["clear"][0] in form_message(window) and "回车" in form_message(window)
    assert QApplication.focusWidget() is page.codeInput
    # Emptying the code field: the result on screen is what is recorded, as the message says.
    page.codeInput.clear()
    record(qtbot, window)
    [stored] = stored_records()
    assert stored["subject_code"] == KNOWN["black"] and stored["case_no"] == "GZ-PREV-1"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_tab_fits_1366_wide_at_the_largest_font_in_either_language(qtbot, language):
    """The watch tab's filters asked for their longest entries' width: in English at font 20 the
    window could not be narrower than 1466 px, every tab past a 1366 px screen's edge."""
    from ui_fixtures import close_window, open_window

    from desktop.ui import i18n

    window = open_window(qtbot)
    app = QApplication.instance()
    try:
        i18n.install(language)
        style.apply_font_size(app, max(style.FONT_SIZES))
        window.resize(1366, 768)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black_and_focus"])
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            qtbot.wait(100)  # the tab shown, its layout settled
            assert window.minimumSizeHint().width() <= 1366, window.tabs.tabText(index)
    finally:
        style.apply_font_size(app, style.DEFAULT_FONT_SIZE)
        i18n.install("zh_CN")
        close_window(window)


def test_a_licence_or_id_card_scanned_into_the_first_start_question_is_not_the_operator(
        qtbot, monkeypatch):
    """The first start asks for the 工号; the clerk scans the first applicant's licence out of
    habit. That code (or an identity number, unmasked) signed every record after it."""
    from PySide6.QtWidgets import QDialog
    from ui_fixtures import close_window

    from desktop.ui.dialogs import user_settings

    monkeypatch.delenv("CREDIT_DESK_OPERATOR")
    window = open_unsigned(qtbot)
    try:
        dialog = window.findChild(QDialog, "signInDialog")
        qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
        operator = widget(dialog, "operatorInput", QLineEdit)
        for scanned, shown in ((KNOWN["black"], KNOWN["black"]),
                               (KNOWN["person_clear"], KNOWN["person_clear"][:6] + "*" * 8
                                + KNOWN["person_clear"][-4:])):
            operator.selectAll()
            qtbot.keyClicks(operator, scanned)
            qtbot.keyClick(operator, Qt.Key.Key_Return)
            error = widget(dialog, "signInError", QLabel)
            qtbot.waitUntil(error.isVisible, timeout=3000)
            assert shown in error.text() and "工号" in error.text()
            assert KNOWN["person_clear"] not in error.text()
            assert dialog.isVisible() and "operator" not in user_settings.load()
        operator.selectAll()
        qtbot.keyClicks(operator, "A1024")
        qtbot.keyClick(operator, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: gone(dialog), timeout=5000)
        assert user_settings.load()["operator"] == "A1024"
    finally:
        close_window(window)


def test_a_licence_scanned_while_the_settings_are_open_is_checked_and_changes_nothing(qtbot,
                                                                                      window):
    """The font size has the focus when the settings open: a scan put 9 in it (its first digit)
    and its Enter saved it. Now the settings close unsaved and the code is checked."""
    from PySide6.QtWidgets import QDialog, QSpinBox

    from desktop.ui.dialogs import user_settings

    choose_item(qtbot, window, "CZ-001")
    before = user_settings.load()
    keys(qtbot, window, "Ctrl+,")
    qtbot.waitUntil(lambda: window.findChild(QDialog, "settingsDialog") is not None
                    and window.findChild(QDialog, "settingsDialog").isVisible(), timeout=5000)
    dialog = window.findChild(QDialog, "settingsDialog")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    size = widget(dialog, "fontSizeInput", QSpinBox)
    size.setFocus()
    qtbot.keyClicks(size, KNOWN["black"])
    qtbot.keyClick(size, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dialog), timeout=5000)
    assert user_settings.load() == before
    assert QApplication.font().pointSize() == style.DEFAULT_FONT_SIZE
    back_to_window(qtbot, window)
    qtbot.waitUntil(lambda: window.check_page.result is not None
                    and window.check_page.result.code == KNOWN["black"], timeout=5000)
