"""Keyboard-wedge scanner input that lands in the wrong field.

A USB scanner types like a keyboard, only much faster, and ends with Enter. In the code field
that simply starts the check. When the clerk's cursor is elsewhere (writing the note, in the case
number or a pledge's form number, reading a measure's legal basis), a licence scanned for the
next applicant would otherwise end up in that field. The detector watches those fields: a burst
of keystrokes, each within ``MAX_GAP`` of the previous, ending with Enter, that is a code or a
licence URL, is taken out of the field and handed to the check instead. A burst that is not a code (a case-number barcode scanned into the case number)
stays where it was typed; hand typing is far slower than a scanner and is never diverted."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from desktop.check.codes import InvalidCode, looks_like_url, parse

MAX_GAP = 0.05      # seconds between a scanner's keystrokes; people type 5-10x slower
MIN_LENGTH = 15     # shortest burst taken for a scan (codes are 18, URLs longer)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_scannable(text: str) -> bool:
    if looks_like_url(text):
        return True
    try:
        parse(text)
    except InvalidCode:
        return False
    return True


class ScanDetector(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, clock=time.perf_counter):
        super().__init__(parent)
        self._clock = clock
        self._bursts: dict[QWidget, tuple[list[str], float]] = {}

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress:
            return False
        now = self._clock()
        chars, last = self._bursts.get(watched, ([], 0.0))
        fresh = now - last <= MAX_GAP
        if event.key() in ENTER_KEYS and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            self._bursts.pop(watched, None)
            text = "".join(chars)
            if fresh and len(text) >= MIN_LENGTH and is_scannable(text):
                _remove_typed(watched, text)
                self.scanned.emit(text)
                return True  # the Enter belongs to the scan, not to the field
            return False
        typed = event.text()
        if typed and typed.isprintable():
            self._bursts[watched] = ((chars if fresh else []) + [typed], now)
        return False


def _remove_typed(widget: QObject, text: str) -> None:
    """Take the burst back out of the field it was typed into, leaving the rest as it was."""
    if isinstance(widget, QLineEdit):
        current = widget.text()
        cursor = widget.cursorPosition()
        if current[:cursor].endswith(text):
            widget.setText(current[:cursor - len(text)] + current[cursor:])
            widget.setCursorPosition(cursor - len(text))
    elif isinstance(widget, QPlainTextEdit):
        cursor = widget.textCursor()
        start = cursor.position() - len(text)
        if start >= 0 and widget.toPlainText()[start:cursor.position()] == text:
            cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
