"""Every test runs against its own CREDIT_DESK_HOME and CREDIT_DESK_CONFIG, headless."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


@pytest.fixture(autouse=True)
def desk_env(tmp_path, monkeypatch):
    """A fresh machine state: empty home, an empty deployment config (= demo mode)."""
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("CREDIT_DESK_HOME", str(home))
    monkeypatch.setenv("CREDIT_DESK_CONFIG", str(config))
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", "test-op")
    return home, config
