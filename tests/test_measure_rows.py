"""The measures table's rows: a measure two lists mandate is shown once, naming both lists."""
from desktop.check.measure_rows import measure_rows
from offline_cache.records import Measure


def measure(measure_id, list_code, category="限制参与政府采购", *, mandatory=True, applies=True):
    return Measure(measure_id, list_code, "punish", category, "内容", "依据", mandatory,
                   "subject", "restrict", "law", applies=applies)


def test_one_measure_mandated_by_two_lists_is_one_row_naming_both():
    rows = measure_rows((measure("M-SX-01", "SX"), measure("M-ZD-01", "ZD", mandatory=False),
                         measure("M-SX-02", "SX", "限制任职")))
    assert [row.ids for row in rows] == [("M-SX-01", "M-ZD-01"), ("M-SX-02",)]
    assert rows[0].list_codes == ("SX", "ZD")
    assert rows[0].mandatory  # one list mandates it: the row is mandated


def test_same_list_twice_and_a_measure_that_does_not_apply_stay_apart():
    rows = measure_rows((measure("M-SX-01", "SX"), measure("M-SX-03", "SX"),
                         measure("M-ZD-01", "ZD", applies=False)))
    assert [row.ids for row in rows] == [("M-SX-01",), ("M-SX-03",), ("M-ZD-01",)]
    assert not rows[2].applies
