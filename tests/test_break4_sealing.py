"""Records sealed by the faster append (the body serialised once, without dataclasses.asdict)
store the bytes the earlier code stored, and verify, for every kind of record a desk writes:
checks with related persons, a person checked through their unit (``via``), commitments and
their settlement, watch follow-ups, decisions, and text from outside holding unusual unicode,
control characters, markup and quotes; fields that are None or empty stay absent or null exactly
as before."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from datetime import datetime, timedelta

from casefile_fixtures import (BLACK_HIT, DESK, FOCUS_HIT, M_LIMIT, M_REVIEW, ORG_CODE,
                               PERSON_CODE, approve, black_result, body_as_asdict_gave, result)
from ui_fixtures import KNOWN

from desktop.casefile.commitments import Pledge
from desktop.casefile.record import CaseRecord
from desktop.casefile.store import CaseFile, Decision
from desktop.check.model import CHINA_TZ, CodeKind, PersonRef, RelatedParty, Source
from desktop.desk.context import DeskContext
from desktop.site import paths

ODD = ("\u202e反转\u202c \u200b零宽 \ufeffBOM 𠀀𪚥 e\u0301 \"引号\" \\反斜杠 <b>标记</b> "
       "\x01\x1f\x7f 控制 \t制表 \n换行 \r回车 \u2028行分隔 😀")


def assert_sealed_as_before(path) -> list[dict]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT record_id, body, hash FROM records ORDER BY record_id").fetchall()
        outbox = conn.execute("SELECT record_id, record_hash FROM outbox ORDER BY record_id").fetchall()
    assert rows, "nothing was written"
    prev = "0" * 64
    for record_id, body, hash_ in rows:
        record = CaseRecord.from_stored(body, hash_)
        assert body.encode() == body_as_asdict_gave(record) == record.canonical(), record_id
        assert hash_ == hashlib.sha256(body.encode()).hexdigest() == record.compute_hash()
        assert record.prev_hash == prev and record.record_id == record_id
        prev = hash_
    assert outbox == [(record_id, hash_) for record_id, _, hash_ in rows]
    return [json.loads(body) for _, body, _ in rows]


def test_hostile_text_related_persons_and_optional_fields_are_sealed_as_before(tmp_path):
    path = tmp_path / "cases.sqlite"
    odd_hit = dataclasses.replace(BLACK_HIT, list_name=ODD, authority=ODD, basis=ODD)
    party = RelatedParty(role="legal_rep", name=ODD, code_masked="440301********1234",
                         code=PERSON_CODE, ref="P-" + ODD, hits=(odd_hit, FOCUS_HIT))
    with CaseFile(path) as cf:
        cf.record_check(result(name=ODD), approve(note=ODD, case_no="BJ-" + ODD), DESK)
        cf.record_check(dataclasses.replace(result(source=Source.OFFLINE), subject=None), approve(note="已核对营业执照原件"), DESK)
        hit = dataclasses.replace(black_result(name=ODD), hits=(odd_hit, FOCUS_HIT),
                                  measures=(dataclasses.replace(M_LIMIT, content=ODD, basis=ODD),
                                            M_REVIEW), related=(party,))
        first = cf.record_check(hit, approve(outcome="rejected", measures_applied=("M-01",),
                                             note=ODD), DESK)
        via = dataclasses.replace(result(code=PERSON_CODE[:6] + "********" + PERSON_CODE[-4:],
                                         kind=CodeKind.PERSON, name=ODD),
                                  via=PersonRef(ORG_CODE, "legal_rep", "440301********1234", ODD,
                                                "P-" + ODD))
        cf.record_check(via, approve(note="经单位核查"), DESK)
        cf.record_decision(first.record_id, Decision(case_no="BJ-2", outcome="deferred", note=ODD,
                                                     measures_applied=("M-01", "M-02")), DESK)
        cf.record_follow_up(first.check_id, {"alert": 7, "change": ODD, "entry_id": "E-1001",
                                             "action": "revoked", "score": 0.1 + 0.2,
                                             "none": None, "list": (1, "二", None)}, ODD, DESK)
    stored = assert_sealed_as_before(path)
    assert stored[1]["subject_name"] is None and stored[1]["snapshot_version"] == 42
    assert stored[0]["subject_name"] == ODD and stored[2]["related"][0]["name"] == ODD
    assert "via" in stored[3] and "via" not in stored[0]
    assert stored[5]["follow_up"]["score"] == 0.1 + 0.2 and stored[5]["follow_up"]["list"] == [1, "二", None]
    assert all("commitment" not in r for r in stored) and "follow_up" not in stored[4]
    with CaseFile(path) as cf:
        assert cf.verify().ok


def test_real_checks_with_commitments_and_their_breach_are_sealed_as_before(tmp_path, desk_env):
    ctx = DeskContext.from_environment()
    item = KNOWN["item_with_tolerance"]
    due = (datetime.now(CHINA_TZ).date() + timedelta(days=3)).isoformat()
    try:
        cf = ctx.case_file
        unit = ctx.checker.check(KNOWN["unit_rep_wages"], item)
        assert unit.related, "the demo unit should come with its legal representative"
        applied = tuple(m.measure_id for m in unit.measures if m.mandatory)
        pledged = cf.record_check(unit, Decision(
            case_no="GZ-1", outcome="approved_with_conditions", measures_applied=applied,
            note="容缺受理：" + ODD, commitment=Pledge("tolerance", "CN-" + ODD, (ODD, "安全措施资料"), due)),
            ctx.desk)
        person = ctx.checker.check_related(PersonRef.of(unit.code, unit.related[0]), item,
                                           purpose="办理")
        cf.record_check(person, Decision(case_no="GZ-2", outcome="referred", note="F6",
                                         measures_applied=tuple(m.measure_id for m in person.measures
                                                                if m.mandatory)), ctx.desk)
        cf.record_commitment(pledged.check_id, "breached", "期限届满未补齐：" + ODD, ctx.desk)
        for name in ("black_and_focus", "objection", "repaired", "red"):
            r = ctx.checker.check(KNOWN[name], item)
            cf.record_check(r, Decision(case_no="GZ-" + name, outcome="referred",
                                        note="核实", measures_applied=tuple(
                                            m.measure_id for m in r.measures if m.mandatory)), ctx.desk)
    finally:
        ctx.case_file.close()
    stored = assert_sealed_as_before(paths.case_file())
    assert stored[0]["commitment"]["missing"] == [ODD, "安全措施资料"]
    assert stored[1]["via"]["role"] == unit.related[0].role
    assert stored[2]["commitment"]["state"] == "breached"
