"""The fitting table (hits, measures, a unit's people) inside the scrolling check page: its height
follows its width, and the page's scroll bar takes width when the page is taller than the window.
At that boundary the two fed each other without end (no bar: wider, one height; bar: narrower,
another): ten thousand refits alternating between two widths a scroll bar apart, until Qt crashed
in sizeHintForColumn (seen after F6 replaced a unit with people by a person's result). The table
now settles on the narrower width, which both hold."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QStyle

from desktop.ui.widgets.fit_table import FitTable

TEXT = "因拖欠农民工工资被列入失信联合惩戒对象名单，依据《保障农民工工资支付条例》第四十八条。" * 3


def fitted(qtbot) -> tuple[FitTable, list[int]]:
    table = FitTable(4, (1, 3))
    qtbot.addWidget(table)
    table.fill([("法定代表人", "邝**", "440303********6268", TEXT),
                ("主要负责人", "周*", "440305********3069", TEXT)])
    table.show()
    qtbot.waitExposed(table)
    fits: list[int] = []
    original = table._fit
    table._fit = lambda width: (fits.append(width), original(width))
    return table, fits


def columns(table: FitTable) -> int:
    return sum(table.columnWidth(c) for c in range(table.columnCount()))


def test_a_width_toggled_by_a_scroll_bar_settles_on_the_narrower_fit(qtbot):
    table, fits = fitted(qtbot)
    bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    wide = 700
    table.resize(wide, table.height())
    wide_view = table.viewport().width()
    narrow = wide - bar
    for width in (narrow, wide, narrow, wide, narrow, wide):    # the bar comes and goes
        table.resize(width, table.height())
    narrow_view = wide_view - bar
    assert fits == [wide_view, narrow_view, narrow_view], fits  # then no more refits
    assert columns(table) <= narrow_view                      # fits with the bar or without
    tall = table.sizeHint().height()
    table.resize(wide, table.height())
    assert table.sizeHint().height() == tall                  # nothing left to feed the bar


def test_a_real_change_of_width_still_refits(qtbot):
    table, fits = fitted(qtbot)
    bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    for width in (700, 700 - bar, 700):
        table.resize(width, table.height())
    fits.clear()
    table.resize(500, table.height())                         # the clerk narrows the window
    assert fits == [table.viewport().width()] and columns(table) <= table.viewport().width()
    table.resize(900, table.height())
    table.resize(500, table.height())                         # and back: an ordinary refit
    assert len(fits) == 3



ROWS = [("法定代表人", "ئابدۇرېھىم ئەخمەت", "440303********6268", TEXT),
        ("主要负责人", "محمد علي", "440305********3069", "失信被执行人 2026-12-02 ①（一）")]


def drawn(qtbot, monkeypatch, unshaped, *, larger: int = 0, rows=ROWS) -> "QImage":
    """The table's pixels, with ``unshaped`` deciding which cells skip shaping; ``larger``: the
    table's font made that many points larger once its cells are filled (the clerk's setting)."""
    from PySide6.QtGui import QFont, QImage

    from desktop.ui.widgets import plain_text

    monkeypatch.setattr(plain_text, "_UNSHAPED", unshaped)
    table = FitTable(4, (1, 3))
    qtbot.addWidget(table)
    table.resize(900, 500)
    table.fill(rows)
    if larger:
        font = QFont(table.font())
        font.setPointSize(font.pointSize() + larger)
        table.setFont(font)
        table.refit()
    table.show()
    qtbot.waitExposed(table)
    return table.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_cells_skip_shaping_only_where_it_changes_nothing(qtbot, monkeypatch):
    """Chinese, codes and dates are laid out without shaping (a third of the tables' text work);
    an Arabic-script name, whose letters must join, is still shaped: the table draws exactly what
    it draws with every cell shaped. Skipping shaping for every cell would break that name."""
    from desktop.ui.widgets import plain_text

    chosen = plain_text._UNSHAPED
    assert chosen(ROWS[1][3]) and chosen(TEXT) and not chosen(ROWS[0][1])
    every_cell_shaped = drawn(qtbot, monkeypatch, lambda text: None)
    assert drawn(qtbot, monkeypatch, chosen) == every_cell_shaped
    assert drawn(qtbot, monkeypatch, lambda text: True) != every_cell_shaped


def test_unshaped_cells_follow_the_clerks_font_size(qtbot, monkeypatch):
    from desktop.ui.widgets import plain_text

    chosen = plain_text._UNSHAPED
    every_cell_shaped = drawn(qtbot, monkeypatch, lambda text: None, larger=6)
    assert drawn(qtbot, monkeypatch, chosen, larger=6) == every_cell_shaped


@pytest.mark.parametrize("text,without", [
    ("张\u3097三", "张三"), ("李\ufadb四", "李四"), ("王\u3100五", "王五"), ("ＡＢ\uffe7Ｃ", "ＡＢＣ"),
    ("˥˩ ˧˥", None), ("〳〵", None), ("〴〵", None)])
def test_what_no_font_shows_and_what_fonts_join_is_drawn_as_when_shaped(qtbot, monkeypatch, text,
                                                                         without):
    """Found by break attempt 7: unshaped, a character Unicode leaves unassigned got no width
    and no box (a name with one inside read as the name without it), and tone letters or the
    vertical kana repeat marks were drawn apart where the fonts join them. Such text is shaped."""
    from desktop.ui.widgets import plain_text

    chosen = plain_text._UNSHAPED

    def cell(unshaped, shown: str) -> "QImage":
        return drawn(qtbot, monkeypatch, unshaped, rows=[("法定代表人", shown, "", "")])

    as_drawn = cell(chosen, text)
    assert as_drawn == cell(lambda t: None, text)
    if without is not None:
        assert as_drawn != cell(chosen, without)
