"""The "待办/Due" tab: credit commitments due soon and overdue, most overdue first. Selecting one
shows its record; the clerk marks it fulfilled, or breached after a confirmation that says what
follows. Reading and writing the case file run on the window's JobRunner."""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.casefile.commitments import BREACH_CONSEQUENCE, china_today, due_list
from desktop.casefile.record import local_text
from desktop.check.model import COMMITMENT_LABELS, mask_code
from desktop.desk.context import DeskContext
from desktop.site.messages import QT_TRANSLATE_NOOP
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs import JobRunner
from desktop.ui.record_panel import reason
from desktop.ui.result_panel import core_text

COLUMNS = (QT_TRANSLATE_NOOP("DueView", "期限"), QT_TRANSLATE_NOOP("DueView", "状态"),
           QT_TRANSLATE_NOOP("DueView", "承诺"), QT_TRANSLATE_NOOP("DueView", "办件编号"),
           QT_TRANSLATE_NOOP("DueView", "主体"), QT_TRANSLATE_NOOP("DueView", "欠缺材料"))


def _load(ctx: DeskContext, days: int):
    # The desk's one case file, kept open for the session (the window closes it).
    records = ctx.case_file.with_commitments()
    rows = due_list(records, china_today(datetime.now(timezone.utc)), days)
    by_id = {r.record_id: r for r in records}
    return rows, by_id


def _settle(ctx: DeskContext, check_id: int, state: str, note: str):
    return ctx.case_file.record_commitment(check_id, state, note, ctx.desk)


