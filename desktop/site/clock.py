"""The hall's clock: all of China keeps one civil time without daylight saving; halls read times
and count days and months in it whatever the workstation's clock zone is set to."""
from __future__ import annotations

from datetime import timedelta, timezone

from desktop.site.messages import QT_TRANSLATE_NOOP, Message

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def age(hours: float) -> Message:
    """How old something is, as a clerk says it: hours within two days, days after that
    ("12 天前", never "278 小时前")."""
    if hours >= 48:
        return Message(QT_TRANSLATE_NOOP("core", "{days} 天前"), {"days": f"{hours / 24:.0f}"})
    return Message(QT_TRANSLATE_NOOP("core", "{hours} 小时前"), {"hours": f"{max(hours, 0):.0f}"})
