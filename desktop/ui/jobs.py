"""Run slow work off the GUI thread and get its outcome back on it.

The whole API::

    runner = JobRunner(parent)
    job = runner.submit(fn, *args, on_done=..., on_error=..., on_progress=...,
                        cancellable=True, overdue_after=None, **kwargs)
    job.cancel()                 # asks the callable to stop; its result is then dropped
    runner.shutdown(timeout_ms)  # on close: cancel what may be cancelled, wait for the rest

``fn`` runs on a pool thread. It receives the keyword arguments ``progress`` (call
``progress(done, total)``) and ``cancel`` (a ``threading.Event``; stop early when it is set)
only when its signature names them, so plain core functions such as ``checker.check`` are
submitted as they are. ``on_done(result)``, ``on_error(exception)`` and
``on_progress(done, total)`` are always called on the GUI thread, never after the job was
cancelled. A job submitted with ``cancellable=False`` (a case-file write) ignores ``cancel()``:
once started it runs to the end, and ``shutdown`` waits for it, so nothing recorded is lost
when the window closes.

A job given ``overdue_after`` (seconds; a check: its deadline and a margin) stops counting
against the pool once it runs past that: the pool grows by one thread until the job returns. A
worker stuck in something no deadline reaches (a DNS lookup, a dead file share) can then never
starve the checks behind it.
"""
from __future__ import annotations

import inspect
import logging
import queue
import threading
import weakref
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """A callable may raise this when it sees ``cancel`` set; the job then ends silently."""


_PARAMETERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _accepts(fn: Callable, name: str) -> bool:
    # inspect.signature costs a tenth of a millisecond: too much on every scan, so the names are
    # kept per function (weakly: a lambda submitted once goes with its last reference).
    key = getattr(fn, "__func__", fn)
    try:
        params = _PARAMETERS[key]
    except (KeyError, TypeError):
        try:
            params = frozenset(inspect.signature(fn).parameters)
        except (TypeError, ValueError):  # builtins without a signature
            params = frozenset()
        try:
            _PARAMETERS[key] = params
        except TypeError:
            pass  # not weakly referenceable (a builtin): asked again next time
    # Named explicitly only: a **kwargs function (settings.update) must not get them by accident.
    return name in params


class Job(QObject):
    """One submitted call. Lives on the GUI thread; the pool thread only emits its signals,
    which Qt therefore queues to the GUI thread, where the @Slot methods below call the
    callbacks. (Plain lambdas as cross-thread receivers crash PySide6 >= 6.8, PYSIDE-3124.)"""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    finished = Signal()          # after done/failed, or after the callable stopped once cancelled

    def __init__(self, cancellable: bool, on_done, on_error, on_progress, on_finished,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.cancellable = cancellable
        self.cancel_event = threading.Event()
        self.running = True
        self.overdue = False
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self._on_finished = on_finished
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)
        self.progressed.connect(self._deliver_progress)
        self.finished.connect(self._deliver_finished)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        if self.cancellable:
            self.cancel_event.set()

    # The cancelled checks sit on the GUI side as well: a result queued before cancel() was
    # called must not reach a form that has moved on.
    @Slot(object)
    def _deliver_done(self, value) -> None:
        if self._on_done and not self.cancelled:
            self._on_done(value)

    @Slot(object)
    def _deliver_error(self, exc) -> None:
        if self.cancelled:
            return
        if self._on_error:
            self._on_error(exc)
        else:
            log.error("background job failed", exc_info=exc)

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress and not self.cancelled:
            self._on_progress(done, total)

    @Slot()
    def _deliver_finished(self) -> None:
        self.running = False
        self._on_finished(self)


def _run(job: Job, fn: Callable, args: tuple, kwargs: dict) -> None:
    try:
        result = fn(*args, **kwargs)
    except Cancelled:
        pass
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI thread
        if not job.cancelled:
            job.failed.emit(exc)
    else:
        if not job.cancelled:
            job.done.emit(result)
    finally:
        job.finished.emit()


