"""`cache import SHARE` on a hall share that holds a good snapshot beside junk folders.

README: files in an import folder are opened only when they are regular files (a FIFO named
*.json is refused, never waited on), with size caps, and one bad file never blocks a good one.
Before any candidate is verified the share's folders are put in order by a peek at each one's
unsigned targets.json; that peek is where a FIFO hung the import and an odd version field
crashed it, so these run the real command on real publisher folders."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from snapshot_fixtures import pub, store_dir  # noqa: F401

from desktop.app.cli import main as desk

REPO = Path(__file__).resolve().parent.parent
# Generous for a cold start on a slow CI machine; a hang would otherwise stall the suite for ever.
TIMEOUT = 90
# /dev/zero read without a cap fills memory; under this limit a regression ends in MemoryError
# (an unexpected error, a failed test) instead of taking the test machine down with it.
MEMORY = 3 << 30


def run(capsys, *argv):
    code = desk([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err




def _limit_memory():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def cache_import(share: Path) -> tuple[int | None, str, str]:
    """`credit-desk cache import SHARE` in a process of its own: exit code None when it hung."""
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "cache", "import", str(share)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            preexec_fn=_limit_memory)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out, err


def junk(share: Path, name: str) -> Path:
    """A folder that looks like a repository (metadata/ and targets/) and is none."""
    (share / name / "metadata").mkdir(parents=True)
    (share / name / "targets").mkdir()
    return share / name / "metadata" / "targets.json"


def fifo(path: Path) -> None:
    os.mkfifo(path)


def dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def odd_version(path: Path) -> None:
    path.write_text('{"signed": {"targets": {"snapshot-000009.sqlite": {"custom": {"version": "9"}}}}}',
                    encoding="utf-8")


posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                                reason="FIFOs and /dev/zero are POSIX")


@posix_only
@pytest.mark.parametrize("make", [fifo, dev_zero])
def test_a_special_targets_json_in_a_junk_folder_does_not_stall_the_good_snapshot(pub, tmp_path, make):
    share = tmp_path / "share"
    share.mkdir()
    shutil.copytree(pub.publish(1), share / "good")
    make(junk(share, "junk"))
    code, out, err = cache_import(share)
    assert code is not None, f"import hung: {out}{err}"
    assert "意外错误" not in err and "Traceback" not in err, err
    assert code == 0 and "已安装离线数据第 1 版" in out, (code, out, err)


@pytest.mark.parametrize("version", ['"9"', "[1]", "null", "true", "1.5", '{"n": 9}'])
def test_a_junk_folder_with_an_odd_version_field_does_not_block_the_good_snapshot(
        capsys, pub, tmp_path, version):
    share = tmp_path / "share"
    share.mkdir()
    shutil.copytree(pub.publish(1), share / "good")
    junk(share, "junk").write_text(
        '{"signed": {"targets": {"snapshot-000009.sqlite": {"custom": {"version": %s}}}}}' % version,
        encoding="utf-8")
    code, out, err = run(capsys, "cache", "import", share)
    assert "意外错误" not in err, err
    assert code == 0 and "已安装离线数据第 1 版" in out, (code, out, err)


@posix_only
def test_a_share_of_nothing_but_junk_names_each_folder_and_installs_nothing(pub, tmp_path):
    """DESIGN: "a candidate that fails is skipped and named", the odd and the special ones
    included, as a refusal rather than a hang or an unexpected error."""
    share = tmp_path / "share"
    share.mkdir()
    for name, make in (("fifo", fifo), ("zero", dev_zero), ("odd", odd_version)):
        make(junk(share, name))
    code, out, err = cache_import(share)
    assert code is not None, f"import hung: {out}{err}"
    assert "意外错误" not in err and "Traceback" not in err, err
    assert code == 4 and "文件夹中没有可用的快照" in err, (code, out, err)
    for name in ("fifo", "zero", "odd"):
        assert f"{name}：" in err, err
    assert not (store_dir() / "state.json").exists()
