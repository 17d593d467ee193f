"""The platform app secret, kept only in the OS keyring (service "credit-desk", user = app_key).

Never in a file, a log line or an exception text: the clerk's PC is shared and its files are
backed up; the keyring is the one place the OS protects per user."""
from __future__ import annotations

import os

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

SERVICE = "credit-desk"

# No advice to install a file-based backend: keyrings.alt keeps the secret in a file, which is
# exactly what the keyring is here to avoid (and a frozen bundle could not pip-install it anyway).
_NO_BACKEND = QT_TRANSLATE_NOOP(
    "core", "本机没有可用的系统密钥库（keyring）。请在有凭据管理器（Windows）或桌面密钥环（Linux：GNOME Keyring/KWallet）"
            "的登录会话中运行；无桌面的自助终端请由信息技术人员安装并解锁 Secret Service（Debian 包 gnome-keyring），"
            "或用环境变量 PYTHON_KEYRING_BACKEND 指定本单位批准的密钥库后端。不要使用把密钥写入文件的后端。")


class SecretStoreUnavailable(UserError):
    """No keyring backend, or the backend failed. The message says how to configure one."""
    exit_code = 2


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    if isinstance(exc, NoKeyringError):
        return SecretStoreUnavailable(Message(_NO_BACKEND))
    # The backend's own text may name the backend and its problem, never the secret.
    return SecretStoreUnavailable(Message(QT_TRANSLATE_NOOP(
        "core", "系统密钥库出错（{kind}）。请检查密钥库是否已解锁，或联系信息技术人员。"),
        {"kind": type(exc).__name__}))


def _backend():
    """The keyring backend, loaded: a misspelt or missing PYTHON_KEYRING_BACKEND failed as an
    unexpected ModuleNotFoundError or ValueError that never named the variable (break attempt 18)."""
    try:
        return keyring.get_keyring()
    except (ImportError, ValueError, AttributeError, TypeError) as exc:
        if "PYTHON_KEYRING_BACKEND" not in os.environ:
            raise
        raise SecretStoreUnavailable(Message(QT_TRANSLATE_NOOP(
            "core", "环境变量 PYTHON_KEYRING_BACKEND 指定的密钥库后端“{name}”无法加载（{kind}）。请改正或删去这个变量。"),
            {"name": os.environ["PYTHON_KEYRING_BACKEND"][:200], "kind": type(exc).__name__})) from None


def get_secret(app_key: str) -> str | None:
    """The stored secret for ``app_key``, None when none was set."""
    _backend()
    try:
        return keyring.get_password(SERVICE, app_key)
    except (KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from None


def set_secret(app_key: str, secret: str) -> None:
    if not app_key.strip():
        raise UserError(Message(QT_TRANSLATE_NOOP("core", "请给出平台应用编号（app_key），例如 credit-desk secrets set hall-440106-01。")))
    if not secret.strip():  # only blanks: a file saved empty, or a stray Enter at the prompt
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "没有读到密钥：请从标准输入提供平台分配的应用密钥，例如 credit-desk secrets set {name} < secret.txt。"),
            {"name": app_key}))
    backend = _backend()
    try:
        keyring.set_password(SERVICE, app_key, secret)
        kept = keyring.get_password(SERVICE, app_key) == secret
    except (KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from None
    if not kept:
        # A backend that keeps nothing (keyring's null backend, the documented way to switch
        # keyring off) said yes, and the desk then asked for the secret again and again.
        raise SecretStoreUnavailable(Message(QT_TRANSLATE_NOOP(
            "core", "密钥库后端 {backend} 没有保存密钥（它不保存任何内容）：密钥未存入。{advice}"),
            {"backend": f"{type(backend).__module__}.{type(backend).__name__}",
             "advice": Message(_NO_BACKEND)}))


def delete_secret(app_key: str) -> bool:
    _backend()
    try:
        keyring.delete_password(SERVICE, app_key)
    except PasswordDeleteError:
        return False
    except (KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from None
    return True
