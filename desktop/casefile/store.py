"""The case file (办件档案): an append-only, hash-chained, durable record of every check and every
later decision on it, with the platform feedback for each record written in the same transaction.

Storage is one SQLite file. Each record is stored as its canonical JSON (``body``) next to the
SHA-256 of that body (``hash``); the body holds the previous record's hash, so editing, deleting,
reordering or inserting a record breaks the chain at that record. The query columns are generated
from the body by SQLite itself, so they can never say something the hashed body does not.

Durability: WAL journal with ``synchronous=FULL``. In WAL mode FULL syncs the log at every commit,
so a commit that has returned survives power loss; NORMAL would only survive a crash of the
application (the last commits may roll back after power loss), which is not good enough for
"recorded" on the clerk's screen. WAL rather than a rollback journal because a commit is then one
sequential append plus one fsync, and readers (history table, outbox sender) never block the
writer. Where WAL cannot be used (some network or exotic file systems), a rollback journal with
``synchronous=EXTRA`` gives the same guarantee at the cost of speed. Qt-free."""
from __future__ import annotations

import errno
import functools
import hashlib
import logging
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable

import sqlite_utils

from desktop.casefile import access as access_log
from desktop.casefile import errors, old_outbox, witness
from desktop.casefile.access import AccessRecord
from desktop.casefile.commitments import (
    SETTLED_STATES,
    Pledge,
    check_pledge,
    china_today,
    latest_commitments,
)
from desktop.casefile.commitments import STATE_LABELS as COMMITMENT_STATE_LABELS
from desktop.casefile.errors import (
    CaseFileTampered,
    RecordNotDurable,
    RecordNotFound,
    RecordRefused,
)
from desktop.casefile.record import (
    CHINA_TZ,
    GENESIS_HASH,
    GRANTING_OUTCOMES,
    OUTCOMES,
    CaseRecord,
    canonical_json,
    utc_text,
)
from desktop.casefile.typed_text import refuse_identity_numbers
from desktop.casefile.verify import QUERY_COLUMNS, VerifyReport, check_witness, verify
from desktop.check.model import ROLE_LABELS, CheckResult, CodeKind, Status
from desktop.check.policy import counting_hits
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