class BreachDialog(Retranslatable, QDialog):
    """Says what a breach sets off and takes the clerk's note before it is recorded."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("breachDialog")
        self.consequence = QLabel(self, textFormat=Qt.TextFormat.PlainText)
        self.consequence.setWordWrap(True)
        self.breachNoteInput = QPlainTextEdit(self)
        self.breachNoteInput.setObjectName("breachNoteInput")
        self.breachNoteInput.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(self)
        self.confirm = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setObjectName("confirmBreachButton")
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setDefault(True)  # a stray Enter never confirms a breach
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.consequence)
        column.addWidget(self.breachNoteInput)
        column.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("确认违诺"))
        self.consequence.setText(core_text(BREACH_CONSEQUENCE))
        self.breachNoteInput.setAccessibleName(tr("核查发现的情况"))
        self.breachNoteInput.setPlaceholderText(tr("写明核查发现的情况（必填）"))
        self.confirm.setText(tr("确认违诺(&Y)"))

    def note(self) -> str:
        return self.breachNoteInput.toPlainText().strip()


class DueView(Retranslatable, QWidget):
    overdue_changed = Signal(int)   # how many commitments are overdue: the status bar shows it
    settled = Signal(object)        # the decision record written

    def __init__(self, ctx: DeskContext, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs
        self.rows = []
        self.records = {}
        self.dialog: BreachDialog | None = None

        self.daysInput = QSpinBox(self)
        self.daysInput.setObjectName("dueDaysInput")
        self.daysInput.setRange(0, 365)
        self.daysInput.setValue(7)
        self.daysLabel = QLabel(self, textFormat=Qt.TextFormat.PlainText)
        self.daysLabel.setBuddy(self.daysInput)
        self.dueTable = QTableWidget(0, len(COLUMNS), self)
        self.dueTable.setObjectName("dueTable")
        self.dueTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dueTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.dueTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dueTable.setTabKeyNavigation(False)
        self.dueTable.verticalHeader().setVisible(False)
        self.dueTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.dueTable.horizontalHeader().setStretchLastSection(True)
        self.dueDetail = QTextBrowser(self)
        self.dueDetail.setObjectName("dueDetail")
        self.fulfilButton = QPushButton(self)
        self.fulfilButton.setObjectName("fulfilButton")
        self.breachButton = QPushButton(self)
        self.breachButton.setObjectName("breachButton")
        self.message = QLabel(self, textFormat=Qt.TextFormat.PlainText)
        self.message.setObjectName("dueMessage")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.daysLabel)
        top.addWidget(self.daysInput)
        top.addStretch(1)
        top.addWidget(self.fulfilButton)
        top.addWidget(self.breachButton)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.dueTable, 2)
        column.addWidget(self.dueDetail, 1)
        column.addWidget(self.message)

        self.daysInput.valueChanged.connect(lambda _: self.refresh())
        self.dueTable.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.fulfilButton.clicked.connect(self.fulfil_selected)
        self.breachButton.clicked.connect(self.breach_selected)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        tr = self.tr
        self.daysLabel.setText(tr("到期天数(&T)"))
        self.daysInput.setAccessibleName(tr("列出多少天内到期"))
        self.dueTable.setAccessibleName(tr("待办承诺"))
        self.dueTable.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.dueDetail.setAccessibleName(tr("承诺所在记录"))
        self.fulfilButton.setText(tr("已履约(&G)"))
        self.fulfilButton.setAccessibleName(tr("记为已履约"))
        self.breachButton.setText(tr("违诺(&B)"))
        self.breachButton.setAccessibleName(tr("记为违诺"))
        self.message.setAccessibleName(tr("操作提示"))
        if self.rows:
            self._fill()

    # -- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.jobs.submit(_load, self.ctx, self.daysInput.value(), on_done=self._loaded,
                         on_error=lambda exc: self._say(reason(exc), error=True))

    def _loaded(self, loaded) -> None:
        self.rows, self.records = loaded
        self._fill()
        self.overdue_changed.emit(sum(d.overdue for d in self.rows))

    def _fill(self) -> None:
        table, tr = self.dueTable, self.tr
        table.setRowCount(len(self.rows))
        for row, d in enumerate(self.rows):
            when = (tr("已逾期 %1 天").replace("%1", str(-d.days_left)) if d.overdue else
                    tr("今天到期") if d.days_left == 0 else
                    tr("%1 天后到期").replace("%1", str(d.days_left)))
            cells = (d.due, when, core_text(COMMITMENT_LABELS[d.type]), d.case_no,
                     f"{mask_code(d.subject_code, d.subject_kind)} {d.subject_name or ''}",
                     "、".join(d.missing))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if d.overdue:
                    item.setForeground(Qt.GlobalColor.darkRed)
                table.setItem(row, col, item)
        if self.rows:
            table.setCurrentCell(0, 0)
        else:
            self.dueDetail.setPlainText(tr("没有即将到期或已逾期的信用承诺。"))
        self._update_buttons()

    def _show(self, row: int) -> None:
        self._update_buttons()
        if not 0 <= row < len(self.rows):
            return
        d = self.rows[row]
        r = self.records.get(d.record_id)
        if r is None:
            return
        c = r.commitment
        tr = self.tr
        lines = [tr("记录 %1（核查记录 %2），办件 %3").replace("%1", str(r.record_id))
                 .replace("%2", str(d.check_id)).replace("%3", r.case_no or "—"),
                 f"{mask_code(r.subject_code, r.subject_kind)}  {r.subject_name or ''}",
                 tr("事项：%1（%2）").replace("%1", r.item_name).replace("%2", r.item_code),
                 tr("核查时间：%1；办理结果：%2").replace("%1", local_text(r.checked_at))
                 .replace("%2", core_text(r.outcome_label)),
                 tr("承诺：%1，承诺书 %2（文本 %3 第 %4 版）")
                 .replace("%1", core_text(COMMITMENT_LABELS[c["type"]])).replace("%2", c["form_no"])
                 .replace("%3", c["template_id"]).replace("%4", c["template_version"]),
                 tr("期限：%1").replace("%1", c.get("due") or "—")]
        if c.get("missing"):
            lines.append(tr("欠缺材料：%1").replace("%1", "、".join(c["missing"])))
        if r.note:
            lines.append(tr("说明：%1").replace("%1", r.note))
        self.dueDetail.setPlainText("\n".join(lines))

    def selected(self):
        row = self.dueTable.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.fulfilButton.setEnabled(has)
        self.breachButton.setEnabled(has)

    # -- settling ---------------------------------------------------------------------------

    def fulfil_selected(self) -> None:
        d = self.selected()
        if d is not None:
            self._write(d.check_id, "fulfilled", "")

    def breach_selected(self) -> BreachDialog | None:
        d = self.selected()
        if d is None or self.dialog is not None:
            return None
        dialog = self.dialog = BreachDialog(self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(code: int) -> None:
            self.dialog = None
            note = dialog.note()
            dialog.deleteLater()
            if code == QDialog.DialogCode.Accepted:
                self._write(d.check_id, "breached", note)
        dialog.finished.connect(answered)
        dialog.open()
        dialog.breachNoteInput.setFocus()
        return dialog

    def _write(self, check_id: int, state: str, note: str) -> None:
        self.fulfilButton.setEnabled(False)
        self.breachButton.setEnabled(False)
        self.jobs.submit(_settle, self.ctx, check_id, state, note, cancellable=False,
                         on_done=self._written,
                         on_error=lambda exc: (self._say(self.tr("未记录：%1").replace("%1", reason(exc)),
                                                         error=True), self._update_buttons()))

    def _written(self, record) -> None:
        word = self.tr("已履约") if record.commitment["state"] == "fulfilled" else self.tr("违诺")
        self._say(self.tr("已记录承诺%1：记录 %2（针对记录 %3），将上报省平台。")
                  .replace("%1", word).replace("%2", str(record.record_id))
                  .replace("%3", str(record.refers_to)))
        self.settled.emit(record)
        self.refresh()
        self.dueTable.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3001b; font-weight: bold;" if error else "")
