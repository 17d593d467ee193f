"""Deltas between two datasets: per table, the rows to upsert and the keys to delete.

A delta file is SQLite (user_version DELTA_FORMAT) with ``<table>_upsert`` (full rows that are new
or changed), ``<table>_delete`` (keys that are gone) and ``delta_meta`` holding ``base_digest`` and
``target_digest``: the dataset digests before and after. Applying it must reproduce the target
digest exactly, which is what the client checks."""
from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from offline_cache.digest import Cancelled, dataset_digest
from offline_cache.schema import DATA_FORMAT, DELTA_FORMAT, TABLES


@dataclass
class DeltaReport:
    path: Path
    upserts: dict[str, int]
    deletes: dict[str, int]
    base_digest: str
    target_digest: str
    size: int

    @property
    def changes(self) -> int:
        return sum(self.upserts.values()) + sum(self.deletes.values())


def _ro(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def make_delta(old_data: Path, new_data: Path, out: Path) -> DeltaReport:
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.building")
    conn = sqlite3.connect(tmp, isolation_level=None, uri=True)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        for alias, path in (("old", old_data), ("new", new_data)):
            if not Path(path).is_file():
                raise FileNotFoundError(f"找不到快照数据文件：{path}")
            conn.execute("ATTACH DATABASE ? AS " + alias, (_ro(path),))
            try:
                fmt = conn.execute(f"PRAGMA {alias}.user_version").fetchone()[0]
            except sqlite3.DatabaseError:
                fmt = None
            if fmt != DATA_FORMAT:
                raise ValueError(f"不是快照数据文件（应由 offline-cache build 生成）：{path}")
        conn.execute("BEGIN")
        upserts, deletes = {}, {}
        for t in TABLES:
            cols, keys = ", ".join(t.columns), ", ".join(t.key)
            conn.execute(f"CREATE TABLE {t.name}_upsert AS SELECT {cols} FROM new.{t.name} WHERE 0")
            conn.execute(f"CREATE TABLE {t.name}_delete AS SELECT {keys} FROM old.{t.name} WHERE 0")
            upserts[t.name] = conn.execute(
                f"INSERT INTO {t.name}_upsert SELECT {cols} FROM new.{t.name} "
                f"EXCEPT SELECT {cols} FROM old.{t.name}").rowcount
            deletes[t.name] = conn.execute(
                f"INSERT INTO {t.name}_delete SELECT {keys} FROM old.{t.name} "
                f"EXCEPT SELECT {keys} FROM new.{t.name}").rowcount
        base, target = dataset_digest(conn, "old"), dataset_digest(conn, "new")
        conn.execute("CREATE TABLE delta_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany("INSERT INTO delta_meta VALUES (?, ?)",
                         [("format", str(DELTA_FORMAT)), ("base_digest", base), ("target_digest", target)])
        conn.execute("COMMIT")
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
    return DeltaReport(out, upserts, deletes, base, target, out.stat().st_size)


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
    if not {"base_digest", "target_digest"} <= meta.keys():
        raise DeltaError("delta_meta incomplete")
    return meta


def apply_delta(data: Path, delta: Path, *, expected_base: str | None = None,
                cancel: Callable[[], bool] | None = None) -> str:
    """Apply ``delta`` to the data file ``data`` in place (a scratch copy: the caller swaps it in
    only after checking) and return the resulting dataset digest. Raises DeltaError for a file
    that is not a delta or whose base digest differs from ``expected_base``."""
    conn = sqlite3.connect(data, isolation_level=None, uri=True)
    try:
        # A crash mid-apply only loses the scratch copy, so no journal is needed.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("ATTACH DATABASE ? AS d", (_ro(delta),))
        meta = delta_meta(conn, "d")
        if expected_base is not None and meta["base_digest"] != expected_base:
            raise DeltaError("base digest differs")
        conn.execute("BEGIN")
        try:
            for t in reversed(TABLES):
                keys = ", ".join(t.key)
                target = t.key[0] if len(t.key) == 1 else f"({keys})"
                conn.execute(f"DELETE FROM {t.name} WHERE {target} IN (SELECT {keys} FROM d.{t.name}_delete)")
                if cancel is not None and cancel():
                    raise Cancelled()
            for t in TABLES:
                cols = ", ".join(t.columns)
                update = ", ".join(f"{c} = excluded.{c}" for c in t.value_columns)
                action = f"DO UPDATE SET {update}" if update else "DO NOTHING"
                # "WHERE true" keeps SQLite from reading ON CONFLICT as part of a join.
                conn.execute(f"INSERT INTO {t.name} ({cols}) SELECT {cols} FROM d.{t.name}_upsert WHERE true "
                             f"ON CONFLICT ({', '.join(t.key)}) {action}")
                if cancel is not None and cancel():
                    raise Cancelled()
        except sqlite3.DatabaseError as exc:
            conn.execute("ROLLBACK")
            raise DeltaError(str(exc)) from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE d")
        digest = dataset_digest(conn, cancel=cancel)
        # Deltas free pages as rows move; a long chain would otherwise keep growing the file.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        if pages and free / pages > 0.25:
            conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode=DELETE")
        return digest
    finally:
        conn.close()
