"""Demo mode comes from the trust root in force, never from a signed field, and the demo signing
key is not in anything a hall installs: the wheel pip installs, and the folders the PyInstaller
spec bundles (its bundle is what the .deb and the Windows installer ship)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from snapshot_fixtures import ITEM, KNOWN, Publisher, deploy, resign

from desktop.app.cli import main as desk
from offline_cache.demo import DEFAULT_KEY, publish_second_version

REPO = Path(__file__).resolve().parent.parent
PRIVATE = re.compile(rb"PRIVATE KEY-----|\"private\"\s*:\s*\"[0-9a-f]{64}\"")


def check(capsys) -> dict:
    code = desk(["check", KNOWN["black"], "--item", ITEM, "--offline", "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 3), err
    return json.loads(out)


def test_a_demo_key_snapshot_claiming_not_demo_is_still_marked_demo(capsys, desk_env, tmp_path):
    # The demo key is public (it is in this repository): anything it signs is demo data, whatever
    # the signed target says.
    repo = publish_second_version(tmp_path / "v2", DEFAULT_KEY)

    def not_demo(signed):
        for t in signed.targets.values():
            if "demo" in t.custom:
                t.unrecognized_fields["custom"] = dict(t.custom, demo=False)
    resign(repo, "targets", not_demo, [DEFAULT_KEY])
    code = desk(["cache", "import", str(repo)])
    out, err = capsys.readouterr()
    assert code == 0 and "已安装离线数据第 2 版" in out, err
    result = check(capsys)
    assert result["snapshot_version"] == 2 and result["demo"] is True, result


def test_a_production_root_never_shows_demo_whatever_the_target_says(capsys, desk_env, tmp_path):
    _, config = desk_env
    pub = Publisher(tmp_path / "publisher")
    deploy(config, pub.root)
    assert desk(["cache", "import", str(pub.publish(1, demo=True))]) == 0
    capsys.readouterr()
    result = check(capsys)
    assert result["status"] == "hit" and result["demo"] is False


def test_the_installed_wheel_holds_no_private_key(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("desktop", "offline_cache"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    # The venv's own setuptools builds it: no package index needed, so the test always runs.
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(tmp_path / "dist"), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert any(n.startswith("offline_cache/demo.py") for n in names)
        for name in names:
            assert not PRIVATE.search(zf.read(name)), name
            assert not name.endswith((".pem", ".key")), name


def test_the_bundle_spec_takes_no_private_key():
    """The spec bundles resources/ whole and the Python modules; the demo key lives outside both
    (build_scripts/demo), and no file the spec takes holds one."""
    spec = (REPO / "build_scripts" / "credit-desk.spec").read_text(encoding="utf-8")
    assert 'datas = [(str(REPO / "resources"), "resources")]' in spec
    assert DEFAULT_KEY.is_file() and REPO / "build_scripts" / "demo" == DEFAULT_KEY.parent
    for top in ("resources", "desktop", "offline_cache"):
        for path in (REPO / top).rglob("*"):
            if path.is_file():
                assert not PRIVATE.search(path.read_bytes()), path
