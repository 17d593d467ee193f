"""The check page: item, case number, code → status, source, hits, measures → outcome, note, record.

The page only shows and collects. Parsing, the check, the policy (which measures are mandated,
what may be recorded) and the durable write are the core's; every call that touches network, disk
or crypto goes through the window's JobRunner, so the GUI thread never waits on it."""
from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import OUTCOMES, SEVERITY_LABELS, STATE_LABELS
from desktop.casefile.store import Decision
from desktop.check import policy
from desktop.check.codes import InvalidCode, parse
from desktop.check.model import CheckResult, CodeKind, Source, Status, fmt_time
from desktop.check.sources import OfflineUnavailable
from desktop.desk.context import DeskContext
from desktop.site.messages import QT_TRANSLATE_NOOP, UserError
from desktop.ui import i18n
from desktop.ui.dialogs import user_settings
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs import Job, JobRunner
from desktop.ui.scanner import ScanDetector
from desktop.ui.widgets.status_badge import StatusBadge
from offline_cache.records import Item

COUNTDOWN_TICK_MS = 100
# Marked for lupdate here, translated where the headers are set (context: the class name).
HIT_COLUMNS = (QT_TRANSLATE_NOOP("CheckPage", "名单"), QT_TRANSLATE_NOOP("CheckPage", "类别"),
               QT_TRANSLATE_NOOP("CheckPage", "状态"), QT_TRANSLATE_NOOP("CheckPage", "认定部门"),
               QT_TRANSLATE_NOOP("CheckPage", "列入日期"), QT_TRANSLATE_NOOP("CheckPage", "有效期至"),
               QT_TRANSLATE_NOOP("CheckPage", "依据"))
MEASURE_COLUMNS = (QT_TRANSLATE_NOOP("CheckPage", "执行"), QT_TRANSLATE_NOOP("CheckPage", "性质"),
                   QT_TRANSLATE_NOOP("CheckPage", "类别"), QT_TRANSLATE_NOOP("CheckPage", "措施内容"),
                   QT_TRANSLATE_NOOP("CheckPage", "要求"))  # the legal basis: hover, detail pane


def core_text(text: str) -> str:
    return QCoreApplication.translate("core", text)


