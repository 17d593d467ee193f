"""Domain objects of a check. Plain dataclasses; the GUI, the command line, the case file and the
tests all read these and nothing else."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop.site.clock import CHINA_TZ
from desktop.site.masking import IDENTITY_SHAPE, mask_code
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from offline_cache.records import (
    BASIS_LEVELS,
    EFFECTS,
    COMMITMENT_STATES,
    COMMITMENT_TYPES,
    NATURES,
    RELATION_ROLES,
    SEVERITIES,
    STATES,
    SUBJECT_KINDS,
    TARGETS,
    Commitment,
    Hit,
    Item,
    Lookup,
    Measure,
    Subject,
)

__all__ = ["BASIS_LEVELS", "EFFECTS", "TARGETS", "COMMITMENT_STATES", "COMMITMENT_TYPES", "RELATION_ROLES",
           "Commitment", "PersonRef", "RelatedParty", "ROLE_LABELS", "COMMITMENT_LABELS", "CHINA_TZ", "IDENTITY_SHAPE", "NATURES", "SEVERITIES", "STATES", "SUBJECT_KINDS", "Lookup", "fmt_time", "CodeKind", "ParsedCode", "Status", "Source", "CheckResult", "Hit", "Item", "Measure",
           "Subject", "mask_code"]


class CodeKind(StrEnum):
    ORG = "org"        # unified social credit code, GB 32100-2015
    PERSON = "person"  # resident identity number, GB 11643


class Status(StrEnum):
    CLEAR = "clear"
    HIT = "hit"
    UNVERIFIED = "unverified"


class Source(StrEnum):
    PLATFORM = "platform"
    OFFLINE = "offline"


def fmt_time(moment: datetime) -> str:
    """A moment as the hall reads it: China time, to the minute. A signed expiry at the very end
    of year 9999 has no China time (it would be year 10000): it reads as the last minute."""
    try:
        return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    except OverflowError:
        return "9999-12-31 23:59" if moment.year > 1 else "0001-01-01 00:00"


@dataclass(frozen=True)
class ParsedCode:
    code: str
    kind: CodeKind

    @property
    def masked(self) -> str:
        return mask_code(self.code, self.kind)


ROLE_LABELS = {"legal_rep": QT_TRANSLATE_NOOP("core", "法定代表人"),
               "principal": QT_TRANSLATE_NOOP("core", "主要负责人")}
COMMITMENT_LABELS = {"notification": QT_TRANSLATE_NOOP("core", "告知承诺"),
                     "tolerance": QT_TRANSLATE_NOOP("core", "容缺受理承诺"),
                     "repair": QT_TRANSLATE_NOOP("core", "信用修复承诺"),
                     "voluntary": QT_TRANSLATE_NOOP("core", "主动承诺")}


@dataclass(frozen=True)
class RelatedParty:
    """A person behind the unit checked (法定代表人、主要负责人), checked in the same call.

    ``code`` is the whole identity number when the source gave it (the snapshot); the platform
    gives only ``code_masked`` and its own ``ref`` for the person, so that no whole number crosses
    the wire in a query answer."""
    role: str                   # one of RELATION_ROLES
    name: str
    code_masked: str
    code: str = ""
    ref: str = ""
    hits: tuple[Hit, ...] = ()

    def to_json(self) -> dict:
        """As shown and exported: never the whole number."""
        return {"role": self.role, "code_masked": self.code_masked, "ref": self.ref,
                "name": self.name, "hits": [h.to_json() for h in self.hits]}


@dataclass(frozen=True)
class PersonRef:
    """A person checked on their own from a unit's result (F6): named by the unit, the role and
    the source's reference as the unit's result gave them (the platform's ``ref``; offline, the
    unit's relation row), never by a whole number, which no source hands out."""
    unit_code: str
    role: str                   # one of RELATION_ROLES
    code_masked: str
    name: str
    ref: str = ""               # the platform's reference; empty when the unit came offline

    @classmethod
    def of(cls, unit_code: str, person: RelatedParty) -> "PersonRef":
        return cls(unit_code, person.role, person.code_masked, person.name, person.ref)

    def to_record(self) -> dict:
        """What the record and the feedback keep: whom, without a number."""
        return {"unit_code": self.unit_code, "role": self.role, "ref": self.ref}


@dataclass(frozen=True)
class CheckResult:
    """One check of one code for one approval item, from exactly one source."""
    code: str
    kind: CodeKind
    status: Status
    source: Source
    checked_at: str                      # ISO 8601 UTC, when the check ran
    item: Item | None = None             # None: checked without an item, so no measures apply
    subject: Subject | None = None
    # Every entry shown, each with its effective state on checked_at (desktop.check.policy).
    hits: tuple[Hit, ...] = ()
    # For the item; ``applies`` and ``mandatory`` already reflect the policy.
    measures: tuple[Measure, ...] = ()
    data_as_of: str | None = None        # ISO 8601
    snapshot_version: int | None = None  # offline results only
    stale: bool = False                  # offline snapshot older than the warning age
    demo: bool = False                   # answered from demo data
    reason: Message | None = None        # why it fell back or is unverified
    request_id: str | None = None        # platform request id
    notices: tuple[Message, ...] = field(default=())  # information for the clerk
    related: tuple[RelatedParty, ...] = ()   # a unit's people, with their own entries
    commitments: tuple[Commitment, ...] = ()  # the subject's commitments on record
    # A person checked through their unit (PersonRef): ``code`` is then the masked number.
    via: PersonRef | None = None

    @property
    def severities(self) -> tuple[str, ...]:
        """Severities of the entries that make this a hit, most serious first."""
        from desktop.check.policy import counting_hits

        order = {"black": 0, "focus": 1, "red": 2}
        return tuple(sorted({h.severity for h in counting_hits(self.hits, self.checked_at)},
                            key=order.__getitem__))

    @property
    def subject_known(self) -> bool | None:
        """Whether the data knows the subject at all; None when it cannot tell: nothing could
        vouch for the check, or a natural person the data does not hold (it carries only listed
        persons, so an unlisted one is expected to be absent, not a sign of a typing slip)."""
        if self.status == Status.UNVERIFIED:
            return None
        if self.subject is None and self.kind == CodeKind.PERSON:
            return None
        return self.subject is not None

    @property
    def suggested_outcome(self) -> str | None:
        """The outcome to pre-select, or None for no preset (desktop.check.policy)."""
        from desktop.check.policy import suggested_outcome

        return suggested_outcome(self.status, self.measures, subject_known=self.subject_known)

    @property
    def counting_entry_ids(self) -> tuple[str, ...]:
        from desktop.check.policy import counting_hits

        return tuple(h.entry_id for h in counting_hits(self.hits, self.checked_at))

    @property
    def commitment_offer(self) -> tuple[tuple[str, ...], Message | None]:
        """(commitment types the window may offer for this check, why some are closed)."""
        from desktop.check.policy import commitment_offer

        if self.item is None or self.status == Status.UNVERIFIED:
            return (), None
        return commitment_offer(self.item.commitments, self.commitments, self.measures)

    @property
    def masked_code(self) -> str:
        return mask_code(self.code, self.kind)

    @property
    def verified(self) -> bool:
        return self.status != Status.UNVERIFIED

    def to_json(self, *, mask: bool = False) -> dict:
        data = asdict(self)
        data["kind"] = str(self.kind)
        data["status"] = str(self.status)
        data["source"] = str(self.source)
        data["severities"] = list(self.severities)
        data["subject_known"] = self.subject_known
        data["suggested_outcome"] = self.suggested_outcome
        data["hits"] = [h.to_json() for h in self.hits]
        data["measures"] = [m.to_json() for m in self.measures]
        data["reason"] = str(self.reason) if self.reason else ""
        data["notices"] = [str(n) for n in self.notices]
        data["related"] = [r.to_json() for r in self.related]
        data["commitments"] = [c.to_json() for c in self.commitments]
        offered, closed_because = self.commitment_offer
        data["commitments_offered"] = list(offered)
        data["commitments_closed"] = str(closed_because) if closed_because else ""
        if mask:
            data["code"] = self.masked_code
            if self.subject and self.kind == CodeKind.PERSON:
                data["subject"] = dict(data["subject"], code=self.masked_code)
        return data
