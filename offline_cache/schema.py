"""The snapshot's tables: one definition used by build, digest, delta and reader."""
from __future__ import annotations

from dataclasses import dataclass

from offline_cache.records import (
    BASIS_LEVELS,
    COMMITMENT_STATES,
    COMMITMENT_TYPES,
    EFFECTS,
    NATURES,
    RELATION_ROLES,
    STATES,
    TARGETS,
)

# Bumped when the tables change; a reader refuses a data file of another format.
# 2: measures carry target, effect, basis_level, catalogue_ref; entries may be "removed".
# 3: listed persons sealed (offline_cache.sealing), unlisted ones not published; person_sealing.
# 4: rows in buckets (offline_cache.buckets); the bucket table is a signed TUF target.
# 5: relations (person by masked number and sealed tag), commitments and item_commitments.
# 6: bucketed tables clustered by (bucket, key), WITHOUT ROWID; a bucket's digest is of its text.
DATA_FORMAT = 6
DELTA_FORMAT = 1006


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    # (column, referenced table, referenced column): checked after loading, so that sources can
    # come in any order and a million subjects never need to sit in a Python set.
    references: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    required: tuple[str, ...] = ()  # must not be empty
    enums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    dates: tuple[str, ...] = ()
    optional_dates: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # text that may be absent (stored NULL)
    booleans: tuple[str, ...] = ()
    # Made by the build itself (no source file): person_sealing.
    generated: bool = False
    # The column holding the subject code that puts a row in its bucket (verified reads); None for
    # the catalogue tables, which are verified whole when a reader opens.
    bucket_by: str | None = None
    # A source folder may leave the table out (no rows): a region that publishes no related
    # parties or commitments still builds.
    may_be_absent: bool = False

    @property
    def value_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.key)


# Order matters twice: the dataset digest walks the tables in this order, and a delta deletes in
# reverse and upserts in this order so that no state in between needs dangling references.
TABLES: tuple[Table, ...] = (
    Table("lists", ("list_code", "list_name", "severity", "authority", "basis"), ("list_code",),
          required=("list_code", "list_name", "severity"),
          enums=(("severity", ("black", "focus", "red")),)),
    Table("subjects", ("code", "name", "kind"), ("code",),
          required=("code", "name", "kind"), enums=(("kind", ("org", "person")),), bucket_by="code"),
    Table("items", ("item_code", "name", "department"), ("item_code",),
          required=("item_code", "name")),
    Table("measures", ("measure_id", "list_code", "nature", "category", "content", "basis", "mandatory",
                       "target", "effect", "basis_level", "catalogue_ref"),
          ("measure_id",), references=(("list_code", "lists", "list_code"),),
          required=("measure_id", "list_code", "nature", "content", "basis", "target", "effect",
                    "basis_level"),
          enums=(("nature", NATURES), ("target", TARGETS), ("effect", EFFECTS),
                 ("basis_level", BASIS_LEVELS)),
          optional=("catalogue_ref",), booleans=("mandatory",)),
    Table("entries", ("entry_id", "subject_code", "list_code", "authority", "listed_on", "expires_on",
                      "basis", "state"), ("entry_id",),
          references=(("subject_code", "subjects", "code"), ("list_code", "lists", "list_code")),
          indexes=(("subject_code",),),
          required=("entry_id", "subject_code", "list_code", "listed_on", "state"),
          enums=(("state", STATES),),
          dates=("listed_on",), optional_dates=("expires_on",), bucket_by="subject_code"),
    Table("item_measures", ("item_code", "measure_id"), ("item_code", "measure_id"),
          references=(("item_code", "items", "item_code"), ("measure_id", "measures", "measure_id")),
          required=("item_code", "measure_id")),
    Table("person_sealing", ("salt", "alg", "memory_cost", "iterations", "lanes"), ("salt",),
          required=("salt", "alg", "memory_cost", "iterations", "lanes"), generated=True),
    # The people behind a unit (法定代表人、主要负责人). The person is named here, not in subjects:
    # a person on no list has no subject row, yet the window must show who it is.
    # The build replaces the number by its masked form and, for a listed person, fills
    # person_tag with the sealed tag its entries are under (sealing.py); the source leaves it empty.
    Table("relations", ("unit_code", "role", "person_code", "person_name", "person_tag"),
          ("unit_code", "role", "person_code"),
          references=(("unit_code", "subjects", "code"),),
          required=("unit_code", "role", "person_code", "person_name"),
          enums=(("role", RELATION_ROLES),), optional=("person_tag",), may_be_absent=True,
          bucket_by="unit_code"),
    # Commitments on record with the platform (信用承诺); a breached one closes the simplified route.
    Table("commitments", ("commitment_id", "subject_code", "type", "made_on", "state"),
          ("commitment_id",), references=(("subject_code", "subjects", "code"),),
          indexes=(("subject_code",),),
          required=("commitment_id", "subject_code", "type", "made_on", "state"),
          enums=(("type", COMMITMENT_TYPES), ("state", COMMITMENT_STATES)),
          dates=("made_on",), may_be_absent=True, bucket_by="subject_code"),
    # Which commitment types an approval item accepts.
    Table("item_commitments", ("item_code", "type"), ("item_code", "type"),
          references=(("item_code", "items", "item_code"),),
          required=("item_code", "type"), enums=(("type", COMMITMENT_TYPES),),
          may_be_absent=True),
)
BY_NAME = {t.name: t for t in TABLES}


def create_tables(conn, schema: str = "main") -> None:
    """Plain rowid tables, as a build loads its sources (the data file's own tables are
    ``buckets.create_bucketed_tables``); keys and indexes come after loading (create_indexes)."""
    for t in TABLES:
        cols = ", ".join(f"{c} INTEGER NOT NULL" if c in t.booleans else
                         f"{c} TEXT" if c in t.optional_dates or c in t.optional else f"{c} TEXT NOT NULL"
                         for c in t.columns)
        conn.execute(f"CREATE TABLE {schema}.{t.name} ({cols})")


def create_indexes(conn, table: Table, schema: str = "main", on: str | None = None) -> None:
    """``on``: the table that holds the rows, when not ``table.name`` (buckets.stored)."""
    # Building an index over loaded rows sorts once; maintaining it during a million random
    # inserts costs several times more.
    on = on or table.name
    conn.execute(f"CREATE UNIQUE INDEX {schema}.{table.name}_key ON {on} ({', '.join(table.key)})")
    for cols in table.indexes:
        conn.execute(f"CREATE INDEX {schema}.{table.name}_{'_'.join(cols)} ON {on} ({', '.join(cols)})")
