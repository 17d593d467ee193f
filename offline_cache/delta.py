"""Deltas between two datasets: per table, the rows to upsert and the keys to delete.

A delta file is SQLite (user_version DELTA_FORMAT) with ``<table>_upsert`` (full rows that are new
or changed), ``<table>_delete`` (keys that are gone), ``delta_buckets`` (the new digest of every
bucket the change touches) and ``delta_meta`` holding ``base_table`` and ``target_table``: the
SHA-256 of the bucket tables before and after, and ``buckets``, their bucket count. Applying it
rewrites only the touched buckets' digests; the result must hash to the signed bucket table, which
is what the client checks."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from offline_cache.buckets import DIGEST, BucketTable, Cancelled, bucket_of, bucket_sql, data_bucket_count, digest_text, stored
from offline_cache.buckets import BUCKETED, OVERLAY_BUCKETS, buckets_text_sql, create_bucketed_tables
from offline_cache.buckets import catalogue_digest
from offline_cache.build import ensure_buckets
from offline_cache.schema import DATA_FORMAT, DELTA_FORMAT, TABLES, Table, create_indexes


@dataclass
class DeltaReport:
    path: Path
    upserts: dict[str, int]
    deletes: dict[str, int]
    base_table: str    # SHA-256 of the bucket tables before and after
    target_table: str
    size: int
    buckets_touched: int = 0

    @property
    def changes(self) -> int:
        return sum(self.upserts.values()) + sum(self.deletes.values())


def _ro(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def make_delta(old_data: Path, new_data: Path, out: Path) -> DeltaReport:
    """The delta from ``old_data`` to ``new_data`` (the same bucket count), made from their
    bucket tables beside them (``build.bucket_path``; computed first unless stamped as describing
    the data file)."""
    out = Path(out)
    tables = []
    for path in (old_data, new_data):
        if not Path(path).is_file():
            raise FileNotFoundError(f"找不到快照数据文件：{path}")
        tables.append(BucketTable.from_bytes(ensure_buckets(path).read_bytes()))
    old_table, new_table = tables
    if old_table.count != new_table.count:
        raise ValueError(f"两个版本的分组数不同（{old_table.count} 与 {new_table.count}），只能发布完整快照")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.building")
    conn = sqlite3.connect(tmp, isolation_level=None, uri=True)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        for alias, path in (("old", old_data), ("new", new_data)):
            conn.execute("ATTACH DATABASE ? AS " + alias, (_ro(path),))
            try:
                fmt = conn.execute(f"PRAGMA {alias}.user_version").fetchone()[0]
            except sqlite3.DatabaseError:
                fmt = None
            if fmt != DATA_FORMAT:
                raise ValueError(f"不是快照数据文件（应由 offline-cache build 生成）：{path}")
        # Only the buckets whose digests differ can hold a changed row (a bucket's digest covers
        # all its rows), so the comparison reads those buckets, not the whole of both files: the
        # make costs what changed, as the install does. A row that moves bucket (an entry given to
        # another subject) leaves one changed bucket and enters another, so both sides are seen.
        touched = changed_buckets(old_table, new_table)
        conn.execute("CREATE TEMP TABLE changed (bucket INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.changed VALUES (?)", ((b,) for b in touched))
        conn.execute("BEGIN")
        upserts, deletes = {}, {}
        for t in TABLES:
            cols, keys = ", ".join(t.columns), ", ".join(t.key)
            conn.execute(f"CREATE TABLE {t.name}_upsert AS SELECT {cols} FROM new.{t.name} WHERE 0")
            conn.execute(f"CREATE TABLE {t.name}_delete AS SELECT {keys} FROM old.{t.name} WHERE 0")
            src = stored(t)
            where = " WHERE bucket IN (SELECT bucket FROM temp.changed)" if t.bucket_by else ""
            upserts[t.name] = conn.execute(
                f"INSERT INTO {t.name}_upsert SELECT {cols} FROM new.{src}{where} "
                f"EXCEPT SELECT {cols} FROM old.{src}{where}").rowcount
            deletes[t.name] = conn.execute(
                f"INSERT INTO {t.name}_delete SELECT {keys} FROM old.{src}{where} "
                f"EXCEPT SELECT {keys} FROM new.{src}{where}").rowcount
        conn.execute("CREATE TABLE delta_buckets (bucket INTEGER PRIMARY KEY, digest BLOB NOT NULL)")
        conn.executemany("INSERT INTO delta_buckets VALUES (?, ?)",
                         [(b, new_table.digest(b)) for b in touched])
        conn.execute("CREATE TABLE delta_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany("INSERT INTO delta_meta VALUES (?, ?)",
                         [("format", str(DELTA_FORMAT)), ("base_table", old_table.sha256()),
                          ("target_table", new_table.sha256()), ("buckets", str(new_table.count))])
        conn.execute("COMMIT")
        conn.execute("DROP TABLE temp.changed")
        conn.execute(f"PRAGMA user_version={DELTA_FORMAT}")
        conn.execute("DETACH DATABASE old")
        conn.execute("DETACH DATABASE new")
        conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    return DeltaReport(out, upserts, deletes, old_table.sha256(), new_table.sha256(), out.stat().st_size,
                       len(touched))


def changed_buckets(old: BucketTable, new: BucketTable) -> list[int]:
    """The buckets whose digests differ between two tables of the same count, in order (compared
    a block of 256 digests at a time: a 0.1 % change leaves most blocks equal)."""
    a, b = old.digests, new.digests
    step = 256 * DIGEST
    out = []
    for start in range(0, len(a), step):
        if a[start:start + step] != b[start:start + step]:
            for off in range(start, min(start + step, len(a)), DIGEST):
                if a[off:off + DIGEST] != b[off:off + DIGEST]:
                    out.append(off // DIGEST)
    return out


def _touched(conn: sqlite3.Connection, t: Table, delta: str, data: str) -> set[int]:
    """The buckets a delta's rows of ``t`` leave or enter: where the replaced and deleted rows sit
    in ``data``, and where the upserted rows go."""
    key = t.key[0]
    n = data_bucket_count(conn, data)
    found = {r[0] for r in conn.execute(
        f"SELECT bucket FROM {data}.{stored(t)} WHERE {key} IN (SELECT {key} FROM {delta}.{t.name}_delete) "
        f"OR {key} IN (SELECT {key} FROM {delta}.{t.name}_upsert)")}
    found |= {bucket_of(r[0], n) for r in conn.execute(f"SELECT {t.bucket_by} FROM {delta}.{t.name}_upsert")}
    return found

class DeltaError(Exception):
    """The delta file does not have the delta structure (its bytes were signed, so the publisher
    shipped something that is not a delta)."""


def delta_meta(conn: sqlite3.Connection, schema: str = "main") -> dict[str, str]:
    try:
        if conn.execute(f"PRAGMA {schema}.user_version").fetchone()[0] != DELTA_FORMAT:
            raise DeltaError("not a delta file")
        meta = dict(conn.execute(f"SELECT key, value FROM {schema}.delta_meta"))
    except sqlite3.DatabaseError as exc:
        raise DeltaError(str(exc)) from None
    if not {"base_table", "target_table", "buckets"} <= meta.keys():
        raise DeltaError("delta_meta incomplete")
    return meta


class BucketMismatch(Exception):
    """A touched bucket's rows after applying differ from the digest the delta carries."""

    def __init__(self, bucket: int):
        self.bucket = bucket
        super().__init__(f"bucket {bucket}")


