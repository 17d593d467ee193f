"""The statistics tab: the monthly statistics of the case file (``desktop.casefile.stats.monthly``) for a
month the clerk picks, as a table and a simple bar chart, with CSV export for the hall's report.

The chart is drawn with QPainter: a handful of bars does not justify the QtCharts add-on package
(tens of megabytes in every installer). Bars carry their number and label, so the chart reads
without its colours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile import stats
from desktop.casefile.record import CHINA_TZ, OUTCOMES, SEVERITY_LABELS
from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable

SEVERITY_COLOURS = {"black": "#b00020", "focus": "#c77c00", "red": "#1e7b34"}
NEUTRAL = "#0b4f8a"
MUTED = "#6b6b6b"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str


class BarChart(QWidget):
    """Vertical bars with the value above and the label below each bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="statsChart")
        self.bars: list[Bar] = []
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.value}" for b in bars))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(520, 240)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if not self.bars:
            painter.end()
            return
        fm = QFontMetrics(self.font())
        line = fm.height()
        margin = 12
        top, bottom = margin + line, self.height() - margin - 2 * line
        left, right = margin, self.width() - margin
        axis = QPen(QColor("#111111"), 1)
        painter.setPen(axis)
        painter.drawLine(left, bottom, right, bottom)
        highest = max(max(b.value for b in self.bars), 1)
        slot = (right - left) / len(self.bars)
        width = min(slot * 0.6, 90)
        for i, bar in enumerate(self.bars):
            x = left + i * slot + (slot - width) / 2
            h = (bottom - top) * bar.value / highest
            painter.fillRect(QRectF(x, bottom - h, width, h), QColor(bar.colour))
            painter.setPen(axis)
            painter.drawText(QRectF(x - slot * 0.2, bottom - h - line, width + slot * 0.4, line),
                             Qt.AlignmentFlag.AlignCenter, str(bar.value))
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(slot) - 4)
            painter.drawText(QRectF(left + i * slot, bottom + 4, slot, 2 * line),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, label)
        painter.end()


def this_month() -> QDate:
    today = datetime.now(CHINA_TZ).date()
    return QDate(today.year, today.month, 1)


