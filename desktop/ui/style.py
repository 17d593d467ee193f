"""The look: the high-contrast style sheet, the clerk's font size and the drawn icons, all from
``resources/`` so that a frozen build finds them through ``desktop.site.paths.resources()``."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop.site import paths

DEFAULT_FONT_SIZE = 11
FONT_SIZES = range(9, 21)
ICONS = ("app", "stop", "warning", "check", "star", "unverified")
# The family order that shows Chinese without boxes on every desk: Latin first keeps digits in
# codes and dates in the Latin face, CJK after it covers every ideograph.
UI_FAMILIES = ("Noto Sans", "DejaVu Sans", "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei",
               "Source Han Sans SC", "WenQuanYi Micro Hei")


def installed_families() -> list[str]:
    """UI_FAMILIES this desk has, in their order. Qt does not skip a family the desk lacks: the
    system stands in its default face (here DejaVu Sans for Noto Sans, Segoe UI and Microsoft
    YaHei alike), and every Chinese character was looked for in each stand-in before the CJK face,
    in every text layout: a seventh of the text shaping of a result (callgrind, 2 December). The
    faces drawn are the same."""
    have = set(QFontDatabase.families())
    return [family for family in UI_FAMILIES if family in have] or list(UI_FAMILIES)


def style_sheet() -> str:
    return (paths.resources() / "style" / "credit-desk.qss").read_text(encoding="utf-8")


def icon(name: str) -> QIcon:
    if name not in ICONS:
        raise ValueError(f"no icon named {name!r}")
    return QIcon(str(paths.resources() / "icons" / f"{name}.svg"))


def clamp_font_size(size) -> int:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return DEFAULT_FONT_SIZE
    return min(max(size, FONT_SIZES.start), FONT_SIZES.stop - 1)


def apply_font_size(app: QApplication, size: int) -> None:
    """The clerk's font size for every widget, at once. With an application style sheet Qt keeps
    the fonts widgets were polished with, so the sheet is applied again: every widget is then
    re-polished in the new font (and widgets sized relative to it follow, keep_relative_font)."""
    font = QFont(app.font())
    font.setFamilies(installed_families())
    font.setPointSize(clamp_font_size(size))
    app.setFont(font)
    if app.styleSheet():
        app.setStyleSheet(app.styleSheet())
    for widget in app.allWidgets():
        if widget.property("fontFactor"):
            _scale(widget)


def keep_relative_font(widget: QWidget, factor: float, *, bold: bool = False,
                       at_most: float | None = None) -> None:
    """``widget`` shows the application font scaled by ``factor`` (and no larger than ``at_most``
    points), now and after every change of the clerk's font size (a font set on a widget
    otherwise stays as it was set)."""
    widget.setProperty("fontFactor", factor)
    widget.setProperty("fontBold", bold)
    widget.setProperty("fontAtMost", at_most or 0.0)
    _scale(widget)


def _scale(widget: QWidget) -> None:
    font = QFont(QApplication.font())
    size = font.pointSizeF() * float(widget.property("fontFactor"))
    at_most = float(widget.property("fontAtMost") or 0.0)
    font.setPointSizeF(min(size, at_most) if at_most else size)
    if widget.property("fontBold"):
        font.setBold(True)
    widget.setFont(font)


def apply_style(app: QApplication, font_size: int | None = None) -> None:
    """Style sheet, window icon and font size for the whole application."""
    # The white of pages, panels and viewports (the style sheet's window and dialog grey goes
    # over it): from the palette, so only widgets that fill a background paint it. A light
    # palette whatever the desk's colour scheme: the style sheet's dark text is read on it (a
    # Windows desk in dark mode would give dark buttons and frames under that text).
    app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    palette = QPalette(app.style().standardPalette())
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        palette.setColor(role, QColor("#ffffff"))
    app.setPalette(palette)
    app.setStyleSheet(style_sheet())
    app.setWindowIcon(icon("app"))
    apply_font_size(app, DEFAULT_FONT_SIZE if font_size is None else font_size)
