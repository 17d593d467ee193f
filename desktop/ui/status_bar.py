"""The window's bottom line: operator, hall and window, the installed snapshot, feedback still to
upload, overdue commitments and post-approval watch alerts. The facts are read off the GUI thread
(``desktop.desk.status_facts``); this only puts them in words."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from desktop.desk.context import DeskContext
from desktop.desk.status_facts import StatusFacts, gather
from desktop.ui import i18n, style
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs import JobRunner
from desktop.ui.result_panel import as_of_text
from desktop.ui.widgets.plain_text import ElidedLabel, tooltip


class DeskStatusBar(Retranslatable, QStatusBar):
    def __init__(self, ctx: DeskContext, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs
        self.shown_snapshot = None    # the snapshot version the bar names
        self._operator_missing = False
        self._facts: StatusFacts | None = None
        self._overdue = 0
        self._watch_count: int | None = None

        # As QMainWindow.statusBar() makes it: the bar never widens the window. Short of room,
        # the two long facts (operator, snapshot) end in "…", whole on hover; the short ones and
        # the counts the clerk acts on stay whole (a layout takes as much from each label that
        # gives way, so a short one gave way first).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        def label(name: str, *, capped: bool = True, elided: bool = False) -> QLabel:
            made = ElidedLabel(self) if elided else QLabel(self, textFormat=Qt.TextFormat.PlainText)
            made.setObjectName(name)
            if capped:
                # One line across the window: at the largest fonts its facts would be cut, so
                # they stop growing at 12 pt (the result above them is what must read large).
                style.keep_relative_font(made, 1.0, at_most=12)
            return made
        self.operatorLabel = label("operatorLabel", elided=True)
        self.deskLabel = label("deskLabel")
        self.snapshotLabel = label("snapshotLabel", elided=True)
        self.overdueIndicator = label("overdueIndicator", capped=False)
        self.overdueIndicator.hide()
        self.outboxIndicator = label("outboxIndicator")
        self.watchIndicator = label("watchIndicator")
        self.addPermanentWidget(self.overdueIndicator)
        for facts in (self.operatorLabel, self.deskLabel, self.snapshotLabel):
            self.addWidget(facts)
        self.addPermanentWidget(self.outboxIndicator)
        self.addPermanentWidget(self.watchIndicator)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self.tr
        site = self.ctx.config.site
        self.show_operator()
        self.operatorLabel.setAccessibleName(tr("操作员"))
        self.deskLabel.setText(tr("大厅 %1 · 窗口 %2").replace("%1", site.hall or "-")
                               .replace("%2", site.window or "-"))
        self.deskLabel.setAccessibleName(tr("大厅与窗口"))
        self.snapshotLabel.setAccessibleName(tr("离线数据版本"))
        self.outboxIndicator.setAccessibleName(tr("待上报反馈"))
        self.overdueIndicator.setAccessibleName(tr("逾期未处理的信用承诺"))
        self.watchIndicator.setAccessibleName(tr("待处理的跟踪提醒"))
        if self._facts is not None:
            self._show(self._facts)
        self.show_overdue(self._overdue)
        if self._watch_count is not None:
            self.show_watch_count(self._watch_count)

    # -- operator -------------------------------------------------------------------------------

    def show_operator(self) -> None:
        if self._operator_missing:
            self.operatorLabel.setText(self.tr("操作员：未登录（Ctrl+Shift+O）"))
            return
        text = self.tr("操作员：%1").replace("%1", self.ctx.operator)
        if self.ctx.sign_in_free:
            text += self.tr("（演示模式，无需登录）")
        self.operatorLabel.setText(text)

    def set_operator_missing(self, missing: bool) -> None:
        self._operator_missing = missing
        self.show_operator()

    # -- snapshot and outbox --------------------------------------------------------------------

    def refresh(self) -> None:
        """Snapshot version and pending uploads, read off the GUI thread."""
        self.jobs.submit(gather, self.ctx, on_done=self._show,
                         on_error=lambda exc: self.snapshotLabel.setText(
                             self.tr("离线数据：无法读取")))

    def _show(self, facts: StatusFacts) -> None:
        self._facts = facts
        self.shown_snapshot = facts.snapshot_version
        if facts.snapshot_version is None:
            self.snapshotLabel.setText(self.tr("离线数据：无可用数据"))
            problem = facts.snapshot_problem
            self.snapshotLabel.setToolTip(tooltip(i18n.render(problem) if problem else ""))
        else:
            self.snapshotLabel.setToolTip("")  # the problem of before is gone
            text = (self.tr("离线数据 第 %1 版（截至 %2）")
                    .replace("%1", str(facts.snapshot_version))
                    .replace("%2", as_of_text(facts.snapshot_as_of)))
            if facts.stale:
                text += " " + self.tr("数据已较旧")
            if facts.demo:
                text += " " + self.tr("演示数据 / DEMO DATA")
            self.snapshotLabel.setText(text)
        pending = facts.pending
        self.outboxIndicator.setText(self.tr("待上报：%1").replace("%1", str(pending))
                                     if pending is not None else self.tr("待上报：-"))
        self.outboxIndicator.setProperty("pending", pending or 0)

    # -- commitments and the watch --------------------------------------------------------------

    def show_overdue(self, count: int) -> None:
        self._overdue = count
        self.overdueIndicator.setText(self.tr("逾期承诺：%1").replace("%1", str(count)))
        self.overdueIndicator.setVisible(count > 0)

    def show_watch_count(self, count: int) -> None:
        self._watch_count = count
        self.watchIndicator.setText(self.tr("跟踪提醒：%1").replace("%1", str(count)))
        self.watchIndicator.setProperty("alerts", count)
