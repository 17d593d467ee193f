"""`cases verify`: walk the hash chain and name the first record that was edited, deleted,
reordered or inserted, or whose derived data (query columns, outbox feedback) says something its
hashed body does not, and compare the file with its head witness.

What is checked:

- the chain: record n sits at position n, its body hashes to its stored hash, and it holds the
  hash of record n-1;
- the query columns (status, outcome, operator, check time...) the history filters and the
  statistics read: each equals what its body says, whatever the table was rebuilt into;
- the outbox: every record has exactly one row, with the feedback id of its body and the hash
  the record had when it was written. The feedback message is built from the hashed body when it
  is sent, so there is no stored message to differ from it; the hash as written catches a rewrite
  that recomputed every hash after the edited record, a record appended later without feedback,
  and (with the rows whose record is gone) the deletion of records at the end of the chain;
- the head witness (witness.py): the file still holds every record the witness counts, ending in
  the hash it names; a shorter, missing or replaced file is named.

Someone who rewrites the records, their outbox rows and the witness consistently is caught only
by the platform, which holds each record's number and hash (409 on a conflicting record).

Speed: the walk reads the stored bytes as they are (no decode and re-encode), compares each record
on one fast path and only works out what went wrong at the first record that fails. The derived
data is compared inside SQLite (which lets go of the GIL), the later records on a second
connection while the chain is walked, the earlier ones after it, so both cores work, each record
on one parse of its body (_FAST_DIFFERS); a record that comparison does not vouch for is compared
again column by column, exactly."""
from __future__ import annotations

import hashlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from desktop.casefile import old_outbox
from desktop.casefile.record import GENESIS_HASH
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

QUERY_COLUMNS = {  # column: (SQL type, JSON path in body)
    "body_id": ("INTEGER", "$.record_id"),
    "kind": ("TEXT", "$.kind"),
    "refers_to": ("INTEGER", "$.refers_to"),
    "check_id": ("INTEGER", "$.check_id"),
    "prev_hash": ("TEXT", "$.prev_hash"),
    "checked_at": ("TEXT", "$.checked_at"),
    "operator": ("TEXT", "$.operator"),
    "item_code": ("TEXT", "$.item_code"),
    "subject_code": ("TEXT", "$.subject_code"),
    "status": ("TEXT", "$.status"),
    "source": ("TEXT", "$.source"),
    "outcome": ("TEXT", "$.outcome"),
}

_COLUMNS_DIFFER = " OR ".join(f"{column} IS NOT json_extract(body, '{path}')"
                              for column, (_, path) in QUERY_COLUMNS.items())

# The outbox row of a record (store.py): its feedback id, the one in the body, and its hash as
# written, which a rewrite that recomputed every hash after an edited record does not change.
_HASH_DIFFERS = "o.record_hash IS NOT r.hash"
_OUTBOX_DIFFERS = f"o.feedback_id IS NOT json_extract(r.body, '$.feedback_id') OR {_HASH_DIFFERS}"

# The common record is vouched for on one parse of its body (SQLite 3.40 parses a document again
# at every json_extract call, and the parse is the cost): its values at every column's path and
# the feedback id, as one JSON array, equal the same values of the row. Strings SQLite escapes
# differently from the body, and any real difference, go to the exact comparison per column.
_FAST_DIFFERS = (f"json_array({', '.join(f'r.{c}' for c in QUERY_COLUMNS)}, o.feedback_id) "
                 "IS NOT json_extract(r.body, "
                 + ", ".join(f"'{path}'" for _, path in QUERY_COLUMNS.values())
                 + f", '$.feedback_id') OR {_HASH_DIFFERS}")


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    first_bad: int | None = None
    problem: str = ""  # zh_CN, names the record and what happened to it
    notice: str = ""   # zh_CN, what IT should know that is not a fault of this file


