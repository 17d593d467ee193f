"""The QApplication for the window: identity, high-DPI, language, look; and `run_window`, which
`credit-desk` with no arguments calls."""
from __future__ import annotations

import gc
import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.site.messages import UserError
from desktop.ui import i18n, style
from desktop.ui.dialogs import user_settings


def create_app(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, set up once (tests get theirs from pytest-qt and pass through)."""
    app = QApplication.instance()
    if app is None:
        # 125%/150% Windows scaling must not be rounded to 100%/200%: text would be cut or huge.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName("CreditDesk")
    QCoreApplication.setApplicationName("Credit Desk")
    QCoreApplication.setApplicationVersion(__version__)
    settings = user_settings.load()
    install_language(app, settings.get("language"))
    style.apply_style(app, settings.get("font_size"))
    return app


def install_language(app: QApplication, language: str | None) -> str:
    """The translator install hook: zh_CN unless the clerk chose English."""
    return i18n.install(language, app)


def freeze_startup_objects() -> None:
    """Once the window takes scans: what it was built from lives as long as the process, so it
    is moved out of the garbage collector's reach. A full collection walked those 60,000 objects
    every few hundred scans, holding the window 25-40 ms in the middle of a scan; now 1-2 ms."""
    gc.collect()
    gc.freeze()


def run_window(operator: str | None = None, link: str | None = None) -> int:
    """The clerk's window; ``link`` is a creditdesk:// link from the approval system. When a
    window already runs for this data folder, it takes the link (or just comes to the front)."""
    from desktop.desk.context import DeskContext
    from desktop.ui.instance import hand_over
    from desktop.ui.main_window import MainWindow

    app = create_app()
    if hand_over(link or ""):
        return 0
    try:
        ctx = DeskContext.from_environment(operator)
    except UserError as exc:
        # A clerk starts the window from a menu, not a terminal: say it in a box, then exit with
        # the documented code (a bad deployment config is IT's to fix, so nothing else opens).
        # Plain text: the message quotes the config file and the paths it names.
        box = QMessageBox(QMessageBox.Icon.Critical,
                          QCoreApplication.translate("app", "无法启动信用核查窗口端"),
                          i18n.render(exc.message))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        return exc.exit_code
    window = MainWindow(ctx)
    window.ready.connect(freeze_startup_objects)
    window.attach_approval_system()
    if link:
        window.ready.connect(lambda: window.approval.open_link(link))
    if os.environ.get("CREDIT_DESK_MAXIMISED", "1") == "1":
        window.showMaximized()  # a counter PC runs nothing else; any size down to 1366x768 works
    else:
        window.show()  # measure_frozen.py times a plain window
    return app.exec()
