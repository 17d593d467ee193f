"""The access records under the history tab (查询留痕): every lookup of a natural person in the
day range, recorded or not, with who looked, when and why, for a supervisor. Numbers are masked
(the access record never holds one whole). Loaded through the job runner."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import SOURCE_LABELS, STATUS_LABELS, local_text
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable

MAX_ROWS = 5000


class AccessView(Retranslatable, QWidget):
    def __init__(self, context, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.records = []
        self._job = None
        self.title = QLabel(objectName="accessTitle", textFormat=Qt.TextFormat.PlainText)
        self.model = QStandardItemModel(0, 8, self)
        self.table = QTableView(objectName="accessTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("查询留痕（自然人）：谁在何时为何查询，记档与否"))
        self.table.setAccessibleName(self.tr("查询留痕"))
        self.model.setHorizontalHeaderLabels([
            self.tr("留痕"), self.tr("查询时间"), self.tr("操作员"), self.tr("自然人"),
            self.tr("查询用途"), self.tr("办事事项"), self.tr("核查结论"), self.tr("数据来源")])
        self._fill()

    def load(self, since: date, until: date) -> None:
        if self._job is not None:
            self._job.cancel()
        self._job = self.runner.submit(
            lambda: self.context.case_file.access_records(since=since, until=until,
                                                          newest_first=True, limit=MAX_ROWS),
            on_done=self._loaded, on_error=lambda _exc: self._loaded([]))

    def _loaded(self, records) -> None:
        self._job = None
        self.records = records
        self._fill()

    def _fill(self) -> None:
        t = i18n.translate
        self.model.removeRows(0, self.model.rowCount())
        for r in self.records:
            self.model.appendRow([QStandardItem(text) for text in (
                str(r.access_id), local_text(r.at), r.operator, r.subject, r.purpose,
                r.item_code or "—", t("core", STATUS_LABELS.get(r.status, r.status)),
                t("core", SOURCE_LABELS.get(r.source, r.source)))])
