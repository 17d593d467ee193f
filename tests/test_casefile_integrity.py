"""Issue 12: no confirmed record disappears unnoticed (head witness), derived data cannot lie
(query columns and outbox feedback derived again from the hashed body), read-only and damaged
files. Tampering is done the way someone with the data folder and sqlite3 would."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from casefile_fixtures import (
    BLACK_HIT,
    DESK,
    PERSON_CODE,
    IS_ROOT,
    approve,
    black_result,
    queued_feedback,
    read_only,
    result,
    unmount,
)
from test_casefile_durability import append_until_killed

from desktop.app.cli import main
from desktop.casefile import witness
from desktop.casefile.errors import CaseFileTampered
from desktop.casefile.record import CaseRecord, canonical_json, feedback_payload
from desktop.casefile.store import CaseFile
from desktop.casefile.verify import QUERY_COLUMNS
from desktop.check.model import CodeKind, Source, Status
from desktop.site import paths


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fill(n: int = 5) -> list:
    with CaseFile(paths.case_file()) as cf:
        return [cf.record_check(black_result(checked_at=f"2026-11-0{1 + i % 9}T02:00:00Z"),
                                approve(case_no=f"C{i}", outcome="rejected",
                                        measures_applied=("M-01",)), DESK) for i in range(n)]


def tamper(*statements):
    conn = sqlite3.connect(paths.case_file())
    for sql, *params in statements:
        conn.execute(sql, *params)
    conn.commit()
    conn.close()


# -- 1. the head witness ------------------------------------------------------------------------

@pytest.mark.slow
def test_wal_deleted_after_sigkill_is_named_and_recording_stops(capsys):
    path = paths.case_file()
    # Killed soon after the first twenty: well before SQLite's automatic checkpoint (1,000 pages)
    # copies records into the main file, which a kill in its middle would leave half-written
    # (then the file without its log is damaged, not shorter: a different test's subject).
    confirmed = append_until_killed(path, 1, 0)
    wal = path.with_name(path.name + "-wal")
    in_file = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    tables = in_file.execute("SELECT count(*) FROM sqlite_master WHERE name = 'records'")
    base = in_file.execute("SELECT count(*) FROM records").fetchone()[0] \
        if tables.fetchone()[0] else 0
    in_file.close()
    assert wal.stat().st_size > 0 and base < len(confirmed)  # the last ones live in the log
    wal.unlink()
    path.with_name(path.name + "-shm").unlink(missing_ok=True)

    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "案卷比见证短" in err and f"第 {base + 1} 条" in err
    with pytest.raises(CaseFileTampered) as refused:
        with CaseFile(path) as cf:
            cf.record_check(result(), approve(), DESK)
    assert refused.value.exit_code == 6 and "暂停记档" in str(refused.value.message)
    with CaseFile(path) as cf:
        assert cf.count() == base  # nothing was appended


def test_deleted_case_file_is_named_and_never_recreated_silently(capsys):
    fill(3)
    paths.case_file().unlink()
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "不见了" in err and "3 条记录" in err
    with pytest.raises(CaseFileTampered):
        CaseFile(paths.case_file())
    assert not paths.case_file().exists()


def test_an_older_copy_put_back_is_named(capsys, tmp_path):
    fill(2)
    old = tmp_path / "old.sqlite"
    shutil.copy(paths.case_file(), old)
    fill(2)
    os.replace(old, paths.case_file())
    for suffix in ("-wal", "-shm"):
        paths.case_file().with_name(paths.case_file().name + suffix).unlink(missing_ok=True)
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "第 3 条至第 4 条不见了" in err


def test_another_desks_file_put_in_place_is_named(capsys, tmp_path, monkeypatch):
    fill(3)
    other_home = tmp_path / "other"
    other_home.mkdir()
    monkeypatch.setenv("CREDIT_DESK_HOME", str(other_home))
    fill(3)
    other = paths.case_file()
    monkeypatch.undo()
    monkeypatch.setenv("CREDIT_DESK_HOME", str(tmp_path / "home"))
    with CaseFile(other) as cf:
        cf.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(other, paths.case_file())
    for suffix in ("-wal", "-shm"):
        paths.case_file().with_name(paths.case_file().name + suffix).unlink(missing_ok=True)
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "案卷被替换" in err


def _witness_replaced_by(kind: str, tmp_path) -> None:
    proof = paths.case_file().with_name("cases.witness")
    if kind == "folder":
        proof.unlink()
        proof.mkdir()
    elif kind == "fifo":
        proof.unlink()
        os.mkfifo(proof)
    elif kind == "symlink-to-zero":
        proof.unlink()
        proof.symlink_to("/dev/zero")
    else:  # a symlink to a witness kept elsewhere (another desk's, an older one, this one moved)
        proof.rename(tmp_path / "elsewhere.witness")
        proof.symlink_to(tmp_path / "elsewhere.witness")


@pytest.mark.parametrize("kind", ["folder", "fifo", "symlink-to-zero", "symlink-to-a-witness"])
def test_a_witness_that_is_not_a_regular_file_is_named_never_waited_on(capsys, tmp_path, kind):
    # A FIFO or a symlink to /dev/zero hung every start and `cases verify` (read without end);
    # a folder made verify and list say "not recorded: cannot write the folder" (exit 7).
    fill(3)
    _witness_replaced_by(kind, tmp_path)
    done = subprocess.run([sys.executable, "-c", "import sys; from desktop.app.cli import main; "
                           "sys.exit(main(['cases', 'verify']))"],
                          capture_output=True, text=True, timeout=60, env=os.environ,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 6 and "见证文件" in done.stderr and "已损坏" in done.stderr
    assert "Traceback" not in done.stderr
    code, out, _ = run(capsys, "cases", "list", "--json")
    assert code == 0 and len(out.splitlines()) == 3  # the records can still be read
    with pytest.raises(CaseFileTampered) as refused:
        with CaseFile(paths.case_file()) as cf:
            cf.record_check(result(), approve(), DESK)
    assert refused.value.exit_code == 6 and "暂停记档" in str(refused.value.message)
    with CaseFile(paths.case_file(), readonly=True) as cf:
        assert cf.count() == 3


def test_it_accepts_a_file_whose_witness_was_replaced_by_a_dangling_symlink(capsys, tmp_path):
    fill(2)
    proof = paths.case_file().with_name("cases.witness")
    proof.unlink()
    proof.symlink_to(tmp_path / "nowhere")
    assert run(capsys, "cases", "verify")[0] == 6
    assert run(capsys, "cases", "verify", "--accept")[0] == 0
    assert not proof.is_symlink() and run(capsys, "cases", "verify")[0] == 0


@pytest.mark.skipif(not IS_ROOT, reason="mounts a small file system")
def test_backup_to_a_full_disk_blames_the_disk_not_the_case_file(capsys, tmp_path):
    fill(5)
    full = tmp_path / "full"
    full.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20k", "tmpfs", str(full)], check=True)
    try:
        code, _, err = run(capsys, "cases", "backup", str(full / "b"))
        left = sorted(p.name for p in (full / "b").iterdir()) if (full / "b").exists() else []
    finally:
        unmount(full)
    # It said "案卷文件…已损坏" (exit 6) and left cases.sqlite.part behind.
    assert code == 7 and "无法写入备份" in err and "disk is full" in err and "已损坏" not in err
    assert left == []
    assert run(capsys, "cases", "verify")[0] == 0


def test_backup_to_an_empty_name_is_refused_not_made_in_the_current_folder(capsys, tmp_path,
                                                                         monkeypatch):
    fill(1)
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "cases", "backup", "")
    assert stopped.value.code == 2 and "不能为空" in capsys.readouterr().err
    assert list(here.iterdir()) == []


def test_backup_into_an_existing_file_names_that_file(capsys, tmp_path):
    fill(1)
    (tmp_path / "taken").write_text("x")
    code, _, err = run(capsys, "cases", "backup", str(tmp_path / "taken"))
    assert code == 7 and f"备份目标 {tmp_path / 'taken'} 已存在" in err
    assert (tmp_path / "taken").read_text() == "x"


def test_backup_holds_records_still_in_the_log_and_verifies_with_its_witness(capsys, tmp_path):
    with CaseFile(paths.case_file()) as window:  # the window has it open: records in the log
        records = [window.record_check(result(), approve(case_no=f"B{n}"), DESK)
                   for n in range(4)]
        assert paths.case_file().with_name("cases.sqlite-wal").stat().st_size > 0
        code, out, _ = run(capsys, "cases", "backup", str(tmp_path / "backup"))
    assert code == 0 and "4 条记录" in out
    copy = tmp_path / "backup" / "cases.sqlite"
    assert witness.read(witness.witness_path(copy)).head == records[-1].hash
    assert not copy.with_name("cases.sqlite-wal").exists()  # one self-contained file
    with CaseFile(copy, readonly=True) as cf:
        report = cf.verify()
        assert report.ok and report.checked == 4
    code, _, err = run(capsys, "cases", "backup", str(tmp_path / "backup"))
    assert code == 7 and "已存在" in err  # an earlier backup is never overwritten

    # Restoring it after the file was lost: both files back, and the desk records again.
    paths.case_file().unlink()
    for name in ("cases.sqlite", "cases.witness"):
        shutil.copy(tmp_path / "backup" / name, paths.home() / name)
    for suffix in ("-wal", "-shm"):
        paths.case_file().with_name(paths.case_file().name + suffix).unlink(missing_ok=True)
    assert run(capsys, "cases", "verify")[0] == 0
    with CaseFile(paths.case_file()) as cf:
        assert cf.record_check(result(), approve(), DESK).record_id == 5


def test_it_accepts_a_file_that_is_sound_but_shorter_than_its_witness(capsys):
    fill(3)
    tamper(("DELETE FROM outbox WHERE record_id = 3",), ("DELETE FROM records WHERE record_id = 3",))
    assert run(capsys, "cases", "verify")[0] == 6
    code, out, _ = run(capsys, "cases", "verify", "--accept")
    assert code == 0 and "2 条记录" in out
    assert list(paths.home().glob("cases.witness.replaced-*"))  # the evidence is kept
    assert run(capsys, "cases", "verify")[0] == 0
    with CaseFile(paths.case_file()) as cf:
        assert cf.record_check(result(), approve(), DESK).record_id == 3


def test_it_cannot_accept_a_file_whose_records_were_altered(capsys):
    fill(3)
    tamper(("UPDATE records SET body = json_set(body, '$.outcome', 'approved') "
            "WHERE record_id = 2",))
    code, _, err = run(capsys, "cases", "verify", "--accept")
    assert code == 6 and "不能按现状确认" in err


def test_a_writer_stopped_between_commit_and_witness_is_taken_as_it_is(tmp_path):
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_check(result(), approve(), DESK)
        first = witness.read(cf.witness_path)
        cf.record_check(result(), approve(), DESK)
    writer = witness.Writer(witness.witness_path(path))
    writer.reset(first)  # as if killed after SQLite's commit, before the witness write
    writer.close()
    with CaseFile(path) as cf:
        assert cf.alarm is None and cf.verify().ok
        assert cf.record_check(result(), approve(), DESK).record_id == 3


def test_a_writer_stopped_between_witness_and_commit_is_taken_as_it_is(tmp_path):
    """The version before wrote a pending slot and flushed it while SQLite committed: killed
    after that flush and before the commit's, its witness names a pending record the file never
    got (never shown as recorded)."""
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_check(result(), approve(), DESK)
        second = cf.record_check(result(), approve(), DESK)
    writer = witness.Writer(witness.witness_path(path))
    never = witness.Head(3, "f" * 64, second.hash, "2026-12-01T00:00:00Z", pending=True)
    writer.append(never)  # pending, flushed (close waits for it); the commit never came
    writer.close()
    with CaseFile(path) as cf:
        assert cf.alarm is None and cf.verify().ok
        third = cf.record_check(result(), approve(), DESK)
        assert third.record_id == 3 and third.hash != never.head
        assert witness.read(cf.witness_path) == witness.Head(3, third.hash, second.hash,
                                                             third.recorded_at)


def test_the_witness_is_flushed_behind_the_append_and_before_the_next_commit(tmp_path,
                                                                            monkeypatch):
    """The witness slot is written before "recorded" is returned, its flush runs behind the
    append (the clerk does not wait for it) and is done before the next record is committed: the
    witness on disk is never more than one record behind the file."""
    import threading

    gate, flushing = threading.Event(), threading.Event()
    real_flush = witness._flush

    def slow_flush(fd):
        if threading.current_thread().name == "casefile-witness":
            flushing.set()
            assert gate.wait(10)
        real_flush(fd)

    monkeypatch.setattr(witness, "_flush", slow_flush)
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        first = cf.record_check(result(), approve(), DESK)  # returned while its flush waits
        assert flushing.wait(10) and not gate.is_set()
        assert witness.read(cf.witness_path) == witness.Head(1, first.hash, first.prev_hash,
                                                             first.recorded_at)
        second = threading.Thread(target=cf.record_check, args=(result(), approve(), DESK))
        second.start()
        second.join(0.3)
        other = sqlite3.connect(path)
        assert second.is_alive()  # waiting for the first record's witness flush...
        assert other.execute("SELECT count(*) FROM records").fetchone()[0] == 1  # uncommitted
        gate.set()
        second.join(10)
        assert other.execute("SELECT count(*) FROM records").fetchone()[0] == 2
        other.close()
        assert witness.read(cf.witness_path).count == 2


@pytest.mark.parametrize("change", ["deleted", "replaced", "rewritten in place"])
def test_a_witness_changed_between_two_appends_of_an_open_file_stops_recording(tmp_path, change):
    """An append reads the witness back only when it or the file changed since the last one;
    a witness deleted, replaced by another file or rewritten in place (same file, same size, in
    the same clock tick) between two appends of the open window is still seen."""
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        for _ in range(3):
            last = cf.record_check(result(), approve(), DESK)
        claims_more = witness.Head(5, "e" * 64, "d" * 64, "2026-12-01T00:00:00Z").encode()
        target = cf.witness_path
        if change == "deleted":
            target.unlink()
        elif change == "replaced":
            target.rename(tmp_path / "old.witness")
            target.write_bytes(claims_more * 2 + (tmp_path / "old.witness").read_bytes()[512:])
        else:
            before = os.stat(target)
            with open(target, "r+b") as f:
                f.write(claims_more * 2)
            os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        with pytest.raises(CaseFileTampered, match="本机暂停记档"):
            cf.record_check(result(), approve(), DESK)
        assert cf.count() == last.record_id


def test_the_newest_confirmed_record_deleted_is_named(capsys):
    """The one record the pending rule could hide: once confirmed, its loss is reported."""
    fill(3)
    tamper(("DELETE FROM outbox WHERE record_id = 3",), ("DELETE FROM records WHERE record_id = 3",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "案卷比见证短" in err and "第 3 条至第 3 条不见了" in err, err


# -- 2. derived data ----------------------------------------------------------------------------

def test_query_columns_rebuilt_as_plain_columns_are_named(capsys):
    fill(4)
    columns = "record_id, body, hash, body_id, kind, refers_to, check_id, prev_hash, " \
              "checked_at, operator, item_code, subject_code, status, source, outcome"
    tamper(("ALTER TABLE records RENAME TO real_records",),
           (f"CREATE TABLE records (record_id INTEGER PRIMARY KEY, body TEXT, hash TEXT, "
            "body_id, kind, refers_to, check_id, prev_hash, checked_at, operator, item_code, "
            "subject_code, status, source, outcome)",),
           (f"INSERT INTO records({columns}) SELECT record_id, body, hash, body_id, kind, "
            "refers_to, check_id, prev_hash, checked_at, operator, item_code, subject_code, "
            "CASE WHEN record_id >= 2 THEN 'clear' ELSE status END, source, "
            "CASE WHEN record_id >= 2 THEN 'approved' ELSE outcome END FROM real_records",),
           ("DROP TABLE real_records",))
    # What the lie would buy: a filter that returns records whose body says hit.
    code, out, _ = run(capsys, "cases", "list", "--json", "--status", "clear")
    assert code == 0 and len(out.splitlines()) == 3
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "记录 2 的查询列 status 被改动" in err and "hit" in err
    # and once verify has said so, this desk records nothing more into the file
    with pytest.raises(CaseFileTampered):
        with CaseFile(paths.case_file()) as cf:
            cf.record_check(result(), approve(), DESK)


@pytest.mark.parametrize("column", list(QUERY_COLUMNS))
def test_every_query_column_that_filters_or_statistics_read_is_derived_again_by_verify(
        capsys, column):
    """`cases list` filters and `cases stats` sums read only these columns (besides record_id
    and the hashed body): each one, rebuilt as a plain column holding another value for one
    record, makes `cases verify` name that record; the chain's own columns (body_id, prev_hash),
    read by the walk itself, as a renumbered or unlinked record, the others by their name."""
    fill(4)
    names = ", ".join(QUERY_COLUMNS)
    sqltype = QUERY_COLUMNS[column][0]
    lie = f"coalesce({column}, 0) + 100" if sqltype == "INTEGER" else f"coalesce({column}, '') || 'x'"
    chosen = ", ".join(f"CASE WHEN record_id = 3 THEN {lie} ELSE {name} END"
                       if name == column else name for name in QUERY_COLUMNS)
    tamper(("ALTER TABLE records RENAME TO real_records",),
           (f"CREATE TABLE records (record_id INTEGER PRIMARY KEY, body TEXT, hash TEXT, "
            f"{names})",),
           (f"INSERT INTO records(record_id, body, hash, {names}) "
            f"SELECT record_id, body, hash, {chosen} FROM real_records",),
           ("DROP TABLE real_records",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "第一条有问题的记录：3（之前 2 条完好）" in err, err
    named = {"body_id": "第 3 条位置上是记录 103", "prev_hash": "记录 3 与前一条记录的链接断开"}
    assert named.get(column, f"记录 3 的查询列 {column} 被改动") in err, err


def test_statistics_of_a_file_with_lying_columns_are_what_verify_refuses(capsys):
    """What the lie in the issue bought: `cases stats` counting approvals that never happened;
    `cases verify` names the first one."""
    fill(4)
    code, before, _ = run(capsys, "cases", "stats", "--month", "2026-11")
    assert code == 0
    tamper(("ALTER TABLE records RENAME TO real_records",),
           ("CREATE TABLE records (record_id INTEGER PRIMARY KEY, body TEXT, hash TEXT, "
            + ", ".join(QUERY_COLUMNS) + ")",),
           ("INSERT INTO records SELECT record_id, body, hash, "
            + ", ".join("'approved'" if c == "outcome" else "'clear'" if c == "status" else c
                        for c in QUERY_COLUMNS) + " FROM real_records",),
           ("DROP TABLE real_records",))
    code, after, _ = run(capsys, "cases", "stats", "--month", "2026-11")
    assert code == 0 and after != before  # the sums read the columns...
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "记录 1 的查询列" in err  # ...which verify derives again


@pytest.mark.parametrize("edit, named", [
    ("record_hash = (CASE WHEN record_hash LIKE 'f%' THEN 'e' ELSE 'f' END) || substr(record_hash, 2)",
     "记录 3 被改写或替换"),
    ("feedback_id = 'other'", "记录 3 待上报的反馈被改动：feedback_id"),
])
def test_an_edited_outbox_row_is_named(capsys, edit, named):
    fill(4)
    tamper((f"UPDATE outbox SET {edit} WHERE record_id = 3",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and named in err, err


def test_a_record_without_its_outbox_row_is_named(capsys):
    fill(4)
    tamper(("DELETE FROM outbox WHERE record_id = 2",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "记录 2 没有写入时同时生成的上报反馈" in err, err


def test_a_second_feedback_row_for_a_record_is_named(capsys):
    fill(3)
    tamper(("INSERT INTO outbox(feedback_id, record_id, record_hash, created_at) SELECT "
            "'extra', record_id, record_hash, created_at FROM outbox WHERE record_id = 2",))
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and "记录 2 待上报的反馈被改动" in err


def test_text_sqlite_escapes_otherwise_is_no_false_alarm(tmp_path):
    """verify's fast comparison reads the body's values back as JSON text, which SQLite escapes
    its own way; a record whose columns hold such text is judged exactly, column by column,
    and found intact."""
    odd = "引号\"反斜杠\\换行\n制表\t控制\x01 emoji🙂 \u2028"
    desk = replace(DESK, operator=odd)
    with CaseFile(tmp_path / "cases.sqlite") as cf:
        cf.record_check(result(), approve(note=odd, case_no=odd), desk)
        cf.record_check(result(code=PERSON_CODE, kind=CodeKind.PERSON, status=Status.HIT,
                               name="张三", source=Source.OFFLINE, hits=(BLACK_HIT,)),
                        approve(case_no="P", outcome="rejected"), desk)
        cf.record_decision(2, approve(case_no="P", outcome="approved", note="复核"), desk)
        assert cf.verify().ok
        assert [f["operator"] for f in queued_feedback(cf.path)] == [odd] * 3


# -- an outbox from before 2 December, which kept each message whole ------------------------------

def with_old_outbox(path: Path, edit: str = "") -> list[str]:
    """The outbox as the desk wrote it before 2 December: each message whole, in ``payload``.
    Returns those messages."""
    conn = sqlite3.connect(path)
    messages = [canonical_json(feedback_payload(CaseRecord.from_stored(body, hash_))).decode()
                for body, hash_ in conn.execute("SELECT body, hash FROM records ORDER BY record_id")]
    conn.executescript("ALTER TABLE outbox RENAME TO new_outbox; "
                       "CREATE TABLE outbox (feedback_id TEXT PRIMARY KEY, record_id INTEGER NOT "
                       "NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);")
    conn.executemany("INSERT INTO outbox SELECT feedback_id, record_id, ?, created_at "
                     "FROM new_outbox WHERE record_id = ?",
                     [(m, i + 1) for i, m in enumerate(messages)])
    conn.executescript("DROP TABLE new_outbox; CREATE INDEX outbox_record_id ON "
                       f"outbox(record_id); {edit}")
    conn.close()
    return messages


def test_an_old_outbox_is_verified_read_only_and_kept_to_its_hashes_when_opened(capsys, tmp_path):
    fill(4)
    messages = with_old_outbox(paths.case_file())
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("cases.sqlite", "cases.witness"):
        shutil.copy(paths.home() / name, copy / name)
    with CaseFile(copy / "cases.sqlite", readonly=True) as old:
        assert old.verify().ok  # a backup from before the change, checked as it is
    # The desk opens it: every row stays, with the hash its message carried, and what is sent
    # is what the old outbox would have sent.
    with CaseFile(paths.case_file()) as cf:
        assert cf.verify().ok
        rows = cf.db.execute("SELECT record_id, record_hash FROM outbox ORDER BY record_id")
        assert [(r, h) for r, h in rows] == [(r.record_id, r.hash) for r in cf.query()]
    assert queued_feedback(paths.case_file()) == [json.loads(m) for m in messages]
    code, _, err = run(capsys, "cases", "verify")
    assert code == 0, err


def test_an_old_message_that_differs_from_its_record_is_named_and_kept_through_the_upgrade(
        capsys):
    """The old sender posted the stored message as it was: one edited after the fact may be on
    the platform. verify names it on the old file as it is, and the upgrade keeps it (in
    old_feedback), so verify goes on naming it: a notice for IT, the records being intact."""
    fill(4)
    with_old_outbox(paths.case_file(),
                    "UPDATE outbox SET payload = json_set(payload, '$.outcome', 'approved') "
                    "WHERE record_id = 3; UPDATE outbox SET payload = 'garbage' "
                    "WHERE record_id = 4;")
    named = "记录 3 在升级前存入上报队列的反馈与记录本身不符：outcome"
    with CaseFile(paths.case_file(), readonly=True) as old:
        report = old.verify()
    assert named in report.notice and "共 2 条" in report.notice, report.notice
    # record 4's message held no readable hash: its row is named as altered
    assert not report.ok and report.first_bad == 4 and "record_hash" in report.problem
    code, _, err = run(capsys, "cases", "verify")  # read-only: as it is
    assert code == 6 and named in err, err
    CaseFile(paths.case_file()).close()  # the desk opens it: upgraded
    code, _, err = run(capsys, "cases", "verify")
    assert code == 6 and named in err, err
    with CaseFile(paths.case_file(), readonly=True) as cf:
        kept = cf.db.execute("SELECT record_id FROM old_feedback ORDER BY record_id").fetchall()
        assert kept == [(3,), (4,)]


# -- 4. read-only and damaged files -------------------------------------------------------------

def test_list_verify_stats_export_work_on_a_read_only_case_folder(capsys, tmp_path):
    fill(3)
    with read_only(paths.home()):
        assert run(capsys, "cases", "verify")[0] == 0
        code, out, _ = run(capsys, "cases", "list", "--json")
        assert code == 0 and len(out.splitlines()) == 3
        code, out, _ = run(capsys, "cases", "stats", "--month", "2026-11")
        assert code == 0 and "3" in out
        assert run(capsys, "cases", "export", "--out", str(tmp_path / "export"))[0] == 0
    assert len((tmp_path / "export" / "cases.jsonl").read_text().splitlines()) == 3


def test_a_clean_read_only_copy_without_its_log_is_read_exactly(capsys, tmp_path):
    records = fill(3)
    run(capsys, "cases", "backup", str(tmp_path / "copy"))
    (tmp_path / "copy").chmod(0o555)
    try:
        with read_only(tmp_path / "copy"):
            with CaseFile(tmp_path / "copy" / "cases.sqlite", readonly=True) as cf:
                assert [r.hash for r in cf.query()] == [r.hash for r in records]
                assert cf.verify().ok
    finally:
        (tmp_path / "copy").chmod(0o755)


def test_check_record_on_a_file_verify_found_altered_exits_6(capsys):
    fill(3)
    tamper(("UPDATE records SET body = json_set(body, '$.case_no', 'Z') WHERE record_id = 2",))
    assert run(capsys, "cases", "verify")[0] == 6
    known = json.loads((paths.resources() / "demo" / "known_codes.json").read_text("utf-8"))
    code, _, err = run(capsys, "check", known["clear"][0], "--item", known["item_with_measures"],
                       "--record", "--case-no", "N", "--outcome", "approved")
    assert code == 6 and "暂停记档" in err and "记录 2" in err
    with CaseFile(paths.case_file(), readonly=True) as cf:
        assert cf.count() == 3


@pytest.mark.parametrize("damage", ["body-wrong-shape", "not-sqlite", "table-dropped"])
@pytest.mark.parametrize("command", [("list",), ("list", "--json"), ("stats", "--month", "2026-11"),
                                     ("verify",)])
def test_no_traceback_on_a_damaged_file(capsys, damage, command):
    fill(3)
    if damage == "not-sqlite":
        with CaseFile(paths.case_file()) as cf:
            cf.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        paths.case_file().write_bytes(b"\x00garbage" * 512)
    elif damage == "table-dropped":
        tamper(("DROP TABLE records",))
    else:
        tamper(("UPDATE records SET body = '{\"record_id\": 2}' WHERE record_id = 2",))
    code, _, err = run(capsys, "cases", *command)
    if command[0] == "stats" and damage.startswith("body"):
        assert code == 0  # sums read the columns; verify is what names the record
    else:
        assert code == 6, err
    assert "Traceback" not in err


def _failing_flush(monkeypatch, fails: list):
    """fdatasync of the witness failing with EIO as a dying disk or a lost network share makes it
    (cannot be produced here without a faulty device): ``fails`` holds one entry per failure to
    come, and the thread it failed on is recorded."""
    import errno
    import threading

    real_flush, seen = witness._flush, []

    def flush(fd):
        seen.append(threading.current_thread().name)
        if fails:
            fails.pop()
            raise OSError(errno.EIO, "Input/output error")
        real_flush(fd)

    monkeypatch.setattr(witness, "_flush", flush)
    return seen


def _flush_behind_done(cf) -> None:
    """Until the witness's thread has made its flush attempt (the append does not wait for it to
    begin), leaving what it met for the next append to find."""
    import time

    deadline = time.monotonic() + 10
    while cf._writer._flusher._idle.locked():
        assert time.monotonic() < deadline, "the witness's flush never ran"
        time.sleep(0.001)


def test_a_witness_flush_that_failed_behind_the_append_is_redone_before_the_next_commit(
        tmp_path, monkeypatch):
    """The background flush of record 2's witness fails once (after an EIO Linux marks the
    page clean: it may never reach the disk). The next append writes that slot again and flushes
    it itself before its commit, so the witness on disk is still at most one record behind."""
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_check(result(), approve(), DESK)
        _flush_behind_done(cf)  # record 1's witness on disk before the disk starts failing
        fails = []
        seen = _failing_flush(monkeypatch, fails)
        fails.append(1)
        cf.record_check(result(), approve(), DESK)
        _flush_behind_done(cf)
        assert seen == ["casefile-witness"]  # the flush behind the append failed
        del seen[:]
        rewritten = []
        real_put = witness.Writer._put
        monkeypatch.setattr(witness.Writer, "_put",
                            lambda self, head, base: (rewritten.append(head.count),
                                                      real_put(self, head, base))[1])
        cf.record_check(result(), approve(), DESK)
        assert rewritten[0] == 2 and seen[0] != "casefile-witness"  # redone before the commit
        assert cf.count() == 3 and witness.read(cf.witness_path).count == 3


def test_a_witness_that_cannot_be_flushed_stops_recording_with_the_reason(tmp_path, monkeypatch):
    """The disk keeps failing: the witness of record 2 never became durable, so record 3 is not
    committed (exit 7 with the reason, nothing written) rather than going on with a witness that
    may be any number of records behind, and the error is not left in a log on a thread."""
    from desktop.casefile.errors import RecordNotDurable

    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_check(result(), approve(), DESK)
        _flush_behind_done(cf)
        fails = []
        _failing_flush(monkeypatch, fails)
        fails.extend([1] * 3)
        cf.record_check(result(), approve(), DESK)
        for _ in range(2):
            with pytest.raises(RecordNotDurable) as caught:
                cf.record_check(result(), approve(), DESK)
            assert "Input/output error" in str(caught.value.message)
        assert cf.count() == 2
        fails.clear()  # the disk is back
        cf.record_check(result(), approve(), DESK)
        assert cf.count() == 3 and witness.read(cf.witness_path).count == 3


_APPENDS = {"record": lambda cf: cf.record_check(result(), approve(), DESK),
            "lookup": lambda cf: cf.record_access(result(), "授权书", DESK)}


@pytest.mark.parametrize("first, then", [("lookup", "record"), ("record", "lookup")])
def test_a_witness_flush_that_failed_is_redone_before_the_next_commit_of_either_kind(
        tmp_path, monkeypatch, first, then):
    """A lookup's access record, like a record, is committed (durable) before the result is
    shown; its witness slot is written then and flushed on the witness's thread, not in the
    lookup's way. That flush failing once is redone, the slot written again, before the next
    commit of the other kind, so on disk each kind's slots are at most one append behind."""
    path = tmp_path / "cases.sqlite"
    base = witness.ACCESS if first == "lookup" else 0
    with CaseFile(path) as cf:
        _APPENDS[first](cf)
        _flush_behind_done(cf)
        fails = []
        seen = _failing_flush(monkeypatch, fails)
        fails.append(1)
        _APPENDS[first](cf)
        _flush_behind_done(cf)
        assert seen == ["casefile-witness"]  # behind the append, and it failed
        del seen[:]
        rewritten = []
        real_put = witness.Writer._put
        monkeypatch.setattr(witness.Writer, "_put",
                            lambda self, head, base: (rewritten.append((head.count, base)),
                                                      real_put(self, head, base))[1])
        _APPENDS[then](cf)
        assert rewritten[0] == (2, base) and seen[0] != "casefile-witness"
        counts = {"lookup": witness.read_access(cf.witness_path).count,
                  "record": witness.read(cf.witness_path).count}
        assert counts == {first: 2, then: 1}


