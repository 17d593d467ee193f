"""Read-only point lookups in an installed snapshot's data file."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from offline_cache import sealing
from offline_cache.records import Hit, Item, ListInfo, Lookup, Measure, Subject
from offline_cache.schema import DATA_FORMAT, TABLES

# Literal SQL strings: sqlite3 keeps each prepared statement in the connection's statement cache,
# so a lookup compiles nothing after the first call.
# Subject and entries in one indexed statement: every entry's subject exists (the build checks the
# reference, and a delta must reproduce a built dataset's digest), so the LEFT JOIN loses nothing,
# and one statement instead of two is most of the cost of a point lookup from Python.
_SUBJECT_ENTRIES = ("SELECT s.name, s.kind, e.entry_id, e.list_code, e.authority, e.listed_on, "
                    "e.expires_on, e.basis, e.state FROM subjects s "
                    "LEFT JOIN entries e ON e.subject_code = s.code WHERE s.code = ? "
                    "ORDER BY e.listed_on DESC, e.entry_id")
_ITEM_MEASURES = ("SELECT m.measure_id, m.list_code, m.nature, m.category, m.content, m.basis, m.mandatory, "
                  "m.target, m.effect, m.basis_level, m.catalogue_ref "
                  "FROM item_measures im JOIN measures m ON m.measure_id = im.measure_id "
                  "WHERE im.item_code = ? ORDER BY m.measure_id")
_ITEM = "SELECT item_code, name, department FROM items WHERE item_code = ?"
_ITEMS = "SELECT item_code, name, department FROM items ORDER BY item_code"
_LISTS = "SELECT list_code, list_name, severity, authority, basis FROM lists ORDER BY list_code"

# The queries the lookup runs, for tests that hold them to index-only plans.
LOOKUP_QUERIES = (_SUBJECT_ENTRIES, _ITEM_MEASURES, _ITEM)


class SnapshotReader:
    """One read-only connection. Not shared between threads (sqlite3's rule): open one per thread."""

    def __init__(self, data_path: Path):
        self.path = Path(data_path)
        if not self.path.is_file():
            raise FileNotFoundError(str(self.path))
        self._conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                     cached_statements=64)
        fmt = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if fmt != DATA_FORMAT:
            self._conn.close()
            raise sqlite3.DatabaseError(f"snapshot data format {fmt}, expected {DATA_FORMAT}")
        self._conn.execute("PRAGMA query_only=1")
        try:
            # Refused here as well as at install: a weaker file copied in by hand is no better.
            self._sealing = sealing.read_params(self._conn)
        except sealing.WeakSealing:
            self._conn.close()
            raise
        # The lists table is a handful of rows: kept in memory, it spares a join per entry.
        self._lists = {row[0]: ListInfo(*row) for row in self._conn.execute(_LISTS)}
        # An item's mapped measures never change within one data file.
        self._item_measures: dict[str, tuple[Measure, ...]] = {}

    def __enter__(self) -> "SnapshotReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _measures_for(self, item_code: str) -> tuple[Measure, ...]:
        cached = self._item_measures.get(item_code)
        if cached is None:
            cached = tuple(Measure(mid, lc, nat, cat, content, basis, bool(mand), target, effect,
                                   level, ref)
                           for mid, lc, nat, cat, content, basis, mand, target, effect, level, ref
                           in self._conn.execute(_ITEM_MEASURES, (item_code,)))
            if len(self._item_measures) < 4096:
                self._item_measures[item_code] = cached
        return cached

    def lookup(self, code: str, item_code: str | None) -> Lookup:
        rows = self._conn.execute(_SUBJECT_ENTRIES, (code,)).fetchall()
        name = rows[0][0] if rows else None
        if not rows and self._sealing is not None and sealing.IDENTITY_SHAPE.fullmatch(code):
            # A natural person: the row is under the number's tag, its name sealed (sealing.py).
            # (An all-digit credit code has the same shape; it was found above if it is there.)
            tag, key = sealing.derive(code, self._sealing)
            rows = self._conn.execute(_SUBJECT_ENTRIES, (tag,)).fetchall()
            if rows:
                try:
                    name = sealing.unseal(key, tag, rows[0][0])["name"]
                except (sealing.InvalidTag, ValueError, KeyError, TypeError):
                    raise sqlite3.DatabaseError("a sealed person row does not open: altered data") from None
        if not rows:
            return Lookup(None)
        subject = Subject(code, name, rows[0][1])
        hits = []
        lists = self._lists
        for _, _, entry_id, list_code, authority, listed_on, expires_on, basis, state in rows:
            if entry_id is None:
                break  # the LEFT JOIN's single row for a subject without entries
            info = lists[list_code]
            hits.append(Hit(entry_id, list_code, info.list_name, info.severity, authority, listed_on,
                            expires_on, basis, state))
        measures: tuple[Measure, ...] = ()
        if item_code is not None and hits:
            on_lists = {h.list_code for h in hits}
            measures = tuple(m for m in self._measures_for(item_code) if m.list_code in on_lists)
        return Lookup(subject, tuple(hits), measures)

    def items(self, search: str | None = None) -> list[Item]:
        rows = [Item(*r) for r in self._conn.execute(_ITEMS)]
        if not search:
            return rows
        needle = search.strip().casefold()
        return [i for i in rows if needle in i.item_code.casefold() or needle in i.name.casefold()
                or needle in i.department.casefold()]

    def item(self, item_code: str) -> Item | None:
        row = self._conn.execute(_ITEM, (item_code,)).fetchone()
        return Item(*row) if row is not None else None

    def lists(self) -> list[ListInfo]:
        return list(self._lists.values())

    def counts(self) -> dict[str, int]:
        return {t.name: self._conn.execute(f"SELECT COUNT(*) FROM {t.name}").fetchone()[0] for t in TABLES}
