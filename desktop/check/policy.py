"""Which list entries count and which measures are mandated (国办发〔2020〕49号: 依法合规、保护权益、
审慎适度、清单管理). Applied identically to platform and snapshot answers, so the two sources can
never disagree about what the clerk must do."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from offline_cache.records import Hit, Measure

COUNTING_STATES = ("active", "objection")


def _day(checked_at: str) -> date:
    return date.fromisoformat(checked_at[:10])


def is_expired(hit: Hit, checked_at: str) -> bool:
    return bool(hit.expires_on) and date.fromisoformat(hit.expires_on) < _day(checked_at)


def counting_hits(hits: tuple[Hit, ...], checked_at: str) -> tuple[Hit, ...]:
    """Entries that make the result a hit. An entry in objection still counts (the clerk must see
    it, marked 异议处理中); a repaired or lapsed entry does not."""
    return tuple(h for h in hits if h.state in COUNTING_STATES and not is_expired(h, checked_at))


def effective_measures(hits: tuple[Hit, ...], measures: tuple[Measure, ...],
                       checked_at: str) -> tuple[Measure, ...]:
    """The measures to show for the item, with ``mandatory`` as the clerk must apply it.

    A measure is shown only when one of the subject's counting entries is on its list (no coupling
    of an unrelated list to the item). It is mandatory only when the source marks it so, it names
    its legal basis, and the entry is active: an entry in objection is shown but mandates nothing
    until the objection is decided (保护权益)."""
    by_list: dict[str, set[str]] = {}
    for hit in counting_hits(hits, checked_at):
        by_list.setdefault(hit.list_code, set()).add(hit.state)
    shown = []
    for m in measures:
        states = by_list.get(m.list_code)
        if not states:
            continue
        mandatory = m.mandatory and bool(m.basis.strip()) and "active" in states
        shown.append(replace(m, mandatory=mandatory))
    # Punishments first, mandated first, then by id: the order the clerk works through them.
    shown.sort(key=lambda m: (m.nature != "punish", not m.mandatory, m.measure_id))
    return tuple(shown)


def suggested_outcome(status: str, measures: tuple[Measure, ...]) -> str:
    """The outcome the window pre-selects; the clerk decides, the case file enforces the rules.

    A mandated punishment for this item points to refusal; a check nobody could vouch for is
    referred rather than granted (granting it needs a written reason); anything else is approved.
    """
    if status == "unverified":
        return "referred"
    if any(m.mandatory and m.nature == "punish" for m in measures):
        return "rejected"
    return "approved"
