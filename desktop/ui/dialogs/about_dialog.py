"""About / status: versions, deployment, trust root, installed snapshot and its age, and whether
the platform answers right now. What IT staff ask for first on the phone, on one page."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from desktop.check.model import fmt_time
from desktop.site import clock
from desktop.ui import i18n, style
from desktop.ui.dialogs import desk_status
from desktop.ui.dialogs.desk_status import DeskStatus, Reachability
from desktop.ui.i18n import Retranslatable
from desktop.ui.widgets.fit_dialog import FitsText
from desktop.ui.widgets.plain_text import plain_label


class AboutDialog(FitsText, Retranslatable, QDialog):
    status_shown = Signal(object)        # DeskStatus
    reachability_shown = Signal(object)  # Reachability

    def __init__(self, ctx, runner, parent=None):
        super().__init__(parent, objectName="aboutDialog")
        self.ctx = ctx
        self.runner = runner
        self.status: DeskStatus | None = None
        self.reach: Reachability | None = None
        self.logo = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.logo.setPixmap(style.icon("app").pixmap(48, 48))
        self.heading = QLabel(objectName="aboutHeading", textFormat=Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold")
        self.text = QTextBrowser(objectName="aboutText")
        self.reach_label = plain_label(name="platformReachability", wrap=True)
        self.recheck = QPushButton(objectName="aboutRecheck")
        self.recheck.clicked.connect(self.check_platform)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.logo)
        top.addWidget(self.heading, 1)
        reach = QHBoxLayout()
        reach.addWidget(self.reach_label, 1)
        reach.addWidget(self.recheck)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addLayout(reach)
        layout.addWidget(self.buttons)
        # Room for the status table at the clerk's font (about 38 by 30 lines of text).
        line = self.fontMetrics().height()
        self.resize(38 * line, 30 * line)
        self.retranslate()
        self.runner.submit(desk_status.gather, ctx, on_done=self._show_status,
                           on_error=lambda exc: self.text.setPlainText(str(exc)))
        self.check_platform()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("关于与状态"))
        self.heading.setText(self.tr("信用核查窗口端 Credit Desk"))
        self.recheck.setText(self.tr("重新检测平台"))
        self.text.setAccessibleName(self.tr("版本与状态"))
        self.reach_label.setAccessibleName(self.tr("平台连通情况"))
        if self.status is None:
            self.text.setPlainText(self.tr("正在读取状态…"))
        else:
            self._show_status(self.status)
        self._show_reach(self.reach)

    def check_platform(self) -> None:
        self.reach = None
        self._show_reach(None)
        self.recheck.setEnabled(False)
        self.runner.submit(desk_status.reachability, self.ctx, on_done=self._reached,
                           on_error=lambda exc: self._reached(Reachability(True, False)))

    def _reached(self, reach: Reachability) -> None:
        self.reach = reach
        self.recheck.setEnabled(reach.configured)
        self._show_reach(reach)
        self.reachability_shown.emit(reach)

    def _show_reach(self, reach: Reachability | None) -> None:
        if reach is None:
            text, verdict = self.tr("平台：正在检测…"), "pending"
        elif not reach.configured:
            text, verdict = self.tr("平台：未配置（仅使用离线数据）"), "pending"
        elif reach.reachable:
            text = self.tr("平台：可以连通，应答 %1 毫秒").replace("%1", str(reach.millis))
            verdict = "ok"
        else:
            text = self.tr("平台：无法连通。%1").replace("%1", i18n.render(reach.detail) if reach.detail else "")
            verdict = "refused"
        self.reach_label.setText(text)
        self.reach_label.setProperty("verdict", verdict)
        self.reach_label.style().unpolish(self.reach_label)
        self.reach_label.style().polish(self.reach_label)

    def _show_status(self, s: DeskStatus) -> None:
        self.status = s
        e = html.escape
        cfg = self.ctx.config
        rows = [
            (self.tr("程序版本"), s.app_version),
            (self.tr("运行环境"), f"Python {s.python_version} · Qt {s.qt_version} · PySide6 {s.pyside_version}"),
            (self.tr("部署配置"), s.config_path or self.tr("未配置：使用内置演示数据")),
            (self.tr("大厅 / 窗口"), f"{cfg.site.hall} / {cfg.site.window}"),
            (self.tr("操作员"), self.ctx.operator),
            (self.tr("数据文件夹"), s.data_folder),
        ]
        if s.root is not None:
            r = s.root
            rows.append((self.tr("信任根"),
                         self.tr("%1 第 %2 版，%3 个密钥中 %4 个签名生效，有效期至 %5")
                         .replace("%1", r.name or "-").replace("%2", str(r.version))
                         .replace("%3", str(r.keys)).replace("%4", str(r.threshold))
                         .replace("%5", fmt_time(r.expires))
                         + (self.tr("（演示）") if r.demo else "")))
            rows.append((self.tr("信任根文件"), r.path))
        else:
            rows.append((self.tr("信任根"), i18n.render(s.root_problem)))
        if s.snapshot is not None:
            n = s.snapshot
            age = i18n.render(clock.age(n.age_hours))
            rows += [
                (self.tr("离线数据"), self.tr("第 %1 版（%2），地区 %3").replace("%1", str(n.version))
                 .replace("%2", self.tr("完整快照") if n.kind == "full" else self.tr("增量"))
                 .replace("%3", n.region)
                 + (" · " + self.tr("演示数据 / DEMO DATA") if n.demo else "")),
                (self.tr("数据截至"), f"{fmt_time(n.data_as_of)}（{age}）"
                 + (" · " + self.tr("数据已较旧") if n.stale else "")),
                (self.tr("有效期至"), fmt_time(n.expires)),
            ]
        else:
            rows.append((self.tr("离线数据"), i18n.render(s.snapshot_problem)))
        body = "".join(f"<tr><th align='left' valign='top'>{e(k)}</th><td>{e(v)}</td></tr>"
                       for k, v in rows)
        self.text.setHtml(f"<table cellspacing='0' cellpadding='4'>{body}</table>")
        self.status_shown.emit(s)
