"""The result panel: what a check found, rendered: badge, subject, source banner, notices, the
hits and the measures (with the selected measure's content and legal basis beside them).

It only shows. Which measures were ticked is read back by the record panel; nothing here decides
what may be recorded."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import SEVERITY_LABELS, STATE_LABELS
from desktop.check.model import CheckResult, CodeKind, Source, Status, fmt_time
from desktop.site.messages import QT_TRANSLATE_NOOP
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.status_badge import StatusBadge

# Marked for lupdate here, translated where the headers are set (context: the class name).
HIT_COLUMNS = (QT_TRANSLATE_NOOP("ResultPanel", "名单"), QT_TRANSLATE_NOOP("ResultPanel", "类别"),
               QT_TRANSLATE_NOOP("ResultPanel", "状态"), QT_TRANSLATE_NOOP("ResultPanel", "认定部门"),
               QT_TRANSLATE_NOOP("ResultPanel", "列入日期"), QT_TRANSLATE_NOOP("ResultPanel", "有效期至"),
               QT_TRANSLATE_NOOP("ResultPanel", "依据"))
MEASURE_COLUMNS = (QT_TRANSLATE_NOOP("ResultPanel", "执行"), QT_TRANSLATE_NOOP("ResultPanel", "性质"),
                   QT_TRANSLATE_NOOP("ResultPanel", "类别"), QT_TRANSLATE_NOOP("ResultPanel", "措施内容"),
                   QT_TRANSLATE_NOOP("ResultPanel", "要求"))  # the legal basis: hover, detail pane


def core_text(text: str) -> str:
    return QCoreApplication.translate("core", text)


def as_of_text(iso: str | None) -> str:
    try:
        return fmt_time(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "-"


def banner_state(result: CheckResult) -> str:
    """``platform``, ``offline``, ``stale`` (an old snapshot) or ``unverified``."""
    if result.status == Status.UNVERIFIED:
        return "unverified"
    if result.source == Source.OFFLINE and result.stale:
        return "stale"
    return str(result.source)


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class ResultPanel(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: CheckResult | None = None
        self.statusBadge = StatusBadge(self)

        self.sourceBanner = QLabel(self)
        self.sourceBanner.setObjectName("sourceBanner")
        self.sourceBanner.setWordWrap(True)

        self.subjectLabel = QLabel(self)
        self.subjectLabel.setObjectName("subjectLabel")
        self.subjectLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.noticeLabel = QLabel(self)
        self.noticeLabel.setObjectName("noticeLabel")
        self.noticeLabel.setWordWrap(True)

        self.hitsTable = QTableWidget(0, len(HIT_COLUMNS), self)
        self.hitsTable.setObjectName("hitsTable")
        self.measuresTable = QTableWidget(0, len(MEASURE_COLUMNS), self)
        self.measuresTable.setObjectName("measuresTable")
        for table in (self.hitsTable, self.measuresTable):
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
            table.setWordWrap(True)
            table.setTabKeyNavigation(False)  # Tab leaves the table: tab order follows the flow
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
        self.measuresTable.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self.measuresTable.horizontalHeader().setStretchLastSection(False)

        self.measureDetail = QTextBrowser(self)
        self.measureDetail.setObjectName("measureDetail")
        self.measureDetail.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        measures_box = QSplitter(Qt.Orientation.Horizontal, self)
        measures_box.addWidget(self.measuresTable)
        measures_box.addWidget(self.measureDetail)
        measures_box.setStretchFactor(0, 3)
        measures_box.setStretchFactor(1, 1)
        tables = QSplitter(Qt.Orientation.Vertical, self)
        tables.addWidget(self.hitsTable)
        tables.addWidget(measures_box)
        tables.setChildrenCollapsible(False)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.statusBadge)
        info = QHBoxLayout()
        info.addWidget(self.subjectLabel, 1)
        column.addLayout(info)
        column.addWidget(self.sourceBanner)
        column.addWidget(self.noticeLabel)
        column.addWidget(tables, 1)

        self.measuresTable.currentCellChanged.connect(lambda row, *_: self._show_measure(row))
        self.retranslate()
        self.clear()

    def retranslate(self) -> None:
        tr = self.tr
        self.statusBadge.retranslate()
        self.sourceBanner.setAccessibleName(tr("数据来源"))
        self.subjectLabel.setAccessibleName(tr("核查对象"))
        self.noticeLabel.setAccessibleName(tr("提示"))
        self.hitsTable.setAccessibleName(tr("名单记录"))
        self.measuresTable.setAccessibleName(tr("奖惩措施"))
        for table, columns in ((self.hitsTable, HIT_COLUMNS), (self.measuresTable, MEASURE_COLUMNS)):
            table.setHorizontalHeaderLabels([tr(c) for c in columns])
        self.measureDetail.setAccessibleName(tr("措施详情与法律依据"))
        self.measureDetail.setPlaceholderText(tr("选中一条措施，在此查看其内容与法律依据"))
        if self.result is not None:
            self._render_texts(self.result)

    # -- states without a result --------------------------------------------------------------

    def clear(self) -> None:
        self.result = None
        self.statusBadge.show_idle()
        self.subjectLabel.setText("")
        self.sourceBanner.setText("")
        self._set_banner_state("")
        self.noticeLabel.setText("")
        self.noticeLabel.hide()
        self.hitsTable.setRowCount(0)
        self.measuresTable.setRowCount(0)
        self.measureDetail.clear()

    def show_invalid(self, reason: str) -> None:
        self.clear()
        self.statusBadge.show_invalid(reason)
        self.sourceBanner.setText(self.tr("未查询：请核对代码后重新扫描或输入。"))

    def show_checking(self) -> None:
        self.clear()
        self.statusBadge.show_checking()
        self._set_banner_state("checking")

    def show_progress(self, text: str) -> None:
        self.sourceBanner.setText(text)

    def show_idle(self) -> None:
        self.statusBadge.show_idle()
        self.sourceBanner.setText("")
        self._set_banner_state("")

    # -- a result -----------------------------------------------------------------------------

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        self._render_texts(result)
        self._fill_hits(result)
        self._fill_measures(result)

    def _render_texts(self, result: CheckResult) -> None:
        self.statusBadge.show_result(result)
        self.subjectLabel.setText(self._subject_text(result))
        self.sourceBanner.setText(self._source_text(result))
        self._set_banner_state(banner_state(result), result.demo)
        notices = [i18n.render(n) for n in result.notices]
        if result.item is None:
            notices.append(self.tr("未选择办事事项：不显示奖惩措施，记档前请先选择事项。"))
        self.noticeLabel.setText("\n".join(notices))
        self.noticeLabel.setVisible(bool(notices))

    def _set_banner_state(self, state: str, demo: bool = False) -> None:
        """The banner's look follows where the answer came from (style sheet: #sourceBanner)."""
        banner = self.sourceBanner
        banner.setProperty("state", state)
        banner.setProperty("demo", demo)
        banner.style().unpolish(banner)
        banner.style().polish(banner)

    def _subject_text(self, r: CheckResult) -> str:
        name = r.subject.name if r.subject else self.tr("（数据中无此主体）")
        kind = self.tr("自然人") if r.kind == CodeKind.PERSON else self.tr("组织机构")
        item = ""
        if r.item is not None and r.item.name != r.item.item_code:
            item = "    " + self.tr("事项：%1（%2）").replace("%1", r.item.name).replace("%2", r.item.item_code)
        elif r.item is not None:  # typed without a catalogue: the code is all there is
            item = "    " + self.tr("事项：%1").replace("%1", r.item.item_code)
        return f"{r.masked_code}  {name}  [{kind}]{item}"

    def _source_text(self, r: CheckResult) -> str:
        if r.status == Status.UNVERIFIED:
            text = self.tr("未能核实：平台和离线数据都无法给出结论。")
        elif r.source == Source.PLATFORM:
            text = self.tr("在线：省信用平台，数据截至 %1").replace("%1", as_of_text(r.data_as_of))
        else:
            text = (self.tr("离线数据 第 %1 版，数据截至 %2").replace("%1", str(r.snapshot_version))
                    .replace("%2", as_of_text(r.data_as_of)))
            if r.stale:
                text += self.tr("（数据已较旧，请尽快更新离线数据）")
        if r.reason:
            text += "\n" + i18n.render(r.reason)
        if r.demo:
            text = self.tr("演示数据 / DEMO DATA") + "  " + text
        return text

    def _fill_hits(self, r: CheckResult) -> None:
        self.hitsTable.setRowCount(len(r.hits))
        for row, h in enumerate(r.hits):
            state = core_text(STATE_LABELS.get(h.state, h.state))
            cells = (h.list_name, core_text(SEVERITY_LABELS.get(h.severity, h.severity)), state,
                     h.authority, h.listed_on, h.expires_on or self.tr("无固定期限"), h.basis)
            for col, text in enumerate(cells):
                self.hitsTable.setItem(row, col, _cell(text, h.basis))
        self.hitsTable.resizeRowsToContents()

    def _fill_measures(self, r: CheckResult) -> None:
        table = self.measuresTable
        table.blockSignals(True)
        table.setRowCount(len(r.measures))
        for row, m in enumerate(r.measures):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            tick.setCheckState(Qt.CheckState.Checked if m.mandatory else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, m.measure_id)
            tick.setToolTip(m.basis)
            table.setItem(row, 0, tick)
            nature = self.tr("惩戒") if m.nature == "punish" else self.tr("激励")
            need = self.tr("必须执行") if m.mandatory else self.tr("可选")
            for col, text in enumerate((nature, m.category, m.content, need), 1):
                table.setItem(row, col, _cell(text, self.tr("法律依据：%1").replace("%1", m.basis)))
        table.blockSignals(False)
        table.resizeRowsToContents()
        self.measureDetail.clear()
        if r.measures:
            table.setCurrentCell(0, 3)

    def _show_measure(self, row: int) -> None:
        if self.result is None or not 0 <= row < len(self.result.measures):
            self.measureDetail.clear()
            return
        m = self.result.measures[row]
        need = self.tr("必须执行") if m.mandatory else self.tr("可选")
        self.measureDetail.setPlainText(
            f"{m.measure_id}  {m.category}（{need}）\n\n{m.content}\n\n"
            + self.tr("法律依据：%1").replace("%1", m.basis))

    # -- the ticks, read and guarded by the record panel ---------------------------------------

    def applied_measures(self) -> tuple[str, ...]:
        table = self.measuresTable
        return tuple(table.item(row, 0).data(Qt.ItemDataRole.UserRole)
                     for row in range(table.rowCount())
                     if table.item(row, 0).checkState() == Qt.CheckState.Checked)

    def retick(self, cell: QTableWidgetItem) -> None:
        """Put a tick back without announcing it as the clerk's change."""
        self.measuresTable.blockSignals(True)
        cell.setCheckState(Qt.CheckState.Checked)
        self.measuresTable.blockSignals(False)
