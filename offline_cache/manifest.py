"""Snapshot and delta manifests: what the publisher signs about a data file, and its checks."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from offline_cache.canonical import format_time, parse_envelope, parse_time, read_envelope, read_metadata_bytes, require_aware
from offline_cache.delta import DeltaError, delta_meta
from offline_cache.digest import Cancelled, file_dataset_digest, file_sha256
from offline_cache.errors import SnapshotRefused, short_id
from offline_cache.keys import load_private
from offline_cache.root import Root, load_root, write_metadata
from offline_cache.schema import DATA_FORMAT, DELTA_FORMAT
from offline_cache.signing import require_threshold, sign_envelope

ADVICE = "请向省平台索取正式快照。"
KINDS = ("snapshot", "delta")


@dataclass(frozen=True)
class Manifest:
    kind: str  # "snapshot" (full) | "delta"
    version: int
    created: datetime
    expires: datetime
    data_as_of: datetime
    region: str
    demo: bool
    data_name: str
    data_size: int
    data_sha256: str
    dataset_digest: str
    base_version: int | None
    path: Path

    @property
    def data_path(self) -> Path:
        return self.path.parent / self.data_name

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _hex64(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def parse_manifest(signed: dict, path: Path) -> Manifest:
    def bad(detail: str) -> SnapshotRefused:
        return SnapshotRefused("malformed", f"快照清单内容无效（{detail}）：{path}。{ADVICE}")

    kind = signed.get("_type")
    if kind not in KINDS:
        raise bad(f"类型为 {kind!r}，应为 snapshot 或 delta")
    expected = {"_type", "version", "created", "expires", "data_as_of", "region", "demo", "data",
                "dataset_digest"} | ({"base_version"} if kind == "delta" else set())
    if set(signed) != expected:
        raise bad("字段应为 " + "、".join(sorted(expected)))
    if not _int(signed["version"]) or signed["version"] < 1:
        raise bad("version 应为正整数")
    base = signed.get("base_version")
    if kind == "delta" and (not _int(base) or not 1 <= base < signed["version"]):
        raise bad("base_version 应为小于 version 的正整数")
    times = {}
    for name in ("created", "expires", "data_as_of"):
        try:
            times[name] = parse_time(signed[name])
        except ValueError:
            raise bad(f"{name} 应为带时区的 ISO 8601 时间") from None
    if not isinstance(signed["region"], str) or not isinstance(signed["demo"], bool):
        raise bad("region 应为文本，demo 应为 true/false")
    data = signed["data"]
    if not isinstance(data, dict) or set(data) != {"name", "size", "sha256"}:
        raise bad("data 应含 name、size、sha256")
    name = data["name"]
    # The name is resolved next to the manifest: nothing that could climb out of that folder.
    if (not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name
            or ":" in name or "\0" in name):
        raise bad("data.name 应为同一文件夹中的文件名")
    if not _int(data["size"]) or data["size"] < 0 or not _hex64(data["sha256"]):
        raise bad("data.size 或 data.sha256 无效")
    if not _hex64(signed["dataset_digest"]):
        raise bad("dataset_digest 无效")
    return Manifest(kind, signed["version"], times["created"], times["expires"], times["data_as_of"],
                    signed["region"], signed["demo"], name, data["size"], data["sha256"],
                    signed["dataset_digest"], base, Path(path))


def load_manifest(path: Path, root: Root, data: bytes | None = None) -> Manifest:
    """The manifest in ``path`` (or its bytes ``data``, read once so that what was checked is
    what gets installed), once the root's threshold of keys is found to have signed it."""
    if data is None:
        data = read_metadata_bytes(Path(path), "快照清单")
    env = parse_envelope(data, Path(path), "快照清单")
    require_threshold(env, root.keys, root.threshold, what="快照", advice=ADVICE)
    return parse_manifest(env["signed"], Path(path))


def peek_manifest(path: Path) -> Manifest | None:
    """The manifest's claims without checking signatures (choosing among files in a folder, or
    showing what is installed); None when the file is not a manifest at all."""
    try:
        env = read_envelope(Path(path), "快照清单")
        return parse_manifest(env["signed"], Path(path))
    except SnapshotRefused:
        return None


