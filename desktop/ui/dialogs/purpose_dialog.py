"""The purpose of a lookup of a natural person (授权书编号 or 履职依据), asked before the lookup runs:
the check of an identity number starts only once the clerk has given one, and it goes into the
lookup's access record."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from desktop.check.purpose import MAX_PURPOSE, purpose_problem
from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_dialog import FitsText


class PurposeDialog(FitsText, Retranslatable, QDialog):
    given = Signal(str)  # the purpose, once it stands

    def __init__(self, masked_code: str, suggested: str = "", parent=None):
        super().__init__(parent, objectName="purposeDialog")
        self.masked_code = masked_code
        self.intro = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.purpose_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.purpose = QLineEdit(suggested, objectName="purposeInput")
        self.purpose.setMaxLength(MAX_PURPOSE)
        self.purpose_label.setBuddy(self.purpose)
        self.error = QLabel(objectName="purposeError", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.error.setProperty("verdict", "refused")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.purpose_label, self.purpose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("查询用途"))
        self.intro.setText(self.tr("核查自然人 %1 须说明查询用途：授权书编号或履职依据。"
                                   "本次查询将以您的工号记入查询留痕。").replace("%1", self.masked_code))
        self.purpose_label.setText(self.tr("查询用途(&P)"))
        self.purpose.setAccessibleName(self.tr("查询用途"))
        self.purpose.setPlaceholderText(self.tr("如：授权书 SQ-2026-0042，或 依法履职：行政许可审查"))

    def _submit(self) -> None:
        problem = purpose_problem(self.purpose.text())
        if problem is not None:
            self.error.setText(i18n.render(problem))
            self.error.show()
            self.purpose.setFocus()
            return
        self.given.emit(self.purpose.text().strip())
        self.accept()
