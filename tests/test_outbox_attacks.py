"""The outbox that keeps only (feedback_id, record_id, record_hash, created_at) and builds each
message from the hashed body when it is sent, attacked as an insider with write access to the
data folder, a faulty machine or a careless IT script would. Each docstring says what the user
saw when the change first landed (a608d77), where every one of these failed; the test holds what
they see now."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time

import pytest
from casefile_fixtures import DESK, approve, result
from reference_platform.fixtures import memory_keyring, online  # noqa: F401
from test_casefile_integrity import fill, run, tamper, with_old_outbox
from test_feedback_chain import cli, record

from desktop.app.cli import main
from desktop.casefile.errors import RecordNotDurable
from desktop.casefile.store import CaseFile
from desktop.site import paths


def body_of(record_id: int) -> dict:
    conn = sqlite3.connect(paths.case_file())
    try:
        return json.loads(conn.execute("SELECT body FROM records WHERE record_id = ?",
                                       (record_id,)).fetchone()[0])
    finally:
        conn.close()


def rewrite_and_rehash(record_id: int, body: str) -> None:
    """What an insider who knows the scheme does: a new body, its hash in the record and in the
    outbox row, so that the sender finds the record "intact"."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    tamper(("UPDATE records SET body = ?, hash = ? WHERE record_id = ?", (body, digest, record_id)),
           ("UPDATE outbox SET record_hash = ? WHERE record_id = ?", (digest, record_id)))


# -- 1. an old outbox's altered message is no longer named -------------------------------------

@pytest.mark.parametrize("opened_by_desk", [False, True], ids=["read-only-copy", "after-migration"])
def test_an_old_outbox_message_altered_and_already_delivered_is_still_named(
        capsys, online, opened_by_desk):
    """Before 2 December the sender posted the stored message as it was. An insider who changed
    one (outcome rejected -> approved) got the forgery onto the platform, and `cases verify` named
    it ("记录 2 待上报的反馈被改动：outcome"). Now verify on that same file says "档案完整" (it only
    reads record_hash from the old message), and once the desk has opened the file the message is
    dropped by the migration: the only local evidence that the platform holds something the record
    does not say is gone, silently. Now it is named, before and after the upgrade."""
    for n in range(3):
        record(capsys, n)
    messages = with_old_outbox(
        paths.case_file(), "UPDATE outbox SET payload = json_set(payload, '$.outcome', 'approved') "
                           "WHERE record_id = 2;")
    forged = sqlite3.connect(paths.case_file()).execute(
        "SELECT payload FROM outbox WHERE record_id = 2").fetchone()[0]
    assert json.loads(messages[1])["outcome"] == "rejected"
    client = online.context().platform  # what the old sender did with the queue
    for message in (messages[0], forged, messages[2]):
        client.post_feedback(message.encode("utf-8"))
    assert sorted(f["outcome"] for f in online.platform.feedback.values()) == \
        ["approved", "rejected", "rejected"]
    if opened_by_desk:
        CaseFile(paths.case_file()).close()  # the window or any recording command starting
    code, out, err = cli(capsys, "cases", "verify")
    # The records are intact (exit 0); IT is told which message the platform may hold.
    assert code == 0 and "注意：记录 2 在升级前存入上报队列的反馈与记录本身不符：outcome" in err, \
        out + err


# -- 2. a body that hashes right but is no record stops the whole queue --------------------------

def too_deep(body: dict) -> str:
    """Nested deeper than Python's JSON parser goes; SQLite stores it (RecursionError)."""
    body["note"] = json.loads("[" * 900 + "]" * 900)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("[" * 900, "[" * 1500).replace("]" * 900, "]" * 1500)


def year_one(body: dict) -> str:
    """Hits as older records kept them (judged when read) and a check time of year 1 at UTC+14:
    judging it on the hall's day overflows (OverflowError)."""
    body["checked_at"] = "0001-01-01T00:00:00+14:00"
    for hit in body["hits"]:
        hit["effective_state"] = None
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("rewrite", [too_deep, year_one], ids=["too-deep", "year-one"])
def test_a_rehashed_body_the_sender_cannot_build_is_held_back_not_a_crash(capsys, online,
                                                                          rewrite):
    """A record body rewritten with its hash and outbox hash to match, which the sender cannot
    turn into a message with an error other than the four it expects: `outbox flush` ends in
    "意外错误（RecursionError / OverflowError）…请联系信息技术人员", and since the queue is sent
    oldest first, every later record's feedback stays unsent, round after round, in the window
    too (no alarm there: the round just fails), while `outbox status` names nothing. An insider
    can thereby stop the desk's reporting without a tamper alarm. Expected: that record held
    back as altered (exit 6), the others delivered."""
    for n in range(3):
        record(capsys, n)
    rewrite_and_rehash(2, rewrite(body_of(2)))
    code, out, err = cli(capsys, "outbox", "flush")
    assert "意外错误" not in err, err
    assert code == 6 and "篡改警报：记录 2" in err, out + err
    assert sorted(f["record_no"] for f in online.platform.feedback.values()) == [1, 3]