def apply_delta(data: Path, delta: Path, base: BucketTable, *,
                cancel: Callable[[], bool] | None = None) -> BucketTable:
    """Apply ``delta`` to the data file ``data`` in place (a scratch copy: the caller swaps it in
    only after checking) and return the bucket table: ``base`` with the touched buckets' digests
    recomputed from the rows. Raises DeltaError for a file that is not a delta or is for another
    base, BucketMismatch naming the first touched bucket whose rows differ from the delta's."""
    conn = sqlite3.connect(data, isolation_level=None, uri=True)
    try:
        # A crash mid-apply only loses the scratch copy, so no journal is needed.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("ATTACH DATABASE ? AS d", (_ro(delta),))
        _check_base(conn, base)
        touched: set[int] = set()
        for t in TABLES:
            if t.bucket_by:
                touched |= _touched(conn, t, "d", "main")
        _apply_rows(conn, base.count, cancel)
        table = _recomputed(conn, base, touched)
        conn.execute("DETACH DATABASE d")
        # Deltas free pages as rows move; a long chain would otherwise keep growing the file.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        if pages and free / pages > 0.25:
            conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode=DELETE")
        return table
    finally:
        conn.close()


# An installed version reached through deltas is its full data file (never written after it was
# installed, shared between versions by hard links) plus an overlay: a data file holding, whole,
# every bucket changed since that full file, the catalogue, and the list of those buckets
# (OVERLAY_BUCKETS).


def overlay_buckets(conn: sqlite3.Connection, schema: str = "main") -> list[int]:
    return [b for (b,) in conn.execute(f"SELECT bucket FROM {schema}.{OVERLAY_BUCKETS}")]


