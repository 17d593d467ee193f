"""What the check path needs from the provincial platform, whoever implements the transport."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop.messages import Message
from offline_cache.records import Hit, Measure, Subject


@dataclass(frozen=True)
class PlatformAnswer:
    subject: Subject | None
    hits: tuple[Hit, ...]
    measures: tuple[Measure, ...]
    data_as_of: str
    request_id: str


class PlatformUnavailable(Exception):
    """The platform could not vouch for this check (down, slow, refused, or answered nonsense).
    ``reason`` says why, in words the clerk sees on the fallback banner."""

    def __init__(self, reason: Message):
        self.reason = reason
        super().__init__(str(reason))


class Platform(Protocol):
    def query(self, code: str, item_code: str | None, *, deadline: float) -> PlatformAnswer:
        """Answer within ``deadline`` seconds (all retries included) or raise PlatformUnavailable."""
        ...
