"""The trust model as IT staff meet it: `credit-desk cache import` and `offline-cache verify` with
real keys, against a deployment whose config trusts a test root. Every refusal exits 4, names the
problem, leaves the installed snapshot folder byte-for-byte as it was, and `credit-desk check`
keeps answering from the installed snapshot."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from snapshot_fixtures import ITEM, KNOWN, NOW, Publisher, deploy, tree

from desktop.app.cli import main as desk
from offline_cache.cli import main as publisher_cli
from offline_cache.errors import SnapshotRefused
from offline_cache.store import SnapshotStore


def run(capsys, entry, *argv):
    code = entry([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def store_dir() -> Path:
    return Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"


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
def pub(tmp_path, desk_env):
    """One publisher key, threshold 1; the deployment trusts it and has v1 installed."""
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    return p


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


def data_of(manifest: Path) -> Path:
    return manifest.parent / json.loads(manifest.read_text(encoding="utf-8"))["signed"]["data"]["name"]


# Each damage: (what the import is given, words the refusal must contain). The same files go to
# the publisher's `offline-cache verify`, which must refuse them too.

def missing_manifest(p):
    m = p.publish(2)
    m.unlink()
    return m, ("找不到快照",)


def missing_data(p):
    m = p.publish(2)
    data_of(m).unlink()
    return m, ("找不到快照数据文件", "同一文件夹")


def truncated(p):
    m = p.publish(2)
    data = data_of(m)
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    return m, ("大小与清单不符", "不完整")


def bit_flipped(p):
    m = p.publish(2)
    flip_bit(data_of(m))
    return m, ("校验值与清单不符", "SHA-256")


def edited_after_signing(p):
    m = p.publish(2)
    text = m.read_text(encoding="utf-8")
    env = json.loads(text)
    later = (NOW + timedelta(days=3000)).isoformat()
    m.write_text(text.replace(env["signed"]["expires"], later), encoding="utf-8")
    return m, ("签名无效", "签署后被改动")


def other_key(p):
    m = p.publish(2)
    return p.resign(m, lambda signed: None, keys=[p.new_key("intruder")]), ("不是由受信任的发布密钥签署",)


def expired(p):
    return p.publish(2, data_as_of=NOW - timedelta(days=40), expires=NOW - timedelta(days=1)), ("过期",)


def lies_about_size(p):
    def change(signed):
        signed["data"]["size"] += 4096
    return p.resign(p.publish(2), change), ("大小与清单不符",)


def lies_about_hash(p):
    def change(signed):
        signed["data"]["sha256"] = "0" * 64
    return p.resign(p.publish(2), change), ("校验值与清单不符",)


DAMAGES = [missing_manifest, missing_data, truncated, bit_flipped, edited_after_signing, other_key,
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
    assert all(w in err for w in words), err


def test_verify_accepts_a_good_snapshot(capsys, pub):
    code, out, _ = run(capsys, publisher_cli, "verify", pub.publish(3), "--root", pub.root)
    assert code == 0 and "校验通过：第 3 版" in out


def test_refused_on_a_fresh_machine_leaves_no_folder_behind(capsys, pub):
    m, _ = bit_flipped(pub)
    refuse(capsys, m, "校验值与清单不符", still=None)
    assert not store_dir().exists()


def test_rollback_to_an_older_version_is_refused(capsys, installed):
    assert run(capsys, desk, "cache", "import", installed.publish(2))[0] == 0
    refuse(capsys, installed.publish(1), "第 1 版", "比本机已安装的第 2 版旧", still=2)


def test_same_version_again_changes_nothing(capsys, installed):
    before = tree(store_dir())
    code, out, _ = run(capsys, desk, "cache", "import", installed.publish(1))
    assert code == 0 and "已是第 1 版" in out
    assert tree(store_dir()) == before


def test_delta_for_another_base_is_refused(capsys, installed):
    v1, v2, v3 = installed.datasets()
    refuse(capsys, installed.publish_delta(2, 3, v2, v3), "第 2 版到第 3 版的增量", "本机已安装第 1 版")


def test_delta_whose_data_does_not_start_from_the_installed_data_is_refused(capsys, installed):
    # Signed as "from version 1", but computed from other data: its base digest gives it away.
    v1, v2, v3 = installed.datasets()
    refuse(capsys, installed.publish_delta(1, 3, v2, v3), "增量的基础数据与本机第 1 版的数据不一致")


def test_delta_onto_nothing_is_refused(capsys, pub):
    v1, v2, _ = pub.datasets()
    refuse(capsys, pub.publish_delta(1, 2, v1, v2), "本机尚未安装任何快照", still=None)


def test_install_keeps_the_previous_snapshot_intact(capsys, installed):
    first = tree(store_dir())
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    v1_dir = state["current"]["dir"]
    assert run(capsys, desk, "cache", "import", installed.publish(2))[0] == 0
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    assert state["previous"] == {"dir": v1_dir, "version": 1} and state["current"]["version"] == 2
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


def test_tampered_installed_snapshot_cannot_vouch_until_reinstalled(capsys, installed):
    state = json.loads((store_dir() / "state.json").read_text(encoding="utf-8"))
    flip_bit(store_dir() / "snapshots" / state["current"]["dir"] / "dataset.sqlite")
    code, out, _ = run(capsys, desk, "check", KNOWN["black"], "--item", ITEM, "--json")
    result = json.loads(out)
    assert code == 3 and result["status"] == "unverified" and "被改动" in result["reason"]
    assert run(capsys, desk, "cache", "import", installed.publish(1))[0] == 0
    assert answering_version(capsys) == 1


# --- threshold roots -------------------------------------------------------------------------

@pytest.fixture
def two_of_three(tmp_path, desk_env, capsys):
    _, config = desk_env
    p = Publisher(tmp_path / "publisher", keys=3, threshold=2)
    deploy(config, p.root)
    assert run(capsys, desk, "cache", "import", p.publish(1, keys=p.keys[:2]))[0] == 0
    return p


def test_below_threshold_is_refused(capsys, two_of_three):
    p = two_of_three
    refuse(capsys, p.publish(2, keys=[p.keys[2]]), "签名不足", "需要 2 个", "只有 1 个")


def test_one_key_signing_twice_is_still_one_signature(capsys, two_of_three):
    p = two_of_three
    m = p.publish(2, keys=[p.keys[0]])
    env = json.loads(m.read_text(encoding="utf-8"))
    env["signatures"] = env["signatures"] * 2
    m.write_text(json.dumps(env), encoding="utf-8")
    refuse(capsys, m, "签名不足")


def test_any_two_of_three_keys_suffice(capsys, two_of_three):
    p = two_of_three
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[p.keys[0], p.keys[2]]))[0] == 0
    assert answering_version(capsys) == 2


# --- root rotation ---------------------------------------------------------------------------

def test_root_rotation_signed_by_the_old_root_is_accepted(capsys, installed):
    p = installed
    new_key = p.new_key("next")
    code, out, err = run(capsys, desk, "cache", "import",
                         p.rotate(2, [new_key], 1, sign_with=[p.keys[0], new_key]))
    assert code == 0 and "信任根第 2 版" in out, err
    assert "第 2 版" in run(capsys, desk, "cache", "status")[1]
    # The old key no longer counts; the installed v1, signed by it, cannot vouch any more.
    assert answering_version(capsys) is None
    before = tree(store_dir())
    code, _, err = run(capsys, desk, "cache", "import", p.publish(2))
    assert code == 4 and "不是由受信任的发布密钥签署" in err and tree(store_dir()) == before
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[new_key]))[0] == 0
    assert answering_version(capsys) == 2


def test_root_not_signed_by_the_old_root_is_refused(capsys, installed):
    p = installed
    new_key = p.new_key("usurper")
    refuse(capsys, p.rotate(2, [new_key], 1, sign_with=[new_key]), "新信任根", "不是由受信任的发布密钥签署")
    assert run(capsys, desk, "cache", "import", p.publish(2, keys=[new_key]))[0] == 4


def test_root_rotation_needs_the_old_threshold(capsys, two_of_three):
    p = two_of_three
    new_key = p.new_key("next")
    refuse(capsys, p.rotate(2, [new_key], 1, sign_with=[p.keys[0], new_key]), "新信任根", "签名不足")
    code, out, _ = run(capsys, desk, "cache", "import",
                       p.rotate(2, [new_key], 1, sign_with=[p.keys[0], p.keys[1], new_key]))
    assert code == 0


def test_root_must_advance_one_version_at_a_time(capsys, installed):
    p = installed
    new_key = p.new_key("next")
    refuse(capsys, p.rotate(3, [new_key], 1, sign_with=[p.keys[0], new_key]), "只能逐版更换")
    refuse(capsys, p.rotate(1, [new_key], 1, sign_with=[p.keys[0], new_key]), "不比当前的第 1 版新")


def test_a_root_dropped_into_the_store_by_hand_is_not_trusted(capsys, installed):
    p = installed
    usurper = p.new_key("usurper")
    roots = store_dir() / "roots"
    roots.mkdir()
    (roots / "2.root.json").write_bytes(p.rotate(2, [usurper], 1, sign_with=[usurper]).read_bytes())
    assert answering_version(capsys) == 1
    code, _, err = run(capsys, desk, "cache", "import", p.publish(2, keys=[usurper]))
    assert code == 4 and "不是由受信任的发布密钥签署" in err


# --- verification order (DESIGN.md): signatures, rollback, expiry, size and hash --------------
# Each file below fails several checks at once; the refusal must name the earliest in that order,
# so a forged or stale file is never read further than the check that condemns it.

def _everything_wrong(p, version, *, keys=None):
    m = p.publish(version, keys=keys, data_as_of=NOW - timedelta(days=40), expires=NOW - timedelta(days=1))
    flip_bit(data_of(m))
    return m


def test_signature_is_checked_before_anything_else(capsys, installed):
    p = installed
    assert run(capsys, desk, "cache", "import", p.publish(2))[0] == 0
    m = _everything_wrong(p, 1, keys=[p.new_key("intruder")])  # foreign key, older, expired, flipped
    data_of(m).unlink()                                           # and its data file is missing
    err = refuse(capsys, m, "不是由受信任的发布密钥签署", still=2)
    assert not any(w in err for w in ("旧", "过期", "找不到", "校验值")), err


def test_rollback_is_checked_before_expiry_and_data(capsys, installed):
    p = installed
    assert run(capsys, desk, "cache", "import", p.publish(2))[0] == 0
    err = refuse(capsys, _everything_wrong(p, 1), "比本机已安装的第 2 版旧", still=2)
    assert "过期" not in err and "校验值" not in err, err


def test_expiry_is_checked_before_the_data_file(capsys, installed):
    m = _everything_wrong(installed, 2)
    data_of(m).write_bytes(b"truncated")
    err = refuse(capsys, m, "过期")
    assert "大小" not in err and "校验值" not in err, err


def test_size_is_checked_before_the_hash(capsys, installed):
    m = installed.publish(2)
    data = data_of(m)
    raw = bytearray(data.read_bytes())
    raw[100] ^= 0x01
    data.write_bytes(bytes(raw) + b"\0")
    err = refuse(capsys, m, "大小与清单不符")
    assert "校验值" not in err, err


# --- a damaged store, a failed commit ---------------------------------------------------------

def test_damaged_pointer_file_is_repaired_by_importing_again_but_not_by_an_older_snapshot(capsys, installed):
    p = installed
    assert run(capsys, desk, "cache", "import", p.publish(2))[0] == 0
    (store_dir() / "state.json").write_text('{"format": 1,', encoding="utf-8")
    assert answering_version(capsys) is None
    # Damaging the pointer must not open a way back to older data.
    code, _, err = run(capsys, desk, "cache", "import", p.publish(1))
    assert code == 4 and "比本机已安装的第 2 版旧" in err
    code, out, err = run(capsys, desk, "cache", "import", p.publish(2))
    assert code == 0 and "已安装离线数据第 2 版" in out, err
    assert answering_version(capsys) == 2


def test_install_that_fails_at_the_commit_point_leaves_the_store_as_it_was(capsys, installed, monkeypatch):
    from offline_cache import store as store_module

    before = tree(store_dir())

    def disk_full(path, data):
        raise OSError(28, "No space left on device", str(path))

    write_atomic = store_module._write_atomic
    monkeypatch.setattr(store_module, "_write_atomic", disk_full)
    code, out, err = run(capsys, desk, "cache", "import", installed.publish(2))
    assert code == 4 and "未能安装" in err and "磁盘空间" in err and "保持不变" in err
    assert tree(store_dir()) == before
    # Only the disk comes back: monkeypatch.undo() would also drop the test's CREDIT_DESK_HOME
    # and read the machine's own snapshot instead.
    monkeypatch.setattr(store_module, "_write_atomic", write_atomic)
    assert answering_version(capsys) == 1


def test_expired_copy_of_the_installed_version_is_refused_not_reported_as_installed(capsys, installed):
    m = installed.publish(1, data_as_of=NOW - timedelta(days=40), expires=NOW - timedelta(days=1))
    err = refuse(capsys, m, "第 1 版", "过期")
    assert "已是第 1 版" not in err
