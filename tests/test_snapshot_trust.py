"""The trust model as IT staff meet it: `credit-desk cache import` and `offline-cache verify` with
real keys and TUF metadata, against a deployment whose config trusts a test root. Every refusal
exits 4, names the role and the reason, leaves the installed snapshot folder byte-for-byte as it
was, and `credit-desk check` keeps answering from the installed snapshot."""
from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from snapshot_fixtures import ITEM, KNOWN, NOW, Publisher, deploy, pub, resign, store_dir, tree  # noqa: F401

from desktop.app.cli import main as desk
from offline_cache.cli import main as publisher_cli
from offline_cache.errors import SnapshotRefused
from offline_cache.repository import load_signer
from offline_cache.store import SnapshotStore


def run(capsys, entry, *argv):
    code = entry([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err



def answering_version(capsys) -> int | None:
    """The snapshot version `credit-desk check` answers from (None: it could not vouch)."""
    code, out, _ = run(capsys, desk, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    result = json.loads(out)
    if code == 3:
        assert result["status"] == "unverified"
        return None
    assert code == 0 and result["status"] == "hit" and result["source"] == "offline"
    return result["snapshot_version"]



@pytest.fixture
def installed(pub, capsys):
    code, out, err = run(capsys, desk, "cache", "import", pub.publish(1))
    assert code == 0, err
    assert "已安装离线数据第 1 版" in out
    return pub


def refuse(capsys, path: Path, *words: str, still: int | None = 1) -> str:
    before = tree(store_dir())
    code, out, err = run(capsys, desk, "cache", "import", path)
    assert code == 4, (out, err)
    for word in words:
        assert word in err, err
    assert "保持不变" in err
    assert tree(store_dir()) == before
    assert answering_version(capsys) == still
    return err


def flip_bit(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    offset = len(data) // 2 if offset is None else offset
    data[offset] ^= 0x10
    path.write_bytes(bytes(data))


def data_of(repo: Path, version: int = 2) -> Path:
    return repo / "targets" / f"snapshot-{version:06d}.sqlite"


# Each damage: (what the import is given, words the refusal must contain: the role and the
# reason). The same folders go to the publisher's `offline-cache verify`, which refuses them too.

def missing_folder(p):
    repo = p.publish(2)
    missing = repo.with_name(repo.name + "-not-there")
    return missing, ("找不到快照",)


def missing_data(p):
    repo = p.publish(2)
    data_of(repo).unlink()
    return repo, ("targets", "找不到目标文件")


def truncated(p):
    repo = p.publish(2)
    data = data_of(repo)
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    return repo, ("targets", "长度或哈希与目标元数据不符")


def bit_flipped(p):
    repo = p.publish(2)
    flip_bit(data_of(repo))
    return repo, ("targets", "长度或哈希与目标元数据不符")


def edited_after_signing(p):
    repo = p.publish(2)
    path = repo / "metadata" / "targets.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"region": "440000"', '"region": "110000"'), encoding="utf-8")
    return repo, ("（targets）", "签名未达到门槛")


def other_key(p):
    return resign(p.publish(2), "targets", lambda s: None, [p.new_key("intruder")]), ("（targets）", "签名未达到门槛")


def expired(p):
    return p.publish(2, data_as_of=NOW - timedelta(days=40), expires=NOW - timedelta(days=1)), \
        ("（timestamp）", "过期")


def lies_about_size(p):
    def change(signed):
        signed.targets["snapshot-000002.sqlite"].length += 4096
    return resign(p.publish(2), "targets", change, p.keys), ("targets", "长度或哈希与目标元数据不符")


def lies_about_hash(p):
    def change(signed):
        signed.targets["snapshot-000002.sqlite"].hashes["sha256"] = "0" * 64
    return resign(p.publish(2), "targets", change, p.keys), ("targets", "长度或哈希与目标元数据不符")


DAMAGES = [missing_folder, missing_data, truncated, bit_flipped, edited_after_signing, other_key,
           expired, lies_about_size, lies_about_hash]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_import_refuses_and_changes_nothing(capsys, installed, damage):
    path, words = damage(installed)
    refuse(capsys, path, *words)


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_publisher_verify_refuses_the_same_files(capsys, pub, damage):
    path, words = damage(pub)
    code, out, err = run(capsys, publisher_cli, "verify", path, "--root", pub.root)
    assert code == 4 and out == ""
    assert all(w in err for w in words if w != "找不到快照"), err


def test_verify_accepts_a_good_snapshot(capsys, pub):
    code, out, _ = run(capsys, publisher_cli, "verify", pub.publish(3), "--root", pub.root)
    assert code == 0 and "校验通过" in out and "第 3 版" in out


def test_refused_on_a_fresh_machine_leaves_no_folder_behind(capsys, pub):
    repo, words = bit_flipped(pub)
    refuse(capsys, repo, *words, still=None)
    assert not store_dir().exists()


def test_rollback_to_an_older_copy_is_refused(capsys, installed):
    older = installed.publish(2)
    assert run(capsys, desk, "cache", "import", installed.publish(3))[0] == 0
    refuse(capsys, older, "（timestamp）", "拒绝回退", still=3)


def test_same_version_again_changes_nothing(capsys, pub):
    repo = pub.publish(1)
    assert run(capsys, desk, "cache", "import", repo)[0] == 0
    before = tree(store_dir())
    code, out, _ = run(capsys, desk, "cache", "import", repo)
    assert code == 0 and "已是第 1 版" in out
    assert tree(store_dir()) == before


def test_install_keeps_the_previous_snapshot_intact(capsys, installed):
    first = tree(store_dir())
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    v1_dir = state["current"]["dir"]
    assert run(capsys, desk, "cache", "import", installed.publish(2))[0] == 0
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    assert state["previous"] == {"dir": v1_dir, "version": 1, "kind": "full"} and state["current"]["version"] == 2
    after = tree(store_dir())
    assert {k: v for k, v in after.items() if v1_dir in k} == {k: v for k, v in first.items() if v1_dir in k}
    assert answering_version(capsys) == 2
    # A third install lets the oldest go and keeps the one it replaces.
    assert run(capsys, desk, "cache", "import", installed.publish(3))[0] == 0
    kept = {p.name for p in (store_dir() / "snapshots").iterdir()}
    assert v1_dir not in kept and state["current"]["dir"] in kept and len(kept) == 2


def test_cancelled_install_changes_nothing(capsys, installed):
    before = tree(store_dir())
    store = SnapshotStore(store_dir(), installed.root)
    with pytest.raises(SnapshotRefused) as info:
        store.install(installed.publish(2), cancel=lambda: True)
    assert info.value.reason == "cancelled"
    assert tree(store_dir()) == before
    assert answering_version(capsys) == 1


def test_tampered_installed_snapshot_cannot_vouch_until_reinstalled(capsys, pub):
    repo = pub.publish(1)
    assert run(capsys, desk, "cache", "import", repo)[0] == 0
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(store_dir() / "snapshots" / state["current"]["dir"] / "dataset.sqlite")
    with conn:
        conn.execute("DELETE FROM entries WHERE subject_code = ?", (KNOWN["black"],))
    conn.close()
    code, out, _ = run(capsys, desk, "check", KNOWN["black"], "--item", ITEM, "--json")
    result = json.loads(out)
    assert code == 3 and result["status"] == "unverified" and "被改动" in result["reason"]
    # Importing the same version again checks every row and repairs the install.
    code, out, err = run(capsys, desk, "cache", "import", repo)
    assert code == 0 and "已安装离线数据第 1 版" in out, (out, err)
    assert answering_version(capsys) == 1


# --- thresholds ------------------------------------------------------------------------------

@pytest.fixture
def two_of_three(tmp_path, desk_env, capsys):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher", keys=3, threshold=2)
    deploy(config, p.root)
    assert run(capsys, desk, "cache", "import", p.publish(1, keys=p.keys[:2]))[0] == 0
    return p


def test_below_threshold_is_refused(capsys, two_of_three):
    p = two_of_three
    refuse(capsys, p.publish(2, keys=[p.keys[2]]), "（timestamp）", "签名未达到门槛")


def test_one_key_signing_twice_is_still_one_signature(capsys, two_of_three):
    p = two_of_three
    repo = p.publish(2, keys=p.keys[:2])
    path = repo / "metadata" / "targets.json"
    env = json.loads(path.read_text(encoding="utf-8"))
    env["signatures"] = [env["signatures"][0], dict(env["signatures"][0])]
    path.write_text(json.dumps(env), encoding="utf-8")
    refuse(capsys, repo, "targets")


def test_any_two_of_three_keys_suffice(capsys, two_of_three):
    p = two_of_three
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[p.keys[0], p.keys[2]]))[0] == 0
    assert answering_version(capsys) == 2


# --- root rotation ---------------------------------------------------------------------------

def test_root_rotation_on_its_own_then_data_signed_by_the_new_key(capsys, installed):
    p = installed
    new_key = p.new_key("next")
    root2 = p.rotate({r: ([new_key], 1) for r in ("root", "targets", "snapshot", "timestamp")},
                     sign_with=[p.keys[0], new_key])
    code, out, err = run(capsys, desk, "cache", "import", root2)
    assert code == 0 and "信任根第 2 版" in out, err
    assert "第 2 版" in run(capsys, desk, "cache", "status")[1]
    # The old key no longer counts: the installed v1, signed by it, cannot vouch any more.
    assert answering_version(capsys) is None
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[new_key]))[0] == 0
    assert answering_version(capsys) == 2


