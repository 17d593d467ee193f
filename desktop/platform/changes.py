"""The platform's change feed (Platform API v1.1 ``GET /api/v1/changes?since={version}``): which
subjects' entries changed after a data version, so that an online desk learns of them before the
next snapshot. Only the shape is checked here; what the changes mean for recorded checks is the
post-approval watch's business (desktop.casefile.watch)."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from desktop.check.codes import InvalidCode, parse
from desktop.check.sources import PlatformUnavailable
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

KINDS = ("listed", "lapsed", "repaired", "removed", "reward_withdrawn")
SEVERITIES = ("black", "focus", "red")
_MAX_TEXT = 200
_UNSHOWABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")


@dataclass(frozen=True)
class Change:
    code: str
    change: str
    entry_id: str
    severity: str
    list_code: str = ""


@dataclass(frozen=True)
class ChangeFeed:
    version: int
    changed: tuple[Change, ...]


def fetch_changes(client, since: int, *, timeout: float = 10.0) -> ChangeFeed | None:
    """The changes after ``since``; None when the platform serves no feed (404). Raises
    PlatformUnavailable when it cannot be reached within ``timeout`` or answers something
    malformed."""
    raw = client.fetch_metadata(f"/changes?since={int(since)}", timeout=timeout)
    return None if raw is None else parse_feed(raw)


def parse_feed(raw: bytes) -> ChangeFeed:
    def bad(what: str) -> PlatformUnavailable:
        return PlatformUnavailable(Message(QT_TRANSLATE_NOOP(
            "core", "平台的变化通知格式不对（{what}），已忽略。"), {"what": what}))

    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad("不是 JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("version"), int) \
            or isinstance(body.get("version"), bool) or not isinstance(body.get("changed"), list):
        raise bad("缺少 version 或 changed")
    changes = []
    for n, item in enumerate(body["changed"], 1):
        if not isinstance(item, dict):
            raise bad(f"第 {n} 条不是对象")
        code, kind, entry, severity = (item.get(k) for k in ("code", "change", "entry_id", "severity"))
        list_code = item.get("list_code", "")
        if kind not in KINDS or severity not in SEVERITIES:
            raise bad(f"第 {n} 条的 change 或 severity 无效")
        if not all(isinstance(v, str) and 0 < len(v) <= _MAX_TEXT for v in (code, entry)) \
                or not isinstance(list_code, str) or len(list_code) > _MAX_TEXT:
            raise bad(f"第 {n} 条的 code 或 entry_id 无效")
        # Identifiers, shown on a terminal and typed back as part of an alert's number: a
        # newline or escape in one forges lines in cases watch and makes that number untypable.
        if any(unicodedata.category(ch) in _UNSHOWABLE for v in (code, entry, list_code)
               for ch in v):
            raise bad(f"第 {n} 条含控制字符")
        try:
            code = parse(code).code
        except InvalidCode:
            raise bad(f"第 {n} 条的代码无效") from None
        changes.append(Change(code, kind, entry, severity, list_code))
    return ChangeFeed(body["version"], tuple(changes))
