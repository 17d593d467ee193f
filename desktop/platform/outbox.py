"""The feedback outbox sender (奖惩实施情况反馈): uploads each recorded check's feedback message.

The case file queues each record's feedback in the same transaction as the record (the outbox row:
feedback id, record number, the record's hash as written), so a record is never without its
feedback. This module reads the queue and the records (its own read-only connection; the case file
is in WAL mode, so reading never blocks the clerk's next record), builds each message from the
record's body as it sends it, and keeps delivery state in a file of its own: the hashed case file
is never updated after the fact.

A record whose body no longer hashes to its hash, or whose hash is not the one it was written
with (or gives no message at all), is held back: what it now says is not what was recorded. That is
a tamper alarm on this desk (``altered``, kept in ``held_back`` from one round to the next, so that
`outbox status` names what the last round held back); the message stays queued and goes out once
the file is restored.

Exactly once as far as the platform is concerned: a message is marked delivered only after the
platform acknowledged it, so a crash between sending and marking sends it again, and the platform
recognises its ``feedback_id`` (200, "already had it") instead of recording it twice.

Backoff: while the platform is unreachable or busy, the sender waits (honouring Retry-After) before
trying again, for the platform as a whole, so an outage does not turn every queued message into a
request. A message the platform refuses on its own merits (400) waits on its own and does not hold
up the others. Nothing is ever dropped: a refused message stays pending, visible in the status.

A 409 is different: the platform holds this desk's chain as far as it was uploaded (each message
carries ``record_no``, ``record_hash``, ``prev_hash``) and says the record contradicts it, another
record under that number or a broken link. That is a tamper alarm, not a transient error: the
message is never sent again by itself (not even by `outbox flush`), and `outbox status` names the
record until IT has looked."""
from __future__ import annotations

import hashlib
import logging
import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from desktop.platform.client import FeedbackDeferred
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

log = logging.getLogger(__name__)

BACKOFF_BASE = 5.0       # seconds after the first failure
BACKOFF_CAP = 600.0      # never wait more than ten minutes between tries
_SCHEMA = """
CREATE TABLE IF NOT EXISTS delivery (
  feedback_id  TEXT PRIMARY KEY,
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_try     REAL,
  last_error   TEXT,
  http_status  INTEGER,
  delivered_at TEXT
);
CREATE TABLE IF NOT EXISTS held_back (
  feedback_id TEXT PRIMARY KEY,
  record_id   INTEGER NOT NULL,
  since       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS platform_state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  failures  INTEGER NOT NULL,
  retry_at  REAL NOT NULL,
  last_error TEXT
);
"""
_QUEUED = "FROM cases.outbox o LEFT JOIN delivery d ON d.feedback_id = o.feedback_id"
_PENDING = f"{_QUEUED} WHERE d.delivered_at IS NULL"
# A queued record as the sender checks it: the hash queued with it, its hash, its body.
_STORED_COLUMNS = "o.record_hash, r.hash, CAST(r.body AS BLOB)"
_WITH_RECORD = "LEFT JOIN cases.records r ON r.record_id = o.record_id"
_STORED = f"SELECT {_STORED_COLUMNS} FROM cases.outbox o {_WITH_RECORD} WHERE o.feedback_id = ?"
_PENDING_STORED = (f"SELECT o.record_id, {_STORED_COLUMNS} {_QUEUED} {_WITH_RECORD} "
                   "WHERE d.delivered_at IS NULL")
CONFLICT = 409
_CHAIN_CONFLICT = QT_TRANSLATE_NOOP(
    "core", "篡改警报：平台拒收记录 {record}（409），它与本机此前上报的档案链冲突，本机档案可能被改写"
            "或替换。该反馈不再自动重发，请联系信息技术人员核查（credit-desk cases verify）。")


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    delivered: int
    oldest_pending: str | None     # created_at of the oldest undelivered message
    retry_at: float | None         # the platform is being left alone until then
    last_error: str | None
    refused: int                   # pending messages the platform refused on their own merits
    conflicts: tuple[int, ...] = ()  # record numbers the platform answered 409: tamper alarm
    altered: tuple[int, ...] = ()    # records held back: not what was recorded (tamper alarm)


