"""The old-outbox upgrade, old_feedback, held_back and the outbox commands around them, attacked
as an insider with the data folder, a careless IT script or a faulty machine would (break attempt
6). Each docstring says what the user saw on 2d35951, where each of these failed; the test holds
what they see now."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from casefile_fixtures import DESK, approve, result
from reference_platform.fixtures import memory_keyring, online  # noqa: F401
from test_casefile_integrity import fill, run, tamper, with_old_outbox
from test_feedback_chain import record

from desktop.casefile.errors import RecordNotDurable
from desktop.casefile.store import CaseFile
from desktop.site import paths


def upgraded_with_a_differing_old_message() -> None:
    """Three records whose old outbox held an edited message for record 2, opened by the desk."""
    fill(3)
    with_old_outbox(paths.case_file(), "UPDATE outbox SET payload = json_set(payload, "
                                       "'$.outcome', 'approved') WHERE record_id = 2;")
    CaseFile(paths.case_file()).close()  # the window or a recording command starting


# -- 1. old messages without a feedback id stop the desk for good --------------------------------

def test_an_old_outbox_with_two_rows_without_feedback_id_still_lets_the_desk_record(capsys):
    """The old outbox's key was `feedback_id TEXT PRIMARY KEY` without NOT NULL, which SQLite lets
    hold any number of NULLs (a careless IT script, or a faulty old build). The upgrade turns each
    NULL into '' and the second '' breaks the new key: every start of the window or a recording
    command says "核查记录未保存：无法可靠写入案卷文件夹 …（UNIQUE constraint failed:
    outbox.feedback_id）…请联系信息技术人员检查该磁盘" - the desk can never record again, and IT is
    sent to the disk."""
    fill(3)
    with_old_outbox(paths.case_file(), "UPDATE outbox SET feedback_id = NULL "
                                       "WHERE record_id IN (2, 3);")
    try:
        with CaseFile(paths.case_file()) as cf:
            cf.record_check(result(checked_at="2026-11-05T02:00:00Z"), approve(case_no="N"), DESK)
    except RecordNotDurable as exc:
        pytest.fail(f"the desk cannot record: {exc.message}")


# -- 3. an old_feedback table planted in a file that never had an old outbox -------------------

@pytest.mark.parametrize("row", [(None, "x", "{}"), ("two", "x", "{}")],
                         ids=["record-null", "record-text"])
def test_a_planted_old_feedback_row_gives_a_message_not_a_traceback(capsys, row):
    """old_feedback is read in any file that has it, whatever wrote it. A row an insider planted
    with no record number (or a text one) makes `cases verify` itself say "错误：案卷文件 … 已损坏，
    无法读出（unsupported operand type(s) for -: 'NoneType' and 'int'）。请运行 credit-desk cases
    verify 查明问题记录" - it sends IT to the command they just ran, names no record and no table,
    and (the verify having crashed) leaves no alarm: the desk goes on recording. Now: a notice
    names the rows that name a record; the others name nothing, and the file is intact."""
    fill(2)
    tamper(("CREATE TABLE old_feedback (record_id INTEGER, feedback_id TEXT, payload TEXT)",),
           ("INSERT INTO old_feedback VALUES (?, ?, ?)", row))
    code, out, err = run(capsys, "cases", "verify")  # names no record: nothing to say
    assert code == 0 and "无法读出" not in err and "operand" not in err, out + err




# -- 4. a kept old message never stops the desk ------------------------------------------------

def test_a_kept_old_message_is_a_notice_and_the_desk_goes_on_recording(capsys, online):
    """On 2d35951 `cases verify` named the kept old message as a fault (exit 6, recording
    stopped), `--accept` refused the file for it, and every backup held the same message: no
    command got the desk recording again. The records are intact and the message is never sent
    again, so it is a notice for IT (compare with the platform), not a fault of the file."""
    for n in range(3):
        record(capsys, n)
    with_old_outbox(paths.case_file(), "UPDATE outbox SET payload = json_set(payload, "
                                       "'$.outcome', 'approved') WHERE record_id = 2;")
    CaseFile(paths.case_file()).close()  # upgraded
    code, out, err = run(capsys, "cases", "verify")
    assert code == 0 and "档案完整" in out, out + err
    assert "注意：记录 2 在升级前存入上报队列的反馈与记录本身不符：outcome" in err, err
    record(capsys, 7)  # the desk records


# -- 5. outbox status and the records it no longer hashes -------------------------------------

def alter_record_2() -> None:
    tamper(("UPDATE records SET body = replace(body, 'rejected', 'approved') WHERE record_id = 2",))


def test_outbox_status_names_an_altered_record_on_an_offline_only_desk(capsys):
    """An offline-only desk (no [platform]: feedback waits until one is configured) has no flush
    rounds, so held_back is never filled: after record 2 is rewritten `outbox status` says
    "待上报：3 条 … 本机未配置省平台（仅离线）" and nothing else, where on a608d77 it said "篡改警报：
    记录 2 已不是写入时的内容"."""
    fill(3)
    alter_record_2()
    code, out, err = run(capsys, "outbox", "status")
    assert "篡改警报" in out + err and "记录 2" in out + err, out + err


