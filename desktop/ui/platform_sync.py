"""The desk's background exchanges with the platform: the feedback outbox, sent after every record
and now and then (the outbox keeps its own backoff), and the snapshot update the clerk asks for
(Ctrl+Shift+U; again to cancel). Both run on the job runner; progress and outcomes are said in
the status bar, and nothing the clerk does waits for them."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.desk.context import DeskContext
from desktop.site.messages import UserError
from desktop.ui import i18n
from desktop.ui.jobs import JobRunner
from desktop.ui.status_bar import DeskStatusBar

UPLOAD_EVERY_MS = 60_000


class PlatformSync(QObject):
    snapshot_checked = Signal(object)  # the updater's result: a newer snapshot installed, or none

    def __init__(self, ctx: DeskContext, jobs: JobRunner, bar: DeskStatusBar,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs
        self.bar = bar
        self._flush_job = None
        self._update_job = None
        self._update_stage = "download"
        self._upload_timer = QTimer(self)
        self._upload_timer.setInterval(UPLOAD_EVERY_MS)
        self._upload_timer.timeout.connect(self.upload_feedback)
        if ctx.config.platform is not None:
            self._upload_timer.start()
            QTimer.singleShot(0, self.upload_feedback)

    def upload_feedback(self) -> None:
        """Send the outbox to the platform in the background (deployments with a platform only);
        the record itself never waits for this."""
        if self.ctx.config.platform is None or self._flush_job is not None:
            self.bar.refresh()
            return

        def finished(report=None) -> None:
            self._flush_job = None
            self.bar.refresh()
            # Tamper alarms, shown until the next round: the platform's 409, and records this
            # desk held back.
            alarms = []
            if getattr(report, "conflicts", None):
                alarms.append(self.tr(
                    "篡改警报：平台拒收记录 %1（与本机此前上报的档案链冲突），请联系信息技术人员。")
                    .replace("%1", "、".join(map(str, report.conflicts))))
            if getattr(report, "altered", None):
                alarms.append(self.tr(
                    "篡改警报：记录 %1 已不是写入时的内容，其反馈不上报，请联系信息技术人员。")
                    .replace("%1", "、".join(map(str, report.altered))))
            if alarms:
                self.bar.showMessage(" ".join(alarms))
        self._flush_job = self.jobs.submit(_flush_outbox, self.ctx, on_done=finished,
                                           on_error=finished)

    def update_snapshot(self) -> None:
        """Fetch the newest snapshot (or a delta) from the configured source in the background,
        with progress in the status bar; triggering it again while it runs cancels it."""
        bar = self.bar
        if self._update_job is not None:
            self._update_job.cancel()
            self._update_job = None
            bar.showMessage(self.tr("已取消更新离线数据；正在使用的数据未改变。"), 8000)
            return
        stages = {"download": self.tr("下载"), "verify": self.tr("校验")}

        def progress(done: int, total: int) -> None:
            stage = stages.get(self._update_stage, self._update_stage)
            percent = f"{done * 100 // total}%" if total else f"{done // 1024} KB"
            bar.showMessage(self.tr("正在更新离线数据：%1 %2（Ctrl+Shift+U 取消）")
                            .replace("%1", stage).replace("%2", percent))

        def done(result) -> None:
            self._update_job = None
            if result.updated:
                text = self.tr("离线数据已更新到第 %1 版。").replace("%1", str(result.snapshot.version))
            else:
                text = self.tr("离线数据已是最新（第 %1 版）。").replace("%1", str(result.snapshot.version))
            bar.showMessage(text, 15000)
            bar.refresh()
            self.snapshot_checked.emit(result)

        def failed(exc) -> None:
            self._update_job = None
            reason = i18n.render(exc.message) if isinstance(exc, UserError) else type(exc).__name__
            bar.showMessage(self.tr("离线数据未更新：%1").replace("%1", reason), 30000)

        self._update_stage = "download"
        bar.showMessage(self.tr("正在更新离线数据…（Ctrl+Shift+U 取消）"))
        self._update_job = self.jobs.submit(_update_snapshot, self.ctx, self._note_stage,
                                            on_done=done, on_error=failed, on_progress=progress)

    def _note_stage(self, stage: str) -> None:
        self._update_stage = stage  # a str assignment: safe from the worker thread


def _update_snapshot(ctx: DeskContext, note_stage, progress, cancel):
    from desktop.offline import updater

    def report(stage: str, done: int, total: int) -> None:
        note_stage(stage)
        progress(done, total)
    return updater.update(ctx, progress=report, cancel=cancel.is_set)


def _flush_outbox(ctx: DeskContext, cancel):
    return ctx.outbox.flush(cancel=cancel.is_set)
