"""The post-approval watch wired to a desk: the hook an install calls ("an install finished: old
version → new version"), the platform's change feed, and what the window and ``cases watch`` run
(recompute against the installed data, take in the feed, list).

Whatever the trust layer underneath, the hook needs only the installed snapshot's data file,
version and data-as-of; it never fails the install that called it (the data is in, the alerts can
always be computed again by ``cases watch`` or the window)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from desktop.casefile.watch import Alert, FeedChange, FeedRefused, Watch, WatchRun
from desktop.check.sources import OfflineUnavailable, PlatformUnavailable
from desktop.offline.watch_data import SnapshotData
from desktop.platform.changes import fetch_changes
from desktop.site.messages import Message

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WatchState:
    alerts: list[Alert]
    run: WatchRun | None            # the comparison with the installed data; None: no valid data
    problem: Message | None = None  # why there was no valid data to compare with
    feed: WatchRun | None = None
    feed_problem: Message | None = None


def open_watch(ctx) -> Watch:
    return Watch(ctx.case_file)


def after_install(ctx, before: int | None, snap, *, progress: Progress | None = None
                  ) -> WatchRun | None:
    """Called when an install finished. Nothing to do when the version did not change."""
    if snap is None or before == snap.version:
        return None
    try:
        return compute(ctx, snap, progress=progress)
    except Exception:  # noqa: BLE001 - the install succeeded; the alerts are recomputed later
        log.exception("post-approval watch after installing v%s failed", snap.version)
        return None


def prepare(ctx, *, progress: Progress | None = None, cancel=None) -> int:
    """Bring the checks index up to date with the case file (on a desk's first comparison, every
    record: the step worth a progress bar). Cancelled when ``cancel`` is set: nothing written."""
    with open_watch(ctx) as watch:
        return watch.sync(progress=progress, cancel=cancel)


def compute(ctx, snap=None, *, progress: Progress | None = None, cancel=None) -> WatchRun:
    """Compare the checks in the watch window with the installed (or given) snapshot."""
    snap = snap or ctx.offline.snapshot()
    with SnapshotData(snap) as data, open_watch(ctx) as watch:
        run = watch.compute(data, days=ctx.config.watch.days, progress=progress, cancel=cancel)
    if run.unverified:
        log.warning("post-approval watch: %d recorded checks not compared, their rows in %s do "
                    "not verify", len(run.unverified), run.source)
    if run.raised:
        log.info("post-approval watch: %d new alerts from %s", len(run.raised), run.source)
    return run


def poll_feed(ctx) -> WatchRun | None:
    """Take in the platform's change feed since the newest version this desk knows. None when
    the desk is offline-only or the platform serves no feed. Raises PlatformUnavailable or
    FeedRefused (a feed older than the data here)."""
    if ctx.platform is None:
        return None
    try:
        snap = ctx.offline.store.current(verify=False)
    except Exception:  # noqa: BLE001 - a damaged install: the feed still counts from the last one
        snap = None
    installed = snap.version if snap else None
    with open_watch(ctx) as watch:
        since = max((v for v in (installed, watch.feed_version(installed)) if v is not None),
                    default=0)
        feed = fetch_changes(ctx.platform, since)
        if feed is None:
            return None
        changes = [FeedChange(c.code, c.change, c.entry_id, c.severity, c.list_code)
                   for c in feed.changed]
        try:
            # The measures come from the verified catalogue; without one the alerts name none.
            data = SnapshotData(ctx.offline.snapshot()) if snap else None
        except OfflineUnavailable:
            data = None
        try:
            return watch.apply_feed(feed.version, changes, installed=installed,
                                    days=ctx.config.watch.days,
                                    measures=data.measures if data else None)
        finally:
            if data:
                data.close()


def refresh(ctx, *, include_closed: bool = False, progress: Progress | None = None,
            cancel=None) -> WatchState:
    """Everything a look at the watch runs: compare with the installed data, the change feed
    when online, then the alerts (each marked when its record fails `cases verify`). Raises
    Cancelled when ``cancel`` (an Event) is set during the comparison."""
    run = problem = feed = feed_problem = None
    try:
        run = compute(ctx, progress=progress, cancel=cancel)
    except OfflineUnavailable as exc:
        problem = exc.reason
    try:
        feed = poll_feed(ctx)
    except PlatformUnavailable as exc:
        feed_problem = exc.reason
    except FeedRefused as exc:
        log.warning("post-approval watch: change feed refused: %s", exc.message)
        feed_problem = exc.message
    with open_watch(ctx) as watch:
        alerts = watch.alerts(include_closed=include_closed)
    return WatchState(alerts, run, problem, feed, feed_problem)


def settle(ctx, key: str, action: str, note: str):
    """The follow-up decision record for an alert (then fed back to the platform by the outbox)."""
    with open_watch(ctx) as watch:
        return watch.settle(key, action, note, ctx.desk)


def open_count(ctx) -> int:
    with open_watch(ctx) as watch:
        return watch.open_count()
