"""A desk on the snapshot format before TUF (its config names an old-format root, its store holds
an old-format install) moves to the new format through one signed transition: the old root's
threshold of keys signs the new TUF root's hash (`offline-cache transition`), and the desk
accepts the TUF repository only with it — from a USB folder or from the platform."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from desk_config import OPERATORS
from reference_platform.fixtures import memory_keyring, online  # noqa: F401
from snapshot_fixtures import ITEM, KNOWN, Publisher, tree

from desktop.app.cli import main as desk
from offline_cache.cli import main as publisher_cli


def run(capsys, entry, *argv):
    code = entry([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def store_dir() -> Path:
    return Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"


def legacy_key(path: Path) -> Path:
    """A publisher key file of the old format."""
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    path.write_text(json.dumps({"keytype": "ed25519", "private": private.hex(), "public": raw.hex()}))
    return path


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def legacy_root(keys: list[Path], threshold: int, out: Path) -> Path:
    """A root of the old format, as today's desks have it in their config."""
    listed, signers = {}, []
    for k in keys:
        obj = json.loads(k.read_text())
        listed[hashlib.sha256(bytes.fromhex(obj["public"])).hexdigest()] = {"keytype": "ed25519",
                                                                           "public": obj["public"]}
        signers.append(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(obj["private"])))
    signed = {"_type": "root", "version": 1, "name": "广东省（旧格式）", "demo": False,
              "expires": "2036-01-01T00:00:00+00:00", "keys": listed, "threshold": threshold}
    sigs = [{"keyid": kid, "sig": s.sign(_canonical(signed)).hex()} for kid, s in zip(listed, signers)]
    out.write_text(json.dumps({"signed": signed, "signatures": sigs}, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


@pytest.fixture
def legacy_desk(tmp_path, desk_env):
    """A desk as today's format left it: an old-format root (2 of 3 keys) in the config, and an
    old-format install of version 3 in its store."""
    _, config = desk_env
    keys = [legacy_key(tmp_path / f"old-{n}.json") for n in range(3)]
    root = legacy_root(keys, 2, tmp_path / "old-root.json")
    config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\ntrust_root = "{root}"\n'
                      + OPERATORS, encoding="utf-8")
    old = store_dir() / "snapshots" / "v000003-snapshot-0a1b2c3d"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text('{"signed": {"_type": "snapshot", "version": 3}, "signatures": []}')
    (old / "dataset.sqlite").write_bytes(b"an old-format data file")
    (store_dir() / "state.json").write_text(json.dumps(
        {"format": 1, "current": {"dir": old.name, "version": 3}, "previous": None}))
    return keys


def checks(capsys) -> tuple[int, dict]:
    code, out, _ = run(capsys, desk, "check", KNOWN["black"], "--item", ITEM, "--offline", "--json")
    return code, json.loads(out)


def test_an_old_format_desk_moves_to_tuf_through_one_signed_transition(capsys, tmp_path, legacy_desk):
    keys = legacy_desk
    code, result = checks(capsys)
    assert code == 3 and "旧格式" in result["reason"]
    code, out, _ = run(capsys, desk, "cache", "status")
    assert code == 3 and "旧格式" in out
    pub = Publisher(tmp_path / "publisher")
    repo = pub.publish(4)
    code, out, err = run(capsys, publisher_cli, "transition", repo, "--legacy-key", keys[0], keys[2])
    assert code == 0 and "已签署迁移" in out, err
    code, out, err = run(capsys, desk, "cache", "import", repo)
    assert code == 0 and "已安装离线数据第 4 版" in out, err
    code, result = checks(capsys)
    assert code == 0 and result["status"] == "hit" and result["snapshot_version"] == 4
    assert (store_dir() / "transition" / "transition.json").is_file()
    # The old-format install cannot be read by this version: it is let go, not kept as previous.
    state = json.loads((store_dir() / "state.json").read_text())
    assert state["format"] == 2 and state["previous"] is None
    assert [p.name.split("-")[1] for p in (store_dir() / "snapshots").iterdir()] == ["full"]
    code, out, _ = run(capsys, desk, "cache", "status")
    assert code == 0 and "第 4 版" in out    # From now on the desk follows the TUF repository like any other: the next version, by delta.
    v1, v2, _ = pub.datasets()
    nxt = pub.publish(5, v2, deltas={4: pub.folder / "work" / "v4-0" / "data.sqlite"})
    assert run(capsys, desk, "cache", "import", nxt)[0] == 0
    assert checks(capsys)[1]["snapshot_version"] == 5


def _refused(capsys, repo: Path, *words: str) -> None:
    before = tree(store_dir())
    code, _, err = run(capsys, desk, "cache", "import", repo)
    assert code == 4 and "（root" in err, err
    for w in words:
        assert w in err, err
    assert tree(store_dir()) == before


def test_a_transition_below_the_old_threshold_is_refused(capsys, tmp_path, legacy_desk):
    repo = Publisher(tmp_path / "publisher").publish(4)
    assert run(capsys, publisher_cli, "transition", repo, "--legacy-key", legacy_desk[1])[0] == 0
    _refused(capsys, repo, "迁移签署无效", "需要旧信任根的 2 个密钥签名，只有 1 个有效")


def test_a_transition_signed_by_other_keys_is_refused(capsys, tmp_path, legacy_desk):
    strangers = [legacy_key(tmp_path / f"stranger-{n}.json") for n in range(2)]
    repo = Publisher(tmp_path / "publisher").publish(4)
    assert run(capsys, publisher_cli, "transition", repo, "--legacy-key", *strangers)[0] == 0
    _refused(capsys, repo, "只有 0 个有效")


def test_a_transition_for_another_tuf_root_is_refused(capsys, tmp_path, legacy_desk):
    signed_for = Publisher(tmp_path / "genuine").publish(4)
    assert run(capsys, publisher_cli, "transition", signed_for, "--legacy-key", *legacy_desk[:2])[0] == 0
    usurper = Publisher(tmp_path / "usurper").publish(4)
    shutil.copy(signed_for / "transition.json", usurper / "transition.json")
    _refused(capsys, usurper, "不是同一个文件")


def test_a_repository_without_a_transition_is_refused(capsys, tmp_path, legacy_desk):
    _refused(capsys, Publisher(tmp_path / "publisher").publish(4), "没有迁移签署")


def test_the_transition_cannot_roll_the_data_back(capsys, tmp_path, legacy_desk):
    repo = Publisher(tmp_path / "publisher").publish(2)
    assert run(capsys, publisher_cli, "transition", repo, "--legacy-key", *legacy_desk[:2])[0] == 0
    before = tree(store_dir())
    code, _, err = run(capsys, desk, "cache", "import", repo)
    assert code == 4 and "比本机已安装的第 3 版旧" in err and tree(store_dir()) == before


def test_the_platform_carries_the_transition_too(capsys, tmp_path, online, legacy_desk):
    """`cache update` against the reference platform over HTTP: the platform's fetcher brings the
    transition, the TUF metadata and the data."""
    from reference_platform.fixtures import APP_KEY

    publisher = online.platform.publisher
    for _ in range(3):
        publisher.publish()   # versions 2, 3, 4: newer than the desk's old version 3
    repo = publisher.repository.folder
    assert run(capsys, publisher_cli, "transition", repo, "--legacy-key", *legacy_desk[1:])[0] == 0
    online.config.write_text(
        f'[platform]\nbase_url = "{online.platform.url}"\napp_key = "{APP_KEY}"\ndeadline_seconds = 1.0\n\n'
        f'[site]\nhall = "440106-01"\nwindow = "12"\n\n'
        f'[snapshot]\ntrust_root = "{tmp_path / "old-root.json"}"\n' + OPERATORS, encoding="utf-8")
    code, out, err = run(capsys, desk, "cache", "update")
    assert code == 0 and "已更新到第 4 版" in out, (out, err)
    assert any(r.path == "/api/v1/snapshots/tuf/transition.json" for r in online.platform.log)
    assert checks(capsys)[1]["snapshot_version"] == 4
