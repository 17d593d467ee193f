"""`cases verify`: walk the hash chain and name the first record that was edited, deleted,
reordered or inserted.

Two witnesses are checked. The chain itself: record n sits at position n, its body hashes to its
stored hash, and it holds the hash of record n-1. And the outbox: each feedback row carries the
hash the record had when it was written (``chain_head``), which catches a rewrite that recomputed
every hash after the edited record, and the deletion of records at the end of the chain. Someone
who rewrites both tables consistently is caught only by the platform, which received every
``chain_head``."""
from __future__ import annotations

import hashlib
import sqlite3

from desktop.case_record import GENESIS_HASH
from desktop.casefile import VerifyReport
from desktop.messages import QT_TRANSLATE_NOOP, Message


def verify(conn: sqlite3.Connection) -> VerifyReport:
    try:
        checked, chain_bad = _walk_chain(conn)
        outbox_bad = _outbox_mismatch(conn)
    except sqlite3.Error as exc:
        return VerifyReport(False, 0, None, str(Message(QT_TRANSLATE_NOOP(
            "core", "案卷文件无法读取或结构被改动：{error}"), {"error": exc})))
    bad = min((b for b in (chain_bad, outbox_bad) if b), default=None, key=lambda b: b[0])
    if bad is None:
        return VerifyReport(True, checked)
    first_bad, message = bad
    return VerifyReport(False, checked, first_bad, str(message))


def _walk_chain(conn: sqlite3.Connection) -> tuple[int, tuple[int, Message] | None]:
    expected, prev, prev_link = 1, GENESIS_HASH, None
    rows = conn.execute("SELECT record_id, body_id, prev_hash, hash, body FROM records "
                        "ORDER BY record_id")
    for record_id, body_id, link, stored_hash, body in rows:
        problem = _problem(record_id, body_id, link, stored_hash, body, expected, prev, prev_link)
        if problem:
            return expected - 1, problem
        expected, prev, prev_link = expected + 1, stored_hash, link
    return expected - 1, None


def _problem(record_id, body_id, link, stored_hash, body, expected, prev, prev_link):
    def bad(at: int, template: str, **params) -> tuple[int, Message]:
        return at, Message(template, params)

    if record_id > expected:
        return bad(expected, QT_TRANSLATE_NOOP(
            "core", "记录 {id} 已被删除：第 {id} 条至第 {last} 条缺失。"),
            id=expected, last=record_id - 1)
    if record_id < expected:
        return bad(record_id, QT_TRANSLATE_NOOP("core", "记录 {id} 是插入的：编号不在档案序列中。"),
                   id=record_id)
    if hashlib.sha256(body.encode()).hexdigest() != stored_hash:
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
    if body_id != record_id:
        return bad(record_id, QT_TRANSLATE_NOOP(
            "core", "第 {id} 条位置上是记录 {found}：记录被重新编号。"), id=record_id, found=body_id)
    return None


def _outbox_mismatch(conn: sqlite3.Connection) -> tuple[int, Message] | None:
    row = conn.execute(
        "SELECT o.record_id, r.hash IS NULL FROM outbox o "
        "LEFT JOIN records r ON r.record_id = o.record_id "
        "WHERE r.hash IS NOT json_extract(o.payload, '$.chain_head') "
        "ORDER BY o.record_id LIMIT 1").fetchone()
    if row is None:
        return None
    record_id, missing = row
    if missing:
        return record_id, Message(QT_TRANSLATE_NOOP(
            "core", "记录 {id} 已被删除：上报队列中仍有它的反馈。"), {"id": record_id})
    return record_id, Message(QT_TRANSLATE_NOOP(
        "core", "记录 {id} 被改写或替换：与写入时交给上报队列的哈希不一致。"), {"id": record_id})
