"""Which list entries count, which measures bind the subject shown, and the suggested outcome
(国办发〔2020〕49号: 依法合规、保护权益、审慎适度、清单管理). Applied identically to platform and
snapshot answers, so the two sources can never disagree about what the clerk must do.

Everything here is judged once, on the check's date, by ``judge``; every surface (window, command
line, case file, record sheet, feedback, statistics) reads the judged hits and measures and never
decides again."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from desktop.site.clock import CHINA_TZ
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from offline_cache.records import Hit, Measure

# Effective states (DESIGN.md): the data's state, or "lapsed" for an active entry past its term.
EFFECTIVE_STATES = ("active", "lapsed", "objection", "repaired", "removed")
COUNTING_STATES = ("active", "objection")
PUNISHING_SEVERITIES = ("black", "focus")

# Whom a measure binds, for the kind of subject checked. ``legal_rep`` and ``principal`` bind the
# people related to a unit, checked as themselves (by identity number): never the unit itself.
_BINDS = {"org": ("org", "any"), "person": ("person", "any")}


def check_day(checked_at: str) -> date:
    """The hall's civil day of a check: China time, whatever the moment's zone (a check at 07:00
    on 1 December in Guangzhou is still 30 November in UTC)."""
    moment = datetime.fromisoformat(checked_at)
    return moment.astimezone(CHINA_TZ).date() if moment.tzinfo else moment.date()


def state_on(state: str, expires_on: str | None, day: date) -> str:
    """What an entry is on ``day``. An entry past its term counts for nothing whatever the data
    still says about it (a lapsed objection is lapsed too)."""
    if state in ("active", "objection") and expires_on and date.fromisoformat(expires_on) < day:
        return "lapsed"
    return state


def effective_state(hit: Hit, checked_at: str) -> str:
    return state_on(hit.state, hit.expires_on, check_day(checked_at))


def state_of(hit: Hit, checked_at: str) -> str:
    """The judged state, or for a hit recorded before the policy judged states (older case file
    records), the same judgement made now on the check's own date."""
    return hit.effective_state or effective_state(hit, checked_at)


def judge_hits(hits: tuple[Hit, ...], checked_at: str) -> tuple[Hit, ...]:
    return tuple(replace(h, effective_state=effective_state(h, checked_at)) for h in hits)


def counting_hits(hits: tuple[Hit, ...], checked_at: str) -> tuple[Hit, ...]:
    """Entries that make the result a hit. An entry in objection still counts (the clerk must see
    it, marked 异议处理中); a lapsed, repaired or removed entry does not."""
    return tuple(h for h in hits if state_of(h, checked_at) in COUNTING_STATES)


def binds(measure: Measure, subject_kind: str) -> bool:
    """Whether the measure's target is the subject it is shown for."""
    return measure.target in _BINDS.get(str(subject_kind), ())


def effective_measures(hits: tuple[Hit, ...], measures: tuple[Measure, ...], checked_at: str,
                       subject_kind: str) -> tuple[Measure, ...]:
    """The measures to show for the item, with ``applies`` and ``mandatory`` as the clerk must
    apply them.

    A measure is shown only when one of the subject's counting entries is on its list (no coupling
    of an unrelated list to the item). It applies only when its target is this subject (a
    person-only measure never binds a unit, and the reverse): one that does not is shown, marked,
    and mandates nothing. It is mandatory only when it applies, the source marks it so, it names
    its legal basis, it is a punishment (a reward is offered, never forced) and the entry is
    active: an entry in objection is shown but mandates nothing until it is decided (保护权益)."""
    by_list: dict[str, set[str]] = {}
    for hit in counting_hits(hits, checked_at):
        by_list.setdefault(hit.list_code, set()).add(state_of(hit, checked_at))
    shown = []
    for m in measures:
        states = by_list.get(m.list_code)
        if not states:
            continue
        applies = binds(m, subject_kind)
        mandatory = (applies and m.mandatory and m.nature == "punish" and bool(m.basis.strip())
                     and "active" in states)
        shown.append(replace(m, applies=applies, mandatory=mandatory))
    # What binds first, punishments first, mandated first, then by id: the order the clerk works.
    shown.sort(key=lambda m: (not m.applies, m.nature != "punish", not m.mandatory, m.measure_id))
    return tuple(shown)


