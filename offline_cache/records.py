"""The rows a snapshot (and the platform) hands out. Plain, immutable, JSON-friendly.

Field names follow Platform API v1 in DESIGN.md so that a platform answer and a snapshot answer
become the same objects."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("black", "focus", "red")
STATES = ("active", "objection", "repaired")
NATURES = ("punish", "reward")
SUBJECT_KINDS = ("org", "person")


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    kind: str  # "org" | "person"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """One list entry for a subject."""
    entry_id: str
    list_code: str
    list_name: str
    severity: str  # "black" | "focus" | "red"
    authority: str
    listed_on: str  # ISO date
    expires_on: str | None  # ISO date, None: no set end
    basis: str
    state: str  # "active" | "objection" | "repaired"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Measure:
    """A joint reward/punishment measure, as mapped to an approval item."""
    measure_id: str
    list_code: str
    nature: str  # "punish" | "reward"
    category: str
    content: str
    basis: str
    mandatory: bool

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Item:
    """An approval item (办事事项)."""
    item_code: str
    name: str
    department: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ListInfo:
    list_code: str
    list_name: str
    severity: str
    authority: str
    basis: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Lookup:
    """What the data says about one code for one item: the subject (None when unknown), all its
    list entries, and the measures mapped to the item for the lists those entries are on."""
    subject: Subject | None
    hits: tuple[Hit, ...] = ()
    measures: tuple[Measure, ...] = field(default=())
