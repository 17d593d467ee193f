"""An installed snapshot as the post-approval watch reads it (desktop.casefile.watch.CurrentData):
what the data now says about each recorded subject and the people behind a recorded unit, every
row read through the snapshot reader's verified bucket reads, like a check's lookup.

Each answer carries a **fingerprint**: the buckets it was read from and their digests in the signed
bucket table (and, for a natural person, the sealing salt that found the person's tag). The watch
keeps it with the check; when the next data arrives, a check whose buckets have the same digests
cannot have changed and is not read again. A delta of 20,000 subjects therefore costs a read of
the recorded subjects in the buckets it touched, not of every recorded subject, and a bucket whose
rows were edited behind the signature is named (unverified), never silently answered."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from desktop.offline.data import _unverified
from desktop.site.masking import mask_code
from offline_cache import sealing
from offline_cache.buckets import BUCKETED, bucket_of
from offline_cache.reader import RowsUnverified
from offline_cache.records import RELATION_ROLES
from offline_cache.schema import BY_NAME
from offline_cache.store import InstalledSnapshot

_SUBJECTS = [t.name for t in BUCKETED].index("subjects")
_ENTRIES = [t.name for t in BUCKETED].index("entries")
_RELATIONS = [t.name for t in BUCKETED].index("relations")
_E = {c: i for i, c in enumerate(BY_NAME["entries"].columns)}
_R = {c: i for i, c in enumerate(BY_NAME["relations"].columns)}
_ROLE_ORDER = {r: n for n, r in enumerate(RELATION_ROLES)}
# In a fingerprint's bucket list: "the sealing salt", which a person's tag depends on.
_SALT = "s"
_BATCH = 2048   # subjects between two looks at the caller's cancel


# Tags already derived in this process, by the snapshot's sealing parameters and the number: the
# window compares again at every start of a session, every install and every 15 minutes online,
# and a tag costs a memory-hard hash (~0.1 s) that only a new snapshot's salt changes. Memory
# only, never written: the tag is as telling as the number.
_TAGS: dict[tuple[str, str], str] = {}
_TAGS_KEPT = 100_000


def _tag(salt: str, code: str, params) -> str:
    tag = _TAGS.get((salt, code))
    if tag is None:
        tag, _ = sealing.derive(code, params)
        if len(_TAGS) >= _TAGS_KEPT:
            _TAGS.clear()
        _TAGS[salt, code] = tag
    return tag


class SnapshotData:
    """One verified reader of a snapshot's data file, for one watch run on one thread.
    OfflineUnavailable when its catalogue does not verify."""

    def __init__(self, snap: InstalledSnapshot):
        self.label = f"离线数据第 {snap.version} 版"
        self.version = snap.version
        self.data_as_of: datetime = snap.data_as_of
        self._table = snap.table
        # The bucket layout: fingerprints taken under another bucket count say nothing here.
        self.layout = snap.table.count
        try:
            self._reader = snap.open()
        except RowsUnverified as exc:
            raise _unverified(snap, exc) from None
        self._lists = {x.list_code: x for x in self._reader.lists()}
        self._params = self._reader.sealing_params
        self._salt = "" if self._params is None else self._params["salt"]

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> SnapshotData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- fingerprints --------------------------------------------------------------------------

    def fingerprint(self, buckets: str) -> bytes:
        """What the signed bucket table now says about ``buckets`` (as an answer gave them)."""
        digests = self._table.digests
        if "," not in buckets:   # most subjects: one bucket, its digest as it stands
            i = int(buckets) * 16
            return digests[i:i + 16]
        h = hashlib.blake2b(digest_size=16)
        for b in buckets.split(","):
            if b == _SALT:
                h.update(self._salt.encode())
            else:
                i = int(b) * 16
                h.update(digests[i:i + 16])
        return h.digest()

    # -- reading -------------------------------------------------------------------------------

    def subjects(self, codes: Iterable[str], *, cancel: Callable[[], bool] | None = None
                 ) -> Iterator[tuple]:
        """For each code: (code, entries, people, buckets, fingerprint), entries as rows in
        ``watch.EntryNow`` order, people as (role, masked number, masked name, entries); or
        (code, None, None, where, None) when its rows differ from the signed bucket table."""
        codes = list(codes)
        for start in range(0, len(codes), _BATCH):
            if cancel is not None and cancel():
                return
            for code in codes[start:start + _BATCH]:
                try:
                    yield self._subject(code)
                except RowsUnverified as exc:
                    yield code, None, None, exc.where, None

    def _subject(self, code: str) -> tuple:
        # Each bucket through the reader's verified read, as a lookup reads it.
        n, read = self.layout, self._reader.bucket_rows
        parts = read(code)
        buckets = [str(bucket_of(code, n))]
        key = code
        if (self._params is not None and sealing.IDENTITY_SHAPE.fullmatch(code)
                and not any(r[0] == code for r in parts[_SUBJECTS])):
            # A natural person: their rows are under the number's tag (offline_cache.sealing).
            key = _tag(self._salt, code, self._params)
            parts = read(key)
            buckets += [str(bucket_of(key, n)), _SALT]
        entries = self._entries(parts, key, code)
        people = []
        rows = sorted((x for x in parts[_RELATIONS] if x[_R["unit_code"]] == code),
                      key=lambda x: (_ROLE_ORDER.get(x[_R["role"]], 9), x[_R["person_code"]]))
        for x in rows:
            tag = x[_R["person_tag"]]
            found = ()
            if tag:
                found = self._entries(read(tag), tag, tag)
                buckets.append(str(bucket_of(tag, n)))
            people.append((x[_R["role"]], mask_code(x[_R["person_code"]], "person"),
                           x[_R["person_name"]], found))
        text = ",".join(buckets)
        return code, entries, tuple(people), text, self.fingerprint(text)

    def _entries(self, parts: list, key: str, code: str) -> tuple[tuple, ...]:
        e, lists = _E, self._lists
        out = []
        for r in parts[_ENTRIES]:
            if r[e["subject_code"]] != key:
                continue
            info = lists.get(r[e["list_code"]])
            out.append((code, r[e["entry_id"]], r[e["list_code"]],
                        info.list_name if info else r[e["list_code"]],
                        info.severity if info else "", r[e["state"]], r[e["expires_on"]]))
        return tuple(sorted(out, key=lambda x: x[1]))

    def measures(self, item_code: str, list_code: str, role: str | None = None
                 ) -> tuple[tuple[str, str], ...]:
        """(measure_id, content) of the measures the verified catalogue maps from this list to
        this item: those binding the subject itself, or with ``role`` those binding the unit's
        person in that role."""
        return tuple((m.measure_id, m.content) for m in sorted(
            self._reader.item_measures(item_code), key=lambda m: m.measure_id)
            if m.list_code == list_code
            and ((m.target == role) if role else m.target not in RELATION_ROLES))
