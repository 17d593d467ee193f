"""The platform holds each desk's chain (issue 12 item 3): feedback carries record_no, record_hash
and prev_hash; the reference platform keeps them per desk and answers a record that contradicts
them with 409 naming it; the outbox takes that as a tamper alarm, never as a transient error."""
from __future__ import annotations

import json
import shutil
import sqlite3

from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.casefile.record import GENESIS_HASH
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
    with CaseFile(paths.case_file(), readonly=True) as cf:
        [(payload,)] = cf.db.execute("SELECT payload FROM outbox").fetchall()
    body = json.loads(payload)
    client = online.context().platform
    for broken in ({**body, "record_no": 0}, {**body, "record_hash": "x"},
                   {k: v for k, v in body.items() if k != "prev_hash"}):
        try:
            client.post_feedback(json.dumps(broken).encode())
        except Exception as exc:  # FeedbackDeferred: refused on its own merits
            assert getattr(exc, "status", None) == 400
        else:
            raise AssertionError("accepted feedback without a valid chain link")
