"""The record panel: the clerk's decision on the result shown (outcome, note, the measures ticked
in the result panel) and its durable write to the case file.

The rules of what may be recorded are the core's (``Decision`` and ``CaseFile.record_check``);
the panel only refuses early what the clerk can fix on the spot, and the write runs on the
window's JobRunner, never on the GUI thread."""
from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.commitments import Pledge
from desktop.casefile.errors import CaseFileTampered
from desktop.casefile.record import OUTCOMES
from desktop.casefile.store import Decision
from desktop.check import policy
from desktop.check.codes import InvalidCode, parse
from desktop.check.model import COMMITMENT_LABELS, CheckResult, CodeKind, Status, mask_code
from desktop.desk.context import DeskContext
from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs import Job, JobRunner
from desktop.ui.result_panel import ResultPanel, core_text
from desktop.ui.widgets.plain_text import plain_label


# A zero-time timer would be a queued call, run before the paint; this one runs after it.
BREACH_QUERY_AFTER_MS = 1


class RecordPanel(Retranslatable, QWidget):
    recorded = Signal(object)          # CaseRecord, after the durable write
    write_ended = Signal()             # the write ended, durable or not (after recorded)

    def __init__(self, ctx: DeskContext, jobs: JobRunner, shown: ResultPanel,
                 case_no: QLineEdit, item_code: Callable[[], str | None],
                 code_field: QLineEdit, parent: QWidget | None = None):
        super().__init__(parent)
        # Opaque (the page's white, from the palette): each result of another height moves this
        # panel, and Qt then moves its pixels rather than painting its labels, fields and buttons
        # again, which the result has not changed.
        self.setAutoFillBackground(True)
        self.ctx = ctx
        self.jobs = jobs
        self.shown = shown            # the result on screen and its ticked measures
        self.case_no = case_no        # on the page, above: typed before the scan
        self.item_code = item_code    # the item selected now
        self.code_field = code_field  # the code typed or scanned now (may be the next one's)
        self.result: CheckResult | None = None
        self.is_recorded = False
        self.last_record = None       # the CaseRecord written last: its sheet can be printed
        self.record_job: Job | None = None
        self.operator_missing = False  # first start: no 工号 given yet (the window asks for it)
        self.refused: str | None = None  # why this desk may not record (an altered case file)

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

        self.formMessage = plain_label(self, name="formMessage", wrap=True)
        self.formMessage.setProperty("error", False)

        # A credit commitment signed with the application (信用承诺制): only the types the item
        # accepts and the subject may still use are offered; the core checks the rest.
        self.commitmentSelector = QComboBox(self)
        self.commitmentSelector.setObjectName("commitmentSelector")
        self._offered: tuple | None = None  # the commitment types the selector lists now
        self._closed_because = None  # why the selector lists fewer (a core message), if it does
        self.formNoInput = QLineEdit(self)
        self.formNoInput.setObjectName("formNoInput")
        self.dueInput = QLineEdit(self)
        self.dueInput.setObjectName("dueInput")
        self.dueInput.setMaxLength(10)
        self.missingInput = QLineEdit(self)
        self.missingInput.setObjectName("missingInput")
        # Says why commitments are closed, naming the platform's measure category: outside text.
        self.commitmentNote = plain_label(self, name="commitmentNote", wrap=True)

        self._labels = {}
        for name, buddy in (("outcome", self.outcomeSelector), ("note", self.noteInput),
                            ("commitment", self.commitmentSelector), ("form", self.formNoInput),
                            ("due", self.dueInput), ("missing", self.missingInput)):
            label = QLabel(self, textFormat=Qt.TextFormat.PlainText)
            label.setBuddy(buddy)
            self._labels[name] = label
        row = QGridLayout()
        row.addWidget(self._labels["outcome"], 0, 0)
        row.addWidget(self.outcomeSelector, 0, 1)
        row.addWidget(self._labels["note"], 0, 2)
        row.addWidget(self.noteInput, 0, 3)
        row.addWidget(self.recordButton, 0, 4)
        row.setColumnStretch(3, 1)
        pledge = self._pledge_row = QWidget(self)
        pledge_row = QGridLayout(pledge)
        pledge_row.setContentsMargins(0, 0, 0, 0)
        for col, widget in enumerate((self._labels["commitment"], self.commitmentSelector,
                                      self._labels["form"], self.formNoInput,
                                      self._labels["due"], self.dueInput,
                                      self._labels["missing"], self.missingInput)):
            pledge_row.addWidget(widget, 0, col)
        pledge_row.addWidget(self.commitmentNote, 1, 0, 1, 8)
        pledge_row.setColumnStretch(7, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(pledge)
        column.addWidget(self.formMessage)

        self.recordButton.clicked.connect(self.record)
        self.commitmentSelector.currentIndexChanged.connect(self._commitment_chosen)
        shown.measuresTable.itemChanged.connect(self._measure_toggled)
        self.retranslate()
        # Every start compares the case file with its witness (on a worker: it is disk work).
        self.jobs.submit(_open_case_file, ctx, on_done=self._case_file_opened,
                         on_error=self._case_file_opened)

    def _case_file_opened(self, outcome) -> None:
        """An altered or missing case file stops recording until IT decides; any other trouble
        opening it is said when the clerk records, with the folder named."""
        if isinstance(outcome, CaseFileTampered):
            self._refuse(reason(outcome))
        elif getattr(outcome, "alarm", None) is not None:
            self._refuse(i18n.render(outcome.alarm))

    def _refuse(self, text: str) -> None:
        self.refused = text
        self.recordButton.setEnabled(False)
        self.show_message(self.tr("本机暂停记档：%1").replace("%1", text), error=True)

    def retranslate(self) -> None:
        tr = self.tr
        self._labels["outcome"].setText(tr("办理结果(&O)"))
        self._labels["note"].setText(tr("说明(&E)"))
        self.outcomeSelector.setAccessibleName(tr("办理结果"))
        for index, label in enumerate(OUTCOMES.values()):
            self.outcomeSelector.setItemText(index, core_text(label))
        self.noteInput.setAccessibleName(tr("说明"))
        self.noteInput.setPlaceholderText(tr("说明（未执行必须执行的措施、或未能核实而准予办理时必填）"))
        self.recordButton.setAccessibleName(tr("记入办件档案"))
        self._set_record_button_text()
        self.formMessage.setAccessibleName(tr("操作提示"))
        for name, text in (("commitment", tr("信用承诺(&M)")), ("form", tr("承诺书编号(&J)")),
                           ("due", tr("期限(&U)")), ("missing", tr("欠缺材料(&L)"))):
            self._labels[name].setText(text)
        self.commitmentSelector.setAccessibleName(tr("信用承诺"))
        self.formNoInput.setAccessibleName(tr("承诺书编号"))
        self.formNoInput.setPlaceholderText(tr("已签署承诺书的编号"))
        self.dueInput.setAccessibleName(tr("期限"))
        self.dueInput.setPlaceholderText(tr("YYYY-MM-DD"))
        self.missingInput.setAccessibleName(tr("欠缺材料"))
        self.missingInput.setPlaceholderText(tr("容缺受理：欠缺的材料，用“、”分隔"))
        self.commitmentNote.setAccessibleName(tr("信用承诺说明"))
        self._show_commitment_note()
        if self.commitmentSelector.count():
            self.commitmentSelector.setItemText(0, tr("不作承诺"))
            for index in range(1, self.commitmentSelector.count()):
                key = self.commitmentSelector.itemData(index)
                self.commitmentSelector.setItemText(index, core_text(COMMITMENT_LABELS[key]))

    def _set_record_button_text(self) -> None:
        unverified = self.result is not None and self.result.status == Status.UNVERIFIED
        self.recordButton.setText(self.tr("记为“未能核实”(&R)  Ctrl+Enter") if unverified
                                  else self.tr("记档(&R)  Ctrl+Enter"))

    # -- the result to decide on ----------------------------------------------------------------

    def take(self, result: CheckResult) -> None:
        """A new result on screen: preset the outcome the policy suggests, ready to record."""
        self.result = result
        self.is_recorded = False
        key = result.suggested_outcome  # None: the policy presets nothing, the clerk decides
        self.outcomeSelector.setCurrentIndex(self.outcomeSelector.findData(key) if key else -1)
        # The selector starts at 不作承诺 for this answer: what the pledge fields still hold is
        # the last applicant's form number, deadline and materials, not this one's.
        self._clear_pledge_fields()
        self._offer_commitments(result)
        if result.commitment_offer[0]:
            # Asked once the result is on screen: a timer runs after the paint the result's
            # layout has posted, so the worker's query does not compete with it.
            QTimer.singleShot(BREACH_QUERY_AFTER_MS, self, lambda: self._ask_breached(result))
        self._set_record_button_text()
        if self.refused is not None:
            self._refuse(self.refused)
            return
        self.recordButton.setEnabled(True)
        self.show_message("")

    def _ask_breached(self, result: CheckResult) -> None:
        """A breach recorded at this desk closes the simplified route before the platform has
        listed it; the case file says so (read on the worker)."""
        if result is not self.result:
            return
        self.jobs.submit(_breached_here, self.ctx, result.code,
                         on_done=lambda breached: breached and result is self.result
                         and self._offer_commitments(result, breached_here=True),
                         # An unreadable case file is reported when the clerk records.
                         on_error=lambda _exc: None)

    def stale_reason(self) -> str:
        """Why the result on screen may not be recorded as it stands, or "" when it may: it was
        checked for another item than the one selected now."""
        if self.result is None:
            return ""
        checked = self.result.item.item_code if self.result.item is not None else None
        now = self.item_code()
        if checked == now:
            return ""
        if checked is None:
            return self.tr("核查时未选择办事事项，现已选择“%1”：请按 F5 重新核查后再记档。").replace("%1", now)
        return (self.tr("此结果是按事项“%1”核查的，现在选择的是“%2”：请按 F5 重新核查后再记档。")
                .replace("%1", checked).replace("%2", now or self.tr("（未选择）")))

    def _other_code_typed(self) -> str:
        """The code field's valid code (masked) when it is not the result's, else ""."""
        try:
            typed = parse(self.code_field.text())
        except InvalidCode:
            return ""  # empty or half typed: the screen names only the result's code
        if self.result is None or typed.code == self.result.code:
            return ""
        return mask_code(typed.code, typed.kind)

    def let_go(self) -> None:
        """The result on screen may no longer be recorded (a new check is on its way). The form
        keeps its look until the answer replaces it (``take``) or "checking" is shown (``drop``):
        clearing it here only to fill it again a few milliseconds later cost a relayout and a
        paint of the whole page per scan."""
        self.result = None
        self.is_recorded = False
        self.recordButton.setEnabled(False)

    def drop(self) -> None:
        """No result on screen any more: nothing to record, and nothing preset for one."""
        self.let_go()
        self.outcomeSelector.setCurrentIndex(-1)  # the next result presets its own
        self._offer_commitments(None)

    def clear_inputs(self) -> None:
        self.noteInput.clear()
        self._clear_pledge_fields()

    def _clear_pledge_fields(self) -> None:
        for field in (self.formNoInput, self.dueInput, self.missingInput):
            field.clear()

    def _offer_commitments(self, result: CheckResult | None, *, breached_here: bool = False) -> None:
        offered, closed_because = (), None
        if result is not None and result.commitment_offer[0] or breached_here:
            offered, closed_because = policy.commitment_offer(
                result.item.commitments, result.commitments, result.measures,
                breached_here=breached_here)
        elif result is not None:
            closed_because = result.commitment_offer[1]
        selector = self.commitmentSelector
        selector.blockSignals(True)
        if self._offered != offered:  # most results offer what the last one did: no new items
            self._offered = offered
            selector.clear()
            selector.addItem(self.tr("不作承诺"), None)
            for key in offered:
                selector.addItem(core_text(COMMITMENT_LABELS[key]), key)
        selector.setCurrentIndex(0)  # a new result starts without a pledge
        selector.blockSignals(False)
        self._closed_because = closed_because
        self._show_commitment_note()
        self._pledge_row.setVisible(bool(offered or closed_because))
        self._commitment_chosen()

    def _show_commitment_note(self) -> None:
        why = self._closed_because
        note = self.tr("信用承诺：%1").replace("%1", i18n.render(why)) if why else ""
        if self.commitmentNote.text() != note:
            self.commitmentNote.setText(note)
        self.commitmentNote.setVisible(bool(note))

    def _commitment_chosen(self, *_) -> None:
        kind = self.commitmentSelector.currentData()
        for field in (self.formNoInput, self.dueInput):
            field.setEnabled(kind is not None)
        self.missingInput.setEnabled(kind == "tolerance")

    def pledge(self) -> Pledge | None:
        kind = self.commitmentSelector.currentData()
        if kind is None:
            return None
        missing = tuple(m.strip() for m in re.split(r"[、,，;；]", self.missingInput.text())
                        if m.strip())
        return Pledge(kind, self.formNoInput.text().strip(), missing if kind == "tolerance" else (),
                      self.dueInput.text().strip() or None)

    def _measure_toggled(self, cell: QTableWidgetItem) -> None:
        """A mandated measure cannot be dropped without a written reason (保护权益, 奖惩到位)."""
        if cell.column() != 0 or self.result is None:
            return
        m = self.shown.rows[cell.row()]
        if (m.mandatory and cell.checkState() != Qt.CheckState.Checked
                and not self.noteInput.toPlainText().strip()):
            self.shown.retick(cell)
            self.show_message(
                self.tr("“%1”是必须执行的措施。如确不执行，请先在说明中写明理由，再取消勾选。")
                .replace("%1", m.first.content), error=True)
            # After the table has finished handling the key press that toggled the tick.
            QTimer.singleShot(0, self.noteInput.setFocus)

    # -- recording ----------------------------------------------------------------------------

    def record(self) -> None:
        if self.result is None or self.is_recorded or self.record_job is not None:
            return
        if self.refused is not None:  # Ctrl+Enter too: the case file stays as IT found it
            self._refuse(self.refused)
            return
        result = self.result
        decision = Decision(case_no=self.case_no.text().strip(),
                            outcome=self.outcomeSelector.currentData(),
                            note=self.noteInput.toPlainText().strip(),
                            measures_applied=self.shown.applied_measures(),
                            commitment=self.pledge())
        if self.operator_missing:
            self.show_message(self.tr("请先输入您的工号（Ctrl+Shift+O），再记档。"), error=True)
            return
        stale = self.stale_reason()
        if stale:
            self.show_message(stale, error=True)
            return
        other = self._other_code_typed()
        if other:
            # The next applicant's code typed by hand without Enter: Ctrl+Enter would put the
            # result on screen under the case number typed for the new code.
            self.show_message(
                self.tr("代码栏里已是另一个代码 %1，屏幕上的结果是 %2 的：请按回车核查新代码；"
                        "要记档屏幕上的结果，先清空代码栏。")
                .replace("%1", other).replace("%2", result.masked_code), error=True)
            self.code_field.setFocus()
            return
        if decision.outcome is None:
            self.show_message(self.tr("请选择办理结果（Alt+O）后再记档。"), error=True)
            self.outcomeSelector.setFocus()
            return
        if not decision.case_no:
            # The command line's rule too (credit-desk check --record needs --case-no): every
            # record names the case it was made for, an organisation's as much as a person's.
            self.show_message(self.tr("核查自然人（身份证号码）须填写办件编号，以说明查询用途。")
                              if result.kind == CodeKind.PERSON
                              else self.tr("记档须填写办件编号（Alt+N）。"), error=True)
            self.case_no.setFocus()
            return
        self.recordButton.setEnabled(False)
        self.show_message(self.tr("正在写入办件档案…"))
        # Not cancellable: once the clerk has pressed record, closing the window waits for it.
        self.record_job = self.jobs.submit(
            _write_record, self.ctx, result, decision, cancellable=False,
            on_done=lambda record: self._recorded(result, record),
            on_error=self._record_failed)

    def _recorded(self, result: CheckResult, record) -> None:
        self.record_job = None
        self.last_record = record
        if result is not self.result:
            # The clerk moved on while the write ran (a scan, a link): the record is durable all
            # the same, and Ctrl+P, the views and the approval system's ticket must hear of it;
            # the form is the next applicant's and stays as it is.
            self.recorded.emit(record)
            self.write_ended.emit()
            return
        self.is_recorded = True
        self.recordButton.setEnabled(False)
        if self.case_no.text().strip() == record.case_no:  # not the next one, typed meanwhile
            self.case_no.clear()
        self.clear_inputs()
        self.show_message(self.tr("已记入办件档案：记录 %1%2。可扫描下一个代码；Ctrl+P 打印记录单。")
                          .replace("%1", str(record.record_id))
                          .replace("%2", self.tr("，办件 %1").replace("%1", record.case_no)
                                   if record.case_no else ""))
        self.recorded.emit(record)
        self.write_ended.emit()

    def _record_failed(self, exc: BaseException) -> None:
        """The form stays as it is, so the clerk can fix the cause and press record again."""
        self.record_job = None
        if isinstance(exc, CaseFileTampered):
            self._refuse(reason(exc))
        else:
            self.recordButton.setEnabled(True)
            self.show_message(self.tr("未记档：%1").replace("%1", reason(exc)), error=True)
            self.recordButton.setFocus()
        self.write_ended.emit()

    def show_message(self, text: str, *, error: bool = False) -> None:
        label = self.formMessage
        label.setText(text)
        if label.property("error") != error:  # the look is the style sheet's (#formMessage)
            label.setProperty("error", error)
            label.style().unpolish(label)
            label.style().polish(label)


def _open_case_file(ctx: DeskContext):
    return ctx.case_file


def _breached_here(ctx: DeskContext, code: str) -> bool:
    return ctx.case_file.subject_breached(code)


def _write_record(ctx: DeskContext, result: CheckResult, decision: Decision):
    # Opening the case file is disk work too, so it happens here on the worker, not in record().
    return ctx.case_file.record_check(result, decision, ctx.desk)


def reason(exc: BaseException) -> str:
    """A failure in words for the clerk: the core's message when it has one, never a traceback."""
    if isinstance(exc, UserError):
        return i18n.render(exc.message)
    return QCoreApplication.translate("CheckPage", "意外错误（%1）。请重试；如仍出现，请联系信息技术人员。"
                                      ).replace("%1", type(exc).__name__)
