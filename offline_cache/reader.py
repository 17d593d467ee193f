"""Read-only point lookups in an installed snapshot's data file, each verified as it reads.

A lookup reads the whole bucket its code hashes to (a handful of subjects and their entries, kept
on neighbouring pages by the build), hashes those rows and compares them with the bucket's digest
in the verified bucket table; only then does it answer. The catalogue (lists, items, measures, the
item-to-measure map) is read and verified once when the reader opens, and served from memory: an
edit of the file after that cannot reach an answer, and a reader opened after it refuses."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from offline_cache import sealing
from offline_cache.buckets import BUCKET_QUERIES, BUCKETED, CATALOGUE, BucketTable, bucket_of, catalogue_digest, digest_rows
from offline_cache.records import Commitment, Hit, Item, ListInfo, Lookup, Measure, Related, Subject
from offline_cache.schema import BY_NAME, DATA_FORMAT, TABLES

# The queries a lookup runs, for tests that hold them to index-only plans.
LOOKUP_QUERIES = BUCKET_QUERIES
_SUBJECTS = [t.name for t in BUCKETED].index("subjects")
_ENTRIES = [t.name for t in BUCKETED].index("entries")
_RELATIONS = [t.name for t in BUCKETED].index("relations")
_COMMITMENTS = [t.name for t in BUCKETED].index("commitments")
_E = {c: i for i, c in enumerate(BY_NAME["entries"].columns)}
_R = {c: i for i, c in enumerate(BY_NAME["relations"].columns)}
_ROLE_ORDER = {"legal_rep": 0, "principal": 1}


class RowsUnverified(Exception):
    """The rows a lookup read differ from their signed digest: the data file was edited."""

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"rows of {where} differ from the signed bucket table")


class SnapshotReader:
    """One read-only connection. Not shared between threads (sqlite3's rule): open one per thread."""

    def __init__(self, data_path: Path, table: BucketTable):
        self.path = Path(data_path)
        self.table = table
        if not self.path.is_file():
            raise FileNotFoundError(str(self.path))
        self._conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                     cached_statements=64)
        try:
            fmt = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if fmt != DATA_FORMAT:
                raise sqlite3.DatabaseError(f"snapshot data format {fmt}, expected {DATA_FORMAT}")
            self._conn.execute("PRAGMA query_only=1")
            # One read transaction for the catalogue, so that its digest and the rows kept are
            # the same rows.
            self._conn.execute("BEGIN")
            try:
                if catalogue_digest(self._conn) != table.catalogue:
                    raise RowsUnverified("目录表（名单、事项、措施）")
                cat = {t.name: self._conn.execute(f"SELECT {', '.join(t.columns)} FROM {t.name} "
                                                  f"ORDER BY {', '.join(t.key)}").fetchall() for t in CATALOGUE}
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.DatabaseError:
            self._conn.close()
            raise RowsUnverified("目录表（无法读取）") from None
        except BaseException:
            self._conn.close()
            raise
        try:
            # Refused here as well as at install: a weaker file copied in by hand is no better.
            # (person_sealing is catalogue: its rows were verified with it above.)
            self._sealing = sealing.read_params(self._conn)
        except sealing.WeakSealing:
            self._conn.close()
            raise
        self._lists = {row[0]: ListInfo(*row) for row in cat["lists"]}
        accepted: dict[str, tuple[str, ...]] = {}
        for item_code, kind in cat["item_commitments"]:
            accepted[item_code] = accepted.get(item_code, ()) + (kind,)
        self._items = [Item(*row, accepted.get(row[0], ())) for row in cat["items"]]
        self._items_by_code = {i.item_code: i for i in self._items}
        cols = BY_NAME["measures"].columns
        measures = {row[0]: Measure(*(bool(v) if c == "mandatory" else v for c, v in zip(cols, row)))
                    for row in cat["measures"]}
        self._item_measures: dict[str, tuple[Measure, ...]] = {}
        for item_code, measure_id in cat["item_measures"]:
            self._item_measures.setdefault(item_code, ())
            self._item_measures[item_code] += (measures[measure_id],)

    def __enter__(self) -> "SnapshotReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def bucket_rows(self, code: str) -> list[list]:
        """The rows of ``code``'s bucket, verified; RowsUnverified when they differ."""
        b = bucket_of(code, self.table.count)
        execute = self._conn.execute
        try:
            parts = [execute(q, (b,)).fetchall() for q in BUCKET_QUERIES]
        except sqlite3.DatabaseError:
            raise RowsUnverified(f"第 {b} 号分组（无法读取）") from None
        if digest_rows(parts) != self.table.digest(b):
            raise RowsUnverified(f"第 {b} 号分组")
        return parts

    def lookup(self, code: str, item_code: str | None) -> Lookup:
        parts = self.bucket_rows(code)
        row = next((r for r in parts[_SUBJECTS] if r[0] == code), None)
        name, key_code = (row[1] if row else None), code
        if row is None and self._sealing is not None and sealing.IDENTITY_SHAPE.fullmatch(code):
            # A natural person: the row is under the number's tag, its name sealed (sealing.py),
            # and in the tag's bucket. (An all-digit credit code has the same shape; it was found
            # above if it is there.)
            tag, key = sealing.derive(code, self._sealing)
            parts = self.bucket_rows(tag)
            row = next((r for r in parts[_SUBJECTS] if r[0] == tag), None)
            if row is not None:
                try:
                    name = sealing.unseal(key, tag, row[1])["name"]
                except (sealing.InvalidTag, ValueError, KeyError, TypeError):
                    raise sqlite3.DatabaseError("a sealed person row does not open: altered data") from None
                key_code = tag
        if row is None:
            return Lookup(None)
        subject = Subject(code, name, row[2])
        hits = self._hits(parts, key_code)
        related = self._related(parts, code) if subject.kind == "org" else ()
        commitments = tuple(Commitment(cid, kind, made_on, state)
                            for cid, subject_code, kind, made_on, state in parts[_COMMITMENTS]
                            if subject_code == key_code)
        measures: tuple[Measure, ...] = ()
        on_lists = {h.list_code for h in hits}
        on_lists.update(h.list_code for r in related for h in r.hits)
        if item_code is not None and on_lists:
            measures = tuple(m for m in self._item_measures.get(item_code, ()) if m.list_code in on_lists)
        return Lookup(subject, hits, measures, related, commitments)

    def _hits(self, parts: list[list], key_code: str) -> tuple[Hit, ...]:
        lists = self._lists
        e = _E
        mine = sorted((r for r in parts[_ENTRIES] if r[e["subject_code"]] == key_code),
                      key=lambda r: r[e["entry_id"]])
        mine.sort(key=lambda r: r[e["listed_on"]], reverse=True)
        return tuple(Hit(r[e["entry_id"]], r[e["list_code"]], lists[r[e["list_code"]]].list_name,
                         lists[r[e["list_code"]]].severity, r[e["authority"]], r[e["listed_on"]],
                         r[e["expires_on"]], r[e["basis"]], r[e["state"]]) for r in mine)

    def _related(self, parts: list[list], unit_code: str) -> tuple[Related, ...]:
        """A unit's people from its own bucket; a listed one's entries from the bucket of their
        sealing tag, verified like every read (a person on no list has no tag and no entries)."""
        r = _R
        rows = sorted((x for x in parts[_RELATIONS] if x[r["unit_code"]] == unit_code),
                      key=lambda x: (_ROLE_ORDER[x[r["role"]]], x[r["person_code"]]))
        people = []
        for x in rows:
            tag = x[r["person_tag"]]
            hits = self._hits(self.bucket_rows(tag), tag) if tag else ()
            people.append(Related(x[r["role"]], x[r["person_code"]], x[r["person_name"]], hits))
        return tuple(people)

    def items(self, search: str | None = None) -> list[Item]:
        if not search:
            return list(self._items)
        needle = search.strip().casefold()
        return [i for i in self._items if needle in i.item_code.casefold() or needle in i.name.casefold()
                or needle in i.department.casefold()]

    def item(self, item_code: str) -> Item | None:
        return self._items_by_code.get(item_code)

    def lists(self) -> list[ListInfo]:
        return list(self._lists.values())

    def item_measures(self, item_code: str) -> tuple[Measure, ...]:
        """Every measure the verified catalogue maps to ``item_code``, whatever the lists."""
        return self._item_measures.get(item_code, ())

    @property
    def sealing_params(self) -> dict | None:
        """The verified person-sealing parameters (None: the snapshot seals nobody): what a bulk
        reader needs to find a recorded person's bucket (``sealing.derive``)."""
        return self._sealing

    def counts(self) -> dict[str, int]:
        return {t.name: self._conn.execute(f"SELECT COUNT(*) FROM {t.name}").fetchone()[0] for t in TABLES}
