"""Post-approval watch (事中事后监管): which recorded checks the newest data puts in a new light.

A check is a snapshot in time. When newer data arrives (a snapshot installed, updated or imported
from a USB stick, or the platform's change feed), every check recorded in the watch window is
compared with what the data now says about its subject, entry by entry, against what the check
itself saw. Only the changes that matter for the outcome recorded become alerts:

- ``listed``: a granted application whose subject is now on a black or focus list it was not on;
- ``lapsed`` / ``repaired`` / ``removed``: a refused or restricted application whose black or
  focus entry no longer counts (the ground for the refusal is gone: 保护权益);
- ``reward_withdrawn``: a red-list incentive the clerk applied whose entry no longer counts;
- ``rep_listed``: a granted unit whose legal representative or principal is now on a black or
  focus list the check did not show them on (the measures targeting that role apply).

Anything else (a clear subject put on a red list, a refused subject listed once more, a record
made from data newer than what arrived) is not an alert.

An alert is keyed by (check, change, entry), so computing again after a second install raises
nothing new; a refusal's ground that lapsed, was repaired or was removed is one change whichever
word the data or the feed uses next. A change undone before anyone settled it is cleared, and
opened again (raised anew) if the data shows it once more. It is settled by a ``follow_up`` decision record on the check (CaseFile.
record_follow_up), which is what the case file and the platform keep; the alert store here
(``watch.sqlite`` beside the case file) only remembers when each alert was raised and mirrors the
settlement for counting. Everything in it can be recomputed from the case file and the data.

The data says which recorded subjects need reading at all: each answer carries a fingerprint of
the signed rows it came from, kept with the check, and a check whose fingerprint still holds (and
whose counting entries have not reached their end date) is passed over unread. A subject whose rows
do not verify is named in the run and left as it was: no alert raised or cleared on edited data.

Qt-free; the data side comes in through ``CurrentData`` (desktop.offline.watch_data for an
installed snapshot) or as a change feed (desktop.platform.changes)."""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

from desktop.casefile.errors import CaseFileTampered, RecordRefused
from desktop.casefile.record import CHINA_TZ, GRANTING_OUTCOMES, utc_text
from desktop.casefile.store import CaseFile, Desk
from desktop.check.model import ROLE_LABELS
from desktop.check.policy import COUNTING_STATES, state_on
from desktop.site.masking import mask_code
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

log = logging.getLogger(__name__)

CHANGES = {
    "listed": QT_TRANSLATE_NOOP("core", "准予办理后新列入名单"),
    "lapsed": QT_TRANSLATE_NOOP("core", "不予办理所依据的条目已到期"),
    "repaired": QT_TRANSLATE_NOOP("core", "不予办理所依据的条目已信用修复"),
    "removed": QT_TRANSLATE_NOOP("core", "不予办理所依据的条目已移出名单"),
    "reward_withdrawn": QT_TRANSLATE_NOOP("core", "所享受的守信激励已撤销"),
    "rep_listed": QT_TRANSLATE_NOOP("core", "准予办理后法定代表人或主要负责人新列入名单"),
}
ROLE_WORDS = ROLE_LABELS
# What a follow-up says was done. Keys go into the case file and the feedback.
ACTIONS = {
    "reviewed": QT_TRANSLATE_NOOP("core", "已复核，维持原决定"),
    "supervised": QT_TRANSLATE_NOOP("core", "已纳入事中事后重点监管"),
    "referred": QT_TRANSLATE_NOOP("core", "已移交主管部门依法处理"),
    "revoked": QT_TRANSLATE_NOOP("core", "已依法撤销或变更审批决定"),
    "informed": QT_TRANSLATE_NOOP("core", "已告知申请人可重新申请"),
}
STATE_WORDS = {"active": QT_TRANSLATE_NOOP("core", "有效"),
               "objection": QT_TRANSLATE_NOOP("core", "异议处理中"),
               "repaired": QT_TRANSLATE_NOOP("core", "已信用修复"),
               "lapsed": QT_TRANSLATE_NOOP("core", "已到期"),
               "removed": QT_TRANSLATE_NOOP("core", "已移出"),
               "absent": QT_TRANSLATE_NOOP("core", "未列入")}
_SERIOUS = ("black", "focus")
_REFUSING = ("rejected", "deferred")
WATCH_FILE = "watch.sqlite"
# How far a change feed's version may run ahead of the installed snapshot and still be believed.
# The feed's version is the platform's newest data version, the same numbers its signed
# snapshots carry, one per publication (the publisher's --version). A desk online installs the
# newest snapshot at every update and its data stops vouching after max_age_hours (168 h), so an
# honest feed runs a few versions ahead: 1,000 is almost three years of daily publications
# missed. Beyond it (10^12, a millisecond timestamp, a counter gone wrong), the version is not
# believed and never kept: it would make every honest feed after it "older" and refused.
FEED_AHEAD = 1000
_OWN_RECORD_BAD = QT_TRANSLATE_NOOP(
    "core", "未登记跟踪处理：记录 {id} 未通过档案校验（{problem}）。请由信息技术人员运行 "
            "credit-desk cases verify 查明原因，恢复备份或确认现状后再登记；已有记录和提醒仍可查看。")
_CASE_FILE_BAD = QT_TRANSLATE_NOOP(
    "core", "未登记跟踪处理：案卷未通过档案校验（{problem}），不再向其写入记录（记录 {id} 本身完好）。"
            "请由信息技术人员运行 credit-desk cases verify 查明原因，恢复备份或确认现状后再登记；"
            "已有记录和提醒仍可查看。")


@dataclass(frozen=True)
class EntryNow:
    """What the newer data says about one list entry of a subject."""
    code: str
    entry_id: str
    list_code: str
    list_name: str
    severity: str
    state: str                 # active | objection | repaired | lapsed | removed
    expires_on: str | None = None


class CurrentData(Protocol):
    """The newer data, as the watch needs it (an installed snapshot: desktop.offline.watch_data)."""
    label: str                 # where it came from, for the alert ("离线数据第 3 版")
    version: int               # its data version (the change feed's versions are the same)
    data_as_of: datetime
    layout: int                # fingerprints taken under another layout say nothing

    def fingerprint(self, buckets: str) -> bytes:
        """What the data now says about the rows an earlier answer named by ``buckets``."""

    def subjects(self, codes: Iterable[str], *, cancel: Callable[[], bool] | None = None
                 ) -> Iterable[tuple]:
        """Per code, read verified: (code, entries, people, buckets, fingerprint) with entries
        as rows in EntryNow's field order (the state as the data records it: the watch works out
        lapsing itself) and people as (role, masked number, masked name, entries); or (code,
        None, None, where, None) when the rows read differ from what the data was signed with."""

    def measures(self, item_code: str, list_code: str, role: str | None = None
                 ) -> tuple[tuple[str, str], ...]:
        """(measure_id, content) of the measures the data maps from this list to this item,
        binding the subject, or with ``role`` the unit's person in that role."""


