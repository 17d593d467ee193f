"""Operator sign-in (DESIGN.md ``[operators]``): who is looking people up at this desk.

``auth = "platform"``: the clerk signs in with operator id and password against the platform
(``POST /api/v1/operators/session``). The session token lives in this process's memory only, goes
out as ``X-Operator-Token`` and expires when the platform says. A successful online sign-in also
leaves a verifier in the OS keyring: an Argon2id hash of the password under a random salt (never
the password, and slow to guess from: 64 MiB and three passes per try), so that when the platform
is down the same clerk can sign in offline for ``offline_days`` after that online sign-in.

``auth = "os"``: the operator is the OS account, through the config's ``os_map``; an account that
is not mapped cannot check. Qt-free."""
from __future__ import annotations

import base64
import getpass
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from desktop.check.sources import PlatformUnavailable
from desktop.platform import secrets
from desktop.site.config import OperatorsConfig
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

# Argon2id for the offline verifier: RFC 9106's second recommended option (64 MiB), three passes.
# About 0.14 s of CPU on a hall PC per sign-in; the same for every password an attacker with a
# copy of the keyring entry tries.
VERIFIER = {"memory_cost": 65536, "iterations": 3, "lanes": 1, "length": 32}
# A clock this far behind the last online sign-in has been set back (or is badly wrong).
CLOCK_SLACK = timedelta(minutes=5)


class SignInRefused(UserError):
    """Nobody is signed in as a result: wrong password, expired, unmapped account..."""
    exit_code = 2


@dataclass(frozen=True)
class Session:
    operator: str
    mode: str                        # "platform", "offline" (cached), "os", "demo"
    name: str = ""
    token: str | None = None         # the platform's session token: memory only
    expires: datetime | None = None  # None: no expiry of ours (the OS session, the demo)

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires is not None and (now or datetime.now(timezone.utc)) >= self.expires


def _verifier_user(operator: str) -> str:
    return f"operator-verifier:{operator}"


def _derive(password: str, salt: bytes, params: dict) -> bytes:
    return Argon2id(salt=salt, length=params["length"], iterations=params["iterations"],
                    lanes=params["lanes"], memory_cost=params["memory_cost"]).derive(password.encode())


def remember(operator: str, password: str, name: str, now: datetime) -> None:
    """Keep the verifier of a successful online sign-in (replacing the last one)."""
    salt = os.urandom(16)
    entry = {"v": 1, "salt": base64.b64encode(salt).decode(), **VERIFIER,
             "hash": base64.b64encode(_derive(password, salt, VERIFIER)).decode(),
             "signed_in_at": now.astimezone(timezone.utc).isoformat(timespec="seconds"), "name": name}
    secrets.set_secret(_verifier_user(operator), json.dumps(entry))


def _refused(template: str, **params) -> SignInRefused:
    return SignInRefused(Message(template, params))


WRONG = QT_TRANSLATE_NOOP("core", "工号或密码不正确，未登录。")


def offline_sign_in(operator: str, password: str, cfg: OperatorsConfig, now: datetime,
                    why: Message) -> Session:
    """Sign in against the verifier of the last online sign-in; ``why`` says why not online."""
    raw = secrets.get_secret(_verifier_user(operator))
    if not raw:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "无法向平台登录（{why}），本机也没有工号 {operator} 的在线登录记录：请在平台可用时登录一次。"),
            why=why, operator=operator)
    try:
        entry = json.loads(raw)
        salt, stored = base64.b64decode(entry["salt"]), base64.b64decode(entry["hash"])
        at = datetime.fromisoformat(entry["signed_in_at"])
        params = {k: int(entry[k]) for k in VERIFIER}
    except (ValueError, KeyError, TypeError):
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "本机保存的离线登录记录已损坏：请在平台可用时重新登录。")) from None
    if params["memory_cost"] < VERIFIER["memory_cost"] or params["iterations"] < VERIFIER["iterations"]:
        raise _refused(QT_TRANSLATE_NOOP("core", "本机保存的离线登录记录强度不足：请在平台可用时重新登录。"))
    if now < at - CLOCK_SLACK:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "本机时钟（{now}）早于上次在线登录时间（{at}）：时钟可能被调回，不能离线登录。请校正时钟或连接平台。"),
            now=now.isoformat(timespec="minutes"), at=at.isoformat(timespec="minutes"))
    until = at + timedelta(days=cfg.offline_days)
    if now >= until:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "无法向平台登录（{why}），且离线登录已过期：上次在线登录于 {at}，离线登录最多 {days} 天。请连接平台后登录。"),
            why=why, at=at.isoformat(timespec="minutes"), days=cfg.offline_days)
    if not hmac.compare_digest(_derive(password, salt, params), stored):
        raise _refused(WRONG)
    return Session(operator, "offline", entry.get("name", ""), None, until)


def sign_in(cfg: OperatorsConfig, client, operator: str, password: str,
            now: datetime | None = None) -> Session:
    """A platform sign-in (``auth = "platform"``): online when the platform answers, else from
    the cached verifier. Raises SignInRefused."""
    now = now or datetime.now(timezone.utc)
    if not operator or not password:
        raise _refused(QT_TRANSLATE_NOOP("core", "请输入工号和密码。"))
    try:
        answer = client.open_session(operator, password)
    except PlatformUnavailable as exc:
        return offline_sign_in(operator, password, cfg, now, exc.reason)
    if answer is None:
        raise _refused(WRONG)
    remember(operator, password, answer.name, now)
    return Session(operator, "platform", answer.name, answer.token, answer.expires)


def os_session(cfg: OperatorsConfig, account: str | None = None) -> Session:
    """The operator of the OS account (``auth = "os"``), or SignInRefused for an unmapped one."""
    account = account or getpass.getuser()
    operator = cfg.operator_for(account)
    if operator is None:
        raise _refused(QT_TRANSLATE_NOOP(
            "core", "操作系统账户 {account} 未在配置 [operators.os_map] 中对应工号，不能核查。请联系信息技术人员。"),
            account=account)
    return Session(operator, "os")