def test_an_access_witness_that_cannot_be_flushed_stops_the_next_lookup(tmp_path, monkeypatch):
    """The disk keeps failing behind a lookup: the next lookup of a person is not committed
    (RecordNotDurable with the reason: the checker then shows nothing), rather than access
    records going on while their witness falls behind. The disk back, lookups go on."""
    from desktop.casefile.errors import RecordNotDurable

    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_access(result(), "授权书", DESK)
        _flush_behind_done(cf)
        fails = []
        _failing_flush(monkeypatch, fails)
        fails.extend([1] * 3)
        cf.record_access(result(), "授权书", DESK)
        for _ in range(2):
            with pytest.raises(RecordNotDurable) as caught:
                cf.record_access(result(), "授权书", DESK)
            assert "Input/output error" in str(caught.value.message)
        assert len(cf.access_records()) == 2
        fails.clear()
        cf.record_access(result(), "授权书", DESK)
        assert len(cf.access_records()) == 3
        assert witness.read_access(cf.witness_path).count == 3


# A person looked up from the command line, the trace of each witness write and flush on stderr.
_TRACED_LOOKUP = """
import os, sys, threading
from desktop.casefile import witness
real_flush, real_put = witness._flush, witness.Writer._put
def flush(fd):
    real_flush(fd)
    os.write(2, b"<flush>")
def put(self, head, base):
    real_put(self, head, base)
    os.write(2, b"<slot %d>" % base)
witness._flush, witness.Writer._put = flush, put
from desktop.app.cli import main
sys.exit(main(["check", sys.argv[1], "--item", sys.argv[2], "--purpose", "授权书"]))
"""


