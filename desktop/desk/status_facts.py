"""What the window's status bar says about this desk, gathered off the GUI thread: the installed
snapshot (version, as of, demo, old) or why there is none, and the feedback still to upload."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from desktop.check.sources import OfflineUnavailable
from desktop.site.messages import Message, UserError


@dataclass(frozen=True)
class StatusFacts:
    pending: int | None                  # feedback not yet delivered; None: unreadable
    snapshot_version: int | None = None  # None: no usable snapshot (snapshot_problem says why)
    snapshot_as_of: str = ""             # ISO time, to the second
    demo: bool = False
    stale: bool = False
    snapshot_problem: Message | None = None


def gather(ctx) -> StatusFacts:
    """``ctx`` is the DeskContext. Reads the outbox and the snapshot: disk work, for a worker."""
    pending = pending_feedback(ctx)
    now = datetime.now(timezone.utc)
    try:
        snap = ctx.offline.snapshot(now)
    except OfflineUnavailable as exc:
        return StatusFacts(pending, snapshot_problem=exc.reason)
    return StatusFacts(pending, snap.version, snap.data_as_of.isoformat(timespec="seconds"),
                       snap.demo, ctx.offline.is_stale(snap, now))


def pending_feedback(ctx) -> int | None:
    """Feedback not yet delivered to the platform; None when it cannot be read (the record button
    says why the case file cannot be used, with the folder named)."""
    try:
        return ctx.outbox.pending_count()
    except (OSError, sqlite3.Error, UserError):
        return None