@dataclass
class FlushReport:
    sent: int = 0          # new on the platform (201)
    already: int = 0       # the platform had them already (200): a resend after a lost answer
    pending: int = 0       # still to deliver after this round
    reason: Message | None = None   # why the round stopped early
    retry_at: float | None = None
    cancelled: bool = False
    conflicts: list[int] = field(default_factory=list)  # record numbers answered 409
    altered: list[int] = field(default_factory=list)    # held back: not what was recorded

    @property
    def delivered(self) -> int:
        return self.sent + self.already


class OutboxUnreadable(UserError):
    """The delivery state or the case file cannot be read (a folder in its place, a damaged
    file, a read-only folder for the delivery state)."""

    exit_code = 7

    def __init__(self, path: Path, error: Exception):
        super().__init__(Message(QT_TRANSLATE_NOOP(
            "core", "上报队列无法读取：{file} 打不开（{error}）。请联系信息技术人员检查该文件"
                    "（案卷可用 credit-desk cases verify 核对，可从备份恢复）。"),
            {"file": str(path), "error": error}))


class NoPlatform(Exception):
    """An offline-only deployment: feedback waits in the outbox until a platform is configured."""


def backoff(failures: int) -> float:
    # Jitter keeps a hall's windows from retrying in lockstep after a shared outage.
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, failures - 1)) * random.uniform(0.8, 1.0)


