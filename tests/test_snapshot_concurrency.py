"""Snapshot installs across processes (issue 12 item 5): two `credit-desk cache import` processes
at once, twenty rounds; a killed install's leftovers; the lock outlives a killed holder."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from snapshot_fixtures import pub  # noqa: F401

from offline_cache.install_lock import install_lock, lock_path

REPO = Path(__file__).resolve().parent.parent


def store() -> Path:
    return Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"


def cache(*argv) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "desktop", "cache", *map(str, argv)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def pointer_ok() -> dict:
    state = json.loads((store() / "state.json").read_text(encoding="utf-8"))
    for slot in ("current", "previous"):
        if state.get(slot):
            folder = store() / "snapshots" / state[slot]["dir"]
            assert (folder / "dataset.sqlite").is_file(), f"{slot} names a missing folder"
    return state



@pytest.mark.slow
def test_two_imports_at_once_twenty_rounds(pub):
    _, v2, v3 = pub.datasets()
    manifests = [pub.publish(n, data) for n, data in ((2, v2), (3, v3))]
    for round_no in range(20):
        if store().exists():
            for child in list(store().iterdir()):
                subprocess.run(["rm", "-rf", str(child)], check=True)
        # Alternate which one starts first; both race for the same desk.
        first, second = manifests if round_no % 2 else manifests[::-1]
        procs = [cache("import", first), cache("import", second)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        for code, out, err in results:
            assert "Traceback" not in err
            assert code in (0, 4), err
            if code == 4:  # only ever v2 after v3: a refused rollback, said as such
                assert "拒绝回退" in err
        state = pointer_ok()
        assert state["current"]["version"] == 3, (round_no, results)
        status = subprocess.run([sys.executable, "-m", "desktop", "cache", "status"], cwd=REPO,
                                capture_output=True, text=True)
        assert status.returncode == 0 and "第 3 版" in status.stdout
        assert not list(store().glob(".staging-*"))


def test_a_killed_install_leaves_nothing_behind_the_next_one(pub):
    _, v2, v3 = pub.datasets()
    assert cache("import", pub.publish(2, v2)).wait(timeout=120) == 0
    leftover = store() / ".staging-0123456789ab"
    leftover.mkdir()
    (leftover / "dataset.sqlite").write_bytes(b"\0" * 4096)  # a killed import's copy
    assert cache("import", pub.publish(3, v3)).wait(timeout=120) == 0
    assert not leftover.exists()
    assert pointer_ok()["current"]["version"] == 3


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    folder = tmp_path / "snapshot"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from offline_cache.install_lock import install_lock\n"
        "with install_lock(__import__('pathlib').Path(%r)):\n"
        "    print('held', flush=True); time.sleep(60)\n") % (str(REPO), str(folder))],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    asked = time.monotonic()
    with pytest.raises(Exception, match="已取消安装"):
        with install_lock(folder, cancel=lambda: time.monotonic() - asked > 0.3):
            pass  # waits for the holder; a cancel is honoured meanwhile
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    started = time.monotonic()
    with install_lock(folder):
        assert time.monotonic() - started < 5
    assert lock_path(folder).exists()


# -- issue 12 item 6: only regular files are opened ----------------------------------------------

def test_a_fifo_named_like_a_manifest_is_refused_not_waited_on(pub, tmp_path):
    """A FIFO named *.json beside a valid snapshot (and one in place of the data file): the import
    neither hangs nor crashes; the FIFO is never opened for a blocking read."""
    _, v2, _ = pub.datasets()
    repo = pub.publish(2, v2)
    os.mkfifo(repo / "metadata" / "zz-forged.json")
    proc = cache("import", repo)
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    out, err = proc.communicate()
    assert code == 0 and "Traceback" not in err, err
    assert pointer_ok()["current"]["version"] == 2

    lone = tmp_path / "lone"
    lone.mkdir()
    os.mkfifo(lone / "snapshot.json")
    proc = cache("import", lone / "snapshot.json")
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    _, err = proc.communicate()
    assert code == 4 and "特殊文件" in err and "Traceback" not in err

    # A FIFO in place of a data file the metadata lists.
    forged = pub.publish(3, v2)
    data = forged / "targets" / "snapshot-000003.sqlite"
    data.unlink()
    os.mkfifo(data)
    proc = cache("import", forged)
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    _, err = proc.communicate()
    assert code == 4 and "特殊文件" in err and "Traceback" not in err
    assert pointer_ok()["current"]["version"] == 2


def test_no_private_key_is_bundled_or_installed():
    """What PyInstaller bundles (resources/) and what the wheel installs (desktop, offline_cache)
    hold no private key: tests and the demo build make their own."""
    import re

    hexkey = re.compile(rb'"private"\s*:\s*"[0-9a-f]{64}"')
    for top in ("resources", "desktop", "offline_cache"):
        for path in (REPO / top).rglob("*"):
            if path.is_file() and path.suffix not in (".qm", ".png", ".svg", ".ico"):
                data = path.read_bytes()
                assert b"PRIVATE KEY-----" not in data and not hexkey.search(data), path