# -- 3. status does not name what flush holds back -----------------------------------------------

def test_outbox_status_names_a_record_that_flush_holds_back(capsys, online):
    """A record rewritten and rehashed (hash and outbox row to match) without a field the message
    needs: `outbox flush` holds it back with a tamper alarm (exit 6), but `outbox status`, which IT
    runs to see what is wrong, shows it as merely pending ("altered": [], no 篡改警报): status only
    checks the hashes, flush also builds the message."""
    for n in range(3):
        record(capsys, n)
    body = body_of(2)
    del body["hits"]
    rewrite_and_rehash(2, json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False))
    code, _, err = cli(capsys, "outbox", "flush")
    assert code == 6 and "篡改警报：记录 2" in err, err
    status = json.loads(cli(capsys, "outbox", "status", "--json")[1])
    assert status["pending"] == 1 and status["altered"] == [2], status
    code, out, _ = cli(capsys, "outbox", "status")
    assert "篡改警报：记录 2" in out, out


# -- 4. two writers starting on an old file at once ----------------------------------------------

def test_two_writers_opening_an_old_file_together_both_open(capsys):
    """The migration decides on the outbox's columns before it takes the write lock: a second
    program of the desk that starts while the first migrates (the window and a scheduled
    `credit-desk watch`, or a record being written meanwhile) sees "payload", waits for the lock,
    then adds record_hash again and fails: "核查记录未保存：无法可靠写入案卷文件夹 …（duplicate
    column name: record_hash）…请联系信息技术人员检查该磁盘" - a disk problem that is not one, and
    that program cannot record."""
    fill(3)
    with_old_outbox(paths.case_file())
    busy = sqlite3.connect(paths.case_file(), isolation_level=None)
    busy.execute("BEGIN IMMEDIATE")  # a record being written at that moment
    failures: list[BaseException] = []

    def start_writer() -> None:
        try:
            CaseFile(paths.case_file()).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    writers = [threading.Thread(target=start_writer) for _ in range(2)]
    for w in writers:
        w.start()
    time.sleep(2.5)  # both have read the schema and wait for the lock
    busy.execute("COMMIT")
    busy.close()
    for w in writers:
        w.join(30)
    assert not failures, [str(getattr(f, "message", f)) for f in failures]
    with CaseFile(paths.case_file(), readonly=True) as cf:
        assert cf.verify().ok


# -- 5. outbox flush while the desk migrates ------------------------------------------------------

def test_outbox_flush_while_the_window_opens_an_old_file_ends_cleanly(capsys, online):
    """IT runs `outbox flush` on a desk just upgraded; the clerk starts the window meanwhile,
    which migrates the outbox. The flush delivers everything, then fails on its own view of the
    old outbox: "意外错误（OperationalError）…请联系信息技术人员", exit 1, for a round that went
    well."""
    for n in range(3):
        record(capsys, n)
    with_old_outbox(paths.case_file())
    online.platform.fault("slow", scope="feedback", delay=2.0, times=1)
    outcome: dict = {}

    def flush() -> None:
        outcome["code"] = main(["outbox", "flush"])

    sender = threading.Thread(target=flush)
    sender.start()
    deadline = time.monotonic() + 20
    while online.platform.state.fault is not None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first message is at the platform, which answers slowly
    assert online.platform.state.fault is None, "the flush never reached the platform"
    CaseFile(paths.case_file()).close()  # the window starting
    sender.join(30)
    _, err = capsys.readouterr()
    assert len(online.platform.feedback) == 3
    assert outcome.get("code") == 0 and "意外错误" not in err, (outcome, err)


# -- 6. a migration that cannot drop the old column -----------------------------------------------

@pytest.mark.parametrize("it_script", [
    "CREATE VIEW pending_report AS SELECT feedback_id, payload FROM outbox;",
    "CREATE INDEX outbox_payload ON outbox(payload);",
], ids=["report-view", "index"])
def test_an_old_outbox_with_an_it_view_or_index_still_lets_the_desk_record(capsys, it_script):
    """An IT report view (or an index) over the old outbox's messages: the migration's DROP COLUMN
    fails, the whole open is rolled back, and from then on every start of the window or of a
    recording command says "核查记录未保存：无法可靠写入案卷文件夹 …（error in view
    pending_report after drop column: no such column: payload）…请联系信息技术人员检查该磁盘" -
    the desk cannot record at all, and the message sends IT to the disk."""
    fill(2)
    with_old_outbox(paths.case_file(), it_script)
    try:
        with CaseFile(paths.case_file()) as cf:
            cf.record_check(result(checked_at="2026-11-05T02:00:00Z"), approve(case_no="N"), DESK)
    except RecordNotDurable as exc:
        pytest.fail(f"the desk cannot record: {exc.message}")


