"""Where Credit Desk keeps things. One place, so frozen builds, tests and installs agree."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

APP_NAME = "CreditDesk"


def home() -> Path:
    """All per-machine state: config copy, snapshot, case file, outbox, logs, settings.
    ``CREDIT_DESK_HOME`` puts it under one folder (tests always set it)."""
    env = os.environ.get("CREDIT_DESK_HOME")
    path = Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # A file or a device: said in words, not a traceback. (A read-only folder is fine here:
        # checks and audits run on it, and a write says what failed.)
        template = (QT_TRANSLATE_NOOP("core", "环境变量 CREDIT_DESK_HOME 指定的数据文件夹 {path} 无法使用（{error}）。"
                                              "请指向一个可写的文件夹。") if env else
                    QT_TRANSLATE_NOOP("core", "数据文件夹 {path} 无法使用（{error}）。请检查它的权限，或联系信息技术人员。"))
        raise UserError(Message(template, {"path": str(path),
                                           "error": exc.strerror or type(exc).__name__})) from None
    return path


def config_file() -> Path:
    """The deployment config: ``CREDIT_DESK_CONFIG``, else the system-wide location."""
    env = os.environ.get("CREDIT_DESK_CONFIG")
    if env:
        return Path(env)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP_NAME / "config.toml"
    return Path("/etc/credit-desk/config.toml")


def snapshot_dir() -> Path:
    return home() / "snapshot"


def case_file() -> Path:
    return home() / "cases.sqlite"


def outbox_file() -> Path:
    return home() / "outbox.sqlite"


def log_dir() -> Path:
    path = home() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    """What the clerk may change (operator id, item, font size, language, sounds)."""
    return home() / "settings.json"


def resources() -> Path:
    """Bundled resources, from source or from a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def demo_trust_root() -> Path:
    return resources() / "trust" / "demo-root.json"


def demo_snapshot_dir() -> Path:
    """The bundled demo snapshot: a TUF repository (metadata/ and targets/)."""
    return resources() / "demo" / "repository"
