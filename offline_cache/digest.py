"""Hashes: the streamed SHA-256 of a file, and the dataset digest over rows.

The dataset digest is what makes "the same dataset through deltas and through a full snapshot"
checkable: it hashes the rows, not the SQLite pages, so page layout, rowids and free space do not
enter it.

Definition (format 1): SHA-256 over ``b"credit-desk-dataset-1\\n"`` followed, for each table in
schema order, by the canonical JSON of ``[table, [columns...]]``, ``b"\\n"``, the canonical JSON
array of all its rows (each row an array of column values in column order; text as text, the
boolean column as 0/1, an empty optional date as null) ordered by the table key in byte order, and
``b"\\n"``. Canonical JSON is ``json.dumps(..., separators=(",", ":"), ensure_ascii=False)`` in
UTF-8.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from offline_cache.regular_file import open_regular
from offline_cache.schema import TABLES

CHUNK = 1 << 20
_ROWS_PER_BATCH = 20000
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class Cancelled(Exception):
    pass


# Every character class the canonical encoding treats differently: controls (short and \\u
# escapes), quote, backslash, DEL, slash, non-ASCII in and beyond the BMP; and null and integers.
_PROBE = ("".join(map(chr, range(0x80))) + "\u00e9中文\u2028\U0001f600", None, 0, 1, -7)


def _sqlite_encodes_canonically(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite's ``json_array`` writes rows byte-for-byte as the canonical encoder does.
    It saves about half the digest's time by encoding inside SQLite; an SQLite built without JSON,
    or one that escapes differently, falls back to the Python encoder and gives the same digest."""
    try:
        row = conn.execute("SELECT json_array(?, ?, ?, ?, ?)", _PROBE).fetchone()
    except sqlite3.DatabaseError:
        return False
    return row[0] == _encode(list(_PROBE))


def dataset_digest(conn: sqlite3.Connection, schema: str = "main",
                   cancel: Callable[[], bool] | None = None) -> str:
    h = hashlib.sha256(b"credit-desk-dataset-1\n")
    in_sqlite = _sqlite_encodes_canonically(conn)
    for t in TABLES:
        h.update(_encode([t.name, list(t.columns)]).encode("utf-8") + b"\n[")
        cols = ", ".join(t.columns)
        cur = conn.execute(f"SELECT {f'json_array({cols})' if in_sqlite else cols} FROM {schema}.{t.name} "
                           f"ORDER BY {', '.join(t.key)}")
        first = True
        while rows := cur.fetchmany(_ROWS_PER_BATCH):
            if cancel is not None and cancel():
                raise Cancelled()
            # The array of rows minus its brackets, batch by batch joined by commas, is
            # byte-for-byte the array of all rows, whatever the batch size.
            text = ",".join([r[0] for r in rows]) if in_sqlite else _encode(rows)[1:-1]
            h.update((text if first else "," + text).encode("utf-8"))
            first = False
        h.update(b"]\n")
    return h.hexdigest()


def file_dataset_digest(path: Path) -> str:
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return dataset_digest(conn)
    finally:
        conn.close()


def file_sha256(path: Path, *, progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None, copy_to=None) -> tuple[int, str]:
    """(size, hex SHA-256) read in 1 MiB chunks into one reused buffer; optionally writes each
    chunk to ``copy_to`` so the verified bytes are the installed bytes (no window for the source
    to change between checking and copying)."""
    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    done = 0
    with open_regular(path, "快照数据文件", buffering=0) as fh:
        total = fh.seek(0, 2)
        fh.seek(0)
        while n := fh.readinto(buf):
            chunk = view[:n]
            h.update(chunk)
            if copy_to is not None:
                copy_to.write(chunk)
            done += n
            if progress is not None:
                progress(done, total)
            if cancel is not None and cancel():
                raise Cancelled()
    return done, h.hexdigest()
