"""A read-mostly table that shows every row in full: as tall as its rows (the page scrolls, the
table never shows a slice), columns sized to what they hold, the long-text columns wrapping in
the width that is left. Used for the hits and measures, which have a handful of rows each and
must be readable at the largest font the settings offer."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QSizePolicy, QStyle, QTableWidget,
                               QTableWidgetItem, QWidget)

from desktop.ui.widgets.plain_text import unshaped_font

# A wrapping column never gets narrower than this many characters of the current font.
MIN_WRAP_CHARS = 6


class _Header(QHeaderView):
    """Words that change only with the language, font or style, measured once for each: the
    view asks for the header's size hint at every geometry update (a few per result), and Qt
    measured every section's words again after each column was resized."""

    def __init__(self, parent: QWidget):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._measured: tuple[QSize, list[int]] | None = None

    def measured(self) -> tuple[QSize, list[int]]:
        """The header's size hint, and each section's width for its words."""
        if self._measured is None:
            self._measured = (super().sizeHint(),
                              [self.sectionSizeHint(c) for c in range(self.count())])
        return self._measured

    def forget(self) -> None:
        self._measured = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.measured()[0])

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange,
                            QEvent.Type.StyleChange):
            self.forget()


class FitTable(QTableWidget):
    def __init__(self, columns: int, wrapping: Iterable[int], parent: QWidget | None = None, *,
                 tick_column: int | None = None):
        super().__init__(0, columns, parent)
        self._wrapping = tuple(wrapping)
        self._tick_column = tick_column
        self._fitted_width = -1
        self._width_before = -1      # the width fitted before the last one
        self._settled: frozenset[int] = frozenset()  # see resizeEvent
        # A new font or language is fitted once the change is over: the table hears of a font
        # before its header has it, and its header words come from the panel's retranslate.
        # Here, not in fill: an empty table that stays empty is not refitted by the next result.
        self._refit_soon = QTimer(self)
        self._refit_soon.setSingleShot(True)
        self._refit_soon.setInterval(0)
        self._refit_soon.timeout.connect(self.refit)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)  # Tab leaves the table: tab order follows the flow
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = _Header(self)
        self.setHorizontalHeader(header)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    # -- content ------------------------------------------------------------------------------

    def setHorizontalHeaderLabels(self, labels: Sequence[str]) -> None:  # noqa: N802 - Qt name
        super().setHorizontalHeaderLabels(labels)
        self.horizontalHeader().forget()

    def fill(self, rows: Sequence[Sequence[str]], tooltips: Sequence[str] = ()) -> None:
        """Show ``rows`` (texts per column), reusing the cells already there: a new result costs
        a few setText calls, not a table of new items."""
        if not rows and not self.rowCount():
            return  # empty and still empty: nothing to measure
        self.setRowCount(len(rows))
        for r, texts in enumerate(rows):
            tip = tooltips[r] if r < len(tooltips) else ""
            for c, text in enumerate(texts):
                self.cell(r, c, text, tip)
        # The view's own relayout of its items, due at its next paint, done now: run from the
        # paint it repainted every cell a second time.
        self.executeDelayedItemsLayout()
        self.refit()

    def cell(self, row: int, column: int, text: str, tooltip: str = "") -> QTableWidgetItem:
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
            # The cell's font, resolved against the table's: only how it is laid out changes.
            font = unshaped_font(text)
            if (font is None) != (item.data(Qt.ItemDataRole.FontRole) is None):
                item.setData(Qt.ItemDataRole.FontRole, font)
        if item.toolTip() != tooltip:
            item.setToolTip(tooltip)
        return item

    # -- geometry -----------------------------------------------------------------------------

    def refit(self) -> None:
        """Columns to their content; what does not fit is shared by the wrapping columns, then
        rows to their wrapped height and the table to its rows."""
        width = self.viewport().width()
        self._fit(min(self._settled) if width in self._settled else width)

    def _fit(self, width: int) -> None:
        self._width_before, self._fitted_width = self._fitted_width, width
        header = self.horizontalHeader()
        heads = header.measured()[1]
        natural = [max(self.sizeHintForColumn(c), heads[c]) for c in range(self.columnCount())]
        fixed = sum(w for c, w in enumerate(natural) if c not in self._wrapping)
        wrap_natural = {c: natural[c] for c in self._wrapping}
        room = width - fixed
        floor = self.fontMetrics().horizontalAdvance("国" * MIN_WRAP_CHARS)
        if room >= sum(wrap_natural.values()):
            # Everything fits on one line: the spare width goes to the last wrapping column.
            last = self._wrapping[-1]
            wrap_natural[last] += room - sum(wrap_natural.values())
            widths = wrap_natural
        else:
            # Each wrapping column gets its floor, then the rest of the room in proportion to
            # what it would need on one line.
            floors = {c: min(floor, w) for c, w in wrap_natural.items()}
            spare = max(0, room - sum(floors.values()))
            want = {c: wrap_natural[c] - floors[c] for c in floors}
            total = sum(want.values()) or 1
            widths = {c: floors[c] + spare * want[c] // total for c in floors}
        # The headers' signals are held while the sections change: on each, the view starts a
        # timer that repaints the resized columns and rows once more after the paint that
        # already shows them (a second paint of every cell per result). What the timer would
        # do besides, the view's own geometry and one repaint, is done here directly.
        headers = (header, self.verticalHeader())
        for h in headers:
            h.blockSignals(True)
        try:
            for c in range(self.columnCount()):
                self.setColumnWidth(c, widths.get(c, natural[c]))
            self.resizeRowsToContents()
        finally:
            for h in headers:
                h.blockSignals(False)
        self.updateGeometries()
        self.viewport().update()
        self.updateGeometry()

    def content_height(self) -> int:
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        if not rows:  # empty: the header and one blank line, so the table stays recognisable
            rows = self.fontMetrics().lineSpacing() + 8
        height = self.horizontalHeader().measured()[0].height() + rows + 2 * self.frameWidth()
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().sizeHint().height()
        return height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self.content_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().minimumSizeHint().width(), self.content_height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width = self.viewport().width()
        if width == self._fitted_width or width in self._settled:
            return
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        if width == self._width_before and abs(width - self._fitted_width) <= 2 * bar:
            # Back to the width fitted before the last one: the page's scroll bar comes and goes
            # with this table's own height (no bar: wider, one height; bar: narrower, another),
            # and refitting to each in turn fed it without end until Qt crashed. Fit the narrower
            # width, which both hold, and stay there while the width only toggles between them.
            pair = frozenset((width, self._fitted_width))
            self._fit(min(pair))
            self._settled = pair
            return
        self._settled = frozenset()
        self.refit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Space ticks the current row, whichever of its cells is current."""
        row = self.currentRow()
        if (event.key() == Qt.Key.Key_Space and self._tick_column is not None and row >= 0
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            tick = self.item(row, self._tick_column)
            if tick is not None and tick.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                checked = tick.checkState() == Qt.CheckState.Checked
                tick.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
                return
        super().keyPressEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.LanguageChange, QEvent.Type.StyleChange):
            self.horizontalHeader().forget()  # it may hear of the change after the table
        if kind in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._refit_soon.start()
