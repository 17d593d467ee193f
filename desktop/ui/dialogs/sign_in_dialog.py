"""Operator sign-in (工号): who records the checks at this counter. Remembered per machine in the
settings file, so the window opens signed in to the last operator the next morning."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from desktop.ui import i18n
from desktop.ui.dialogs import user_settings
from desktop.ui.i18n import Retranslatable


class SignInDialog(Retranslatable, QDialog):
    signed_in = Signal(str)  # the operator id, once it is stored

    def __init__(self, current: str, runner, parent=None):
        super().__init__(parent, objectName="signInDialog")
        self.runner = runner
        self.intro = QLabel(wordWrap=True)
        self.operator_label = QLabel()
        self.operator = QLineEdit(current, objectName="operatorInput")
        self.operator.selectAll()
        self.operator_label.setBuddy(self.operator)
        self.error = QLabel(objectName="signInError", wordWrap=True)
        self.error.setProperty("verdict", "refused")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.operator_label, self.operator)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("操作员登录"))
        self.intro.setText(self.tr("请输入您的工号。此后的核查记录都以该工号记档，本机会记住它。"))
        self.operator_label.setText(self.tr("工号(&O)"))
        self.operator.setAccessibleName(self.tr("工号"))

    def _submit(self) -> None:
        operator = self.operator.text().strip()
        problem = user_settings.operator_problem(operator)
        if problem is not None:
            self.show_error(i18n.render(problem))
            return
        self.error.hide()
        self.buttons.setEnabled(False)

        def stored(_settings) -> None:
            self.signed_in.emit(operator)
            self.accept()

        self.runner.submit(user_settings.update, operator=operator, on_done=stored,
                           on_error=lambda exc: self.show_error(
                               self.tr("无法保存工号：%1").replace("%1", str(exc))),
                           cancellable=False)

    def show_error(self, text: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()
        self.operator.setFocus()
        self.operator.selectAll()