def refusing(measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """The measures that make 不予办理 the suggestion: applying, mandated, effect ``refuse``."""
    return tuple(m for m in measures if m.applies and m.mandatory and m.effect == "refuse")


def restricting(measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """Applying punishments that limit the application without refusing it."""
    return tuple(m for m in measures if m.applies and m.nature == "punish"
                 and m.effect in ("restrict", "general_procedure"))


def suggested_outcome(status: str, measures: tuple[Measure, ...], *,
                      subject_known: bool | None = True) -> str | None:
    """The outcome the window pre-selects, from the measures' effects alone; None: no preset.

    A check nobody could vouch for is referred (granting it needs a written reason). A code the
    data does not know is preset to nothing: it may be a typing slip that made another valid code.
    An applying, mandated ``refuse`` suggests 不予办理. An applying ``restrict`` or
    ``general_procedure`` keeps the application going under its limit, and the clerk decides after
    that review: no preset (nor for a ``refuse`` the source does not mandate). Otherwise 准予办理. The clerk decides; the case file enforces the rules.
    """
    if str(status) == "unverified":
        return "referred"
    if subject_known is False:
        return None
    if refusing(measures):
        return "rejected"
    if restricting(measures) or any(m.applies and m.nature == "punish" and m.effect == "refuse"
                                    for m in measures):
        # Under a limit, or a refusal the clerk may but need not apply: the clerk weighs it.
        return None
    return "approved"


# -- the people behind a unit (法定代表人、主要负责人) ---------------------------------------------

def _order(m: Measure):
    return (not m.applies, m.nature != "punish", not m.mandatory, m.measure_id)


def unit_measures(hits: tuple[Hit, ...], related: tuple, measures: tuple[Measure, ...],
                  checked_at: str, subject_kind: str) -> tuple[Measure, ...]:
    """The measures for a check with its people: the subject's own (``effective_measures``), and
    for a unit those whose target is ``legal_rep`` or ``principal`` and whose list holds a counting
    entry of a person in that role. Such a measure applies through the person; it is mandatory
    under the same rules as the unit's own (source marks it, names its basis, the entry active)."""
    shown = {m.measure_id: m for m in effective_measures(hits, measures, checked_at, subject_kind)}
    if str(subject_kind) == "org" and related:
        by_role_list: dict[tuple[str, str], set[str]] = {}
        for person in related:
            for hit in counting_hits(person.hits, checked_at):
                by_role_list.setdefault((person.role, hit.list_code), set()).add(
                    state_of(hit, checked_at))
        for m in measures:
            states = by_role_list.get((m.target, m.list_code))
            if not states:
                continue
            mandatory = (m.mandatory and m.nature == "punish" and bool(m.basis.strip())
                         and "active" in states)
            shown[m.measure_id] = replace(m, applies=True, mandatory=mandatory)
    return tuple(sorted(shown.values(), key=_order))


def judge_related(related: tuple, checked_at: str) -> tuple:
    return tuple(replace(p, hits=judge_hits(p.hits, checked_at)) for p in related)


# -- credit commitments (信用承诺制) ---------------------------------------------------------------

# The commitments that rest on the applicant's word in place of proof: closed by a breach on record
# or by a measure with effect general_procedure (DESIGN.md, "Credit commitments").
TRUST_COMMITMENTS = ("notification", "tolerance")


def commitment_offer(accepted: tuple[str, ...], commitments: tuple, measures: tuple[Measure, ...],
                     *, breached_here: bool = False) -> tuple[tuple[str, ...], Message | None]:
    """(the commitment types the window may offer, why some were closed or None).

    ``accepted`` is what the item takes; ``commitments`` what the data has on record for the
    subject; ``breached_here`` whether this desk's case file holds a breach for it (a breach must
    follow the subject even before the platform has listed it)."""
    breached = breached_here or any(c.state == "breached" for c in commitments)
    closing = [m for m in measures if m.applies and m.effect == "general_procedure"
               and m.nature == "punish"]
    if not (breached or closing) or not set(accepted) & set(TRUST_COMMITMENTS):
        return tuple(accepted), None
    if breached:
        why = Message(QT_TRANSLATE_NOOP(
            "core", "有承诺不实（违背信用承诺）记录：不适用告知承诺、容缺受理，按一般程序办理"))
    else:
        # The categories are the platform's words (Chinese); a translation names the measures
        # by their ids instead, so the sentence reads in one language.
        why = Message(QT_TRANSLATE_NOOP("core", "{categories}：不适用告知承诺、容缺受理，按一般程序办理"),
                      {"categories": "、".join(m.category or m.measure_id for m in closing),
                       "measures": ", ".join(m.measure_id for m in closing)})
    return tuple(t for t in accepted if t not in TRUST_COMMITMENTS), why
