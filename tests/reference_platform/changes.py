"""The change feed of the reference platform (GET /api/v1/changes?since=V): what happened to list
entries between published version V and the newest, worked out from the two data files the way a
provincial platform would from its own history."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

_COUNTING = ("active", "objection")


def _entries(path: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT e.entry_id, e.subject_code, e.list_code, l.severity, e.state, e.expires_on "
            "FROM entries e JOIN lists l ON l.list_code = e.list_code "
            # A person's entries sit under the sealed tag of their number, which is no code a
            # feed can name: a person's (and a legal representative's) changes reach a desk with
            # the next snapshot, where the watch reads them through the tag.
            "JOIN subjects s ON s.code = e.subject_code WHERE s.kind != 'person'")}
    finally:
        conn.close()


def _counts(row: tuple | None, today: date) -> bool:
    if row is None:
        return False
    _, _, _, state, expires = row
    return state in _COUNTING and not (expires and date.fromisoformat(expires) < today)


def changes_between(old: Path, new: Path, today: date) -> list[dict]:
    before, after = _entries(old), _entries(new)
    out = []
    for entry_id in sorted(before.keys() | after.keys()):
        was, now = before.get(entry_id), after.get(entry_id)
        counted, counts = _counts(was, today), _counts(now, today)
        if counted == counts:
            continue
        code, list_code, severity = (now or was)[:3]
        if counts:
            change = "listed"
        elif severity == "red":
            change = "reward_withdrawn"
        elif now is None:
            change = "removed"
        elif now[3] == "repaired":
            change = "repaired"
        else:
            change = "lapsed"
        out.append({"code": code, "change": change, "entry_id": entry_id, "severity": severity,
                    "list_code": list_code})
    return out
