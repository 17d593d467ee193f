"""Access records (查询留痕): who looked up which natural person, when, and why.

Every lookup of an identity number leaves one, whether the clerk records the check or not
(广州 2021 §(十二) 书面授权: a person's credit data is looked up for a stated purpose only). They live
in the case file next to the records, in the same style: each one's canonical JSON body is stored
with its SHA-256, and each body holds the hash of the access record before it, so ``cases verify``
notices an edited, inserted or deleted one inside the chain. The head witness beside the file
(witness.py) counts them too and names the last one's hash, so deleting or replacing the newest
ones is reported by ``cases verify`` and at the next start (exit 6), like a shorter case file.
What is not noticed: one access record appended by someone else after the last real one (it
looks like a writer stopped between its commit and its witness), or the file and its witness
rewritten together. The number is kept masked: the record says that a person was looked up, not
whom to look up again. Qt-free."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, replace

from desktop.casefile.record import GENESIS_HASH, canonical_json, plain
from desktop.casefile.witness import EMPTY, Head
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

SCHEMA = ("CREATE TABLE IF NOT EXISTS access (\n"
          "  access_id INTEGER PRIMARY KEY,\n"
          "  body TEXT NOT NULL,\n"
          "  hash TEXT NOT NULL,\n"
          "  at TEXT GENERATED ALWAYS AS (json_extract(body, '$.at')) STORED,\n"
          "  operator TEXT GENERATED ALWAYS AS (json_extract(body, '$.operator')) STORED)")
INDEX = "CREATE INDEX IF NOT EXISTS access_at ON access(at)"


@dataclass(frozen=True)
class AccessRecord:
    access_id: int
    at: str                 # when the lookup ran, UTC (the check's time)
    operator: str
    hall: str
    window: str
    purpose: str            # authorisation number or legal duty, as the clerk gave it
    subject: str            # the identity number, masked
    item_code: str
    status: str             # clear, hit or unverified
    source: str             # platform or offline
    prev_hash: str
    hash: str = ""

    def canonical(self) -> bytes:
        data = plain(self)
        del data["hash"]
        return canonical_json(data)

    @classmethod
    def from_stored(cls, body: str, hash_: str) -> "AccessRecord":
        return cls(**json.loads(body), hash=hash_)


def append(conn: sqlite3.Connection, draft: AccessRecord) -> AccessRecord:
    """Chain and insert ``draft`` inside the caller's write transaction."""
    last = conn.execute("SELECT access_id, hash FROM access ORDER BY access_id DESC LIMIT 1").fetchone()
    access_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    record = replace(draft, access_id=access_id, prev_hash=prev, hash="")
    body = record.canonical()
    record = replace(record, hash=hashlib.sha256(body).hexdigest())
    conn.execute("INSERT INTO access(access_id, body, hash) VALUES (?, ?, ?)",
                 (record.access_id, body.decode(), record.hash))
    return record


def walk(conn: sqlite3.Connection) -> tuple[int, Message | None]:
    """(access records intact before the first bad one, what is wrong with that one or None)."""
    expected, prev = 1, GENESIS_HASH
    for access_id, body, stored in conn.execute(
            "SELECT access_id, CAST(body AS BLOB), hash FROM access ORDER BY access_id"):
        if access_id != expected:
            return expected - 1, Message(QT_TRANSLATE_NOOP(
                "core", "查询留痕 {id} 已被删除或插入：编号不连续。"), {"id": expected})
        if hashlib.sha256(body).hexdigest() != stored:
            return expected - 1, Message(QT_TRANSLATE_NOOP(
                "core", "查询留痕 {id} 的内容被修改（哈希不符）。"), {"id": access_id})
        try:
            link = json.loads(body)["prev_hash"]
        except (ValueError, KeyError, TypeError):
            link = None
        if link != prev:
            return expected - 1, Message(QT_TRANSLATE_NOOP(
                "core", "查询留痕 {id} 与前一条不相连（之前的留痕被改动或删除）。"), {"id": access_id})
        expected, prev = expected + 1, stored
    return expected - 1, None


def _has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'access'"
                        ).fetchone() is not None


def head(conn: sqlite3.Connection) -> Head:
    """The access records as the witness counts them: how many, the last one's hash and link."""
    if not _has_table(conn):
        return EMPTY
    row = conn.execute("SELECT access_id, hash, json_extract(body, '$.prev_hash'), at FROM access "
                       "ORDER BY access_id DESC LIMIT 1").fetchone()
    return Head(row[0], row[1], row[2], row[3] or "") if row else EMPTY


def check_witness(conn: sqlite3.Connection, witnessed: Head) -> Message | None:
    """The access records against their witness: None when the file holds exactly the witnessed
    ones (or one more, whose writer stopped before its witness)."""
    found = head(conn)
    if found.count == witnessed.count and found.head == witnessed.head:
        return None
    if found.count == witnessed.count + 1 and found.prev == witnessed.head:
        return None
    params = {"count": witnessed.count, "last": found.count, "first": found.count + 1,
              "at": witnessed.at or "?"}
    if found.count < witnessed.count:
        return Message(QT_TRANSLATE_NOOP(
            "core", "查询留痕比见证少：见证记载 {count} 条查询留痕（最后一条写于 {at}），案卷只有 {last} 条，"
                    "第 {first} 条至第 {count} 条查询留痕被删除。"), params)
    if found.count == witnessed.count:
        return Message(QT_TRANSLATE_NOOP(
            "core", "查询留痕被替换：第 {count} 条查询留痕不是见证记载的那一条。"), params)
    return Message(QT_TRANSLATE_NOOP(
        "core", "第 {first0} 条至第 {last} 条查询留痕不在见证中：它们不是由本程序写入的。"),
        {**params, "first0": witnessed.count + 1})
