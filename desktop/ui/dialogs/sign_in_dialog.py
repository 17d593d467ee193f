"""Operator sign-in (工号): who looks people up and records the checks at this counter.

As the deployment config says (``[operators]``): with ``auth = "platform"`` the clerk gives
operator id and password and the desk signs in against the platform (or, when it is down, against
the verifier of the last online sign-in), off the GUI thread; with ``auth = "os"`` the operator is
the OS account's, shown and confirmed. The demo signs nobody in: the operator id is only a name
for the records, and the dialog says so. The operator id is remembered per machine in the
settings file, so the window offers the last one the next morning (never the password)."""
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

from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.dialogs import user_settings
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_dialog import FitsText


class SignInDialog(FitsText, Retranslatable, QDialog):
    signed_in = Signal(str)  # the operator id, once signed in (and stored)

    def __init__(self, current: str, runner, parent=None, *, ctx=None):
        super().__init__(parent, objectName="signInDialog")
        self.runner = runner
        self.ctx = ctx
        ops = ctx.config.operators if ctx is not None else None
        self.mode = ops.auth if ops is not None else "demo"
        self.intro = QLabel(wordWrap=True, objectName="signInIntro", textFormat=Qt.TextFormat.PlainText)
        self.operator_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.operator = QLineEdit(current, objectName="operatorInput")
        self.operator.selectAll()
        self.operator_label.setBuddy(self.operator)
        self.password_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.password = QLineEdit(objectName="passwordInput")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label.setBuddy(self.password)
        self.error = QLabel(objectName="signInError", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.error.setProperty("verdict", "refused")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.operator_label, self.operator)
        if self.mode == "platform":
            form.addRow(self.password_label, self.password)
            if current:
                self.password.setFocus()
        else:
            self.password_label.hide()
            self.password.hide()
        if self.mode == "os":
            # The OS account decides: nothing typed here can change who is signed in.
            self.operator.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("操作员登录"))
        intro = {
            "demo": self.tr("演示模式无需登录：工号只用于记档，不作身份验证。请输入您的工号，本机会记住它。"),
            "platform": self.tr("请输入工号和密码，向信用平台登录。平台不可用时，可用最近一次在线登录过的工号和密码离线登录。"),
            "os": self.tr("操作员由本机操作系统账户决定（部署配置 [operators.os_map]）。"),
        }[self.mode]
        self.intro.setText(intro)
        self.operator_label.setText(self.tr("工号(&O)"))
        self.operator.setAccessibleName(self.tr("工号"))
        self.password_label.setText(self.tr("密码(&P)"))
        self.password.setAccessibleName(self.tr("密码"))

    def _submit(self) -> None:
        operator = self.operator.text().strip()
        if self.mode != "os":
            problem = user_settings.operator_problem(operator)
            if problem is not None:
                self.show_error(i18n.render(problem))
                return
        self.error.hide()
        self.buttons.setEnabled(False)
        password = self.password.text()
        self.password.clear()  # not kept in a widget longer than the sign-in takes

        def stored(_settings) -> None:
            self.signed_in.emit(operator)
            self.accept()

        def remember(_session=None) -> None:
            self.runner.submit(user_settings.update, operator=operator, on_done=stored,
                               on_error=lambda exc: self.show_error(
                                   self.tr("无法保存工号：%1").replace("%1", str(exc))),
                               cancellable=False)

        if self.mode == "demo":
            remember()
            return

        def signed(session) -> None:
            self.operator.setText(session.operator)
            nonlocal operator
            operator = session.operator
            remember()

        # Network and a memory-hard hash: never on the GUI thread.
        self.runner.submit(self.ctx.sign_in, password, operator, on_done=signed,
                           on_error=self._refused, cancellable=False)

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.show_error(i18n.render(exc.message))
        else:
            self.show_error(self.tr("登录失败：%1").replace("%1", type(exc).__name__))

    def show_error(self, text: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()
        target = self.password if self.mode == "platform" and self.operator.text() else self.operator
        target.setFocus()
        target.selectAll()
