"""The embedded demo dataset: deterministic, well-formed codes, named codes that mean what README
and other tests say they mean, and measures that are lawful (basis given, no unrelated coupling)."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from offline_cache import demo
from offline_cache.records import BASIS_LEVELS, EFFECTS, TARGETS, WEAK_BASIS_LEVELS

REPO = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO / "resources" / "demo"
ROOT_PATH = REPO / "resources" / "trust" / "demo-root.json"
AS_OF = "2026-11-20"


def read_table(folder: Path, name: str) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo-sources")
    demo.write_sources(folder)
    return folder


@pytest.fixture(scope="module")
def tables(sources) -> dict[str, list[dict]]:
    return {name: read_table(sources, name)
            for name in ("subjects", "lists", "entries", "items", "measures", "item_measures")}


@pytest.fixture(scope="module")
def known() -> dict:
    return json.loads((DEMO_DIR / "known_codes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries_by_subject(tables) -> dict[str, list[dict]]:
    by = defaultdict(list)
    for e in tables["entries"]:
        by[e["subject_code"]].append(e)
    return by


def test_sources_are_byte_identical_across_runs(sources, tmp_path):
    demo.write_sources(tmp_path)
    for path in sorted(sources.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_committed_known_codes_match_the_generator(known):
    assert demo.generate().known == known


def test_every_subject_code_passes_its_check_digit(tables):
    subjects = tables["subjects"]
    assert len(subjects) >= 5000
    assert len({s["code"] for s in subjects}) == len(subjects)
    for s in subjects:
        if s["kind"] == "org":
            assert uscc.is_valid(s["code"]), s
            assert s["code"][:2] in {"91", "92", "93", "12", "52"}
            assert s["code"][2:4] == "44"                  # Guangdong registrations
        else:
            assert s["kind"] == "person"
            assert ric.is_valid(s["code"]), s
        assert s["name"].strip() == s["name"] and s["name"]
    assert len({s["name"] for s in subjects if s["kind"] == "org"}) == sum(
        s["kind"] == "org" for s in subjects)


def test_tables_use_the_contract_values(tables):
    lists = {row["list_code"]: row for row in tables["lists"]}
    assert {row["severity"] for row in lists.values()} == {"black", "focus", "red"}
    subject_codes = {s["code"] for s in tables["subjects"]}
    for e in tables["entries"]:
        assert e["list_code"] in lists
        assert e["subject_code"] in subject_codes
        assert e["state"] in ("active", "objection", "repaired", "removed")
        assert len(e["listed_on"]) == 10 and e["listed_on"] <= AS_OF
        assert e["expires_on"] == "" or e["expires_on"] > e["listed_on"]
        assert e["basis"] and e["authority"]
    assert len({e["entry_id"] for e in tables["entries"]}) == len(tables["entries"])
    for m in tables["measures"]:
        assert m["mandatory"] in ("true", "false")
        assert m["target"] in TARGETS and m["effect"] in EFFECTS and m["basis_level"] in BASIS_LEVELS, m


def test_every_list_and_measure_states_its_legal_basis(tables):
    for row in tables["lists"]:
        assert "《" in row["basis"] and row["authority"], row
    for m in tables["measures"]:
        assert m["basis"].strip() and "《" in m["basis"], m
        assert m["content"].strip() and m["category"].strip(), m


def test_reward_measures_belong_to_red_lists_and_punishments_to_the_others(tables):
    severity = {row["list_code"]: row["severity"] for row in tables["lists"]}
    for m in tables["measures"]:
        assert (m["nature"] == "reward") == (severity[m["list_code"]] == "red"), m


def test_mapping_is_sane(tables):
    items = {row["item_code"] for row in tables["items"]}
    measures = {m["measure_id"]: m for m in tables["measures"]}
    lists_with_entries = {e["list_code"] for e in tables["entries"]}
    assert 20 <= len(items) <= 40
    pairs = [(row["item_code"], row["measure_id"]) for row in tables["item_measures"]]
    assert len(set(pairs)) == len(pairs)
    for item, measure_id in pairs:
        assert item in items
        assert measure_id in measures
        # a measure for a list nobody is on would never show: it hints at a mis-keyed mapping
        assert measures[measure_id]["list_code"] in lists_with_entries
    assert {m for _, m in pairs} == set(measures), "every measure is mapped to some item"


def measures_for(tables, item: str) -> list[dict]:
    ids = {row["measure_id"] for row in tables["item_measures"] if row["item_code"] == item}
    return [m for m in tables["measures"] if m["measure_id"] in ids]


def test_example_items_demonstrate_measures(tables, known):
    procurement = measures_for(tables, known["item_with_measures"])
    assert {m["list_code"] for m in procurement if m["mandatory"] == "true"} >= {"SXBZXR", "ZDSSWF"}
    assert any(m["mandatory"] == "false" for m in procurement)       # considered, not mandated
    rewards = measures_for(tables, known["item_with_reward"])
    assert {m["nature"] for m in rewards} >= {"reward", "punish"}
    assert {m["list_code"] for m in rewards if m["nature"] == "reward"} == {"NSXYA", "HGGJRZ"}
    registration = measures_for(tables, known["item_company_registration"])
    # The prospective legal representative checked as a person, the same person found behind the
    # unit, and the simplified route closed by a breached commitment (issue 15).
    assert sorted(m["measure_id"] for m in registration) == ["M-CN-01", "M-SX-02", "M-SX-08"]
    assert {m["measure_id"]: m["target"] for m in registration}["M-SX-08"] == "legal_rep"
    food = measures_for(tables, known["item_food_licence"])
    assert {"M-YZ-02", "M-NA-01"} <= {m["measure_id"] for m in food}
    # Real-estate registration protects a property right: no credit list restricts it.
    assert measures_for(tables, known["item_without_mapping"]) == []


def summary(entries: list[dict]) -> set[tuple[str, str, bool]]:
    """(list, state, in force on the data date) per entry."""
    return {(e["list_code"], e["state"], not e["expires_on"] or e["expires_on"] >= AS_OF)
            for e in entries}


EXPECTED = {
    "black": {("SXBZXR", "active", True)},
    "focus": {("JYYCML", "active", True)},
    "red": {("NSXYA", "active", True)},
    "red_customs": {("NSXYA", "active", True), ("HGGJRZ", "active", True)},
    "black_and_focus": {("SXBZXR", "active", True), ("QXNMGGZ", "active", True), ("JYYCML", "active", True)},
    "objection": {("YZWFSX", "objection", True)},
    "repaired": {("ZDSSWF", "repaired", True)},
    "expired_only": {("QXNMGGZ", "active", False)},
    "focus_environment": {("HBJSQY", "active", True)},
    "person_black": {("SXBZXR", "active", True)},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_codes_have_the_expected_entries(name, known, entries_by_subject, tables):
    code = known[name]
    assert summary(entries_by_subject[code]) == EXPECTED[name]
    kind = next(s["kind"] for s in tables["subjects"] if s["code"] == code)
    assert kind == ("person" if name.startswith("person") else "org")


def test_clear_and_unknown_codes(known, entries_by_subject, tables):
    subjects = {s["code"]: s for s in tables["subjects"]}
    for code in known["clear"] + [known["person_clear"]]:
        assert code in subjects and entries_by_subject[code] == []
    assert {subjects[c]["code"][:2] for c in known["clear"]} >= {"91", "92", "52"}
    assert uscc.is_valid(known["unknown_valid"]) and known["unknown_valid"] not in subjects
    assert subjects[known["person_black"]]["kind"] == "person"


def test_population_covers_every_situation(tables, entries_by_subject):
    entries = tables["entries"]
    for list_code in {row["list_code"] for row in tables["lists"]}:
        assert sum(e["list_code"] == list_code and e["state"] == "active" for e in entries) >= 15, list_code
    states = {e["state"] for e in entries}
    assert states == {"active", "objection", "repaired", "removed"}
    assert any(e["expires_on"] and e["expires_on"] < AS_OF for e in entries)
    persons = {s["code"] for s in tables["subjects"] if s["kind"] == "person"}
    persons_listed = {e["subject_code"] for e in entries} & persons
    assert len(persons_listed) >= 150
    multi = [code for code, es in entries_by_subject.items() if len({e["list_code"] for e in es}) > 1]
    assert len(multi) >= 100
    clear = sum(1 for s in tables["subjects"] if s["code"] not in entries_by_subject)
    assert clear >= len(tables["subjects"]) // 2


# --- realism: the real list types, items and legal basis the issue names ---------------------

REAL_LISTS = {
    # list code: (words its name must hold, severity)
    "SXBZXR": ("失信被执行人", "black"),
    "YZWFSX": ("严重违法失信", "black"),          # 严重违法失信企业名单, since 2021 市场监管总局令第44号
    "ZDSSWF": ("重大税收违法失信主体", "black"),
    "QXNMGGZ": ("拖欠农民工工资失信联合惩戒对象", "black"),
    "JYYCML": ("经营异常名录", "focus"),
    "NSXYA": ("A级纳税人", "red"),
    "HGGJRZ": ("海关高级认证企业", "red"),
}


def test_the_real_list_types_with_their_severities(tables):
    lists = {row["list_code"]: row for row in tables["lists"]}
    for code, (words, severity) in REAL_LISTS.items():
        assert words in lists[code]["list_name"] and lists[code]["severity"] == severity, lists[code]


# Each list's measures cite the instrument that created them: the joint punishment or incentive
# memorandum, or the regulation that replaced it (a clerk can look every one of these up).
REAL_BASIS = {
    "SXBZXR": "发改财金〔2016〕141号",
    "ZDSSWF": "发改财金〔2016〕2798号",
    "NSXYA": "发改财金〔2016〕1467号",
    "HGGJRZ": "发改财金〔2016〕2190号",
    "QXNMGGZ": "《保障农民工工资支付条例》",
    "YZWFSX": "《市场监督管理严重违法失信名单管理办法》",
}


def test_measures_carry_their_real_legal_basis(tables):
    for list_code, cited in REAL_BASIS.items():
        own = [m for m in tables["measures"] if m["list_code"] == list_code]
        assert own and any(cited in m["basis"] for m in own), list_code
    procurement = {m["list_code"]: m for m in tables["measures"] if m["category"] == "限制参与政府采购"}
    # 政府采购法 第二十二条 is what lets a purchaser refuse a court- or tax-listed supplier.
    for list_code in ("SXBZXR", "ZDSSWF"):
        assert "《中华人民共和国政府采购法》第二十二条" in procurement[list_code]["basis"]


def test_real_approval_items(tables):
    names = {row["name"] for row in tables["items"]}
    assert {"企业设立登记", "食品经营许可", "政府采购供应商资格审查", "建筑工程施工许可证核发",
            "不动产登记", "出口退（免）税申报审核"} <= names
    assert all(row["department"] for row in tables["items"])


def test_subject_names_are_fictional_but_plausible(tables):
    orgs = [s["name"] for s in tables["subjects"] if s["kind"] == "org"]
    assert sum(n.endswith(("有限公司", "有限责任公司", "股份有限公司")) for n in orgs) > len(orgs) // 2
    persons = [s["name"] for s in tables["subjects"] if s["kind"] == "person"]
    assert persons and all(2 <= len(n) <= 4 for n in persons)


# --- the committed snapshot is this generator's output, signed by the demo root, marked demo -

def test_committed_snapshot_is_the_generated_dataset_signed_by_the_demo_root(sources, tmp_path):
    from offline_cache.build import build
    from offline_cache.cli import verify_repository
    from offline_cache.store import SnapshotStore

    from offline_cache.demo import DEMO_SEALING_SALT

    built = build(sources, tmp_path / "rebuilt.sqlite", sealing_salt=DEMO_SEALING_SALT)
    v = verify_repository(DEMO_DIR / "repository", ROOT_PATH)
    full = v.full()
    assert v.buckets_for(full).hashes["sha256"] == built.table_sha256, \
        "resources/demo is stale: python -m offline_cache.demo"
    assert full.custom["version"] == 1 and full.custom["data_as_of"].startswith(AS_OF)
    assert full.custom["demo"] is True
    root = SnapshotStore(tmp_path / "store", ROOT_PATH).root()
    assert root.demo is True and "演示" in root.name and "DEMO" in root.name


# --- issue 10: measures bind the right subject, rest on a lawful basis; lapsed data is taken down --

def test_no_mandatory_punishment_rests_only_on_a_rule_or_a_memorandum(tables):
    for m in tables["measures"]:
        if m["nature"] == "punish" and m["mandatory"] == "true":
            assert m["basis_level"] not in WEAK_BASIS_LEVELS, m
        if m["nature"] == "reward":
            assert m["effect"] == "reward" and m["mandatory"] == "false", m


def test_person_only_measures_bind_persons_and_unit_only_ones_units(tables):
    by_id = {m["measure_id"]: m for m in tables["measures"]}
    # 公司法第一百七十八条 bars a natural person from the office, not the company that applies.
    assert by_id["M-SX-02"]["target"] == "person" and by_id["M-SX-07"]["target"] == "person"
    # A supplier may be a natural person too: the procurement refusal is not for units only.
    assert by_id["M-SX-01"]["target"] == "any" and "为单位的" not in by_id["M-SX-01"]["content"]
    assert by_id["M-SX-05"]["target"] == "org"


def test_legal_representative_change_and_officer_filing_are_separate_items(tables, known):
    items = {row["item_code"]: row for row in tables["items"]}
    assert items[known["item_legal_rep_change"]]["name"] == "企业变更登记（法定代表人）"
    assert items[known["item_officer_filing"]]["name"] == "企业备案（董事、监事、高级管理人员）"
    # Not M-SX-08: in a change of legal representative the unit's registered one is the one
    # leaving (公司法第一百七十八条第三款: the company must remove them); the incoming one is
    # checked by number and bound by M-SX-02.
    assert {m["measure_id"] for m in measures_for(tables, "SCJG-002")} == {"M-SX-02", "M-CN-01"}
    assert {m["measure_id"] for m in measures_for(tables, "SCJG-007")} == {"M-SX-07"}
    # The bodies that actually examine, not the finance bureau or the trading venue.
    assert items["CZ-001"]["department"].startswith("采购人")
    assert items["GGZY-001"]["department"].startswith("招标人")


def test_court_entries_are_never_repaired_nor_in_platform_objection(tables):
    court = [e for e in tables["entries"] if e["list_code"] == "SXBZXR"]
    assert {e["state"] for e in court} == {"active", "removed"}
    assert all("法院已删除" in e["basis"] for e in court if e["state"] == "removed")


def test_lapsed_entries_are_kept_only_while_the_publisher_still_carries_them(tables, known):
    lapsed = [e for e in tables["entries"]
              if e["state"] == "active" and e["expires_on"] and e["expires_on"] < AS_OF]
    assert [e["subject_code"] for e in lapsed] == [known["expired_only"]]
    removed = [e for e in tables["entries"] if e["state"] == "removed" and e["expires_on"]]
    assert removed and all(e["expires_on"] >= "2025-11-20" for e in removed)


def test_tax_ratings_follow_the_rules_in_force_on_the_data_date(tables):
    lists = {row["list_code"]: row for row in tables["lists"]}
    assert "2025年第12号" in lists["NSXYA"]["basis"]
    ratings = [e for e in tables["entries"] if e["list_code"] == "NSXYA"]
    assert ratings and all(e["basis"].startswith("《纳税缴费信用管理办法》") for e in ratings)
    # One rating per taxpayer: the newer year's result replaces the older.
    assert len({e["subject_code"] for e in ratings}) == len(ratings)
    assert all("40号" not in m["basis"] for m in tables["measures"] if m["list_code"] in ("NSXYA", "ZDSSWF"))
