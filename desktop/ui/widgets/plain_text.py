"""Text from outside the desk — the platform, the snapshot, the case file — shown as data.

A QLabel in Qt's default (automatic) format renders anything that looks like HTML: a company name
holding ``<div style="color:green">✔ 未命中</div>`` would paint a green "clear" under a black-list
badge. Tooltips are judged the same way. So labels that show such text are plain text, tooltips
are escaped, and long values are cut for the label or cell (the full text on hover and in the
detail pane) and never allowed to widen the window."""
from __future__ import annotations

import html
import re
import unicodedata

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QWidget

from desktop.site.text import one_line

# What a label or a table cell shows of one value before "…"; the rest is on hover.
SHOWN_CHARS = 60

# Text every character of which draws the same without shaping: Latin letters and symbols,
# Chinese, kana without combining marks, full-width forms, line breaks. Table cells of such text
# are laid out with HarfBuzz skipped (Qt's PreferNoShaping). Anything else is shaped: set on the
# whole window, PreferNoShaping drew the letters of an Arabic-script (Uyghur) name unjoined,
# whatever Qt's documentation says. (Not on labels: a font set on a label either loses to the
# style sheet's font rules at the next polish or hides them.)
_RANGES = ((0x20, 0x7E), (0xA0, 0x2FF), (0x2010, 0x2027), (0x2030, 0x205E), (0x2100, 0x27BF),
           (0x3000, 0x3029), (0x3030, 0x3098), (0x309B, 0x9FFF), (0xF900, 0xFAFF),
           (0xFF00, 0xFFEF))
# Within those ranges, but drawn otherwise when shaped: the fonts join the tone letters
# (U+02E5-02E9) into contours and the vertical kana repeat marks (U+3031-3035) into one mark.
_CONTEXTUAL = frozenset(range(0x2E5, 0x2EA)) | frozenset(range(0x3031, 0x3036))


def _unshaped_class() -> str:
    """The ranges as a regex class, without the code points Unicode (as this Python knows it)
    leaves unassigned: unshaped, Qt gave such a character (U+3097, say) no width and no box, so
    a name with one inside read as the name without it; shaped, it shows a box."""
    parts, start = [], None
    for low, high in _RANGES:
        for point in range(low, high + 2):
            keep = (point <= high and point not in _CONTEXTUAL
                    and unicodedata.category(chr(point)) != "Cn")
            if keep and start is None:
                start = point
            elif not keep and start is not None:
                parts.append(f"\\u{start:04x}-\\u{point - 1:04x}")
                start = None
    return "".join(parts)


_UNSHAPED = re.compile("[\\n" + _unshaped_class() + "]*").fullmatch
_unshaped: QFont | None = None


def unshaped_font(text: str) -> QFont | None:
    """For ``text`` that draws the same without shaping, a font that says only that: an item
    view resolves it against its own font, so family, size and weight still come from the view
    and the clerk's settings. None for any other text."""
    global _unshaped
    if _UNSHAPED(text) is None:
        return None
    if _unshaped is None:
        _unshaped = QFont()
        _unshaped.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return _unshaped


class WrappedLabel(QLabel):
    """A plain label that wraps in the width the layout gives it.

    Its height is its heightForWidth, and it asks for no width (make_plain), so its size hints
    are only a line's height (QLabel's own laid the text out up to five times at made-up widths,
    a "nice" width, one line, the longest word, after every change of text, for numbers the
    layout then does not use). Heights are kept per width until the text, font or margins
    change: laying out a result asks each label for its height at the same few widths (the
    panel's, its size hint's, the page's minimum) several times over."""

    _hint: QSize | None = None
    _heights: dict[int, int] | None = None
    _heights_for = ""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if self._hint is None:
            margins = self.contentsMargins()
            self._hint = QSize(1 + margins.left() + margins.right(),
                               self.fontMetrics().lineSpacing() + margins.top() + margins.bottom())
        return self._hint

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSizeHint()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        text = self.text()
        if self._heights is None or self._heights_for != text:
            self._heights, self._heights_for = {}, text
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange,
                            QEvent.Type.ContentsRectChange):
            self._hint = self._heights = None
        super().changeEvent(event)


class ElidedLabel(QLabel):
    """One line of plain text that gives way when its row is short of room: its end drawn as "…"
    and the whole of it on hover (unless the label has a tooltip of its own). A QLabel in a full
    row was cut off mid-character at the window's edge (the status bar's facts in English).
    ``text()`` stays the whole text, for readers and tests alike."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance("…") + margins.left() + margins.right(),
                     super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """What is drawn: the text, or its start and "…" when the label is narrower."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()),
                                  self.palette(), self.isEnabled(), self.shown_text(),
                                  self.foregroundRole())

    def event(self, event) -> bool:
        if (event.type() == QEvent.Type.ToolTip and not self.toolTip()
                and self.shown_text() != self.text()):
            QToolTip.showText(event.globalPos(), tooltip(self.text()), self)
            return True
        return super().event(event)


def plain_label(parent: QWidget | None = None, *, name: str | None = None, wrap: bool = False) -> QLabel:
    """A label that shows its text literally and takes the width the layout gives it, never the
    width its text would like (a 200-character name must not push the window off the screen)."""
    label = WrappedLabel(parent) if wrap else QLabel(parent)
    if name:
        label.setObjectName(name)
    make_plain(label)
    label.setWordWrap(wrap)
    return label


def make_plain(label: QLabel) -> None:
    label.setTextFormat(Qt.TextFormat.PlainText)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(1)


def shown(text: str | None, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, on one line, without the controls and bidi
    overrides that would break the line or reverse what follows."""
    text = " ".join(one_line(text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally: escaped inside rich text (which also wraps long
    values instead of drawing one line across the screen)."""
    if not text:
        return ""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"
