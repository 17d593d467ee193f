"""Which entries count, which measures bind the subject and the outcome the window suggests
(国办发〔2020〕49号)."""
import pytest

from desktop.check.policy import (
    counting_hits,
    effective_measures,
    effective_state,
    judge_hits,
    suggested_outcome,
)
from offline_cache.records import Hit, Measure

TODAY = "2026-11-24T09:00:00+00:00"


def hit(list_code="L-BLACK", state="active", expires_on=None, severity="black"):
    return Hit(entry_id=f"E-{list_code}-{state}", list_code=list_code, list_name=list_code,
               severity=severity, authority="法院", listed_on="2025-01-01", expires_on=expires_on,
               basis="依据", state=state)


def measure(mid, list_code="L-BLACK", mandatory=True, basis="《政府采购法》第二十二条", nature="punish",
            target="any", effect=None, basis_level="law"):
    effect = effect or ("reward" if nature == "reward" else "refuse")
    return Measure(measure_id=mid, list_code=list_code, nature=nature, category="限制",
                   content="限制参与政府采购", basis=basis, mandatory=mandatory, target=target,
                   effect=effect, basis_level=basis_level)


def shown(hits, measures, kind="org"):
    return effective_measures(hits, measures, TODAY, kind)


def test_active_and_objection_count_repaired_removed_and_lapsed_do_not():
    hits = (hit(state="active"), hit("L2", state="objection"), hit("L3", state="repaired"),
            hit("L4", expires_on="2026-11-23"), hit("L5", expires_on="2026-11-24"),
            hit("L6", state="removed"))
    assert [h.list_code for h in counting_hits(hits, TODAY)] == ["L-BLACK", "L2", "L5"]


@pytest.mark.parametrize("state, expires_on, effective", [
    ("active", None, "active"), ("active", "2026-11-24", "active"), ("active", "2026-11-23", "lapsed"),
    ("objection", "2026-11-23", "lapsed"), ("objection", None, "objection"),
    ("repaired", "2026-11-23", "repaired"), ("removed", None, "removed")])
def test_effective_state_on_the_check_date(state, expires_on, effective):
    assert effective_state(hit(state=state, expires_on=expires_on), TODAY) == effective
    assert judge_hits((hit(state=state, expires_on=expires_on),), TODAY)[0].effective_state == effective


def test_measure_of_an_active_entry_with_basis_is_mandatory():
    assert [(m.measure_id, m.mandatory, m.applies) for m in shown((hit(),), (measure("M1"),))] == [
        ("M1", True, True)]


def test_measure_without_legal_basis_is_never_mandatory():
    assert shown((hit(),), (measure("M1", basis="  "),))[0].mandatory is False


def test_objection_shows_measures_but_mandates_nothing():
    assert [(m.measure_id, m.mandatory) for m in shown((hit(state="objection"),), (measure("M1"),))] == [
        ("M1", False)]


@pytest.mark.parametrize("state", ["repaired", "removed"])
def test_repaired_or_removed_entry_brings_no_measures(state):
    assert shown((hit(state=state),), (measure("M1"),)) == ()


def test_measure_of_a_list_the_subject_is_not_on_is_not_shown():
    # No coupling of an unrelated list to the item, even if the source sent the measure.
    got = shown((hit("L-FOCUS", severity="focus"),),
                (measure("M1"), measure("M2", list_code="L-FOCUS", mandatory=False)))
    assert [m.measure_id for m in got] == ["M2"]


@pytest.mark.parametrize("target, org_applies, person_applies", [
    ("any", True, True), ("org", True, False), ("person", False, True),
    ("legal_rep", False, False), ("principal", False, False)])
def test_a_measure_applies_only_to_its_target(target, org_applies, person_applies):
    m = measure("M1", target=target)
    for kind, expected in (("org", org_applies), ("person", person_applies)):
        (got,) = shown((hit(),), (m,), kind)
        assert got.applies is expected
        # A measure that does not bind this subject mandates nothing for it.
        assert got.mandatory is expected


def test_a_person_only_refusal_never_suggests_refusing_a_unit():
    got = shown((hit(),), (measure("M-SX-02", target="person"),), "org")
    assert suggested_outcome("hit", got) == "approved"
    assert suggested_outcome("hit", shown((hit(),), (measure("M-SX-02", target="person"),), "person")) == "rejected"


def test_a_reward_is_offered_never_mandated():
    (got,) = shown((hit("L-RED", severity="red"),),
                   (measure("R1", list_code="L-RED", nature="reward", mandatory=True),))
    assert got.mandatory is False and got.applies is True


def test_applying_punishments_and_mandated_come_first():
    hits = (hit(), hit("L-RED", severity="red"))
    measures = (measure("R1", list_code="L-RED", nature="reward"), measure("M2", mandatory=False),
                measure("M3"), measure("M0", target="person"))
    assert [m.measure_id for m in shown(hits, measures)] == ["M3", "M2", "R1", "M0"]


@pytest.mark.parametrize("effect, mandatory, expected", [
    ("refuse", True, "rejected"), ("refuse", False, None), ("restrict", True, None),
    ("general_procedure", True, None), ("inform", True, "approved")])
def test_suggested_outcome_follows_the_effects_alone(effect, mandatory, expected):
    got = shown((hit(),), (measure("M1", effect=effect, mandatory=mandatory),))
    assert suggested_outcome("hit", got) == expected


def test_suggested_outcome_for_rewards_clear_unverified_and_unknown():
    reward = shown((hit("L-RED", severity="red"),), (measure("R1", list_code="L-RED", nature="reward"),))
    assert suggested_outcome("hit", reward) == "approved"
    assert suggested_outcome("clear", ()) == "approved"
    assert suggested_outcome("unverified", (measure("M-1"),)) == "referred"
    # A code the data does not know may be a slip: nothing is preset.
    assert suggested_outcome("clear", (), subject_known=False) is None