def verify(conn: sqlite3.Connection, uri: str | None, *, witness=None,
           witness_problem: tuple[int, Message] | None = None) -> VerifyReport:
    """Walk the chain on ``conn`` while a second, read-only connection to ``uri`` compares the
    derived data of the later records in SQLite, and then compare those of the earlier ones on
    ``conn``: the two halves overlap on two cores. ``witness_problem`` is the file against its
    head witness (CaseFile.witness_problem)."""
    with ThreadPoolExecutor(1, thread_name_prefix="casefile-derived") as pool:
        try:
            last = conn.execute("SELECT coalesce(max(record_id), 0) FROM records").fetchone()[0]
            # The walk is Python and holds the GIL; the comparison is SQLite and lets go of it:
            # the thread that walks compares fewer records.
            split = int(last * _WALKER_SHARE)
            later = pool.submit(_derived_suspects, uri, split + 1, last) if uri else None
            checked, chain_bad = _walk_chain(conn)
            orphan = _orphaned_feedback(conn)
            notice = _old_feedback_notice(conn)
            if later is not None:
                suspects = _suspects_on(conn, 1, split) + later.result()
            else:
                suspects = _suspects_on(conn, 1, last)
            derived_bad = _derived_problem(conn, suspects)
        except (sqlite3.Error, ValueError) as exc:
            return VerifyReport(False, 0, None, str(Message(QT_TRANSLATE_NOOP(
                "core", "案卷文件无法读取或结构被改动：{error}"), {"error": exc})))
    bad = min((b for b in (chain_bad, derived_bad, orphan, witness_problem) if b),
              default=None, key=lambda b: b[0])
    if bad is None:
        return VerifyReport(True, checked, notice=notice)
    first_bad, message = bad
    return VerifyReport(False, max(0, min(checked, first_bad - 1)), first_bad, str(message),
                        notice)


# The walk (hashing in Python) costs about as much per record as the comparison: 0.15 to 0.25
# gave the same wall time on 1,000,000 records, 0.4 half as much again.
_WALKER_SHARE = 0.2


def _derived_suspects(uri: str, first: int, last: int) -> list[int]:
    conn = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return _suspects_on(conn, first, last)
    finally:
        conn.close()


def _outbox(conn: sqlite3.Connection) -> str:
    return old_outbox.QUEUED_ROWS if old_outbox.holds_messages(conn) else "outbox"


def _suspects_on(conn: sqlite3.Connection, first: int, last: int) -> list[int]:
    """Records from ``first`` to ``last`` whose query columns or outbox row differ from the
    body: those the fast comparison does not vouch for and the exact one confirms."""
    if last < first:
        return []
    rows = f"FROM records r LEFT JOIN {_outbox(conn)} o ON o.record_id = r.record_id"
    flagged = [r for (r,) in conn.execute(
        f"SELECT DISTINCT r.record_id {rows} WHERE r.record_id BETWEEN ? AND ? "
        f"AND ({_FAST_DIFFERS}) ORDER BY r.record_id", (first, last))]
    if not flagged:
        return []
    marks = ",".join("?" * len(flagged)) if len(flagged) < 900 else None
    where = f"r.record_id IN ({marks})" if marks else "r.record_id BETWEEN ? AND ?"
    return [r for (r,) in conn.execute(
        f"SELECT DISTINCT r.record_id {rows} WHERE {where} "
        f"AND ({_OUTBOX_DIFFERS} OR {_COLUMNS_DIFFER}) ORDER BY r.record_id",
        flagged if marks else [first, last])]


def _columns_differ(conn, record_id: int) -> bool:
    return conn.execute(f"SELECT 1 FROM records WHERE record_id = ? AND ({_COLUMNS_DIFFER})",
                        (record_id,)).fetchone() is not None


def _derived_problem(conn, suspects: list[int]) -> tuple[int, Message] | None:
    """The first suspect, and what differs: a query column, or its outbox row."""
    if not suspects:
        return None
    record_id = suspects[0]
    if _columns_differ(conn, record_id):
        return _column_problem(conn, record_id)
    return record_id, _outbox_problem(conn, record_id)


def _walk_chain(conn: sqlite3.Connection) -> tuple[int, tuple[int, Message] | None]:
    sha256 = hashlib.sha256
    expected, prev, prev_link = 1, GENESIS_HASH, None
    rows = conn.execute("SELECT record_id, body_id, prev_hash, hash, CAST(body AS BLOB) "
                        "FROM records ORDER BY record_id")
    for record_id, body_id, link, stored, body in rows:
        if (record_id != expected or body_id != record_id or link != prev
                or sha256(body).hexdigest() != stored):
            return expected - 1, _problem(record_id, body_id, link, stored, body, expected, prev,
                                          prev_link)
        expected, prev, prev_link = expected + 1, stored, link
    return expected - 1, None