@dataclass(frozen=True)
class FeedChange:
    """One line of the platform's change feed (GET /api/v1/changes)."""
    code: str
    change: str                # listed | lapsed | repaired | removed | reward_withdrawn
    entry_id: str
    severity: str
    list_code: str = ""


@dataclass(frozen=True)
class Settlement:
    record_id: int
    action: str
    operator: str
    note: str
    at: str


@dataclass(frozen=True)
class Alert:
    key: str                   # "<check>:<change>:<entry>": one change of one check, ever
    check_id: int
    basis_record: int          # the latest record on the check when the alert was raised
    case_no: str
    item_code: str
    item_name: str
    subject_code: str
    subject_kind: str
    subject_name: str
    checked_at: str
    outcome: str
    change: str
    entry_id: str
    list_code: str
    list_name: str
    severity: str
    old_state: str
    new_state: str
    measures: tuple[tuple[str, str], ...]
    follow_up: str             # what the measures call for, zh_CN
    source: str                # the data that raised it
    raised_at: str
    cleared_at: str | None = None     # newer data no longer shows the change (it was undone)
    cleared_reason: str = ""          # which data, and what it says now (zh_CN, as stored)
    settled: Settlement | None = None
    record_ok: bool = True            # False: the record fails `cases verify`
    # rep_listed: the unit's person the change is about (number and name masked as published)
    person_role: str = ""
    person_code: str = ""
    person_name: str = ""

    @property
    def open(self) -> bool:
        return self.settled is None and self.cleared_at is None

    def age_days(self, now: datetime) -> int:
        return (now - datetime.fromisoformat(self.raised_at)).days

    def to_json(self) -> dict:
        from desktop.check.model import mask_code

        return {"alert": self.key, "record_id": self.check_id, "basis_record": self.basis_record,
                "case_no": self.case_no, "item_code": self.item_code, "item_name": self.item_name,
                "subject_code": mask_code(self.subject_code, self.subject_kind),
                "subject_name": self.subject_name, "checked_at": self.checked_at,
                "outcome": self.outcome, "change": self.change, "entry_id": self.entry_id,
                "list_code": self.list_code, "list_name": self.list_name,
                "severity": self.severity, "old_state": self.old_state,
                "new_state": self.new_state,
                "measures": [{"measure_id": m, "content": c} for m, c in self.measures],
                "follow_up": self.follow_up, "source": self.source, "raised_at": self.raised_at,
                "cleared_at": self.cleared_at, "cleared_reason": self.cleared_reason or None,
                "record_ok": self.record_ok,
                "person": None if not self.person_role else {
                    "role": self.person_role, "code_masked": self.person_code,
                    "name": self.person_name},
                "settled": None if self.settled is None else {
                    "record_id": self.settled.record_id, "action": self.settled.action,
                    "operator": self.settled.operator, "note": self.settled.note,
                    "at": self.settled.at}}


@dataclass(frozen=True)
class WatchRun:
    examined: int              # recorded checks compared
    raised: tuple[Alert, ...]  # new alerts from this run
    cleared: int = 0
    source: str = ""
    read: int = 0              # recorded subjects whose rows changed, read again
    # (check, case number, where) for checks whose subject's rows did not verify: not compared
    unverified: tuple[tuple[int, str, str], ...] = ()


class Cancelled(Exception):
    """The caller's cancel was set: nothing of the interrupted step was written."""


class FeedRefused(Exception):
    def __init__(self, message: Message):
        self.message = message
        super().__init__(str(message))


# -- what a check saw --------------------------------------------------------------------------

@dataclass
class _Seen:
    check_id: int
    basis_record: int
    code: str
    granted: bool
    refused: bool
    reward_lists: frozenset[str]
    hits: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # entry_id: (list_code, list_name, severity, state effective on the check's day)
    info: tuple = ()
    # (role, masked number): {entry_id: state effective on the check's day} of a unit's people
    related: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def _seen(row: tuple, before: datetime | None) -> _Seen | None:
    """A row of the checks index as the rules need it; None when no change could matter for it
    or it was made from data newer than ``before`` (it already saw more than that data says: an
    online check against an older snapshot would otherwise raise alerts for changes the
    platform had already shown the clerk)."""
    check_id, last_id, code, checked_at, as_of, outcome, punished, rewards, hits, info, \
        related = row
    if before is not None and as_of and datetime.fromisoformat(as_of) > before:
        return None
    s = _Seen(check_id, last_id, code, outcome in GRANTING_OUTCOMES,
              outcome in _REFUSING or bool(punished),
              frozenset(rewards.split(",")) if rewards else frozenset(),
              {h[0]: tuple(h[1:]) for h in json.loads(hits)} if hits != "[]" else {},
              info=(info, checked_at, outcome),
              related={(r[0], r[1]): r[2] for r in json.loads(related or "[]")})
    return s if s.granted or s.refused or s.reward_lists else None


def _too_new(as_of: str | None, before: datetime | None) -> bool:
    return before is not None and bool(as_of) and datetime.fromisoformat(as_of) > before


def _applied(shown: list, applied: list) -> tuple[int, str]:
    """(whether a punishment was applied, the lists of the incentives applied)."""
    applied = set(applied)
    punished = any(nature != "reward" for m, nature, _ in shown if m in applied)
    rewards = sorted({lc for m, nature, lc in shown if m in applied and nature == "reward"})
    return int(punished), ",".join(rewards)


# -- the rules ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    seen: _Seen
    entry_id: str
    list_code: str
    list_name: str
    severity: str
    new_state: str
    change: str
    old_state: str
    person: tuple[str, str, str] = ()    # rep_listed: (role, masked number, masked name)

    @property
    def key(self) -> str:
        return _key(self.seen, self.change, self.entry_id)


def _judge(s: _Seen, entry_id: str, list_code: str, list_name: str, severity: str,
           new_state: str) -> tuple[str, str] | None:
    """(change, old state) when this entry's new state matters for the check's outcome."""
    then = s.hits.get(entry_id)
    old_state = then[3] if then else "absent"
    counted, counts = old_state in COUNTING_STATES, new_state in COUNTING_STATES
    if severity in _SERIOUS:
        if s.granted and counts and not counted:
            return "listed", old_state
        if s.refused and counted and not counts and new_state in ("lapsed", "repaired", "removed"):
            return new_state, old_state
    elif severity == "red" and counted and not counts and list_code in s.reward_lists:
        return "reward_withdrawn", old_state
    return None


