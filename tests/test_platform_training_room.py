"""The README's training-room recipe, as IT runs it: `python -m tests.reference_platform` in its
own process, then `secrets set`, `cache update` and a check against it."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from reference_platform.fixtures import KNOWN, memory_keyring  # noqa: F401

from desktop.app.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_training_room_from_one_command(tmp_path, capsys, monkeypatch, memory_keyring):
    room = tmp_path / "room"
    server = subprocess.Popen([sys.executable, "-m", "tests.reference_platform", "--dir", str(room), "--port", "0"],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        banner = [server.stdout.readline() for _ in range(9)]
        assert banner[0].startswith("参考平台已启动：http://127.0.0.1:"), banner
        # The room also plays the approval system: a page with the link and the local-API round
        # trip, and a desk config whose local API takes that page's origin.
        url = banner[0].split("：", 1)[1].split("（")[0]
        page = urllib.request.urlopen(url + "/training/approval", timeout=5).read().decode("utf-8")
        assert "creditdesk://check?" in page and "/v1/checks" in page
        assert f'allowed_origins = ["{url}"]' in (room / "config.toml").read_text(encoding="utf-8")
        assert "secrets set integration" in "".join(banner) and (room / "integration-token.txt").is_file()
        monkeypatch.setenv("CREDIT_DESK_CONFIG", str(room / "config.toml"))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((room / "app-secret.txt").read_text().encode())))
        assert main(["secrets", "set", "training-01"]) == 0
        assert main(["cache", "update"]) == 0
        capsys.readouterr()
        # A trainee signs in with the room's password (typed, or piped as here).
        password = (room / "operators.txt").read_text(encoding="utf-8").strip() + "\n"
        assert "trainee-01" in "".join(banner)
        monkeypatch.setattr(sys, "stdin", io.StringIO(password))
        assert main(["--operator", "trainee-01", "check", KNOWN["black"], "--item",
                     KNOWN["item_with_measures"], "--json"]) == 0
        r = json.loads(capsys.readouterr().out)
        assert r["source"] == "platform" and r["status"] == "hit" and r["demo"] is False
        server.terminate()
        server.wait(10)
        monkeypatch.setattr(sys, "stdin", io.StringIO(password))  # offline: the cached verifier
        assert main(["--operator", "trainee-01", "check", KNOWN["black"], "--item",
                     KNOWN["item_with_measures"], "--json"]) == 0
        r = json.loads(capsys.readouterr().out)
        assert r["source"] == "offline" and r["snapshot_version"] == 1 and "无法连接平台" in r["reason"]
    finally:
        server.kill()
        server.wait(10)