def _problem(record_id, body_id, link, stored, body, expected, prev, prev_link):
    """What happened at the first record that failed, and which record to name."""
    def bad(at: int, template: str, **params) -> tuple[int, Message]:
        return at, Message(template, params)

    if record_id == expected + 1:
        return bad(expected, QT_TRANSLATE_NOOP("core", "记录 {id} 已被删除：档案中缺少这一条。"),
                   id=expected)
    if record_id > expected:
        return bad(expected, QT_TRANSLATE_NOOP(
            "core", "记录 {id} 已被删除：第 {id} 条至第 {last} 条缺失。"),
            id=expected, last=record_id - 1)
    if record_id < expected:
        return bad(record_id, QT_TRANSLATE_NOOP("core", "记录 {id} 是插入的：编号不在档案序列中。"),
                   id=record_id)
    if hashlib.sha256(body).hexdigest() != stored:
        return bad(record_id, QT_TRANSLATE_NOOP("core", "记录 {id} 的内容被修改（哈希不符）。"),
                   id=record_id)
    if link != prev:
        if prev_link is not None and link == prev_link:
            # Two records claim the same predecessor: one of them was slipped into the chain.
            forged = record_id - 1 if body_id == record_id - 1 else record_id
            return bad(forged, QT_TRANSLATE_NOOP(
                "core", "记录 {id} 是插入的：它与相邻记录指向同一条前序记录。"), id=forged)
        if body_id != record_id:
            return bad(record_id, QT_TRANSLATE_NOOP(
                "core", "第 {id} 条位置上是记录 {found}：记录被调换、删除或重新编号。"),
                id=record_id, found=body_id)
        return bad(record_id, QT_TRANSLATE_NOOP(
            "core", "记录 {id} 与前一条记录的链接断开：前一条记录被改写、替换或插入。"), id=record_id)
    return bad(record_id, QT_TRANSLATE_NOOP(
        "core", "第 {id} 条位置上是记录 {found}：记录被重新编号。"), id=record_id, found=body_id)


def _column_problem(conn, record_id: int) -> tuple[int, Message]:
    names = list(QUERY_COLUMNS)
    row = conn.execute("SELECT " + ", ".join(
        f"{c}, json_extract(body, '{QUERY_COLUMNS[c][1]}')" for c in names)
        + " FROM records WHERE record_id = ?", (record_id,)).fetchone()
    column, found, expected = next(((c, row[2 * i], row[2 * i + 1]) for i, c in enumerate(names)
                                    if row[2 * i] != row[2 * i + 1]), (names[0], None, None))
    return record_id, Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 的查询列 {column} 被改动：列中为“{found}”，记录本身为“{expected}”"
                "（筛选和统计读的是这一列）。"),
        {"id": record_id, "column": column, "found": found, "expected": expected})


def _outbox_problem(conn, record_id: int) -> Message:
    """What is wrong with the outbox row of a record whose columns agree with its body."""
    params = {"id": record_id}
    rows = conn.execute(f"SELECT o.record_hash, r.hash FROM records r JOIN {_outbox(conn)} o "
                        "ON o.record_id = r.record_id WHERE r.record_id = ?",
                        (record_id,)).fetchall()
    if not rows:
        return Message(QT_TRANSLATE_NOOP(
            "core", "记录 {id} 没有写入时同时生成的上报反馈：它是后来插入的，或它的反馈被删除了。"),
            params)
    differs = [w for w, stored in rows if w != stored]
    if not differs or not isinstance(differs[0], str) or len(differs[0]) != 64:
        return Message(QT_TRANSLATE_NOOP(
            "core", "记录 {id} 待上报的反馈被改动：{fields} 与记录本身不符。"),
            {**params, "fields": "record_hash" if differs else "feedback_id"})
    written = differs[0]
    if conn.execute("SELECT 1 FROM records WHERE record_id = ? AND hash = ?",
                    (record_id + 1, written)).fetchone():
        # The record written as number n now sits at n+1: something was slipped in before it.
        return Message(QT_TRANSLATE_NOOP(
            "core", "记录 {id} 是插入的：原来的第 {id} 条被挪到了后面（与上报队列中的哈希对照）。"),
            params)
    return Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 被改写或替换：与写入时交给上报队列的哈希不一致。"), params)


