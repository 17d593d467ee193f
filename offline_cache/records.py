"""The rows a snapshot (and the platform) hands out. Plain, immutable, JSON-friendly.

Field names follow Platform API v1 in DESIGN.md so that a platform answer and a snapshot answer
become the same objects."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("black", "focus", "red")
STATES = ("active", "objection", "repaired", "removed")
NATURES = ("punish", "reward")
# Whom a measure binds and what it does to the approval (DESIGN.md, "Measures: lawful, listed,
# proportionate"); the policy reads both and never infers them from the measure's wording.
TARGETS = ("org", "person", "legal_rep", "principal", "any")
EFFECTS = ("refuse", "restrict", "general_procedure", "reward", "inform")
# The rank of the instrument a measure rests on, highest first.
BASIS_LEVELS = ("law", "admin_regulation", "local_regulation", "central_policy", "dept_rule",
                "memorandum")
# A mandatory punishment must rest on more than these (国办发〔2020〕49号: 依法依规、清单管理).
WEAK_BASIS_LEVELS = ("dept_rule", "memorandum")
SUBJECT_KINDS = ("org", "person")
# The people behind a unit whom joint punishment reaches (法定代表人、主要负责人).
RELATION_ROLES = ("legal_rep", "principal")
# 告知承诺, 容缺受理承诺, 信用修复承诺, 主动承诺.
COMMITMENT_TYPES = ("notification", "tolerance", "repair", "voluntary")
COMMITMENT_STATES = ("open", "fulfilled", "breached")


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
    state: str  # what the data says: "active" | "objection" | "repaired" | "removed"
    # What the clerk sees on the check's date (desktop.check.policy): the state above, or "lapsed"
    # for an active entry past expires_on. Empty on a source row, before the policy has judged it.
    effective_state: str = ""

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
    target: str       # one of TARGETS
    effect: str       # one of EFFECTS
    basis_level: str  # one of BASIS_LEVELS
    catalogue_ref: str | None = None  # 《全国失信惩戒措施基础清单》 edition and item, where it is one
    # The policy's verdict for the subject it is shown for (target matches); a source row is True.
    applies: bool = True

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Item:
    """An approval item (办事事项)."""
    item_code: str
    name: str
    department: str
    commitments: tuple[str, ...] = ()  # the commitment types the item accepts

    def to_json(self) -> dict:
        data = asdict(self)
        data["commitments"] = list(self.commitments)
        return data


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
class Commitment:
    """A commitment on record with the platform for a subject."""
    commitment_id: str
    type: str       # one of COMMITMENT_TYPES
    made_on: str    # ISO date
    state: str      # one of COMMITMENT_STATES

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Related:
    """A person the data relates to a unit, with that person's own list entries."""
    role: str            # one of RELATION_ROLES
    code: str            # the identity number as the snapshot keeps it: masked (sealing.py)
    name: str
    hits: tuple[Hit, ...] = ()

    def to_json(self) -> dict:
        return {"role": self.role, "code": self.code, "name": self.name,
                "hits": [h.to_json() for h in self.hits]}


@dataclass(frozen=True)
class Lookup:
    """What the data says about one code for one item: the subject (None when unknown), all its
    list entries, the measures mapped to the item for the lists its entries or its people's
    entries are on, its people (a unit's) and its commitments on record."""
    subject: Subject | None
    hits: tuple[Hit, ...] = ()
    measures: tuple[Measure, ...] = field(default=())
    related: tuple[Related, ...] = ()
    commitments: tuple[Commitment, ...] = ()
