"""The check page: item, case number, code → the result panel → the record panel.

The page assembles and keeps the flow: which item, when to check, never dropping an unrecorded
result without asking. Rendering is the result panel's (desktop.ui.result_panel), the decision and
its write the record panel's (desktop.ui.record_panel), the check job and its countdown the check
flow's (desktop.ui.check_flow), the item search the selector's (desktop.ui.widgets.item_selector),
scans typed into the wrong field the scanner's (desktop.ui.scanner), and whose turn it is (a
question, a write, a link waiting) the counter turns' (desktop.ui.counter_turns). Every call that
touches network, disk or crypto goes through the window's JobRunner, so the GUI thread never
waits on it."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.check.codes import InvalidCode, parse
from desktop.check.model import CheckResult, CodeKind, mask_code
from desktop.check.sources import OfflineUnavailable
from desktop.desk.context import DeskContext
from desktop.ui import related_check, style
from desktop.ui.check_flow import CheckFlow
from desktop.ui.counter_turns import CounterTurns
from desktop.ui.dialogs import user_settings
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs import JobRunner
from desktop.ui.record_panel import RecordPanel, reason
from desktop.ui.result_panel import ResultPanel
from desktop.ui.scanner import ScanDetector
from desktop.ui.widgets.item_selector import ItemSelector
from desktop.ui.widgets.layout_hint import LayoutHint
from offline_cache.records import Item


# Layout rounds a result may need before its geometry stops changing: a table's new height
# reaches the result panel's layout, then the page's, then the scroll area's (see lay_out_now).
LAYOUT_ROUNDS = 6


def lay_out_now() -> None:
    """Answer the layout requests a new result posted, and the ones those post in turn, before
    the event loop gets to paint. Left to the loop, each level of nesting took one round of it,
    and the paint waiting at the end of each round painted the page again with the geometry of
    that moment: two or three paints of the whole page per scan instead of one."""
    for _ in range(LAYOUT_ROUNDS):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


class PageContent(LayoutHint, QWidget):
    """The scrolled page: laid out by its height for the scroll area's width."""