def check_witness(conn: sqlite3.Connection, head) -> tuple[int, Message] | None:
    """The file against its head witness: None when it holds exactly the witnessed records."""
    rows = dict(conn.execute("SELECT record_id, hash FROM records WHERE record_id = ?",
                             (head.count,)).fetchall())
    last, last_hash, last_prev = conn.execute(
        "SELECT record_id, hash, prev_hash FROM records ORDER BY record_id DESC LIMIT 1"
    ).fetchone() or (0, GENESIS_HASH, None)
    params = {"count": head.count, "last": last, "head": head.head[:16], "at": head.at or "?"}
    if last == head.count and rows.get(head.count, GENESIS_HASH) == head.head:
        return None
    if last == head.count + 1 and last_prev == head.head:
        return None  # the witness's flush did not finish before the writer was stopped
    if head.pending and last == head.count - 1 and last_hash == head.prev:
        return None  # the commit did not: that record was never shown as recorded
    if last < head.count:
        return last + 1, Message(QT_TRANSLATE_NOOP(
            "core", "案卷比见证短：见证记载 {count} 条记录（最后一条写于 {at}，链头 {head}…），"
                    "案卷只有 {last} 条，第 {first} 条至第 {count} 条不见了（例如预写日志 -wal 文件"
                    "被删除，或换成了旧副本）。"),
            {**params, "first": last + 1})
    if rows.get(head.count) != head.head and head.count:
        return head.count, Message(QT_TRANSLATE_NOOP(
            "core", "案卷被替换：第 {count} 条记录不是见证记载的那一条（链头 {head}…）。"), params)
    return head.count + 1, Message(QT_TRANSLATE_NOOP(
        "core", "第 {first} 条至第 {last} 条记录不在见证中：它们不是由本程序写入的。"),
        {**params, "first": head.count + 1})


def _orphaned_feedback(conn: sqlite3.Connection) -> tuple[int, Message] | None:
    """Feedback whose record is gone: the record was deleted (at the end of the chain, this is the
    only local trace of it), or the row was made up for a record that never was."""
    # One row per record is what an intact file has (more or fewer for a record is named by the
    # derived-data comparison): only a file with more rows than records is searched, row by row.
    if conn.execute("SELECT count(*) FROM outbox").fetchone()[0] <= \
            conn.execute("SELECT count(*) FROM records").fetchone()[0]:
        return None
    row = conn.execute("SELECT min(o.record_id) FROM outbox o WHERE NOT EXISTS "
                       "(SELECT 1 FROM records r WHERE r.record_id = o.record_id)").fetchone()
    if row[0] is None:
        return None
    return (max(row[0], 1) if isinstance(row[0], int) else 1), Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 已被删除：上报队列中仍有它的反馈。"), {"id": row[0]})


def _old_feedback_notice(conn: sqlite3.Connection) -> str:
    """Feedback messages stored whole before 2 December that were not what their records give
    (kept when the outbox was upgraded). They are never sent again and the records are intact, so
    this is not a fault of the file; but the old sender posted the stored message as it was, so
    the platform may hold one: IT should compare it there."""
    found = old_outbox.first_kept(conn)
    if found is None:
        return ""
    record_id, payload, count = found
    return str(Message(QT_TRANSLATE_NOOP(
        "core", "注意：记录 {id} 在升级前存入上报队列的反馈与记录本身不符：{fields}（共 {count} 条这样的"
                "反馈）。它们不会再上报，记录本身完好；但旧版本照原样上报，平台上可能是改动后的内容，请信息"
                "技术人员与平台核对（原文保存在案卷的 old_feedback 表中）。"),
        {"id": record_id, "count": count,
         "fields": "、".join(old_outbox.fields_differing(conn, record_id, payload))}))
