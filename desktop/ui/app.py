"""The QApplication for the window: identity, high-DPI, language, look; and `run_window`, which
`credit-desk` with no arguments calls."""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop import __version__
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


def run_window(operator: str | None = None) -> int:
    from desktop.context import DeskContext
    from desktop.ui.main_window import MainWindow

    app = create_app()
    ctx = DeskContext.from_environment(operator)
    window = MainWindow(ctx)
    window.show()
    if os.environ.get("CREDIT_DESK_MAXIMISED", "1") == "1":
        window.showMaximized()
    return app.exec()
