"""One check at a time, off the GUI thread, with the countdown the clerk sees while the platform
is asked: "正在查询信用平台… 2.3 秒后改用离线数据".

A second scan replaces the first (its result is dropped, never shown late). The code is parsed
before anything is queried: parsing is pure and instant, and an invalid code must not reach the
platform or the snapshot."""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.check.codes import InvalidCode, parse
from desktop.check.model import CheckResult, ParsedCode, PersonRef
from desktop.desk.context import DeskContext
from desktop.ui.jobs import Job, JobRunner

COUNTDOWN_TICK_MS = 100
# After the deadline the check still looks in the snapshot: seconds, not milliseconds, on a slow disk.
OVERDUE_MARGIN = 5.0
# An answer within this time (every offline check) replaces the old result directly; only a
# slower one shows "checking" first. One render per scan instead of two, and no flicker.
CHECKING_SHOWN_AFTER_MS = 80


class CheckFlow(QObject):
    invalid = Signal(object)     # the core's Message: why the code was refused
    slow = Signal()              # no answer yet after CHECKING_SHOWN_AFTER_MS: say "checking"
    progress = Signal(str)       # what the banner says while waiting
    done = Signal(object)        # CheckResult
    failed = Signal(object)      # the exception; the page puts it in words

    def __init__(self, ctx: DeskContext, jobs: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs
        self._job: Job | None = None
        self._deadline_at = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._tick)
        self._slow = QTimer(self)
        self._slow.setSingleShot(True)
        self._slow.setInterval(CHECKING_SHOWN_AFTER_MS)
        self._slow.timeout.connect(self._still_waiting)

    @property
    def busy(self) -> bool:
        """A check is on its way: what the page shows is not its answer yet."""
        return self._job is not None

    def parsed(self, raw: str) -> ParsedCode | None:
        """The code, or None (and ``invalid`` emitted) when it cannot be one."""
        try:
            return parse(raw)
        except InvalidCode as exc:
            self.cancel()
            self.invalid.emit(exc.message)
            return None

    def start(self, raw: str, item_code: str | None, purpose: str | None = None) -> None:
        """Queue the check of a code ``parsed`` accepted."""
        self.cancel()
        self._submit(self.ctx.checker.check, raw, item_code, purpose=purpose)

    def start_related(self, person: PersonRef, item_code: str | None, purpose: str) -> None:
        """Queue the check of one of a unit's people by the reference its result gave (F6)."""
        self.cancel()
        self._submit(self.ctx.checker.check_related, person, item_code, purpose=purpose)

    def _submit(self, check, *args, **kwargs) -> None:
        self._deadline_at = time.monotonic() + self.ctx.checker.deadline
        # The check ends at its deadline (the platform client's watchdog); should anything
        # outlast it, its worker stops counting, so the next check never waits in the queue.
        self._slow.start()
        self._job = self.jobs.submit(check, *args, **kwargs,
                                     on_done=self._done, on_error=self._failed,
                                     overdue_after=self.ctx.checker.deadline + OVERDUE_MARGIN)

    def _still_waiting(self) -> None:
        """The page shows "checking"; the banner then counts down to the offline fallback."""
        self.slow.emit()
        if self.ctx.checker.platform is None:
            self.progress.emit(self.tr("正在查询离线数据…"))
            return
        self._tick()
        self._countdown.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._stop_timers()

    def _stop_timers(self) -> None:
        self._slow.stop()
        self._countdown.stop()

    def _tick(self) -> None:
        left = max(0.0, self._deadline_at - time.monotonic())
        self.progress.emit(self.tr("正在查询信用平台… %1 秒后改用离线数据").replace("%1", f"{left:.1f}"))
        if left <= 0:
            self._countdown.stop()
            self.progress.emit(self.tr("信用平台未及时答复，正在改用离线数据…"))

    def _done(self, result: CheckResult) -> None:
        self._job = None
        self._stop_timers()
        self.done.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self._stop_timers()
        self.failed.emit(exc)
