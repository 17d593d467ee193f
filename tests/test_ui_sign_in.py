"""Sign-in, lock and unlock in the window (issue 17 item 1): a production window opens locked until
a clerk signs in, locks after inactivity and when the operator is switched, and the demo says it
needs no sign-in."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget
from shiboken6 import isValid
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401
from ui_fixtures import close_window, open_window, scan, wait_idle, widget

PLATFORM_AUTH = '\n[operators]\nauth = "platform"\noffline_days = 7\nlock_minutes = 15\n'
OPERATOR, PASSWORD = "GZ-0117", "correct horse battery"


def start(qtbot):
    from desktop.desk.context import DeskContext
    from desktop.ui.app import create_app
    from desktop.ui.main_window import MainWindow

    create_app()
    window = MainWindow(DeskContext.from_environment())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.check_page.is_ready, timeout=10_000)
    return window


def sign_in_dialog(qtbot, window) -> QDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog, "signInDialog")),
                    timeout=5000)
    return next(d for d in window.findChildren(QDialog, "signInDialog") if d.isVisible())


def sign_in(qtbot, window, password: str, operator: str | None = None) -> QDialog:
    dialog = sign_in_dialog(qtbot, window)
    if operator is not None:
        field = dialog.findChild(QLineEdit, "operatorInput")
        field.setText(operator)
    field = dialog.findChild(QLineEdit, "passwordInput")
    field.setFocus()
    qtbot.keyClicks(field, password)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible()
                    or dialog.findChild(QLabel, "signInError").isVisible(), timeout=10_000)
    return dialog


def locked(window) -> bool:
    return widget(window, "lockPanel").isVisible() and not window.tabs.isVisible()


def test_a_platform_window_opens_locked_and_a_sign_in_opens_it(qtbot, online, monkeypatch):
    online.platform.state.operators = {OPERATOR: PASSWORD}
    online.configure(operators=PLATFORM_AUTH)
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", OPERATOR)
    window = start(qtbot)
    try:
        qtbot.waitUntil(lambda: locked(window), timeout=5000)
        dialog = sign_in(qtbot, window, "wrong")
        assert "工号或密码不正确" in dialog.findChild(QLabel, "signInError").text()
        assert locked(window) and window.ctx.session is None
        assert dialog.findChild(QLineEdit, "passwordInput").text() == ""  # not kept in the widget
        sign_in(qtbot, window, PASSWORD)
        qtbot.waitUntil(lambda: not locked(window), timeout=5000)
        assert OPERATOR in widget(window, "operatorLabel", QLabel).text()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        scan(qtbot, window, KNOWN["black"])
        assert window.check_page.result.source == "platform"
        assert [r.operator for r in online.platform.log if r.path == "/api/v1/subjects/query"] == [OPERATOR]

        # The sign-in expires: the next scan looks nobody up and locks the window.
        from datetime import datetime, timezone
        asked = len(online.platform.log)
        session = window.ctx.session
        window.ctx.session = type(session)(**{**session.__dict__, "expires": datetime.now(timezone.utc)})
        window.check_page.clear()  # the last result left unrecorded: not what this is about
        scan(qtbot, window, KNOWN["focus"], wait=False)
        qtbot.waitUntil(lambda: locked(window), timeout=5000)
        assert "登录已过期" in widget(window, "lockReason", QLabel).text()
        assert len(online.platform.log) == asked
        sign_in(qtbot, window, PASSWORD)
        qtbot.waitUntil(lambda: not locked(window), timeout=5000)

        # Inactivity locks (the interval shortened for the test); the token is dropped.
        window.desk_lock.timer.setInterval(100)
        window.desk_lock.timer.start()
        qtbot.waitUntil(lambda: locked(window), timeout=5000)
        assert window.ctx.session is None and window.ctx.platform.token is None
        assert "无操作" in widget(window, "lockReason", QLabel).text()
        sign_in(qtbot, window, PASSWORD)
        qtbot.waitUntil(lambda: not locked(window), timeout=5000)

        # Switching operator locks too, and the next clerk signs in as themself.
        online.platform.state.operators["GZ-0200"] = "another pass"
        window.findChild(type(window.action_sign_in), "actionSignIn").trigger()
        qtbot.waitUntil(lambda: locked(window), timeout=5000)
        sign_in(qtbot, window, "another pass", operator="GZ-0200")
        qtbot.waitUntil(lambda: not locked(window), timeout=5000)
        assert window.ctx.operator == "GZ-0200" and "GZ-0200" in widget(window, "operatorLabel", QLabel).text()
    finally:
        close_window(window)


def test_an_unmapped_os_account_finds_the_window_locked(qtbot, online):
    online.configure(operators='\n[operators]\nauth = "os"\n\n[operators.os_map]\n"someone-else" = "GZ-9"\n')
    window = start(qtbot)
    try:
        qtbot.waitUntil(lambda: locked(window), timeout=5000)
        dialog = sign_in_dialog(qtbot, window)
        password = dialog.findChild(QLineEdit, "passwordInput")
        assert password is None or not password.isVisible()  # the OS account decides
        dialog.findChild(QLineEdit, "operatorInput").setFocus()
        qtbot.keyClick(dialog.findChild(QLineEdit, "operatorInput"), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.findChild(QLabel, "signInError").isVisible(), timeout=5000)
        assert "未在配置 [operators.os_map] 中对应工号" in dialog.findChild(QLabel, "signInError").text()
        assert locked(window)
    finally:
        close_window(window)


def test_the_demo_needs_no_sign_in_and_says_so(qtbot):
    window = open_window(qtbot)
    try:
        assert "无需登录" in widget(window, "operatorLabel", QLabel).text()
        assert window.findChild(QWidget, "lockPanel") is None and window.desk_lock is None
    finally:
        close_window(window)