def apply_to_overlay(base_data: Path, overlay: Path, delta: Path, table: BucketTable, *,
                     cancel: Callable[[], bool] | None = None) -> tuple[BucketTable, int]:
    """Apply ``delta`` to the data that ``base_data`` (read only) and ``overlay`` (created when
    missing) form together: each bucket the delta touches is copied whole from the base into the
    overlay unless it is there already, then changed there. Returns ``table`` with the touched
    buckets' digests recomputed from the overlay's rows, and how many buckets the overlay holds.
    Costs the delta and the buckets it touches, whatever the size of the base. Raises as
    apply_delta."""
    fresh = not Path(overlay).exists()
    conn = sqlite3.connect(overlay, isolation_level=None)
    try:
        # A scratch file in a staging folder until the install commits: no journal needed.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("ATTACH DATABASE ? AS base", (_ro(base_data),))
        conn.execute("ATTACH DATABASE ? AS d", (_ro(delta),))
        _check_base(conn, table)
        n = table.count
        if fresh:
            conn.execute("BEGIN")
            create_bucketed_tables(conn, n)
            for t in TABLES:
                if not t.bucket_by:
                    conn.execute(f"INSERT INTO main.{t.name} SELECT * FROM base.{t.name}")
                create_indexes(conn, t, on=stored(t))
            conn.execute(f"CREATE TABLE {OVERLAY_BUCKETS} (bucket INTEGER PRIMARY KEY)")
            conn.execute("COMMIT")
            conn.execute(f"PRAGMA user_version={DATA_FORMAT}")
        held = set(overlay_buckets(conn))
        touched: set[int] = set()
        for t in BUCKETED:
            touched |= _touched(conn, t, "d", "main")
            # Where the base still holds a row: only in a bucket the overlay does not replace.
            touched |= {b for b in _touched(conn, t, "d", "base") if b not in held}
        copied = json.dumps(sorted(touched - held))
        conn.execute("BEGIN")
        try:
            for t in BUCKETED:
                conn.execute(f"INSERT INTO main.{stored(t)} SELECT * FROM base.{stored(t)} "
                             f"WHERE bucket IN (SELECT value FROM json_each(?))", (copied,))
            conn.execute(f"INSERT INTO {OVERLAY_BUCKETS} SELECT value FROM json_each(?)", (copied,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        _apply_rows(conn, n, cancel, begun=True)
        result = _recomputed(conn, table, touched)
        held = conn.execute(f"SELECT count(*) FROM {OVERLAY_BUCKETS}").fetchone()[0]
        conn.execute("DETACH DATABASE d")
        conn.execute("DETACH DATABASE base")
        return result, held
    finally:
        conn.close()


def consolidate(base_data: Path, overlay: Path, out: Path) -> None:
    """A full data file ``out``: ``base_data`` with the overlay's buckets and catalogue in place
    of its own (the same rows a reader of the pair sees). Costs a copy of the base."""
    shutil.copyfile(base_data, out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("ATTACH DATABASE ? AS o", (_ro(overlay),))
        conn.execute("BEGIN")
        for t in TABLES:
            if t.bucket_by:
                conn.execute(f"DELETE FROM main.{stored(t)} WHERE bucket IN (SELECT bucket FROM o.{OVERLAY_BUCKETS})")
                conn.execute(f"INSERT INTO main.{stored(t)} SELECT * FROM o.{stored(t)}")
            else:
                conn.execute(f"DELETE FROM main.{t.name}")
                conn.execute(f"INSERT INTO main.{t.name} SELECT * FROM o.{t.name}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE o")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _check_base(conn: sqlite3.Connection, base: BucketTable) -> None:
    meta = delta_meta(conn, "d")
    if meta["base_table"] != base.sha256() or int(meta["buckets"]) != base.count:
        raise DeltaError("base digest differs")


def _apply_rows(conn: sqlite3.Connection, n: int, cancel, begun: bool = False) -> None:
    """The delta's deletes and upserts on ``main``, in one transaction."""
    if not begun:
        conn.execute("BEGIN")
    try:
        for t in reversed(TABLES):
            keys = ", ".join(t.key)
            target = t.key[0] if len(t.key) == 1 else f"({keys})"
            # A changed row leaves too: it comes back below, in the bucket of its new values.
            conn.execute(f"DELETE FROM main.{stored(t)} WHERE {target} IN (SELECT {keys} FROM d.{t.name}_delete "
                         f"UNION ALL SELECT {keys} FROM d.{t.name}_upsert)")
            if cancel is not None and cancel():
                raise Cancelled()
        for t in TABLES:
            cols = ", ".join(t.columns)
            if t.bucket_by:
                conn.execute(f"INSERT INTO main.{stored(t)} (bucket, {cols}) SELECT {bucket_sql(t.bucket_by, n)}, "
                             f"{cols} FROM d.{t.name}_upsert")
            else:
                conn.execute(f"INSERT INTO main.{t.name} ({cols}) SELECT {cols} FROM d.{t.name}_upsert")
            if cancel is not None and cancel():
                raise Cancelled()
    except sqlite3.DatabaseError as exc:
        conn.execute("ROLLBACK")
        raise DeltaError(str(exc)) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _recomputed(conn: sqlite3.Connection, base: BucketTable, touched: set[int]) -> BucketTable:
    """``base`` with the touched buckets' digests from ``main``'s rows, each checked against the
    digest the delta carries for it."""
    expected = dict(conn.execute("SELECT bucket, digest FROM d.delta_buckets"))
    digests = bytearray(base.digests)
    numbers = sorted(touched)
    # One statement for all of them (a statement per bucket costs more than the bucket's rows).
    texts = dict(conn.execute(buckets_text_sql(), (json.dumps(numbers),)))
    for b in numbers:
        got = digest_text(texts.get(b))
        if expected.get(b) != got:
            raise BucketMismatch(b)
        digests[b * DIGEST:(b + 1) * DIGEST] = got
    return BucketTable(base.count, catalogue_digest(conn), bytes(digests))
