"""The history tab, driven through object names against a real case file in the test's home:
filters, detail, masked identity numbers, reprint and save of the PDF record sheet, and a
correcting decision that appends a new record and leaves the old one as it was."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pypdf
import pytest
from casefile_fixtures import DESK, M_LIMIT, PERSON_CODE, approve, black_result, result
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTextBrowser,
)

from desktop.check.model import CHINA_TZ, CodeKind
from desktop.desk.context import DeskContext
from desktop.ui import history_view, i18n, sheet_output, style
from desktop.ui.history_view import HistoryView
from desktop.ui.jobs import JobRunner

NOW = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
# Forty days back: inside the history's 60-day filter below, never in the current month, and in
# the previous month or the one before depending on today. Fixed dates turn into failures later.
_OLD = (datetime.now(timezone.utc) - timedelta(days=40)).replace(hour=2, minute=15, second=0,
                                                                 microsecond=0)
OLD = _OLD.isoformat()
OLD_MONTH = _OLD.astimezone(CHINA_TZ).strftime("%Y-%m")


@pytest.fixture
def desk():
    ctx = DeskContext.from_environment()
    cf = ctx.case_file
    old = cf.record_check(result(checked_at=OLD), approve("OLD-1"), DESK)
    black = cf.record_check(black_result(checked_at=NOW),
                            approve("BJ-7", outcome="rejected", measures_applied=("M-01",)), DESK)
    person = cf.record_check(result(code=PERSON_CODE, kind=CodeKind.PERSON, checked_at=NOW,
                                    name="张三"), approve("RS-9"), DESK)
    yield ctx, {"old": old, "black": black, "person": person}
    cf.close()


@pytest.fixture
def view(qtbot, desk):
    ctx, _ = desk
    runner = JobRunner()
    v = HistoryView(ctx, runner)
    qtbot.addWidget(v)
    v.show()
    table = v.findChild(QTableView, "historyTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0)
    yield v
    runner.shutdown()


def table_texts(view) -> list[list[str]]:
    model = view.findChild(QTableView, "historyTable").model()
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def search(qtbot, view) -> None:
    with qtbot.waitSignal(view.records_loaded, timeout=5000):
        qtbot.mouseClick(view.findChild(QPushButton, "historySearchButton"), Qt.MouseButton.LeftButton)


def select(view, record_id: int) -> None:
    assert view.select_record(record_id), f"record {record_id} not in the table"


def test_today_shows_todays_checks_newest_first_with_identity_masked(view, desk):
    _, recs = desk
    rows = table_texts(view)
    assert [int(r[0]) for r in rows] == [recs["person"].record_id, recs["black"].record_id]
    person_row = rows[0]
    assert "440301********1234" in person_row
    assert not any(PERSON_CODE in cell for row in rows for cell in row)
    assert "命中名单：失信惩戒对象" in rows[1]


def test_filters_by_date_status_and_code(qtbot, view, desk):
    _, recs = desk
    since = view.findChild(QDateEdit, "historySince")
    since.setDate(since.date().addDays(-60))
    search(qtbot, view)
    assert len(table_texts(view)) == 3

    status = view.findChild(QComboBox, "historyStatusFilter")
    status.setCurrentIndex(status.findData("hit"))
    search(qtbot, view)
    assert [int(r[0]) for r in table_texts(view)] == [recs["black"].record_id]

    status.setCurrentIndex(status.findData(None))
    code = view.findChild(QLineEdit, "historyCodeFilter")
    # Typed the way a clerk might: lower case, with spaces: normalised like the check field.
    qtbot.keyClicks(code, PERSON_CODE[:6] + " " + PERSON_CODE[6:])
    with qtbot.waitSignal(view.records_loaded, timeout=5000):
        qtbot.keyClick(code, Qt.Key.Key_Return)
    assert [int(r[0]) for r in table_texts(view)] == [recs["person"].record_id]


def test_invalid_code_filter_is_refused_with_a_reason_and_keeps_the_table(qtbot, view):
    before = table_texts(view)
    code = view.findChild(QLineEdit, "historyCodeFilter")
    qtbot.keyClicks(code, "91440300MA5FXXXX1X")  # check digit should be Y
    qtbot.keyClick(code, Qt.Key.Key_Return)
    message = view.findChild(QLabel, "historyMessage").text()
    assert "校验码应为 Y" in message, message
    assert table_texts(view) == before


def test_reversed_date_range_is_refused(qtbot, view):
    view.since_edit.setDate(view.until_edit.date().addDays(1))
    qtbot.mouseClick(view.findChild(QPushButton, "historySearchButton"), Qt.MouseButton.LeftButton)
    assert "起始日期晚于结束日期" in view.findChild(QLabel, "historyMessage").text()


def test_selecting_a_record_shows_its_detail_masked(view, desk):
    _, recs = desk
    select(view, recs["person"].record_id)
    detail = view.detail.toPlainText()
    assert "RS-9" in detail and "440301********1234" in detail
    assert PERSON_CODE not in detail
    select(view, recs["black"].record_id)
    assert "限制其取得食品经营许可" in view.detail.toPlainText()


def test_reprint_writes_the_pdf_sheet_off_the_gui_thread_and_opens_it(qtbot, view, desk,
                                                                       monkeypatch):
    _, recs = desk
    opened = []
    # The system PDF viewer cannot run here; what the window hands it is what is checked.
    monkeypatch.setattr(sheet_output, "default_printer", lambda: None)   # no printer: the viewer
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    select(view, recs["person"].record_id)
    with qtbot.waitSignal(view.sheet_written, timeout=15000) as written:
        qtbot.mouseClick(view.findChild(QPushButton, "historyReprintButton"),
                         Qt.MouseButton.LeftButton)
    path = written.args[0]
    assert opened == [str(path)]
    assert PERSON_CODE not in path.name
    text = "".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "RS-9" in text and "440301********1234" in text and PERSON_CODE not in text


def test_save_as_pdf_writes_where_the_clerk_chose(qtbot, view, desk, tmp_path, monkeypatch):
    _, recs = desk
    target = tmp_path / "out" / "sheet"
    monkeypatch.setattr(history_view.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "PDF"))
    select(view, recs["black"].record_id)
    with qtbot.waitSignal(view.sheet_written, timeout=15000):
        qtbot.keyClick(view.findChild(QTableView, "historyTable"), Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    saved = target.with_suffix(".pdf")
    assert "BJ-7" in "".join(p.extract_text() for p in pypdf.PdfReader(saved).pages)


def test_correcting_decision_appends_a_record_and_leaves_the_old_one(qtbot, view, desk):
    ctx, recs = desk
    black = recs["black"]
    select(view, black.record_id)
    dialog = view.correct_selected()
    assert dialog.findChild(QLineEdit, "decisionCaseNo").text() == "BJ-7"
    outcome = dialog.findChild(QComboBox, "decisionOutcome")
    outcome.setCurrentIndex(outcome.findData("deferred"))
    dialog.findChild(QPlainTextEdit, "decisionNote").setPlainText("补充材料后再办")
    with qtbot.waitSignal(view.decision_recorded, timeout=5000) as recorded:
        dialog.buttons.accepted.emit()
    new = recorded.args[0]
    assert new.kind == "decision" and new.refers_to == black.record_id
    assert new.outcome == "deferred" and new.measures_applied == ("M-01",)
    assert ctx.case_file.get(black.record_id) == black  # the old record is untouched
    assert ctx.case_file.verify().ok
    qtbot.waitUntil(lambda: any(int(r[0].lstrip('↳ ')) == new.record_id for r in table_texts(view)))
    row = next(r for r in table_texts(view) if int(r[0].lstrip('↳ ')) == new.record_id)
    assert f"针对记录 {black.record_id}" in row[-1] and "暂缓办理" in row


def test_dropping_a_mandated_measure_without_a_note_is_refused_and_nothing_written(qtbot, view,
                                                                                   desk):
    ctx, recs = desk
    before = ctx.case_file.count()
    select(view, recs["black"].record_id)
    dialog = view.correct_selected()
    measures = dialog.findChild(QListWidget, "decisionMeasures")
    assert measures.item(0).data(Qt.ItemDataRole.UserRole) == M_LIMIT.measure_id
    measures.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.buttons.accepted.emit()
    error = dialog.findChild(QLabel, "decisionError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "必须执行的措施未执行" in error.text() and "M-01" in error.text()
    assert dialog.isVisible()
    assert ctx.case_file.count() == before


# -- statistics ---------------------------------------------------------------------------------

@pytest.fixture
def stats_view(qtbot, desk):
    from desktop.ui.stats_view import StatsView

    ctx, _ = desk
    runner = JobRunner()
    v = StatsView(ctx, runner)
    qtbot.addWidget(v)
    v.resize(900, 500)
    v.show()
    qtbot.waitUntil(lambda: v.stats is not None)
    yield v
    runner.shutdown()


def stats_rows(view) -> dict[str, str]:
    t = view.findChild(QTableWidget, "statsTable")
    return {t.item(r, 0).text().strip(): t.item(r, 1).text() for r in range(t.rowCount())}


def test_statistics_of_the_month_as_table_and_chart(stats_view, desk):
    rows = stats_rows(stats_view)
    month = stats_view.month()
    # The fixture's checks: today's two, and the old one if it fell in this month.
    expected = 3 if month == OLD_MONTH else 2
    assert rows["核查次数"] == str(expected)
    assert rows["命中名单的核查"] == "1" and rows["失信惩戒对象"] == "1"
    assert rows["执行措施 M-01：限制其取得食品经营许可"] == "1"
    assert rows["办理结果：不予办理"] == "1"
    bars = {b.label: b.value for b in stats_view.chart.bars}
    assert bars["核查"] == expected and bars["失信惩戒对象"] == 1 and bars["重点关注对象"] == 0
    # The chart really paints its bars: the black-list bar's colour is on screen.
    image = stats_view.chart.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert "#b00020" in colours


def test_previous_month_is_counted_apart(qtbot, stats_view):
    shown = stats_view.month()
    with qtbot.waitSignal(stats_view.stats_loaded, timeout=5000) as loaded:
        qtbot.mouseClick(stats_view.findChild(QPushButton, "statsPreviousMonth"),
                         Qt.MouseButton.LeftButton)
    previous = loaded.args[0].month
    assert previous != shown
    assert stats_rows(stats_view)["核查次数"] == ("1" if previous == OLD_MONTH else "0")


def test_statistics_export_to_csv(qtbot, stats_view, tmp_path, monkeypatch):
    from desktop.ui import stats_view as module

    target = tmp_path / "month"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(stats_view.csv_written, timeout=5000) as written:
        qtbot.mouseClick(stats_view.findChild(QPushButton, "statsExportButton"),
                         Qt.MouseButton.LeftButton)
    text = written.args[0].read_text(encoding="utf-8-sig")
    assert written.args[0].name == "month.csv"
    assert text.splitlines()[0] == "月份,事项,操作员,栏目,键,名称,数值"
    assert f"{stats_view.month()},,,核查,total,核查次数," in text
    assert "办理结果,rejected,不予办理,1" in text


def test_statistics_export_in_english_has_english_headers_and_labels(qtbot, stats_view, tmp_path,
                                                                     monkeypatch):
    from desktop.ui import stats_view as module

    target = tmp_path / "month.csv"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    i18n.install("en")
    try:
        with qtbot.waitSignal(stats_view.csv_written, timeout=5000) as written:
            qtbot.mouseClick(stats_view.findChild(QPushButton, "statsExportButton"),
                             Qt.MouseButton.LeftButton)
    finally:
        i18n.install("zh_CN")
    lines = written.args[0].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Month,Item,Operator,Section,Key,Label,Value"
    body = "\n".join(lines[1:])
    assert ",Checks,total,Checks," in body and ",Outcomes,rejected,Rejected,1" in body
    # Only the data's own words (a measure's content) stay as the data states them.
    assert all("\u4e00" > ch or ch > "\u9fff" for line in lines if ",M-" not in line for ch in line)


# -- in the window --------------------------------------------------------------------------------

def test_a_check_recorded_at_the_counter_shows_in_history_and_reprints(qtbot, monkeypatch):
    """Keyboard only, as a clerk: scan, record, Alt+2, Ctrl+P."""
    from ui_fixtures import (
        KNOWN,
        choose_item,
        close_window,
        open_window,
        record,
        scan,
        type_text,
    )

    opened = []
    monkeypatch.setattr(sheet_output, "default_printer", lambda: None)   # no printer: the viewer
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    window = open_window(qtbot)
    try:
        choose_item(qtbot, window, KNOWN["item_with_measures"])
        type_text(qtbot, window.findChild(QLineEdit, "caseNoInput"), "WIN-42")
        scan(qtbot, window, KNOWN["black"])
        record(qtbot, window)
        assert window.check_page.is_recorded
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        view = window.history_view
        assert window.tabs.currentWidget() is view
        qtbot.waitUntil(lambda: any("WIN-42" in row for row in table_texts(view)), timeout=5000)
        row = next(r for r in table_texts(view) if "WIN-42" in r)
        assert KNOWN["black"] in row and "命中名单：失信惩戒对象" in row
        view.findChild(QTableView, "historyTable").setFocus()
        view.select_record(int(row[0].lstrip('↳ ')))
        with qtbot.waitSignal(view.sheet_written, timeout=15000) as written:
            qtbot.keyClick(view.findChild(QTableView, "historyTable"), Qt.Key.Key_P,
                           Qt.KeyboardModifier.ControlModifier)
        assert opened == [str(written.args[0])]
        assert "WIN-42" in "".join(p.extract_text() for p in pypdf.PdfReader(written.args[0]).pages)
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
        assert window.tabs.currentWidget() is window.stats_view
        qtbot.waitUntil(lambda: window.stats_view.stats is not None
                        and window.stats_view.stats.checks == 1, timeout=5000)
    finally:
        close_window(window)


@pytest.mark.parametrize("typed, expected", [
    ("BJ-7", "black"),          # a case number
    ("bj-", "black"),           # part of it, any case
    ("张三", "person"),          # a name
])
def test_search_finds_by_case_number_part_or_name_and_selects_the_first_row(qtbot, view, desk,
                                                                            typed, expected):
    from ui_fixtures import type_text

    _, recs = desk
    since = view.findChild(QDateEdit, "historySince")
    since.setDate(since.date().addDays(-60))
    code = view.findChild(QLineEdit, "historyCodeFilter")
    type_text(qtbot, code, typed)           # no Enter: the filter applies as it is typed
    qtbot.waitUntil(lambda: [int(r[0]) for r in table_texts(view)] == [recs[expected].record_id],
                    timeout=5000)
    assert view.selected_record().record_id == recs[expected].record_id
    assert view.findChild(QPushButton, "historyReprintButton").isEnabled()


def test_part_of_an_organisation_code_finds_it_but_a_persons_hidden_digits_do_not(qtbot, view,
                                                                                   desk):
    _, recs = desk
    since = view.findChild(QDateEdit, "historySince")
    since.setDate(since.date().addDays(-60))
    code = view.findChild(QLineEdit, "historyCodeFilter")
    part = recs["black"].subject_code[2:12]
    having = sorted(r.record_id for r in recs.values() if part in r.subject_code)
    assert recs["person"].record_id not in having
    qtbot.keyClicks(code, part)
    qtbot.waitUntil(lambda: sorted(int(r[0]) for r in table_texts(view)) == having, timeout=5000)
    code.clear()
    qtbot.keyClicks(code, PERSON_CODE[6:14])    # the masked part of an identity number
    qtbot.waitUntil(lambda: table_texts(view) == [], timeout=5000)
    assert view.findChild(QTextBrowser, "historyDetail").toPlainText() == ""


@pytest.mark.parametrize("language, keys, size", [
    ("zh_CN", ("办理结果", "类型", "核查结论"), style.DEFAULT_FONT_SIZE),
    ("zh_CN", ("办理结果", "类型", "核查结论"), 14),
    ("en", ("Outcome", "Type", "Result"), style.DEFAULT_FONT_SIZE),
    ("en", ("Outcome", "Type", "Result"), 14)])        # English words are longer than Chinese
def test_key_columns_fit_at_1280_without_scrolling_sideways(qtbot, view, language, keys, size):
    i18n.install(language)
    style.apply_font_size(QApplication.instance(), size)
    try:
        view.resize(1280, 600)
        table = view.findChild(QTableView, "historyTable")
        header = table.horizontalHeader()

        def right_edge():
            return max(header.sectionPosition(c) + header.sectionSize(c) for c in range(header.count()))
        def heads():
            return [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
        qtbot.waitUntil(lambda: keys[0] in heads(), timeout=3000)       # the language has arrived
        qtbot.waitUntil(lambda: 0 < right_edge() <= table.viewport().width(), timeout=3000)
        heads = heads()
        for name in keys:
            column = heads.index(name)
            assert header.sectionSize(column) >= table.fontMetrics().horizontalAdvance(name)
        # A cell too narrow for its words (elided) has them whole on hover.
        model = table.model()
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                text = model.index(row, column).data()
                if header.sectionSize(column) < table.fontMetrics().horizontalAdvance(text):
                    assert text in model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
    finally:
        i18n.install("zh_CN")
        style.apply_font_size(QApplication.instance(), style.DEFAULT_FONT_SIZE)


def test_search_reaches_records_older_than_the_rows_the_table_shows(qtbot, view, desk,
                                                                     monkeypatch):
    """The typed text was matched only among the newest rows the table can show (5000): a case
    number from before them read "0 records" while it was in the range searched."""
    from ui_fixtures import type_text

    _, recs = desk
    monkeypatch.setattr(history_view, "MAX_ROWS", 1)    # the two newest fill the table
    since = view.findChild(QDateEdit, "historySince")
    since.setDate(since.date().addDays(-60))
    type_text(qtbot, view.findChild(QLineEdit, "historyCodeFilter"), "OLD-1")
    qtbot.waitUntil(lambda: [int(r[0]) for r in table_texts(view)] == [recs["old"].record_id],
                    timeout=5000)
    assert view.selected_record().record_id == recs["old"].record_id
