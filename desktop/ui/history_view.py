"""The history tab: recorded checks from the case file, filtered by day range, status and code;
the selected record's detail (its record sheet as it prints); reprint or save the PDF record
sheet; add a correcting or later decision (a new record pointing at the old one, never an edit).

Every case-file read, write and PDF rendering runs through the job runner. Identity numbers are
shown masked everywhere here (table, detail, file names). The question asked of the case file is
``desktop.desk.history``'s, the rows the table shows ``desktop.ui.history_model``'s."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.record import (
    OUTCOMES,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    CaseRecord,
    local_text,
)
from desktop.casefile.store import Decision
from desktop.check import codes
from desktop.desk.history import HistoryFilter, china_today
from desktop.desk.sheets import render_sheet_to, render_to_sheets_folder, sheet_file_name
from desktop.site.messages import UserError
from desktop.ui import i18n, sheet_output
from desktop.ui.access_view import AccessView
from desktop.ui.dialogs.decision_dialog import DecisionDialog
from desktop.ui.history_model import HistoryModel
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_columns import ColumnFitter
from desktop.ui.widgets.plain_text import plain_label

SHORTCUTS = {"refresh": QKeySequence("Ctrl+R"), "reprint": QKeySequence("Ctrl+P"),
             "save_pdf": QKeySequence("Ctrl+Shift+S"), "correct": QKeySequence("Ctrl+Shift+D"),
             "today": QKeySequence("Ctrl+T"), "code": QKeySequence("Ctrl+F")}
# Rows shown at most; a wider range than this is narrowed with a message, not silently cut.
MAX_ROWS = 5000


class HistoryView(Retranslatable, QWidget):
    """``context`` is the desk context (case file, desk), ``runner`` the window's job runner."""

    records_loaded = Signal(int)       # how many rows the table now shows
    decision_recorded = Signal(object)  # the new CaseRecord
    sheet_written = Signal(object)      # Path of a rendered PDF

    COLUMNS = ("record", "time", "case_no", "item", "code", "name", "status", "source",
               "outcome", "kind")

    def __init__(self, context, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.records: list[CaseRecord] = []
        self._load_job = None
        self._build()
        self.retranslate()
        self.refresh()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        today = QDate(china_today().year, china_today().month, china_today().day)
        self.since_edit = QDateEdit(today, objectName="historySince", calendarPopup=True)
        self.until_edit = QDateEdit(today, objectName="historyUntil", calendarPopup=True)
        for edit in (self.since_edit, self.until_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
        self.status_filter = QComboBox(objectName="historyStatusFilter")
        self.code_filter = QLineEdit(objectName="historyCodeFilter", clearButtonEnabled=True)
        self.code_filter.returnPressed.connect(self.refresh)
        # Filters apply as they change (typing settles for a moment first); Ctrl+R still reloads.
        self._refilter = QTimer(self, singleShot=True, interval=300)
        self._refilter.timeout.connect(self.refresh)
        self.code_filter.textEdited.connect(lambda _text: self._refilter.start())
        self.status_filter.activated.connect(lambda _index: self.refresh())
        for edit in (self.since_edit, self.until_edit):
            edit.dateChanged.connect(lambda _date: self._refilter.start())
        self.today_button = QPushButton(objectName="historyTodayButton")
        self.today_button.clicked.connect(self.show_today)
        self.search_button = QPushButton(objectName="historySearchButton")
        self.search_button.clicked.connect(self.refresh)
        self.since_label, self.until_label = QLabel(textFormat=Qt.TextFormat.PlainText), QLabel(textFormat=Qt.TextFormat.PlainText)
        self.status_label, self.code_label = QLabel(textFormat=Qt.TextFormat.PlainText), QLabel(textFormat=Qt.TextFormat.PlainText)
        for label, buddy in ((self.since_label, self.since_edit), (self.until_label, self.until_edit),
                             (self.status_label, self.status_filter),
                             (self.code_label, self.code_filter)):
            label.setBuddy(buddy)

        filters = QHBoxLayout()
        for w in (self.since_label, self.since_edit, self.until_label, self.until_edit,
                  self.status_label, self.status_filter, self.code_label):
            filters.addWidget(w)
        filters.addWidget(self.code_filter, 1)
        filters.addWidget(self.today_button)
        filters.addWidget(self.search_button)

        self.model = HistoryModel(self._cells, len(self.COLUMNS), self)
        self.table = QTableView(objectName="historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Widths from the first rows, not from all of them.
        self.table.verticalHeader().setResizeContentsPrecision(50)
        # When the words are long (English, a large font) item, name and source give way first,
        # then result and outcome, eliding (full text on hover): every column stays on screen,
        # never beyond a sideways scroll. Item and name take what is left over.
        index = self.COLUMNS.index
        self.columns = ColumnFitter(self.table,
                                    shrinking=(tuple(map(index, ("item", "name", "source"))),
                                               tuple(map(index, ("status", "outcome")))),
                                    growing=(index("item"), index("name")),
                                    keys=(index("status"), index("outcome")))
        self.columns.attach(self.model)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.table.activated.connect(lambda _index: self.detail.setFocus())

        self.detail = QTextBrowser(objectName="historyDetail")
        self.detail.setOpenLinks(False)

        self.message = plain_label(name="historyMessage", wrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.reprint_button = QPushButton(objectName="historyReprintButton")
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.save_pdf_button = QPushButton(objectName="historySavePdfButton")
        self.save_pdf_button.clicked.connect(self.save_selected_pdf)
        self.correct_button = QPushButton(objectName="historyCorrectButton")
        self.correct_button.clicked.connect(self.correct_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        for b in (self.reprint_button, self.save_pdf_button, self.correct_button):
            actions.addWidget(b)

        self.access_view = AccessView(self.context, self.runner, self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.addWidget(self.access_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

        # Shortcuts work while the history tab is shown, whatever widget in it has focus.
        # Keys the main window's actions hold (F5, Ctrl+S, Ctrl+L...) stay theirs: an ambiguous
        # shortcut fires neither.
        for keys, slot in ((SHORTCUTS["refresh"], self.refresh),
                           (SHORTCUTS["reprint"], self.reprint_selected),
                           (SHORTCUTS["save_pdf"], self.save_selected_pdf),
                           (SHORTCUTS["correct"], self.correct_selected),
                           (SHORTCUTS["today"], self.show_today),
                           (SHORTCUTS["code"], self.code_filter.setFocus)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_buttons()

    def retranslate(self) -> None:
        self.since_label.setText(self.tr("从(&F)"))
        self.until_label.setText(self.tr("到"))
        self.status_label.setText(self.tr("结论(&S)"))
        self.code_label.setText(self.tr("查找(&C)"))
        self.code_filter.setPlaceholderText(self.tr("代码、代码的一部分、办件编号或名称"))
        self.today_button.setText(self.tr("今天"))
        self.today_button.setToolTip(self.tr("只看今天的核查（Ctrl+T）"))
        self.search_button.setText(self.tr("查询"))
        self.search_button.setToolTip(self.tr("按条件重新读取办件档案（Ctrl+R）"))
        self.reprint_button.setText(self.tr("重印记录单"))
        self.reprint_button.setToolTip(self.tr("生成记录单 PDF 并用系统阅读器打开，以便打印（Ctrl+P）"))
        self.save_pdf_button.setText(self.tr("另存为 PDF…"))
        self.save_pdf_button.setToolTip(self.tr("把记录单保存为 PDF 文件（Ctrl+Shift+S）"))
        self.correct_button.setText(self.tr("更正/后续决定…"))
        self.correct_button.setToolTip(self.tr(
            "为所选记录追加一条新的决定记录；原记录保持不变（Ctrl+Shift+D）"))
        current = self.status_filter.currentData()
        self.status_filter.clear()
        self.status_filter.addItem(self.tr("全部"), None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(i18n.translate("core", label), status)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current)))
        self.model.set_headers([
            self.tr("记录"), self.tr("核查时间"), self.tr("办件编号"), self.tr("办事事项"),
            self.tr("主体代码"), self.tr("主体名称"), self.tr("核查结论"), self.tr("数据来源"),
            self.tr("办理结果"), self.tr("类型")])
        self.table.setAccessibleName(self.tr("核查记录"))
        self.code_filter.setAccessibleName(self.tr("按代码筛选"))

    # -- loading ------------------------------------------------------------------------------

    def current_filter(self) -> HistoryFilter | None:
        """The filter as entered, or None after saying what is wrong with it."""
        since = self.since_edit.date().toPython()
        until = self.until_edit.date().toPython()
        if since > until:
            self._say(self.tr("起始日期晚于结束日期，请调整日期范围。"), error=True)
            return None
        code = text = None
        typed = self.code_filter.text().strip()
        if typed:
            try:
                code = codes.parse(typed).code
            except UserError as exc:
                if len(typed) == 18 and typed.isalnum():
                    # A whole code with a typing slip: say which, rather than find nothing.
                    self._say(i18n.render(exc.message), error=True)
                    return None
                text = typed  # a case number, part of a code or a name
        return HistoryFilter(since, until, self.status_filter.currentData(), code, text)

    def show_today(self) -> None:
        today = china_today()
        qdate = QDate(today.year, today.month, today.day)
        self.since_edit.setDate(qdate)
        self.until_edit.setDate(qdate)
        self.refresh()

    def refresh(self) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        if self._load_job is not None:
            self._load_job.cancel()  # a newer filter wins; the older answer is dropped
        self.access_view.load(wanted.since, wanted.until)
        self._say(self.tr("正在读取办件档案…"))
        # The case file is opened on the worker too (``context.case_file`` is disk work).
        self._load_job = self.runner.submit(lambda: wanted.query(self.context.case_file, MAX_ROWS),
                                            on_done=self._loaded, on_error=self._failed)

    def _loaded(self, records: list[CaseRecord]) -> None:
        self._load_job = None
        selected = self.selected_record()
        cut = len(records) > MAX_ROWS
        self.records = records[:MAX_ROWS]
        self.model.set_records(self.records)
        self._update_buttons()
        # Something is always selected when anything is listed, so Ctrl+P, Ctrl+Shift+S and
        # Ctrl+Shift+D act at once and the detail never shows a record the list no longer has.
        if selected is None or not self.select_record(selected.record_id):
            if self.records:
                self.table.selectRow(0)
            else:
                self.table.clearSelection()
                self._show_selected()
        if cut:
            self._say(self.tr("超过 %1 条记录，只显示最新的 %1 条；请缩小日期范围。")
                      .replace("%1", str(MAX_ROWS)), error=True)
        else:
            self._say(self.tr("共 %1 条记录。").replace("%1", str(len(self.records))))
        self.records_loaded.emit(len(self.records))

    def _failed(self, exc: BaseException) -> None:
        self._load_job = None
        self._say(self._error_text(exc), error=True)

    def _cells(self, r: CaseRecord) -> list[str]:
        t = i18n.translate
        status = t("core", STATUS_LABELS.get(r.status, r.status))
        if r.severities:
            status = (self.tr("%1：%2").replace("%1", status).replace(
                "%2", self.tr("、").join(t("core", SEVERITY_LABELS.get(s, s)) for s in r.severities)))
        source = t("core", SOURCE_LABELS.get(r.source, r.source))
        if r.demo:
            source += " · " + self.tr("演示数据")
        kind = (self.tr("核查") if r.kind == "check"
                else self.tr("决定（针对记录 %1）").replace("%1", str(r.refers_to)))
        number = str(r.record_id) if r.kind == "check" else f"↳ {r.record_id}"
        return [number, local_text(r.checked_at), r.case_no,
                f"{r.item_name}（{r.item_code}）", r.masked_code, r.subject_name or "—", status,
                source, t("core", OUTCOMES.get(r.outcome, r.outcome)), kind]

    # -- selection and detail -----------------------------------------------------------------

    def selected_record(self) -> CaseRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.records[rows[0].row()] if rows else None

    def select_record(self, record_id: int) -> bool:
        row = next((n for n, r in enumerate(self.model.records) if r.record_id == record_id), None)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _show_selected(self) -> None:
        record = self.selected_record()
        if record is None:
            self.detail.clear()
        else:
            from desktop.casefile.sheet import (
                sheet_html,  # the sheet as it prints, masked
            )

            self.detail.setHtml(sheet_html(record))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.table.selectionModel().hasSelection()
        for b in (self.reprint_button, self.save_pdf_button, self.correct_button):
            b.setEnabled(has)

    # -- record sheets ------------------------------------------------------------------------

    def reprint_selected(self) -> None:
        """Render the sheet into the home's sheets folder and hand it to the system viewer, which
        prints it: one print path for every printer driver the halls use."""
        record = self.selected_record()
        if record is None:
            return
        self._render(record, None, open_after=True)

    def save_selected_pdf(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        suggested = str(Path.home() / sheet_file_name(record))
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存记录单"), suggested,
                                              self.tr("PDF 文件 (*.pdf)"))
        if not name:
            return
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        self._render(record, Path(name), open_after=False)

    def _render(self, record: CaseRecord, target: Path | None, *, open_after: bool) -> None:
        """``target`` None: the home's sheets folder."""
        self._say(self.tr("正在生成记录单…"))

        def written(path: Path) -> None:
            self._say(self.tr("记录单已保存：%1").replace("%1", str(path)))
            self.sheet_written.emit(path)
            if open_after:
                sheet_output.deliver(self, self.runner, record, path, self._say)

        work = (render_to_sheets_folder, record) if target is None else (render_sheet_to, record, target)
        self.runner.submit(*work, on_done=written,
                           on_error=lambda exc: self._say(self._error_text(exc), error=True))

    # -- correcting decisions -----------------------------------------------------------------

    def correct_selected(self) -> DecisionDialog | None:
        record = self.selected_record()
        if record is None:
            return None
        dialog = DecisionDialog(record, self)
        dialog.submitted.connect(lambda decision: self._record_decision(dialog, record, decision))
        dialog.open()
        return dialog

    def _record_decision(self, dialog: DecisionDialog, record: CaseRecord,
                         decision: Decision) -> None:
        desk = self.context.desk

        def recorded(new: CaseRecord) -> None:
            dialog.accept()
            self._say(self.tr("已记档：记录 %1（针对记录 %2）。")
                      .replace("%1", str(new.record_id)).replace("%2", str(record.record_id)))
            self.decision_recorded.emit(new)
            self.refresh()

        # A case-file write runs to its end even when the window closes: not cancellable.
        self.runner.submit(lambda: self.context.case_file.record_decision(
                               record.record_id, decision, desk), on_done=recorded,
                           on_error=lambda exc: dialog.show_error(self._error_text(exc)),
                           cancellable=False)

    # -- messages -----------------------------------------------------------------------------

    def _error_text(self, exc: BaseException) -> str:
        if isinstance(exc, UserError):
            return i18n.render(exc.message)
        return self.tr("操作失败：%1").replace("%1", str(exc) or type(exc).__name__)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("verdict", "refused" if error else "pending")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
