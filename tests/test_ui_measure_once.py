"""What the result panel keeps instead of measuring again (issue 13 item 5): a wrapped label's
height per width, a table's header words. Each is kept only while what it was measured from
holds: a new text, a larger font or another language must give the heights and widths a fresh
measurement gives, or a notice would be cut off or a column too narrow for its header."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel

from desktop.ui import i18n
from desktop.ui.widgets.fit_table import FitTable
from desktop.ui.widgets.plain_text import make_plain, plain_label

SHORT = "离线数据 第 1 版"
LONG = ("演示数据 / DEMO DATA  离线数据 第 1 版，数据截至 2026-11-20 08:00（数据已较旧，请尽快更新离线数据）"
        "\n信用平台未及时答复，已改用离线数据。") * 2
WIDTHS = (120, 300, 640)


def fresh(label: QLabel) -> QLabel:
    """A QLabel measuring from scratch what ``label`` shows, as ``label`` shows it."""
    other = QLabel()
    make_plain(other)
    other.setWordWrap(True)
    other.setFont(label.font())
    other.setText(label.text())
    return other


def heights(label: QLabel) -> list[int]:
    return [label.heightForWidth(w) for w in WIDTHS]


def test_a_wrapped_label_measures_again_after_its_text_or_font_changed(qtbot):
    label = plain_label(name="noticeLabel", wrap=True)
    qtbot.addWidget(label)
    for text in (SHORT, LONG, SHORT):
        label.setText(text)
        assert heights(label) == heights(fresh(label)), text
    label.setText(LONG)
    before = heights(label)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() * 2)
    label.setFont(font)
    assert heights(label) == heights(fresh(label))
    assert heights(label) > before  # the same text, twice the size: taller at every width


def test_a_long_notice_replacing_a_short_one_is_shown_whole_in_the_panel(qtbot):
    from desktop.ui.result_panel import ResultPanel

    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 900)
    panel.show()
    qtbot.waitExposed(panel)
    for text in (SHORT, LONG, SHORT):
        panel._set_label(panel.noticeLabel, text)
        panel.layout().activate()
        label = panel.noticeLabel
        assert label.height() == fresh(label).heightForWidth(label.width()), text


def test_a_table_header_is_measured_again_in_a_new_language_and_font(qtbot):
    table = FitTable(3, (2,))
    qtbot.addWidget(table)
    table.resize(900, 200)
    table.setHorizontalHeaderLabels(["名单", "状态", "依据"])
    table.fill([("甲", "有效", "依据")])
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()

    def measured() -> list[int]:
        return [header.sectionSizeHint(c) for c in range(table.columnCount())]
    assert header.measured()[1] == measured()
    table.setHorizontalHeaderLabels(["List of the authority", "State of the entry", "Basis"])
    assert header.measured()[1] == measured()
    table.fill([("甲", "有效", "依据")])
    assert table.columnWidth(0) >= header.sectionSizeHint(0)  # the header's words fit
    font = QFont(table.font())
    font.setPointSize(font.pointSize() * 2)
    table.setFont(font)
    qtbot.waitUntil(lambda: header.measured()[1] == measured(), timeout=2000)
    assert header.sizeHint() == QHeaderView.sizeHint(header)  # what Qt itself measures now


def test_switching_language_remeasures_the_result_tables_headers(qtbot):
    from ui_fixtures import KNOWN, close_window, open_window, scan

    window = open_window(qtbot)
    try:
        page = window.check_page
        page.is_recorded = True
        scan(qtbot, window, KNOWN["black_and_focus"])
        hits = page.resultPanel.hitsTable
        header = hits.horizontalHeader()
        i18n.install("en")
        qtbot.waitUntil(lambda: hits.horizontalHeaderItem(0).text() == "List", timeout=2000)
        qtbot.waitUntil(lambda: all(hits.columnWidth(c) >= header.sectionSizeHint(c)
                                    for c in range(hits.columnCount())), timeout=2000)
        assert hits.horizontalHeader().measured()[1] == [header.sectionSizeHint(c)
                                           for c in range(hits.columnCount())]
    finally:
        i18n.install("zh_CN")
        close_window(window)