def check_data_file(m: Manifest, data_path: Path, *, progress: Callable[[int, int], None] | None = None,
                    cancel: Callable[[], bool] | None = None, copy_to=None) -> None:
    """Size first (cheap, and a truncated copy is the common USB failure), then the streamed
    SHA-256."""
    try:
        size = os.stat(data_path).st_size
    except FileNotFoundError:
        raise SnapshotRefused("missing-file", f"找不到快照数据文件：{data_path}（清单 {m.path.name} 所指）。"
                                              "请把清单和数据文件一起复制到同一文件夹。") from None
    if size != m.data_size:
        raise SnapshotRefused("size-mismatch", f"快照数据文件大小与清单不符：应为 {m.data_size} 字节，实际 {size} 字节"
                                               f"（{data_path}）。文件不完整或被改动，请重新复制，或{ADVICE}")
    try:
        done, sha = file_sha256(data_path, progress=progress, cancel=cancel, copy_to=copy_to)
    except Cancelled:
        raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。") from None
    if done != m.data_size:
        raise SnapshotRefused("size-mismatch", f"快照数据文件在校验过程中大小发生变化（{data_path}）。"
                                               "请等复制完成后再导入。")
    if sha != m.data_sha256:
        raise SnapshotRefused("hash-mismatch", f"快照数据文件校验值与清单不符：SHA-256 应为 {short_id(m.data_sha256)}，"
                                               f"实际为 {short_id(sha)}（{data_path}）。文件已损坏或被改动，"
                                               f"请重新复制，或{ADVICE}")


def _user_version(path: Path) -> int:
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return -1


def read_delta_meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return delta_meta(conn)
    finally:
        conn.close()


def _signed_body(kind: str, data: Path, *, version: int, data_as_of: datetime, expires: datetime,
                 region: str, demo: bool, created: datetime | None, digest: str) -> dict:
    if not _int(version) or version < 1:
        raise ValueError("版本号应为正整数")
    size, sha = file_sha256(data)
    created = require_aware(created, "created") if created is not None else \
        datetime.now(timezone.utc).replace(microsecond=0)
    return {"_type": kind, "version": version, "created": format_time(created),
            "expires": format_time(require_aware(expires, "expires")),
            "data_as_of": format_time(require_aware(data_as_of, "data_as_of")), "region": region,
            "demo": bool(demo), "data": {"name": data.name, "size": size, "sha256": sha},
            "dataset_digest": digest}


def _same_folder(data: Path, out: Path) -> None:
    if data.resolve().parent != out.resolve().parent:
        raise ValueError(f"清单与数据文件须在同一文件夹：{out} 与 {data}")


def sign_snapshot(data: Path, *, version: int, data_as_of: datetime, expires: datetime, region: str,
                  keys: list[Path], out: Path, demo: bool = False, created: datetime | None = None) -> Path:
    data, out = Path(data), Path(out)
    _same_folder(data, out)
    if _user_version(data) != DATA_FORMAT:
        raise ValueError(f"不是快照数据文件（应由 offline-cache build 生成）：{data}")
    signed = _signed_body("snapshot", data, version=version, data_as_of=data_as_of, expires=expires,
                          region=region, demo=demo, created=created, digest=file_dataset_digest(data))
    write_metadata(out, sign_envelope(signed, [load_private(k) for k in keys]))
    return out


def sign_delta(delta: Path, *, base_version: int, version: int, data_as_of: datetime, expires: datetime,
               region: str, keys: list[Path], out: Path, demo: bool = False,
               created: datetime | None = None) -> Path:
    delta, out = Path(delta), Path(out)
    _same_folder(delta, out)
    if not _int(base_version) or not 1 <= base_version < version:
        raise ValueError("增量的基础版本应为小于新版本的正整数")
    try:
        meta = read_delta_meta(delta)
    except (DeltaError, sqlite3.DatabaseError):
        raise ValueError(f"不是增量文件（应由 offline-cache delta 生成）：{delta}") from None
    signed = _signed_body("delta", delta, version=version, data_as_of=data_as_of, expires=expires,
                          region=region, demo=demo, created=created, digest=meta["target_digest"])
    signed["base_version"] = base_version
    write_metadata(out, sign_envelope(signed, [load_private(k) for k in keys]))
    return out


def verify(manifest: Path, root: Path, *, now: datetime | None = None) -> Manifest:
    """The publisher's check before shipping: signature by ``root``, not expired, data file size
    and hash, and the dataset digest (recomputed for a full snapshot; for a delta, the target the
    delta file itself declares)."""
    now = now or datetime.now(timezone.utc)
    trusted = load_root(Path(root))
    m = load_manifest(Path(manifest), trusted)
    if m.is_expired(now):
        raise SnapshotRefused("expired", f"快照已于 {format_time(m.expires)} 过期。{ADVICE}")
    check_data_file(m, m.data_path)
    if m.kind == "snapshot":
        try:
            actual = file_dataset_digest(m.data_path)
        except sqlite3.DatabaseError:
            raise SnapshotRefused("malformed", f"快照数据文件不是有效的快照数据库：{m.data_path}。") from None
    else:
        try:
            actual = read_delta_meta(m.data_path)["target_digest"]
        except (DeltaError, sqlite3.DatabaseError):
            raise SnapshotRefused("malformed", f"增量数据文件不是有效的增量文件：{m.data_path}。") from None
    if actual != m.dataset_digest:
        raise SnapshotRefused("digest-mismatch", f"数据摘要与清单不符：应为 {short_id(m.dataset_digest)}，"
                                                 f"实际为 {short_id(actual)}。请重新生成并签署。")
    return m