def test_a_command_line_lookup_flushes_its_access_slot_before_the_process_ends():
    """`credit-desk check <person> --purpose ...` looks up, prints and ends. The flush behind the
    lookup runs on a daemon thread, which ends with the interpreter: without waiting for it the
    slot was left to the system's writeback (found by break attempt 16: unflushed in 9 runs of
    10), so a power cut seconds later could hide the lookup's access record once deleted."""
    from reference_platform.fixtures import KNOWN

    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", _TRACED_LOOKUP, KNOWN["person_black"],
                               KNOWN["item_with_measures"]], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent, timeout=60)
        assert proc.returncode == 0, proc.stderr
        after_slot = proc.stderr[proc.stderr.rindex(f"<slot {witness.ACCESS}>"):]
        assert "<flush>" in after_slot
    with CaseFile(paths.case_file()) as cf:
        assert len(cf.access_records()) == 3
        assert witness.read_access(cf.witness_path).count == 3


_HUNG_FLUSH = """
import sys, threading
from desktop.casefile import witness
from desktop.casefile.store import CaseFile
sys.path.insert(0, "tests")
from casefile_fixtures import DESK, result
witness.EXIT_WAIT_SECONDS = 0.5
real_flush, never, dead = witness._flush, threading.Event(), []
def flush(fd):
    if dead and threading.current_thread().name == "casefile-witness":
        never.wait()  # a dead network share
    real_flush(fd)
witness._flush = flush
cf = CaseFile(sys.argv[1])
cf.record_access(result(), "授权书", DESK)
assert cf._writer._flusher.done_within(10)
dead.append(1)
cf.record_access(result(), "授权书", DESK)
print("shown", flush=True)
"""


