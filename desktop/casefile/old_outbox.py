"""The outbox as case files written before 2 December kept it: each feedback message whole, in
``outbox.payload``. What a desk of this version does with one:

- ``upgrade`` (the desk's writer, at open): every old message is compared with the message the
  record's body gives; the outbox is rebuilt in the current form (feedback id, record number,
  the hash the record was written with, taken from its message), and the messages that differ
  are kept, whole, in ``old_feedback``, and `cases verify` points IT to them: the old sender
  posted the stored message as it was, so the platform may hold one (a notice, not a fault of
  the file: the records are intact, and such a message is never sent again);
- ``queued_rows`` and ``differing`` (`cases verify` on a read-only copy, which is never
  rewritten): the same rows and the same comparison, read where they are.

A message that is exactly what the body gives holds nothing the body does not, and is dropped."""
from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator

from desktop.casefile.record import feedback_message

log = logging.getLogger(__name__)

_HASH = "CASE WHEN json_valid(payload) THEN json_extract(payload, '$.record_hash') END"
# The outbox rows of an old file, as verify reads those of a current one.
QUEUED_ROWS = f"(SELECT feedback_id, record_id, {_HASH} AS record_hash FROM outbox)"
KEPT = "old_feedback"


def holds_messages(conn: sqlite3.Connection) -> bool:
    return "payload" in {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}


def differing(conn: sqlite3.Connection) -> Iterator[tuple[int, str | None, str]]:
    """(record id, feedback id, message) of every old message that is not, byte for byte, the
    message its record's body gives (a record that is gone gives none)."""
    rows = conn.execute("SELECT o.record_id, o.feedback_id, o.payload, CAST(r.body AS BLOB), "
                        "r.hash FROM outbox o LEFT JOIN records r ON r.record_id = o.record_id "
                        "ORDER BY o.record_id")
    for record_id, feedback_id, payload, body, hash_ in rows:
        if body is None:
            continue  # no record to compare with: verify names the row as a deleted record's
        try:
            expected = feedback_message(body, hash_).decode()
        except Exception:  # noqa: BLE001 - a body that gives no message: the record is named
            continue       # by the chain walk or its columns
        if payload != expected:
            yield record_id, feedback_id, payload


def upgrade(conn: sqlite3.Connection, create_outbox) -> None:
    """Rebuild an old outbox in the current form, inside the caller's write transaction;
    ``create_outbox(conn)`` creates the current table."""
    differ = list(differing(conn))
    if differ:
        log.error("case file upgrade: %d feedback message(s) stored before 2 December differ from "
                  "their records (first: record %s); kept in %s", len(differ), differ[0][0], KEPT)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {KEPT} (record_id INTEGER, feedback_id TEXT, "
                     "payload TEXT)")
        conn.executemany(f"INSERT INTO {KEPT} VALUES (?, ?, ?)", differ)
    # A view or an index IT put on the old table must not stop the desk recording (ALTER TABLE
    # DROP COLUMN refuses while one names the column): the table is rebuilt, and the legacy
    # rename leaves views naming "outbox" to the new one.
    conn.execute("PRAGMA legacy_alter_table=ON")
    try:
        conn.execute("ALTER TABLE outbox RENAME TO outbox_before_upgrade")
    finally:
        conn.execute("PRAGMA legacy_alter_table=OFF")
    conn.execute("DROP INDEX IF EXISTS outbox_record_id")  # went with the rename
    create_outbox(conn)
    # The old key allowed any number of NULL feedback ids (an insider's edit): each gets one of
    # its own that no record has, which verify then names.
    conn.execute("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) "
                 "SELECT coalesce(feedback_id, 'missing-' || rowid), record_id, "
                 f"coalesce({_HASH}, ''), coalesce(created_at, '') FROM outbox_before_upgrade")
    conn.execute("DROP TABLE outbox_before_upgrade")


def first_kept(conn: sqlite3.Connection) -> tuple[int, str, int] | None:
    """(record id, message, how many) of the old messages that differed from their records,
    kept by ``upgrade`` or, in a file not upgraded, found now."""
    if holds_messages(conn):
        found = [(record_id, payload) for record_id, _, payload in differing(conn)]
        return (*found[0], len(found)) if found else None
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (KEPT,)).fetchone():
        return None
    # Whatever else a hand put in the table, a row without a record number names none.
    rows = conn.execute(f"SELECT record_id, CAST(payload AS TEXT) FROM {KEPT} "
                        "WHERE typeof(record_id) = 'integer' ORDER BY record_id").fetchall()
    return (*rows[0], len(rows)) if rows else None


def fields_differing(conn: sqlite3.Connection, record_id: int, payload: str) -> list[str]:
    """The keys of an old message that differ from those its record gives."""
    row = conn.execute("SELECT CAST(body AS BLOB), hash FROM records WHERE record_id = ?",
                       (record_id,)).fetchone()
    try:
        expected = json.loads(feedback_message(*row))
        sent = json.loads(payload)
        if not isinstance(sent, dict):
            raise ValueError
    except Exception:  # noqa: BLE001 - the record changed since, or the message is not JSON
        return ["payload"]
    return sorted(k for k in set(expected) | set(sent) if sent.get(k) != expected.get(k)) \
        or ["payload"]

