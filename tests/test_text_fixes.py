"""Text a clerk reads on the check page: header words that fit their columns in an empty table
after a language or font change, platform text shown as plain text (never markup, never wider
than the window), and the commitment note in the window's language. From the break4 findings
4-7 and 9."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401
from ui_fixtures import choose_item, close_window, open_window, scan, widget, window  # noqa: F401

from desktop.ui import i18n

CLEAR = KNOWN["clear"][0]
MARKUP = "<b style='color:green'>✔ 可适用告知承诺</b>"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def back_to_chinese():
    yield
    i18n.install("zh_CN")


# -- 4. header words cut to '…' on empty tables ------------------------------------------------

@pytest.mark.parametrize("code", [None, CLEAR])
def test_an_empty_tables_headers_fit_their_words_after_a_language_switch(qtbot, window,
                                                                          back_to_chinese, code):
    choose_item(qtbot, window, KNOWN["item_with_measures"])
    if code:
        scan(qtbot, window, code)                          # a clear result: the hits table is empty
    i18n.install("en")
    qtbot.wait(50)
    for name in ("hitsTable", "measuresTable") if code is None else ("hitsTable",):
        table = widget(window, name, QTableWidget)
        header = table.horizontalHeader()
        cut = [(table.horizontalHeaderItem(c).text(), table.columnWidth(c), header.sectionSizeHint(c))
               for c in range(table.columnCount())
               if c not in table._wrapping and table.columnWidth(c) < header.sectionSizeHint(c)]
        assert not cut, f"{name}: header words cut to '…' (text, width, needed): {cut}"


def test_an_empty_tables_headers_fit_their_words_after_a_larger_font(qtbot, window):
    """The clerk's font size (设置) applied between scans: FitTable.changeEvent refits on its
    FontChange, which reaches the table before its header has the new font (the header's size
    hints are still the old font's), and an empty table is not refitted by the next result."""
    from desktop.ui import style

    app = QApplication.instance()
    before = app.font().pointSize()
    try:
        choose_item(qtbot, window, KNOWN["item_with_measures"])
        scan(qtbot, window, KNOWN["black_and_focus"])     # hits shown
        window.check_page.is_recorded = True
        style.apply_font_size(app, 10)
        qtbot.wait(30)
        scan(qtbot, window, KNOWN["unit_rep_wages"])       # no hits of its own: the table empties
        window.check_page.is_recorded = True
        style.apply_font_size(app, 20)                     # the clerk picks a larger font
        qtbot.wait(50)
        scan(qtbot, window, CLEAR)                         # still no hits
        table = widget(window, "hitsTable", QTableWidget)
        header = table.horizontalHeader()
        cut = [(table.horizontalHeaderItem(c).text(), table.columnWidth(c), header.sectionSizeHint(c))
               for c in range(table.columnCount())
               if c not in table._wrapping and table.columnWidth(c) < header.sectionSizeHint(c)]
        assert not cut, f"header words cut to '…' (text, width, needed): {cut}"
    finally:
        style.apply_font_size(app, before)


# -- 5-6. platform text in the commitment note: markup rendered, and a long word widens the page --

@pytest.fixture
def desk(qtbot, online):
    online.configure(deadline=2.0)
    online.install_snapshot()
    w = open_window(qtbot)
    yield online, w
    online.platform.fault(None)
    close_window(w)


def _closing_measure_from_platform(qtbot, online, window, category: str) -> None:
    """A subject whose measure closes the simplified route (按一般程序办理), its category from the
    platform spoiled; the item accepts credit commitments, so the window says why they are closed."""
    choose_item(qtbot, window, KNOWN["item_food_licence"])
    scan(qtbot, window, KNOWN["objection"])
    page = window.check_page
    index = [m.measure_id for m in page.result.measures].index("M-YZ-02")
    online.platform.fault("wrong_type", scope="subjects", field=f"measures.{index}.category",
                          value=category)
    page.is_recorded = True
    scan(qtbot, window, KNOWN["objection"])
    qtbot.wait(50)
    assert page.result.source == "platform" and page.result.reason is None


def test_markup_in_a_platform_measure_category_is_not_rendered_in_the_commitment_note(qtbot, desk):
    online, window = desk
    _closing_measure_from_platform(qtbot, online, window, MARKUP)
    note = widget(window, "commitmentNote", QLabel)
    assert MARKUP in note.text()
    assert note.textFormat() == Qt.TextFormat.PlainText or not GuiQt.mightBeRichText(note.text()), \
        "the note paints the platform's green bold '✔ 可适用告知承诺'"


def test_a_long_platform_word_in_the_commitment_note_keeps_the_page_in_the_window(qtbot, desk):
    online, window = desk
    page = window.check_page
    _closing_measure_from_platform(qtbot, online, window, "W" * 190)
    view = page.scrollArea.viewport()
    button = widget(window, "recordButton")
    right = button.mapTo(view, button.rect().topRight()).x()
    assert page.scrollArea.widget().width() <= view.width(), "the page is wider than the window"
    assert right < view.width(), "the record button is off to the right, with no scroll bar to reach it"


# -- 7. platform text in the related persons' tooltips rendered as markup ------------------------

def test_markup_in_a_related_persons_basis_is_shown_as_text_on_hover(qtbot, desk):
    online, window = desk
    choose_item(qtbot, window, KNOWN["item_with_tolerance"])
    online.platform.fault("wrong_type", scope="subjects", field="related.0.hits.0.basis", value=MARKUP)
    scan(qtbot, window, KNOWN["unit_rep_wages"])
    assert window.check_page.result.source == "platform"
    tip = widget(window, "relatedTable", QTableWidget).item(0, 1).toolTip()
    assert "<b style" not in tip and "&lt;b" in tip, f"rendered as rich text: {tip!r}"


# -- 9. the commitment note in the window's language ---------------------------------------------

def test_the_commitment_note_is_in_the_window_language(qtbot, window, back_to_chinese):
    choose_item(qtbot, window, KNOWN["item_food_licence"])
    i18n.install("en")
    scan(qtbot, window, KNOWN["objection"])
    note = widget(window, "commitmentNote", QLabel)
    assert note.isVisible() and note.text()
    assert not CJK.search(note.text()), note.text()


def test_the_commitment_note_follows_a_language_switch(qtbot, window, back_to_chinese):
    choose_item(qtbot, window, KNOWN["item_food_licence"])
    scan(qtbot, window, KNOWN["objection"])
    note = widget(window, "commitmentNote", QLabel)
    assert "按一般程序办理" in note.text()
    i18n.install("en")
    qtbot.waitUntil(lambda: "general procedure" in note.text(), timeout=2000)
    assert note.isVisible()
    assert not CJK.search(note.text()), note.text()