def test_outbox_status_does_not_take_held_back_at_its_word(capsys, online):
    """held_back lives in outbox.sqlite beside the case file, unprotected. The insider who rewrote
    record 2 empties it after the round that held it back: `outbox status` (what IT's monitoring
    runs) says "待上报：1 条 / 已上报：2 条", exit 0, no alarm - until the next round, which in a
    platform outage (backoff) or with the window closed may be hours away."""
    for n in range(3):
        record(capsys, n)
    alter_record_2()
    code, _, err = run(capsys, "outbox", "flush")
    assert code == 6 and "记录 2" in err, err
    state = sqlite3.connect(paths.outbox_file())
    state.execute("DELETE FROM held_back")
    state.commit()
    state.close()
    code, out, err = run(capsys, "outbox", "status")
    assert "篡改警报" in out + err and "记录 2" in out + err, out + err


# -- 6. outbox commands when the case file cannot be opened for writing ---------------------

@pytest.mark.parametrize("damage", ["folder", "read-only"])
@pytest.mark.parametrize("command", ["status", "flush"])
def test_outbox_commands_do_not_talk_of_an_unsaved_check(capsys, online, tmp_path, damage,
                                                         command):
    """`outbox status` now opens the case file as its writer (to upgrade an old one). With the
    case file replaced by a folder, or the data folder mounted read-only (IT looking at a desk's
    disk), it says "错误：核查记录未保存：案卷文件夹 … 只读或没有写入权限。核查结果仍保留，请联系信息
    技术人员恢复该文件夹的写入权限后重新记录" - no check was made, nothing is kept, and for the folder
    case the folder is not read-only at all: the file is not a file."""
    from casefile_fixtures import read_only

    for n in range(2):
        record(capsys, n)
    if damage == "folder":
        shutil.move(paths.case_file(), tmp_path / "cases.sqlite")
        paths.case_file().mkdir()
        code, out, err = run(capsys, "outbox", command)
    else:
        with read_only(paths.home()):
            code, out, err = run(capsys, "outbox", command)
    assert code != 0 and "Traceback" not in err, out + err
    assert "核查记录未保存" not in err and "核查结果仍保留" not in err, err


# -- 8. the delivery state (held_back's file) damaged ---------------------------------------

@pytest.mark.parametrize("damage", ["folder", "not-sqlite"])
@pytest.mark.parametrize("command", ["status", "flush"])
def test_a_damaged_delivery_state_is_named_not_an_unexpected_error(capsys, online, damage,
                                                                   command):
    """outbox.sqlite (delivery state and held_back) is the file an insider edits to hide a
    held-back record; replaced by a folder or by bytes that are not SQLite, `outbox status` and
    `outbox flush` say "意外错误（OperationalError / DatabaseError）：详细信息已写入日志 …。请联系信息
    技术人员", exit 1: the file is not named, nor what to do (this predates 2d35951; held_back made
    the file part of the tamper alarm)."""
    for n in range(2):
        record(capsys, n)
    paths.outbox_file().unlink(missing_ok=True)
    if damage == "folder":
        paths.outbox_file().mkdir()
    else:
        paths.outbox_file().write_bytes(b"not a database " * 1000)
    code, out, err = run(capsys, "outbox", command)
    assert code != 1 and "意外错误" not in err, out + err
    assert str(paths.outbox_file()) in err, err