def test_a_process_ends_even_when_the_flush_behind_its_last_append_never_returns():
    """Waiting at exit for the flush behind the last append has a deadline: a flush that never
    returns (a dead share) does not keep the command or the window from ending; the log says
    the program ended without it (break attempt 17: the process hung)."""
    proc = subprocess.run([sys.executable, "-c", _HUNG_FLUSH, str(paths.case_file())],
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0 and proc.stdout.strip() == "shown", proc.stderr
    assert "did not end within 0.5 s" in proc.stderr


def test_a_flush_that_failed_behind_the_last_append_is_redone_at_close_or_logged(
        tmp_path, monkeypatch, caplog):
    """Closing the case file (the end of a command, of the window) right after a lookup whose
    flush failed: the slot is written and flushed again then; if that fails too, the log says
    so (nobody appends after it to be refused), instead of the EIO vanishing with the thread."""
    import logging

    real_flush = witness._flush
    for failures, flushed in ((1, True), (2, False)):
        monkeypatch.setattr(witness, "_flush", real_flush)
        path = tmp_path / f"cases-{failures}.sqlite"
        cf = CaseFile(path)
        cf.record_access(result(), "授权书", DESK)
        _flush_behind_done(cf)
        fails = []
        seen = _failing_flush(monkeypatch, fails)
        fails.extend([1] * failures)
        cf.record_access(result(), "授权书", DESK)
        _flush_behind_done(cf)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="desktop.casefile.witness"):
            cf.close()
        assert len(seen) == 2 and not fails  # the one behind the lookup, and one at close
        logged = [(r.levelname, r.getMessage()) for r in caplog.records]
        assert logged[0][0] == "WARNING" and "flushing it again" in logged[0][1]
        if flushed:
            assert len(logged) == 1
            assert witness.read_access(path.with_suffix(".witness")).count == 2
        else:
            assert len(logged) == 2 and logged[1][0] == "ERROR" and "not flushed" in logged[1][1]
            assert "Input/output error" in logged[1][1]


