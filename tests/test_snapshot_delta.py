"""Deltas: a hall that follows v1 → v2 → v3 through deltas holds exactly the dataset of the full v3
snapshot, and `cache import` of a folder holding both kinds picks the right one."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot_fixtures import ITEM, KNOWN, Publisher, deploy, tree

from desktop.app.cli import main as desk
from offline_cache import store
from offline_cache.digest import file_dataset_digest
from offline_cache.reader import SnapshotReader
from offline_cache.store import SnapshotStore


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, code: str) -> dict:
    rc, out, err = run(capsys, "check", code, "--item", ITEM, "--offline", "--json")
    assert rc == 0, err
    return json.loads(out)


def store_dir() -> Path:
    return Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"


def installed_kind() -> tuple[int, str]:
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    return state["current"]["version"], state["current"]["dir"].split("-")[1]


@pytest.fixture
def pub(tmp_path, desk_env):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    return p


def all_answers(data: Path, codes: list[str], items: list[str]) -> list:
    with SnapshotReader(data) as reader:
        return [reader.lookup(c, i) for c in codes for i in items]


def test_delta_chain_gives_exactly_the_full_snapshot(capsys, pub, tmp_path):
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    before = check(capsys, KNOWN["clear"][0])
    assert before["status"] == "clear"

    code, out, err = run(capsys, "cache", "import", pub.publish_delta(1, 2, v1, v2))
    assert code == 0 and "第 2 版" in out, err
    assert installed_kind() == (2, "delta")
    # What the clerk sees change: a new listing, a repaired entry.
    newly = check(capsys, KNOWN["clear"][0])
    assert newly["status"] == "hit" and newly["severities"] == ["black"] and newly["snapshot_version"] == 2
    assert check(capsys, KNOWN["focus"])["status"] == "clear"

    assert run(capsys, "cache", "import", pub.publish_delta(2, 3, v2, v3))[0] == 0
    assert installed_kind() == (3, "delta")
    assert check(capsys, KNOWN["unknown_valid"])["severities"] == ["focus"]
    assert check(capsys, KNOWN["red"])["status"] == "clear"

    # The same version through a full snapshot, in a store of its own.
    full = SnapshotStore(tmp_path / "full-store", pub.root).install(pub.publish(3, v3))
    chained = SnapshotStore(store_dir(), pub.root).current()
    assert chained.dataset_digest == full.dataset_digest == file_dataset_digest(v3)
    assert file_dataset_digest(chained.data_path) == file_dataset_digest(full.data_path)
    codes = sorted(subject_codes(v1) | subject_codes(v3))
    with SnapshotReader(v3) as r3:
        items = [i.item_code for i in r3.items()]
    assert len(codes) > 5000
    sample_items = [ITEM, KNOWN["item_with_reward"], KNOWN["item_without_mapping"]]
    assert all_answers(chained.data_path, codes, sample_items) == all_answers(full.data_path, codes, sample_items)
    listed = [KNOWN[k] for k in ("black", "focus", "red", "black_and_focus", "objection", "unknown_valid")]
    assert all_answers(chained.data_path, listed, items) == all_answers(full.data_path, listed, items)


def subject_codes(data: Path) -> set[str]:
    conn = sqlite3.connect(data.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {code for (code,) in conn.execute("SELECT code FROM subjects")}
    finally:
        conn.close()


def test_a_delta_with_no_changes_still_advances_the_version(capsys, pub):
    v1, _, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert run(capsys, "cache", "import", pub.publish_delta(1, 2, v1, v1))[0] == 0
    assert installed_kind() == (2, "delta") and check(capsys, KNOWN["black"])["snapshot_version"] == 2


def test_delta_whose_result_differs_from_the_signed_digest_is_refused(capsys, pub):
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    m = pub.resign(pub.publish_delta(1, 2, v1, v2), lambda s: s.update(dataset_digest=file_dataset_digest(v3)))
    before = tree(store_dir())
    code, _, err = run(capsys, "cache", "import", m)
    assert code == 4 and "增量应用后的数据与签署的数据摘要不符" in err
    assert tree(store_dir()) == before and check(capsys, KNOWN["black"])["snapshot_version"] == 1


def delta_built(capsys, pub) -> Path:
    """v1 full, then v2 by delta: the installed data file has no signed byte hash."""
    v1, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert run(capsys, "cache", "import", pub.publish_delta(1, 2, v1, v2))[0] == 0
    assert installed_kind() == (2, "delta")
    return SnapshotStore(store_dir(), pub.root).current().data_path


def test_edited_row_in_a_delta_built_snapshot_is_caught(capsys, pub):
    data = delta_built(capsys, pub)
    assert check(capsys, KNOWN["black"])["status"] == "hit"
    # What a clerk with write access to the data folder might try: take a subject off the list.
    with sqlite3.connect(data) as conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    store._verdicts.clear()  # as in a new process
    rc, out, err = run(capsys, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    r = json.loads(out)
    assert rc == 3 and r["status"] == "unverified" and "数据被改动" in r["reason"]


def test_later_starts_check_the_seal_instead_of_every_row(capsys, pub, monkeypatch):
    data = delta_built(capsys, pub)
    seal = data.parent / store.SEAL
    assert seal.is_file()
    real_digest = store.file_dataset_digest
    calls = []
    monkeypatch.setattr(store, "file_dataset_digest", lambda path: calls.append(path) or real_digest(path))

    assert check(capsys, KNOWN["black"])["snapshot_version"] == 2  # reading changes no byte
    store._verdicts.clear()
    assert SnapshotStore(store_dir(), pub.root).current().version == 2
    assert calls == []  # the bytes matched the seal: no pass over every row

    # A seal that no longer matches is only a cache miss: the signed digest decides, and the
    # seal is written again.
    seal.write_text(json.dumps({**json.loads(seal.read_text()), "sha256": "0" * 64}))
    store._verdicts.clear()
    assert SnapshotStore(store_dir(), pub.root).current().version == 2
    assert calls == [data]
    store._verdicts.clear()
    SnapshotStore(store_dir(), pub.root).current()
    assert calls == [data]


# --- a folder holding both kinds (a USB stick, a hall file share) ----------------------------

@pytest.fixture
def usb(pub, tmp_path):
    """A folder with the full v3 snapshot and the 2 → 3 delta side by side."""
    v1, v2, v3 = pub.datasets()
    folder = tmp_path / "usb"
    folder.mkdir()
    full = pub.publish(3, v3)
    for f in full.parent.iterdir():
        shutil.copy(f, folder / f.name)
    pub.publish_delta(2, 3, v2, v3, folder=folder)
    return folder


def test_folder_import_takes_the_delta_for_the_installed_version(capsys, pub, usb):
    _, v2, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(2, v2))[0] == 0
    assert run(capsys, "cache", "import", usb)[0] == 0
    assert installed_kind() == (3, "delta")


def test_folder_import_takes_the_full_snapshot_when_the_delta_does_not_fit(capsys, pub, usb):
    v1, _, _ = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    assert run(capsys, "cache", "import", usb)[0] == 0
    assert installed_kind() == (3, "snapshot")


def test_folder_import_on_a_fresh_machine_takes_the_full_snapshot(capsys, pub, usb):
    assert run(capsys, "cache", "import", usb)[0] == 0
    assert installed_kind() == (3, "snapshot")


def test_folder_import_prefers_a_newer_full_snapshot_over_an_older_delta(capsys, pub, usb):
    _, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(2, v2))[0] == 0
    for f in pub.publish(4, v3).parent.iterdir():
        shutil.copy(f, usb / f.name)
    assert run(capsys, "cache", "import", usb)[0] == 0
    assert installed_kind() == (4, "snapshot")


def test_folder_with_only_a_delta_for_another_base_names_that_problem(capsys, pub, tmp_path):
    v1, v2, v3 = pub.datasets()
    assert run(capsys, "cache", "import", pub.publish(1, v1))[0] == 0
    folder = pub.publish_delta(2, 3, v2, v3).parent
    before = tree(store_dir())
    code, _, err = run(capsys, "cache", "import", folder)
    assert code == 4 and "第 2 版到第 3 版的增量" in err and tree(store_dir()) == before


def test_folder_without_any_manifest(capsys, pub, tmp_path):
    empty = tmp_path / "empty-usb"
    empty.mkdir()
    (empty / "readme.txt").write_text("nothing here", encoding="utf-8")
    code, _, err = run(capsys, "cache", "import", empty)
    assert code == 4 and "没有快照清单" in err


# --- the dataset digest does not depend on where rows are encoded ----------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=3, max_size=3))
def test_digest_is_the_same_whether_sqlite_or_python_encodes_the_rows(tmp_path_factory, monkeypatch, names):
    from snapshot_fixtures import DEMO_DATA, edit_dataset

    from offline_cache import digest

    data = edit_dataset(DEMO_DATA, tmp_path_factory.mktemp("digest") / "d.sqlite",
                        ("UPDATE subjects SET name = ? WHERE code = ?", (names[0], KNOWN["black"])),
                        ("UPDATE entries SET basis = ?, expires_on = NULL WHERE subject_code = ?",
                         (names[1], KNOWN["focus"])),
                        ("UPDATE measures SET content = ? WHERE measure_id = 'M-SX-01'", (names[2],)))
    conn = sqlite3.connect(data)
    assert digest._sqlite_encodes_canonically(conn)  # this machine's SQLite takes the fast path
    fast = digest.dataset_digest(conn)
    with monkeypatch.context() as patched:
        patched.setattr(digest, "_sqlite_encodes_canonically", lambda conn: False)
        slow = digest.dataset_digest(conn)
    conn.close()
    assert fast == slow