def test_root_rotation_travels_with_the_data(capsys, installed):
    p = installed
    new_key = p.new_key("next")
    p.rotate({"targets": ([new_key], 1)}, sign_with=[p.keys[0]])
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[new_key], online=p.keys))[0] == 0
    assert (store_dir() / "roots" / "2.root.json").is_file() and answering_version(capsys) == 2


def test_root_not_signed_by_the_old_root_is_refused(capsys, installed):
    p = installed
    usurper = p.new_key("usurper")
    root2 = p.rotate({r: ([usurper], 1) for r in ("root", "targets", "snapshot", "timestamp")}, sign_with=[usurper])
    refuse(capsys, root2, "（root）", "签名未达到门槛")
    refuse(capsys, p.publish(2, keys=[usurper]), "（root）", "签名未达到门槛")


def test_root_rotation_needs_the_old_threshold(capsys, two_of_three):
    p = two_of_three
    new_key = p.new_key("next")
    everything = {r: ([new_key], 1) for r in ("root", "targets", "snapshot", "timestamp")}
    weak = p.rotate(everything, sign_with=[p.keys[0], new_key])
    refuse(capsys, weak, "（root）", "签名未达到门槛")


def test_root_must_advance_one_version_at_a_time(capsys, installed):
    p = installed
    new_key = p.new_key("next")
    p.rotate({"targets": ([new_key], 1)}, sign_with=[p.keys[0]])
    root3 = p.rotate({"targets": ([p.keys[0]], 1)}, sign_with=[p.keys[0]])
    refuse(capsys, root3, "（root）", "Expected root version 2")


