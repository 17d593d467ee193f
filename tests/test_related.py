"""Issue 15 through the command line and the reference platform: a unit's people are checked with
it (online and offline alike), measures bind through them, a commitment is recorded with its form,
fulfilled or breached later, listed when due, counted per month; and every bad input is refused
with what to do while nothing is written."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from casefile_fixtures import queued_feedback
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.casefile.store import CaseFile
from desktop.check.model import CHINA_TZ
from desktop.site import paths
from offline_cache.build import build
from offline_cache.errors import BuildError

UNIT = KNOWN["unit_rep_listed"]          # legal representative on the 失信被执行人 list
WAGES = KNOWN["unit_rep_wages"]          # legal representative on the wage-arrears list
CLEAN = KNOWN["unit_rep_clear"]
BREACHED = KNOWN["commitment_breached"]
REGISTRATION = KNOWN["item_company_registration"]   # SCJG-001
TOLERANCE_ITEM = KNOWN["item_with_tolerance"]        # ZJ-001: accepts 容缺 only
LISTED_PERSON = KNOWN["person_black"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, code, item, *extra):
    status, out, err = run(capsys, "check", code, "--item", item, "--json", *extra)
    return status, json.loads(out), err


def future(days: int) -> str:
    return (datetime.now(CHINA_TZ).date() + timedelta(days=days)).isoformat()


def records():
    with CaseFile(paths.case_file()) as cf:
        return cf.query()


def outbox():
    return queued_feedback(paths.case_file())


def tolerance(capsys, *extra, due=None, code=WAGES):
    return run(capsys, "check", code, "--item", TOLERANCE_ITEM, "--record", "--case-no", "RQ-1",
               "--outcome", "approved_with_conditions", "--commitment", "tolerance",
               "--form-no", "CN-2026-0042", "--due", due or future(5),
               "--missing", "施工图审查合格书", "--json", *extra)


# -- the check -------------------------------------------------------------------------------

def test_a_units_legal_representative_is_checked_with_it_and_the_measure_binds_through_them(capsys):
    status, r, _ = check(capsys, UNIT, REGISTRATION, "--offline")
    assert status == 0 and r["status"] == "clear"            # the unit itself is on no list
    rep = next(p for p in r["related"] if p["role"] == "legal_rep")
    assert rep["code_masked"] == LISTED_PERSON[:6] + "********" + LISTED_PERSON[-4:]
    assert LISTED_PERSON not in json.dumps(r)                 # never the whole number
    assert [h["list_code"] for h in rep["hits"]] == ["SXBZXR"]
    m = {x["measure_id"]: x for x in r["measures"]}["M-SX-08"]
    assert (m["target"], m["applies"], m["mandatory"]) == ("legal_rep", True, True)
    assert r["suggested_outcome"] == "rejected"
    assert any("法定代表人" in n and "失信被执行人" in n for n in r["notices"])
    _, out, _ = run(capsys, "check", UNIT, "--item", REGISTRATION, "--offline")
    assert "关联人员：" in out and "法定代表人 " in out and LISTED_PERSON not in out


def test_a_change_of_legal_representative_is_not_refused_for_the_one_leaving(capsys):
    """SCJG-002 changes the legal representative: the unit's registered one, listed, is the one
    the change removes (公司法第一百七十八条第三款), so M-SX-08 is not mapped there; the incoming
    one is checked by number, and M-SX-02 refuses the registration of a listed one."""
    change = KNOWN["item_legal_rep_change"]
    _, unit, _ = check(capsys, UNIT, change, "--offline")
    assert unit["related"][0]["hits"]                        # still shown to the clerk
    assert "M-SX-08" not in {m["measure_id"] for m in unit["measures"]}
    assert unit["suggested_outcome"] != "rejected"
    _, incoming, _ = check(capsys, LISTED_PERSON, change, "--offline", "--purpose", "依法履职：变更登记")
    assert [(m["measure_id"], m["applies"]) for m in incoming["measures"]] == [("M-SX-02", True)]
    assert incoming["suggested_outcome"] == "rejected"


def test_a_clean_legal_representative_changes_nothing(capsys):
    _, r, _ = check(capsys, CLEAN, REGISTRATION, "--offline")
    assert {p["role"] for p in r["related"]} == {"legal_rep", "principal"}
    assert all(p["hits"] == [] for p in r["related"])
    assert r["measures"] == [] and r["suggested_outcome"] == "approved"


def test_the_platform_answers_with_the_people_and_the_desk_shows_the_same(capsys, online):
    online.configure()
    online.install_snapshot()
    _, offline, _ = check(capsys, UNIT, REGISTRATION, "--offline")
    _, live, _ = check(capsys, UNIT, REGISTRATION)
    assert live["source"] == "platform"
    strip = lambda people: [(p["role"], p["name"], p["code_masked"], [h["entry_id"] for h in p["hits"]])
                            for p in people]
    assert strip(live["related"]) == strip(offline["related"])
    assert all(p["ref"] for p in live["related"]) and all(not p["ref"] for p in offline["related"])
    assert live["suggested_outcome"] == offline["suggested_outcome"] == "rejected"
    # v1.1: the code went in the signed body, never in the URL.
    assert [e.path for e in online.platform.log] == ["/api/v1/subjects/query"]


_PERSON = {"role": "legal_rep", "code_masked": "110101********1234", "ref": "P-1", "name": "张三", "hits": []}
_COMMITMENT = {"commitment_id": "C-1", "type": "tolerance", "made_on": "2026-01-05", "state": "breached"}


@pytest.mark.parametrize("mode, options, reason", [
    ("missing_field", {"field": "related"}, "平台应答缺少字段 related"),
    ("wrong_type", {"field": "commitments"}, "平台应答字段 commitments 的类型或取值不对"),
    ("unmasked_related", {}, "平台应答字段 related[0].code_masked 的类型或取值不对"),
    # A whole number split by a space or dashes, or markup round a masked one (break attempt 18)
    *(("wrong_type", {"field": "related", "value": [{**_PERSON, "code_masked": masked}]},
       "平台应答字段 related[0].code_masked 的类型或取值不对")
      for masked in ("1101011990 01011234*", "110101-19900101-1234*")),
    # The same person twice would be shown, checked and recorded twice; a unit has one legal
    # representative; a commitment counted twice would inflate the statistics.
    ("wrong_type", {"field": "related", "value": [_PERSON, _PERSON]}, "平台应答字段 related[1] 重复列出关联人员"),
    ("wrong_type", {"field": "related", "value": [_PERSON, {**_PERSON, "ref": "P-2", "name": "李四"}]},
     "平台应答字段 related[1] 重复列出关联人员"),
    ("wrong_type", {"field": "commitments", "value": [_COMMITMENT, _COMMITMENT]},
     "平台应答字段 commitments[1].commitment_id 的类型或取值不对"),
])
def test_people_or_commitments_that_break_the_contract_fall_back(capsys, online, mode, options, reason):
    online.configure()
    online.install_snapshot()
    online.platform.fault(mode, scope="subjects", **options)
    status, r, _ = check(capsys, UNIT, REGISTRATION)
    assert status == 0 and r["source"] == "offline" and reason in r["reason"]
    assert LISTED_PERSON not in json.dumps(r)
    assert r["related"][0]["hits"]                             # the offline answer has them


def test_a_breached_commitment_on_record_closes_the_simplified_route(capsys):
    _, r, _ = check(capsys, BREACHED, "SCJG-003", "--offline")
    assert r["commitments"][0]["state"] == "breached"
    assert r["commitments_offered"] == []
    assert "不适用告知承诺、容缺受理" in r["commitments_closed"]
    assert {m["measure_id"]: m["effect"] for m in r["measures"]}["M-CN-01"] == "general_procedure"
    _, out, _ = run(capsys, "items", "--json")
    items = {i["item_code"]: i for i in map(json.loads, out.splitlines())}
    assert items["SCJG-003"]["commitments"] == ["notification", "tolerance"]
    assert items["ZRZY-001"]["commitments"] == []


# -- recording a commitment ----------------------------------------------------------------

def test_a_tolerance_commitment_is_recorded_fed_back_and_fulfilled(capsys):
    status, out, _ = tolerance(capsys)
    assert status == 0
    [rec] = records()
    assert rec.commitment == {"type": "tolerance", "template_id": "GD-XYCN-02",
                              "template_version": "2021.1", "form_no": "CN-2026-0042",
                              "missing": ["施工图审查合格书"], "due": future(5), "state": "open"}
    rep = rec.related[0]
    # The snapshot names people by masked number only (sealed persons): so does the record.
    assert rep.role == "legal_rep" and rep.code == "" and "*" in rep.code_masked and rep.hits
    [fb] = outbox()
    assert fb["commitment"]["state"] == "open" and fb["related"][0]["code"] == rep.code
    assert "decision_kind" not in fb

    code, out, err = run(capsys, "cases", "due", "--json")
    [due] = [json.loads(line) for line in out.splitlines()]
    assert (due["check_id"], due["days_left"], due["overdue"]) == (rec.record_id, 5, False)

    code, out, _ = run(capsys, "cases", "due", "--settle", str(rec.record_id), "--state", "fulfilled")
    assert code == 0 and "已履约" in out
    assert records()[-1].commitment["state"] == "fulfilled"
    assert outbox()[-1]["decision_kind"] == "commitment"
    assert run(capsys, "cases", "due", "--json")[1] == ""
    code, _, err = run(capsys, "cases", "due", "--settle", str(rec.record_id), "--state", "breached",
                       "--note", "x", "--yes")
    assert code == 2 and "已处理" in err and len(records()) == 2
    assert run(capsys, "cases", "verify")[0] == 0


@pytest.mark.parametrize("record", ["abc", "0", "-1", "99999999999999999999999"])
def test_settling_a_record_number_that_cannot_be_one_says_so(capsys, record):
    tolerance(capsys)
    with pytest.raises(SystemExit) as exit_:
        main(["cases", "due", "--settle", record, "--state", "fulfilled"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "不是记录号" in err and "Traceback" not in err
    assert len(records()) == 1


@pytest.mark.parametrize("days, message", [("-1", "天数应在 0 到 3650 之间"), ("3651", "天数应在 0 到 3650 之间"),
                                           ("99999999999999999999", "天数应在 0 到 3650 之间"),
                                           ("huge", "不是天数"), ("1e3", "不是天数"), ("", "不是天数")])
def test_due_days_outside_the_range_are_refused_with_what_is_allowed(capsys, days, message):
    with pytest.raises(SystemExit) as exit_:
        main(["cases", "due", "--days", days, "--json"])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and message in err and out == ""


def test_a_breach_says_what_follows_and_needs_confirming(capsys):
    tolerance(capsys)
    code, _, err = run(capsys, "cases", "due", "--settle", "1", "--state", "breached", "--note", "未补齐")
    assert code == 2 and "不能再适用告知承诺" in err and "--yes" in err and len(records()) == 1
    code, _, err = run(capsys, "cases", "due", "--settle", "1", "--state", "breached", "--yes")
    assert code == 2 and "说明" in err and len(records()) == 1
    code, out, _ = run(capsys, "cases", "due", "--settle", "1", "--state", "breached", "--yes",
                       "--note", "期限届满未补齐材料")
    assert code == 0 and records()[-1].commitment["state"] == "breached"
    # The breach follows the subject at this desk before the platform has listed it.
    code, _, err = tolerance(capsys)
    assert code == 2 and "承诺不实" in err and len(records()) == 2


@pytest.mark.parametrize("breached, edit", [
    (True, "json_set(body, '$.commitment.state', 'open')"),       # a breach turned back by hand
    (False, "json_set(body, '$.commitment.due', '2099-01-01')"),  # a deadline moved by hand
])
def test_a_commitment_whose_record_fails_verify_cannot_be_settled(capsys, breached, edit):
    tolerance(capsys)
    if breached:
        run(capsys, "cases", "due", "--settle", "1", "--state", "breached", "--yes", "--note", "未补齐")
    before = len(records()), len(outbox())
    conn = sqlite3.connect(paths.case_file())
    conn.execute(f"UPDATE records SET body = {edit} WHERE record_id = ?", (before[0],))
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "cases", "due", "--settle", "1", "--state", "fulfilled")
    assert code == 2 and "未通过档案校验" in err and "cases verify" in err
    assert (len(records()), len(outbox())) == before


@pytest.mark.parametrize("argv, message", [
    (["--commitment", "notification", "--form-no", "F1"], "本事项不接受告知承诺"),
    (["--commitment", "tolerance", "--form-no", "F1", "--due", "2020-01-01", "--missing", "x"],
     "不在今天"),
    (["--commitment", "tolerance", "--form-no", "", "--due", "2099-01-01", "--missing", "x"],
     "承诺书的编号"),
    (["--commitment", "tolerance", "--form-no", "F1", "--missing", "x"], "补齐材料的期限"),
    (["--commitment", "tolerance", "--form-no", "F1", "--due", "2099-01-01"], "欠缺的材料"),
    (["--form-no", "F1"], "请用 --commitment"),
    (["--commitment", "tolerance", "--form-no", "F1", "--due", "20991231", "--missing", "x"],
     "请写成 YYYY-MM-DD"),
    (["--commitment", "tolerance", "--form-no", "F1", "--due", "2099-W52-1", "--missing", "x"],
     "请写成 YYYY-MM-DD"),
])
def test_bad_commitments_are_refused_and_nothing_is_written(capsys, argv, message):
    code, _, err = run(capsys, "check", WAGES, "--item", TOLERANCE_ITEM, "--record", "--case-no", "R",
                       "--outcome", "approved_with_conditions", *argv)
    assert code == 2 and message in err
    assert records() == []


def test_no_commitment_for_a_refused_application(capsys):
    code, _, err = run(capsys, "check", WAGES, "--item", TOLERANCE_ITEM, "--record", "--case-no", "R",
                       "--outcome", "rejected", "--commitment", "tolerance", "--form-no", "F",
                       "--due", future(3), "--missing", "x")
    assert code == 2 and "准予办理" in err and records() == []


def test_overdue_commitments_are_listed_first_and_counted(capsys, monkeypatch):
    tolerance(capsys, due=future(2))
    tolerance(capsys, due=future(20), code=CLEAN)
    # Two days later plus one: the first is overdue by a day, the second is not yet in 7 days.
    later = datetime.now(CHINA_TZ) + timedelta(days=3)
    monkeypatch.setattr("desktop.app.commands.due.datetime",
                        type("Later", (datetime,), {"now": classmethod(lambda cls, tz=None: later)}))
    code, out, _ = run(capsys, "cases", "due", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["overdue"], r["days_left"]) for r in rows] == [(True, -1)]
    code, out, _ = run(capsys, "cases", "due", "--days", "30", "--json")
    assert len(out.splitlines()) == 2
    month = datetime.now(CHINA_TZ).strftime("%Y-%m")
    code, out, _ = run(capsys, "cases", "stats", "--month", month)
    assert "作出信用承诺" in out and out.split("作出信用承诺")[1].split()[0] == "2"


# -- the data -------------------------------------------------------------------------------

def _sources(tmp_path, relations: str, commitments: str = "", item_commitments: str = ""):
    from offline_cache import demo

    src = tmp_path / "src"
    demo.write_sources(src)
    (src / "relations.csv").write_text("unit_code,role,person_code,person_name,person_tag\n" + relations,
                                       encoding="utf-8")
    if commitments:
        (src / "commitments.csv").write_text(
            "commitment_id,subject_code,type,made_on,state\n" + commitments, encoding="utf-8")
    if item_commitments:
        (src / "item_commitments.csv").write_text("item_code,type\n" + item_commitments,
                                                  encoding="utf-8")
    return src


@pytest.mark.parametrize("relations, commitments, items, column, problem", [
    ("91440106MA1TENUR68,legal_rep,440303200002106268,某人,\n", "", "", "unit_code", "不存在"),
    (f"{UNIT},director,440303200002106268,某人,\n", "", "", "role", ""),
    ("", f"C1,{UNIT},promise,2026-01-01,open\n", "", "type", ""),
    ("", f"C1,{UNIT},tolerance,2026-13-01,open\n", "", "made_on", ""),
    ("", "", "SCJG-001,maybe\n", "type", ""),
])
def test_the_publisher_refuses_bad_relations_and_commitments(tmp_path, relations, commitments,
                                                             items, column, problem):
    src = _sources(tmp_path, relations, commitments, items)
    with pytest.raises(BuildError) as exc:
        build(src, tmp_path / "out.sqlite")
    assert exc.value.column == column and problem in str(exc.value)
    assert not (tmp_path / "out.sqlite").exists()


def test_a_region_without_people_or_commitments_still_builds(tmp_path):
    from offline_cache.reader import SnapshotReader

    src = _sources(tmp_path, "")
    for name in ("relations", "commitments", "item_commitments"):
        (src / f"{name}.csv").unlink()
    build(src, tmp_path / "out.sqlite")
    from offline_cache.buckets import BucketTable
    from offline_cache.build import bucket_path

    out = tmp_path / "out.sqlite"
    with SnapshotReader(out, BucketTable.from_bytes(bucket_path(out).read_bytes())) as reader:
        found = reader.lookup(UNIT, REGISTRATION)
        assert found.related == () and reader.item(REGISTRATION).commitments == ()


def test_demo_people_cover_both_cases():
    from offline_cache.reader import SnapshotReader

    from offline_cache.buckets import BucketTable

    targets = paths.resources() / "demo" / "repository" / "targets"
    table = BucketTable.from_bytes((targets / "buckets-000001.bin").read_bytes())
    with SnapshotReader(targets / "snapshot-000001.sqlite", table) as reader:
        counts = reader.counts()
        assert counts["relations"] >= 800 and counts["commitments"] >= 200
        listed = clean = 0
        for code in (KNOWN["black"], KNOWN["black_and_focus"], UNIT, CLEAN, WAGES, *KNOWN["clear"]):
            for person in reader.lookup(code, None).related:
                listed += bool(person.hits)
                clean += not person.hits
        assert listed >= 2 and clean >= 3
        assert date.fromisoformat(reader.lookup(BREACHED, None).commitments[0].made_on)


def test_the_sheet_names_a_listed_legal_representative_masked_and_the_commitment(capsys, tmp_path,
                                                                                qapp):
    import pypdf

    from desktop.casefile import sheet

    assert tolerance(capsys)[0] == 0
    [rec] = records()
    html = sheet.sheet_html(rec)
    rep = rec.related[0]
    assert rep.code_masked in html and "拖欠农民工工资" in html
    assert "容缺受理承诺" in html and "CN-2026-0042" in html and "施工图审查合格书" in html
    path = sheet.render_sheet(rec, tmp_path / "sheet.pdf")
    assert len(pypdf.PdfReader(path).pages) == 1


# -- one of a unit's people on their own (F6), by the reference the unit's result gave ----------

def person_check(ctx, unit_code, item, index=0, **options):
    from desktop.check.model import PersonRef

    unit = ctx.checker.check(unit_code, item, offline_only=options.pop("unit_offline", False))
    return unit, ctx.checker.check_related(PersonRef.of(unit_code, unit.related[index]), item,
                                           purpose="政府采购：供应商法定代表人核查", **options)


def access_rows():
    with CaseFile(paths.case_file()) as cf:
        return cf.access_records()


def test_a_listed_legal_representative_is_checked_on_their_own_offline_and_recorded(capsys):
    from desktop.casefile.store import Decision, Desk
    from desktop.check.purpose import PurposeRequired
    from desktop.desk.context import DeskContext

    ctx = DeskContext.from_environment()
    unit, r = person_check(ctx, UNIT, REGISTRATION)
    rep = unit.related[0]
    assert (r.kind, r.status, r.source, r.code) == ("person", "hit", "offline", rep.code_masked)
    assert [h.entry_id for h in r.hits] == [h.entry_id for h in rep.hits]
    assert r.subject.name == rep.name and r.via.unit_code == UNIT and r.via.role == "legal_rep"
    # The person's own measures: M-SX-02 binds a natural person (applies); M-SX-08 binds a unit
    # through its legal representative (shown, not applying to the person checked).
    applies = {m.measure_id: m.applies for m in r.measures}
    assert applies == {"M-SX-02": True, "M-SX-08": False}
    assert r.suggested_outcome == "rejected"
    assert LISTED_PERSON not in json.dumps(r.to_json(mask=True), ensure_ascii=False)
    with pytest.raises(PurposeRequired):
        ctx.checker.check_related(r.via, REGISTRATION, purpose=" ")
    # Two people shown with the unit, then the person looked up on their own: three accesses.
    rows = access_rows()
    assert [x.subject for x in rows] == [p.code_masked for p in unit.related] + [rep.code_masked]
    assert rows[-1].purpose == "政府采购：供应商法定代表人核查" and rows[-1].status == "hit"

    record = ctx.case_file.record_check(r, Decision("GZ-2026-0160", "rejected",
                                                    measures_applied=("M-SX-02",)), ctx.desk)
    assert record.subject_code == rep.code_masked and record.subject_kind == "person"
    assert record.via == {"unit_code": UNIT, "role": "legal_rep", "ref": ""}
    [payload] = outbox()
    assert payload["via"] == record.via and payload["subject_code"] == rep.code_masked
    assert run(capsys, "cases", "verify")[0] == 0
    ctx.case_file.close()


def test_a_legal_representative_is_checked_by_the_platforms_ref_and_falls_back_offline(capsys, online):
    from desktop.desk.context import DeskContext

    online.configure()
    online.install_snapshot()
    ctx = DeskContext.from_environment()
    unit, r = person_check(ctx, UNIT, REGISTRATION)
    rep = unit.related[0]
    assert unit.source == "platform" and rep.ref
    assert (r.source, r.status, r.code, r.via.ref) == ("platform", "hit", rep.code_masked, rep.ref)
    assert {m.measure_id for m in r.measures if m.applies} == {"M-SX-02"}
    asked = [e for e in online.platform.log if e.path == "/api/v1/subjects/query"]
    assert len(asked) == 2 and json.loads(asked[1].body) == {"ref": rep.ref, "item": REGISTRATION}
    # The platform down: the same person from the installed snapshot, saying why.
    online.platform.fault("500", scope="subjects")
    fallback = ctx.checker.check_related(r.via, REGISTRATION, purpose="依法履职")
    assert (fallback.source, fallback.status) == ("offline", "hit")
    assert [h.entry_id for h in fallback.hits] == [h.entry_id for h in r.hits]
    assert "已使用离线数据" in str(fallback.reason)
    ctx.case_file.close()


def add_platform_only_principal(conn):
    """The platform's newer data names a principal of a unit the desk's snapshot has no people
    for: UNIT's listed legal representative, by their masked number and sealing tag."""
    conn.execute("INSERT INTO relations(unit_code, role, person_code, person_name, person_tag) "
                 "SELECT ?, 'principal', person_code, person_name, person_tag FROM relations "
                 "WHERE unit_code = ? AND role = 'legal_rep'", (KNOWN["clear"][0], UNIT))


