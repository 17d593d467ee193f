"""Verified reads: rows grouped into buckets by a hash of the subject code, and the bucket table.

Every row of a table that belongs to a subject (``Table.bucket_by``) sits in bucket
``bucket_of(code, n)``. The bucket table holds, for each bucket, a 16-byte digest of its rows, and
one digest of the catalogue (the small tables: lists, items, measures, the item-to-measure map).
The signed targets metadata carries the SHA-256 of the bucket table file, so a lookup that reads
a bucket's rows and finds their digest equal to the table's entry has read the publisher's rows,
whenever it happens: no seal, no row pass at start-up.

The hash is a polynomial over the code's first 24 characters modulo the (prime) bucket count,
written the same in Python and in SQL so that a build, a delta and an edit in plain SQL (tests, the
reference platform: ``bucket_sql``) put a row where a lookup reads it. It needs no cryptographic
strength: a bucket only says which rows a digest covers; the digest (SHA-256
truncated to 128 bits) is what an edit cannot match.

A lookup reads its bucket with one statement that returns the bucket's rows as one text
(``bucket_text_sql``), hashes that text and compares; it parses only what it answers from, and only
after the comparison.

Bucket table file (format 2: the digest of a bucket is of its rows' text, ``bucket_text_sql``)::

    b"CDBUCKET2\\n"  magic
    u32 big-endian   bucket count n
    32 bytes         catalogue digest (SHA-256)
    n * 16 bytes     bucket digests, bucket 0 first

Its page index: the SHA-256 of each page of ``PAGE`` bucket digests, in order. The publisher signs
the hash of the header and the page index (``page_index_sha256``, a custom field of the table's
target); a desk keeps the index beside the installed table, checks it at start-up (a few hundred
KB at 20M subjects, where the table is 80 MB) and each page when a lookup first needs it
(``PagedBucketTable``).
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import struct
from operator import mul
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from offline_cache.errors import SnapshotRefused
from offline_cache.regular_file import open_regular
from offline_cache.schema import TABLES, Table

MAGIC = b"CDBUCKET2\n"
DIGEST = 16
HEADER = len(MAGIC) + 4 + 32
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


# In an overlay data file (a version installed through deltas, offline_cache.delta): the buckets it
# holds whole, in place of the base file's.
OVERLAY_BUCKETS = "overlay_buckets"


def stored(t: Table) -> str:
    """The table that holds ``t``'s rows: a bucketed table's rows are in ``<name>_by_bucket``,
    and ``<name>`` is a view of them with its own columns."""
    return f"{t.name}_by_bucket" if t.bucket_by else t.name


def create_bucketed_tables(conn: sqlite3.Connection, n: int, schema: str = "main") -> None:
    """The data file's tables. A bucketed table's rows are clustered by ``(bucket, key)``
    (``WITHOUT ROWID``), so that one bucket's rows are one range of one B-tree, read in one seek;
    the bucket is a stored column (SQLite allows no generated column in a primary key), its CHECK
    keeps the bucket count in the schema (``data_bucket_count``). The table's own name is a view
    with the table's columns whose triggers place inserted and updated rows in their bucket, so a
    plain SQL edit of a data file (a publisher's correction, a test) needs nothing of ours."""
    for t in TABLES:
        cols = ", ".join(_column_sql(t, c) for c in t.columns)
        if not t.bucket_by:
            conn.execute(f"CREATE TABLE {schema}.{t.name} ({cols})")
            continue
        rows = stored(t)
        conn.execute(f"CREATE TABLE {schema}.{rows} (bucket INTEGER NOT NULL CHECK (bucket >= 0 AND "
                     f"bucket < {n}), {cols}, PRIMARY KEY (bucket, {', '.join(t.key)})) WITHOUT ROWID")
        names = ", ".join(t.columns)
        new = ", ".join(f"NEW.{c}" for c in t.columns)
        where = " AND ".join(f"{k} = OLD.{k}" for k in t.key)
        bucket = bucket_sql(f"NEW.{t.bucket_by}", n)
        conn.execute(f"CREATE VIEW {schema}.{t.name} AS SELECT {names} FROM {rows}")
        conn.execute(f"CREATE TRIGGER {schema}.{t.name}_insert INSTEAD OF INSERT ON {t.name} BEGIN "
                     f"INSERT INTO {rows} (bucket, {names}) VALUES ({bucket}, {new}); END")
        conn.execute(f"CREATE TRIGGER {schema}.{t.name}_delete INSTEAD OF DELETE ON {t.name} BEGIN "
                     f"DELETE FROM {rows} WHERE {where}; END")
        sets = ", ".join(f"{c} = NEW.{c}" for c in t.columns)
        conn.execute(f"CREATE TRIGGER {schema}.{t.name}_update INSTEAD OF UPDATE ON {t.name} BEGIN "
                     f"UPDATE {rows} SET bucket = {bucket}, {sets} WHERE {where}; END")


def _column_sql(t: Table, c: str) -> str:
    if c in t.booleans:
        return f"{c} INTEGER NOT NULL"
    return f"{c} TEXT" if c in t.optional_dates or c in t.optional else f"{c} TEXT NOT NULL"


def nullable(t: Table) -> tuple[str, ...]:
    return tuple(c for c in t.columns if c in t.optional_dates or c in t.optional)


# A bucket's rows as one text, the same in SQL (a lookup) and in Python (build, delta, repair):
# one record per row, table by table in schema order and by key within a table; a record is the
# table's index, then the column that puts the row in its bucket, then the other columns, split
# by U+001F; records split by U+001E; NULL written as the empty text (the build stores no empty
# text in a column that may be NULL, and refuses the two separators in any text).
ROW_SEP, FIELD_SEP = "\x1e", "\x1f"


def _record_columns(t: Table) -> tuple[str, ...]:
    return (t.bucket_by,) + tuple(c for c in t.columns if c != t.bucket_by)


RECORD_COLUMNS: tuple[tuple[str, ...], ...] = tuple(_record_columns(t) for t in BUCKETED)


def _record_sql(i: int, t: Table, alias: str = "") -> str:
    nulls = set(nullable(t))
    parts = [f"'{i}'"] + [f"ifnull({alias}{c}, '')" if c in nulls else f"{alias}{c}" for c in _record_columns(t)]
    return " || char(31) || ".join(parts)


def bucket_text_sql(schema: str = "main", bucket: str = "?1") -> str:
    """One statement, one value: the bucket's rows as text (NULL for an empty bucket). Each
    table's part is a range read of its primary key, which yields the rows in key order."""
    parts = " UNION ALL ".join(f"SELECT {_record_sql(i, t)} AS r FROM {schema}.{stored(t)} WHERE bucket = {bucket}"
                               for i, t in enumerate(BUCKETED))
    return f"SELECT group_concat(r, char(30)) FROM ({parts})"


def buckets_text_sql(schema: str = "main") -> str:
    """Many buckets in one statement: ``?1`` a JSON array of bucket numbers; (bucket, text) rows."""
    return f"SELECT w.value, ({bucket_text_sql(schema, 'w.value')}) FROM json_each(?1) w"


BUCKET_SQL = bucket_text_sql()


def record(i: int, row: Iterable) -> str:
    """``row`` (the table's columns in record order) as the SQL above writes it."""
    return FIELD_SEP.join((str(i), *("" if v is None else v for v in row)))


def digest_text(text: str | None) -> bytes:
    """The digest of one bucket: SHA-256 of its text, truncated to 128 bits."""
    return hashlib.sha256(_PREFIX + (text or "").encode("utf-8")).digest()[:DIGEST]


_PREFIX = b"cd-bucket-2\n"


def read_bucket(conn: sqlite3.Connection, b: int, schema: str = "main") -> str | None:
    return conn.execute(bucket_text_sql(schema) if schema != "main" else BUCKET_SQL, (b,)).fetchone()[0]


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
        return cls.from_parts(data[:HEADER], data[HEADER:])

    @classmethod
    def from_parts(cls, header: bytes, digests: bytes) -> "BucketTable":
        """The table from its file read in two parts (the digests kept as they are, not copied)."""
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise ValueError("not a bucket table")
        (count,) = struct.unpack(">I", header[len(MAGIC):len(MAGIC) + 4])
        if count < 1 or len(digests) != count * DIGEST:
            raise ValueError("bucket table of the wrong length")
        return cls(count, header[len(MAGIC) + 4:], digests)

    def sha256(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()

    def whole(self) -> "BucketTable":
        return self


PAGE = 256  # bucket digests a page of the page index covers: 4 KB of the table
_PAGE_BYTES = PAGE * DIGEST


def page_index(digests: bytes) -> bytes:
    """The SHA-256 of each page of a table's digests, concatenated."""
    view = memoryview(digests)
    return b"".join(hashlib.sha256(view[i:i + _PAGE_BYTES]).digest() for i in range(0, len(view), _PAGE_BYTES))


def page_index_sha256(header: bytes, index: bytes) -> str:
    """What the publisher signs for a table: the hash of its header and its page index."""
    return hashlib.sha256(b"cd-pages-1\n" + header + index).hexdigest()


class PagedBucketTable:
    """An installed bucket table verified a page at a time: its header and page index were
    checked against the signed hash at start-up; a page of digests is read from the file and
    checked against the index when a lookup first needs it, then kept. A page that differs
    vouches for nothing: ``digest`` gives b"" for its buckets, which no bucket's rows match, so
    their lookups are unverified (naming the bucket) while the other pages still answer. Only the
    file's path is kept, never a handle, so that a newer install can remove the folder (on
    Windows an open handle would keep it)."""

    def __init__(self, path, header: bytes, index: bytes):
        (self.count,) = struct.unpack(">I", header[len(MAGIC):len(MAGIC) + 4])
        self.catalogue = header[len(MAGIC) + 4:HEADER]
        self._path = path
        self._header = header
        self._index = index
        self._pages: dict[int, bytes] = {}

    def digest(self, b: int) -> bytes:
        p, i = divmod(b, PAGE)
        page = self._pages.get(p)
        if page is None:
            page = self._load(p)
        return page[i * DIGEST:(i + 1) * DIGEST]

    def _load(self, p: int) -> bytes:
        size = min(_PAGE_BYTES, self.count * DIGEST - p * _PAGE_BYTES)
        try:
            # Only a regular file: a FIFO put in the table's place hung the lookup.
            with open_regular(self._path, "分组表", buffering=0) as fh:
                fh.seek(HEADER + p * _PAGE_BYTES)
                page = fh.read(size)
        except (OSError, SnapshotRefused):
            return b""
        if hashlib.sha256(page).digest() != self._index[p * 32:(p + 1) * 32]:
            return b""
        self._pages[p] = page  # two threads loading the same page store the same bytes
        return page

    def whole(self) -> BucketTable:
        """The whole table, every page checked (a delta's install needs all of it); ValueError
        when the file differs from the header and page index verified at start-up."""
        try:
            with open_regular(self._path, "分组表", buffering=0) as fh:
                header = fh.read(HEADER)
                digests = fh.read(self.count * DIGEST + 1)  # never more than the table can be
        except SnapshotRefused as exc:
            raise ValueError(exc.message) from None
        if header != self._header or page_index(digests) != self._index:
            raise ValueError("bucket table differs from its verified page index")
        return BucketTable.from_parts(header, digests)


def data_bucket_count(conn: sqlite3.Connection, schema: str = "main") -> int:
    """The bucket count a data file was built for, read back from its schema."""
    sql = conn.execute(f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?",
                       (stored(BUCKETED[0]),)).fetchone()
    found = re.search(r"bucket < (\d+)\)", sql[0]) if sql else None
    if found is None:
        raise ValueError("data file without buckets")
    return int(found.group(1))


def compute_table(conn: sqlite3.Connection, *, cancel: Callable[[], bool] | None = None) -> BucketTable:
    """Every bucket's digest in one ordered pass per table (each table is stored in bucket
    order, so the pass reads the file front to back)."""
    n = data_bucket_count(conn)
    out = bytearray(digest_text(None) * n)
    cursors = []
    for i, t in enumerate(BUCKETED):
        cols = ", ".join(RECORD_COLUMNS[i])
        cur = conn.execute(f"SELECT bucket, {cols} FROM {stored(t)} ORDER BY bucket, {', '.join(t.key)}")
        cursors.append(_grouped(cur, i))
    heads = [next(c, None) for c in cursors]
    done = 0
    while any(h is not None for h in heads):
        b = min(h[0] for h in heads if h is not None)
        texts = []
        for i, h in enumerate(heads):
            if h is not None and h[0] == b:
                texts.append(h[1])
                heads[i] = next(cursors[i], None)
        out[b * DIGEST:(b + 1) * DIGEST] = digest_text(ROW_SEP.join(texts))
        done += 1
        if cancel is not None and done % 4096 == 0 and cancel():
            raise Cancelled()
    return BucketTable(n, catalogue_digest(conn), bytes(out))


def _grouped(cur: sqlite3.Cursor, i: int):
    """(bucket, the records of its rows) for consecutive rows of the same bucket."""
    current, rows = None, []
    while batch := cur.fetchmany(20000):
        for r in batch:
            if r[0] != current:
                if rows:
                    yield current, ROW_SEP.join(rows)
                current, rows = r[0], []
            rows.append(record(i, r[1:]))
    if rows:
        yield current, ROW_SEP.join(rows)


def patch_table(conn: sqlite3.Connection, base: BucketTable, touched: Iterable[int]) -> BucketTable:
    """``base`` with the digests of ``touched`` buckets recomputed from ``conn``'s rows and the
    catalogue digest recomputed: what a delta costs, in proportion to what it changed."""
    out = bytearray(base.digests)
    for b in touched:
        out[b * DIGEST:(b + 1) * DIGEST] = digest_text(read_bucket(conn, b))
    return BucketTable(base.count, catalogue_digest(conn), bytes(out))


def verify_catalogue(conn: sqlite3.Connection, table: BucketTable) -> bool:
    return catalogue_digest(conn) == table.catalogue