__all__ = ["CaseFile", "CaseFileTampered", "CaseRecord", "Decision", "Desk", "OUTCOMES",
           "RecordNotDurable", "RecordNotFound", "RecordRefused", "VerifyReport"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
WITNESSED_SCHEMA = 2  # from here on a case file without its witness file has lost it
ACCESS_WITNESSED = 3  # from here on a witness without the access records' slots has lost them

_FILE_MISSING = QT_TRANSLATE_NOOP(
    "core", "案卷文件 {file} 不见了：见证文件 {witness} 记载它已有 {count} 条记录。"
            "不会新建空白案卷，请联系信息技术人员从备份（credit-desk cases backup）恢复。")
_FILE_REPLACED = QT_TRANSLATE_NOOP(
    "core", "案卷文件 {file} 在本程序打开期间被替换或删除：此后的记录将写不进该路径下的案卷。"
            "请联系信息技术人员核对（credit-desk cases verify）或从备份恢复，然后重新启动本程序。")
_WITNESS_MISSING = QT_TRANSLATE_NOOP(
    "core", "案卷的见证文件 {file} 不见了，无法确认案卷是否完整。请联系信息技术人员从备份恢复。")
_WITNESS_UNREADABLE = QT_TRANSLATE_NOOP(
    "core", "案卷的见证文件 {file} 已损坏，无法确认案卷是否完整。请联系信息技术人员从备份恢复。")
_VERIFY_ALARM = QT_TRANSLATE_NOOP(
    "core", "档案校验发现案卷 {file} 被改动：{problem}")
_NOT_ACCEPTABLE = QT_TRANSLATE_NOOP(
    "core", "不能按现状确认：案卷本身未通过校验（{problem}）。请从备份恢复。")
_APPEND_REFUSED = QT_TRANSLATE_NOOP(
    "core", "本机暂停记档：{problem} 在信息技术人员恢复备份或确认现状（credit-desk cases verify "
            "--accept）之前，不再向该案卷写入记录；已有记录仍可查看。")
_ACCESS_REFUSED = QT_TRANSLATE_NOOP(
    "core", "本机暂停记档，也不能查询自然人：{problem} 每次查询自然人都须在案卷中留下查询留痕；在信息技术"
            "人员恢复备份或确认现状（credit-desk cases verify --accept）之前，不查询、不显示自然人，"
            "也不显示列出法定代表人、主要负责人的单位核查结果。已有记录仍可查看。")

@dataclass(frozen=True)
class Decision:
    """What the clerk decided."""
    case_no: str
    outcome: str
    note: str = ""
    measures_applied: tuple[str, ...] = ()
    commitment: Pledge | None = None  # a credit commitment signed with this application


@dataclass(frozen=True)
class Desk:
    """Who recorded it, and where."""
    operator: str
    hall: str
    window: str
    hall_name: str = ""


def _serialised(method):
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return locked


class CaseFile:
    """The case file of one desk. What the window and the commands use:

    - ``record_check(result, decision, desk)``: record a check; ``record_decision(record_id,
      decision, desk)``: a later decision on, or a correction of, a record (a new record);
    - ``get(record_id)``, ``query(...)`` for the history table, ``count()``, ``head()``;
    - ``verify()`` for ``cases verify``;
    - with ``desktop.casefile.stats.monthly(case_file, month)`` for the chart and
      ``desktop.casefile.sheet.render_sheet(record, path)`` for a reprint.

    Thread-safe: every method may be called from any thread (one lock serialises the one
    connection), so the window calls them from its workers, never from the GUI thread. Writes
    raise ``RecordRefused`` (the rules, exit 2) or ``RecordNotDurable`` (exit 7), and in both
    cases nothing was written and the caller still holds the check and the decision."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None,
                 readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.lock = threading.RLock()  # hold it to use ``db`` directly
        self.witness_path = witness.witness_path(self.path)
        self._writer: witness.Writer | None = None
        # The witness's state and SQLite's data_version after this connection's last append
        # (None: read the witness back before the next one).
        self._quiet: tuple | None = None
        self._alarm_path = witness.alarm_path(self.path)
        self._access_witnessed: witness.Head | None = None
        # Why appends are refused (the file does not match its witness, or verify found it
        # altered); reading goes on, so the history and `cases verify` still work.
        self.alarm: Message | None = None
        try:
            self._witnessed = witness.read(self.witness_path)
        except witness.WitnessUnreadable:
            self._witnessed = None
            self.alarm = Message(_WITNESS_UNREADABLE, {"file": str(self.witness_path)})
        except OSError as exc:  # e.g. the folder is a file
            raise errors.not_durable(self.path, exc) from exc
        if not self.path.exists() and self._witnessed is not None and self._witnessed.count:
            raise CaseFileTampered(Message(_FILE_MISSING, {
                "file": str(self.path), "count": self._witnessed.count,
                "witness": str(self.witness_path)}), folder=self.path.parent)
        conn = self._connect_readonly() if readonly else self._connect()
        self._conn = conn
        self.db = sqlite_utils.Database(conn)
        self._file_id: tuple | None = None  # the file this connection writes
        if not readonly:
            try:
                self._configure()
                self._file_id = _identity(self.path)
                self._start_witness()
            except sqlite3.Error as exc:
                conn.close()
                raise errors.not_durable(self.path, exc) from exc
            except OSError as exc:
                conn.close()
                raise errors.not_durable(self.witness_path, exc) from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # The window opens the case file on the GUI thread and writes from a worker; one lock
            # serialises every use of the connection instead.
            return sqlite3.connect(self.path, isolation_level=None, timeout=10,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise errors.not_durable(self.path, exc) from exc

    def _connect_readonly(self) -> sqlite3.Connection:
        """Reading a copy that must not change: a read-only mount, a forensic or backup copy.
        ``mode=ro`` reads the write-ahead log too; where SQLite cannot even create its
        shared-memory file beside it (a read-only folder), the file is opened ``immutable``,
        which is exact when no log is left beside it (a clean close or `cases backup`)."""
        if not self.path.exists():
            # Nothing recorded yet: an empty case file, without creating one.
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            _create_schema(conn)
            self.uri = None
            return conn
        base = self.path.resolve().as_uri()
        last: sqlite3.Error | None = None
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                conn = sqlite3.connect(base + query, uri=True, isolation_level=None, timeout=10,
                                       check_same_thread=False)
            except sqlite3.Error as exc:
                last = exc
                continue
            try:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                conn.execute("PRAGMA busy_timeout=10000")
            except sqlite3.Error as exc:
                conn.close()
                last = exc
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (11, 26):  # corrupt, not a db
                    break
                continue
            if not tables:  # an empty file (all its records were in a log that is gone)
                conn.close()
                conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                _create_schema(conn)
                self.uri = None
                return conn
            self.uri = base + query
            return conn
        raise errors.not_durable(self.path, last)

    def _start_witness(self) -> None:
        """Every start of a writer compares the file with its witness; a file that never had one
        (new, or written before there were witnesses) gets one."""
        self.uri = self.path.resolve().as_uri() + "?mode=ro"
        problem = self.witness_problem()
        try:
            self._writer = witness.Writer(self.witness_path)
        except OSError:
            if problem is None:
                raise
            # A witness that is a folder or a symlink: appends are refused (the alarm), reading
            # and verify go on.
            self._writer = None
        if problem is not None:
            self.alarm = self.alarm or problem[1]
        elif self._witnessed is None or self._witnessed.count != self._file_head().count:
            if self._witnessed is not None:
                log.warning("case file %s: %d records, its witness %d (a writer stopped between "
                            "the witness and the commit); witnessed as it is", self.path,
                            self._file_head().count, self._witnessed.count)
            self._writer.reset(self._file_head(), None if self._witnessed else
                               access_log.head(self._conn))
            self._conn.execute(f"PRAGMA user_version={WITNESSED_SCHEMA}")
            self._witnessed = witness.read(self.witness_path)
        recorded = _read_alarm(self.path)
        if recorded:
            self.alarm = self.alarm or Message(_VERIFY_ALARM, {"problem": recorded,
                                                               "file": str(self.path)})
        access = self.access_witness_problem()
        if access is not None:
            self.alarm = self.alarm or access
        elif self._access_witnessed is None:  # a witness from before access records counted
            self._writer.reset_access(access_log.head(self._conn))
        if self.alarm is None and \
                self._conn.execute("PRAGMA user_version").fetchone()[0] < ACCESS_WITNESSED:
            self._conn.execute(f"PRAGMA user_version={ACCESS_WITNESSED}")

    @_serialised
    def access_witness_problem(self) -> Message | None:
        """The access records against their witness (None: they agree, or no witness counts them
        yet)."""
        try:
            self._access_witnessed = witness.read_access(self.witness_path)
        except witness.WitnessUnreadable:
            self._access_witnessed = None
            return Message(_WITNESS_UNREADABLE, {"file": str(self.witness_path)})
        if self._access_witnessed is None:
            # Slots cut off a witness that counted access records would hide the newest ones
            # deleted with them.
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= ACCESS_WITNESSED:
                return Message(_WITNESS_UNREADABLE, {"file": str(self.witness_path)})
            return None
        return access_log.check_witness(self._conn, self._access_witnessed)

    def _file_head(self, conn: sqlite3.Connection | None = None) -> witness.Head:
        rows = (conn or self._conn).execute("SELECT record_id, hash FROM records "
                                  "ORDER BY record_id DESC LIMIT 2").fetchall()
        if not rows:
            return witness.EMPTY
        prev = rows[1][1] if len(rows) > 1 else GENESIS_HASH
        return witness.Head(rows[0][0], rows[0][1], prev)

    def _reload_witness(self) -> None:
        try:
            current = witness.read(self.witness_path)
        except witness.WitnessUnreadable:
            self.alarm = self.alarm or Message(_WITNESS_UNREADABLE,
                                               {"file": str(self.witness_path)})
            return
        if current is None and self._witnessed is not None:
            self.alarm = self.alarm or Message(_WITNESS_MISSING, {"file": str(self.witness_path)})
            return
        self._witnessed = current

    @_serialised
    def witness_problem(self) -> tuple[int, Message] | None:
        """The file against its witness: None when they agree (or the file has no witness yet
        and never had one)."""
        self._reload_witness()  # another process may have appended since
        if self._witnessed is None:
            if self.alarm is not None:
                return 0, self.alarm
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= WITNESSED_SCHEMA and self.count():
                return 1, Message(_WITNESS_MISSING, {"file": str(self.witness_path)})
            return None
        return check_witness(self._conn, self._witnessed)

    @_serialised
    def close(self) -> None:
        self._conn.close()
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------

    def record_check(self, result: CheckResult, decision: Decision, desk: Desk) -> CaseRecord:
        """Append a check with the clerk's decision. Returns only once the record and its feedback
        are durably on disk; raises RecordRefused (nothing written) or RecordNotDurable."""
        pledge = decision.commitment
        _refuse_typed(decision.note, pledge.form_no if pledge else "", pledge.missing if pledge else ())
        _check_policy(result.kind, result.status, result.measures, decision,
                      has_item=result.item is not None, subject_known=result.subject_known)
        commitment = None
        if decision.commitment is not None:
            offered, closed_because = result.commitment_offer
            check_pledge(decision.commitment, offered, closed_because, decision.outcome,
                         china_today(self._clock()),
                         breached_here=self.subject_breached(result.code))
            commitment = decision.commitment.to_record()
        return self._append(replace(_draft_check(result, decision, desk), commitment=commitment))

    def record_decision(self, refers_to: int, decision: Decision, desk: Desk) -> CaseRecord:
        """A later decision on, or a correction of, an earlier record: a new record that points at
        it. The check itself (status, hits, measures shown) is carried over, never rewritten."""
        _refuse_typed(decision.note)
        earlier = self.get(refers_to)
        _check_policy(earlier.subject_kind, earlier.status, earlier.measures_shown, decision,
                      has_item=bool(earlier.item_code), subject_known=earlier.known)
        draft = replace(earlier, kind="decision", refers_to=earlier.record_id,
                        case_no=decision.case_no.strip(), operator=desk.operator, hall=desk.hall,
                        window=desk.window, hall_name=desk.hall_name,
                        measures_applied=tuple(decision.measures_applied),
                        outcome=decision.outcome, note=decision.note.strip(), hash="",
                        follow_up=None, commitment=None)
        return self._append(draft)

    def record_follow_up(self, check_id: int, follow_up: dict, note: str, desk: Desk) -> CaseRecord:
        """What was done after a post-approval watch alert (desktop.casefile.watch): a decision on
        the check that carries its latest outcome and measures over unchanged, with ``follow_up``
        naming the alert, and the clerk's note saying what was done."""
        if not note.strip():
            raise RecordRefused(Message(QT_TRANSLATE_NOOP("core", "跟踪处理须在说明中写明做了什么。")))
        _refuse_typed(note)
        with self.lock:
            row = self._conn.execute("SELECT body, hash FROM records WHERE check_id = ? "
                                     "ORDER BY record_id DESC LIMIT 1", (check_id,)).fetchone()
        if row is None:
            raise RecordNotFound(Message(QT_TRANSLATE_NOOP("core", "办件档案中没有记录 {id}。"),
                                         {"id": check_id}))
        latest = CaseRecord.from_stored(*row)
        return self._append(replace(latest, kind="decision", refers_to=check_id,
                                    operator=desk.operator, hall=desk.hall, window=desk.window,
                                    note=note.strip(), follow_up=dict(follow_up), hash="",
                                    commitment=None))

    def record_commitment(self, check_id: int, state: str, note: str, desk: Desk) -> CaseRecord:
        """The commitment made with a check is fulfilled or breached: a decision on that check
        carrying the commitment with its new state (fed back with decision_kind commitment). A
        breach needs the clerk's note saying what was found."""
        if state not in SETTLED_STATES:
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "承诺的处理只能是 fulfilled（已履约）或 breached（违诺）。")))
        if state == "breached" and not note.strip():
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "记录违诺须在说明中写明核查发现的情况。")))
        _refuse_typed(note)
        with self.lock:
            rows = self._conn.execute("SELECT body, hash FROM records WHERE check_id = ? "
                                      "ORDER BY record_id", (check_id,)).fetchall()
        records = [CaseRecord.from_stored(*row) for row in rows]
        latest = latest_commitments(records).get(check_id)
        if latest is None:
            raise RecordNotFound(Message(QT_TRANSLATE_NOOP(
                "core", "记录 {id} 没有信用承诺。"), {"id": check_id}))
        if latest.commitment["state"] != "open":
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "记录 {id} 的承诺已处理（{state}），不能再次处理。"),
                {"id": check_id, "state": Message(COMMITMENT_STATE_LABELS[latest.commitment["state"]])}))
        last = records[-1]
        # A state edited by hand (a breach turned back into 履约中) must not be settled again, nor
        # a tampered due date be fulfilled on: like a watch alert, only a record that verifies.
        report = self.verify()
        if not report.ok and (report.first_bad is None or last.record_id >= report.first_bad):
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "记录 {id} 未通过档案校验（{problem}），不能在其上登记承诺的履约或违诺。"
                        "请先由管理员运行 credit-desk cases verify 查明原因。"),
                {"id": check_id, "problem": report.problem}))
        return self._append(replace(last, kind="decision", refers_to=check_id,
                                    operator=desk.operator, hall=desk.hall, window=desk.window,
                                    hall_name=desk.hall_name, note=note.strip(), follow_up=None,
                                    commitment=dict(latest.commitment, state=state), hash=""))

    @_serialised
    def subject_breached(self, code: str) -> bool:
        """Whether this case file holds a breached commitment of the subject."""
        return self._conn.execute(
            "SELECT 1 FROM records WHERE subject_code = ? AND "
            "json_extract(body, '$.commitment.state') = 'breached' LIMIT 1",
            (code.upper(),)).fetchone() is not None

    @_serialised
    def with_commitments(self) -> list[CaseRecord]:
        """Every record that carries a commitment, in the order written."""
        return [CaseRecord.from_stored(body, hash_) for body, hash_ in self._conn.execute(
            "SELECT body, hash FROM records WHERE json_extract(body, '$.commitment') IS NOT NULL "
            "ORDER BY record_id")]

    @_serialised
    def _append(self, draft: CaseRecord) -> CaseRecord:
        if self.readonly:
            raise errors.not_durable(self.path, sqlite3.OperationalError("opened read-only"))
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock before reading the head
            try:
                last = conn.execute("SELECT record_id, hash FROM records "
                                    "ORDER BY record_id DESC LIMIT 2").fetchall()
                quiet, version = self._refuse_if_altered(last)
                record, body = _seal(draft, last[0] if last else None, utc_text(self._clock()))
                _insert(conn, record, body)
                # The witness of the record before is on disk before this one is (witness.py).
                self._settle_witness(quiet)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise errors.not_durable(self.path, exc) from exc
        head = witness.Head(record.record_id, record.hash, record.prev_hash, record.recorded_at)
        try:
            state = self._writer.append(head)
            self._witnessed = head
            self._quiet = (state, version)
        except OSError:
            log.exception("case file witness not written after record %d", record.record_id)
        return record

    def _settle_witness(self, quiet: bool) -> None:
        """The witness of the record before made durable, or this record is not committed: a
        witness that cannot reach the disk would fall behind the file unseen, record by record."""
        try:
            self._writer.settle(others=not quiet)
        except OSError as exc:
            log.exception("case file witness not flushed")
            raise errors.not_durable(self.witness_path, exc) from exc

    def _refuse_if_altered(self, last: list[tuple[int, str]]) -> tuple[bool, int]:
        """Under the write lock: the file still ends where its witness says (another process may
        have appended since, and then the witness moved with it), and nobody raised an alarm.
        The witness is read back and decoded only when the case file or the witness may have
        changed since this connection's last append (SQLite's data_version counts the commits of
        every other connection; the witness's inode and raw slots show a write, a replacement or
        a deletion). Returns whether neither did, and the data_version."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        quiet = (self._quiet is not None and self._quiet[1] == version
                 and self._writer is not None and not self._writer.changed_since(self._quiet[0]))
        if not quiet:
            self._quiet = None
            self._reload_witness()
        expected = self._witnessed or witness.EMPTY
        found = (last[0][0], last[0][1]) if last else (0, GENESIS_HASH)
        if self.alarm is None and found != (expected.count, expected.head):
            problem = check_witness(self._conn, expected)
            if problem is not None:
                self.alarm = problem[1]
        if self.alarm is None and _identity(self.path) != self._file_id:
            # Renamed over or deleted while open: this connection would go on writing a file
            # that is no longer at the path, and the next start would not find those records.
            self.alarm = Message(_FILE_REPLACED, {"file": str(self.path)})
        if self.alarm is None and os.path.lexists(self._alarm_path):
            recorded = _read_alarm(self.path)
            if recorded:
                self.alarm = Message(_VERIFY_ALARM, {"problem": recorded, "file": str(self.path)})
        if self.alarm is None and not (quiet and self._newest_access_witnessed()):
            # The newest access records deleted or replaced stop records too: one rule for the
            # whole file (break attempt 16 found a record going on after them).
            self.alarm = self.access_witness_problem()
        if self.alarm is not None:
            raise CaseFileTampered(Message(_APPEND_REFUSED, {"problem": str(self.alarm)}),
                                   folder=self.path.parent)
        if not quiet and (self._writer is None or not self._writer.at_path()):
            # Replaced by a file that agrees with the case file (a copy renamed over it): written
            # into the old one, the witness at the path would fall behind and raise a false alarm.
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            try:
                self._writer = witness.Writer(self.witness_path)
            except OSError as exc:
                raise errors.not_durable(self.witness_path, exc) from exc
        return quiet, version

    @_serialised
    def record_access(self, result: CheckResult, purpose: str, desk: Desk) -> AccessRecord:
        """The access record of one lookup of a natural person (desktop.casefile.access), durable
        before it returns; raises RecordNotDurable (nothing written)."""
        [record] = self._append_access([_access_draft(result, result.masked_code, str(result.status),
                                                      purpose.strip(), desk)])
        return record

    @_serialised
    def record_people_access(self, result: CheckResult, desk: Desk) -> list[AccessRecord]:
        """One access record per person of a unit shown with its check (``result.related``),
        all durable before it returns, or none (RecordNotDurable). The purpose says which unit's
        check showed them: the clerk typed no number and gave no other reason."""
        drafts = []
        for person in result.related:
            status = "hit" if counting_hits(person.hits, result.checked_at) else "clear"
            purpose = f"核查单位 {result.code} 时显示的{ROLE_LABELS[person.role]}"
            drafts.append(_access_draft(result, person.code_masked, status, purpose, desk))
        return self._append_access(drafts)

    def _append_access(self, drafts: list[AccessRecord]) -> list[AccessRecord]:
        if self.readonly:
            raise errors.not_durable(self.path, sqlite3.OperationalError("opened read-only"))
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                quiet, version = self._refuse_access_if_stopped()
                # Created on first use: a case file written before access records keeps its bytes.
                conn.execute(access_log.SCHEMA)
                conn.execute(access_log.INDEX)
                records = [access_log.append(conn, draft) for draft in drafts]
                # The witness of the append before (record or access record) is on disk first.
                self._settle_witness(quiet)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise errors.not_durable(self.path, exc) from exc
        # Witnessed like a record: committed first, its slot written now and flushed behind
        # (witness.py), so the lookup is shown once the access records are durable.
        if records:
            last = records[-1]
            try:
                head = witness.Head(last.access_id, last.hash, last.prev_hash, last.at)
                state = self._writer.append(head, base=witness.ACCESS)
                self._quiet, self._access_witnessed = (state, version), head
            except OSError:
                self._quiet = None  # the slot may be behind its access record: look next time
                log.exception("case file witness not updated after access record %d",
                              last.access_id)
        return records

    def _newest_access_witnessed(self) -> bool:
        """Quiet, nobody else committed and the witness's four slots are as this connection's
        last append left them, when its access records and their slots agreed: only this
        connection can have changed the access records since (its ``db``, held by a caller, as
        break attempt 17 did). Their newest one still being the one witnessed then is enough;
        otherwise the whole check runs."""
        known = self._access_witnessed
        if known is None:
            return False
        found = access_log.head(self._conn)
        return (found.count, found.head) == (known.count, known.head)

    def _refuse_access_if_stopped(self) -> tuple[bool, int]:
        """Under the write lock: while recording is stopped (the file or its access records do
        not match the witness, or verify found the file altered) no access record is written
        either, so the lookup is not shown (the checker's rule). Written on, they would go into a
        file IT is about to replace from a backup, or cover the evidence: a new access record takes
        the number, and then the witness slot, of a deleted one. Returns what
        ``_refuse_if_altered`` does."""
        last = self._conn.execute("SELECT record_id, hash FROM records "
                                  "ORDER BY record_id DESC LIMIT 2").fetchall()
        try:
            return self._refuse_if_altered(last)
        except CaseFileTampered:
            raise CaseFileTampered(Message(_ACCESS_REFUSED, {"problem": str(self.alarm)}),
                                   folder=self.path.parent) from None

    @_serialised
    def access_records(self, *, since: date | datetime | str | None = None,
                       until: date | datetime | str | None = None, operator: str | None = None,
                       limit: int | None = None, newest_first: bool = False) -> list[AccessRecord]:
        """Access records, filtered like ``query`` (on the lookup's time and the operator)."""
        if not self._has_access_table():
            return []
        where, params = [], []
        if since is not None:
            where.append("at >= ?")
            params.append(utc_text(_instant(since, end=False)))
        if until is not None:
            where.append("at < ?")
            params.append(utc_text(_instant(until, end=True)))
        if operator is not None:
            where.append("operator = ?")
            params.append(operator)
        sql = "SELECT body, hash FROM access"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY access_id" + (" DESC" if newest_first else "")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [AccessRecord.from_stored(b, h) for b, h in self._conn.execute(sql, params)]

    def _has_access_table(self) -> bool:
        return self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'access'"
                                  ).fetchone() is not None

    # -- reading ------------------------------------------------------------------------------

    @_serialised
    def get(self, record_id: int) -> CaseRecord:
        row = self._conn.execute("SELECT body, hash FROM records WHERE record_id = ?",
                                 (record_id,)).fetchone()
        if row is None:
            raise RecordNotFound(Message(QT_TRANSLATE_NOOP("core", "办件档案中没有记录 {id}。"),
                                         {"id": record_id}))
        return CaseRecord.from_stored(*row)

    @_serialised
    def query(self, *, since: date | datetime | str | None = None,
              until: date | datetime | str | None = None, operator: str | None = None,
              item_code: str | None = None, status: str | None = None, code: str | None = None,
              limit: int | None = None, newest_first: bool = False) -> list[CaseRecord]:
        """Records in the order they were written, or ``newest_first`` (with ``limit``: the latest
        ones, as a history table shows them). ``since``/``until`` are inclusive and filter on the
        check time; a date is a China civil day, a datetime an instant. ``code`` is the whole
        subject code; ``status`` one of clear, hit, unverified."""
        where, params = [], []
        if since is not None:
            where.append("checked_at >= ?")
            params.append(utc_text(_instant(since, end=False)))
        if until is not None:
            where.append("checked_at < ?")
            params.append(utc_text(_instant(until, end=True)))
        for column, value in (("operator", operator), ("item_code", item_code),
                              ("status", status), ("subject_code", code and code.upper())):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = "SELECT body, hash FROM records"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY record_id" + (" DESC" if newest_first else "")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [CaseRecord.from_stored(body, hash_) for body, hash_ in
                self._conn.execute(sql, params)]

    @_serialised
    def head(self) -> str:
        row = self._conn.execute("SELECT hash FROM records ORDER BY record_id DESC LIMIT 1"
                                 ).fetchone()
        return row[0] if row else GENESIS_HASH

    @_serialised
    def count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM records").fetchone()[0]

    @_serialised
    def verify(self) -> VerifyReport:
        report = verify(self._conn, self.uri, witness=self._witnessed,
                        witness_problem=self.witness_problem())
        if not report.ok or not self._has_access_table():
            return report
        try:
            _, problem = access_log.walk(self._conn)
        except sqlite3.Error as exc:
            problem = Message(QT_TRANSLATE_NOOP("core", "案卷文件无法读取或结构被改动：{error}"), {"error": exc})
        if problem is None:
            problem = self.access_witness_problem()
        if problem is None:
            return report
        return VerifyReport(False, report.checked, None, str(problem))

    def record_alarm(self, report: VerifyReport) -> None:
        """Leave what `cases verify` found beside the file, so that no process appends to it
        until IT decides; a clean verify lifts it. Nothing to do on a read-only copy."""
        target = witness.alarm_path(self.path)
        try:
            if report.ok:
                target.unlink(missing_ok=True)
            else:
                target.write_text(report.problem + "\n", encoding="utf-8")
        except OSError:
            pass

    @_serialised
    def accept(self) -> witness.Head:
        """IT's decision to go on with the file as it is now (after a crash during recording, or a
        loss that cannot be restored): only for a file whose own chain and derived data verify.
        The old witness is kept beside it, renamed, as the evidence."""
        report = verify(self._conn, self.uri, witness=None, witness_problem=None)
        if not report.ok:
            raise CaseFileTampered(Message(_NOT_ACCEPTABLE, {"problem": report.problem}),
                                   folder=self.path.parent)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if os.path.lexists(self.witness_path):  # a symlink put in its place is moved aside too
            self.witness_path.replace(self.witness_path.with_name(
                f"{self.witness_path.name}.replaced-{stamp}"))
        if self._writer is not None:
            self._writer.close()
        self._writer = witness.Writer(self.witness_path)
        head, access = self._file_head(), access_log.head(self._conn)
        self._writer.reset(head, access)
        self._conn.execute(f"PRAGMA user_version={ACCESS_WITNESSED}")
        self._witnessed, self._access_witnessed, self.alarm = head, access, None
        self._quiet = None
        witness.alarm_path(self.path).unlink(missing_ok=True)
        return head

    @_serialised
    def backup(self, dest: Path) -> witness.Head:
        """A consistent copy through SQLite's online backup (it reads the write-ahead log, so
        records not yet checkpointed are in the copy), with a witness of exactly that copy."""
        dest = Path(dest)
        target = dest if dest.suffix == self.path.suffix and not dest.is_dir() \
            else dest / self.path.name
        if target.exists() or witness.witness_path(target).exists():
            raise FileExistsError(str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.unlink(missing_ok=True)
        proof = witness.witness_path(target)
        try:
            copy = sqlite3.connect(partial)
            try:
                self._conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                copy.commit()
                head, access = self._file_head(copy), access_log.head(copy)
            finally:
                copy.close()
            with open(partial, "rb+") as f:
                os.fsync(f.fileno())
            # The witness first: a copy is never left in place without it (a full disk).
            writer = witness.Writer(proof)
            try:
                writer.reset(head, access)
            finally:
                writer.close()
            os.replace(partial, target)
        except (OSError, sqlite3.OperationalError) as exc:
            # The destination failed (full, gone, read-only), not the case file: say so, and
            # leave nothing half-written behind.
            partial.unlink(missing_ok=True)
            if not target.exists():
                proof.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise
            raise OSError(errno.EIO, str(exc), str(target)) from exc
        return head

    # -- setup --------------------------------------------------------------------------------

    def _configure(self) -> None:
        conn = self._conn
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous=" + ("FULL" if mode == "wal" else "EXTRA"))
        conn.execute("PRAGMA busy_timeout=10000")
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION \
                and not old_outbox.holds_messages(conn):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Looked at again under the write lock: another desk process may have just done it.
            # A file that lost its user_version (restored from a .dump) is upgraded too.
            _create_schema(conn)
            if old_outbox.holds_messages(conn):
                old_outbox.upgrade(conn, _create_outbox)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _create_schema(conn: sqlite3.Connection) -> None:
    generated = ",\n".join(
        f"  {name} {sqltype} GENERATED ALWAYS AS (json_extract(body, '{path}')) STORED"
        for name, (sqltype, path) in QUERY_COLUMNS.items())
    conn.execute("CREATE TABLE IF NOT EXISTS records (\n"
                 "  record_id INTEGER PRIMARY KEY,\n"
                 "  body TEXT NOT NULL,\n"
                 "  hash TEXT NOT NULL,\n" + generated + ")")
    _create_outbox(conn)
    conn.execute("CREATE INDEX IF NOT EXISTS records_checked_at ON records(checked_at)")
    conn.execute("CREATE INDEX IF NOT EXISTS records_check_id ON records(check_id)")
    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _create_outbox(conn: sqlite3.Connection) -> None:
    # One row per record, written in the same transaction: what is still to be reported and
    # the hash the record had when it was written. The feedback message itself is built from the
    # hashed body when it is sent (platform/outbox.py), so there is no second copy of the record
    # that could say something else; the sender keeps delivery state in its own file.
    sqlite_utils.Database(conn)["outbox"].create(
        {"feedback_id": str, "record_id": int, "record_hash": str, "created_at": str},
        pk="feedback_id", not_null={"feedback_id", "record_id", "record_hash", "created_at"},
        if_not_exists=True)
    conn.execute("CREATE INDEX IF NOT EXISTS outbox_record_id ON outbox(record_id)")


def _identity(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _read_alarm(path: Path) -> str:
    try:
        return witness.alarm_path(path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeError) as exc:
        return str(exc)


def _access_draft(result: CheckResult, subject: str, status: str, purpose: str,
                  desk: Desk) -> AccessRecord:
    return AccessRecord(access_id=0, at=utc_text(result.checked_at), operator=desk.operator,
                        hall=desk.hall, window=desk.window, purpose=purpose, subject=subject,
                        item_code=result.item.item_code if result.item else "",
                        status=status, source=str(result.source), prev_hash="")


def _draft_check(result: CheckResult, decision: Decision, desk: Desk) -> CaseRecord:
    """The record of a check before it has a place in the chain."""
    subject = result.subject
    return CaseRecord(
        record_id=0, kind="check", refers_to=None, check_id=0,
        case_no=decision.case_no.strip(), item_code=result.item.item_code,
        item_name=result.item.name, subject_code=result.code, subject_kind=str(result.kind),
        subject_name=subject.name if subject else None, checked_at=utc_text(result.checked_at),
        recorded_at="", operator=desk.operator, hall=desk.hall, window=desk.window,
        status=str(result.status), source=str(result.source),
        data_as_of=result.data_as_of, snapshot_version=result.snapshot_version,
        stale=result.stale, demo=result.demo, reason=str(result.reason or ""),
        request_id=result.request_id, severities=tuple(result.severities),
        hits=tuple(result.hits), measures_shown=tuple(result.measures),
        measures_applied=tuple(decision.measures_applied), outcome=decision.outcome,
        note=decision.note.strip(), feedback_id="", prev_hash="",
        subject_known=result.subject_known, notices=tuple(str(n) for n in result.notices),
        item_department=result.item.department, hall_name=desk.hall_name,
        related=tuple(result.related), via=result.via.to_record() if result.via else None)


def _seal(draft: CaseRecord, last: tuple[int, str] | None,
          recorded_at: str) -> tuple[CaseRecord, bytes]:
    """Give the draft its place in the chain: id, predecessor's hash, feedback id, own hash.
    Returns the record and its canonical body, serialised once for the hash and the row."""
    record_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    place = {"record_id": record_id, "prev_hash": prev_hash, "recorded_at": recorded_at,
             "check_id": draft.check_id if draft.kind == "decision" else record_id,
             "feedback_id": str(uuid.uuid4())}
    body = canonical_json(draft.content() | place)
    return replace(draft, **place, hash=hashlib.sha256(body).hexdigest()), body


def _insert(conn: sqlite3.Connection, record: CaseRecord, body: bytes) -> None:
    conn.execute("INSERT INTO records(record_id, body, hash) VALUES (?, ?, ?)",
                 (record.record_id, body.decode(), record.hash))
    conn.execute("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) "
                 "VALUES (?, ?, ?, ?)",
                 (record.feedback_id, record.record_id, record.hash, record.recorded_at))


def _check_policy(kind, status, measures, decision: Decision, *, has_item: bool,
                  subject_known: bool | None) -> None:
    """Refuse a record the rules do not allow, before anything is written."""
    if not has_item:
        raise RecordRefused(Message(QT_TRANSLATE_NOOP("core", "记档须先选择办事事项。")))
    if str(kind) == CodeKind.PERSON and not decision.case_no.strip():
        raise RecordRefused(Message(QT_TRANSLATE_NOOP(
            "core", "核查自然人（身份证号码）须填写办件编号，以说明查询用途。")))
    if not decision.outcome:
        raise RecordRefused(Message(QT_TRANSLATE_NOOP(
            "core", "请选择办理结果（本次核查不预设办理结果，由经办人核实后决定）。")))
    if decision.outcome not in OUTCOMES:
        raise RecordRefused(Message(
            QT_TRANSLATE_NOOP("core", "未知的办理结果“{outcome}”，可选：{choices}。"),
            {"outcome": decision.outcome, "choices": "、".join(OUTCOMES)}))
    shown = {m.measure_id: m for m in measures}
    unknown = [m for m in decision.measures_applied if m not in shown]
    if unknown:
        raise RecordRefused(Message(
            QT_TRANSLATE_NOOP("core", "措施 {ids} 不在本次核查给出的措施中。"),
            {"ids": "、".join(unknown)}))
    has_note = bool(decision.note.strip())
    dropped = [m for m in measures if m.mandatory and m.measure_id not in decision.measures_applied]
    if dropped and not has_note:
        raise RecordRefused(Message(
            QT_TRANSLATE_NOOP("core", "必须执行的措施未执行：{measures}。请在说明中写明理由。"),
            {"measures": "；".join(f"{m.measure_id} {m.content.rstrip('。；')}" for m in dropped)}))
    if str(status) == Status.UNVERIFIED and decision.outcome in GRANTING_OUTCOMES and not has_note:
        raise RecordRefused(Message(
            QT_TRANSLATE_NOOP("core", "本次核查未能核实，记为“{outcome}”须在说明中写明依据。"),
            {"outcome": OUTCOMES[decision.outcome]}))
    if subject_known is False and decision.outcome in GRANTING_OUTCOMES and not has_note:
        # A valid code the data does not hold may be a slip that made another valid code.
        raise RecordRefused(Message(
            QT_TRANSLATE_NOOP("core", "数据中无此主体，记为“{outcome}”须在说明中写明已核对代码（如核对了营业执照原件）。"),
            {"outcome": OUTCOMES[decision.outcome]}))


def _refuse_typed(note: str, form_no: str = "", missing=()) -> None:
    """What the clerk typed for this record holds no identity number (typed_text.py)."""
    problem = refuse_identity_numbers(note, form_no, missing)
    if problem is not None:
        raise RecordRefused(problem)


def _instant(value: date | datetime | str, *, end: bool) -> datetime:
    """A query bound as an instant. A date means the whole China civil day; both bounds are
    inclusive, and stored times are whole seconds, so an inclusive end is the next second."""
    if isinstance(value, str):
        value = (datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value))
    if isinstance(value, datetime):
        return value.replace(microsecond=0) + timedelta(seconds=1) if end else value
    day = datetime.combine(value, time(), CHINA_TZ)
    return day + timedelta(days=1) if end else day
