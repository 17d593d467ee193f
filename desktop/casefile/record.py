"""One record of the case file (办件档案): what was checked, what was shown, what the clerk decided.

A record is immutable once written; its canonical form (sorted-key compact UTF-8 JSON of every
field except ``hash``) is exactly what the case file stores and hashes, so the bytes on disk are
the bytes the hash vouches for. Qt-free."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from desktop.check.model import CHINA_TZ, Hit, Measure, RelatedParty, mask_code
from desktop.check.policy import COUNTING_STATES, state_of
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
# Labels of the effective states (desktop.check.policy): what an entry was on the check's date.
STATE_LABELS = {"active": QT_TRANSLATE_NOOP("core", "有效"),
                "lapsed": QT_TRANSLATE_NOOP("core", "已到期"),
                "objection": QT_TRANSLATE_NOOP("core", "异议处理中"),
                "repaired": QT_TRANSLATE_NOOP("core", "已信用修复"),
                "removed": QT_TRANSLATE_NOOP("core", "已移出/已删除")}
TARGET_LABELS = {"org": QT_TRANSLATE_NOOP("core", "单位"),
                 "person": QT_TRANSLATE_NOOP("core", "自然人"),
                 "legal_rep": QT_TRANSLATE_NOOP("core", "法定代表人"),
                 "principal": QT_TRANSLATE_NOOP("core", "主要负责人、直接责任人"),
                 "any": QT_TRANSLATE_NOOP("core", "所有被核查主体")}
EFFECT_LABELS = {"refuse": QT_TRANSLATE_NOOP("core", "不予办理"),
                 "restrict": QT_TRANSLATE_NOOP("core", "限制/从严审核"),
                 "general_procedure": QT_TRANSLATE_NOOP("core", "按一般程序办理"),
                 "reward": QT_TRANSLATE_NOOP("core", "激励（自愿适用）"),
                 "inform": QT_TRANSLATE_NOOP("core", "提示")}
BASIS_LEVEL_LABELS = {"law": QT_TRANSLATE_NOOP("core", "法律"),
                      "admin_regulation": QT_TRANSLATE_NOOP("core", "行政法规"),
                      "local_regulation": QT_TRANSLATE_NOOP("core", "地方性法规"),
                      "central_policy": QT_TRANSLATE_NOOP("core", "党中央、国务院政策文件"),
                      "dept_rule": QT_TRANSLATE_NOOP("core", "部门规章/规范性文件"),
                      "memorandum": QT_TRANSLATE_NOOP("core", "合作备忘录")}
# Measures recorded before v1.1 carried no target, effect or basis level: read back as unknown.
_LEGACY_MEASURE = {"target": "", "effect": "", "basis_level": ""}



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


def plain(value):
    """``dataclasses.asdict`` without its deep copy of every leaf, for values that are only
    serialised: the same JSON (a tuple becomes a list, which JSON writes alike) in about a fifth
    of the time, which an append spends once per record."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELDS.get(kind)
    if names is None and hasattr(kind, "__dataclass_fields__"):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({str, int, float, bool, type(None)})


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
    # Since issue 10; absent from older records, read back with these defaults.
    subject_known: bool | None = None  # None: unverified, or recorded before it was kept
    notices: tuple[str, ...] = ()      # what the clerk was told with the result, as shown
    item_department: str = ""          # the item's implementing department
    hall_name: str = ""                # the hall's name, beside its code
    # Since issue 15; absent from the stored body when empty, like ``follow_up``. The unit's
    # people as checked with it (whole identity numbers: the case file and the feedback only).
    related: tuple[RelatedParty, ...] = ()
    # The credit commitment made with this check ({"type", "template_id", "template_version",
    # "form_no", "missing", "due", "state"}), or on a later decision its new state.
    commitment: dict | None = None
    # A person checked on their own from a unit's result (F6): {"unit_code", "role", "ref"}; the
    # subject code is then the masked number, the only one any source gave. Absent otherwise.
    via: dict | None = None

    def entry_state(self, hit: Hit) -> str:
        """The entry's effective state on the check's date (judged then, or now for old records)."""
        return state_of(hit, self.checked_at)

    @property
    def counting_hits(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if self.entry_state(h) in COUNTING_STATES)

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """The entries that counted (a lapsed, repaired or removed one was shown, not used)."""
        return tuple(h.entry_id for h in self.counting_hits)

    @property
    def entries_not_counted(self) -> tuple[dict, ...]:
        return tuple({"entry_id": h.entry_id, "effective_state": self.entry_state(h)}
                     for h in self.hits if self.entry_state(h) not in COUNTING_STATES)

    @property
    def known(self) -> bool | None:
        """Whether the data knew the subject (older records: it did when it had a name)."""
        if self.status == "unverified" or self.subject_known is not None:
            return self.subject_known if self.status != "unverified" else None
        if self.subject_name is None and self.subject_kind == "person":
            return None  # the data holds only listed persons: an absent one is no slip
        return self.subject_name is not None

    @property
    def masked_code(self) -> str:
        return mask_code(self.subject_code, self.subject_kind)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    def content(self) -> dict:
        """Every stored field except ``hash``: what the hash covers."""
        data = plain(self)
        del data["hash"]
        if data["follow_up"] is None:
            del data["follow_up"]
        if not data["related"]:
            del data["related"]
        if data["commitment"] is None:
            del data["commitment"]
        if data["via"] is None:
            del data["via"]
        return data

    def canonical(self) -> bytes:
        return canonical_json(self.content())

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def to_json(self, *, mask: bool = False) -> dict:
        data = asdict(self)
        data["entry_ids"] = list(self.entry_ids)
        data["entries_not_counted"] = list(self.entries_not_counted)
        if mask:
            data["subject_code"] = self.masked_code
            data["related"] = [r.to_json() for r in self.related]
        return data

    @classmethod
    def from_stored(cls, body: str, hash_: str) -> CaseRecord:
        data = json.loads(body)
        data["hits"] = tuple(Hit(**h) for h in data["hits"])
        data["measures_shown"] = tuple(Measure(**{**_LEGACY_MEASURE, **m}) for m in data["measures_shown"])
        for name in ("severities", "measures_applied", "notices"):
            if name not in data:
                continue
            data[name] = tuple(data[name])
        if "related" in data:
            data["related"] = tuple(RelatedParty(**{**r, "hits": tuple(Hit(**h) for h in r["hits"])})
                                    for r in data["related"])
        data["hash"] = hash_
        return cls(**data)