@pytest.mark.parametrize("how", ["copy renamed over it", "cases verify --accept"])
def test_a_witness_replaced_by_an_identical_copy_under_an_open_file_is_written_on(tmp_path, how):
    """A script or sync tool that rewrites the witness by rename with the same bytes (`cp` to a
    temporary name, then `mv`) between two appends of the open window: the window went on
    writing its witness into the old, unlinked file, so the witness at the path stayed behind
    and the third append after it stopped recording with records "not written by this program".
    The window now writes on the witness at the path, which keeps up with the file. The same
    when IT accepts the file in another process while the window is open: the old witness, kept
    renamed as the evidence, was written over by the window."""
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        for _ in range(2):
            cf.record_check(result(), approve(), DESK)
        if how == "cases verify --accept":
            with CaseFile(path) as it:
                it.accept()
            [kept] = tmp_path.glob("cases.witness.replaced-*")
            evidence = kept.read_bytes()
        else:
            copy = cf.witness_path.with_name("cases.witness.tmp")
            shutil.copyfile(cf.witness_path, copy)
            os.replace(copy, cf.witness_path)
        for _ in range(4):
            cf.record_check(result(), approve(), DESK)
        assert witness.read(cf.witness_path).count == 6
        if how == "cases verify --accept":
            assert kept.read_bytes() == evidence
    with CaseFile(path) as cf:
        assert cf.alarm is None and cf.verify().ok
        cf.record_check(result(), approve(), DESK)


@pytest.mark.parametrize("how", ["an older copy renamed over it", "deleted"])
def test_a_case_file_replaced_or_deleted_under_the_open_window_stops_recording(tmp_path, how):
    """The window's connection keeps the file it opened: after an older copy was renamed over
    cases.sqlite (or it was deleted), its appends went into a file no longer at the path and
    "recorded" was shown for records the next start would not find. The next append sees that
    the file at the path is not the one it writes, and stops recording instead."""
    path = tmp_path / "cases.sqlite"
    with CaseFile(path) as cf:
        cf.record_check(result(), approve(), DESK)
        older = sqlite3.connect(tmp_path / "older.sqlite")
        cf._conn.backup(older)
        older.close()
        cf.record_check(result(), approve(), DESK)
        if how == "deleted":
            path.unlink()
        else:
            os.replace(tmp_path / "older.sqlite", path)
        with pytest.raises(CaseFileTampered) as caught:
            cf.record_check(result(), approve(), DESK)
        assert "本机暂停记档" in str(caught.value.message)
        assert "被替换或删除" in str(caught.value.message)
        assert cf.count() == 2
