"""Dialogs that size to their text: wide enough for every label, button and path at the clerk's
font size, never larger than the screen they open on (a 1366x768 monitor at font 20 included).
What does not fit the screen scrolls; a path wider than the screen keeps its full text one hover
away and can still be scrolled through in its field."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QStyle, QWidget

from desktop.ui.widgets.plain_text import tooltip

# Room kept for the window manager's title bar and borders around a dialog.
FRAME = QSize(16, 40)
# A read-only path field may take this share of the screen's width; its label needs the rest.
PATH_SHARE = 0.7


def room(widget: QWidget) -> QSize:
    """The largest size ``widget`` may take as a top-level window on its screen."""
    screen = widget.screen() or QApplication.primaryScreen()
    return screen.availableGeometry().size() - FRAME


def show_whole(edit: QLineEdit, widest: int) -> None:
    """Make ``edit`` wide enough for its whole text, up to ``widest`` pixels; the full text is
    its tooltip either way, and a read-only field shows the start of it."""
    text = edit.text()
    margins = edit.textMargins()
    padding = 2 * edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + 16
    needed = edit.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + padding
    edit.setMinimumWidth(min(needed, widest))
    edit.setToolTip(tooltip(text))  # a path or a name from outside: shown as text
    if edit.isReadOnly():       # never move the cursor under the clerk's typing
        edit.setCursorPosition(0)


class WholeScrollArea(QScrollArea):
    """A scroll area that asks for its whole content (QScrollArea caps its size hint at 36x24
    lines), so a dialog grows to show everything and scrolls only where the screen ends."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        frame = 2 * self.frameWidth()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        hint = inner.sizeHint()
        return QSize(hint.width() + frame + bar, hint.height() + frame)


class FitsText:
    """Mixin, listed before QDialog: fit to the text when shown and when the font changes."""

    def fit_paths(self) -> None:
        """Read-only fields hold paths and addresses: show them whole where the screen allows."""
        widest = int(room(self).width() * PATH_SHARE)
        for edit in self.findChildren(QLineEdit):
            if edit.isReadOnly():
                show_whole(edit, widest)

    def fit_to_text(self) -> None:
        self.fit_paths()
        limit = room(self)
        self.setMaximumSize(limit)
        # Scroll areas' contents are laid out apart: bring their hints up to date first.
        for area in self.findChildren(QScrollArea):
            inner = area.widget()
            if inner is not None and inner.layout() is not None:
                inner.layout().activate()
            area.updateGeometry()
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        hint = self.sizeHint().expandedTo(self.minimumSizeHint())
        # A size the dialog asked for (resize() before show) or the clerk dragged is a floor.
        floor = self.size() if self.testAttribute(Qt.WidgetAttribute.WA_Resized) else QSize(0, 0)
        width = min(max(hint.width(), floor.width()), limit.width())
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        height = max(height, hint.height(), floor.height())
        self.resize(width, min(height, limit.height()))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.fit_to_text()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange) and self.isVisible():
            # After the new font reached every child (they are polished after this event).
            QTimer.singleShot(0, self, self.fit_to_text)