class _Pool:
    """Python worker threads that live as long as the pool. Not a QThreadPool: PySide gives a
    thread Qt started a fresh Python thread state for every job, so whatever the core keeps per
    thread (the snapshot reader and its SQLite connection) was opened anew on every check, and
    the memory churned with it. Daemon threads: a worker stuck where no deadline reaches must not
    keep the process alive once the window has closed (records are waited for by ``wait``)."""

    def __init__(self, size: int):
        self.size = size
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._threads = 0
        self._idle = 0
        self._pending = 0   # submitted and not yet returned

    def submit(self, call: Callable[[], None]) -> None:
        with self._lock:
            self._pending += 1
            self._calls.put(call)
            self._grow_if_needed()

    def resize(self, size: int) -> None:
        with self._lock:
            self.size = size
            self._grow_if_needed()

    def _grow_if_needed(self) -> None:
        if self._idle == 0 and self._threads < self.size and not self._calls.empty():
            self._threads += 1
            threading.Thread(target=self._work, name="credit-desk-job", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if self._threads > self.size:  # the pool shrank: this worker is the extra one
                    self._threads -= 1
                    return
                self._idle += 1
            call = self._calls.get()
            with self._lock:
                self._idle -= 1
                self._grow_if_needed()  # more waiting than idle workers
            try:
                call()
            finally:
                with self._lock:
                    self._pending -= 1
                    self._lock.notify_all()

    def wait(self, timeout: float | None) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)


class JobRunner(QObject):
    """Owns a private pool, so that waiting on close waits for this window's work only."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4):
        super().__init__(parent)
        self._pool = _Pool(max_threads)
        self._jobs: set[Job] = set()  # keeps each Job alive until its signals have been delivered

    def submit(self, fn: Callable, *args: Any,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None,
               cancellable: bool = True, overdue_after: float | None = None, **kwargs: Any) -> Job:
        job = Job(cancellable, on_done, on_error, on_progress, self._forget, self)
        if _accepts(fn, "progress"):
            def report(done: int, total: int) -> None:
                if not job.cancelled:
                    job.progressed.emit(int(done), int(total))
            kwargs["progress"] = report
        if _accepts(fn, "cancel"):
            kwargs["cancel"] = job.cancel_event
        self._jobs.add(job)
        if overdue_after is not None:
            # The job's own child: it goes with the job. (QTimer.singleShot with the job as
            # context kept every timer, and a Python object for it, for the whole 8 s after a
            # check that took 2 ms: 650 of them after a queue of fast scans.)
            watchdog = QTimer(job)
            watchdog.setSingleShot(True)
            watchdog.timeout.connect(lambda: self._overdue(job))
            watchdog.start(max(0, int(overdue_after * 1000)))
        # Last: from here the worker wants the interpreter this thread holds until it returns.
        self._pool.submit(lambda: _run(job, fn, args, kwargs))
        return job

    def _overdue(self, job: Job) -> None:
        if job.running and not job.overdue:
            job.overdue = True
            self._pool.resize(self._pool.size + 1)
            log.warning("a background job runs past its deadline; its worker no longer counts")

    def _forget(self, job: Job) -> None:
        self._jobs.discard(job)
        if job.overdue:
            self._pool.resize(self._pool.size - 1)
        job.deleteLater()

    @property
    def max_threads(self) -> int:
        """Workers the pool may run at once now (grown by one per overdue job)."""
        return self._pool.size

    @property
    def active(self) -> list[Job]:
        return [j for j in self._jobs if j.running]

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            job.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every started job has returned; True when none is left running.
        Only for tests, benchmarks and shutdown: the GUI never calls it during normal work."""
        return self._pool.wait(None if timeout_ms < 0 else timeout_ms / 1000)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel what may be cancelled and wait for the rest (case-file writes)."""
        self.cancel_all()
        return self.wait(timeout_ms)