def _judge_person(s: _Seen, role: str, masked: str, entry_id: str, severity: str,
                  new_state: str) -> str | None:
    """The old state when a granted unit's person now counts on a black or focus list the check
    did not show them counting on (a person the check did not show at all: absent)."""
    if not s.granted or severity not in _SERIOUS or new_state not in COUNTING_STATES:
        return None
    old_state = s.related.get((role, masked), {}).get(entry_id, "absent")
    return None if old_state in COUNTING_STATES else old_state


def _follow_up(change: str, list_name: str, measures: tuple[tuple[str, str], ...],
               person: tuple[str, str, str] = ()) -> str:
    named = "；".join(f"{m} {c.rstrip('。；')}" for m, c in measures)
    if change == "rep_listed":
        role, masked, name = person
        return (f"该单位的{ROLE_WORDS.get(role, role)}（{name} {masked}）在准予办理后被列入“{list_name}”。"
                + (f"本事项对应的措施：{named}。" if named else "本事项未对应针对该人员的措施。")
                + "请复核已办结的审批，依法纳入事中事后监管；须另行确定人员的，告知申请单位。")
    if change == "listed":
        return (f"该主体在准予办理后被列入“{list_name}”。"
                + (f"本事项对应的措施：{named}。" if named else "本事项未对应该名单的措施。")
                + "请复核已办结的审批，依法纳入事中事后监管，必要时移交主管部门或撤销、变更审批决定。")
    if change == "reward_withdrawn":
        return (f"所享受的“{list_name}”激励已不再有效"
                + (f"（{named}）" if named else "")
                + "。请复核按容缺、承诺或绿色通道办理的事项，补齐材料，按一般程序监管。")
    return (f"不予办理或限制办理所依据的“{list_name}”条目{STATE_WORDS[change]}，不再构成限制理由。"
            "申请人再次申请时应按新的核查结果办理，不得再以该条目为由拒绝；可告知申请人。")


def _counting(entries, today) -> str:
    """The entries that count on ``today``, as one sorted string."""
    return ",".join(sorted(e[1] for e in entries
                           if state_on(e[5], e[6], today) in COUNTING_STATES))


_ROLE_RANK = {"legal_rep": 0, "principal": 1}


def _rep_counting(people, today) -> str:
    """As _index_row writes it for a check: each person with entries, by role and number."""
    return ";".join(f"{role}|{masked}|{_counting(entries, today)}"
                    for role, masked, _, entries in sorted(
                        people, key=lambda p: (_ROLE_RANK.get(p[0], 9), p[1])) if entries)


def _until(entries_lists, today) -> str | None:
    """The last day on which every entry that counts now still counts: after it, an entry's
    term runs out and the check must be compared again though the data did not change."""
    ends = [e[6] for entries in entries_lists for e in entries
            if e[6] and state_on(e[5], e[6], today) in COUNTING_STATES]
    return min(ends) if ends else None


def _compare(s: _Seen, entries, people, today) -> list[_Found]:
    """The alerts one check gives against what the data now says about its subject and, for a
    unit, its people."""
    found = []
    here = {e[1]: e for e in entries}
    for e in entries:
        _, entry_id, list_code, list_name, severity, state, expires_on = e
        state = state_on(state, expires_on, today)
        verdict = _judge(s, entry_id, list_code, list_name, severity, state)
        if verdict:
            found.append(_Found(s, entry_id, list_code, list_name, severity, state, *verdict))
    for entry_id, (list_code, list_name, severity, _) in s.hits.items():
        if entry_id not in here:
            verdict = _judge(s, entry_id, list_code, list_name, severity, "removed")
            if verdict:
                found.append(_Found(s, entry_id, list_code, list_name, severity, "removed",
                                    *verdict))
    for role, masked, name, person_entries in people:
        for e in person_entries:
            _, entry_id, list_code, list_name, severity, state, expires_on = e
            state = state_on(state, expires_on, today)
            old = _judge_person(s, role, masked, entry_id, severity, state)
            if old is not None:
                found.append(_Found(s, entry_id, list_code, list_name, severity, state,
                                    "rep_listed", old, (role, masked, name)))
    return found


def _index_row(record_id, code, checked_at, as_of, outcome, hits, shown, applied, case_no,
               item_code, item_name, subject_kind, name, related) -> tuple:
    """A check record as the checks index keeps it (the first _CHECK_FIELDS columns)."""
    day = datetime.fromisoformat(checked_at).astimezone(CHINA_TZ).date()

    def judged(h):
        return h.get("effective_state") or state_on(h["state"], h.get("expires_on"), day)

    compact = [(m["measure_id"], m["nature"], m["list_code"]) for m in shown]
    seen_hits = [(h["entry_id"], h["list_code"], h["list_name"], h["severity"], judged(h))
                 for h in hits]
    people = [(r["role"], mask_code(r.get("code_masked") or "", "person"),
               {h["entry_id"]: judged(h) for h in r.get("hits") or ()})
              for r in related or ()]
    rep_counting = ";".join(
        f"{role}|{masked}|{','.join(sorted(e for e, st in states.items() if st in COUNTING_STATES))}"
        for role, masked, states in sorted(people, key=lambda p: (_ROLE_RANK.get(p[0], 9), p[1]))
        if states)
    return (record_id, record_id, code, checked_at, as_of, outcome, *_applied(compact, applied),
            ",".join(sorted(h[0] for h in seen_hits if h[4] in COUNTING_STATES)),
            json.dumps(seen_hits, ensure_ascii=False),
            json.dumps([case_no, item_code, item_name or "", subject_kind, name or ""],
                       ensure_ascii=False),
            json.dumps(compact, ensure_ascii=False),
            json.dumps([[r, m, st] for r, m, st in people], ensure_ascii=False) if people else "",
            rep_counting)


# -- the alert store ---------------------------------------------------------------------------

_COLUMNS = ("key", "check_id", "basis_record", "case_no", "item_code", "item_name",
            "subject_code", "subject_kind", "subject_name", "checked_at", "outcome", "change",
            "entry_id", "list_code", "list_name", "severity", "old_state", "new_state",
            "measures", "follow_up", "source", "raised_at", "cleared_at", "person_role",
            "person_code", "person_name", "cleared_reason")