def test_a_person_only_the_platform_names_is_checked_online_and_unverified_offline(capsys, online):
    from desktop.desk.context import DeskContext

    online.configure()
    online.install_snapshot()
    online.platform.publisher.publish(add_platform_only_principal)
    ctx = DeskContext.from_environment()
    unit, r = person_check(ctx, KNOWN["clear"][0], REGISTRATION)
    assert [p.role for p in unit.related] == ["principal"] and unit.related[0].hits
    assert (r.source, r.status) == ("platform", "hit")
    online.platform.fault("500", scope="subjects")
    alone = ctx.checker.check_related(r.via, REGISTRATION, purpose="依法履职")
    assert (alone.status, alone.source, alone.hits) == ("unverified", "offline", ())
    assert "只见于信用平台" in str(alone.reason)
    ctx.case_file.close()


@pytest.mark.parametrize("field, value, reason", [
    ("subject.code", LISTED_PERSON, "平台应答的主体代码与所查代码不符"),   # a whole number: never shown
    ("subject.kind", "org", "平台应答字段 subject 的类型或取值不对"),
    ("hits", "not a list", "平台应答字段 hits 的类型或取值不对"),
])
def test_a_person_answer_that_breaks_the_contract_falls_back(capsys, online, field, value, reason):
    from desktop.check.model import PersonRef
    from desktop.desk.context import DeskContext

    online.configure()
    online.install_snapshot()
    ctx = DeskContext.from_environment()
    unit = ctx.checker.check(UNIT, REGISTRATION)
    online.platform.fault("wrong_type", scope="subjects", field=field, value=value)
    r = ctx.checker.check_related(PersonRef.of(UNIT, unit.related[0]), REGISTRATION, purpose="依法履职")
    assert (r.source, r.status) == ("offline", "hit") and reason in str(r.reason)
    assert LISTED_PERSON not in json.dumps(r.to_json(mask=True), ensure_ascii=False)
    ctx.case_file.close()


@pytest.mark.parametrize("masked", ["E1234****", "H1234****5", "110101 ******** 1234"])
def test_a_passport_or_permit_number_masked_is_a_persons_masked_number_too(capsys, online, masked):
    """Not every person of a unit holds a resident identity card (break attempt 19)."""
    online.configure()
    online.install_snapshot()
    online.platform.fault("wrong_type", scope="subjects", field="related",
                          value=[{**_PERSON, "code_masked": masked}])
    status, r, _ = check(capsys, UNIT, REGISTRATION)
    assert status == 0 and r["source"] == "platform" and r["related"][0]["code_masked"] == masked