# -- 7. verify names the wrong thing --------------------------------------------------------------

@pytest.mark.parametrize("old_format", [True, False], ids=["old-message-garbled", "hash-null"])
def test_a_missing_queued_hash_is_not_called_a_changed_feedback_id(capsys, old_format):
    """An outbox row whose hash as written is gone (an old message that is no JSON; a migrated
    row's record_hash set to NULL) is reported as "记录 N 待上报的反馈被改动：feedback_id 与记录本身
    不符" - but the feedback id is the record's own; IT looks at the wrong field."""
    fill(4)
    if old_format:
        with_old_outbox(paths.case_file(), "UPDATE outbox SET payload = 'garbage' "
                                           "WHERE record_id = 3;")
    else:
        with_old_outbox(paths.case_file())
        CaseFile(paths.case_file()).close()  # upgraded
        tamper(("UPDATE outbox SET record_hash = '' WHERE record_id = 3",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "记录 3" in err, err
    assert "feedback_id" not in err, err


# -- 8. an outbox row without a record that verify does not see -----------------------------------

@pytest.mark.parametrize("record_id", [0, -1])
def test_an_outbox_row_for_no_record_is_named_by_verify(capsys, record_id):
    """A row in the outbox whose record does not exist (number 0 or below): the sender holds it
    back with a tamper alarm that sends IT to `cases verify`, which said "档案完整" (it looked
    only for rows past the last record)."""
    fill(3)
    tamper(("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) "
            "VALUES ('stray', ?, ?, '2026-11-01T00:00:00Z')", (record_id, "0" * 64)),)
    code, out, err = run(capsys, "cases", "verify")
    assert code == 6 and f"记录 {record_id} 已被删除：上报队列中仍有它的反馈" in err, out + err


# -- 9. the window shows one alarm of two -----------------------------------------------------

def test_the_window_names_a_held_back_record_when_the_platform_also_answers_409(qtbot, capsys,
                                                                                 online):
    """The platform answers 409 for one record and the desk holds back another that was changed
    since it was written: the status bar shows only the 409 alarm ("平台拒收记录 1") - the record
    this desk itself refuses to report is not named anywhere the clerk looks (the status bar
    shows the altered alarm only when there is no 409)."""
    from test_ui_integrity import cli_record
    from ui_fixtures import close_window, open_window

    cli_record(capsys, 0)
    assert main(["outbox", "flush"]) == 0
    for name in ("cases.sqlite", "cases.witness"):
        (paths.home() / name).unlink()
    cli_record(capsys, 8)  # a fresh chain: record 1 again, which the platform has otherwise
    cli_record(capsys, 9)
    tamper(("UPDATE records SET body = replace(body, '\"BJ-9\"', '\"BJ-X\"') WHERE record_id = 2",))
    window = open_window(qtbot)  # uploads at start
    try:
        bar = window.statusBar()
        qtbot.waitUntil(lambda: "篡改警报" in bar.currentMessage(), timeout=15_000)
        assert "记录 1" in bar.currentMessage()
        assert "记录 2" in bar.currentMessage(), bar.currentMessage()
    finally:
        close_window(window)


# -- 10. an old file that lost its schema version -------------------------------------------

def test_an_old_file_restored_without_its_schema_version_records_in_its_first_session(capsys):
    """An old-format case file whose header lost PRAGMA user_version (restored by IT from
    `sqlite3 .dump` or Python's iterdump, which do not carry it: checked with SQLite 3.40): the
    writer takes it for a new file, creates what is missing (the outbox exists, with "payload")
    and so never migrates it; every record of that session is refused with "核查记录未保存：无法可靠写入案卷文件夹 …（table outbox
    has no column named record_hash）…请联系信息技术人员检查该磁盘", until the program is started
    again (which then migrates). Before a608d77 such a file recorded normally."""
    fill(2)
    with_old_outbox(paths.case_file(), "PRAGMA user_version = 0;")
    try:
        with CaseFile(paths.case_file()) as cf:
            cf.record_check(result(checked_at="2026-11-05T02:00:00Z"), approve(case_no="N"), DESK)
    except RecordNotDurable as exc:
        pytest.fail(f"the first session cannot record: {exc.message}")
    with CaseFile(paths.case_file(), readonly=True) as cf:
        assert cf.count() == 3 and cf.verify().ok
