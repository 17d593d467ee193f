"""The large status badge: colour, an icon and words, so that it reads for colour-blind staff and
from across the counter. Black list red with a stop sign, focus amber with a warning, red list
green with a star, clear grey-green with a check, unverified striped grey."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from desktop.casefile.record import SEVERITY_LABELS, STATUS_LABELS
from desktop.check.model import CheckResult, Status
from desktop.ui import style

# state: (icon, background, text colour). Contrast of text on background >= 4.5:1 everywhere.
LOOKS = {
    "black": ("stop", "#b3001b", "#ffffff"),
    "focus": ("warning", "#f2a900", "#111111"),
    "red": ("star", "#1b7a36", "#ffffff"),
    "clear": ("check", "#5e8a6e", "#ffffff"),
    # Stripes say "no answer" even in greyscale print-outs and to colour-blind eyes.
    "unverified": ("unverified", "qlineargradient(spread:repeat, x1:0, y1:0, x2:0.04, y2:0.04, "
                                 "stop:0 #8c8c8c, stop:0.5 #8c8c8c, stop:0.51 #a6a6a6, "
                                 "stop:1 #a6a6a6)", "#111111"),
    "checking": (None, "#e3e7eb", "#111111"),
    "idle": (None, "#eef1f4", "#333333"),
}


def state_of(result: CheckResult) -> str:
    """The badge state: the most serious severity of a hit, else the status."""
    if result.status == Status.HIT and result.severities:
        return result.severities[0]
    return "unverified" if result.status == Status.UNVERIFIED else "clear"


class StatusBadge(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._icon = QLabel(self)
        self._icon.setObjectName("statusBadgeIcon")
        self._text = QLabel(self)
        self._text.setObjectName("statusBadgeText")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = self._text.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self._text.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.addWidget(self._icon)
        row.addWidget(self._text, 1)
        self.state = ""
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
        icon_name, background, colour = LOOKS[state]
        self.state = state
        if icon_name:
            self._icon.setPixmap(style.icon(icon_name).pixmap(QSize(40, 40)))
            self._icon.show()
        else:
            self._icon.clear()
            self._icon.hide()
        self._text.setText(text)
        # Background on the frame only (by object name), so child labels stay transparent.
        self.setStyleSheet(f"#statusBadge {{ background: {background}; border-radius: 6px; }}"
                           f"#statusBadge QLabel {{ background: transparent; color: {colour}; }}")
        self.setAccessibleDescription(text)

    def show_idle(self) -> None:
        self._show("idle", self.tr("请扫描或输入统一社会信用代码"))

    def show_checking(self) -> None:
        self._show("checking", self.tr("正在核查…"))

    def show_invalid(self, reason: str) -> None:
        self._show("idle", self.tr("代码无效，未查询：%1").replace("%1", reason))

    def show_result(self, result: CheckResult) -> None:
        def core(text: str) -> str:
            return QCoreApplication.translate("core", text)
        state = state_of(result)
        if result.status == Status.HIT:
            text = (self.tr("%1：%2").replace("%1", core(STATUS_LABELS["hit"]))
                    .replace("%2", self.tr("、").join(core(SEVERITY_LABELS[s]) for s in result.severities)))
        else:
            text = core(STATUS_LABELS[str(result.status)])
        self._show(state, text)
