"""Credit commitments in the case file (信用承诺制：告知承诺、容缺受理、信用修复承诺、主动承诺).

A commitment is made with a check: the record carries it with state ``open``. Its fulfilment or
breach is a later decision record on the same check carrying the commitment again with the new
state; both go to the platform as feedback. The due list and the monthly counts are read from the
records' hashed bodies alone. Qt-free."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from desktop.casefile.errors import RecordRefused
from desktop.casefile.record import GRANTING_OUTCOMES, CaseRecord
from desktop.check.model import CHINA_TZ, COMMITMENT_LABELS, COMMITMENT_TYPES
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

# The signed text the applicant signs: the province's standard form per type (粤信用办 templates);
# its id and version go into the record, so the archive says exactly what was promised.
TEMPLATES = {
    "notification": ("GD-XYCN-01", "2021.1"),
    "tolerance": ("GD-XYCN-02", "2021.1"),
    "repair": ("GD-XYCN-03", "2023.1"),
    "voluntary": ("GD-XYCN-04", "2021.1"),
}
SETTLED_STATES = ("fulfilled", "breached")
STATE_LABELS = {"open": QT_TRANSLATE_NOOP("core", "履约中"),
                "fulfilled": QT_TRANSLATE_NOOP("core", "已履约"),
                "breached": QT_TRANSLATE_NOOP("core", "承诺不实/未履约")}
# What follows a breach, said to the clerk before confirming it (DESIGN.md, "Credit commitments").
BREACH_CONSEQUENCE = QT_TRANSLATE_NOOP(
    "core", "确认违诺后：将上报信用平台，该主体记为承诺不实（列入重点关注），今后不能再适用告知承诺、"
            "容缺受理，须按一般程序办理；已作出的许可按规定撤销或责令整改。此操作不可撤回。")
MAX_MISSING = 20


@dataclass(frozen=True)
class Pledge:
    """What the clerk records when the applicant signs a commitment with this application."""
    type: str
    form_no: str
    missing: tuple[str, ...] = ()  # 容缺: the materials still to come
    due: str | None = None         # ISO date they are due (容缺), or the verification date

    @property
    def template(self) -> tuple[str, str]:
        return TEMPLATES[self.type]

    def to_record(self) -> dict:
        template_id, version = self.template
        return {"type": self.type, "template_id": template_id, "template_version": version,
                "form_no": self.form_no.strip(), "missing": [m.strip() for m in self.missing],
                "due": self.due, "state": "open"}


def refuse(template: str, **params) -> RecordRefused:
    return RecordRefused(Message(template, params))


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA_TZ).date()


def check_pledge(pledge: Pledge, offered: tuple[str, ...], closed_because: Message | None,
                 outcome: str, today: date, *, breached_here: bool) -> None:
    """Refuse, before anything is written, a commitment the rules do not allow."""
    if pledge.type not in COMMITMENT_TYPES:
        raise refuse(QT_TRANSLATE_NOOP("core", "未知的承诺类型“{type}”，可选：{choices}。"),
                     type=pledge.type, choices="、".join(COMMITMENT_TYPES))
    if breached_here and pledge.type in ("notification", "tolerance"):
        raise refuse(QT_TRANSLATE_NOOP(
            "core", "本办件档案中该主体有承诺不实（违诺）记录：不适用告知承诺、容缺受理，请按一般程序办理。"))
    if pledge.type not in offered:
        if closed_because:
            raise refuse(QT_TRANSLATE_NOOP("core", "不能记录{type}：{reason}。"),
                         type=Message(COMMITMENT_LABELS[pledge.type]), reason=closed_because)
        raise refuse(QT_TRANSLATE_NOOP(
            "core", "本事项不接受{type}。本事项接受：{accepted}。"),
            type=Message(COMMITMENT_LABELS[pledge.type]),
            accepted="、".join(COMMITMENT_LABELS[t] for t in offered) or "无")
    if not pledge.form_no.strip():
        raise refuse(QT_TRANSLATE_NOOP("core", "记录信用承诺须填写已签署承诺书的编号。"))
    if outcome not in GRANTING_OUTCOMES:
        raise refuse(QT_TRANSLATE_NOOP(
            "core", "信用承诺只随准予办理或容缺/附条件办理记录：请改选办理结果，或不记录承诺。"))
    missing = [m for m in pledge.missing if m.strip()]
    if pledge.type == "tolerance":
        if not missing:
            raise refuse(QT_TRANSLATE_NOOP("core", "容缺受理须写明欠缺的材料（--missing）。"))
        if not pledge.due:
            raise refuse(QT_TRANSLATE_NOOP("core", "容缺受理须写明补齐材料的期限（--due YYYY-MM-DD）。"))
    elif missing:
        raise refuse(QT_TRANSLATE_NOOP("core", "只有容缺受理承诺记录欠缺的材料。"))
    if len(missing) > MAX_MISSING:
        raise refuse(QT_TRANSLATE_NOOP("core", "欠缺材料最多 {n} 项。"), n=MAX_MISSING)
    if pledge.due:
        try:
            # Python reads 20991231 and 2099-W52-1 as dates too; the record, the sheet and the
            # platform's feedback hold YYYY-MM-DD only.
            due = date.fromisoformat(pledge.due)
            if due.isoformat() != pledge.due:
                raise ValueError(pledge.due)
        except ValueError:
            raise refuse(QT_TRANSLATE_NOOP("core", "期限“{due}”不是日期，请写成 YYYY-MM-DD。"),
                         due=pledge.due[:20]) from None
        if due <= today:
            raise refuse(QT_TRANSLATE_NOOP(
                "core", "期限 {due} 不在今天（{today}）之后：请给出今后的日期。"),
                due=due.isoformat(), today=today.isoformat())


@dataclass(frozen=True)
class DueCommitment:
    """An open commitment with a date, as the due list shows it."""
    check_id: int          # the check it was made with: the record a decision refers to
    record_id: int         # the latest record of that check
    case_no: str
    subject_code: str
    subject_kind: str
    subject_name: str | None
    item_name: str
    type: str
    form_no: str
    missing: tuple[str, ...]
    due: str
    days_left: int         # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def to_json(self, masked_code: str) -> dict:
        return {"check_id": self.check_id, "record_id": self.record_id, "case_no": self.case_no,
                "subject_code": masked_code, "subject_name": self.subject_name,
                "item_name": self.item_name, "type": self.type, "form_no": self.form_no,
                "missing": list(self.missing), "due": self.due, "days_left": self.days_left,
                "overdue": self.overdue}


def latest_commitments(records: list[CaseRecord]) -> dict[int, CaseRecord]:
    """The latest record carrying a commitment, per check (records in the order written)."""
    latest: dict[int, CaseRecord] = {}
    for r in records:
        if r.commitment:
            latest[r.check_id] = r
    return latest


def due_list(records: list[CaseRecord], today: date, days: int) -> list[DueCommitment]:
    """Open commitments due within ``days`` days of ``today`` and every overdue one, most
    overdue first."""
    rows = []
    for r in latest_commitments(records).values():
        c = r.commitment
        if c["state"] != "open" or not c.get("due"):
            continue
        left = (date.fromisoformat(c["due"]) - today).days
        if left > days:
            continue
        rows.append(DueCommitment(r.check_id, r.record_id, r.case_no, r.subject_code,
                                  r.subject_kind, r.subject_name, r.item_name, c["type"],
                                  c["form_no"], tuple(c.get("missing", ())), c["due"], left))
    rows.sort(key=lambda d: (d.days_left, d.check_id))
    return rows


def breached_subject(records: list[CaseRecord]) -> bool:
    return any(r.commitment and r.commitment["state"] == "breached" for r in records)
