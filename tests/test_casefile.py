"""The case file: what a record holds, its feedback, the rules for recording, the hash chain."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from datetime import date

import pytest
from casefile_fixtures import (
    BLACK_HIT,
    DESK,
    FOCUS_HIT,
    ITEM,
    M_LIMIT,
    M_REVIEW,
    ORG_CODE,
    PERSON_CODE,
    approve,
    black_result,
    body_as_asdict_gave,
    queued_feedback,
    result,
)

from desktop.casefile import witness
from desktop.casefile.record import GENESIS_HASH, CaseRecord
from desktop.casefile.store import (
    CaseFile,
    Decision,
    Desk,
    RecordNotFound,
    RecordRefused,
)
from desktop.check.model import CodeKind, RelatedParty, Source, Status

FEEDBACK_FIELDS = {"feedback_id", "case_no", "item_code", "subject_code", "checked_at", "operator",
                   "hall", "window", "source", "snapshot_version", "status", "entry_ids",
                   "measures_applied", "outcome", "note", "entries_not_counted", "record_no",
                   "record_hash", "prev_hash"}


@pytest.fixture
def cf(tmp_path):
    with CaseFile(tmp_path / "cases.sqlite") as case_file:
        yield case_file


def outbox(cf: CaseFile) -> list[dict]:
    return [dict(zip(("feedback_id", "record_id", "record_hash", "created_at"), row))
            for row in cf.db.execute("SELECT feedback_id, record_id, record_hash, created_at "
                                     "FROM outbox ORDER BY record_id").fetchall()]


def test_record_check_holds_every_field_and_is_chained(cf):
    r = cf.record_check(black_result(), approve(outcome="rejected", measures_applied=("M-01",)),
                        DESK)
    assert (r.record_id, r.kind, r.refers_to, r.check_id) == (1, "check", None, 1)
    assert r.prev_hash == GENESIS_HASH
    assert r.hash == hashlib.sha256(r.canonical()).hexdigest()
    assert (r.case_no, r.item_code, r.item_name) == ("BJ-2026-0001", ITEM.item_code, ITEM.name)
    assert (r.subject_code, r.subject_kind) == (ORG_CODE, "org")
    assert (r.operator, r.hall, r.window) == (DESK.operator, DESK.hall, DESK.window)
    assert (r.status, r.source, r.severities, r.entry_ids) == ("hit", "platform", ("black",),
                                                               ("E-1001",))
    assert r.checked_at == "2026-11-03T02:15:00Z"
    assert r.measures_shown == (M_LIMIT,) and r.measures_applied == ("M-01",)
    assert cf.get(1) == r
    second = cf.record_check(result(), approve(case_no="BJ-2"), DESK)
    assert second.prev_hash == r.hash and cf.head() == second.hash


def test_canonical_form_is_sorted_compact_utf8_of_every_field_but_hash(cf):
    r = cf.record_check(black_result(), approve(measures_applied=("M-01",)), DESK)
    body = cf.db.execute("SELECT body FROM records").fetchone()[0]
    data = json.loads(body)
    assert set(data) == set(r.content()) and "hash" not in data and "prev_hash" in data
    assert body == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "失信被执行人名单" in body  # not \u-escaped


def test_stored_bytes_are_those_of_every_field_as_the_dataclass_gives_them(cf):
    """The body is serialised without dataclasses.asdict (for speed): a record with nested hits,
    related parties and the optional dicts must still store the bytes asdict gives, or the hashes
    of new records would stop matching what every earlier version wrote and verified."""
    party = RelatedParty(role="legal_rep", name="张三", code_masked="440301********1234",
                         code=PERSON_CODE, ref="P-1", hits=(FOCUS_HIT,))
    checked = dataclasses.replace(black_result(), hits=(BLACK_HIT, FOCUS_HIT),
                                  measures=(M_LIMIT, M_REVIEW), related=(party,))
    r = cf.record_check(checked, approve(outcome="rejected", measures_applied=("M-01",)), DESK)
    stored = cf.db.execute("SELECT body FROM records").fetchone()[0].encode()
    assert stored == body_as_asdict_gave(r) and r.hash == hashlib.sha256(stored).hexdigest()
    rich = dataclasses.replace(r, follow_up={"alert": 3, "action": "revoked"},
                               commitment={"type": "general", "missing": ["营业执照"]},
                               via={"unit_code": ORG_CODE, "role": "legal_rep", "ref": "P-1"})
    assert rich.canonical() == body_as_asdict_gave(rich)


def test_feedback_is_queued_with_the_record_and_carries_the_whole_code(cf):
    person = result(code=PERSON_CODE, kind=CodeKind.PERSON, source=Source.OFFLINE, name="张三")
    r = cf.record_check(person, approve(note="核对无误"), DESK)
    [row] = outbox(cf)
    [payload] = queued_feedback(cf.path)
    assert set(payload) == FEEDBACK_FIELDS
    assert row["feedback_id"] == payload["feedback_id"] == r.feedback_id
    assert row["record_id"] == r.record_id and row["created_at"] == r.recorded_at
    assert row["record_hash"] == r.hash
    assert payload["subject_code"] == PERSON_CODE  # the platform needs it whole
    assert payload["record_hash"] == r.hash == cf.head()
    assert (payload["record_no"], payload["prev_hash"]) == (1, GENESIS_HASH)
    assert payload["snapshot_version"] == 42 and payload["source"] == "offline"
    assert payload["entry_ids"] == [] and payload["note"] == "核对无误"
    assert r.to_json(mask=True)["subject_code"] == "440301********1234"


def test_failed_append_leaves_neither_record_nor_feedback(cf):
    cf.db.execute("CREATE TRIGGER no_outbox BEFORE INSERT ON outbox "
                  "BEGIN SELECT RAISE(ABORT, 'outbox refuses'); END")
    with pytest.raises(Exception):
        cf.record_check(result(), approve(), DESK)
    assert cf.count() == 0 and outbox(cf) == []


def test_decision_is_a_new_record_pointing_at_the_old_one(cf):
    first = cf.record_check(black_result(), approve(outcome="deferred",
                                                    measures_applied=("M-01",)), DESK)
    later = Desk(operator="op-0200", hall=DESK.hall, window="3")
    fix = cf.record_decision(first.record_id, Decision(
        case_no="BJ-2026-0001", outcome="rejected", measures_applied=("M-01",)), later)
    again = cf.record_decision(fix.record_id, Decision(
        case_no="BJ-2026-0001", outcome="approved", note="法院已撤销失信决定"), later)
    assert (fix.kind, fix.refers_to, fix.check_id) == ("decision", 1, 1)
    assert (again.refers_to, again.check_id) == (2, 1)
    assert again.status == "hit" and again.hits == first.hits
    assert again.checked_at == first.checked_at
    assert again.operator == "op-0200" and again.measures_applied == ()
    assert cf.get(1) == first  # the old record is never updated
    assert [f["outcome"] for f in queued_feedback(cf.path)] == [
        "deferred", "rejected", "approved"]
    with pytest.raises(RecordNotFound):
        cf.record_decision(99, approve(), DESK)


def test_person_check_needs_a_case_number(cf):
    person = result(code=PERSON_CODE, kind=CodeKind.PERSON)
    with pytest.raises(RecordRefused, match="办件编号") as exc:
        cf.record_check(person, approve(case_no="  "), DESK)
    assert exc.value.exit_code == 2 and cf.count() == 0
    cf.record_check(result(), approve(case_no=""), DESK)  # organisations: no purpose needed


def test_mandatory_measure_dropped_needs_a_note(cf):
    with pytest.raises(RecordRefused, match="M-01") as exc:
        cf.record_check(black_result(), approve(outcome="rejected"), DESK)
    assert exc.value.exit_code == 2 and cf.count() == 0 and outbox(cf) == []
    r = cf.record_check(black_result(), approve(outcome="rejected", note="已由上级批准暂不执行"),
                        DESK)
    assert r.measures_applied == () and r.note == "已由上级批准暂不执行"
    with pytest.raises(RecordRefused):
        cf.record_decision(r.record_id, approve(outcome="approved"), DESK)


def test_optional_measure_may_be_left_and_unknown_measures_are_refused(cf):
    hit = result(status=Status.HIT, hits=(FOCUS_HIT,), measures=(M_REVIEW,))
    assert cf.record_check(hit, approve(), DESK).measures_applied == ()
    with pytest.raises(RecordRefused, match="M-99"):
        cf.record_check(hit, approve(measures_applied=("M-99",)), DESK)
    with pytest.raises(RecordRefused, match="办理结果"):
        cf.record_check(hit, approve(outcome="ok"), DESK)


def test_unverified_stays_unverified_and_granting_needs_a_reason(cf):
    blind = result(status=Status.UNVERIFIED, source=Source.OFFLINE, reason="离线数据已过期")
    with pytest.raises(RecordRefused, match="未能核实"):
        cf.record_check(blind, approve(), DESK)
    deferred = cf.record_check(blind, approve(outcome="deferred"), DESK)
    assert deferred.status == "unverified" and deferred.reason == "离线数据已过期"
    granted = cf.record_decision(deferred.record_id,
                                 approve(note="申请人书面信用承诺，事后补查"), DESK)
    assert granted.status == "unverified" and granted.outcome == "approved"


def test_a_check_without_an_item_is_not_recorded(cf):
    from dataclasses import replace

    with pytest.raises(RecordRefused, match="办事事项"):
        cf.record_check(replace(result(), item=None), approve(), DESK)


def test_query_filters(cf):
    cf.record_check(result(checked_at="2026-11-01T15:59:59Z"), approve(case_no="A"), DESK)
    cf.record_check(result(checked_at="2026-11-01T16:00:00Z"), approve(case_no="B"),
                    Desk("op-2", "h", "w"))  # 2026-11-02 00:00 in China
    cf.record_check(result(code=PERSON_CODE, kind=CodeKind.PERSON,
                           checked_at="2026-11-05T01:00:00Z"), approve(case_no="C"), DESK)
    cf.record_check(black_result(checked_at="2026-11-06T01:00:00Z"),
                    approve(case_no="D", measures_applied=("M-01",)), DESK)

    def cases(**kw):
        return [r.case_no for r in cf.query(**kw)]

    assert cases() == ["A", "B", "C", "D"]
    assert cases(since=date(2026, 11, 2)) == ["B", "C", "D"]
    assert cases(until="2026-11-01") == ["A"]
    assert cases(since="2026-11-02", until="2026-11-05") == ["B", "C"]
    assert cases(operator="op-2") == ["B"]
    assert cases(status="hit") == ["D"]
    assert cases(code=PERSON_CODE) == ["C"]
    assert cases(item_code=ITEM.item_code, limit=2) == ["A", "B"]
    assert cases(newest_first=True, limit=3) == ["D", "C", "B"]  # a history table's latest
    assert cases(item_code="other") == []


# -- tampering, done the way someone with the file and sqlite3 would do it ----------------------

@pytest.fixture
def chain(tmp_path):
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        for n in range(1, 7):
            cf.record_check(result(checked_at=f"2026-11-0{n}T02:00:00Z"), approve(case_no=f"C{n}"),
                            DESK)
        assert cf.verify().ok and cf.verify().checked == 6
    return path


def tamper(path, *statements):
    conn = sqlite3.connect(path)
    for sql, *params in statements:
        conn.execute(sql, *params)
    conn.commit()
    conn.close()


def verify(path):
    with CaseFile(path) as cf:
        return cf.verify()


def rehash(body: str) -> tuple[str, str]:
    data = json.loads(body)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def test_intact_chain_verifies(chain):
    report = verify(chain)
    assert report.ok and report.checked == 6 and report.first_bad is None


def test_edited_field_is_named(chain):
    tamper(chain, ("UPDATE records SET body = json_set(body, '$.outcome', 'rejected') "
                   "WHERE record_id = 3",))
    report = verify(chain)
    assert not report.ok and report.first_bad == 3 and "记录 3" in report.problem
    assert report.checked == 2


def test_edited_record_with_recomputed_hash_is_named(chain):
    with CaseFile(chain) as cf:
        body = json.loads(cf.get(3).canonical())
    body["operator"] = "someone-else"
    text, digest = rehash(json.dumps(body))
    tamper(chain, ("UPDATE records SET body = ?, hash = ? WHERE record_id = 3", (text, digest)))
    report = verify(chain)
    assert report.first_bad == 3 and "记录 3" in report.problem


def test_deleted_record_is_named(chain):
    tamper(chain, ("DELETE FROM records WHERE record_id = 4",))
    report = verify(chain)
    assert report.first_bad == 4 and "删除" in report.problem
    assert "第 4 条至第 4 条" not in report.problem


def test_deleted_run_of_records_names_the_range(chain):
    tamper(chain, ("DELETE FROM records WHERE record_id IN (3, 4)",))
    report = verify(chain)
    assert report.first_bad == 3 and "第 3 条至第 4 条缺失" in report.problem


def test_deleted_tail_is_named_from_the_outbox(chain):
    tamper(chain, ("DELETE FROM records WHERE record_id >= 5",))
    report = verify(chain)
    assert report.first_bad == 5 and "删除" in report.problem


def test_swapped_records_are_named(chain):
    tamper(chain, ("UPDATE records SET record_id = -3 WHERE record_id = 3",),
           ("UPDATE records SET record_id = 3 WHERE record_id = 4",),
           ("UPDATE records SET record_id = 4 WHERE record_id = -3",))
    report = verify(chain)
    assert report.first_bad == 3 and "调换" in report.problem


def forge_after(path, position: int, **changes) -> CaseRecord:
    """A record built like the real ones, chained to the record before ``position``."""
    with CaseFile(path, readonly=True) as cf:
        before = cf.get(position - 1)
    return CaseRecord(**{**before.content(), "record_id": position, "prev_hash": before.hash,
                         "hash": "", **changes})


def shift_up(table: str, first: int, last: int) -> list[tuple]:
    return [(f"UPDATE {table} SET record_id = {n + 1} WHERE record_id = {n}",)
            for n in range(last, first - 1, -1)]


@pytest.mark.parametrize("with_feedback", [False, True], ids=["bare", "with-forged-feedback"])
def test_inserted_forged_record_is_named(chain, with_feedback):
    """A forged record with a correct hash and a correct link to its predecessor, slipped in at 4;
    the records after it keep their old links. Forging its feedback row too does not help."""
    forged = forge_after(chain, 4, case_no="FORGED")
    statements = shift_up("records", 4, 6)
    statements.append(("INSERT INTO records(record_id, body, hash) VALUES (4, ?, ?)",
                       (forged.canonical().decode(), forged.compute_hash())))
    if with_feedback:
        statements += shift_up("outbox", 4, 6)
        statements.append(("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) "
                           "VALUES ('forged', 4, ?, '2026-11-04T02:00:00Z')",
                           (forged.compute_hash(),)))
    tamper(chain, *statements)
    report = verify(chain)
    assert report.first_bad == 4 and "插入" in report.problem and report.checked == 3


def test_rewritten_tail_with_recomputed_links_is_named_from_the_outbox(chain):
    """Edit record 3 and rebuild every hash and link after it: the chain is consistent again, but
    the hashes handed to the outbox when the records were written are not."""
    with CaseFile(chain) as cf:
        records = cf.query()
    prev, statements = records[1].hash, []
    for r in records[2:]:
        body = {**r.content(), "prev_hash": prev}
        if r.record_id == 3:
            body["outcome"] = "rejected"
        text, digest = rehash(json.dumps(body))
        statements.append(("UPDATE records SET body = ?, hash = ? WHERE record_id = ?",
                           (text, digest, r.record_id)))
        prev = digest
    tamper(chain, *statements)
    report = verify(chain)
    assert report.first_bad == 3 and "改写" in report.problem and report.checked == 2


def test_appended_forgery_without_feedback_is_named(chain):
    forged = forge_after(chain, 7)
    tamper(chain, ("INSERT INTO records(record_id, body, hash) VALUES (7, ?, ?)",
                   (forged.canonical().decode(), forged.compute_hash())))
    report = verify(chain)
    assert report.first_bad == 7 and "插入" in report.problem and report.checked == 6


def forge_tail(path, count: int) -> list[CaseRecord]:
    """Records appended with their feedback forged consistently, as someone with sqlite3 and the
    source would."""
    forged = []
    for position in range(7, 7 + count):
        record = forge_after(path, position, feedback_id=f"7e0d5c2a-forged-{position}")
        record = CaseRecord(**{**record.content(), "hash": record.compute_hash()})
        tamper(path, ("INSERT INTO records(record_id, body, hash) VALUES (?, ?, ?)",
                      (position, record.canonical().decode(), record.hash)),
               ("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) "
                "VALUES (?, ?, ?, '2026-11-07T02:00:00Z')",
                (record.feedback_id, position, record.hash)))
        forged.append(record)
    return forged


def test_forged_records_appended_with_forged_feedback_are_named_by_the_witness(chain):
    forge_tail(chain, 2)
    report = verify(chain)
    assert report.first_bad == 7 and "第 7 条至第 8 条记录不在见证中" in report.problem
    assert report.checked == 6


def test_one_forged_tail_record_with_its_feedback_is_beyond_the_local_check(chain):
    """One record appended after the last real one with its feedback forged to match looks like a
    writer stopped between its commit and its witness, so it stands locally; it then goes to the
    platform with its number and hash like any other (README). Two or more are named above, and so
    is any forgery that also rewrites the witness further."""
    [forged] = forge_tail(chain, 1)
    assert verify(chain).ok and verify(chain).checked == 7
    forge_tail_witness = witness.Writer(witness.witness_path(chain))
    forge_tail_witness.reset(witness.Head(7, forged.hash, forged.prev_hash))
    forge_tail_witness.close()
    assert verify(chain).checked == 7


def test_generated_columns_cannot_be_edited_apart_from_the_body(chain):
    with pytest.raises(sqlite3.OperationalError):
        tamper(chain, ("UPDATE records SET outcome = 'rejected' WHERE record_id = 2",))
    assert verify(chain).ok


def test_appends_from_worker_threads_and_a_second_writer_keep_one_chain(cf):
    from concurrent.futures import ThreadPoolExecutor

    other = CaseFile(cf.path)  # e.g. `credit-desk check --record` while the window is open

    def append(n):
        target = other if n % 3 == 0 else cf
        return target.record_check(result(), approve(case_no=f"T{n}"), DESK).record_id

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(append, range(30)))
    other.close()
    assert sorted(ids) == list(range(1, 31))
    report = cf.verify()
    assert report.ok and report.checked == 30
