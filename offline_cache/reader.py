"""Read-only point lookups in an installed snapshot's data file, each verified as it reads.

A lookup reads the whole bucket its code hashes to (a handful of subjects and their entries,
clustered by bucket) with one statement that returns them as one text, hashes that text and
compares it with the bucket's digest in the verified bucket table; only then does it parse the
rows of the code asked about and answer. The catalogue (lists, items, measures, the
item-to-measure map) is read and verified once when the reader opens, and served from memory: an
edit of the file after that cannot reach an answer, and a reader opened after it refuses."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from offline_cache import sealing
from offline_cache.buckets import (BUCKET_SQL, BUCKETED, CATALOGUE, DIGEST, FIELD_SEP, OVERLAY_BUCKETS, RECORD_COLUMNS, ROW_SEP,
                                   BucketTable, bucket_of, bucket_text_sql, buckets_text_sql, catalogue_digest, digest_text, nullable)
from offline_cache.records import Commitment, Hit, Item, ListInfo, Lookup, Measure, Related, Subject
from offline_cache.schema import BY_NAME, DATA_FORMAT, TABLES

# The statement a lookup runs, for tests that hold it to reads of primary-key ranges.
LOOKUP_QUERIES = (BUCKET_SQL,)
_NAMES = [t.name for t in BUCKETED]
_SUBJECTS, _ENTRIES, _RELATIONS, _COMMITMENTS = (_NAMES.index(n) for n in ("subjects", "entries", "relations",
                                                                              "commitments"))
# Positions in a bucket record (buckets.RECORD_COLUMNS: the bucketing column first).
_E = {c: i for i, c in enumerate(RECORD_COLUMNS[_ENTRIES])}
_R = {c: i for i, c in enumerate(RECORD_COLUMNS[_RELATIONS])}
_C = {c: i for i, c in enumerate(RECORD_COLUMNS[_COMMITMENTS])}
_S = {c: i for i, c in enumerate(RECORD_COLUMNS[_SUBJECTS])}
_TO_COLUMNS = tuple(tuple(RECORD_COLUMNS[i].index(c) for c in t.columns) for i, t in enumerate(BUCKETED))
_NULLABLE = tuple(tuple(RECORD_COLUMNS[i].index(c) for c in nullable(t)) for i, t in enumerate(BUCKETED))
_ROLE_ORDER = {"legal_rep": 0, "principal": 1}


_BATCH = 10_000  # buckets per statement in a bulk read
_OVERLAY_SQL = bucket_text_sql("o")
_MANY_SQL, _OVERLAY_MANY_SQL = buckets_text_sql(), buckets_text_sql("o")


class VerifiedBucket:
    """The rows of one bucket, as the text whose digest matched the bucket table: parsed only
    for the code asked about, and only after that match."""

    __slots__ = ("number", "_text")

    def __init__(self, number: int, text: str | None):
        self.number = number
        self._text = ROW_SEP + text if text else ""

    def rows(self, table: int, key: str) -> list[list]:
        """The records of ``table`` (index in ``buckets.BUCKETED``) whose bucketing column is
        ``key``, in key order; columns as in ``buckets.RECORD_COLUMNS``."""
        text = self._text
        if FIELD_SEP in key or ROW_SEP in key:
            return []  # no stored value holds a separator (the build refuses them)
        prefix = f"{ROW_SEP}{table}{FIELD_SEP}{key}{FIELD_SEP}"
        out = []
        start = text.find(prefix)
        while start >= 0:
            end = text.find(ROW_SEP, start + 1)
            fields = text[start + 1:end if end >= 0 else None].split(FIELD_SEP)
            del fields[0]
            for i in _NULLABLE[table]:
                if not fields[i]:
                    fields[i] = None
            out.append(fields)
            start = text.find(prefix, end) if end >= 0 else -1
        return out

    def tables(self) -> list[list[tuple]]:
        """Every row, per bucketed table, in the table's column order (parses the whole bucket)."""
        out: list[list[tuple]] = [[] for _ in BUCKETED]
        for record in self._text.split(ROW_SEP)[1:]:
            fields = record.split(FIELD_SEP)
            i = int(fields[0])
            del fields[0]
            for k in _NULLABLE[i]:
                if not fields[k]:
                    fields[k] = None
            out[i].append(tuple(fields[k] for k in _TO_COLUMNS[i]))
        return out


