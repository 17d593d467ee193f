"""The check path: one function shared by the window, the command line and the tests.

    input → parse → platform (within the deadline) → else offline snapshot → else unverified

A result comes from exactly one source; the platform's answer is never mixed with snapshot data.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from desktop.check.codes import parse
from desktop.check.model import (
    IDENTITY_SHAPE,
    ROLE_LABELS,
    CheckResult,
    CodeKind,
    ParsedCode,
    PersonRef,
    RelatedParty,
    Source,
    Status,
    fmt_time,
    mask_code,
)
from desktop.check.policy import (
    PUNISHING_SEVERITIES,
    counting_hits,
    judge_hits,
    judge_related,
    restricting,
    unit_measures,
)
from desktop.check.purpose import PurposeRequired, purpose_problem
from desktop.check.sources import (
    AccessLog,
    Offline,
    OfflineUnavailable,
    Platform,
    PlatformUnavailable,
)
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from offline_cache.records import Hit, Item, Measure, Related, Subject

log = logging.getLogger(__name__)


class UnknownItem(UserError):
    exit_code = 2


class Checker:
    def __init__(self, offline: Offline, platform: Platform | None = None,
                 deadline: float = 3.0, warn_age_hours: float | None = None,
                 access: AccessLog | None = None, gate: Callable[[], None] | None = None):
        self.offline = offline
        # Called before any lookup: raises (a UserError saying why) when nobody may check now,
        # e.g. no operator signed in, or the sign-in expired.
        self.gate = gate
        # With an access log, a natural person is looked up only for a stated purpose, and every
        # such lookup leaves an access record (the desk always wires one; the self-test does not).
        self.access = access
        self.platform = platform
        self.deadline = deadline
        self.warn_age_hours = warn_age_hours

    def check(self, raw: str, item_code: str | None = None, *, offline_only: bool = False,
              now: datetime | None = None, purpose: str | None = None) -> CheckResult:
        """Raises InvalidCode, UnknownItem or PurposeRequired (nothing is queried), or the access
        log's error (the lookup ran but could not be accounted for: not shown); otherwise always
        a result."""
        started = time.monotonic()
        parsed = parse(raw)
        if self.gate is not None:
            self.gate()
        person = parsed.kind == CodeKind.PERSON and self.access is not None
        if person:
            problem = purpose_problem(purpose)
            if problem is not None:
                raise PurposeRequired(problem)
        result = self._check(parsed, item_code, offline_only, now)
        if person:
            self.access.person_lookup(result, purpose.strip())
        elif result.related and self.access is not None:
            # Showing a unit's people is a lookup of personal data too: each one leaves an access
            # record, its purpose the unit's check (a lookup nobody can account for is not shown).
            self.access.people_shown(result)
        # One line per check for IT's tickets; identity numbers masked here and by the log filter.
        log.info("check %s item %s: %s %s %s v%s%s, %.0f ms%s", result.masked_code,
                 item_code or "-", result.status, "/".join(result.severities) or "-",
                 result.source, result.snapshot_version or "-", " stale" if result.stale else "",
                 1000 * (time.monotonic() - started),
                 f" ({result.reason})" if result.reason else "")
        return result

    def check_related(self, person: PersonRef, item_code: str | None = None, *,
                      offline_only: bool = False, now: datetime | None = None,
                      purpose: str | None = None) -> CheckResult:
        """One of a unit's people on their own (F6), by the reference the unit's result gave:
        the platform is asked by its ``ref`` (in a POST body); offline, the unit's relation row
        and the person's entries are read again, verified, from the installed snapshot. The
        result's ``code`` is the masked number: no source hands out a whole one. Raises like
        ``check``; the lookup leaves an access record under ``purpose``."""
        started = time.monotonic()
        parse(person.unit_code)  # a unit's code as a result gave it; InvalidCode otherwise
        if self.gate is not None:
            self.gate()
        if self.access is not None:
            problem = purpose_problem(purpose)
            if problem is not None:
                raise PurposeRequired(problem)
        result = self._check_related(person, item_code, offline_only, now)
        if self.access is not None:
            self.access.person_lookup(result, purpose.strip())
        log.info("check %s of %s item %s: %s %s %s v%s, %.0f ms%s", person.role, person.unit_code,
                 item_code or "-", result.status, "/".join(result.severities) or "-", result.source,
                 result.snapshot_version or "-", 1000 * (time.monotonic() - started),
                 f" ({result.reason})" if result.reason else "")
        return result

    def _check_related(self, person: PersonRef, item_code: str | None, offline_only: bool,
                       now: datetime | None) -> CheckResult:
        item = self.resolve_item(item_code)
        now = now or datetime.now(timezone.utc)
        checked_at = now.isoformat(timespec="seconds")
        parsed = ParsedCode(person.code_masked, CodeKind.PERSON)
        fallback_reason = None
        if self.platform is not None and not offline_only and person.ref:
            answer, fallback_reason = _ask_platform(lambda: self.platform.query_person(
                person.ref, person.code_masked, item and item.item_code, deadline=self.deadline))
            if answer is not None:
                return _result(parsed, item, checked_at, Source.PLATFORM, answer.hits,
                               answer.measures, None, subject=answer.subject,
                               commitments=answer.commitments, data_as_of=answer.data_as_of,
                               request_id=answer.request_id, via=person,
                               stale=self._older_than_warning(answer.data_as_of, now))

        def unverified(reason: Message) -> CheckResult:
            if fallback_reason is not None:
                reason = Message(QT_TRANSLATE_NOOP("core", "{platform}；{offline}"),
                                 {"platform": fallback_reason, "offline": reason})
            return CheckResult(code=parsed.code, kind=parsed.kind, status=Status.UNVERIFIED,
                               source=Source.OFFLINE, checked_at=checked_at, item=item,
                               demo=self.offline.demo, reason=reason, via=person)
        try:
            found = self.offline.answer(person.unit_code, item and item.item_code, now)
        except OfflineUnavailable as exc:
            return unverified(exc.reason)
        same = [r for r in found.lookup.related
                if r.role == person.role and mask_code(r.code, CodeKind.PERSON) == person.code_masked]
        if len(same) != 1:
            # E.g. a person only the platform's answer names: the snapshot cannot vouch for them.
            return unverified(Message(QT_TRANSLATE_NOOP(
                "core", "离线数据中没有单位 {unit} 的这名{role}（{code}）：该人员只见于信用平台的答复，"
                        "平台恢复后再按 F6 核查，或请其出示身份证后按身份证号码核查。"),
                {"unit": person.unit_code, "role": Message(ROLE_LABELS[person.role]),
                 "code": person.code_masked}))
        [row] = same
        snap = found.snapshot
        reason = None
        if fallback_reason is not None:
            reason = Message(QT_TRANSLATE_NOOP("core", "{platform}，已使用离线数据（截至 {as_of}）"),
                             {"platform": fallback_reason, "as_of": fmt_time(snap.data_as_of)})
        # The measures mapped to the item for the lists this person is on, not the unit's.
        lists = {h.list_code for h in row.hits}
        return _result(parsed, item, checked_at, Source.OFFLINE, row.hits,
                       tuple(m for m in found.lookup.measures if m.list_code in lists), snap.region,
                       subject=Subject(person.code_masked, person.name, "person"),
                       data_as_of=snap.data_as_of.isoformat(timespec="seconds"),
                       snapshot_version=snap.version, stale=found.stale, demo=snap.demo,
                       reason=reason, via=person)

    def _check(self, parsed: ParsedCode, item_code: str | None, offline_only: bool,
               now: datetime | None) -> CheckResult:
        item = self.resolve_item(item_code)
        now = now or datetime.now(timezone.utc)
        checked_at = now.isoformat(timespec="seconds")
        fallback_reason = None
        if self.platform is not None and not offline_only:
            answer, fallback_reason = _ask_platform(lambda: self.platform.query(
                parsed.code, item and item.item_code, deadline=self.deadline))
            if answer is not None:
                region = None
                if answer.subject is None:
                    try:
                        region = self.offline.snapshot(now).region
                    except OfflineUnavailable:
                        pass
                return _result(parsed, item, checked_at, Source.PLATFORM, answer.hits,
                               answer.measures, region, subject=answer.subject, related=answer.related,
                               commitments=answer.commitments,
                               data_as_of=answer.data_as_of, request_id=answer.request_id,
                               stale=self._older_than_warning(answer.data_as_of, now))
        try:
            found = self.offline.answer(parsed.code, item and item.item_code, now)
        except OfflineUnavailable as exc:
            reason = exc.reason if fallback_reason is None else Message(
                QT_TRANSLATE_NOOP("core", "{platform}；{offline}"),
                {"platform": fallback_reason, "offline": exc.reason})
            return CheckResult(code=parsed.code, kind=parsed.kind, status=Status.UNVERIFIED,
                               source=Source.OFFLINE, checked_at=checked_at, item=item,
                               demo=self.offline.demo, reason=reason)
        snap = found.snapshot
        if fallback_reason is not None:
            reason = Message(QT_TRANSLATE_NOOP("core", "{platform}，已使用离线数据（截至 {as_of}）"),
                             {"platform": fallback_reason, "as_of": fmt_time(snap.data_as_of)})
        else:
            reason = None
        return _result(parsed, item, checked_at, Source.OFFLINE, found.lookup.hits,
                       found.lookup.measures, snap.region, subject=found.lookup.subject,
                       related=tuple(related_party(r) for r in found.lookup.related),
                       commitments=found.lookup.commitments,
                       data_as_of=snap.data_as_of.isoformat(timespec="seconds"),
                       snapshot_version=snap.version, stale=found.stale, demo=snap.demo,
                       reason=reason)

    def _older_than_warning(self, data_as_of: str, now: datetime) -> bool:
        """A platform answer from old data is as stale as an old snapshot (a platform replica
        that stopped syncing still answers)."""
        if self.warn_age_hours is None:
            return False
        return now - datetime.fromisoformat(data_as_of) > timedelta(hours=self.warn_age_hours)

    def resolve_item(self, item_code: str | None) -> Item | None:
        if not item_code:
            return None
        code = item_code.strip()
        item = self.offline.item(code)
        if item is not None:
            return item
        try:
            self.offline.reader(self.offline.snapshot())
        except OfflineUnavailable:
            # Without a catalogue (none installed, or one that does not verify: an edited file, a
            # hot journal left beside it) the item cannot be checked here; the platform judges
            # it, and an offline check says why it is unverified.
            return Item(item_code=code, name=code, department="")
        raise UnknownItem(Message(QT_TRANSLATE_NOOP(
            "core", "未知的办事事项“{item}”。请用 credit-desk items 查找事项编码。"), {"item": code}))


def subject_region(parsed: ParsedCode) -> str:
    """The administrative-division code a code carries: positions 3–8 of a credit code (the
    registering authority's), positions 1–6 of an identity number (the place of first issue)."""
    return parsed.code[2:8] if parsed.kind == CodeKind.ORG else parsed.code[:6]


def unknown_subject_notice(parsed: ParsedCode, region: str | None) -> Message:
    """What the clerk is told about a valid code the data does not hold at all: two slips in a
    listed code can make another valid code, and another province's subject may simply be missing
    from this province's data."""
    own = subject_region(parsed)
    # 100000: registered by a national authority, which every province's data carries.
    if region and own[:2] != region[:2] and own != "100000":
        return Message(QT_TRANSLATE_NOOP(
            "core", "外省主体，本地数据可能不全：代码第{where}位的行政区划为 {code}，不在本省数据范围内。"
                    "数据中无此主体，请核对代码是否输入正确，必要时向登记地核实。"),
            {"where": "3–8" if parsed.kind == CodeKind.ORG else "1–6", "code": own})
    return Message(QT_TRANSLATE_NOOP(
        "core", "数据中无此主体：请核对代码是否输入正确（输错两位可能恰好得到另一个有效代码）。"))


def related_party(person: Related) -> RelatedParty:
    """A person from the snapshot: the number comes masked (the snapshot names no one by number,
    offline_cache.sealing), a whole one only from data that carries it."""
    whole = IDENTITY_SHAPE.fullmatch(person.code) is not None
    return RelatedParty(person.role, person.name, mask_code(person.code, CodeKind.PERSON),
                        code=person.code if whole else "", hits=person.hits)


def _result(parsed: ParsedCode, item: Item | None, checked_at: str, source: Source,
            hits: tuple[Hit, ...], measures: tuple[Measure, ...], region: str | None,
            **extra) -> CheckResult:
    hits = judge_hits(hits, checked_at)
    counting = counting_hits(hits, checked_at)
    related = judge_related(extra.pop("related", ()), checked_at)
    shown = unit_measures(hits, related, measures, checked_at, parsed.kind) if item else ()
    notices = []
    if extra.get("subject") is None and parsed.kind == CodeKind.ORG:
        notices.append(unknown_subject_notice(parsed, region))
    punishing = [h for h in counting if h.severity in PUNISHING_SEVERITIES]
    if punishing and item and not any(m.applies and m.nature == "punish" for m in shown):
        notices.append(Message(QT_TRANSLATE_NOOP(
            "core", "该主体在名单中，但本事项没有适用于该主体的惩戒措施：仅供参考，不作为不予办理的依据。")))
    limits = restricting(shown)
    if limits:
        notices.append(Message(QT_TRANSLATE_NOOP(
            "core", "本事项的惩戒措施为限制性措施，不是不予办理的依据：按“{measures}”继续办理。"),
            {"measures": "、".join(m.category or m.measure_id for m in limits)}))
    if any(not m.applies for m in shown):
        notices.append(Message(QT_TRANSLATE_NOOP(
            "core", "部分措施的适用对象不是本主体（如仅适用于自然人、法定代表人或主要负责人），已标明“不适用”，不作为本次办理的依据。")))
    if any(h.effective_state == "objection" for h in counting):
        notices.append(Message(QT_TRANSLATE_NOOP(
            "core", "有名单信息处于异议处理中：相关措施暂不强制执行。")))
    for person in related:
        listed = [h for h in counting_hits(person.hits, checked_at)
                  if h.severity in PUNISHING_SEVERITIES]
        if listed:
            notices.append(Message(QT_TRANSLATE_NOOP(
                "core", "{role}{name}（{code}）在名单中：{lists}。见关联人员。"),
                {"role": Message(ROLE_LABELS[person.role]), "name": person.name, "code": person.code_masked,
                 "lists": "、".join(h.list_name for h in listed)}))
    lapsed = [h for h in hits if h.effective_state == "lapsed"]
    if lapsed:
        notices.append(Message(QT_TRANSLATE_NOOP(
            "core", "有 {n} 条名单信息已过有效期（已到期），不再作为核查依据。"), {"n": len(lapsed)}))
    return CheckResult(code=parsed.code, kind=parsed.kind,
                       status=Status.HIT if counting else Status.CLEAR, source=source,
                       checked_at=checked_at, item=item, hits=hits, measures=shown,
                       notices=tuple(notices), related=related, **extra)


def _ask_platform(ask):
    """The platform's answer and no reason, or no answer and why the check falls back."""
    try:
        return ask(), None
    except PlatformUnavailable as exc:
        return None, exc.reason
    except Exception as exc:  # noqa: BLE001 - whatever the platform layer raises, fall back
        log.error("platform query failed unexpectedly", exc_info=True)
        return None, Message(QT_TRANSLATE_NOOP("core", "平台请求失败（{kind}）"),
                             {"kind": type(exc).__name__})
