"""The window's lock (deployments with ``[operators]``; the demo has none): after
``lock_minutes`` without a key press or click, and when the operator is switched, the pages are
hidden behind a lock panel, the session (and its platform token) is dropped, and only a new
sign-in opens them again. A window that starts with nobody signed in starts locked.

Nothing is lost by locking: an unrecorded result stays where it was, out of sight."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui import i18n
from desktop.ui.i18n import Retranslatable

ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)


class LockPanel(Retranslatable, QWidget):
    unlock_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent, objectName="lockPanel")
        self.title = QLabel(objectName="lockTitle", alignment=Qt.AlignmentFlag.AlignCenter, textFormat=Qt.TextFormat.PlainText)
        self.reason = QLabel(objectName="lockReason", alignment=Qt.AlignmentFlag.AlignCenter,
                             wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.button = QPushButton(objectName="unlockButton")
        self.button.clicked.connect(self.unlock_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("窗口已锁定"))
        self.button.setText(self.tr("登录解锁(&U)"))
        self.button.setAccessibleName(self.tr("登录解锁"))


class DeskLock(QObject):
    """Watches the application's input for activity and locks ``window`` when it stops."""
    locked_changed = Signal(bool)

    def __init__(self, window, minutes: int):
        super().__init__(window)
        self.window = window
        self.locked = False
        self.panel = LockPanel(window)
        self.panel.hide()
        self.panel.unlock_requested.connect(self.ask_sign_in)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(minutes * 60_000)
        self.timer.timeout.connect(lambda: self.lock(self.tr("%1 分钟无操作，已自动锁定。")
                                                     .replace("%1", str(minutes))))
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in ACTIVITY and not self.locked:
            self.timer.start()  # restart: the countdown is from the last activity
        return False

    def lock(self, reason: str) -> None:
        """Hide the pages and drop the session; the sign-in dialog is offered at once."""
        self.window.ctx.sign_out()
        self.timer.stop()
        self.panel.reason.setText(reason)
        self.panel.setGeometry(self.window.centralWidget().geometry())
        self.window.centralWidget().hide()
        self.panel.show()
        self.panel.raise_()
        if not self.locked:
            self.locked = True
            self.locked_changed.emit(True)
        self.ask_sign_in()

    def unlock(self) -> None:
        self.panel.hide()
        self.window.centralWidget().show()
        self.locked = False
        self.timer.start()
        self.locked_changed.emit(False)

    def ask_sign_in(self, operator: str | None = None) -> None:
        self.window.open_sign_in(operator)

    def resize_panel(self) -> None:
        if self.locked:
            self.panel.setGeometry(self.window.centralWidget().geometry())

    def refusal(self, message) -> None:
        self.panel.reason.setText(i18n.render(message))
