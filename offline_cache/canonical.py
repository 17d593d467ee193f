"""Canonical JSON and the signed envelope shared by roots and manifests."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from offline_cache.errors import SnapshotRefused
from offline_cache.regular_file import open_regular

# A manifest is a few hundred bytes; the cap keeps a hostile file from being parsed at all.
MAX_METADATA_BYTES = 1 << 20


def canonical_bytes(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _no_duplicates(pairs):
    # Two parsers reading different values from one file is how signed metadata gets subverted:
    # refuse a duplicated key rather than let json keep the last one.
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _no_floats(text: str):
    raise ValueError("floating point numbers are not canonical")


def parse_json(data: bytes):
    return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_float=_no_floats,
                      parse_constant=_no_floats)


def read_metadata_bytes(path: Path, what: str) -> bytes:
    try:
        with open_regular(path, what) as fh:
            data = fh.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError:
        raise SnapshotRefused("missing-file", f"找不到{what}文件：{path}。请确认文件已完整复制，"
                                              "或向省平台重新索取。") from None
    except IsADirectoryError:
        raise SnapshotRefused("malformed", f"{what}应为文件，却是文件夹：{path}。") from None
    if len(data) > MAX_METADATA_BYTES:
        raise SnapshotRefused("malformed", f"{what}文件过大，不是有效的{what}：{path}。请向省平台重新索取。")
    return data


def parse_envelope(data: bytes, path: Path, what: str) -> dict:
    """The envelope ``{"signed": {...}, "signatures": [{"keyid","sig"}]}`` held in ``data``."""
    try:
        env = parse_json(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SnapshotRefused("malformed", f"{what}文件不是有效的 JSON（{exc}）：{path}。"
                                           "文件可能已损坏，请向省平台重新索取。") from None
    if (not isinstance(env, dict) or set(env) != {"signed", "signatures"}
            or not isinstance(env["signed"], dict) or not isinstance(env["signatures"], list)
            or not all(isinstance(s, dict) and set(s) == {"keyid", "sig"}
                       and isinstance(s["keyid"], str) and isinstance(s["sig"], str)
                       for s in env["signatures"])):
        raise SnapshotRefused("malformed", f"{what}文件结构不对（应含 signed 与 signatures）：{path}。"
                                           "请向省平台重新索取。")
    return env


def read_envelope(path: Path, what: str) -> dict:
    return parse_envelope(read_metadata_bytes(path, what), path, what)


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def parse_time(value) -> datetime:
    """An ISO 8601 moment with its offset; naive times are ambiguous across the province's
    machines, so they are not accepted in signed metadata."""
    if not isinstance(value, str):
        raise ValueError("time must be an ISO 8601 string")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without offset: {value}")
    return moment


def require_aware(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(timezone.utc)
