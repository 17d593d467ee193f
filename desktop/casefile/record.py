"""One record of the case file (办件档案): what was checked, what was shown, what the clerk decided.

A record is immutable once written; its canonical form (sorted-key compact UTF-8 JSON of every
field except ``hash``) is exactly what the case file stores and hashes, so the bytes on disk are
the bytes the hash vouches for. Qt-free."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from desktop.check.model import CHINA_TZ, Hit, Measure, mask_code
from desktop.site.messages import QT_TRANSLATE_NOOP

GENESIS_HASH = "0" * 64
KINDS = ("check", "decision")

# 办理结果. Keys go into the case file and the platform feedback; labels are for people.
OUTCOMES = {
    "approved": QT_TRANSLATE_NOOP("core", "准予办理"),
    "approved_with_conditions": QT_TRANSLATE_NOOP("core", "容缺/附条件办理"),
    "rejected": QT_TRANSLATE_NOOP("core", "不予办理"),
    "deferred": QT_TRANSLATE_NOOP("core", "暂缓办理"),
    "referred": QT_TRANSLATE_NOOP("core", "移交核实"),
}
# Outcomes that let the application go ahead: on an unverified check they need a written reason,
# because the approval then rests on something other than the credit check (应查必查).
GRANTING_OUTCOMES = ("approved", "approved_with_conditions")

STATUS_LABELS = {"clear": QT_TRANSLATE_NOOP("core", "未发现名单记录"),
                 "hit": QT_TRANSLATE_NOOP("core", "命中名单"),
                 "unverified": QT_TRANSLATE_NOOP("core", "未能核实")}
SOURCE_LABELS = {"platform": QT_TRANSLATE_NOOP("core", "信用平台"),
                 "offline": QT_TRANSLATE_NOOP("core", "离线数据")}
SEVERITY_LABELS = {"black": QT_TRANSLATE_NOOP("core", "失信惩戒对象"),
                   "focus": QT_TRANSLATE_NOOP("core", "重点关注对象"),
                   "red": QT_TRANSLATE_NOOP("core", "守信激励对象")}
STATE_LABELS = {"active": QT_TRANSLATE_NOOP("core", "有效"),
                "objection": QT_TRANSLATE_NOOP("core", "异议处理中"),
                "repaired": QT_TRANSLATE_NOOP("core", "已信用修复")}



def utc_text(moment: str | datetime) -> str:
    """One spelling for instants in the case file (``2026-11-03T02:15:00Z``), so that text order is
    time order and SQL range filters work on the stored strings. Naive values are taken as UTC."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_text(moment: str) -> str:
    """An instant as the hall reads it: China civil time, to the second."""
    return datetime.fromisoformat(moment).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def canonical_json(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class CaseRecord:
    record_id: int
    kind: str                          # "check" | "decision"
    refers_to: int | None              # the record a decision decides on or corrects
    check_id: int                      # the check this record belongs to (itself for a check)
    case_no: str
    item_code: str
    item_name: str
    subject_code: str                  # whole: the platform needs it; mask for people
    subject_kind: str                  # "org" | "person"
    subject_name: str | None
    checked_at: str                    # when the check ran, UTC
    recorded_at: str                   # when this record was written, UTC
    operator: str
    hall: str
    window: str
    status: str                        # as the check answered; never rewritten by a decision
    source: str
    data_as_of: str | None
    snapshot_version: int | None
    stale: bool
    demo: bool
    reason: str                        # why the check fell back or is unverified
    request_id: str | None
    severities: tuple[str, ...]        # of the entries that made it a hit, most serious first
    hits: tuple[Hit, ...]              # every entry shown, with list, authority, date and basis
    measures_shown: tuple[Measure, ...]  # as shown, ``mandatory`` as the clerk had to apply it
    measures_applied: tuple[str, ...]
    outcome: str
    note: str
    feedback_id: str                   # the outbox row written with this record
    prev_hash: str
    hash: str = ""
    # A post-approval follow-up (事中事后监管) settling a watch alert: {"alert", "change",
    # "entry_id", "action"}. Absent from the stored body of every other record, so records written
    # before it existed keep their bytes and hashes.
    follow_up: dict | None = None

    @property
    def entry_ids(self) -> tuple[str, ...]:
        return tuple(h.entry_id for h in self.hits)

    @property
    def masked_code(self) -> str:
        return mask_code(self.subject_code, self.subject_kind)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    def content(self) -> dict:
        """Every stored field except ``hash``: what the hash covers."""
        data = asdict(self)
        del data["hash"]
        if data["follow_up"] is None:
            del data["follow_up"]
        return data

    def canonical(self) -> bytes:
        return canonical_json(self.content())

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def to_json(self, *, mask: bool = False) -> dict:
        data = asdict(self)
        data["entry_ids"] = list(self.entry_ids)
        if mask:
            data["subject_code"] = self.masked_code
        return data

    @classmethod
    def from_stored(cls, body: str, hash_: str) -> CaseRecord:
        data = json.loads(body)
        data["hits"] = tuple(Hit(**h) for h in data["hits"])
        data["measures_shown"] = tuple(Measure(**m) for m in data["measures_shown"])
        for name in ("severities", "measures_applied"):
            data[name] = tuple(data[name])
        data["hash"] = hash_
        return cls(**data)


FIELD_NAMES = tuple(f.name for f in fields(CaseRecord))


def feedback_payload(record: CaseRecord) -> dict:
    """The body of POST /api/v1/feedback (DESIGN.md), plus ``chain_head``: the hash of this record,
    which is the head of the chain once it is written. The platform thus holds a witness of every
    head, which is what exposes a local rewrite or a truncated tail."""
    return {
        "feedback_id": record.feedback_id,
        "case_no": record.case_no,
        "item_code": record.item_code,
        "subject_code": record.subject_code,
        "checked_at": record.checked_at,
        "operator": record.operator,
        "hall": record.hall,
        "window": record.window,
        "source": record.source,
        "snapshot_version": record.snapshot_version,
        "status": record.status,
        "entry_ids": list(record.entry_ids),
        "measures_applied": list(record.measures_applied),
        "outcome": record.outcome,
        "note": record.note,
        "chain_head": record.hash,
    } | ({"decision_kind": "follow_up", "follow_up": record.follow_up} if record.follow_up else {})
