"""Columns that fit the table's width in every language and font: each column asks for what it
holds; when the sum is wider than the table, the long-text columns give way (down to their
header's width, their cells elided with the whole text on hover), so the narrow key columns at
the right end never leave the screen (their header and their words whole); when there is room to spare, the growing columns take it.
Qt's own modes cannot do both: ResizeToContents pushes columns off the edge, Stretch shares the
width equally whatever the columns hold."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView


# A column that gives way keeps at least this many (Latin) characters; a key column its header.
FLOOR_CHARS = 8


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, *, shrinking: tuple[tuple[int, ...], ...],
                 growing: tuple[int, ...], keys: tuple[int, ...] = ()):
        """``shrinking``: tiers of columns that give way, eliding: each tier down to its headers,
        the first tier first, then the columns not in ``keys`` down to a few characters.
        ``growing``: the columns that take the spare width."""
        super().__init__(table)
        self.table = table
        self.shrinking = shrinking
        self.growing = growing
        self.keys = keys
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.viewport().installEventFilter(self)
        table.installEventFilter(self)
        self._pending = False

    def attach(self, model) -> None:
        for signal in (model.modelReset, model.headerDataChanged, model.dataChanged,
                       model.layoutChanged):
            signal.connect(self.schedule)

    def schedule(self, *_args) -> None:
        # Many changes arrive together (a reset, then headers): fit once, after them.
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.schedule()
        return False

    def fit(self) -> None:
        self._pending = False
        table, header = self.table, self.table.horizontalHeader()
        columns = range(header.count())
        if not columns:
            return
        heads = [header.sectionSizeHint(c) for c in columns]
        wanted = [max(heads[c], table.sizeHintForColumn(c)) for c in columns]
        few = FLOOR_CHARS * table.fontMetrics().averageCharWidth()
        over = sum(wanted) - table.viewport().width()
        # Each tier down to its headers in turn; then the non-key columns below their header
        # (header elided too), down to a few characters.
        steps = [(tier, False) for tier in self.shrinking] + [(tier, True) for tier in self.shrinking]
        for tier, below_header in steps:
            if over <= 0:
                break
            floors = {c: min(heads[c], few) if below_header and c not in self.keys else heads[c]
                      for c in tier}
            give = {c: wanted[c] - floor for c, floor in floors.items() if wanted[c] > floor}
            spare = sum(give.values())
            if not spare:
                continue
            taken = min(over, spare)
            for c, can in give.items():
                cut = min(can, -(-taken * can // spare))    # in proportion, rounded up
                wanted[c] -= cut
                over -= cut
        if over < 0 and self.growing:
            share, rest = divmod(-over, len(self.growing))
            for i, c in enumerate(self.growing):
                wanted[c] += share + (1 if i < rest else 0)
        for c in columns:
            if header.sectionSize(c) != wanted[c]:
                header.resizeSection(c, wanted[c])
