"""The hall's clock: all of China keeps one civil time without daylight saving; halls read times
and count days and months in it whatever the workstation's clock zone is set to."""
from __future__ import annotations

from datetime import timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")
