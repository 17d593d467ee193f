"""Which entries count and which measures the clerk must apply (国办发〔2020〕49号)."""
from desktop.check.policy import counting_hits, effective_measures, suggested_outcome
from offline_cache.records import Hit, Measure

TODAY = "2026-11-24T09:00:00+00:00"


def hit(list_code="L-BLACK", state="active", expires_on=None, severity="black"):
    return Hit(entry_id=f"E-{list_code}-{state}", list_code=list_code, list_name=list_code,
               severity=severity, authority="法院", listed_on="2025-01-01", expires_on=expires_on,
               basis="依据", state=state)


def measure(mid, list_code="L-BLACK", mandatory=True, basis="《政府采购法》第二十二条", nature="punish"):
    return Measure(measure_id=mid, list_code=list_code, nature=nature, category="限制",
                   content="限制参与政府采购", basis=basis, mandatory=mandatory)


def test_active_and_objection_count_repaired_and_lapsed_do_not():
    hits = (hit(state="active"), hit("L2", state="objection"), hit("L3", state="repaired"),
            hit("L4", expires_on="2026-11-23"), hit("L5", expires_on="2026-11-24"))
    assert [h.list_code for h in counting_hits(hits, TODAY)] == ["L-BLACK", "L2", "L5"]


def test_measure_of_an_active_entry_with_basis_is_mandatory():
    shown = effective_measures((hit(),), (measure("M1"),), TODAY)
    assert [(m.measure_id, m.mandatory) for m in shown] == [("M1", True)]


def test_measure_without_legal_basis_is_never_mandatory():
    shown = effective_measures((hit(),), (measure("M1", basis="  "),), TODAY)
    assert shown[0].mandatory is False


def test_objection_shows_measures_but_mandates_nothing():
    shown = effective_measures((hit(state="objection"),), (measure("M1"),), TODAY)
    assert [(m.measure_id, m.mandatory) for m in shown] == [("M1", False)]


def test_repaired_entry_brings_no_measures():
    assert effective_measures((hit(state="repaired"),), (measure("M1"),), TODAY) == ()


def test_measure_of_a_list_the_subject_is_not_on_is_not_shown():
    # No coupling of an unrelated list to the item, even if the source sent the measure.
    shown = effective_measures((hit("L-FOCUS", severity="focus"),),
                               (measure("M1"), measure("M2", list_code="L-FOCUS", mandatory=False)),
                               TODAY)
    assert [m.measure_id for m in shown] == ["M2"]


def test_punishments_and_mandated_come_first():
    hits = (hit(), hit("L-RED", severity="red"))
    measures = (measure("R1", list_code="L-RED", nature="reward"), measure("M2", mandatory=False),
                measure("M3"))
    assert [m.measure_id for m in effective_measures(hits, measures, TODAY)] == ["M3", "M2", "R1"]


def test_suggested_outcome_refuses_on_a_mandated_punishment_and_refers_the_unverified():
    punish = measure("M-1")
    optional = measure("M-2", mandatory=False)
    reward = measure("M-3", nature="reward")
    assert suggested_outcome("hit", (optional, punish)) == "rejected"
    assert suggested_outcome("hit", (optional, reward)) == "approved"
    assert suggested_outcome("clear", ()) == "approved"
    assert suggested_outcome("unverified", (punish,)) == "referred"