class RowsUnverified(Exception):
    """The rows a lookup read differ from their signed digest: the data file was edited."""

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"rows of {where} differ from the signed bucket table")


class SnapshotReader:
    """One read-only connection. Not shared between threads (sqlite3's rule): open one per thread."""

    def __init__(self, data_path: Path, table: BucketTable, overlay: Path | None = None):
        """``overlay``: the data file of the buckets changed since ``data_path`` and of the
        catalogue (a version installed through deltas, offline_cache.delta); its buckets are read
        there, the others in ``data_path``, all verified against ``table``."""
        self.path = Path(data_path)
        self.table = table
        for path in (self.path, overlay):
            if path is not None and not Path(path).is_file():
                raise FileNotFoundError(str(path))
        self._conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                     cached_statements=64)
        self._overlay: frozenset[int] = frozenset()
        cat_schema = "main"
        try:
            fmt = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if fmt != DATA_FORMAT:
                raise sqlite3.DatabaseError(f"snapshot data format {fmt}, expected {DATA_FORMAT}")
            if overlay is not None:
                self._conn.execute("ATTACH DATABASE ? AS o", (Path(overlay).resolve().as_uri() + "?mode=ro",))
                cat_schema = "o"
            self._conn.execute("PRAGMA query_only=1")
            # One read transaction for the catalogue, so that its digest and the rows kept are
            # the same rows.
            self._conn.execute("BEGIN")
            try:
                if overlay is not None:
                    # Which buckets the overlay replaces: unsigned, and needs no signature: a
                    # bucket read from the wrong file cannot match its digest.
                    self._overlay = frozenset(b for (b,) in self._conn.execute(f"SELECT bucket FROM o.{OVERLAY_BUCKETS}"))
                if catalogue_digest(self._conn, cat_schema) != table.catalogue:
                    raise RowsUnverified("目录表（名单、事项、措施）")
                cat = {t.name: self._conn.execute(f"SELECT {', '.join(t.columns)} FROM {cat_schema}.{t.name} "
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
            self._sealing = sealing.read_params(self._conn, cat_schema)
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

    def bucket_rows(self, code: str) -> list[list[tuple]]:
        """The rows of ``code``'s bucket, verified, for each bucketed table in schema order
        (``buckets.BUCKETED``), each row in its table's column order; RowsUnverified when they
        differ from the signed digest."""
        return self._bucket(code).tables()

    def _bucket(self, code: str) -> VerifiedBucket:
        table = self.table
        b = bucket_of(code, table.count)
        try:
            text = self._conn.execute(_OVERLAY_SQL if b in self._overlay else BUCKET_SQL, (b,)).fetchone()[0]
        except sqlite3.DatabaseError:
            raise RowsUnverified(f"第 {b} 号分组（无法读取）") from None
        expected = table.digest(b)
        if digest_text(text) != expected:
            raise RowsUnverified(f"第 {b} 号分组" if expected else f"第 {b} 号分组（分组表的这一页与签署的页索引不符）")
        return VerifiedBucket(b, text)

    def buckets_of(self, codes: Iterable[str]) -> dict[str, VerifiedBucket]:
        """The verified buckets of many codes (or sealing tags) at once: one statement for all
        of them, each bucket hashed and compared as a lookup does. RowsUnverified names the first
        bucket that differs."""
        n = self.table.count
        wanted = {c: bucket_of(c, n) for c in codes}
        got: dict[int, VerifiedBucket] = {}
        numbers = sorted(set(wanted.values()))
        for sql, part in ((_MANY_SQL, [b for b in numbers if b not in self._overlay]),
                          (_OVERLAY_MANY_SQL, [b for b in numbers if b in self._overlay])):
            for start in range(0, len(part), _BATCH):
                try:
                    rows = self._conn.execute(sql, (json.dumps(part[start:start + _BATCH]),)).fetchall()
                except sqlite3.DatabaseError:
                    raise RowsUnverified(f"第 {part[start]} 号分组起（无法读取）") from None
                for b, text in rows:
                    expected = self.table.digest(b)
                    if digest_text(text) != expected:
                        raise RowsUnverified(f"第 {b} 号分组" if expected else f"第 {b} 号分组（分组表的这一页与签署的页索引不符）")
                    got[b] = VerifiedBucket(b, text)
        return {c: got[b] for c, b in wanted.items()}

    def hits_of(self, keys: Iterable[str]) -> dict[str, tuple[Hit, ...]]:
        """The list entries of many subjects at once (codes, or a listed person's sealing tag),
        verified: the post-approval watch's read."""
        return {k: self._hits(bucket, k) for k, bucket in self.buckets_of(keys).items()}

    def lookup(self, code: str, item_code: str | None) -> Lookup:
        bucket = self._bucket(code)
        rows = bucket.rows(_SUBJECTS, code)
        row = rows[0] if rows else None
        name, key_code = (row[1] if row else None), code
        if row is None and self._sealing is not None and sealing.IDENTITY_SHAPE.fullmatch(code):
            # A natural person: the row is under the number's tag, its name sealed (sealing.py),
            # and in the tag's bucket. (An all-digit credit code has the same shape; it was found
            # above if it is there.)
            tag, key = sealing.derive(code, self._sealing)
            bucket = self._bucket(tag)
            rows = bucket.rows(_SUBJECTS, tag)
            row = rows[0] if rows else None
            if row is not None:
                try:
                    name = sealing.unseal(key, tag, row[1])["name"]
                except (sealing.InvalidTag, ValueError, KeyError, TypeError):
                    raise sqlite3.DatabaseError("a sealed person row does not open: altered data") from None
                key_code = tag
        if row is None:
            return Lookup(None)
        subject = Subject(code, name, row[2])
        hits = self._hits(bucket, key_code)
        related = self._related(bucket, code) if subject.kind == "org" else ()
        c = _C
        commitments = tuple(Commitment(r[c["commitment_id"]], r[c["type"]], r[c["made_on"]], r[c["state"]])
                            for r in bucket.rows(_COMMITMENTS, key_code))
        measures: tuple[Measure, ...] = ()
        if item_code is not None and (hits or related):
            on_lists = {h.list_code for h in hits}
            on_lists.update(h.list_code for r in related for h in r.hits)
            if on_lists:
                measures = tuple(m for m in self._item_measures.get(item_code, ()) if m.list_code in on_lists)
        return Lookup(subject, hits, measures, related, commitments)

    def _hits(self, bucket: VerifiedBucket, key_code: str) -> tuple[Hit, ...]:
        mine = bucket.rows(_ENTRIES, key_code)
        if not mine:
            return ()
        lists = self._lists
        e = _E
        mine.sort(key=lambda r: r[e["entry_id"]])
        mine.sort(key=lambda r: r[e["listed_on"]], reverse=True)
        return tuple(Hit(r[e["entry_id"]], r[e["list_code"]], lists[r[e["list_code"]]].list_name,
                         lists[r[e["list_code"]]].severity, r[e["authority"]], r[e["listed_on"]],
                         r[e["expires_on"]], r[e["basis"]], r[e["state"]]) for r in mine)

    def _related(self, bucket: VerifiedBucket, unit_code: str) -> tuple[Related, ...]:
        """A unit's people from its own bucket; a listed one's entries from the bucket of their
        sealing tag, verified like every read (a person on no list has no tag and no entries)."""
        rows = bucket.rows(_RELATIONS, unit_code)
        if not rows:
            return ()
        r = _R
        rows.sort(key=lambda x: (_ROLE_ORDER[x[r["role"]]], x[r["person_code"]]))
        people = []
        for x in rows:
            tag = x[r["person_tag"]]
            hits = self._hits(self._bucket(tag), tag) if tag else ()
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