def as_of_text(iso: str | None) -> str:
    try:
        return fmt_time(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "-"


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class CheckPage(Retranslatable, QWidget):
    """Signals tell the window what to show in its status bar."""

    result_shown = Signal(object)      # CheckResult
    recorded = Signal(object)          # CaseRecord, after the durable write
    ready = Signal()                   # the item catalogue is loaded: the page can take scans

    def __init__(self, ctx: DeskContext, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs
        self.result: CheckResult | None = None
        self.last_record = None           # the CaseRecord written last: its sheet can be printed
        self.is_recorded = False
        self.is_ready = False
        self._check_job: Job | None = None
        self._record_job: Job | None = None
        self._deadline_at = 0.0
        self._prompt: QMessageBox | None = None
        # Read with the catalogue, then kept current by the settings dialog through the window.
        self.sound_on_black = False
        self.settings: dict | None = None  # the clerk's stored settings, read with the catalogue
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._tick_countdown)
        self._build()
        self._connect()
        self.reload_items()

    # -- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        tr = self.tr
        self.itemSelector = QComboBox(self)
        self.itemSelector.setObjectName("itemSelector")
        self.itemSelector.setEditable(True)
        self.itemSelector.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.itemSelector.setMinimumContentsLength(18)
        self.itemSelector.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = QCompleter(self.itemSelector.model(), self.itemSelector)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.itemSelector.setCompleter(completer)

        self.caseNoInput = QLineEdit(self)
        self.caseNoInput.setObjectName("caseNoInput")

        self.codeInput = QLineEdit(self)
        self.codeInput.setObjectName("codeInput")
        self.codeInput.setClearButtonEnabled(True)
        font = self.codeInput.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.codeInput.setFont(font)

        self.checkButton = QPushButton(self)
        self.checkButton.setObjectName("checkButton")
        self.checkButton.setAutoDefault(False)

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

        self.outcomeSelector = QComboBox(self)
        self.outcomeSelector.setObjectName("outcomeSelector")
        for key in OUTCOMES:
            self.outcomeSelector.addItem(key, key)  # labels: retranslate()

        self.noteInput = QPlainTextEdit(self)
        self.noteInput.setObjectName("noteInput")
        self.noteInput.setTabChangesFocus(True)
        self.noteInput.setMaximumHeight(self.noteInput.fontMetrics().lineSpacing() * 3 + 16)

        self.recordButton = QPushButton(self)
        self.recordButton.setObjectName("recordButton")
        self.recordButton.setAutoDefault(False)
        self.recordButton.setEnabled(False)

        self.formMessage = QLabel(self)
        self.formMessage.setObjectName("formMessage")
        self.formMessage.setWordWrap(True)

        # Layout: the flow reads top to bottom, and fits 1366x768 at 150% scaling.
        labels = self._labels = {}
        for name, buddy in (("item", self.itemSelector), ("case", self.caseNoInput),
                            ("code", self.codeInput), ("outcome", self.outcomeSelector),
                            ("note", self.noteInput)):
            label = QLabel(self)
            label.setBuddy(buddy)
            labels[name] = label
        top = QGridLayout()
        top.addWidget(labels["item"], 0, 0)
        top.addWidget(self.itemSelector, 0, 1)
        top.addWidget(labels["case"], 0, 2)
        top.addWidget(self.caseNoInput, 0, 3)
        top.addWidget(labels["code"], 1, 0)
        top.addWidget(self.codeInput, 1, 1, 1, 3)
        top.addWidget(self.checkButton, 1, 4)
        top.setColumnStretch(1, 3)
        top.setColumnStretch(3, 2)

        measures_box = QSplitter(Qt.Orientation.Horizontal, self)
        measures_box.addWidget(self.measuresTable)
        measures_box.addWidget(self.measureDetail)
        measures_box.setStretchFactor(0, 3)
        measures_box.setStretchFactor(1, 1)
        tables = QSplitter(Qt.Orientation.Vertical, self)
        tables.addWidget(self.hitsTable)
        tables.addWidget(measures_box)
        tables.setChildrenCollapsible(False)

        bottom = QGridLayout()
        bottom.addWidget(labels["outcome"], 0, 0)
        bottom.addWidget(self.outcomeSelector, 0, 1)
        bottom.addWidget(labels["note"], 0, 2)
        bottom.addWidget(self.noteInput, 0, 3)
        bottom.addWidget(self.recordButton, 0, 4)
        bottom.setColumnStretch(3, 1)

        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.statusBadge)
        info = QHBoxLayout()
        info.addWidget(self.subjectLabel, 1)
        page.addLayout(info)
        page.addWidget(self.sourceBanner)
        page.addWidget(self.noticeLabel)
        page.addWidget(tables, 1)
        page.addLayout(bottom)
        page.addWidget(self.formMessage)

        # Tab order follows the flow: item, case, code, check, then the decision.
        chain = (self.itemSelector, self.caseNoInput, self.codeInput, self.checkButton,
                 self.hitsTable, self.measuresTable, self.outcomeSelector, self.noteInput,
                 self.recordButton)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.retranslate()
        self._clear_result_view()

    def retranslate(self) -> None:
        """Every fixed text, again in the language now installed (English switches live)."""
        tr = self.tr
        for name, text in (("item", tr("办事事项(&I)")), ("case", tr("办件编号(&N)")),
                           ("code", tr("代码(&D)")), ("outcome", tr("办理结果(&O)")),
                           ("note", tr("说明(&E)"))):
            self._labels[name].setText(text)
        self.itemSelector.setAccessibleName(tr("办事事项"))
        self.itemSelector.lineEdit().setPlaceholderText(tr("输入事项名称或编码搜索"))
        self.caseNoInput.setAccessibleName(tr("办件编号"))
        self.caseNoInput.setPlaceholderText(tr("办件编号（核查自然人时必填）"))
        self.codeInput.setAccessibleName(tr("统一社会信用代码"))
        self.codeInput.setPlaceholderText(tr("扫描营业执照条形码/二维码，或输入18位代码后按回车"))
        self.checkButton.setText(tr("核查(&K)"))  # Alt+C is the 核查 menu
        self.checkButton.setAccessibleName(tr("核查"))
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
        self.outcomeSelector.setAccessibleName(tr("办理结果"))
        for index, label in enumerate(OUTCOMES.values()):
            self.outcomeSelector.setItemText(index, core_text(label))
        self.noteInput.setAccessibleName(tr("说明"))
        self.noteInput.setPlaceholderText(tr("说明（未执行必须执行的措施、或未能核实而准予办理时必填）"))
        self.recordButton.setAccessibleName(tr("记入办件档案"))
        self._set_record_button_text()
        self.formMessage.setAccessibleName(tr("操作提示"))
        if self.result is not None:
            self._render_texts(self.result)

    def _set_record_button_text(self) -> None:
        unverified = self.result is not None and self.result.status == Status.UNVERIFIED
        self.recordButton.setText(self.tr("记为“未能核实”(&R)  Ctrl+Enter") if unverified
                                  else self.tr("记档(&R)  Ctrl+Enter"))

    def _connect(self) -> None:
        self.codeInput.returnPressed.connect(self.request_check)
        self.checkButton.clicked.connect(self.request_check)
        self.recordButton.clicked.connect(self.record)
        self.measuresTable.itemChanged.connect(self._measure_toggled)
        self.measuresTable.currentCellChanged.connect(lambda row, *_: self._show_measure(row))
        self.itemSelector.activated.connect(self._item_chosen)
        # A scan while the cursor is in another field still reaches the check (desktop.ui.scanner).
        self.scanner = ScanDetector(self)
        self.scanner.watch(self.caseNoInput, self.noteInput, self.outcomeSelector,
                           self.hitsTable, self.measuresTable, self.recordButton,
                           self.checkButton)
        self.scanner.scanned.connect(self._scanned_elsewhere)
        for keys, slot in (("Ctrl+Return", self.record), ("Ctrl+Enter", self.record),
                           ("Escape", self.request_clear), ("F2", self.focus_code)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- the item catalogue -------------------------------------------------------------------

    def reload_items(self) -> None:
        """(Re)read the item catalogue, e.g. after a snapshot update or import."""
        def load(ctx: DeskContext) -> tuple[list[Item], dict]:
            # The checker (snapshot store, platform client and its HTTP imports) is built here,
            # off the GUI thread, so that the first scan does not wait for it.
            _ = ctx.checker
            settings = user_settings.load()
            try:
                return ctx.offline.items(), settings
            except OfflineUnavailable:
                return [], settings  # no catalogue here: an item code can still be typed
        self.jobs.submit(load, self.ctx, on_done=self._items_loaded, on_error=self._items_failed)

    def _items_loaded(self, loaded: tuple[list[Item], dict]) -> None:
        items, settings = loaded
        self.settings = settings
        remembered = settings.get("item_code")
        self.sound_on_black = bool(settings.get("sounds", False))
        self.itemSelector.clear()
        for item in items:
            label = f"{item.name}（{item.item_code}）"
            self.itemSelector.addItem(label, item.item_code)
            self.itemSelector.setItemData(self.itemSelector.count() - 1, item.department,
                                          Qt.ItemDataRole.ToolTipRole)
        index = self.itemSelector.findData(remembered) if remembered else -1
        if index >= 0:
            self.itemSelector.setCurrentIndex(index)
        elif remembered:
            self.itemSelector.setEditText(remembered)
        else:
            self.itemSelector.setCurrentIndex(-1)
        self._mark_ready()

    def _items_failed(self, exc: BaseException) -> None:
        self._show_form_message(self.tr("无法读取办事事项目录：%1").replace("%1", _reason(exc)),
                                error=True)
        self._mark_ready()

    def _mark_ready(self) -> None:
        if self.is_ready:
            return  # a reload after an update: the clerk may be mid-way through a form
        self.is_ready = True
        self.focus_code()
        self.ready.emit()

    def item_code(self) -> str | None:
        """The selected item's code; a typed code counts when no catalogue can offer it."""
        text = self.itemSelector.currentText().strip()
        index = self.itemSelector.currentIndex()
        if index >= 0 and self.itemSelector.itemText(index) == text:
            return self.itemSelector.itemData(index)
        found = self.itemSelector.findText(text, Qt.MatchFlag.MatchFixedString)
        if found >= 0:
            return self.itemSelector.itemData(found)
        return text or None

    def _item_chosen(self, index: int) -> None:
        code = self.itemSelector.itemData(index)
        if code:
            # Remembered per window; the write is a small fsync, still kept off the GUI thread.
            self.jobs.submit(user_settings.update, item_code=code, cancellable=False,
                             on_done=lambda stored: setattr(self, "settings", stored))
        self._focus_code_once_active()

    def _focus_code_once_active(self, tries: int = 10) -> None:
        """Back to the code field once the completer popup has closed and the window is active
        again: window systems hand activation back asynchronously, and the selector would
        otherwise take the focus back after we moved it."""
        if QApplication.activeWindow() is self.window() or tries <= 0:
            self.focus_code()
            return
        QTimer.singleShot(20, lambda: self._focus_code_once_active(tries - 1))

    # -- checking -----------------------------------------------------------------------------

    def focus_code(self) -> None:
        self.codeInput.setFocus(Qt.FocusReason.OtherFocusReason)
        self.codeInput.selectAll()

    @property
    def has_unrecorded_result(self) -> bool:
        """A result on screen the clerk has not recorded (a record being written does not count:
        it will be durable before the window lets go)."""
        return self.result is not None and not self.is_recorded and self._record_job is None

    def request_check(self) -> None:
        """Enter in the code field (a scan) or the check button. An unrecorded result is never
        dropped silently: the clerk is asked first."""
        raw = self.codeInput.text()
        if self.has_unrecorded_result:
            self.ask_discard(lambda: self.start_check(raw),
                              self.tr("上一次核查结果尚未记档。放弃它并核查新代码吗？"))
            return
        self.start_check(raw)

    def _scanned_elsewhere(self, text: str) -> None:
        self.codeInput.setText(text)
        self.focus_code()
        self.request_check()

    def request_clear(self) -> None:
        if self._prompt is not None:
            return
        if self.has_unrecorded_result:
            self.ask_discard(self.clear, self.tr("核查结果尚未记档。确定清除吗？"))
            return
        self.clear()

    def ask_discard(self, proceed, question: str) -> None:
        """Ask before an unrecorded result is dropped; ``proceed()`` runs only on "discard"."""
        if self._prompt is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("尚未记档"), question,
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("unrecordedPrompt")
        box.setAccessibleName(self.tr("尚未记档提示"))
        discard = box.addButton(self.tr("放弃并继续(&Y)"), QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardButton")
        keep = box.addButton(self.tr("返回记档(&N)"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keepButton")
        box.setDefaultButton(keep)  # a stray Enter from the scanner must not drop the result
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_button) -> None:
            self._prompt = None
            if box.clickedButton() is discard:
                proceed()
            else:
                self.recordButton.setFocus()
            box.deleteLater()
        box.buttonClicked.connect(answered)
        self._prompt = box
        box.open()

    def start_check(self, raw: str) -> None:
        try:
            parse(raw)  # pure and instant: an invalid code is refused before anything is queried
        except InvalidCode as exc:
            self._cancel_check()
            self._clear_result_view()
            self.statusBadge.show_invalid(i18n.render(exc.message))
            self.sourceBanner.setText(self.tr("未查询：请核对代码后重新扫描或输入。"))
            self.focus_code()
            return
        self._cancel_check()  # a second scan replaces the first: its result is dropped
        self._clear_result_view()
        self.statusBadge.show_checking()
        self._set_banner_state("checking")
        self._checking_started()
        self._check_job = self.jobs.submit(self.ctx.checker.check, raw, self.item_code(),
                                           on_done=self._check_done, on_error=self._check_failed)
        self.focus_code()

    def _cancel_check(self) -> None:
        if self._check_job is not None:
            self._check_job.cancel()
            self._check_job = None
        self._countdown.stop()

    def _checking_started(self) -> None:
        if self.ctx.checker.platform is None:
            self.sourceBanner.setText(self.tr("正在查询离线数据…"))
            return
        self._deadline_at = time.monotonic() + self.ctx.checker.deadline
        self._tick_countdown()
        self._countdown.start()

    def _tick_countdown(self) -> None:
        left = max(0.0, self._deadline_at - time.monotonic())
        self.sourceBanner.setText(self.tr("正在查询信用平台… %1 秒后改用离线数据")
                                  .replace("%1", f"{left:.1f}"))
        if left <= 0:
            self._countdown.stop()
            self.sourceBanner.setText(self.tr("信用平台未及时答复，正在改用离线数据…"))

    def _check_done(self, result: CheckResult) -> None:
        self._check_job = None
        self._countdown.stop()
        self.show_result(result)

    def _check_failed(self, exc: BaseException) -> None:
        self._check_job = None
        self._countdown.stop()
        self.statusBadge.show_idle()
        self.sourceBanner.setText("")
        self._set_banner_state("")
        self._show_form_message(_reason(exc), error=True)
        self.focus_code()

    # -- showing a result ---------------------------------------------------------------------

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        self.is_recorded = False
        self._render_texts(result)
        self._fill_hits(result)
        self._fill_measures(result)
        self._preset_outcome(result)
        self.recordButton.setEnabled(True)
        self._show_form_message("")
        self.focus_code()
        if "black" in result.severities and self.sound_on_black:
            QApplication.beep()
        self.result_shown.emit(result)

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

    def _measure_toggled(self, cell: QTableWidgetItem) -> None:
        """A mandated measure cannot be dropped without a written reason (保护权益, 奖惩到位)."""
        if cell.column() != 0 or self.result is None:
            return
        m = self.result.measures[cell.row()]
        if (m.mandatory and cell.checkState() != Qt.CheckState.Checked
                and not self.noteInput.toPlainText().strip()):
            self.measuresTable.blockSignals(True)
            cell.setCheckState(Qt.CheckState.Checked)
            self.measuresTable.blockSignals(False)
            self._show_form_message(
                self.tr("“%1”是必须执行的措施。如确不执行，请先在说明中写明理由，再取消勾选。")
                .replace("%1", m.content), error=True)
            # After the table has finished handling the key press that toggled the tick.
            QTimer.singleShot(0, self.noteInput.setFocus)

    def _preset_outcome(self, r: CheckResult) -> None:
        key = policy.suggested_outcome(r.status, r.measures)
        self.outcomeSelector.setCurrentIndex(self.outcomeSelector.findData(key))
        self._set_record_button_text()

    def applied_measures(self) -> tuple[str, ...]:
        table = self.measuresTable
        return tuple(table.item(row, 0).data(Qt.ItemDataRole.UserRole)
                     for row in range(table.rowCount())
                     if table.item(row, 0).checkState() == Qt.CheckState.Checked)

    # -- recording ----------------------------------------------------------------------------

    def record(self) -> None:
        if self.result is None or self.is_recorded or self._record_job is not None:
            return
        result = self.result
        decision = Decision(case_no=self.caseNoInput.text().strip(),
                            outcome=self.outcomeSelector.currentData(),
                            note=self.noteInput.toPlainText().strip(),
                            measures_applied=self.applied_measures())
        if result.kind == CodeKind.PERSON and not decision.case_no:
            self._show_form_message(self.tr("核查自然人（身份证号码）须填写办件编号，以说明查询用途。"),
                                    error=True)
            self.caseNoInput.setFocus()
            return
        if result.item is None and self.item_code():
            # Checked before an item was chosen: the measures for the item were never shown.
            self._show_form_message(self.tr("核查时未选择办事事项。请按回车重新核查后再记档。"),
                                    error=True)
            return
        self.recordButton.setEnabled(False)
        self._show_form_message(self.tr("正在写入办件档案…"))
        # Not cancellable: once the clerk has pressed record, closing the window waits for it.
        self._record_job = self.jobs.submit(
            _write_record, self.ctx, result, decision, cancellable=False,
            on_done=lambda record: self._recorded(result, record),
            on_error=self._record_failed)

    def _recorded(self, result: CheckResult, record) -> None:
        self._record_job = None
        if result is not self.result:
            return
        self.is_recorded = True
        self.last_record = record
        self.recordButton.setEnabled(False)
        self.caseNoInput.clear()
        self.noteInput.clear()
        self._show_form_message(self.tr("已记入办件档案：记录 %1%2。可扫描下一个代码；Ctrl+P 打印记录单。")
                                .replace("%1", str(record.record_id))
                                .replace("%2", self.tr("，办件 %1").replace("%1", record.case_no)
                                         if record.case_no else ""))
        self.focus_code()
        self.recorded.emit(record)

    def _record_failed(self, exc: BaseException) -> None:
        """The form stays as it is, so the clerk can fix the cause and press record again."""
        self._record_job = None
        self.recordButton.setEnabled(True)
        self._show_form_message(self.tr("未记档：%1").replace("%1", _reason(exc)), error=True)
        self.recordButton.setFocus()

    # -- clearing -----------------------------------------------------------------------------

    def clear(self) -> None:
        self._cancel_check()
        self.codeInput.clear()
        self.noteInput.clear()
        self._clear_result_view()
        self._show_form_message("")
        self.focus_code()

    def _clear_result_view(self) -> None:
        self.result = None
        self.is_recorded = False
        self.statusBadge.show_idle()
        self.subjectLabel.setText("")
        self.sourceBanner.setText("")
        self._set_banner_state("")
        self.noticeLabel.setText("")
        self.noticeLabel.hide()
        self.hitsTable.setRowCount(0)
        self.measuresTable.setRowCount(0)
        self.measureDetail.clear()
        self.recordButton.setEnabled(False)

    def _show_form_message(self, text: str, *, error: bool = False) -> None:
        self.formMessage.setText(text)
        self.formMessage.setProperty("error", error)
        self.formMessage.setStyleSheet("color: #b3001b; font-weight: bold;" if error else "")


def banner_state(result: CheckResult) -> str:
    """``platform``, ``offline``, ``stale`` (an old snapshot) or ``unverified``."""
    if result.status == Status.UNVERIFIED:
        return "unverified"
    if result.source == Source.OFFLINE and result.stale:
        return "stale"
    return str(result.source)


def _write_record(ctx: DeskContext, result: CheckResult, decision: Decision):
    # Opening the case file is disk work too, so it happens here on the worker, not in record().
    return ctx.case_file.record_check(result, decision, ctx.desk)


def _reason(exc: BaseException) -> str:
    """A failure in words for the clerk: the core's message when it has one, never a traceback."""
    if isinstance(exc, UserError):
        return i18n.render(exc.message)
    return QCoreApplication.translate("CheckPage", "意外错误（%1）。请重试；如仍出现，请联系信息技术人员。"
                                      ).replace("%1", type(exc).__name__)