# ``counting``: the entries that counted when the check ran, as one sorted string, and
# ``rep_counting`` the same of the unit's people; a check whose subject has exactly those
# counting now cannot raise anything, and is passed over undecoded. ``fp_*``: the fingerprint of
# the data rows it was last compared with (CurrentData), and the day after which that comparison
# goes stale by itself (an entry's term ends).
_CHECKS_TABLE = ("CREATE TABLE IF NOT EXISTS checks (check_id INTEGER PRIMARY KEY, "
                 "last_record INTEGER, code TEXT, checked_at TEXT, as_of TEXT, outcome TEXT, "
                 "punished INTEGER, rewards TEXT, counting TEXT, hits TEXT, info TEXT, "
                 "shown TEXT, related TEXT, rep_counting TEXT, fp_layout INTEGER, "
                 "fp_buckets TEXT, fp_digest BLOB, fp_until TEXT)")
_CHECK_FIELDS = 14   # the columns sync writes; the fingerprint comes from a comparison
_SLICE = 4096        # records read from the case file at a time while indexing


class Watch:
    """The alerts of one desk, beside its case file. Thread-safe like the case file."""

    def __init__(self, case_file: CaseFile, *, clock: Callable[[], datetime] | None = None):
        self.case_file = case_file
        self.path = Path(case_file.path).with_name(WATCH_FILE)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=10,
                                     check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS alerts (" + ", ".join(
                f"{c} {'INTEGER' if c in ('check_id', 'basis_record') else 'TEXT'}"
                + (" PRIMARY KEY" if c == "key" else "") for c in _COLUMNS)
            + ", settled_record INTEGER, settled_action TEXT, settled_by TEXT, settled_note TEXT,"
              " settled_at TEXT, via TEXT NOT NULL DEFAULT 'data', first_raised_at TEXT,"
              " raised_version INTEGER, cleared_version INTEGER)")
        # Each time newer data closed an alert as superseded, and when (if ever) it was shown
        # again: what the month's "open at the end" is counted from. ``raised_at`` of the alert
        # moves to the last time it was shown; ``first_raised_at`` never moves (raised once).
        self._conn.execute("CREATE TABLE IF NOT EXISTS clearings (key TEXT NOT NULL, "
                           "cleared_at TEXT NOT NULL, reason TEXT, reopened_at TEXT)")
        self._conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        # The checks index: what the rules need of each check, decoded once from the case file
        # and kept up to date record by record, so a comparison never parses record bodies.
        self._conn.execute(_CHECKS_TABLE)
        self._migrate()
        self._conn.execute("CREATE INDEX IF NOT EXISTS checks_at ON checks(checked_at)")
        self._conn.execute("CREATE INDEX IF NOT EXISTS alerts_check ON alerts(check_id)")

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        """Stores written by an earlier version: alerts gain ``via`` and the person columns; the
        checks index, which is derived, is rebuilt."""
        def columns(table: str) -> set[str]:
            return {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}
        have = columns("alerts")
        if "via" not in have:
            self._conn.execute("ALTER TABLE alerts ADD COLUMN via TEXT NOT NULL DEFAULT 'data'")
        for c in ("person_role", "person_code", "person_name", "cleared_reason"):
            if c not in have:
                self._conn.execute(f"ALTER TABLE alerts ADD COLUMN {c} TEXT NOT NULL DEFAULT ''")
        if "first_raised_at" not in have:
            # An earlier store kept only the last raise; it is the best first raise there is.
            self._conn.execute("ALTER TABLE alerts ADD COLUMN first_raised_at TEXT")
            self._conn.execute("UPDATE alerts SET first_raised_at = raised_at")
            self._conn.execute("INSERT INTO clearings (key, cleared_at) SELECT key, cleared_at "
                               "FROM alerts WHERE cleared_at IS NOT NULL")
        if "raised_version" not in have:
            self._conn.execute("ALTER TABLE alerts ADD COLUMN raised_version INTEGER")
        if "cleared_version" not in have:
            self._conn.execute("ALTER TABLE alerts ADD COLUMN cleared_version INTEGER")
        if "fp_digest" not in columns("checks"):
            self._conn.execute("DROP TABLE checks")
            self._conn.execute("DELETE FROM meta WHERE name LIKE 'indexed_%'")
            self._conn.execute(_CHECKS_TABLE)

    # -- the checks index -----------------------------------------------------------------------

    def _meta(self, name: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def sync(self, *, progress: Callable[[int, int], None] | None = None,
             cancel=None) -> int:
        """Take the records written since the last sync into the checks index; returns how many
        were read. A case file that no longer holds the last record indexed (restored,
        replaced) is indexed afresh: on a desk's first comparison that is every record, so
        ``progress(done, total)`` reports it and ``cancel`` (an Event) stops it with nothing
        written (Cancelled)."""
        last, total = self._pending()
        last_hash = None
        fresh = last == 0
        if not total and not fresh:
            return 0
        checks, decisions = [], []
        done = 0
        start = last
        while True:
            # In slices, each read under the case file's lock, so that a clerk's record is never
            # held up behind the whole index.
            with self.case_file.lock:
                rows = self.case_file.db.conn.execute(
                    "SELECT record_id, kind, check_id, subject_code, checked_at, outcome, hash, "
                    "item_code, json_extract(body, '$.data_as_of', '$.hits', '$.measures_shown', "
                    "'$.measures_applied', '$.case_no', '$.item_name', '$.subject_kind', "
                    "'$.subject_name', '$.related') FROM records WHERE record_id > ? "
                    "ORDER BY record_id LIMIT ?", (start, _SLICE)).fetchall()
            if not rows:
                break
            for (record_id, kind, check_id, code, checked_at, outcome, hash_, item_code,
                 fields) in rows:
                as_of, hits, shown, applied, case_no, item_name, subject_kind, name, related = \
                    json.loads(fields)
                if kind == "check":
                    checks.append(_index_row(record_id, code, checked_at, as_of, outcome, hits,
                                             shown, applied, case_no, item_code, item_name,
                                             subject_kind, name, related))
                else:
                    decisions.append((record_id, outcome, applied, check_id))
                last, last_hash = record_id, hash_
            start = rows[-1][0]
            done += len(rows)
            if progress is not None:
                progress(done, max(total, done))
            if cancel is not None and cancel.is_set():
                raise Cancelled()
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if fresh:
                    self._conn.execute("DELETE FROM checks")
                self._conn.executemany(
                    "INSERT OR REPLACE INTO checks VALUES "
                    f"({', '.join('?' * _CHECK_FIELDS)}, NULL, NULL, NULL, NULL)", checks)
                for record_id, outcome, applied, check_id in decisions:
                    row = self._conn.execute("SELECT shown FROM checks WHERE check_id = ?",
                                             (check_id,)).fetchone()
                    if row is not None:
                        # Another outcome: the comparison made for the old one no longer holds.
                        self._conn.execute(
                            "UPDATE checks SET last_record = ?, outcome = ?, punished = ?, "
                            "rewards = ?, fp_digest = NULL WHERE check_id = ?",
                            (record_id, outcome, *_applied(json.loads(row[0]), applied),
                             check_id))
                self._conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("indexed_record", str(last)),
                                        ("indexed_hash", last_hash)])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return done

    def needs_indexing(self) -> int:
        """How many records a sync would read now (all of them on a desk's first comparison)."""
        return self._pending()[1]

    def _pending(self) -> tuple[int, int]:
        """(the last record indexed, or 0 when the index starts afresh; how many come after)."""
        with self.lock:
            last = int(self._meta("indexed_record") or 0)
            last_hash = self._meta("indexed_hash")
        with self.case_file.lock:
            conn = self.case_file.db.conn
            if last:
                row = conn.execute("SELECT hash FROM records WHERE record_id = ?",
                                   (last,)).fetchone()
                if row is None or row[0] != last_hash:
                    last = 0
            return last, conn.execute("SELECT count(*) FROM records WHERE record_id > ?",
                                      (last,)).fetchone()[0]

    _SEEN_COLUMNS = ("check_id, last_record, code, checked_at, as_of, outcome, punished, "
                     "rewards, hits, info, related")

    def _watch_set(self, since: str, before: datetime | None, codes: Iterable[str]
                   ) -> list[_Seen]:
        """The indexed checks since ``since`` of ``codes``."""
        sql = (f"SELECT {self._SEEN_COLUMNS} FROM checks WHERE checked_at >= ? "
               "AND code IN (SELECT value FROM json_each(?)) ORDER BY check_id")
        with self.lock:
            rows = self._conn.execute(sql, (since, json.dumps(sorted(codes)))).fetchall()
        return [s for s in (_seen(row, before) for row in rows) if s is not None]

    # -- computing -----------------------------------------------------------------------------

    def _since(self, days: int) -> str:
        return utc_text(self._clock() - timedelta(days=days))

    def compute(self, data: CurrentData, *, days: int = 365,
                progress: Callable[[int, int], None] | None = None, cancel=None) -> WatchRun:
        """Compare every check in the window with ``data``: new alerts, and open ones the data
        no longer supports (cleared). Only checks whose fingerprint no longer holds are read;
        ``progress(done, total)`` counts those subjects, ``cancel`` (an Event) stops before
        anything is written (Cancelled)."""
        since = self._since(days)
        self.sync(cancel=cancel)
        today = self._clock().astimezone(CHINA_TZ).date()
        today_s = today.isoformat()
        with self.lock:
            rows = self._conn.execute(
                "SELECT check_id, code, as_of, fp_layout, fp_buckets, fp_digest, fp_until "
                "FROM checks WHERE checked_at >= ?", (since,)).fetchall()
        before, layout, fingerprint = data.data_as_of, data.layout, data.fingerprint
        with self.lock:
            # A check the change feed raised an open alert on is read again whatever its
            # fingerprint, once the data is as new as the feed: the data may show it undone.
            fed = {c for c, in self._conn.execute(
                "SELECT check_id FROM alerts WHERE via = 'feed' AND cleared_at IS NULL "
                "AND settled_record IS NULL AND coalesce(raised_version, 0) <= ?",
                (data.version,))}
        stale: dict[str, list[int]] = {}
        for check_id, code, as_of, lay, buckets, digest, until in rows:
            if (digest is not None and lay == layout and (until is None or until >= today_s)
                    and check_id not in fed and fingerprint(buckets) == digest):
                continue
            if _too_new(as_of, before):
                continue   # it saw more than this data says; compared when newer data comes
            stale.setdefault(code, []).append(check_id)
        now_by_code: dict[str, tuple] = {}
        unverified_codes: dict[str, str] = {}
        total = len(stale)
        stop = (lambda: cancel.is_set()) if cancel is not None else None
        for n, (code, entries, people, buckets, digest) in enumerate(
                data.subjects(sorted(stale), cancel=stop), 1):
            if entries is None:
                unverified_codes[code] = buckets
            else:
                now_by_code[code] = (entries, people, buckets, digest)
            if progress is not None and (n % 1024 == 0 or n == total):
                progress(n, total)
        if cancel is not None and cancel.is_set():
            raise Cancelled()

        counting_now = {c: (_counting(v[0], today), _rep_counting(v[1], today))
                        for c, v in now_by_code.items()}
        examined = [i for c in now_by_code for i in stale[c]]
        with self.lock:
            index = self._conn.execute(
                f"SELECT {self._SEEN_COLUMNS}, counting, rep_counting FROM checks "
                "WHERE check_id IN (SELECT value FROM json_each(?)) ORDER BY check_id",
                (json.dumps(examined),)).fetchall()
        found: list[_Found] = []
        for row in index:
            code = row[2]
            # Exactly the entries counting that counted then, for it and its people: nothing
            # about it can have changed what its outcome rests on.
            if (row[11], row[12] or "") == counting_now[code]:
                continue
            s = _seen(row[:11], None)
            if s is None:
                continue
            entries, people = now_by_code[code][:2]
            found += _compare(s, entries, people, today)
        raised = self._store(found, data.label, data.measures, via="data", version=data.version)
        code_of = {i: c for c in now_by_code for i in stale[c]}

        def state_now(check_id: int, entry_id: str, person: str) -> str:
            entries, people = now_by_code[code_of[check_id]][:2]
            for e in [*entries, *(e for p in people if p[1] == person or not person
                                  for e in p[3])]:
                if e[1] == entry_id:
                    return state_on(e[5], e[6], today)
            return "absent"

        cleared = self._clear(examined, {_same(f.seen.check_id, f.change, f.entry_id)
                                         for f in found}, data.label, data.version, state_now)
        fingerprints = []
        for code, (entries, people, buckets, digest) in now_by_code.items():
            until = _until([entries, *(p[3] for p in people)], today)
            fingerprints += [(layout, buckets, digest, until, i) for i in stale[code]]
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "UPDATE checks SET fp_layout = ?, fp_buckets = ?, fp_digest = ?, "
                    "fp_until = ? WHERE check_id = ?", fingerprints)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        unverified = ()
        if unverified_codes:
            ids = [i for c in unverified_codes for i in stale[c]]
            with self.lock:
                cases = dict(self._conn.execute(
                    "SELECT check_id, json_extract(info, '$[0]') FROM checks "
                    "WHERE check_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))
            unverified = tuple(sorted((i, cases.get(i) or "", unverified_codes[c])
                                      for c in unverified_codes for i in stale[c]))
        return WatchRun(len(rows), raised, cleared, data.label, len(now_by_code), unverified)

    def apply_feed(self, version: int, changes: Iterable[FeedChange], *, installed: int | None,
                   days: int = 365, measures=None) -> WatchRun:
        """The platform's change feed since the version last seen. Refused (FeedRefused, nothing
        changed, the version not kept) when it is older than the data this desk already holds,
        or further ahead of the installed snapshot than any platform publishes (FEED_AHEAD):
        kept, such a version would make every honest feed after it look old. Codes the desk
        never checked are ignored. A change that undoes an open alert's (an entry listed and
        now gone, or gone and now listed again) closes it as superseded."""
        if installed is not None and version < installed:
            raise FeedRefused(Message(QT_TRANSLATE_NOOP(
                "core", "平台的变化通知是第 {offered} 版，比本机已有的第 {installed} 版数据旧，已拒绝；"
                        "跟踪提醒保持不变。"), {"offered": version, "installed": installed}))
        kept = self.feed_version(installed)
        if kept is not None and version < kept:
            # Older than a feed taken in before, not than the data: a replica behind, or the
            # kept version was never true (within FEED_AHEAD, so believed). Kept, it would refuse
            # every honest feed until the platform reached it; the next look asks from the data.
            with self.lock:
                self._conn.execute("DELETE FROM meta WHERE name = 'feed_version'")
            raise FeedRefused(Message(QT_TRANSLATE_NOOP(
                "core", "平台的变化通知是第 {offered} 版，比本机此前收到的第 {kept} 版变化通知旧，本次未采用，"
                        "跟踪提醒保持不变；下次从本机数据（第 {installed} 版）起重新接收。"),
                {"offered": version, "kept": kept, "installed": installed or 0}))
        limit = (installed or 0) + FEED_AHEAD
        if version > limit:
            raise FeedRefused(Message(QT_TRANSLATE_NOOP(
                "core", "平台的变化通知自称第 {offered} 版，远超本机已安装的第 {installed} 版数据"
                        "（最多可信到第 {limit} 版），不可信，已拒绝；跟踪提醒保持不变，以后的变化通知"
                        "照常接收。请信息技术人员检查省平台。"),
                {"offered": version, "installed": installed or 0, "limit": limit}))
        # A platform may report events as they happened: an entry taken back and listed again
        # comes twice. Its last line is what it is now (the earlier ones would close, or raise,
        # on a state already gone).
        changes = list({(c.code, c.entry_id): c for c in changes}.values())
        wanted = {c.code for c in changes}
        self.sync()
        seen = self._watch_set(self._since(days), None, wanted)
        by_code: dict[str, list[_Seen]] = {}
        for s in seen:
            by_code.setdefault(s.code, []).append(s)
        label = f"平台变化通知第 {version} 版"
        with self.lock:
            # Open alerts from data or a feed older than this one, by check and entry.
            standing = {}
            for key, check_id, change, entry_id in self._conn.execute(
                    "SELECT key, check_id, change, entry_id FROM alerts WHERE cleared_at IS NULL "
                    "AND settled_record IS NULL AND change != 'rep_listed' "
                    "AND coalesce(raised_version, 0) < ? "
                    "AND check_id IN (SELECT value FROM json_each(?))",
                    (version, json.dumps(sorted(s.check_id for s in seen)))):
                standing.setdefault((check_id, entry_id), []).append((key, change))
        new_state = {"listed": "active", "reward_withdrawn": "removed"}
        found, gone = [], []
        for c in changes:
            state = new_state.get(c.change, c.change)
            for s in by_code.get(c.code, ()):
                then = s.hits.get(c.entry_id)
                list_code, list_name = (then[0], then[1]) if then else (c.list_code, c.list_code)
                verdict = _judge(s, c.entry_id, list_code, list_name or c.entry_id, c.severity,
                                 state)
                if verdict:
                    found.append(_Found(s, c.entry_id, list_code, list_name or c.entry_id,
                                        c.severity, state, *verdict))
                counts = state in COUNTING_STATES
                for key, change in standing.get((s.check_id, c.entry_id), ()):
                    if (change == "listed") != counts:    # listed and gone, or gone and back
                        gone.append((key, f"{label}：条目 {c.entry_id} "
                                          f"现为“{STATE_WORDS.get(state, state)}”，"
                                          "这一变化已被撤回。"))
        raised = self._store(found, label, measures or (lambda item, lc, role=None: ()),
                             via="feed", version=version)
        cleared = self._supersede(gone, version)
        with self.lock:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('feed_version', ?)",
                               (str(version),))
        return WatchRun(len(seen), raised, cleared, label)

    def feed_version(self, installed: int | None = None) -> int | None:
        """The newest feed version taken in, unless it is beyond belief for the snapshot
        installed (a store written before such versions were refused): then none, so that it
        neither asks the platform from there nor makes honest feeds look old."""
        with self.lock:
            row = self._conn.execute("SELECT value FROM meta WHERE name = 'feed_version'"
                                     ).fetchone()
        if row is None:
            return None
        kept = int(row[0])
        return None if kept > (installed or 0) + FEED_AHEAD else kept

    def _store(self, found: list[_Found], source: str, measures_for, *, via: str,
               version: int | None) -> tuple[Alert, ...]:
        """Store the alerts not stored before (the same change of the same check is one alert
        for ever: a superseded one shown again is reopened, a settled one stays settled);
        return the new and reopened ones."""
        now = utc_text(self._clock())
        with self.lock:
            stored = self._conn.execute(
                "SELECT key, check_id, change, entry_id, cleared_at, settled_record, "
                "coalesce(cleared_version, 0) FROM alerts "
                "WHERE check_id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted({f.seen.check_id for f in found})),)).fetchall()
        # By what makes two alerts one (_same), not by key: a refusal's ground that lapsed,
        # was superseded, and is now shown as removed is the same alert reopened, not a second.
        known = {_same(c, ch, e) for _, c, ch, e, _, _, _ in stored}
        standing = {_same(c, ch, e) for _, c, ch, e, cleared, _, _ in stored if cleared is None}
        # Superseded, never settled, and now shown again: the change was undone and done again.
        # Not by data older than what superseded it (a snapshot from the hall share behind the
        # feed that took the change back): that data has not heard of the taking back.
        back = {_same(c, ch, e): k for k, c, ch, e, cleared, settled, by in stored
                if cleared is not None and settled is None
                and (version is None or by <= version)}
        measures_cache: dict[tuple[str, str, str], tuple] = {}
        rows, reopened = [], []
        for f in found:
            key, s = f.key, f.seen
            same = _same(s.check_id, f.change, f.entry_id)
            if same in standing:
                continue
            standing.add(same)
            if same in known and same not in back:
                continue       # superseded and settled all the same: it stays as it was
            info, checked_at, outcome = s.info
            case_no, item_code, item_name, kind, name = json.loads(info)
            role = f.person[0] if f.person else ""
            if (item_code, f.list_code, role) not in measures_cache:
                measures_cache[item_code, f.list_code, role] = (
                    tuple(measures_for(item_code, f.list_code, role or None))
                    if f.list_code else ())
            measures = measures_cache[item_code, f.list_code, role]
            if same in back:
                # Reopened under its first number, saying what the data says now (a ground
                # that lapsed, came back in force and is now removed is 'removed').
                reopened.append((now, source, version, back[same], f.change, f.new_state,
                                 _follow_up(f.change, f.list_name, measures, f.person)))
                continue
            person = f.person or ("", "", "")
            rows.append((key, s.check_id, s.basis_record, case_no, item_code, item_name, s.code,
                         kind, name, checked_at, outcome, f.change, f.entry_id, f.list_code,
                         f.list_name, f.severity, f.old_state, f.new_state,
                         json.dumps(measures, ensure_ascii=False),
                         _follow_up(f.change, f.list_name, measures, f.person), source, now,
                         None, *person, "", via, now, version))
        if not rows and not reopened:
            return ()
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    f"INSERT OR IGNORE INTO alerts ({', '.join(_COLUMNS)}, via, first_raised_at, "
                    f"raised_version) VALUES ({', '.join('?' * (len(_COLUMNS) + 3))})", rows)
                self._conn.executemany(
                    "UPDATE alerts SET cleared_at = NULL, cleared_reason = '', raised_at = ?1, "
                    "source = ?2, raised_version = ?3, change = ?5, new_state = ?6, "
                    "follow_up = ?7 WHERE key = ?4 AND settled_record IS NULL", reopened)
                self._conn.executemany(
                    "UPDATE clearings SET reopened_at = ?1 WHERE key = ?2 AND reopened_at IS NULL",
                    [(r[0], r[3]) for r in reopened])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return tuple(self._select("key IN (SELECT value FROM json_each(?))",
                                  (json.dumps([r[0] for r in rows] + [r[3] for r in reopened]),)))

    def _supersede(self, gone: list[tuple[str, str]], version: int) -> int:
        """Close open alerts as superseded: (key, reason) each. Never deleted (``--all`` shows
        them with the reason), never a settled one; shown again, they are reopened (_store)."""
        if not gone:
            return 0
        now = utc_text(self._clock())
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                done = 0
                for key, reason in gone:
                    if self._conn.execute(
                            "UPDATE alerts SET cleared_at = ?, cleared_reason = ?, "
                            "cleared_version = ? WHERE key = ? "
                            "AND cleared_at IS NULL AND settled_record IS NULL",
                            (now, reason, version, key)).rowcount:
                        self._conn.execute("INSERT INTO clearings (key, cleared_at, reason) "
                                           "VALUES (?, ?, ?)", (key, now, reason))
                        done += 1
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return done

    def _clear(self, examined: list[int], current: set[tuple], label: str, version: int,
               state_now: Callable[[int, str, str], str]) -> int:
        """Open alerts on the checks just compared that the data no longer supports
        (``current``: what the data supports, as _same gives it): the change was undone before
        anyone settled it. The change feed's alerts too, once the data is at least as new as
        the feed that raised them (older data may simply not have caught up)."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT key, check_id, change, entry_id, person_code FROM alerts "
                "WHERE cleared_at IS NULL AND settled_record IS NULL "
                "AND (via = 'data' OR coalesce(raised_version, 0) <= ?) "
                "AND check_id IN (SELECT value FROM json_each(?))",
                (version, json.dumps(examined))).fetchall()
        gone = []
        for key, check_id, change, entry_id, person in rows:
            if _same(check_id, change, entry_id) in current:
                continue
            state = state_now(check_id, entry_id, person)
            gone.append((key, f"{label}不再显示这一变化：条目 {entry_id} "
                              f"现为“{STATE_WORDS.get(state, state)}”。"))
        return self._supersede(gone, version)

    # -- reading -------------------------------------------------------------------------------

    def _select(self, where: str, params=()) -> list[Alert]:
        with self.lock:
            rows = self._conn.execute(
                f"SELECT {', '.join(_COLUMNS)}, settled_record, settled_action, settled_by, "
                f"settled_note, settled_at FROM alerts WHERE {where} ORDER BY raised_at, check_id, "
                "key", params).fetchall()
        alerts = []
        for row in rows:
            data = dict(zip(_COLUMNS, row[:len(_COLUMNS)]))
            data["measures"] = tuple(tuple(m) for m in json.loads(data["measures"]))
            data["cleared_reason"] = data["cleared_reason"] or ""
            rec, action, by, note, at = row[len(_COLUMNS):]
            settled = Settlement(rec, action, by, note, at) if rec is not None else None
            alerts.append(Alert(**data, settled=settled))
        return alerts

    def alerts(self, *, include_closed: bool = False, verify: bool = True) -> list[Alert]:
        """Open alerts (all with ``include_closed``), after taking in any follow-up in the case
        file that the store has not seen, each marked when its record fails `cases verify`."""
        self._reconcile()
        where = "1" if include_closed else "settled_record IS NULL AND cleared_at IS NULL"
        alerts = self._select(where)
        if verify and alerts:
            report = self.case_file.verify()
            if not report.ok and report.first_bad is not None:
                bad = report.first_bad
                alerts = [a if a.basis_record < bad else replace(a, record_ok=False)
                          for a in alerts]
        return alerts

    def open_count(self) -> int:
        self._reconcile()
        with self.lock:
            return self._conn.execute("SELECT count(*) FROM alerts WHERE settled_record IS NULL "
                                      "AND cleared_at IS NULL").fetchone()[0]

    def _reconcile(self) -> None:
        """The case file is the truth about settlement where it verifies: a follow-up written
        there whose mirror here was lost (a crash in between) still settles its alert, but one
        the chain does not vouch for (edited to name another alert) settles nothing. The other
        way round, a settlement here that no follow-up in the case file backs (written into this
        store by hand) is dropped: the alert is open again."""
        self._drop_unbacked_settlements()
        with self.lock:
            open_keys = dict(self._conn.execute(
                "SELECT key, check_id FROM alerts WHERE settled_record IS NULL"))
        if not open_keys:
            return
        open_checks = sorted(set(open_keys.values()))
        with self.case_file.lock:
            rows = self.case_file.db.conn.execute(
                "SELECT record_id, operator, json_extract(body, '$.recorded_at'), "
                "json_extract(body, '$.note'), "
                "json_extract(body, '$.follow_up') FROM records "
                "WHERE kind = 'decision' AND check_id IN (SELECT value FROM json_each(?)) "
                "AND json_extract(body, '$.follow_up') IS NOT NULL",
                (json.dumps(open_checks),)).fetchall()
        rows = [(r, json.loads(f), *rest) for r, *rest, f in rows]
        rows = [row for row in rows if row[1].get("alert") in open_keys]
        if not rows:
            return
        report = self.case_file.verify()
        vouched = None if report.ok else (report.first_bad or 0)
        for record_id, f, operator, at, note in rows:
            if vouched is None or record_id < vouched:
                self._mark(f.get("alert", ""), record_id, f.get("action", ""), operator, note, at)

    def _drop_unbacked_settlements(self) -> None:
        with self.lock:
            claimed = self._conn.execute(
                "SELECT key, settled_record FROM alerts WHERE settled_record IS NOT NULL"
            ).fetchall()
        if not claimed:
            return
        with self.case_file.lock:
            backed = set(self.case_file.db.conn.execute(
                "SELECT json_extract(body, '$.follow_up.alert'), record_id FROM records "
                "WHERE kind = 'decision' AND record_id IN (SELECT value FROM json_each(?))",
                (json.dumps([r for _, r in claimed]),)))
        unbacked = [key for key, record_id in claimed if (key, record_id) not in backed]
        if not unbacked:
            return
        log.warning("post-approval watch: %d alerts marked settled in %s without a follow-up "
                    "record in the case file; shown open again", len(unbacked), WATCH_FILE)
        with self.lock:
            self._conn.execute(
                "UPDATE alerts SET settled_record = NULL, settled_action = NULL, "
                "settled_by = NULL, settled_note = NULL, settled_at = NULL "
                "WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(unbacked),))

    def _mark(self, key, record_id, action, operator, note, at) -> None:
        with self.lock:
            self._conn.execute(
                "UPDATE alerts SET settled_record = ?, settled_action = ?, settled_by = ?, "
                "settled_note = ?, settled_at = ? WHERE key = ? AND settled_record IS NULL",
                (record_id, action, operator, note, at, key))

    # -- settling ------------------------------------------------------------------------------

    def settle(self, key: str, action: str, note: str, desk: Desk):
        """Write the follow-up decision record for an open alert; returns the record. Refused
        (nothing written) for an unknown or closed alert, an unknown action, no note, or a
        record that fails `cases verify`."""
        if action not in ACTIONS:
            raise RecordRefused(Message(
                QT_TRANSLATE_NOOP("core", "未知的跟踪处理方式“{action}”，可选：{choices}。"),
                {"action": action, "choices": "、".join(ACTIONS)}))
        self._reconcile()
        found = self._select("key = ?", (key,))
        if not found:
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "没有跟踪提醒 {key}。请用 credit-desk cases watch 查看现有提醒。"), {"key": key}))
        alert = found[0]
        if alert.settled is not None:
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "跟踪提醒 {key} 已由 {operator} 处理（记录 {record}），不再重复登记。"),
                {"key": key, "operator": alert.settled.operator,
                 "record": alert.settled.record_id}))
        if alert.cleared_at is not None:
            # A list read before newer data took the change back (another window, a copied
            # number): a follow-up would act on, and report, a change that no longer exists.
            raise RecordRefused(Message(QT_TRANSLATE_NOOP(
                "core", "跟踪提醒 {key} 已被更新的数据取代，不再待处理，未登记：{reason}"
                        "如数据再次显示这一变化，提醒会重新出现。"),
                {"key": key, "reason": alert.cleared_reason or "更新的数据不再显示这一变化。"}))
        # A follow-up is appended to the chain: on a case file that fails `cases verify`
        # anywhere (the alert's own record or any later one, or the alarm a verify left), it
        # would be written onto records nobody vouches for. Refused like any append (exit 6).
        report = self.case_file.verify()
        problem = (report.problem if not report.ok
                   else str(self.case_file.alarm) if self.case_file.alarm is not None else None)
        if problem is not None:
            own = not report.ok and (report.first_bad is None
                                     or alert.basis_record >= report.first_bad)
            raise CaseFileTampered(Message(
                _OWN_RECORD_BAD if own else _CASE_FILE_BAD,
                {"id": alert.check_id, "problem": problem}), folder=self.case_file.path.parent)
        record = self.case_file.record_follow_up(
            alert.check_id, {"alert": key, "change": alert.change, "entry_id": alert.entry_id,
                             "action": action}, note, desk)
        self._mark(key, record.record_id, action, record.operator, record.note,
                   record.recorded_at)
        return record

    # -- statistics ----------------------------------------------------------------------------

    def month_counts(self, start: str, end: str, *, item_code: str | None = None,
                     operator: str | None = None) -> tuple[int, int, int]:
        """(raised, settled, open at the end) for instants [start, end). An alert is raised
        once, when first shown: one superseded and shown again is not raised a second time, and
        is open at the month's end unless settled or superseded (and not yet shown again) by
        then. With ``item_code`` or ``operator``, only the alerts on checks of that item, or
        recorded by that operator (as the month's other counts are filtered)."""
        self._reconcile()
        where, params = "1", {"start": start, "end": end, "item": item_code, "mine": None}
        if item_code is not None:
            where += " AND item_code = :item"
        if operator is not None:
            with self.case_file.lock:
                mine = [r for r, in self.case_file.db.conn.execute(
                    "SELECT record_id FROM records WHERE kind = 'check' AND operator = ?",
                    (operator,))]
            where += " AND check_id IN (SELECT value FROM json_each(:mine))"
            params["mine"] = json.dumps(mine)
        with self.lock:
            return self._conn.execute(
                "SELECT coalesce(sum(first_raised_at >= :start AND first_raised_at < :end), 0), "
                "coalesce(sum(settled_at >= :start AND settled_at < :end), 0), "
                "coalesce(sum(first_raised_at < :end "
                "AND (settled_at IS NULL OR settled_at >= :end) "
                "AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.key = alerts.key "
                "AND c.cleared_at < :end AND (c.reopened_at IS NULL OR c.reopened_at >= :end))"
                "), 0) FROM alerts WHERE " + where, params).fetchone()


def _key(s: _Seen, change: str, entry_id: str) -> str:
    return f"{s.check_id}:{change}:{entry_id}"


_GONE = ("lapsed", "repaired", "removed")


def _same(check_id: int, change: str, entry_id: str) -> tuple:
    """What makes two alerts one: a refusal's ground that lapsed, was repaired or was removed is
    gone all the same (an entry that lapsed and is later dropped from the data, or that the
    feed calls repaired and the next snapshot leaves out, is not a second change)."""
    return check_id, "gone" if change in _GONE else change, entry_id

