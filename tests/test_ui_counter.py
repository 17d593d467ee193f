"""The clerk's day at the counter (issue 14), in the real window: a record is always of what the
clerk sees, the result reads at the largest font, and the badge's words follow the entries'
effective states."""
from __future__ import annotations

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
        qtbot.wait(50)
        hits = widget(window, "hitsTable", QTableWidget)
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
