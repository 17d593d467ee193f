"""`cases verify`: walk the hash chain and name the first record that was edited, deleted,
reordered or inserted, or whose derived data (query columns, outbox feedback) says something its
hashed body does not, and compare the file with its head witness.

What is checked:

- the chain: record n sits at position n, its body hashes to its stored hash, and it holds the
  hash of record n-1;
- the query columns (status, outcome, operator, check time...) the history filters and the
  statistics read: each equals what its body says, whatever the table was rebuilt into;
- the outbox: every record has exactly the feedback derived from its body and its hash, nothing
  else goes to the platform. Because a payload carries the hash the record had when it was
  written, this also catches a rewrite that recomputed every hash after the edited record, a record
  appended later without feedback, and the deletion of records at the end of the chain;
- the head witness (witness.py): the file still holds every record the witness counts, ending in
  the hash it names; a shorter, missing or replaced file is named.

Someone who rewrites the records, their feedback and the witness consistently is caught only by
the platform, which holds each record's number and hash (409 on a conflicting record).

Speed: the walk reads the stored bytes as they are (no decode and re-encode), compares each record
on one fast path and only works out what went wrong at the first record that fails. The derived
data is compared inside SQLite (which lets go of the GIL), the later records on a second
connection while the chain is walked, the earlier ones after it, so both cores work. SQLite 3.40
parses a JSON text again at every json_extract, so the common record is compared on one parse of
its body and one of its payload (_FAST_OK); the rest, and any record that comparison does not
vouch for, go through the exact SQL twin of the feedback, and a record that one flags is derived
again by ``feedback_payload`` itself, so the Python function stays the definition."""
from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from desktop.casefile.record import GENESIS_HASH, CaseRecord, canonical_json, feedback_payload
from desktop.check.policy import COUNTING_STATES
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


def _body(field: str) -> str:
    return f"json_extract(r.body, '$.{field}')"


# feedback_payload(record) as SQLite builds it, keys in sorted order: json_object writes compact
# JSON, UTF-8 as is, with the escapes Python's json uses. tests/test_casefile_integrity.py holds
# the two to the same bytes.
_COUNTING = "(" + ", ".join(f"'{state}'" for state in COUNTING_STATES) + ")"
_FEEDBACK_FIELDS = {
    **{name: _body(name) for name in (
        "case_no", "checked_at", "feedback_id", "hall", "item_code", "note", "operator",
        "outcome", "prev_hash", "snapshot_version", "source", "status", "subject_code", "window")},
    # Hits judged when checked (older records were judged later; those take the Python path).
    "entry_ids": "(SELECT json_group_array(json_extract(h.value, '$.entry_id')) "
                 "FROM json_each(r.body, '$.hits') h "
                 f"WHERE json_extract(h.value, '$.effective_state') IN {_COUNTING})",
    "entries_not_counted": "(SELECT json_group_array(json_object("
                           "'effective_state', json_extract(h.value, '$.effective_state'), "
                           "'entry_id', json_extract(h.value, '$.entry_id'))) "
                           "FROM json_each(r.body, '$.hits') h "
                           f"WHERE json_extract(h.value, '$.effective_state') NOT IN {_COUNTING})",
    "measures_applied": f"json({_body('measures_applied')})",
    "record_hash": "r.hash",
    "record_no": _body("record_id"),
}


def _json_object(fields: dict[str, str]) -> str:
    return "json_object(" + ", ".join(f"'{k}', {v}" for k, v in sorted(fields.items())) + ")"


# Cheap tests on the canonical body bytes pick the variant: in canonical JSON a quote inside a
# string is escaped, so '"follow_up":' can only be a key, and '"hits":[],"item_code":' only the
# record's own empty list (a related person's "hits" is followed by "name"). A wrong pick would
# only send the record down the exact Python path, never pass a bad one.
_NO_HITS = "instr(r.body, '\"hits\":[],\"item_code\":') > 0"
_FEEDBACK_FAST = {**_FEEDBACK_FIELDS, **{
    key: f"CASE WHEN {_NO_HITS} THEN json('[]') ELSE {_FEEDBACK_FIELDS[key]} END"
    for key in ("entry_ids", "entries_not_counted")}}


def _has(key: str) -> str:
    return f"instr(r.body, '\"{key}\":') > 0"


