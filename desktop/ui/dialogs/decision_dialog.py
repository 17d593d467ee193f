"""A later decision on, or a correction of, a recorded check. The dialog only collects the
decision; the case file decides whether it is allowed (a mandated measure dropped without a note,
an unverified check granted without a reason...) and the dialog shows its refusal as it is, staying
open so the clerk can fix it. The earlier record is never changed: a new record points at it."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from desktop.casefile.record import OUTCOMES, STATUS_LABELS, CaseRecord
from desktop.casefile.store import Decision
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_dialog import FitsText
from desktop.ui.widgets.plain_text import plain_label, shown, tooltip


class DecisionDialog(FitsText, Retranslatable, QDialog):
    submitted = Signal(object)  # Decision: the owner records it and calls accept() or show_error()

    def __init__(self, record: CaseRecord, parent=None):
        super().__init__(parent, objectName="decisionDialog")
        self.record = record
        self.summary = plain_label(name="decisionSummary", wrap=True)   # holds the subject's name
        self.case_no = QLineEdit(record.case_no, objectName="decisionCaseNo")
        self.outcome = QComboBox(objectName="decisionOutcome")
        self.measures = QListWidget(objectName="decisionMeasures")
        applied = set(record.measures_applied)
        for m in record.measures_shown:
            item = QListWidgetItem(f"{m.measure_id}  {shown(m.content)}")
            item.setData(Qt.ItemDataRole.UserRole, m.measure_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # What the earlier record applied is the starting point; a correction usually
            # changes one thing.
            item.setCheckState(Qt.CheckState.Checked if m.measure_id in applied
                               else Qt.CheckState.Unchecked)
            item.setToolTip(tooltip(f"{m.content}\n\n{m.basis}"))
            self.measures.addItem(item)
        self.note = QPlainTextEdit(objectName="decisionNote")
        self.note.setTabChangesFocus(True)
        self.error = plain_label(name="decisionError", wrap=True)
        self.error.setProperty("verdict", "refused")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        # Ctrl+Enter records, as on the check page (Enter alone would end a line of the note).
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self._submit_if_enabled)
        self.buttons.rejected.connect(self.reject)

        self.labels = [QLabel(textFormat=Qt.TextFormat.PlainText) for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.case_no, self.outcome, self.measures, self.note)):
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(record.outcome)))
        self.outcome.setFocus()

    def retranslate(self) -> None:
        r = self.record
        self.setWindowTitle(self.tr("更正/后续决定（记录 %1）").replace("%1", str(r.record_id)))
        self.summary.setText(
            self.tr("针对记录 %1：%2 %3，%4，原办理结果“%5”。原记录保持不变，新决定作为新记录追加。")
            .replace("%1", str(r.record_id)).replace("%2", r.masked_code)
            .replace("%3", r.subject_name or "")
            .replace("%4", i18n.translate("core", STATUS_LABELS.get(r.status, r.status)))
            .replace("%5", i18n.translate("core", OUTCOMES.get(r.outcome, r.outcome))))
        current = self.outcome.currentData()
        self.outcome.clear()
        for key, label in OUTCOMES.items():
            self.outcome.addItem(i18n.translate("core", label), key)
        if current is not None:
            self.outcome.setCurrentIndex(self.outcome.findData(current))
        texts = (self.tr("办件编号(&N)"), self.tr("办理结果(&O)"), self.tr("执行的措施(&M)"),
                 self.tr("说明/理由(&R)"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
        self.note.setPlaceholderText(self.tr("写明更正或决定的理由；不执行必须执行的措施时必填"))
        self.case_no.setAccessibleName(self.tr("办件编号"))
        self.outcome.setAccessibleName(self.tr("办理结果"))
        self.measures.setAccessibleName(self.tr("执行的措施"))
        self.note.setAccessibleName(self.tr("说明/理由"))

    def decision(self) -> Decision:
        applied = tuple(self.measures.item(i).data(Qt.ItemDataRole.UserRole)
                        for i in range(self.measures.count())
                        if self.measures.item(i).checkState() == Qt.CheckState.Checked)
        return Decision(case_no=self.case_no.text(), outcome=self.outcome.currentData(),
                        note=self.note.toPlainText(), measures_applied=applied)

    def _submit_if_enabled(self) -> None:
        if self.buttons.isEnabled():
            self._submit()

    def _submit(self) -> None:
        self.error.hide()
        self.buttons.setEnabled(False)  # one write per click; re-enabled on refusal
        self.submitted.emit(self.decision())

    def show_error(self, text: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()
