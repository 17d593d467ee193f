"""The facts the about/status dialog shows, gathered off the GUI thread: versions, trust root,
installed snapshot and its age, and whether the platform answers. Qt-free apart from reading
Qt's version string."""
from __future__ import annotations

import platform as py_platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from desktop import __version__
from desktop.check.sources import OfflineUnavailable, PlatformUnavailable
from desktop.offline import refusal
from desktop.site import paths
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from offline_cache.errors import SnapshotRefused


@dataclass(frozen=True)
class RootFacts:
    name: str
    version: int
    threshold: int
    keys: int
    demo: bool
    expires: datetime
    path: str


@dataclass(frozen=True)
class SnapshotFacts:
    version: int
    kind: str
    region: str
    data_as_of: datetime
    expires: datetime
    age_hours: float
    stale: bool
    demo: bool


@dataclass(frozen=True)
class DeskStatus:
    app_version: str
    python_version: str
    qt_version: str
    pyside_version: str
    config_path: str           # "" when running on the embedded demo default
    data_folder: str
    root: RootFacts | None
    root_problem: Message | None
    snapshot: SnapshotFacts | None
    snapshot_problem: Message | None


@dataclass(frozen=True)
class Reachability:
    configured: bool
    reachable: bool
    detail: Message | None = None
    millis: int | None = None


def gather(ctx, now: datetime | None = None) -> DeskStatus:
    import PySide6
    from PySide6.QtCore import qVersion

    now = now or datetime.now(timezone.utc)
    root, root_problem = None, None
    try:
        r = ctx.offline.store.root()
        root = RootFacts(r.name, r.version, r.threshold, len(r.keyids), r.demo, r.expires,
                         str(ctx.config.trust_root))
    except SnapshotRefused as exc:
        root_problem = refusal.explain(exc)
    snap, snap_problem = None, None
    try:
        s = ctx.offline.snapshot(now)
        snap = SnapshotFacts(s.version, s.kind, s.region, s.data_as_of, s.expires,
                             (now - s.data_as_of).total_seconds() / 3600,
                             ctx.offline.is_stale(s, now), s.demo)
    except OfflineUnavailable as exc:
        snap_problem = exc.reason
    return DeskStatus(
        app_version=__version__, python_version=py_platform.python_version(),
        qt_version=qVersion(), pyside_version=PySide6.__version__,
        config_path=str(ctx.config.path or ""), data_folder=str(paths.home()),
        root=root, root_problem=root_problem, snapshot=snap, snapshot_problem=snap_problem)


def reachability(ctx) -> Reachability:
    """One signed request for the platform's TUF timestamp: the platform answers, accepts this
    desk's key and signature, and within the deployment's deadline, or it says why not."""
    if ctx.config.platform is None:
        return Reachability(configured=False, reachable=False)
    deadline = ctx.config.platform.deadline_seconds
    started = time.monotonic()
    try:
        ctx.platform.fetch_metadata("/snapshots/tuf/metadata/timestamp.json", timeout=deadline)
    except PlatformUnavailable as exc:
        return Reachability(True, False, exc.reason)
    except Exception as exc:  # noqa: BLE001 - whatever it is, the dialog must say it
        return Reachability(True, False, Message(
            QT_TRANSLATE_NOOP("core", "平台请求失败（{kind}）"), {"kind": type(exc).__name__}))
    return Reachability(True, True, millis=round((time.monotonic() - started) * 1000))