class Outbox:
    def __init__(self, case_path: Path, state_path: Path, client=None, *,
                 message: Callable[[bytes, str], bytes], clock: Callable[[], float] = time.time):
        """``message(body, hash)`` builds the feedback for a stored record (the case file's
        ``feedback_message``)."""
        self.case_path = Path(case_path)
        self.state_path = Path(state_path)
        self.client = client
        self.message = message
        self.clock = clock

    def _connect(self) -> sqlite3.Connection | None:
        """The delivery state with the case file attached read-only; None before any record."""
        if not self.case_path.exists():
            return None
        try:
            # URI mode, so that the ATTACH below is read-only for certain rather than a new file.
            conn = sqlite3.connect(self.state_path.resolve().as_uri(), isolation_level=None,
                                   timeout=10, uri=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # "delivered" must survive a power cut too
            conn.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise OutboxUnreadable(self.state_path, exc) from exc
        try:
            try:
                conn.execute("ATTACH DATABASE ? AS cases",
                             (self.case_path.resolve().as_uri() + "?mode=ro",))
                columns = {row[1] for row in conn.execute("PRAGMA cases.table_info(outbox)")}
            except sqlite3.Error as exc:
                raise OutboxUnreadable(self.case_path, exc) from exc
            if columns and "record_hash" not in columns:
                # Written before 2 December and not upgraded: DeskContext opens the case file,
                # which upgrades it, first; it could not (a read-only folder, say).
                raise OutboxUnreadable(self.case_path, ValueError(
                    "由旧版本写入，尚未升级：请在可写入的位置打开一次本程序"))
            if not columns:
                conn.close()
                return None
        except BaseException:
            conn.close()
            raise
        return conn

    def pending_count(self) -> int:
        conn = self._connect()
        if conn is None:
            return 0
        with closing(conn):
            return conn.execute(f"SELECT COUNT(*) {_PENDING}").fetchone()[0]

    def status(self) -> OutboxStatus:
        conn = self._connect()
        if conn is None:
            return OutboxStatus(0, 0, None, None, None, 0)
        with closing(conn):
            pending, oldest = conn.execute(f"SELECT COUNT(*), MIN(o.created_at) {_PENDING}").fetchone()
            refused = conn.execute(f"SELECT COUNT(*) {_PENDING} AND d.http_status BETWEEN 400 AND 499 "
                                   "AND d.http_status NOT IN (401, 409, 429)").fetchone()[0]
            conflicts = _conflicts(conn)
            # What the last round held back, and what no longer hashes right now (a desk without
            # a platform has no rounds; a hand may have emptied held_back).
            altered = tuple(sorted(set(_held_back(conn)) | {
                record for record, *stored in conn.execute(_PENDING_STORED)
                if not _intact(*stored)}))
            delivered = conn.execute("SELECT COUNT(*) FROM delivery WHERE delivered_at IS NOT NULL").fetchone()[0]
            row = conn.execute("SELECT retry_at, last_error FROM platform_state WHERE id = 1").fetchone()
        retry_at, last_error = row if row else (None, None)
        return OutboxStatus(pending, delivered, oldest, retry_at, last_error, refused, conflicts,
                            altered)

    def flush(self, *, cancel: Callable[[], bool] | None = None, force: bool = False,
              progress: Callable[[int, int], None] | None = None) -> FlushReport:
        """Upload what is due, oldest first. ``force`` (a person asking now, `outbox flush`) tries
        at once instead of waiting out the backoff; the background sender never forces."""
        if self.client is None:
            raise NoPlatform()
        report = FlushReport()
        conn = self._connect()
        if conn is None:
            return report
        with closing(conn):
            now = self.clock()
            row = conn.execute("SELECT failures, retry_at FROM platform_state WHERE id = 1").fetchone()
            failures = row[0] if row else 0
            if row and not force and now < row[1]:
                report.retry_at = row[1]
                report.reason = Message(QT_TRANSLATE_NOOP("core", "平台暂不可用，稍后自动重试"))
                report.pending = conn.execute(f"SELECT COUNT(*) {_PENDING}").fetchone()[0]
                return report
            due = conn.execute(f"SELECT o.feedback_id, o.record_id {_PENDING} "
                               f"AND d.http_status IS NOT {CONFLICT} "
                               "AND (d.next_try IS NULL OR d.next_try <= ? OR ?) "
                               "ORDER BY o.created_at, o.record_id", (now, force)).fetchall()
            for done, (feedback_id, record) in enumerate(due):
                if cancel is not None and cancel():
                    report.cancelled = True
                    break
                message = self._message(*(conn.execute(_STORED, (feedback_id,)).fetchone()
                                           or (None, None, None)))
                if not self._hold_back(conn, feedback_id, record, message is None):
                    continue
                try:
                    ack = self.client.post_feedback(message)
                except FeedbackDeferred as exc:
                    now = self.clock()
                    if exc.status == CONFLICT:
                        alarm = FeedbackDeferred(Message(_CHAIN_CONFLICT, {"record": record}),
                                                 status=CONFLICT)
                        self._attempted(conn, feedback_id, alarm, None)
                        report.conflicts.append(record)
                        log.error("feedback %s: platform chain conflict (409) on record %s",
                                  feedback_id, record)
                        continue
                    message_level = exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 429)
                    if message_level:
                        self._attempted(conn, feedback_id, exc, now + BACKOFF_CAP)
                        continue
                    failures += 1
                    wait = max(backoff(failures), exc.retry_after or 0.0)
                    self._attempted(conn, feedback_id, exc, now + wait)
                    conn.execute("INSERT INTO platform_state(id, failures, retry_at, last_error) VALUES (1, ?, ?, ?) "
                                 "ON CONFLICT(id) DO UPDATE SET failures = excluded.failures, "
                                 "retry_at = excluded.retry_at, last_error = excluded.last_error",
                                 (failures, now + wait, str(exc.reason)))
                    report.reason, report.retry_at = exc.reason, now + wait
                    break
                self._delivered(conn, feedback_id, ack.status)
                if failures:
                    failures = 0
                    conn.execute("DELETE FROM platform_state")
                if ack.status == 201:
                    report.sent += 1
                else:
                    report.already += 1
                if progress is not None:
                    progress(done + 1, len(due))
            report.pending = conn.execute(f"SELECT COUNT(*) {_PENDING}").fetchone()[0]
            # The alarm stands, round after round, until IT has dealt with it.
            report.conflicts = list(_conflicts(conn))
            report.altered = list(_held_back(conn))
        if report.sent or report.already or report.reason is not None:
            log.info("feedback: %d sent, %d already had, %d pending%s", report.sent, report.already,
                     report.pending, f"; {report.reason}" if report.reason is not None else "")
        return report

    def _message(self, written_hash: str | None, stored_hash: str | None,
                 body: bytes | None) -> bytes | None:
        """The feedback for a queued record; None when the record is gone, does not hash to the
        hash it was written with, or is not a record at all."""
        if not _intact(written_hash, stored_hash, body):
            return None
        try:
            return self.message(body, stored_hash)
        except Exception:  # noqa: BLE001 - whatever a rewritten body makes the builder raise
            return None     # (deep nesting, dates out of range...) holds that record alone

    @staticmethod
    def _hold_back(conn: sqlite3.Connection, feedback_id: str, record: int, altered: bool) -> bool:
        """Mark a record held back (or no longer); True when its message may be sent. Logged
        once, when it is first held back, not at every round."""
        if not altered:
            conn.execute("DELETE FROM held_back WHERE feedback_id = ?", (feedback_id,))
            return True
        new = conn.execute("INSERT OR IGNORE INTO held_back(feedback_id, record_id, since) "
                           "VALUES (?, ?, ?)", (feedback_id, record,
                                                datetime.now(timezone.utc).isoformat(
                                                    timespec="seconds"))).rowcount
        if new:
            log.error("feedback %s: record %s is not what was recorded; held back", feedback_id,
                      record)
        return False

    @staticmethod
    def _attempted(conn: sqlite3.Connection, feedback_id: str, exc: FeedbackDeferred,
                   next_try: float | None) -> None:
        conn.execute("INSERT INTO delivery(feedback_id, attempts, next_try, last_error, http_status) "
                     "VALUES (?, 1, ?, ?, ?) ON CONFLICT(feedback_id) DO UPDATE SET "
                     "attempts = attempts + 1, next_try = excluded.next_try, "
                     "last_error = excluded.last_error, http_status = excluded.http_status",
                     (feedback_id, next_try, str(exc.reason), exc.status))

    @staticmethod
    def _delivered(conn: sqlite3.Connection, feedback_id: str, status: int) -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        conn.execute("INSERT INTO delivery(feedback_id, attempts, delivered_at, http_status) "
                     "VALUES (?, 1, ?, ?) ON CONFLICT(feedback_id) DO UPDATE SET "
                     "attempts = attempts + 1, delivered_at = excluded.delivered_at, "
                     "http_status = excluded.http_status, last_error = NULL, next_try = NULL",
                     (feedback_id, at, status))


def _held_back(conn: sqlite3.Connection) -> tuple[int, ...]:
    return tuple(r for (r,) in conn.execute(
        f"SELECT o.record_id {_PENDING} AND o.feedback_id IN (SELECT feedback_id FROM held_back) "
        "ORDER BY o.record_id"))


def _conflicts(conn: sqlite3.Connection) -> tuple[int, ...]:
    return tuple(r for (r,) in conn.execute(
        f"SELECT o.record_id {_PENDING} AND d.http_status = {CONFLICT} ORDER BY o.record_id"))


def _intact(written_hash: str | None, stored_hash: str | None, body: bytes | None) -> bool:
    """The record is there, with the hash it was written with, and its body hashes to it."""
    return (body is not None and written_hash == stored_hash
            and hashlib.sha256(body).hexdigest() == stored_hash)
