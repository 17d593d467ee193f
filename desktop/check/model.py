"""Domain objects of a check. Plain dataclasses; the GUI, the command line, the case file and the
tests all read these and nothing else."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop.site.clock import CHINA_TZ
from desktop.site.masking import IDENTITY_SHAPE, mask_code
from desktop.site.messages import Message
from offline_cache.records import (
    BASIS_LEVELS,
    EFFECTS,
    NATURES,
    SEVERITIES,
    STATES,
    SUBJECT_KINDS,
    TARGETS,
    Hit,
    Item,
    Lookup,
    Measure,
    Subject,
)

__all__ = ["BASIS_LEVELS", "EFFECTS", "TARGETS", "CHINA_TZ", "IDENTITY_SHAPE", "NATURES", "SEVERITIES", "STATES", "SUBJECT_KINDS", "Lookup", "fmt_time", "CodeKind", "ParsedCode", "Status", "Source", "CheckResult", "Hit", "Item", "Measure",
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
    """A moment as the hall reads it: China time, to the minute."""
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ParsedCode:
    code: str
    kind: CodeKind

    @property
    def masked(self) -> str:
        return mask_code(self.code, self.kind)


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
        if mask:
            data["code"] = self.masked_code
            if self.subject and self.kind == CodeKind.PERSON:
                data["subject"] = dict(data["subject"], code=self.masked_code)
        return data
