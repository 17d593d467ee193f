"""`credit-desk cache update` against the reference platform and from a folder: deltas when
offered, full snapshots otherwise, refusals and interruptions that leave the installed snapshot
in use, and a next update that resumes or restarts cleanly."""
from __future__ import annotations

import json
import shutil

import pytest
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.offline import updater

ITEM = KNOWN["item_with_measures"]
NEW_CODE = KNOWN["clear"][0]


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def installed_version(capsys) -> int:
    code, out, _ = cli(capsys, "cache", "status")
    assert code == 0, out
    return int(out.split("离线数据：第 ")[1].split(" 版")[0])


def publish_new_entry(online):
    return online.platform.publisher.publish(lambda c: c.execute(
        "INSERT INTO entries VALUES ('NEW-1', ?, (SELECT list_code FROM lists WHERE severity='black' LIMIT 1),"
        " '法院', '2026-11-01', NULL, '判决', 'active')", (NEW_CODE,)))


def offline_status(capsys, code=NEW_CODE) -> str:
    main(["check", code, "--item", ITEM, "--offline", "--json"])
    return json.loads(capsys.readouterr()[0])["status"]


def data_requests(online):
    return [r for r in online.platform.log if r.path.startswith("/api/v1/snapshots/tuf/targets/")]


def test_first_update_fetches_the_full_snapshot(capsys, online):
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已更新到第 1 版（完整快照" in out
    assert installed_version(capsys) == 1
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已是最新：第 1 版" in out


def test_update_uses_the_delta_and_the_new_data_answers(capsys, online):
    online.install_snapshot()
    assert offline_status(capsys) == "clear"
    publish_new_entry(online)
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已更新到第 2 版（增量" in out
    downloaded = int(out.split("下载 ")[1].split(" 字节")[0])
    assert downloaded < online.platform.publisher.latest.data.stat().st_size / 10
    assert [r.path for r in data_requests(online)] == ["/api/v1/snapshots/tuf/targets/delta-000001-000002.sqlite"]
    assert installed_version(capsys) == 2 and offline_status(capsys) == "hit"


def test_without_a_delta_on_offer_the_full_snapshot_is_used(capsys, online):
    online.install_snapshot()
    online.platform.state.offer_deltas = False
    publish_new_entry(online)
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已更新到第 2 版（完整快照" in out
    assert offline_status(capsys) == "hit"


@pytest.mark.parametrize("role", ["timestamp", "snapshot", "targets"])
def test_bad_signature_is_refused_and_the_installed_snapshot_stays(capsys, online, role):
    online.install_snapshot()
    publish_new_entry(online)
    online.platform.fault("bad_signature", scope=f"snapshots/tuf/metadata/{role}.json")
    code, _, err = cli(capsys, "cache", "update")
    # A changed snapshot.json no longer has the length the timestamp states: refused before its
    # signature is even looked at (TUF's order); the others fail on their signatures.
    assert code == 4 and f"（{role}）" in err and "本机离线数据保持不变" in err
    assert ("长度或哈希与上级元数据不符" if role == "snapshot" else "签名未达到门槛") in err
    assert installed_version(capsys) == 1 and offline_status(capsys) == "clear"


def test_unreachable_platform_exits_5_and_changes_nothing(capsys, online):
    online.install_snapshot()
    online.platform.fault("refuse")
    code, _, err = cli(capsys, "cache", "update")
    assert code == 5 and "无法连接平台（连接被拒绝）" in err
    assert installed_version(capsys) == 1


def test_interrupted_download_keeps_the_old_snapshot_and_the_next_update_resumes(capsys, online):
    online.install_snapshot()
    online.platform.state.offer_deltas = False
    release = publish_new_entry(online)
    online.platform.fault("truncated", scope="snapshots/tuf/targets/snapshot-000002", times=1)
    code, _, err = cli(capsys, "cache", "update")
    assert code == 5 and "平台中断" in err
    assert installed_version(capsys) == 1 and offline_status(capsys) == "clear"
    parts = list(updater.downloads_dir().rglob("*.part"))
    have = parts[0].stat().st_size if len(parts) == 1 else 0
    assert 0 < have < release.data.stat().st_size

    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已更新到第 2 版" in out
    resumed = [r for r in data_requests(online) if "snapshot-000002" in r.path][-1]
    assert resumed.range == f"bytes={have}-" and resumed.status == 206
    assert int(out.split("下载 ")[1].split(" 字节")[0]) < release.data.stat().st_size
    assert offline_status(capsys) == "hit" and not list(updater.downloads_dir().rglob("*.part"))


def test_a_corrupt_download_is_refused_then_restarted_cleanly(capsys, online):
    online.install_snapshot()
    online.platform.state.offer_deltas = False
    release = publish_new_entry(online)
    # A previous run left a complete-looking but damaged file for exactly this version.
    from tuf.api.metadata import Metadata

    entry = Metadata.from_file(str(online.platform.publisher.repository.metadata / "targets.json")).signed.targets[
        "snapshot-000002.sqlite"]
    work = updater.downloads_dir() / f"{entry.path}-{entry.hashes['sha256'][:16]}"
    work.mkdir(parents=True)
    (work / "data.part").write_bytes(b"\0" * entry.length)
    code, _, err = cli(capsys, "cache", "update")
    assert code == 4 and "（targets）" in err and "与目标元数据不符" in err
    assert installed_version(capsys) == 1 and not work.exists()
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and installed_version(capsys) == 2


def test_update_from_a_folder_source(capsys, online, tmp_path):
    online.install_snapshot()
    release = publish_new_entry(online)
    usb = tmp_path / "usb"
    shutil.copytree(online.platform.publisher.repository.folder, usb)
    online.configure(update_source=usb.as_posix())
    code, out, _ = cli(capsys, "cache", "update")
    assert code == 0 and "已更新到第 2 版" in out and offline_status(capsys) == "hit"
    assert data_requests(online) == []
    online.configure(update_source=(tmp_path / "not-mounted").as_posix())
    code, _, err = cli(capsys, "cache", "update")
    assert code == 5 and "更新来源文件夹不可用" in err


def test_progress_and_cancel_for_the_window(online):
    online.install_snapshot()
    online.platform.state.offer_deltas = False
    publish_new_entry(online)
    ctx = online.context()
    with pytest.raises(updater.UpdateCancelled):
        updater.update(ctx, cancel=lambda: True)
    assert ctx.offline.store.current().version == 1
    seen = []
    result = updater.update(online.context(), progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert result.updated and result.snapshot.version == 2 and result.kind == "full"
    downloads = [s for s in seen if s[0] == "download"]
    assert downloads and downloads[-1][1] == downloads[-1][2] and [s[1] for s in downloads] == sorted(s[1] for s in downloads)
    assert any(s[0] == "verify" for s in seen)