class CheckPage(CounterTurns, Retranslatable, QWidget):
    """Signals tell the window what to show in its status bar."""

    result_shown = Signal(object)      # CheckResult
    recorded = Signal(object)          # CaseRecord, after the durable write
    ready = Signal()                   # the item catalogue is loaded: the page can take scans
    wants_front = Signal()             # the clerk is sent back to this page (to record)
    cleared = Signal()                 # no result on the page any more: nothing to record

    def __init__(self, ctx: DeskContext, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_turns()
        self.ctx = ctx
        self.jobs = jobs
        self.is_ready = False
        self._focus_turn = 0  # see _focus_once_active
        # Read with the catalogue, then kept current by the settings dialog through the window.
        self.sound_on_black = False
        self.settings: dict | None = None  # the clerk's stored settings, read with the catalogue
        self.checks = CheckFlow(ctx, jobs, self)
        self.request_purpose = ""  # the approval system's purpose, offered when a person is checked
        self._checked_raw = ""  # the code field's text when the check running now was started
        self._build()
        self._connect()
        self.reload_items()

    # -- what the window and the tests read ------------------------------------------------------

    @property
    def result(self) -> CheckResult | None:
        return self.recordPanel.result

    @property
    def is_recorded(self) -> bool:
        return self.recordPanel.is_recorded

    @is_recorded.setter
    def is_recorded(self, value: bool) -> None:
        self.recordPanel.is_recorded = value

    @property
    def last_record(self):
        return self.recordPanel.last_record

    @property
    def statusBadge(self):  # noqa: N802 - the widget's object name
        return self.resultPanel.statusBadge

    def record(self) -> None:
        self.recordPanel.record()

    # -- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.itemSelector = ItemSelector(self)

        self.caseNoInput = QLineEdit(self)
        self.caseNoInput.setObjectName("caseNoInput")

        self.codeInput = QLineEdit(self)
        self.codeInput.setObjectName("codeInput")
        self.codeInput.setClearButtonEnabled(True)
        style.keep_relative_font(self.codeInput, 1.3)

        self.checkButton = QPushButton(self)
        self.checkButton.setObjectName("checkButton")
        self.checkButton.setAutoDefault(False)

        self.resultPanel = ResultPanel(self)
        self.recordPanel = RecordPanel(self.ctx, self.jobs, self.resultPanel, self.caseNoInput,
                                       self.item_code, self.codeInput, self)

        # Layout: the flow reads top to bottom, and fits 1366x768 at 150% scaling.
        labels = self._labels = {}
        for name, buddy in (("item", self.itemSelector), ("case", self.caseNoInput),
                            ("code", self.codeInput)):
            label = QLabel(self, textFormat=Qt.TextFormat.PlainText)
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

        # The page scrolls rather than squeezing the hits and measures to slivers: at a large
        # font on a small screen every row stays whole and the clerk scrolls to the decision.
        content = PageContent(self)
        content.setObjectName("checkPageContent")
        # It paints nothing of its own: when a result makes it taller or shorter, only the
        # area that came into view is painted, not the fields above the result again.
        content.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        page = QVBoxLayout(content)
        page.addLayout(top)
        page.addWidget(self.resultPanel, 1)
        page.addWidget(self.recordPanel)
        self.scrollArea = QScrollArea(self)
        self.scrollArea.setObjectName("checkPageScroll")
        self.scrollArea.setWidgetResizable(True)
        self.scrollArea.setFrameShape(QFrame.Shape.NoFrame)
        self.scrollArea.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there, so that the page keeps its width: a bar that came with a long result and
        # went with a short one changed the width of every table, which then refitted its
        # columns and rows, and the page laid itself out twice per scan.
        self.scrollArea.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scrollArea.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scrollArea)

        # Tab order follows the flow: item, case, code, check, then the decision.
        shown, decision = self.resultPanel, self.recordPanel
        chain = (self.itemSelector, self.caseNoInput, self.codeInput, self.checkButton,
                 shown.hitsTable, shown.relatedTable, shown.measuresTable,
                 decision.outcomeSelector, decision.noteInput, decision.commitmentSelector,
                 decision.formNoInput, decision.dueInput, decision.missingInput,
                 decision.recordButton)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.retranslate()
        self._clear_result_view()

    def retranslate(self) -> None:
        """Every fixed text, again in the language now installed (English switches live)."""
        tr = self.tr
        for name, text in (("item", tr("办事事项(&I)")), ("case", tr("办件编号(&N)")),
                           ("code", tr("代码(&D)"))):
            self._labels[name].setText(text)
        self.itemSelector.setAccessibleName(tr("办事事项"))
        self.itemSelector.lineEdit().setPlaceholderText(tr("输入事项名称或编码搜索"))
        self.caseNoInput.setAccessibleName(tr("办件编号"))
        self.caseNoInput.setPlaceholderText(tr("办件编号（核查自然人时必填）"))
        self.codeInput.setAccessibleName(tr("统一社会信用代码"))
        self.codeInput.setPlaceholderText(tr("扫描营业执照条形码/二维码，或输入18位代码后按回车"))
        self.checkButton.setText(tr("核查(&K)"))  # Alt+C is the 核查 menu
        self.checkButton.setAccessibleName(tr("核查"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # Not event(): every event of the page, a paint or a layout request, went through Python.
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # Qt hands the change to the panels after this page: once they all have their new
            # texts, a result that no longer matches the item says so again, in the new language.
            self._item_changed()

    def _connect(self) -> None:
        self.codeInput.returnPressed.connect(self.request_check)
        self.checkButton.clicked.connect(self.request_check)
        self.itemSelector.activated.connect(self._item_chosen)
        self.itemSelector.picked.connect(self._item_chosen)
        self.caseNoInput.returnPressed.connect(self.focus_code)
        self.itemSelector.currentTextChanged.connect(self._item_changed)
        self.checks.invalid.connect(self._code_invalid)
        self.checks.slow.connect(self.resultPanel.show_checking)
        self.checks.slow.connect(self.recordPanel.drop)
        self.checks.progress.connect(self.resultPanel.show_progress)
        self.checks.done.connect(self.show_result)
        self.checks.failed.connect(self._check_failed)
        self.recordPanel.recorded.connect(self._recorded)
        self.recordPanel.write_ended.connect(self._write_ended)
        for ended in (self.checks.done, self.checks.failed, self.checks.invalid):
            ended.connect(self._maybe_free)
        # A scan while the cursor is in another field still reaches the check (desktop.ui.scanner).
        decision, shown = self.recordPanel, self.resultPanel
        self.scanner = ScanDetector(self)
        self.scanner.watch(self.caseNoInput, decision.noteInput, decision.outcomeSelector,
                           shown.hitsTable, shown.measuresTable, decision.recordButton,
                           self.checkButton, shown.relatedTable, shown.measureDetail,
                           decision.commitmentSelector, decision.formNoInput, decision.dueInput,
                           decision.missingInput)
        self.scanner.scanned.connect(self._scanned_elsewhere)
        for keys, slot in (("Ctrl+Return", self.record), ("Ctrl+Enter", self.record),
                           ("Escape", self.request_clear), ("F2", self.focus_code),
                           ("F6", lambda: related_check.request(self))):
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
        self.itemSelector.fill(items, remembered)
        self._mark_ready()

    def _items_failed(self, exc: BaseException) -> None:
        self.recordPanel.show_message(self.tr("无法读取办事事项目录：%1").replace("%1", reason(exc)),
                                error=True)
        self._mark_ready()

    def _mark_ready(self) -> None:
        if self.is_ready:
            return  # a reload after an update: the clerk may be mid-way through a form
        self.is_ready = True
        self.focus_code()
        self.ready.emit()

    def item_code(self) -> str | None:
        return self.itemSelector.item_code()

    def _item_chosen(self, index: int) -> None:
        code = self.itemSelector.itemData(index)
        if code:
            # Remembered per window; the write is a small fsync, still kept off the GUI thread.
            self.jobs.submit(user_settings.update, item_code=code, cancellable=False,
                             on_done=lambda stored: setattr(self, "settings", stored))
        self._focus_once_active(self.caseNoInput)  # the flow: item → case number → code

    def _item_changed(self, _text: str = "") -> None:
        """The result shown was checked for one item; another selected makes it stale at once:
        it says so, its ticks freeze, and recording needs a re-check (F5)."""
        decision = self.recordPanel
        if decision.result is None or decision.is_recorded:
            return
        why = decision.stale_reason()
        self.resultPanel.set_stale(why)
        decision.recordButton.setEnabled(not why and decision.record_job is None
                                         and decision.refused is None)

    def _focus_once_active(self, target: QWidget, tries: int = 10, turn: int | None = None) -> None:
        """Focus ``target`` once the completer popup has closed and the window is active again:
        window systems hand activation back asynchronously, and the selector would otherwise take
        the focus back after we moved it. A focus the clerk asks for meanwhile (F2, a shortcut)
        wins: it starts a new turn and this one gives up."""
        if turn is None:
            self._focus_turn += 1
            turn = self._focus_turn
        if turn != self._focus_turn:
            return
        if QApplication.activeWindow() is self.window() or tries <= 0:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(target, QLineEdit):
                target.selectAll()
            return
        QTimer.singleShot(20, lambda: self._focus_once_active(target, tries - 1, turn))

    def cancel_pending_focus(self) -> None:
        self._focus_turn += 1

    # -- checking -----------------------------------------------------------------------------

    def focus_code(self) -> None:
        self._to_code_field()
        if self.codeInput.selectedText() != self.codeInput.text():
            self.codeInput.selectAll()  # selected already (since the scan): no repaint for nothing

    def _to_code_field(self) -> None:
        self.cancel_pending_focus()
        self.codeInput.setFocus(Qt.FocusReason.OtherFocusReason)
        # Focus alone does not scroll: after recording further down the page, the field the next
        # scan goes into would stay out of view (a no-op when it is in view).
        self.scrollArea.ensureWidgetVisible(self.codeInput)

    @property
    def has_unrecorded_result(self) -> bool:
        """A result on screen the clerk has not recorded (a record being written does not count:
        it will be durable before the window lets go)."""
        return (self.result is not None and not self.is_recorded
                and self.recordPanel.record_job is None)

    def request_check(self) -> None:
        """Enter in the code field (a scan) or the check button. An unrecorded result is never
        dropped silently: the clerk is asked first."""
        raw = self.codeInput.text()
        if not self.after_write_ends(lambda: self._check_requested(raw)):
            self._check_requested(raw)

    def _check_requested(self, raw: str) -> None:
        if not raw.strip() and self.result is not None and self.result.via is not None:
            related_check.start(self, self.result.via)  # F5 on a person checked through their unit
            return
        if self.has_unrecorded_result and not self._rechecks_shown(raw):
            self.ask_discard(lambda: self.start_check(raw),
                              self.tr("上一次核查结果尚未记档。放弃它并核查新代码吗？"))
            return
        self.start_check(raw)

    def offer_purpose(self, purpose: str) -> None:
        """The approval system's purpose: offered when a person is checked, and noted."""
        self.request_purpose = purpose
        if purpose and not self.recordPanel.noteInput.toPlainText().strip():
            self.recordPanel.noteInput.setPlainText(self.tr("查询目的：%1").replace("%1", purpose))

    def _rechecks_shown(self, raw: str) -> bool:
        """F5 on the result shown (the same code, stale or not): nothing the clerk has not seen
        is dropped, so no question; the note typed so far stays. Another code, even after the
        item changed under the result, is asked about: its note and case number are the last
        applicant's (break attempt 18)."""
        try:
            return parse(raw).code == self.result.code
        except InvalidCode:
            return False

    def _scanned_elsewhere(self, text: str) -> None:
        self.codeInput.setText(text)
        self.focus_code()
        self.request_check()

    def request_clear(self) -> None:
        if self._prompt is not None or self.after_write_ends(self.request_clear):
            return
        if self.has_unrecorded_result:
            self.ask_discard(self.clear, self.tr("核查结果尚未记档。确定清除吗？"))
            return
        self.clear()

    def start_check(self, raw: str, purpose: str | None = None) -> None:
        """Check ``raw``; a natural person only once the clerk has said why (the purpose dialog,
        pre-filled with what the approval system sent)."""
        parsed = self.checks.parsed(raw)
        if parsed is None:
            return  # refused before anything was queried: _code_invalid has said why
        if parsed.kind == CodeKind.PERSON and purpose is None:
            from desktop.ui.dialogs.purpose_dialog import PurposeDialog

            dialog = PurposeDialog(mask_code(parsed.code, parsed.kind), self.request_purpose, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.given.connect(lambda given: self.start_check(raw, given))
            dialog.rejected.connect(self.purpose_refused)
            self.purpose_opened(dialog)
            dialog.open()
            return
        self._checked_raw = raw
        # The old result cannot be recorded from here on; it is replaced by the answer, or by
        # "checking" if the answer is slow (check_flow).
        self.recordPanel.let_go()
        self.focus_code()
        # Last: the check's worker runs Python, and waits for the interpreter while this
        # handler still does.
        self.checks.start(raw, self.item_code(), purpose)

    def purpose_refused(self) -> None:
        self._clear_result_view()
        self.recordPanel.show_message(self.tr("未说明查询用途：未查询该自然人。"), error=True)
        self.focus_code()

    def _code_invalid(self, message) -> None:
        self._clear_result_view()
        self.recordPanel.show_message("")  # the last applicant's "recorded" line is not about this
        self.resultPanel.show_invalid(message)
        self.focus_code()

    def _check_failed(self, exc: BaseException) -> None:
        # Nothing of the last applicant's result may stay under the message (its hits, subject
        # and preset outcome read as this code's answer).
        self._clear_result_view()
        self.recordPanel.show_message(reason(exc), error=True)
        self._focus_code_after_check()

    def _focus_code_after_check(self) -> None:
        """Back to the code field for the next scan; but what the clerk began typing while the
        check ran is the next code: selecting it would let the next key wipe it."""
        if self.codeInput.text() == self._checked_raw:
            self.focus_code()
        else:
            self._to_code_field()

    def show_result(self, result: CheckResult) -> None:
        # Showing a widget lays out its parent at once: with the panels' layouts on, each note
        # or table a result brings in (or takes away) laid out the whole panel again.
        panels = (self.resultPanel.layout(), self.recordPanel.layout())
        for layout in panels:
            layout.setEnabled(False)
        try:
            self.resultPanel.show_result(result)
            self.recordPanel.take(result)
            self._item_changed()  # the item may have changed while the check ran
        finally:
            for layout in panels:
                layout.setEnabled(True)
        lay_out_now()
        self.resultPanel.lay_out_detail()
        # The new answer's badge first, then the field for the next scan above it; both no-ops
        # when the page is not scrolled down (the usual case: nothing more to paint).
        self.scrollArea.ensureWidgetVisible(self.statusBadge)
        self._focus_code_after_check()
        if "black" in result.severities and self.sound_on_black:
            QApplication.beep()
        self.result_shown.emit(result)

    def _recorded(self, record) -> None:
        if self.is_recorded:  # not a write that ended after the clerk moved on to the next code
            self.focus_code()
        self.recorded.emit(record)

    # -- clearing -----------------------------------------------------------------------------

    def clear(self) -> None:
        self.checks.cancel()  # no done or failed follows: a held link is free to run below
        self.codeInput.clear()
        self.recordPanel.clear_inputs()
        self._clear_result_view()
        self.recordPanel.show_message("")
        self.focus_code()
        self._maybe_free()

    def _clear_result_view(self) -> None:
        """Esc, or a scan that brought no result (an invalid code, a purpose refused, a failed
        check) after the last one was discarded: a ticket waiting behind it may take the page."""
        self.resultPanel.clear()
        self.recordPanel.drop()
        self.cleared.emit()