class StatsView(Retranslatable, QWidget):
    stats_loaded = Signal(object)  # MonthlyStats
    csv_written = Signal(object)   # Path

    def __init__(self, context, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.stats: stats.MonthlyStats | None = None
        self._job = None
        self._build()
        self.retranslate()
        self.refresh()

    def _build(self) -> None:
        self.month_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.month_edit = QDateEdit(this_month(), objectName="statsMonth", calendarPopup=True)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_label.setBuddy(self.month_edit)
        self.month_edit.dateChanged.connect(self.refresh)
        self.previous_button = QPushButton(objectName="statsPreviousMonth")
        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button = QPushButton(objectName="statsNextMonth")
        self.next_button.clicked.connect(lambda: self._step(1))
        self.export_button = QPushButton(objectName="statsExportButton")
        self.export_button.clicked.connect(self.export_csv)
        self.title = QLabel(objectName="statsTitle", textFormat=Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold")
        self.message = QLabel(objectName="statsMessage", wordWrap=True, textFormat=Qt.TextFormat.PlainText)

        head = QHBoxLayout()
        for w in (self.month_label, self.previous_button, self.month_edit, self.next_button):
            head.addWidget(w)
        head.addWidget(self.title, 1)
        head.addWidget(self.export_button)

        self.table = QTableWidget(0, 2, objectName="statsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.chart = BarChart()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        for keys, slot in ((QKeySequence("Ctrl+R"), self.refresh),
                           (QKeySequence("Alt+Left"), lambda: self._step(-1)),
                           (QKeySequence("Alt+Right"), lambda: self._step(1)),
                           (QKeySequence("Ctrl+E"), self.export_csv)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def retranslate(self) -> None:
        self.month_label.setText(self.tr("月份(&M)"))
        self.previous_button.setText("◀")
        self.previous_button.setToolTip(self.tr("上个月（Alt+←）"))
        self.previous_button.setAccessibleName(self.tr("上个月"))
        self.next_button.setText("▶")
        self.next_button.setToolTip(self.tr("下个月（Alt+→）"))
        self.next_button.setAccessibleName(self.tr("下个月"))
        self.export_button.setText(self.tr("导出 CSV…"))
        self.export_button.setToolTip(self.tr("把本月统计导出为 CSV 表格（Ctrl+E）"))
        self.table.setHorizontalHeaderLabels([self.tr("项目"), self.tr("数量")])
        self.table.setAccessibleName(self.tr("月度统计表"))
        self.chart.setAccessibleName(self.tr("月度统计图"))
        self._show()

    # -- loading ------------------------------------------------------------------------------

    def month(self) -> str:
        return self.month_edit.date().toString("yyyy-MM")

    def _step(self, months: int) -> None:
        self.month_edit.setDate(self.month_edit.date().addMonths(months))

    def refresh(self) -> None:
        if self._job is not None:
            self._job.cancel()
        month = self.month()
        self.message.setText(self.tr("正在统计 %1…").replace("%1", month))
        self._job = self.runner.submit(lambda: stats.monthly(self.context.case_file, month),
                                       on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result: stats.MonthlyStats) -> None:
        self._job = None
        self.stats = result
        self.message.clear()
        self._show()
        self.stats_loaded.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.message.setText(i18n.render(exc.message) if isinstance(exc, UserError)
                             else self.tr("统计失败：%1").replace("%1", str(exc)))

    # -- showing ------------------------------------------------------------------------------

    def label(self, section: str, key: str, label: str) -> str:
        """Row labels in the UI language; measures keep their content as the data states it."""
        if section == "hits" and key != "total":
            return "    " + i18n.translate("core", SEVERITY_LABELS.get(key, label))
        if section == "outcomes":
            return self.tr("办理结果：%1").replace("%1", i18n.translate("core", OUTCOMES.get(key, label)))
        if section == "measures":
            return self.tr("执行措施 %1：%2").replace("%1", key).replace("%2", label)
        return i18n.translate("core", label)

    def rows(self) -> list[tuple[str, str]]:
        if self.stats is None:
            return []
        out = []
        for section, key, label, value in self.stats.rows():
            shown = f"{value:.1%}" if key == "offline_share" else str(value)
            out.append((self.label(section, key, label), shown))
        return out

    def _show(self) -> None:
        s = self.stats
        self.title.setText("" if s is None else
                           self.tr("%1 月度统计：共 %2 次核查").replace("%1", s.month)
                           .replace("%2", str(s.checks)))
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for r, (label, value) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(label))
            number = QTableWidgetItem(value)
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, number)
        if s is None:
            self.chart.set_bars([])
            return
        t = i18n.translate
        self.chart.set_bars(
            [Bar(self.tr("核查"), s.checks, NEUTRAL)]
            + [Bar(t("core", SEVERITY_LABELS[sev]), s.hits_by_severity.get(sev, 0), colour)
               for sev, colour in SEVERITY_COLOURS.items()]
            + [Bar(self.tr("未能核实"), s.unverified, MUTED),
               Bar(self.tr("离线"), s.offline, "#4a6fa5")])

    # -- export -------------------------------------------------------------------------------

    def export_csv(self) -> None:
        if self.stats is None:
            return
        current = self.stats
        suggested = str(Path.home() / f"credit-desk-stats-{current.month}.csv")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出月度统计"), suggested,
                                              self.tr("CSV 表格 (*.csv)"))
        if not name:
            return
        if not name.lower().endswith(".csv"):
            name += ".csv"

        def written(path: Path) -> None:
            self.message.setText(self.tr("已导出：%1").replace("%1", str(path)))
            self.csv_written.emit(path)

        # Headers and labels in the UI language, translated here on the GUI thread.
        words = {text: i18n.translate("core", text) for text in stats.csv_texts(current)}
        self.runner.submit(stats.write_csv, current, Path(name), lambda _context, text: words[text],
                           on_done=written,
                           on_error=self._failed, cancellable=False)