def _derived_payload() -> str:
    """One json_object per shape the feedback takes: with or without a follow-up, the unit's
    people, a person checked through their unit (via), a commitment made with the check or
    decided later (feedback_payload adds each key only when the record has it). The body is
    canonical, so its nested objects come sorted."""
    cases = []
    for follow_up, related, via in itertools.product((False, True), repeat=3):
        if related and via:
            continue  # a person checked through a unit has no people of their own
        for commitment in (None, "check", "decision"):
            if follow_up and commitment:
                continue
            fields = dict(_FEEDBACK_FAST)
            cond = [("" if follow_up else "NOT ") + _has("follow_up"),
                    ("" if related else "NOT ") + _has("related"),
                    ("" if via else "NOT ") + _has("via"),
                    ("" if commitment else "NOT ") + _has("commitment")]
            if via:
                fields["via"] = f"json({_body('via')})"
            if follow_up:
                fields.update({"decision_kind": "'follow_up'",
                               "follow_up": f"json({_body('follow_up')})"})
            if related:
                fields["related"] = f"json({_body('related')})"
            if commitment:
                cond.append(f"{_body('kind')} = '{commitment}'")
                fields["commitment"] = f"json({_body('commitment')})"
                if commitment == "decision":
                    fields["decision_kind"] = "'commitment'"
            cases.append(f"WHEN {' AND '.join(cond)} THEN {_json_object(fields)}")
    return "CASE " + " ".join(cases) + " END"


_DERIVED_PAYLOAD = _derived_payload()

# The common shape (no follow-up, no commitment, nobody related: the payload has exactly the 19
# keys below) is compared without building anything, on one parse of the body and one of the
# payload (SQLite 3.40 parses a document again for every json_extract call, so the number of
# parses is the cost): the body's values at the paths of the query columns and of the feedback,
# as one JSON array, must equal the columns and the payload's values at the same keys; the
# payload must be exactly as long as those keys and values, which leaves no room for another key,
# a repeated key or white space, and hold the one key whose value may be null. Any other record
# takes the exact SQL twin above.
_PLAIN = ("case_no", "checked_at", "feedback_id", "hall", "item_code", "measures_applied", "note",
          "operator", "outcome", "prev_hash", "snapshot_version", "source", "status",
          "subject_code", "window")
_FAST_KEYS = _PLAIN + ("record_no", "record_hash", "entry_ids", "entries_not_counted")
_FAST_LENGTH = sum(len(k) + 3 for k in _FAST_KEYS)  # '"key":' plus one separator each
_FAST_BODY = ("json_extract(body, '$.follow_up', '$.commitment', '$.related', "
              + ", ".join(f"'{path}'" for _, path in QUERY_COLUMNS.values())
              + ", '$.feedback_id', " + ", ".join(f"'$.{k}'" for k in _PLAIN) + ", '$.record_id')")
_FAST_HITS = ("CASE WHEN instr(body, '\"hits\":[],\"item_code\":') > 0 THEN '[],[]' ELSE "
              "(SELECT json_group_array(json_extract(h.value, '$.entry_id')) FILTER (WHERE "
              f"json_extract(h.value, '$.effective_state') IN {_COUNTING}) || ',' || "
              "json_group_array(json_object('effective_state', json_extract(h.value, "
              "'$.effective_state'), 'entry_id', json_extract(h.value, '$.entry_id'))) FILTER "
              f"(WHERE json_extract(h.value, '$.effective_state') NOT IN {_COUNTING}) "
              "FROM json_each(body, '$.hits') h) END")
_FAST_OK = (f"rtrim({_FAST_BODY}, ']') || ',' || json_quote(hash) || ',' || {_FAST_HITS} || ']' "
            f"= '[null,null,null,' || substr(rtrim(json_array({', '.join(QUERY_COLUMNS)}, fid), ']'), 2)"
            " || ',' || substr(pay, 2) "
            f"AND length(payload) = length(pay) + {_FAST_LENGTH} "
            "AND instr(payload, '\"snapshot_version\":') > 0")
# The payload's values are read once per record: a subquery with a LIMIT is not flattened into
# the outer query, so its columns are computed once and referenced twice.
_FAST_ROWS = ("SELECT r.record_id AS record_id, r.body AS body, r.hash AS hash, "
              "o.payload AS payload, o.feedback_id AS fid, "
              + ", ".join(f"r.{c} AS {c}" for c in QUERY_COLUMNS)
              + ", CASE WHEN json_valid(o.payload) THEN json_extract(o.payload, "
              + ", ".join(f"'$.{k}'" for k in _FAST_KEYS) + ") END AS pay "
              "FROM records r LEFT JOIN outbox o ON o.record_id = r.record_id "
              "WHERE r.record_id BETWEEN ? AND ? LIMIT -1")
_SUSPECTS = (f"SELECT record_id FROM ({_FAST_ROWS}) WHERE NOT coalesce({_FAST_OK}, 0) "
             "ORDER BY record_id")


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    first_bad: int | None = None
    problem: str = ""  # zh_CN, names the record and what happened to it


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
        return VerifyReport(True, checked)
    first_bad, message = bad
    return VerifyReport(False, max(0, min(checked, first_bad - 1)), first_bad, str(message))


_WALKER_SHARE = 0.4


def _derived_suspects(uri: str, first: int, last: int) -> list[int]:
    conn = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return _suspects_on(conn, first, last)
    finally:
        conn.close()


