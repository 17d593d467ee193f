"""The history table's rows: the records a filter found, their cell texts made when a row is
first painted, decisions on earlier records in italics."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from desktop.casefile.record import CaseRecord
from desktop.ui.widgets.plain_text import shown, tooltip


class HistoryModel(QAbstractTableModel):
    """The records as table rows. Cell texts are made when a row is first painted, so a month of
    a busy hall loads without the GUI thread building thousands of items up front."""

    def __init__(self, cells, columns: int, parent=None):
        super().__init__(parent)
        self.records: list[CaseRecord] = []
        self.headers: list[str] = [""] * columns
        self._cells = cells
        self._texts: dict[int, list[str]] = {}

    def set_records(self, records: list[CaseRecord]) -> None:
        self.beginResetModel()
        self.records = records
        self._texts.clear()
        self.endResetModel()

    def set_headers(self, headers: list[str]) -> None:
        self.headers = headers
        self._texts.clear()  # the cells hold translated labels too
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)
        if self.records:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.records) - 1, len(headers) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.headers)

    def text(self, row: int, column: int) -> str:
        if row not in self._texts:
            self._texts[row] = self._cells(self.records[row])
        return self._texts[row][column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        # Names come from the platform or the snapshot: cut in the cell, whole and escaped on hover.
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(self.text(index.row(), index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self.text(index.row(), index.column()))
        if role == Qt.ItemDataRole.FontRole and self.records[index.row()].kind != "check":
            font = QFont()
            font.setItalic(True)  # a decision on an earlier record, never read as a new check
            return font
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
