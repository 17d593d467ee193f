"""An installed snapshot as the post-approval watch reads it (desktop.casefile.watch.CurrentData):
the entries of many codes at once, as rows in the order of ``watch.EntryNow``, and the measures
an item maps from a list.

The codes go in as one JSON array and one indexed join answers them all: a hundred thousand
recorded codes against ten million subjects is one pass in SQLite, not a hundred thousand
round trips from Python."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime

from offline_cache import sealing
from offline_cache.store import InstalledSnapshot

# The codes arrive as one JSON array: json_each walks it in C, and each code is one probe of the
# entries' subject index (CROSS JOIN keeps that order).
_ENTRIES = ("SELECT e.subject_code, e.entry_id, e.list_code, l.list_name, l.severity, e.state, "
            "e.expires_on FROM json_each(?) w CROSS JOIN entries e ON e.subject_code = w.value "
            "JOIN lists l ON l.list_code = e.list_code")
_MEASURES = ("SELECT m.measure_id, m.content FROM item_measures im "
             "JOIN measures m ON m.measure_id = im.measure_id "
             "WHERE im.item_code = ? AND m.list_code = ? ORDER BY m.measure_id")


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
    """One read-only connection to a snapshot's data file, for one watch run on one thread."""

    def __init__(self, snap: InstalledSnapshot):
        self.label = f"离线数据第 {snap.version} 版"
        self.version = snap.version
        self.data_as_of: datetime = snap.data_as_of
        self._conn = sqlite3.connect(snap.data_path.resolve().as_uri() + "?mode=ro", uri=True)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SnapshotData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def entries(self, codes: Iterable[str]) -> Iterator[tuple]:
        params = sealing.read_params(self._conn)
        # A listed person's entries are under the tag of the number (offline_cache.sealing): one
        # memory-hard hash per recorded person, the price of a snapshot that names no one.
        wanted, tags = set(codes), {}
        if params is not None:
            salt = json.dumps(params, sort_keys=True)
            for c in [c for c in wanted if sealing.IDENTITY_SHAPE.fullmatch(c)]:
                tags[_tag(salt, c, params)] = c
        for row in self._conn.execute(_ENTRIES, (json.dumps(sorted(wanted | set(tags))),)):
            yield (tags.get(row[0], row[0]), *row[1:])

    def measures(self, item_code: str, list_code: str) -> tuple[tuple[str, str], ...]:
        return tuple(self._conn.execute(_MEASURES, (item_code, list_code)))


