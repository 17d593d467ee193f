"""Verified reads: rows grouped into buckets by a hash of the subject code, and the bucket table.

Every row of a table that belongs to a subject (``Table.bucket_by``) sits in bucket
``bucket_of(code, n)``. The bucket table holds, for each bucket, a 16-byte digest of its rows, and
one digest of the catalogue (the small tables: lists, items, measures, the item-to-measure map).
The signed targets metadata carries the SHA-256 of the bucket table file, so a lookup that reads
a bucket's rows and finds their digest equal to the table's entry has read the publisher's rows,
whenever it happens: no seal, no row pass at start-up.

The hash is a polynomial over the code's first 24 characters modulo the (prime) bucket count,
written the same in Python and in SQL so that SQLite keeps the bucket as a generated column with an
index, and raw SQL edits of a data file (tests, the reference platform) need nothing of ours. It
needs no cryptographic strength: a bucket only says which rows a digest covers; the digest (SHA-256
truncated to 128 bits) is what an edit cannot match.

Bucket table file (format 1)::

    b"CDBUCKET1\\n"  magic
    u32 big-endian   bucket count n
    32 bytes         catalogue digest (SHA-256)
    n * 16 bytes     bucket digests, bucket 0 first
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from operator import mul
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from offline_cache.schema import TABLES, Table

MAGIC = b"CDBUCKET1\n"
DIGEST = 16
_HEADER = len(MAGIC) + 4 + 32
_CHARS = 24
_BASE = 1_000_003
SUBJECTS_PER_BUCKET = 4

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode

BUCKETED: tuple[Table, ...] = tuple(t for t in TABLES if t.bucket_by)
CATALOGUE: tuple[Table, ...] = tuple(t for t in TABLES if not t.bucket_by)


class Cancelled(Exception):
    pass


def _weights(n: int) -> tuple[int, ...]:
    return tuple(pow(_BASE, i + 1, n) for i in range(_CHARS))


_weight_cache: dict[int, tuple[int, ...]] = {}


def bucket_of(code: str, n: int) -> int:
    w = _weight_cache.get(n)
    if w is None:
        w = _weight_cache[n] = _weights(n)
    # map() stops at the shorter of code and weights: the first 24 characters, as in SQL.
    return sum(map(mul, map(ord, code), w)) % n


def bucket_sql(column: str, n: int) -> str:
    """The same hash as an SQL expression over ``column`` (built-in functions only)."""
    terms = " + ".join(f"coalesce(unicode(substr({column}, {i + 1}, 1)), 0) * {wi}"
                       for i, wi in enumerate(_weights(n)))
    return f"(({terms}) % {n})"


def _is_prime(k: int) -> bool:
    if k < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if k % p == 0:
            return k == p
    d, s = k - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7, 11, 13, 17):
        x = pow(a, d, k)
        if x in (1, k - 1):
            continue
        for _ in range(s - 1):
            x = x * x % k
            if x == k - 1:
                break
        else:
            return False
    return True


def bucket_count(subjects: int) -> int:
    """A prime near a quarter of the subjects: a lookup reads about four subjects' rows."""
    k = max(251, -(-subjects // SUBJECTS_PER_BUCKET))
    while not _is_prime(k):
        k += 1
    return k


def add_bucket_columns(conn: sqlite3.Connection, n: int, schema: str = "main") -> None:
    """The generated ``bucket`` column and its index on every bucketed table."""
    for t in BUCKETED:
        conn.execute(f"ALTER TABLE {schema}.{t.name} ADD COLUMN bucket INTEGER "
                     f"GENERATED ALWAYS AS {bucket_sql(t.bucket_by, n)} VIRTUAL")
        conn.execute(f"CREATE INDEX {schema}.{t.name}_bucket ON {t.name} (bucket, {', '.join(t.key)})")


def bucket_query(t: Table) -> str:
    return f"SELECT {', '.join(t.columns)} FROM {t.name} WHERE bucket = ? ORDER BY {', '.join(t.key)}"


BUCKET_QUERIES = tuple(bucket_query(t) for t in BUCKETED)


def digest_rows(per_table: Iterable[list]) -> bytes:
    """The digest of one bucket: its rows of each bucketed table, in schema order, each table's
    rows ordered by key, as canonical JSON arrays."""
    h = hashlib.sha256(b"cd-bucket-1")
    for rows in per_table:
        h.update(b"\n" + _encode(rows).encode("utf-8"))
    return h.digest()[:DIGEST]


def read_bucket(conn: sqlite3.Connection, b: int) -> list[list]:
    return [conn.execute(q, (b,)).fetchall() for q in BUCKET_QUERIES]


def catalogue_digest(conn: sqlite3.Connection, schema: str = "main") -> bytes:
    h = hashlib.sha256(b"cd-catalogue-1")
    for t in CATALOGUE:
        rows = conn.execute(f"SELECT {', '.join(t.columns)} FROM {schema}.{t.name} "
                            f"ORDER BY {', '.join(t.key)}").fetchall()
        h.update(b"\n" + _encode([t.name, rows]).encode("utf-8"))
    return h.digest()


@dataclass(frozen=True)
class BucketTable:
    count: int
    catalogue: bytes
    digests: bytes = field(repr=False)

    def digest(self, b: int) -> bytes:
        return self.digests[b * DIGEST:(b + 1) * DIGEST]

    def to_bytes(self) -> bytes:
        return MAGIC + struct.pack(">I", self.count) + self.catalogue + self.digests

    @classmethod
    def from_bytes(cls, data: bytes) -> "BucketTable":
        if len(data) < _HEADER or not data.startswith(MAGIC):
            raise ValueError("not a bucket table")
        (count,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
        if count < 1 or len(data) != _HEADER + count * DIGEST:
            raise ValueError("bucket table of the wrong length")
        return cls(count, data[len(MAGIC) + 4:_HEADER], data[_HEADER:])

    def sha256(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()


def data_bucket_count(conn: sqlite3.Connection, schema: str = "main") -> int:
    """The bucket count a data file was built for, read back from its generated column."""
    sql = conn.execute(f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?",
                       (BUCKETED[0].name,)).fetchone()
    if sql is None or "% " not in sql[0]:
        raise ValueError("data file without buckets")
    return int(sql[0].rsplit("% ", 1)[1].split(")", 1)[0])


def compute_table(conn: sqlite3.Connection, *, cancel: Callable[[], bool] | None = None) -> BucketTable:
    """Every bucket's digest in one ordered pass per table (the rows are stored in bucket order,
    so the pass reads the file front to back)."""
    n = data_bucket_count(conn)
    empty = digest_rows([] for _ in BUCKETED)
    out = bytearray(empty * n)
    cursors = []
    for t in BUCKETED:
        cur = conn.execute(f"SELECT bucket, {', '.join(t.columns)} FROM {t.name} "
                           f"ORDER BY bucket, {', '.join(t.key)}")
        cursors.append(_grouped(cur))
    heads = [next(c, None) for c in cursors]
    done = 0
    while any(h is not None for h in heads):
        b = min(h[0] for h in heads if h is not None)
        parts = []
        for i, h in enumerate(heads):
            if h is not None and h[0] == b:
                parts.append(h[1])
                heads[i] = next(cursors[i], None)
            else:
                parts.append([])
        out[b * DIGEST:(b + 1) * DIGEST] = digest_rows(parts)
        done += 1
        if cancel is not None and done % 4096 == 0 and cancel():
            raise Cancelled()
    return BucketTable(n, catalogue_digest(conn), bytes(out))


def _grouped(cur: sqlite3.Cursor):
    """(bucket, [rows without the bucket]) for consecutive rows of the same bucket."""
    current, rows = None, []
    while batch := cur.fetchmany(20000):
        for r in batch:
            if r[0] != current:
                if rows:
                    yield current, rows
                current, rows = r[0], []
            rows.append(r[1:])
    if rows:
        yield current, rows


def patch_table(conn: sqlite3.Connection, base: BucketTable, touched: Iterable[int]) -> BucketTable:
    """``base`` with the digests of ``touched`` buckets recomputed from ``conn``'s rows and the
    catalogue digest recomputed: what a delta costs, in proportion to what it changed."""
    out = bytearray(base.digests)
    for b in touched:
        out[b * DIGEST:(b + 1) * DIGEST] = digest_rows(read_bucket(conn, b))
    return BucketTable(base.count, catalogue_digest(conn), bytes(out))


def verify_catalogue(conn: sqlite3.Connection, table: BucketTable) -> bool:
    return catalogue_digest(conn) == table.catalogue
