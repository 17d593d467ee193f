"""Deltas and verified reads: a hall that follows v1 → v2 → v3 through deltas holds exactly the
dataset of the full v3 snapshot; a delta rewrites only the buckets it touches; an edit of any
installed row is caught by the lookup that reads it, in a new process and in a running window;
`cache import` of a folder picks the right target and the newest repository that verifies."""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot_fixtures import ITEM, KNOWN, Publisher, edit_dataset, pub, store_dir, tree  # noqa: F401

from desktop.app.cli import main as desk
from desktop.check.sources import OfflineUnavailable
from desktop.offline.data import OfflineData
from desktop.site import config as config_mod
from offline_cache import buckets
from offline_cache.buckets import DIGEST, BucketTable, bucket_of, bucket_sql
from offline_cache.build import bucket_path, write_table
from offline_cache.cli import ensure_buckets
from offline_cache.delta import apply_delta, make_delta
from offline_cache.reader import RowsUnverified, SnapshotReader
from offline_cache.store import SnapshotStore, rows_intact


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, code: str) -> dict:
    rc, out, err = run(capsys, "check", code, "--item", ITEM, "--offline", "--json")
    assert rc == 0, err
    return json.loads(out)



def installed_kind() -> tuple[int, str]:
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    return state["current"]["version"], state["current"]["kind"]


def installed_folder() -> Path:
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    return store_dir() / "snapshots" / state["current"]["dir"]


def installed_data() -> Path:
    """The file a lookup of a bucket the last delta changed reads: the overlay of a version
    installed as a delta, else the data file."""
    folder = installed_folder()
    return folder / "overlay.sqlite" if (folder / "overlay.sqlite").exists() else folder / "dataset.sqlite"



def all_answers(data: Path, codes: list[str], items: list[str]) -> list:
    with SnapshotReader(data, BucketTable.from_bytes(bucket_path(data).read_bytes())
                        if bucket_path(data).exists() else _table_beside(data)) as reader:
        return [reader.lookup(c, i) for c in codes for i in items]


def _table_beside(data: Path) -> BucketTable:
    return BucketTable.from_bytes((data.parent / "buckets.bin").read_bytes())