def _suspects_on(conn: sqlite3.Connection, first: int, last: int) -> list[int]:
    """Records from ``first`` to ``last`` whose query columns or feedback the fast comparison
    does not vouch for, and which the exact SQL twin does not reproduce byte for byte either."""
    if last < first:
        return []
    flagged = [r for (r,) in conn.execute(_SUSPECTS, (first, last))]
    if not flagged:
        return []
    marks = ",".join("?" * len(flagged)) if len(flagged) < 900 else None
    where = f"r.record_id IN ({marks})" if marks else "r.record_id BETWEEN ? AND ?"
    params = flagged if marks else [first, last]
    return [r for (r,) in conn.execute(
        "SELECT r.record_id FROM records r LEFT JOIN outbox o ON o.record_id = r.record_id "
        f"WHERE {where} AND (o.payload IS NOT {_DERIVED_PAYLOAD} OR o.feedback_id IS NOT "
        f"{_body('feedback_id')} OR {_COLUMNS_DIFFER}) "
        "ORDER BY r.record_id", params)]


def _derived_suspects_on(conn: sqlite3.Connection) -> tuple[int | None, list[int]]:
    """(first record whose query columns differ from its body, every record whose feedback the
    SQL comparisons do not vouch for): what the Python definitions then judge."""
    last = conn.execute("SELECT coalesce(max(record_id), 0) FROM records").fetchone()[0]
    suspects = _suspects_on(conn, 1, last)
    columns = next((r for r in suspects if _columns_differ(conn, r)), None)
    return columns, [r for r in suspects if not _columns_differ(conn, r)]


def _columns_differ(conn, record_id: int) -> bool:
    return conn.execute(f"SELECT 1 FROM records WHERE record_id = ? AND ({_COLUMNS_DIFFER})",
                        (record_id,)).fetchone() is not None


def _derived_problem(conn, suspects: list[int]) -> tuple[int, Message] | None:
    """The first suspect whose query columns or feedback really differ from its body."""
    for record_id in suspects:
        if _columns_differ(conn, record_id):
            return _column_problem(conn, record_id)
        problem = _payload_problem(conn, [record_id])
        if problem is not None:
            return problem
    return None


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


def _payload_problem(conn, suspects: list[int]) -> tuple[int, Message] | None:
    """The first suspect whose feedback really differs from the one derived from its body."""
    for record_id in suspects:
        rows = conn.execute(
            "SELECT r.body, r.hash, o.feedback_id, o.payload FROM records r LEFT JOIN outbox o "
            "ON o.record_id = r.record_id WHERE r.record_id = ?", (record_id,)).fetchall()
        try:
            record = CaseRecord.from_stored(rows[0][0], rows[0][1])
            expected = canonical_json(feedback_payload(record)).decode()
        except (ValueError, TypeError, KeyError, AttributeError):
            return record_id, Message(QT_TRANSLATE_NOOP(
                "core", "记录 {id} 的内容无法读取（不是完整的档案记录）。"), {"id": record_id})
        for _, _, feedback_id, payload in rows:
            if payload is None:
                return record_id, Message(QT_TRANSLATE_NOOP(
                    "core", "记录 {id} 是后来插入的：它没有写入时同时生成的上报反馈。"),
                    {"id": record_id})
            if payload != expected or feedback_id != record.feedback_id:
                return record_id, _feedback_differs(conn, record, payload)
    return None


def _feedback_differs(conn, record: CaseRecord, payload: str) -> Message:
    try:
        sent = json.loads(payload)
        if not isinstance(sent, dict):
            raise ValueError
    except ValueError:
        sent = {}
    witness = sent.get("record_hash")
    params = {"id": record.record_id}
    if witness is not None and witness != record.hash:
        if conn.execute("SELECT 1 FROM records WHERE record_id = ? AND hash = ?",
                        (record.record_id + 1, witness)).fetchone():
            # The record written as number n now sits at n+1: something was slipped in before it.
            return Message(QT_TRANSLATE_NOOP(
                "core", "记录 {id} 是插入的：原来的第 {id} 条被挪到了后面（与上报队列中的哈希对照）。"),
                params)
        return Message(QT_TRANSLATE_NOOP(
            "core", "记录 {id} 被改写或替换：与写入时交给上报队列的哈希不一致。"), params)
    expected = feedback_payload(record)
    fields = sorted(k for k in set(expected) | set(sent) if sent.get(k) != expected.get(k)) \
        or ["feedback_id"]
    return Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 待上报的反馈被改动：{fields} 与记录本身不符。"),
        {**params, "fields": "、".join(fields)})


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
    only local trace of it)."""
    # Records missing inside the chain are found by the walk; this finds a missing tail.
    row = conn.execute("SELECT min(record_id) FROM outbox WHERE record_id > "
                       "(SELECT coalesce(max(record_id), 0) FROM records)").fetchone()
    if row[0] is None:
        return None
    return row[0], Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 已被删除：上报队列中仍有它的反馈。"), {"id": row[0]})
