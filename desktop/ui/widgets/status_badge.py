"""The large status badge: colour, an icon and words, so that it reads for colour-blind staff and
from across the counter. Black list red with a stop sign, focus amber with a warning, red list
green with a star, clear grey-green with a check, unverified striped grey."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QGradient, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from desktop.casefile.record import SEVERITY_LABELS, STATUS_LABELS
from desktop.check import policy
from desktop.check.model import CheckResult, Status
from desktop.ui import style

# state: (icon, background, text colour). Contrast of text on background >= 4.5:1 everywhere.
STRIPES = ("#8c8c8c", "#a6a6a6")
LOOKS = {
    "black": ("stop", "#b3001b", "#ffffff"),
    "focus": ("warning", "#f2a900", "#111111"),
    "red": ("star", "#1b7a36", "#ffffff"),
    "clear": ("check", "#5e8a6e", "#ffffff"),
    # Stripes say "no answer" even in greyscale print-outs and to colour-blind eyes.
    "unverified": ("unverified", STRIPES, "#111111"),
    # Every counting entry in objection: to be told, not yet acted on (保护权益).
    "objection": ("warning", "#ffe9a8", "#111111"),
    "checking": (None, "#e3e7eb", "#111111"),
    "idle": (None, "#eef1f4", "#333333"),
}


def active_severities(result: CheckResult) -> tuple[str, ...]:
    """Severities of the entries in force (counting and not in objection), most serious first."""
    active = {h.severity for h in policy.counting_hits(result.hits, result.checked_at)
              if h.state == "active"}
    return tuple(s for s in result.severities if s in active)


def state_of(result: CheckResult) -> str:
    """The badge state: the most serious severity of an entry in force; "objection" when every
    counting entry is in objection; else the status."""
    if result.status == Status.HIT and result.severities:
        active = active_severities(result)
        return active[0] if active else "objection"
    return "unverified" if result.status == Status.UNVERIFIED else "clear"


def _brush(background) -> QBrush:
    if isinstance(background, str):
        return QBrush(QColor(background))
    first, second = background  # thin diagonal stripes, repeated across the badge
    stripes = QLinearGradient(0, 0, 0.04, 0.04)
    stripes.setCoordinateMode(QGradient.CoordinateMode.ObjectBoundingMode)
    stripes.setSpread(QGradient.Spread.RepeatSpread)
    for stop, colour in ((0, first), (0.5, first), (0.51, second), (1, second)):
        stripes.setColorAt(stop, QColor(colour))
    return QBrush(stripes)


# Made once: a state change is then a repaint with another brush and pen. (Dynamic properties
# and a re-polish per change re-resolved the style sheet for the badge and its words on every
# check, a sizeable part of rendering a result.)
_BRUSHES = {state: _brush(look[1]) for state, look in LOOKS.items()}
_COLOURS = {state: QColor(look[2]) for state, look in LOOKS.items()}


class _Words(QLabel):
    """The badge's words in the state's colour; the label's own sizing and wrapping, plain text
    always (the words are the desk's, but a reason may quote what was typed)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.colour = QColor("#111111")

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.colour)
        flags = int(self.alignment()) | int(Qt.TextFlag.TextWordWrap)
        painter.drawText(self.contentsRect(), flags, self.text())


_pixmaps: dict[tuple[str, float], QPixmap] = {}


def _pixmap(name: str, ratio: float) -> QPixmap:
    """Each icon drawn once per screen scale: a QIcon made per check renders its SVG anew and
    leaves a pixmap behind in Qt's cache every time."""
    key = (name, ratio)
    if key not in _pixmaps:
        _pixmaps[key] = style.icon(name).pixmap(QSize(40, 40), ratio)
    return _pixmaps[key]


class StatusBadge(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._icon = QLabel(self, textFormat=Qt.TextFormat.PlainText)
        self._icon.setObjectName("statusBadgeIcon")
        self._text = _Words(self)
        self._text.setObjectName("statusBadgeText")
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        style.keep_relative_font(self._text, 1.6, bold=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.addWidget(self._icon)
        row.addWidget(self._text, 1)
        self.state = ""
        # The badge paints its own background (paintEvent); the sheet only keeps the
        # application's white out from under it.
        self.setStyleSheet("#statusBadge, #statusBadge QLabel { background: transparent; }")
        self.retranslate()
        self.show_idle()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("核查结果状态"))
        if self.state in ("idle", "checking"):
            (self.show_idle if self.state == "idle" else self.show_checking)()

    @property
    def text(self) -> str:
        return self._text.text()

    def _show(self, state: str, text: str) -> None:
        icon_name = LOOKS[state][0]
        if state != self.state:
            self.state = state
            if icon_name:
                self._icon.setPixmap(_pixmap(icon_name, self.devicePixelRatioF()))
                self._icon.show()
            else:
                self._icon.clear()
                self._icon.hide()
            self._text.colour = _COLOURS[state]
            self.update()  # the words repaint with the badge: they lie on it
        self._text.setText(text)
        self.setAccessibleDescription(text)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.state:
            return
        QPainter(self).fillRect(self.rect(), _BRUSHES[self.state])

    def show_idle(self) -> None:
        self._show("idle", self.tr("请扫描或输入统一社会信用代码"))

    def show_checking(self) -> None:
        self._show("checking", self.tr("正在核查…"))

    def show_invalid(self, reason: str) -> None:
        self._show("idle", self.tr("代码无效，未查询：%1").replace("%1", reason))

    def show_result(self, result: CheckResult) -> None:
        """Words that follow the entries' effective states, the same the hits table shows."""
        def core(text: str) -> str:
            return QCoreApplication.translate("core", text)

        def labels(severities) -> str:
            return self.tr("、").join(core(SEVERITY_LABELS[s]) for s in severities)
        state = state_of(result)
        if state == "objection":
            text = self.tr("异议处理中：%1").replace("%1", labels(result.severities))
        elif result.status == Status.HIT:
            text = (self.tr("%1：%2").replace("%1", core(STATUS_LABELS["hit"]))
                    .replace("%2", labels(active_severities(result))))
        elif result.status == Status.CLEAR and result.hits:
            # Entries listed, none in force (repaired or lapsed): not "nothing found".
            text = self.tr("无有效名单记录")
        else:
            text = core(STATUS_LABELS[str(result.status)])
        self._show(state, text)
