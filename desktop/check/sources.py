"""What the check path needs from its two sources, whoever implements them: the provincial
platform (`desktop.platform`) and the installed offline snapshot (`desktop.offline`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from desktop.check.model import RelatedParty
from desktop.site.messages import Message
from offline_cache.records import Commitment, Hit, Item, Lookup, Measure, Subject
from offline_cache.store import InstalledSnapshot


@dataclass(frozen=True)
class PlatformAnswer:
    subject: Subject | None
    hits: tuple[Hit, ...]
    measures: tuple[Measure, ...]
    data_as_of: str
    request_id: str
    related: tuple[RelatedParty, ...] = ()    # v1.1
    commitments: tuple[Commitment, ...] = ()  # v1.1


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

    def query_person(self, ref: str, code_masked: str, item_code: str | None, *,
                     deadline: float) -> PlatformAnswer:
        """A unit's person by the platform's own ``ref`` for them, likewise; the answer names
        them by ``code_masked`` only."""
        ...


class DownloadCancelled(Exception):
    """The clerk cancelled a download (a snapshot update) before it finished."""


class OfflineUnavailable(Exception):
    """No valid snapshot can vouch for a check; ``reason`` says why (shown with `unverified`)."""

    def __init__(self, reason: Message):
        self.reason = reason
        super().__init__(str(reason))


@dataclass(frozen=True)
class OfflineAnswer:
    lookup: Lookup
    snapshot: InstalledSnapshot
    stale: bool


class Offline(Protocol):
    demo: bool

    def answer(self, code: str, item_code: str | None, now: datetime) -> OfflineAnswer:
        """The verified lookup in the installed snapshot, or OfflineUnavailable."""
        ...

    def item(self, item_code: str) -> Item | None: ...

    def snapshot(self, now: datetime | None = None) -> InstalledSnapshot: ...


class AccessLog(Protocol):
    def person_lookup(self, result, purpose: str) -> None:
        """Keep the access record of this lookup of a natural person, durably, or raise (a
        UserError saying why): a lookup nobody can account for is not shown."""
        ...

    def people_shown(self, result) -> None:
        """Likewise for the people of a unit shown with its check (``result.related``)."""
        ...