def subject_codes(data: Path) -> set[str]:
    conn = sqlite3.connect(data.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {code for (code,) in conn.execute("SELECT code FROM subjects")}
    finally:
        conn.close()


def test_delta_chain_gives_exactly_the_full_snapshot(capsys, pub, tmp_path):
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert check(capsys, KNOWN["clear"][0])["status"] == "clear"

    code, out, err = run(capsys, "cache", "import", pub.publish(2, v2, deltas={1: v1}))
    assert code == 0 and "第 2 版" in out, err
    assert installed_kind() == (2, "delta")
    # What the clerk sees change: a new listing, a repaired entry.
    newly = check(capsys, KNOWN["clear"][0])
    assert newly["status"] == "hit" and newly["severities"] == ["black"] and newly["snapshot_version"] == 2
    assert check(capsys, KNOWN["focus"])["status"] == "clear"

    v3_repo = pub.publish(3, v3, deltas={2: v2})
    assert run(capsys, "cache", "import", v3_repo)[0] == 0
    assert installed_kind() == (3, "delta")
    assert check(capsys, KNOWN["unknown_valid"])["severities"] == ["focus"]
    assert check(capsys, KNOWN["red"])["status"] == "clear"

    # The same version through the full snapshot, in a store of its own.
    full = SnapshotStore(tmp_path / "full-store", pub.root).install(v3_repo)
    chained = SnapshotStore(store_dir(), pub.root).current()
    assert full.kind == "full" and chained.kind == "delta"
    assert chained.table.whole().to_bytes() == full.table.whole().to_bytes() == bucket_path(v3).read_bytes()
    codes = sorted(subject_codes(v1) | subject_codes(v3))
    assert len(codes) > 5000
    items = [i.item_code for i in full.open().items()]
    sample_items = [ITEM, KNOWN["item_with_reward"], KNOWN["item_without_mapping"]]
    with chained.open() as a, full.open() as b:
        assert [a.lookup(c, i) for c in codes for i in sample_items] == [b.lookup(c, i) for c in codes for i in sample_items]
        listed = [KNOWN[k] for k in ("black", "focus", "red", "black_and_focus", "objection", "unknown_valid")]
        assert [a.lookup(c, i) for c in listed for i in items] == [b.lookup(c, i) for c in listed for i in items]


def test_a_delta_rewrites_only_the_buckets_it_touches(pub):
    v1, v2, _ = pub.datasets()
    old = BucketTable.from_bytes(bucket_path(v1).read_bytes())
    new = BucketTable.from_bytes(bucket_path(v2).read_bytes())
    changed = {b for b in range(old.count) if old.digest(b) != new.digest(b)}
    # V2 lists one subject, repairs another's entries and renames a third: three buckets.
    assert changed == {bucket_of(KNOWN[k], old.count) for k in ("focus", "black")} | {bucket_of(KNOWN["clear"][0], old.count)}
    assert old.count > 1000 and old.catalogue == new.catalogue


def test_a_delta_carries_an_entry_given_to_another_subject_in_another_bucket(pub, tmp_path):
    """The delta is made from the buckets whose digests differ: a row that moves bucket leaves
    one of them and enters another, and the desk's copy ends up with exactly the new rows."""
    v1, _, _ = pub.datasets()
    old = BucketTable.from_bytes(bucket_path(v1).read_bytes())
    giver, taker = KNOWN["black"], KNOWN["clear"][0]
    assert bucket_of(giver, old.count) != bucket_of(taker, old.count)
    moved = edit_dataset(v1, tmp_path / "moved.sqlite",
                         ("UPDATE entries SET subject_code = ? WHERE subject_code = ?", (taker, giver)))
    ensure_buckets(moved)
    report = make_delta(v1, moved, tmp_path / "delta.sqlite")
    assert report.buckets_touched == 2 and report.upserts["entries"] >= 1 and report.deletes["entries"] == 0
    work = tmp_path / "desk.sqlite"
    shutil.copyfile(v1, work)
    table = apply_delta(work, report.path, old)
    assert table.to_bytes() == bucket_path(moved).read_bytes()
    write_table(bucket_path(work), table)
    assert all_answers(work, [giver, taker], [ITEM]) == all_answers(moved, [giver, taker], [ITEM])
    assert all_answers(work, [taker], [ITEM])[0].hits and not all_answers(work, [giver], [ITEM])[0].hits


def test_a_correction_made_after_the_bucket_table_is_in_the_delta(pub, tmp_path):
    """A publisher's plain SQL correction of a built file leaves its bucket table behind; the
    delta is made from the tables, so the stale one is computed again first."""
    v1, _, _ = pub.datasets()
    v2 = tmp_path / "v2.sqlite"
    shutil.copyfile(v1, v2)
    shutil.copyfile(bucket_path(v1), bucket_path(v2))
    with sqlite3.connect(v2) as conn:
        conn.execute("UPDATE subjects SET name = name || '（更正）' WHERE code = ?", (KNOWN["focus"],))
    conn.close()
    later = bucket_path(v2).stat().st_mtime_ns + 10**9
    os.utime(v2, ns=(later, later))  # the file system's clock may not have moved between the two writes
    report = make_delta(v1, v2, tmp_path / "delta.sqlite")
    assert report.upserts["subjects"] == 1 and report.buckets_touched == 1
    assert bucket_path(v2).read_bytes() != bucket_path(v1).read_bytes()


@pytest.mark.parametrize("how", ["table-time-ahead", "same-clock-tick", "correction-in-wal"])
def test_a_correction_is_in_the_delta_whatever_the_file_times_say(capsys, pub, tmp_path, how):
    """The publisher corrects a built release in plain SQL, but the bucket table beside it looks
    newer than (or as new as) the data file: a table copied in later or a clock ahead, two writes
    within one tick of the file system's clock (2 s on a FAT stick), or the correction still in
    the WAL file of a database tool left open (the data file's time unchanged). The delta must
    carry the correction, and the desk that installs it must show it."""
    v1, _, _ = pub.datasets()
    v2 = tmp_path / "v2.sqlite"
    shutil.copyfile(v1, v2)
    if how == "correction-in-wal":  # the publisher's database tool works in WAL mode
        sqlite3.connect(v2).execute("PRAGMA journal_mode=WAL").connection.close()
    ensure_buckets(v2)  # a table that describes v2 as it is before the correction
    table = bucket_path(v2)
    before = v2.stat()
    conn = sqlite3.connect(v2)
    with conn:
        conn.execute("UPDATE entries SET state = 'removed' WHERE subject_code = ?", (KNOWN["black"],))
    if how == "table-time-ahead":
        later = v2.stat().st_mtime_ns + 10**9
        os.utime(table, ns=(later, later))
    elif how == "same-clock-tick":
        os.utime(v2, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.utime(table, ns=(before.st_atime_ns, before.st_mtime_ns))
    try:
        report = make_delta(v1, v2, tmp_path / "delta.sqlite")
    finally:
        conn.close()
    assert report.upserts["entries"] >= 1 and report.buckets_touched == 1
    # The desk's copy after the delta: exactly the corrected rows, and its table the true one.
    work = tmp_path / "desk.sqlite"
    shutil.copyfile(v1, work)
    desk_table = apply_delta(work, report.path, BucketTable.from_bytes(bucket_path(v1).read_bytes()))
    conn = sqlite3.connect(v2.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        assert desk_table.to_bytes() == buckets.compute_table(conn).to_bytes()
    finally:
        conn.close()
    write_table(bucket_path(work), desk_table)
    assert "active" in {h.state for h in all_answers(v1, [KNOWN["black"]], [ITEM])[0].hits}
    assert {h.state for h in all_answers(work, [KNOWN["black"]], [ITEM])[0].hits} == {"removed"}


def test_a_delta_with_no_changes_still_advances_the_version(capsys, pub):
    v1, _, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert run(capsys, "cache", "import", pub.publish(2, v1, deltas={1: v1}))[0] == 0
    assert installed_kind() == (2, "delta") and check(capsys, KNOWN["black"])["snapshot_version"] == 2


def test_a_delta_from_other_data_is_skipped_for_the_full_snapshot(capsys, pub, caplog):
    # Listed as "from version 1", but computed from other data: its base table gives it away.
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    with caplog.at_level(logging.WARNING, logger="offline_cache.store"):
        assert run(capsys, "cache", "import", pub.publish(2, v3, deltas={1: v2}))[0] == 0
    assert installed_kind() == (2, "full")
    assert any("wrong-base" in r.getMessage() for r in caplog.records)


def test_a_delta_onto_edited_rows_names_the_bucket_and_the_full_snapshot_is_used(capsys, pub, caplog):
    v1, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    # An insider's edit in a bucket the delta rewrites (it renames this subject, and leaves its
    # entries alone): applying it cannot reproduce the bucket's digest.
    conn = sqlite3.connect(installed_data())
    with conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    repo = pub.publish(2, v2, deltas={1: v1})
    bucket = bucket_of(KNOWN["black"], BucketTable.from_bytes(bucket_path(v1).read_bytes()).count)
    with caplog.at_level(logging.WARNING, logger="offline_cache.store"):
        assert run(capsys, "cache", "import", repo)[0] == 0
    assert installed_kind() == (2, "full")
    assert any(f"第 {bucket} 号分组" in r.getMessage() and "bucket-mismatch" in r.getMessage() for r in caplog.records)


def test_without_the_full_snapshot_a_failing_delta_is_refused_and_changes_nothing(capsys, pub):
    v1, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    conn = sqlite3.connect(installed_data())
    with conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    repo = pub.publish(2, v2, deltas={1: v1})
    (repo / "targets" / "snapshot-000002.sqlite").unlink()
    before = tree(store_dir())
    code, _, err = run(capsys, "cache", "import", repo)
    assert code == 4 and "（targets）" in err and tree(store_dir()) == before


def test_a_delta_links_the_full_file_and_writes_only_the_buckets_it_touches(capsys, pub, monkeypatch):
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    full = (installed_folder() / "dataset.sqlite").stat()
    assert run(capsys, "cache", "import", pub.publish(2, v2, deltas={1: v1}))[0] == 0
    assert run(capsys, "cache", "import", pub.publish(3, v3, deltas={2: v2}))[0] == 0
    folder = installed_folder()
    # The base is the same file (a hard link, nothing copied; version 1's folder is gone, its
    # data lives on); the overlay holds the changed buckets of both deltas, a small part.
    assert (folder / "dataset.sqlite").stat().st_ino == full.st_ino
    overlay = sqlite3.connect(folder / "overlay.sqlite")
    held = overlay.execute("SELECT count(*) FROM overlay_buckets").fetchone()[0]
    overlay.close()
    table = BucketTable.from_bytes((folder / "buckets.bin").read_bytes())
    assert 0 < held < table.count / 16
    assert (folder / "overlay.sqlite").stat().st_size < full.st_size / 4
    snap = SnapshotStore(store_dir(), pub.root).current()
    assert snap.overlay_path == folder / "overlay.sqlite" and rows_intact(snap)
    # A bucket no delta touched is still read from the linked file, and still verified.
    untouched = next(c for c in subject_codes(v1) if bucket_of(c, table.count) not in
                     {b for (b,) in sqlite3.connect(folder / "overlay.sqlite").execute("SELECT bucket FROM overlay_buckets")}
                     and c.startswith("9"))
    assert check(capsys, untouched)["status"] in ("clear", "hit")
    with sqlite3.connect(folder / "dataset.sqlite") as conn:
        conn.execute("UPDATE subjects SET name = name || '改' WHERE code = ?", (untouched,))
    conn.close()
    rc, out, _ = run(capsys, "check", untouched, "--item", ITEM, "--offline", "--json")
    assert rc == 3 and json.loads(out)["status"] == "unverified"
    assert not rows_intact(snap)


def test_an_overlay_past_its_share_is_merged_into_a_full_file(capsys, pub, monkeypatch):
    from offline_cache import store as store_module

    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    monkeypatch.setattr(store_module, "CONSOLIDATE_SHARE", 0)
    v3_repo = pub.publish(2, v2, deltas={1: v1})
    assert run(capsys, "cache", "import", v3_repo)[0] == 0
    folder = installed_folder()
    assert installed_kind() == (2, "delta") and not (folder / "overlay.sqlite").exists()
    snap = SnapshotStore(store_dir(), pub.root).current()
    assert snap.overlay_path is None and rows_intact(snap)
    assert check(capsys, KNOWN["clear"][0])["severities"] == ["black"]


# --- verified reads ---------------------------------------------------------------------------

def test_an_edited_row_is_caught_by_the_lookup_that_reads_it(capsys, pub):
    v1, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert run(capsys, "cache", "import", pub.publish(2, v2, deltas={1: v1}))[0] == 0
    assert check(capsys, KNOWN["black"])["status"] == "hit"
    # What a clerk with write access to the data folder might try: take a subject off the list.
    with sqlite3.connect(installed_data()) as conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    rc, out, _ = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    r = json.loads(out)
    assert rc == 3 and r["status"] == "unverified" and "被改动" in r["reason"] and "号分组" in r["reason"]
    # Codes in other buckets still answer: the damage is where it is.
    assert check(capsys, KNOWN["focus"])["status"] in ("hit", "clear")


@pytest.mark.parametrize("how", ["full", "delta"])
def test_a_running_window_catches_an_edit_made_after_it_started(pub, how):
    v1, v2, _ = pub.datasets()
    store = SnapshotStore(store_dir(), pub.root)
    store.install(pub.publish(1, v1))
    if how == "delta":
        store.install(pub.publish(2, v2, deltas={1: v1}))
    offline = OfflineData(config_mod.load(), store_dir())
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc)
    assert offline.answer(KNOWN["black"], ITEM, now).lookup.hits
    data = installed_data()
    stat = data.stat()
    # Same size, same modification time: nothing a cache keyed on the file's stat would see.
    conn = sqlite3.connect(data)
    with conn:
        conn.execute("UPDATE entries SET state = 'removed' WHERE subject_code = ? AND state = 'active'",
                     (KNOWN["black"],))
    conn.close()
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data.stat().st_size == stat.st_size
    with pytest.raises(OfflineUnavailable) as caught:
        offline.answer(KNOWN["black"], ITEM, now)
    assert "被改动" in str(caught.value.reason)
    offline.close()


def _pages_of_known(n: int) -> list[tuple[int, str]]:
    """(page of the bucket table, a known listed code on it), one code per page."""
    pages: dict[int, str] = {}
    for k in ("black", "focus", "red", "objection", "black_and_focus", "unknown_valid"):
        pages.setdefault(bucket_of(KNOWN[k], n) // buckets.PAGE, KNOWN[k])
    return sorted(pages.items())


def _spoil_page(table: Path, page: int) -> None:
    """One digest of ``page`` changed in the installed table; size and time kept."""
    stat = table.stat()
    raw = bytearray(table.read_bytes())
    raw[buckets.HEADER + page * buckets.PAGE * DIGEST] ^= 1
    table.write_bytes(bytes(raw))
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_start_up_checks_the_page_index_not_the_rows_nor_the_whole_table(pub, monkeypatch):
    store = SnapshotStore(store_dir(), pub.root)
    store.install(pub.publish(1))
    from offline_cache import store as store_module
    store_module._verdicts.clear()

    def no_pass(*args, **kwargs):
        raise AssertionError("start-up read rows or hashed the whole bucket table")

    monkeypatch.setattr(store_module, "compute_table", no_pass)
    monkeypatch.setattr(buckets, "read_bucket", no_pass)
    monkeypatch.setattr(store_module, "_read_table", no_pass)
    snap = SnapshotStore(store_dir(), pub.root).current()
    assert snap.version == 1 and isinstance(snap.table, buckets.PagedBucketTable)
    # One changed digest: start-up still answers, the lookups whose bucket is on that page of the
    # table are unverified, naming the bucket, and the other pages answer.
    pages = _pages_of_known(snap.table.count)
    assert len(pages) >= 2
    (spoiled, victim), (_, spared) = pages[0], pages[1]
    _spoil_page(installed_folder() / "buckets.bin", spoiled)
    store_module._verdicts.clear()
    snap = SnapshotStore(store_dir(), pub.root).current()
    with snap.open() as reader:
        with pytest.raises(RowsUnverified) as caught:
            reader.lookup(victim, ITEM)
        assert caught.value.where.startswith(f"第 {bucket_of(victim, snap.table.count)} 号分组")
        assert "页索引" in caught.value.where
        assert reader.lookup(spared, ITEM).hits


def test_a_running_window_catches_an_edit_of_the_bucket_table_made_after_it_started(pub):
    from datetime import datetime, timezone

    store = SnapshotStore(store_dir(), pub.root)
    store.install(pub.publish(1))
    offline = OfflineData(config_mod.load(), store_dir())
    now = datetime.now(timezone.utc)
    snap = store.current()
    pages = _pages_of_known(snap.table.count)
    (spoiled, victim), (_, spared) = pages[0], pages[1]
    assert offline.answer(spared, ITEM, now).lookup.hits   # the victim's page is not read yet
    _spoil_page(installed_folder() / "buckets.bin", spoiled)
    with pytest.raises(OfflineUnavailable) as caught:
        offline.answer(victim, ITEM, now)
    assert "页索引" in str(caught.value.reason)
    assert offline.answer(spared, ITEM, now).lookup.hits
    offline.close()


def _forge(folder: Path, data: Path, code: str) -> None:
    """What an insider with write access to the installed folder does to make an edit stick:
    the row changed, its bucket's digest in the table recomputed to match, and the page index
    rewritten to match the table."""
    conn = sqlite3.connect(data)
    with conn:
        conn.execute("UPDATE entries SET state = 'removed' WHERE subject_code = ?", (code,))
    raw = bytearray((folder / "buckets.bin").read_bytes())
    n = BucketTable.from_bytes(bytes(raw)).count
    b = bucket_of(code, n)
    raw[buckets.HEADER + b * DIGEST:buckets.HEADER + (b + 1) * DIGEST] = buckets.digest_text(buckets.read_bucket(conn, b))
    conn.close()
    (folder / "buckets.bin").write_bytes(bytes(raw))
    (folder / "buckets.pages").write_bytes(buckets.page_index(bytes(raw[buckets.HEADER:])))


def test_a_row_its_digest_and_the_page_index_rewritten_together_are_caught(capsys, pub):
    """The running window (its index verified at start-up, kept in memory) finds the lookup
    unverified; a new process refuses the table; a delta over it is not applied (its base is
    checked against the signed index first) and the full snapshot is installed instead."""
    from datetime import datetime, timezone
    from offline_cache import store as store_module
    from offline_cache.errors import SnapshotRefused

    v1, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    offline = OfflineData(config_mod.load(), store_dir())
    now = datetime.now(timezone.utc)
    assert offline.answer(KNOWN["focus"], ITEM, now).lookup.hits
    _forge(installed_folder(), installed_data(), KNOWN["black"])
    try:
        with pytest.raises(OfflineUnavailable) as caught:
            offline.answer(KNOWN["black"], ITEM, now)
    finally:
        offline.close()
    assert "被改动" in str(caught.value.reason)
    store_module._verdicts.clear()
    with pytest.raises(SnapshotRefused) as refused:
        SnapshotStore(store_dir(), pub.root).current()
    assert refused.value.role == "targets" and "分组表被改动" in refused.value.message
    rc, out, err = run(capsys, "cache", "import", pub.publish(2, v2, deltas={1: v1}))
    assert rc == 0, err
    assert installed_kind() == (2, "full")
    assert check(capsys, KNOWN["black"])["status"] == "hit"


def _within(seconds: float, call):
    """``call()``'s result, failing the test when it has not returned in ``seconds`` (a hang)."""
    import threading

    out = {}

    def run_it():
        try:
            out["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            out["error"] = exc

    worker = threading.Thread(target=run_it, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "hung"
    if "error" in out:
        raise out["error"]
    return out["value"]


def _release(fifo: Path) -> None:
    """Let a reader blocked in opening ``fifo`` go on (it reads an empty file)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # no reader waiting


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_the_page_index_or_the_table_hangs_nothing(pub):
    """An insider with write access to the installed folder puts a named pipe where the page
    index (start-up) or the bucket table (a running window's next page) is read: start-up hashes
    the table whole instead, and the lookup is unverified; neither waits for a writer."""
    from datetime import datetime, timezone
    from offline_cache import store as store_module

    store = SnapshotStore(store_dir(), pub.root)
    store.install(pub.publish(1))
    pages_file = installed_folder() / "buckets.pages"
    pages_file.unlink()
    os.mkfifo(pages_file)
    store_module._verdicts.clear()
    try:
        snap = _within(20, lambda: SnapshotStore(store_dir(), pub.root).current())
    finally:
        _release(pages_file)
    assert isinstance(snap.table, BucketTable)
    with snap.open() as reader:
        assert reader.lookup(KNOWN["black"], ITEM).hits

    pages_file.unlink()
    store_module._verdicts.clear()
    store.install(pub.publish(2))
    offline = OfflineData(config_mod.load(), store_dir())
    now = datetime.now(timezone.utc)
    n = store.current().table.count
    (_, victim), (_, spared) = _pages_of_known(n)[:2]
    assert offline.answer(spared, ITEM, now).lookup.hits   # the victim's page is not read yet
    table = installed_folder() / "buckets.bin"
    table.unlink()
    os.mkfifo(table)
    try:
        with pytest.raises(OfflineUnavailable) as caught:
            _within(20, lambda: offline.answer(victim, ITEM, now))
    finally:
        _release(table)
        offline.close()
    assert "分组表" in str(caught.value.reason)


def test_a_bucket_table_extended_to_gigabytes_is_refused_without_reading_it(pub):
    """An insider extends the installed table to 1 GB (a sparse file: an instant, no disk) and
    removes the page index, so that start-up falls back to hashing the table whole: it is
    refused, naming the table, having read no more than the signed length."""
    import tracemalloc
    from offline_cache import store as store_module
    from offline_cache.errors import SnapshotRefused

    store = SnapshotStore(store_dir(), pub.root)
    store.install(pub.publish(1))
    (installed_folder() / "buckets.pages").unlink()
    os.truncate(installed_folder() / "buckets.bin", 1 << 30)
    store_module._verdicts.clear()
    tracemalloc.start()
    try:
        with pytest.raises(SnapshotRefused) as refused:
            SnapshotStore(store_dir(), pub.root).current()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.role == "targets" and "分组表被改动" in refused.value.message
    assert peak < 64 << 20


def _without_page_index(pub: Publisher) -> None:
    """The repository as a publisher before page indexes signed it: no page_index on the table."""
    from offline_cache.repository import load_signer

    md = pub.repo.load("targets")
    for entry in md.signed.targets.values():
        entry.unrecognized_fields["custom"].pop("page_index", None)
    signers = {"targets": [load_signer(k) for k in pub.keys],
               "snapshot": [load_signer(k) for k in pub.online], "timestamp": [load_signer(k) for k in pub.online]}
    md.signed.version += 1
    pub.repo._commit_targets(md, signers, None)


def test_a_table_signed_without_a_page_index_is_hashed_whole_at_start_up(pub, monkeypatch):
    """Installs from before page indexes (and their repositories) keep working: start-up hashes
    the table whole, and one changed digest refuses the snapshot there."""
    v1, v2, _ = pub.datasets()
    pub.publish(1, v1)
    _without_page_index(pub)
    old = pub.copy("old-publisher")
    store = SnapshotStore(store_dir(), pub.root)
    snap = store.install(old)
    assert not (installed_folder() / "buckets.pages").exists()
    assert isinstance(snap.table, BucketTable) and snap.open().lookup(KNOWN["black"], ITEM).hits
    # The next release, from the new publisher, over that install: a delta, then paged.
    snap = store.install(pub.publish(2, v2, deltas={1: v1}))
    assert snap.kind == "delta" and isinstance(snap.table, buckets.PagedBucketTable)
    assert (installed_folder() / "buckets.pages").exists()
    # A deleted page index costs time, not trust: the table is hashed whole again.
    (installed_folder() / "buckets.pages").unlink()
    from offline_cache import store as store_module
    store_module._verdicts.clear()
    assert isinstance(SnapshotStore(store_dir(), pub.root).current().table, BucketTable)
    _spoil_page(installed_folder() / "buckets.bin", 0)
    (installed_folder() / "buckets.bin").touch()
    from offline_cache.errors import SnapshotRefused
    with pytest.raises(SnapshotRefused) as refused:
        SnapshotStore(store_dir(), pub.root).current()
    assert refused.value.role == "targets" and "分组表被改动" in refused.value.message


def test_a_page_index_other_than_the_signed_one_is_refused_at_install(pub, monkeypatch):
    from offline_cache import repository
    from offline_cache.errors import SnapshotRefused

    monkeypatch.setattr(repository, "page_index_sha256", lambda header, index: "0" * 64)
    repo = pub.publish(1)
    with pytest.raises(SnapshotRefused) as refused:
        SnapshotStore(store_dir(), pub.root).install(repo)
    assert refused.value.role == "targets" and "page_index" in refused.value.message
    assert not store_dir().exists() or not (store_dir() / "state.json").exists()


def test_the_bucket_is_the_same_in_python_and_in_sqlite():
    conn = sqlite3.connect(":memory:")
    codes = ["91440106MA9P6N4D3U", "440106199001011234", "中文代码", "", "x" * 40, "\U0001f600abc"]
    for n in (251, 1361, 5_000_011):
        got = [conn.execute(f"SELECT {bucket_sql('?', n).replace('?', ':c')}", {"c": c}).fetchone()[0]
               for c in codes]
        assert got == [bucket_of(c, n) for c in codes]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codes=st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), min_size=1,
                              max_size=30), min_size=1, max_size=5))
def test_the_bucket_hash_agrees_for_any_text(codes):
    conn = sqlite3.connect(":memory:")
    for c in codes:
        assert conn.execute(f"SELECT {bucket_sql(':c', 1361)}", {"c": c}).fetchone()[0] == bucket_of(c, 1361)


def test_a_reader_refuses_an_edited_catalogue(pub, tmp_path):
    store = SnapshotStore(store_dir(), pub.root)
    snap = store.install(pub.publish(1))
    with sqlite3.connect(snap.data_path) as conn:
        conn.execute("UPDATE measures SET mandatory = 0")
    conn.close()
    with pytest.raises(RowsUnverified):
        snap.open()


# --- a folder holding several repositories (a USB stick, a hall file share) ------------------

@pytest.fixture
def usb(pub, tmp_path):
    """A stick with version 3 (full, and the delta from 2) in a repository folder of its own."""
    v1, v2, v3 = pub.datasets()
    pub.publish(1, v1)
    two = pub.publish(2, v2, deltas={1: v1})
    three = pub.publish(3, v3, deltas={2: v2})
    folder = tmp_path / "usb"
    folder.mkdir()
    shutil.copytree(three, folder / "release-3")
    return folder, two


def test_folder_import_takes_the_delta_for_the_installed_version(capsys, pub, usb):
    folder, two = usb
    assert run(capsys, "cache", "import", two)[0] == 0
    assert run(capsys, "cache", "import", folder)[0] == 0
    assert installed_kind() == (3, "delta")


def test_folder_import_takes_the_full_snapshot_when_no_delta_fits(capsys, pub, usb):
    folder, _ = usb
    assert run(capsys, "cache", "import", folder)[0] == 0
    assert installed_kind() == (3, "full")


def test_a_folder_of_repositories_uses_the_newest_that_verifies_and_names_the_others(capsys, pub, usb, caplog):
    folder, two = usb
    shutil.copytree(two, folder / "release-2")
    v4 = pub.publish(4)
    shutil.copytree(v4, folder / "release-4")
    flip = folder / "release-4" / "targets" / "snapshot-000004.sqlite"
    raw = bytearray(flip.read_bytes())
    raw[100] ^= 1
    flip.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="offline_cache.store"):
        assert run(capsys, "cache", "import", folder)[0] == 0
    assert installed_kind()[0] == 3
    assert any("release-4" in r.getMessage() and "hash-mismatch" in r.getMessage() for r in caplog.records)


def test_folder_without_any_repository(capsys, pub, tmp_path):
    empty = tmp_path / "empty-usb"
    empty.mkdir()
    (empty / "readme.txt").write_text("nothing here", encoding="utf-8")
    code, _, err = run(capsys, "cache", "import", empty)
    assert code == 4 and "没有快照" in err
