"""Access records (查询留痕): who looked up which natural person, when, and why.

Every lookup of an identity number leaves one, whether the clerk records the check or not
(广州 2021 §(十二) 书面授权: a person's credit data is looked up for a stated purpose only). They live
in the case file next to the records, in the same style: each one's canonical JSON body is stored
with its SHA-256, and each body holds the hash of the access record before it, so ``cases verify``
notices an edited, inserted or deleted one inside the chain. Deleting the newest ones is not
noticed: no witness outside the file counts access records (README says so). The number is kept masked: the record says that a
person was looked up, not whom to look up again. Qt-free."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, replace

from desktop.casefile.record import GENESIS_HASH, canonical_json
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
        data = asdict(self)
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
    record = replace(record, hash=hashlib.sha256(record.canonical()).hexdigest())
    conn.execute("INSERT INTO access(access_id, body, hash) VALUES (?, ?, ?)",
                 (record.access_id, record.canonical().decode(), record.hash))
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
