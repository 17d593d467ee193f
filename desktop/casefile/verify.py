"""`cases verify`: walk the hash chain and name the first record that was edited, deleted,
reordered or inserted.

Two witnesses are checked. The chain itself: record n sits at position n, its body hashes to its
stored hash, and it holds the hash of record n-1. And the outbox: every record is written in the
same transaction as its feedback row, which carries the hash the record had when it was written
(``chain_head``). That catches a rewrite that recomputed every hash after the edited record, a
record appended later without feedback, and the deletion of records at the end of the chain.
Someone who rewrites both tables consistently is caught only by the platform, which received every
``chain_head``.

Speed: a million records verify in a few seconds because the walk reads the stored bytes as they
are (no decode and re-encode), compares each record on one fast path and only works out what went
wrong at the first record that fails, while the outbox comparison runs inside SQLite at the same
time."""
from __future__ import annotations

import hashlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from desktop.casefile.record import GENESIS_HASH
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

# The feedback payload is canonical JSON, so its first '"chain_head":"' is the key itself (a quote
# inside a string value is escaped) and the 64 characters after it are the hash. Cutting it out
# is twice as fast as json_extract over a million payloads; a payload edited into another shape
# simply yields a witness that does not match.
_WITNESS = "substr(o.payload, instr(o.payload, '\"chain_head\":\"') + 14, 64)"


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    first_bad: int | None = None
    problem: str = ""  # zh_CN, names the record and what happened to it


def verify(conn: sqlite3.Connection, path: Path) -> VerifyReport:
    """Walk the chain on ``conn`` while a second, read-only connection to ``path`` compares the
    outbox witnesses in SQLite, which lets go of the GIL: the two halves overlap on two cores."""
    with ThreadPoolExecutor(1, thread_name_prefix="casefile-witness") as pool:
        witnessed = pool.submit(_first_unwitnessed, path)
        try:
            checked, chain_bad = _walk_chain(conn)
            orphan = _orphaned_feedback(conn)
            unwitnessed = witnessed.result()
            if unwitnessed is not None:
                unwitnessed = _witness_problem(conn, *unwitnessed)
        except sqlite3.Error as exc:
            return VerifyReport(False, 0, None, str(Message(QT_TRANSLATE_NOOP(
                "core", "案卷文件无法读取或结构被改动：{error}"), {"error": exc})))
    bad = min((b for b in (chain_bad, unwitnessed, orphan) if b), default=None,
              key=lambda b: b[0])
    if bad is None:
        return VerifyReport(True, checked)
    first_bad, message = bad
    return VerifyReport(False, min(checked, first_bad - 1), first_bad, str(message))


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


def _first_unwitnessed(path: Path) -> tuple[int, str | None] | None:
    """The first record whose feedback row is missing or holds another hash, with that hash."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(
            f"SELECT r.record_id, {_WITNESS} FROM records r "
            "LEFT JOIN outbox o ON o.record_id = r.record_id "
            f"WHERE r.hash IS NOT {_WITNESS} ORDER BY r.record_id LIMIT 1").fetchone()
    finally:
        conn.close()


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


def _witness_problem(conn, record_id: int, witness: str | None) -> tuple[int, Message]:
    if witness is None:
        template = QT_TRANSLATE_NOOP("core", "记录 {id} 是后来插入的：它没有写入时同时生成的上报反馈。")
    elif conn.execute("SELECT 1 FROM records WHERE record_id = ? AND hash = ?",
                      (record_id + 1, witness)).fetchone():
        # The record written as number n now sits at n+1: something was slipped in before it.
        template = QT_TRANSLATE_NOOP(
            "core", "记录 {id} 是插入的：原来的第 {id} 条被挪到了后面（与上报队列中的哈希对照）。")
    else:
        template = QT_TRANSLATE_NOOP(
            "core", "记录 {id} 被改写或替换：与写入时交给上报队列的哈希不一致。")
    return record_id, Message(template, {"id": record_id})


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