FIELD_NAMES = tuple(f.name for f in fields(CaseRecord))


def feedback_payload(record: CaseRecord) -> dict:
    """The body of POST /api/v1/feedback (DESIGN.md v1.1). ``record_no``, ``record_hash`` and
    ``prev_hash`` place the record in the desk's chain, so the platform holds a copy of the chain
    as far as it was uploaded and answers 409 to a record that contradicts it. Built from the
    hashed body when it is sent (``feedback_message``), never stored."""
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
        # Shown to the clerk but not counted, and why: lapsed, repaired or removed on that day.
        "entries_not_counted": list(record.entries_not_counted),
        "measures_applied": list(record.measures_applied),
        "outcome": record.outcome,
        "note": record.note,
        "record_no": record.record_id,
        "record_hash": record.hash,
        "prev_hash": record.prev_hash,
    } | ({"decision_kind": "follow_up", "follow_up": record.follow_up} if record.follow_up else {}) \
      | ({"related": [r.to_json() | {"code": r.code} for r in record.related]}
         if record.related else {}) \
      | ({"commitment": record.commitment} if record.commitment else {}) \
      | ({"via": record.via} if record.via else {}) \
      | ({"decision_kind": "commitment"} if record.commitment and record.kind == "decision" else {})


def feedback_message(body: bytes, hash_: str) -> bytes:
    """The feedback the outbox sends for a stored record: built from its body (which the sender
    has hashed to ``hash_``) at the moment it is sent."""
    return canonical_json(feedback_payload(CaseRecord.from_stored(body, hash_)))
