"""Issue 10 in the real window (offscreen), driven through object names and keystrokes: the
suggested outcome follows the measures' effects, a measure that binds someone else is marked and
mandates nothing, a lapsed entry reads 已到期, an unknown subject is said prominently with nothing
preset, and granting it needs a note (the same rule as the command line)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit
from ui_fixtures import (
    KNOWN,
    choose_item,
    record,
    scan,
    stored_records,
    table_rows,
    type_text,
    widget,
    window,  # noqa: F401 - a fixture
)


def outcome(window):
    return widget(window, "outcomeSelector", QComboBox).currentData()


def form_message(window) -> str:
    return widget(window, "formMessage", QLabel).text()


def test_stricter_review_presets_no_refusal(qtbot, window):
    choose_item(qtbot, window, "SCJG-003")
    scan(qtbot, window, "91440309MANUQRU7XA")      # 严重违法失信名单 on a food licence
    assert window.check_page.result.status == "hit"
    assert outcome(window) is None                  # no 不予办理 preset, no preset at all
    notices = widget(window, "noticeLabel", QLabel).text()
    assert "不是不予办理的依据" in notices
    # The detail pane names whom the measure binds, its effect and the level of its basis.
    detail = widget(window, "measureDetail", QPlainTextEdit).toPlainText()
    assert "对象：所有被核查主体" in detail and "效果：按一般程序办理" in detail
    assert "（党中央、国务院政策文件）" in detail
    # Recording without choosing an outcome asks for one; nothing is written.
    record(qtbot, window)
    assert "请选择办理结果" in form_message(window) and stored_records() == []


def test_a_person_only_measure_is_marked_and_mandates_nothing_for_a_company(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_legal_rep_change"])
    scan(qtbot, window, KNOWN["black"])
    measures = {m.measure_id: m for m in window.check_page.result.measures}
    assert set(measures) == {"M-SX-02"}
    assert all((m.applies, m.mandatory) == (False, False) for m in measures.values())
    assert outcome(window) == "approved"
    assert "不适用" in " ".join(table_rows(window, "measuresTable")[0])
    record(qtbot, window)                            # nothing mandated: no note needed
    assert len(stored_records()) == 1


def test_a_lapsed_entry_reads_lapsed_not_in_force(qtbot, window):
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["expired_only"])
    [row] = table_rows(window, "hitsTable")
    assert "已到期" in row and "有效" not in row
    assert window.check_page.result.status == "clear"


def test_unknown_subject_is_said_prominently_and_granting_it_needs_a_note(qtbot, window):
    choose_item(qtbot, window, KNOWN["item_company_registration"])
    scan(qtbot, window, KNOWN["unknown_valid"])
    notice = widget(window, "unknownSubjectNotice", QLabel)
    assert notice.isVisible() and notice.text().startswith("数据中无此主体：请核对代码是否输入正确")
    assert outcome(window) is None
    # The clerk chooses 准予办理 with the keyboard: the case file asks for a note first.
    selector = widget(window, "outcomeSelector", QComboBox)
    selector.setCurrentIndex(selector.findData("approved"))
    record(qtbot, window)
    assert "数据中无此主体" in form_message(window) and stored_records() == []
    type_text(qtbot, widget(window, "noteInput"), "已核对营业执照原件，代码无误")
    record(qtbot, window)
    [stored] = stored_records()
    assert stored["subject_known"] is False and stored["outcome"] == "approved"
    # A known subject after it: the notice goes away.
    scan(qtbot, window, KNOWN["clear"][0])
    assert not notice.isVisible()