def test_a_root_dropped_into_the_store_by_hand_is_not_trusted(capsys, installed):
    p = installed
    usurper = p.new_key("usurper")
    root2 = p.rotate({r: ([usurper], 1) for r in ("root", "targets", "snapshot", "timestamp")}, sign_with=[usurper])
    roots = store_dir() / "roots"
    roots.mkdir()
    (roots / "2.root.json").write_bytes(root2.read_bytes())
    assert answering_version(capsys) == 1
    code, _, err = run(capsys, desk, "cache", "import", p.publish(2, keys=[usurper]))
    assert code == 4 and "签名未达到门槛" in err


# --- a damaged store, a failed commit ---------------------------------------------------------

def test_damaged_pointer_file_is_repaired_by_importing_again_but_not_by_an_older_copy(capsys, installed):
    p = installed
    older = p.publish(2)
    newer = p.publish(3)
    assert run(capsys, desk, "cache", "import", newer)[0] == 0
    (store_dir() / "state.json").write_text('{"format": 2,', encoding="utf-8")
    assert answering_version(capsys) is None
    # Damaging the pointer must not open a way back to older data.
    code, _, err = run(capsys, desk, "cache", "import", older)
    assert code == 4 and "比本机已安装的第 3 版旧" in err
    code, out, err = run(capsys, desk, "cache", "import", newer)
    assert code == 0 and "已安装离线数据第 3 版" in out, err
    assert answering_version(capsys) == 3


def test_install_that_fails_at_the_commit_point_leaves_the_store_as_it_was(capsys, installed, monkeypatch):
    from offline_cache import store as store_module

    before = tree(store_dir())

    def disk_full(path, data):
        raise OSError(28, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(store_module, "_write_atomic", disk_full)
        code, out, err = run(capsys, desk, "cache", "import", installed.publish(2))
    assert code == 4 and "未能安装" in err and "磁盘空间" in err and "保持不变" in err
    assert tree(store_dir()) == before
    assert answering_version(capsys) == 1


def test_a_frozen_copy_of_the_installed_version_is_refused_not_reported_as_installed(capsys, pub):
    assert run(capsys, desk, "cache", "import", pub.publish(1))[0] == 0
    pub.repo.refresh_timestamp([load_signer(pub.keys[0])], expires=NOW - timedelta(hours=1))
    err = refuse(capsys, pub.copy("frozen"), "（timestamp）", "过期")
    assert "已是第 1 版" not in err
