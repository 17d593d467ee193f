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
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from desktop.offline.data import _unverified
from desktop.site.masking import mask_code
from offline_cache import sealing
from offline_cache.buckets import BUCKETED, RECORD_COLUMNS, bucket_of
from offline_cache.reader import RowsUnverified, VerifiedBucket
from offline_cache.records import RELATION_ROLES
from offline_cache.store import InstalledSnapshot

_SUBJECTS = [t.name for t in BUCKETED].index("subjects")
_ENTRIES = [t.name for t in BUCKETED].index("entries")
_RELATIONS = [t.name for t in BUCKETED].index("relations")
# Positions in a bucket record (buckets.RECORD_COLUMNS: the bucketing column first).
_E = {c: i for i, c in enumerate(RECORD_COLUMNS[_ENTRIES])}
_R = {c: i for i, c in enumerate(RECORD_COLUMNS[_RELATIONS])}
_ROLE_ORDER = {r: n for n, r in enumerate(RELATION_ROLES)}
# In a fingerprint's bucket list: "the sealing salt", which a person's tag depends on.
_SALT = "s"
_BATCH = 2048   # subjects per bulk read: the unit of progress and of stopping


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
        self._prefetched: dict[int, VerifiedBucket | None] = {}
        self._params = self._reader.sealing_params
        # What a person's tag depends on: the whole sealing parameters, salt first of all.
        self._salt = "" if self._params is None else json.dumps(self._params, sort_keys=True)

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> SnapshotData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- fingerprints --------------------------------------------------------------------------

    def fingerprint(self, buckets: str) -> bytes:
        """What the signed bucket table now says about ``buckets`` (as an answer gave them)."""
        table = self._table
        if "," not in buckets:   # most subjects: one bucket, its digest as it stands
            return table.digest(int(buckets))
        h = hashlib.blake2b(digest_size=16)
        for b in buckets.split(","):
            if b == _SALT:
                h.update(self._salt.encode())
            else:
                h.update(table.digest(int(b)))
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
            batch = {c: bucket_of(c, self.layout) for c in codes[start:start + _BATCH]}
            self._prefetched = self._buckets(batch)
            for code, b in batch.items():
                try:
                    yield self._subject(code, b)
                except RowsUnverified as exc:
                    yield code, None, None, exc.where, None
        self._prefetched = {}

    def _read(self, key: str, b: int) -> VerifiedBucket:
        """``key``'s bucket ``b``, verified: from the batch read ahead, else read alone (a
        person's tag: rare, and known only once the unit's or the number's bucket was read)."""
        if b not in self._prefetched:
            return self._reader.buckets_of((key,))[key]
        found = self._prefetched[b]
        if found is None:
            raise RowsUnverified(f"第 {b} 号分组")
        return found

    def _buckets(self, batch: dict[str, int]) -> dict[int, VerifiedBucket | None]:
        """The verified buckets of a batch of codes in one statement (SnapshotReader.buckets_of);
        when one of them differs from the signed table, each read alone, so that only the
        subjects of an edited bucket go unanswered (None)."""
        try:
            return {v.number: v for v in self._reader.buckets_of(batch).values()}
        except RowsUnverified:
            out: dict[int, VerifiedBucket | None] = {}
            for code, b in batch.items():
                if b not in out:
                    try:
                        out[b] = self._reader.buckets_of((code,))[code]
                    except RowsUnverified:
                        out[b] = None
            return out

    def _subject(self, code: str, b: int) -> tuple:
        n, read = self.layout, self._read
        bucket = read(code, b)
        buckets = [str(b)]
        key = code
        if (self._params is not None and sealing.IDENTITY_SHAPE.fullmatch(code)
                and not bucket.rows(_SUBJECTS, code)):
            # A natural person: their rows are under the number's tag (offline_cache.sealing).
            key = _tag(self._salt, code, self._params)
            tb = bucket_of(key, n)
            bucket = read(key, tb)
            buckets += [str(tb), _SALT]
        entries = self._entries(bucket, key, code)
        people = []
        rows = sorted(bucket.rows(_RELATIONS, code),
                      key=lambda x: (_ROLE_ORDER.get(x[_R["role"]], 9), x[_R["person_code"]]))
        for x in rows:
            tag = x[_R["person_tag"]]
            found = ()
            if tag:
                tb = bucket_of(tag, n)
                found = self._entries(read(tag, tb), tag, tag)
                buckets.append(str(tb))
            people.append((x[_R["role"]], mask_code(x[_R["person_code"]], "person"),
                           x[_R["person_name"]], found))
        text = ",".join(buckets)
        return code, entries, tuple(people), text, self.fingerprint(text)

    def _entries(self, bucket: VerifiedBucket, key: str, code: str) -> tuple[tuple, ...]:
        e, lists = _E, self._lists
        out = []
        for r in bucket.rows(_ENTRIES, key):
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
