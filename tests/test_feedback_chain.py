"""The platform holds each desk's chain (issue 12 item 3): feedback carries record_no, record_hash
and prev_hash; the reference platform keeps them per desk and answers a record that contradicts
them with 409 naming it; the outbox takes that as a tamper alarm, never as a transient error."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest

from casefile_fixtures import queued_feedback
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.casefile.record import GENESIS_HASH, canonical_json
from desktop.casefile.store import CaseFile
from desktop.site import paths

ITEM = KNOWN["item_with_measures"]


def record(capsys, n: int) -> None:
    assert main(["check", KNOWN["black"], "--item", ITEM, "--record", "--case-no", f"BJ-{n}",
                 "--outcome", "rejected", "--json"]) == 0
    capsys.readouterr()


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def desk_chain(online) -> dict:
    [chain] = online.platform.state.chains.values()
    return chain


def test_the_platform_holds_the_desks_chain(capsys, online):
    for n in range(3):
        record(capsys, n)
    assert cli(capsys, "outbox", "flush")[0] == 0
    with CaseFile(paths.case_file(), readonly=True) as cf:
        records = cf.query()
    chain = desk_chain(online)
    assert sorted(chain) == [1, 2, 3]
    assert [chain[r.record_id][:2] for r in records] == [(r.hash, r.prev_hash) for r in records]
    assert chain[1][1] == GENESIS_HASH


def test_a_wiped_and_restarted_case_file_is_a_tamper_alarm(capsys, online):
    """The case file and its witness deleted together leave no local trace; the platform, which
    holds record 1 as first uploaded, answers the new record 1 with 409."""
    for n in range(2):
        record(capsys, n)
    assert cli(capsys, "outbox", "flush")[0] == 0
    for name in ("cases.sqlite", "cases.witness"):
        (paths.home() / name).unlink()
    record(capsys, 9)  # a fresh chain, record 1 again
    code, _, err = cli(capsys, "outbox", "flush")
    assert code == 6 and "篡改警报" in err and "记录 1" in err
    code, out, _ = cli(capsys, "outbox", "status")
    assert "篡改警报" in out and "记录 1 " in out
    status = json.loads(cli(capsys, "outbox", "status", "--json")[1])
    assert status["chain_conflicts"] == [1] and status["pending"] == 1
    # Never sent again by itself, nor by a forced flush: it is not a transient error.
    posts = sum(online.platform.state.feedback_posts.values())
    assert cli(capsys, "outbox", "flush")[0] == 6
    assert sum(online.platform.state.feedback_posts.values()) == posts
    assert len(online.platform.feedback) == 2  # the platform kept what it had


def test_a_rewritten_record_already_uploaded_is_named_by_the_platform(capsys, online, tmp_path):
    """An insider restores an older copy of the data folder and records on from there: the
    record numbers the platform already holds come back with other hashes."""
    record(capsys, 1)
    saved = tmp_path / "saved"
    shutil.copytree(paths.home(), saved, ignore=shutil.ignore_patterns("logs"))
    record(capsys, 2)
    assert cli(capsys, "outbox", "flush")[0] == 0
    for name in ("cases.sqlite", "cases.witness", "cases.sqlite-wal", "cases.sqlite-shm",
                 "outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm"):
        (paths.home() / name).unlink(missing_ok=True)
        if (saved / name).exists():
            shutil.copy(saved / name, paths.home() / name)
    assert cli(capsys, "cases", "verify")[0] == 0  # locally consistent: nothing to see here
    record(capsys, 3)  # another record 2
    code, _, err = cli(capsys, "outbox", "flush")
    assert code == 6 and "记录 2" in err
    assert desk_chain(online)[2][2] != sqlite3.connect(paths.case_file()).execute(
        "SELECT feedback_id FROM outbox WHERE record_id = 2").fetchone()[0]


def test_the_platform_refuses_feedback_without_its_place_in_the_chain(capsys, online):
    record(capsys, 1)
    [body] = queued_feedback(paths.case_file())
    client = online.context().platform
    for broken in ({**body, "record_no": 0}, {**body, "record_hash": "x"},
                   {k: v for k, v in body.items() if k != "prev_hash"}):
        try:
            client.post_feedback(json.dumps(broken).encode())
        except Exception as exc:  # FeedbackDeferred: refused on its own merits
            assert getattr(exc, "status", None) == 400
        else:
            raise AssertionError("accepted feedback without a valid chain link")


def edit(sql: str, *params) -> None:
    with sqlite3.connect(paths.case_file()) as conn:
        conn.execute(sql, params)
    conn.close()


@pytest.mark.parametrize("rehashed", [False, True], ids=["edited", "edited-and-rehashed"])
def test_a_record_changed_after_it_was_written_is_never_sent(capsys, online, rehashed):
    """The message is built from the body when it is sent: a body that no longer hashes to its
    hash, or a hash that is not the one queued with the record, holds that record back (a tamper
    alarm, exit 6) while the others go."""
    for n in range(3):
        record(capsys, n)
    edit("UPDATE records SET body = replace(body, '\"BJ-1\"', '\"BJ-X\"') WHERE record_id = 2")
    if rehashed:
        edit("UPDATE records SET hash = ? WHERE record_id = 2",
             hashlib.sha256(sqlite3.connect(paths.case_file()).execute(
                 "SELECT CAST(body AS BLOB) FROM records WHERE record_id = 2").fetchone()[0]
             ).hexdigest())
    code, out, err = cli(capsys, "outbox", "flush")
    assert code == 6 and "篡改警报：记录 2 已不是写入时的内容" in err, err
    assert sorted(desk_chain(online)) == [1, 3]
    assert all(f["case_no"] != "BJ-X" for f in online.platform.feedback.values())
    code, out, _ = cli(capsys, "outbox", "status", "--json")
    status = json.loads(out)
    assert (status["pending"], status["altered"]) == (1, [2])
    # Put back as it was written, it goes out with the next round.
    edit("UPDATE records SET body = replace(body, '\"BJ-X\"', '\"BJ-1\"') WHERE record_id = 2")
    if rehashed:
        edit("UPDATE records SET hash = (SELECT record_hash FROM outbox WHERE record_id = 2) "
             "WHERE record_id = 2")
    assert cli(capsys, "outbox", "flush")[0] == 0
    assert sorted(desk_chain(online)) == [1, 2, 3]


def as_old_outbox(messages: list[dict]) -> None:
    """The case file's outbox in its form before 2 December: each message kept whole, as the old
    code wrote it (canonical JSON), and no record hash."""
    with sqlite3.connect(paths.case_file()) as conn:
        conn.executescript("ALTER TABLE outbox ADD COLUMN payload TEXT; "
                           "ALTER TABLE outbox DROP COLUMN record_hash;")
        for message in messages:
            conn.execute("UPDATE outbox SET payload = ? WHERE record_id = ?",
                         (canonical_json(message).decode(), message["record_no"]))
    conn.close()


def test_an_outbox_from_before_the_change_is_sent_as_it_was_queued(capsys, online):
    """A case file whose outbox kept each message whole (before 2 December), uploaded by
    `outbox flush` before the desk opened it: what goes out is the message it held."""
    for n in range(2):
        record(capsys, n)
    queued = queued_feedback(paths.case_file())
    as_old_outbox(queued)
    assert cli(capsys, "outbox", "flush")[0] == 0
    assert sorted(online.platform.feedback.values(), key=lambda f: f["record_no"]) == queued


def test_an_old_message_edited_before_the_upgrade_is_not_what_is_sent(capsys, online):
    """An old outbox whose pending message was edited (outcome rejected -> approved): after the
    upgrade the sender builds the message from the record, so the platform gets what was
    recorded, and `cases verify` names the edited message as a notice."""
    for n in range(2):
        record(capsys, n)
    queued = queued_feedback(paths.case_file())
    as_old_outbox([{**m, "outcome": "approved"} if m["record_no"] == 2 else m for m in queued])
    assert cli(capsys, "outbox", "flush")[0] == 0
    sent = sorted(online.platform.feedback.values(), key=lambda f: f["record_no"])
    assert [f["outcome"] for f in sent] == ["rejected", "rejected"] and sent == queued
    code, _, err = cli(capsys, "cases", "verify")
    assert code == 0 and "注意：记录 2 在升级前存入上报队列的反馈与记录本身不符：outcome" in err, err
