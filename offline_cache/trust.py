"""The desk's side of the trust model: TUF's client workflow, run with the reference library's
``TrustedMetadataSet`` (the core of ngclient's ``Updater``) over a pluggable fetcher.

``refresh`` walks the spec's order — root chain, timestamp, snapshot, targets — starting from the
shipped root, the roots this desk accepted and the metadata of the installed snapshot, and returns
the verified metadata as bytes. It writes nothing: the store persists the result only together
with the data it describes, so a refused update changes nothing on disk (ngclient's Updater would
persist each role as it goes).

Every refusal is a SnapshotRefused naming the role and the reason."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tuf.api import exceptions
from tuf.api.metadata import Metadata, Root, TargetFile, Targets
from tuf.ngclient._internal.trusted_metadata_set import TrustedMetadataSet
from tuf.ngclient.config import EnvelopeType
from tuf.ngclient.fetcher import FetcherInterface

from offline_cache.errors import SnapshotRefused
from offline_cache.regular_file import open_regular
from offline_cache.repository import MARK

log = logging.getLogger(__name__)

# ngclient's defaults (UpdaterConfig): the most each metadata file may be, so a source that sends
# endless data is cut off.
ROOT_MAX = 512_000
TIMESTAMP_MAX = 16_384
SNAPSHOT_MAX = 2_000_000
TARGETS_MAX = 5_000_000
MAX_ROOT_ROTATIONS = 256
CHUNK = 1 << 20

ROLE_NAMES = {"root": "信任根（root）", "timestamp": "时间戳（timestamp）", "snapshot": "快照元数据（snapshot）",
              "targets": "目标元数据（targets）"}
ADVICE = "请向省平台索取正式快照。"
CHINA = timezone(timedelta(hours=8))


class FolderFetcher(FetcherInterface):
    """A repository folder (USB stick, hall share): ``metadata/`` and ``targets/`` read as files.
    A missing file is a 404, as over HTTP, so the workflow treats both sources alike."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _fetch(self, url: str) -> Iterator[bytes]:
        path = self.folder / url
        if self.folder.resolve() not in path.resolve().parents:
            raise exceptions.DownloadHTTPError(f"outside the repository: {url}", 404)
        try:
            # Only a regular file: a FIFO named timestamp.json would block a plain open forever.
            fh = open_regular(path, "元数据文件")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise exceptions.DownloadHTTPError(f"not found: {url}", 404) from None
        return _chunks(fh)


def _chunks(fh) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(CHUNK):
            yield chunk


@dataclass(frozen=True)
class Verified:
    """Metadata that passed the client workflow, as the bytes that were verified."""
    root: Root
    roots: tuple[bytes, ...]          # new root versions fetched from the source, in order
    timestamp: bytes
    snapshot: bytes
    targets_bytes: bytes
    targets: Targets = field(repr=False)

    def data_targets(self) -> list[TargetFile]:
        return [t for t in self.targets.targets.values() if (t.custom or {}).get("kind") in ("full", "delta")]

    def version(self) -> int:
        return max((t.custom["version"] for t in self.data_targets()), default=0)

    def full(self) -> TargetFile | None:
        fulls = [t for t in self.data_targets() if t.custom["kind"] == "full"]
        return max(fulls, key=lambda t: t.custom["version"], default=None)

    def delta_from(self, base: int) -> TargetFile | None:
        return next((t for t in self.data_targets()
                     if t.custom["kind"] == "delta" and t.custom.get("base_version") == base), None)

    def buckets_for(self, target: TargetFile) -> TargetFile:
        name = target.custom.get("buckets")
        entry = self.targets.targets.get(name) if isinstance(name, str) else None
        if entry is None:
            raise refused("targets", "malformed", f"目标 {target.path} 没有对应的分组表。{ADVICE}")
        return entry


def refused(role: str, reason: str, detail: str) -> SnapshotRefused:
    return SnapshotRefused(reason, f"{ROLE_NAMES.get(role, role)}：{detail}", role=role)


def _kept_or_fetched(role: str, kept: bytes | None, trust_kept, trust_fetched, fetcher,
                     length: int) -> bytes:
    """The installed metadata of ``role`` while the newer roles still vouch for it, else the
    fetcher's copy, verified; a download or verification failure names the role."""
    if kept is not None:
        try:
            trust_kept(kept)
            return kept
        except exceptions.RepositoryError:
            pass
    try:
        data = fetcher.download_bytes(f"metadata/{role}.json", length)
    except exceptions.DownloadError as exc:
        raise _explain(role, exc) from None
    try:
        trust_fetched(data)
    except exceptions.RepositoryError as exc:
        raise _explain(role, exc) from None
    return data


def _explain(role: str, exc: Exception) -> SnapshotRefused:
    """A TUF exception as a refusal that names the role and the reason in words IT staff use."""
    # A (de)serialisation error carries its reason in its cause: a lone surrogate, bad JSON.
    text = str(exc) or str(exc.__cause__ or "") or type(exc).__name__
    if isinstance(exc, exceptions.UnsignedMetadataError):
        return refused(role, "threshold", f"签名未达到门槛，或不是由受信任的密钥签署（{text}）。{ADVICE}")
    if isinstance(exc, exceptions.ExpiredMetadataError):
        if "root" in text.lower():
            return refused("root", "expired", "本机信任根已过期，不能再验证快照。请联系省平台更新信任根。")
        return refused(role, "expired", f"已过期（{text}），可能是被冻结在旧数据上。请使用更新的快照，或{ADVICE}")
    if isinstance(exc, exceptions.BadVersionNumberError):
        return refused(role, "rollback", f"版本回退或与上级元数据不符（{text}），拒绝回退到旧数据。请使用更新的快照。")
    if isinstance(exc, exceptions.LengthOrHashMismatchError):
        return refused(role, "hash-mismatch", f"长度或哈希与上级元数据不符（{text}），文件被改动或来自不同版本。{ADVICE}")
    if isinstance(exc, exceptions.DownloadLengthMismatchError):
        return refused(role, "too-large", f"文件超过允许的长度（{text}），已停止读取。{ADVICE}")
    if isinstance(exc, exceptions.DownloadHTTPError) and exc.status_code == 404:
        return refused(role, "missing-file", f"来源中缺少该元数据文件（{text}）。请确认快照文件夹完整。")
    if isinstance(exc, exceptions.DownloadError):
        return refused(role, "unreachable", f"无法读取（{text}）。")
    return refused(role, "malformed", f"元数据无效（{text}）。{ADVICE}")


@dataclass(frozen=True)
class Local:
    """What the desk trusts already: the shipped root, the roots it accepted since, and the
    metadata of the installed snapshot (None where there is none)."""
    shipped_root: bytes
    roots: tuple[bytes, ...] = ()
    timestamp: bytes | None = None
    snapshot: bytes | None = None
    targets: bytes | None = None


def trusted_root(local: Local, now: datetime | None = None) -> tuple[TrustedMetadataSet, int]:
    """The shipped root advanced through the stored roots that chain from it; (set, walked)."""
    try:
        tms = TrustedMetadataSet(local.shipped_root, EnvelopeType.METADATA)
    except exceptions.RepositoryError as exc:
        raise refused("root", "malformed", f"本机信任根文件无效（{exc}）。请向省平台索取正式的信任根文件。") from None
    if now is not None:
        tms.reference_time = now
    walked = 0
    for data in local.roots:
        try:
            tms.update_root(data)
        except exceptions.RepositoryError:
            break  # a root that does not chain (put there by hand) is simply not reached
        walked += 1
    return tms, walked


def refresh(local: Local, fetcher: FetcherInterface, *, now: datetime | None = None) -> Verified:
    now = now or datetime.now(timezone.utc)
    tms, _ = trusted_root(local, now)
    new_roots = []
    for _ in range(MAX_ROOT_ROTATIONS):
        version = tms.root.version + 1
        try:
            data = fetcher.download_bytes(f"metadata/{version}.root.json", ROOT_MAX)
        except exceptions.DownloadHTTPError as exc:
            if exc.status_code in (403, 404):
                break
            raise _explain("root", exc) from None
        except exceptions.DownloadError as exc:
            raise _explain("root", exc) from None
        try:
            tms.update_root(data)
        except exceptions.RepositoryError as exc:
            raise _explain("root", exc) from None
        new_roots.append(data)
    if tms.root.is_expired(now):
        raise refused("root", "expired", f"信任根（第 {tms.root.version} 版）已于 {china_time(tms.root.expires)} 过期，"
                                         "不能再验证快照。请联系省平台更新信任根。")

    ts_bytes = _local(tms.update_timestamp, local.timestamp)
    try:
        data = fetcher.download_bytes("metadata/timestamp.json", TIMESTAMP_MAX)
    except exceptions.DownloadError as exc:
        raise _explain("timestamp", exc) from None
    try:
        tms.update_timestamp(data)
        ts_bytes = data
    except exceptions.EqualVersionNumberError:
        pass  # the same timestamp as installed: nothing newer here
    except exceptions.RepositoryError as exc:
        raise _explain("timestamp", exc) from None

    snap_bytes = _kept_or_fetched(
        "snapshot", local.snapshot, lambda b: tms.update_snapshot(b, trusted=True),
        tms.update_snapshot, fetcher, tms.timestamp.snapshot_meta.length or SNAPSHOT_MAX)
    meta = tms.snapshot.meta.get("targets.json")
    targets_bytes = _kept_or_fetched(
        "targets", local.targets, tms.update_targets, tms.update_targets, fetcher,
        (meta.length if meta else None) or TARGETS_MAX)
    _check_custom(tms.targets)
    return Verified(tms.root, tuple(new_roots), ts_bytes or b"", snap_bytes, targets_bytes, tms.targets)


def _local(update: Callable[[bytes], object], data: bytes | None) -> bytes | None:
    if data is None:
        return None
    try:
        update(data)
        return data
    except exceptions.ExpiredMetadataError:
        return data  # loaded, and still the floor against rollback
    except exceptions.RepositoryError:
        return None


def _check_custom(targets: Targets) -> None:
    for t in targets.targets.values():
        c = t.custom
        if not isinstance(c, dict) or c.get("kind") not in ("full", "delta", "buckets"):
            raise refused("targets", "malformed", f"目标 {t.path} 缺少或含有无效的 custom.kind。{ADVICE}")
        if not isinstance(c.get("version"), int) or isinstance(c.get("version"), bool) or c["version"] < 1:
            raise refused("targets", "malformed", f"目标 {t.path} 的 custom.version 无效。{ADVICE}")
        if c["kind"] == "buckets":
            pages = c.get("page_index")  # absent from tables signed before it existed
            if pages is not None and not (isinstance(pages, str) and len(pages) == 64
                                          and all(ch in "0123456789abcdef" for ch in pages)):
                raise refused("targets", "malformed", f"分组表 {t.path} 的 custom.page_index 无效。{ADVICE}")
            continue
        try:
            as_of = datetime.fromisoformat(c["data_as_of"])
            as_of.astimezone(timezone.utc).astimezone(CHINA)  # a date every clock can show
        except (KeyError, TypeError, ValueError, OverflowError):
            as_of = None
        if as_of is None or as_of.tzinfo is None or not isinstance(c.get("region"), str) \
                or not isinstance(c.get("demo"), bool) or not isinstance(c.get("buckets"), str):
            raise refused("targets", "malformed", f"目标 {t.path} 的 custom 字段（data_as_of、region、demo、buckets）无效。{ADVICE}")
        if c["kind"] == "delta":
            base = c.get("base_version")
            if not isinstance(base, int) or isinstance(base, bool) or not 1 <= base < c["version"]:
                raise refused("targets", "malformed", f"增量 {t.path} 的 custom.base_version 无效。{ADVICE}")


def verify_installed(root: Root, targets_bytes: bytes) -> Targets:
    """The installed snapshot's targets metadata, checked against the root in force with TUF's
    threshold rule (expiry is the caller's: an expired snapshot is shown as expired)."""
    try:
        md = Metadata[Targets].from_bytes(targets_bytes)
    except Exception as exc:  # DeserializationError and friends: any unreadable file
        raise refused("targets", "tampered", f"已安装的目标元数据无法读取（{exc}）。") from None
    if md.signed.type != Targets.type:
        raise refused("targets", "tampered", "已安装的目标元数据类型不对。")
    try:
        root.verify_delegate(Targets.type, md.signed_bytes, md.signatures)
    except exceptions.UnsignedMetadataError as exc:
        raise refused("targets", "threshold", f"已安装的快照不是由当前信任根的 targets 密钥签署（{exc}）。") from None
    return md.signed


def china_time(moment: datetime) -> str:
    """A signed time as the hall reads every time: China time, to the minute (year 9999's last
    hours have none: they read as its last minute)."""
    try:
        return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    except OverflowError:
        return "9999-12-31 23:59" if moment.year > 1 else "0001-01-01 00:00"


def root_mark(root: Root) -> dict:
    mark = root.unrecognized_fields.get(MARK)
    return mark if isinstance(mark, dict) else {}


def verify_target(entry: TargetFile, fh) -> None:
    """Length and hashes of a target file as the targets metadata states them (TUF's check)."""
    try:
        entry.verify_length_and_hashes(fh)
    except exceptions.LengthOrHashMismatchError as exc:
        raise refused("targets", "hash-mismatch", f"文件 {entry.path} 的长度或哈希与目标元数据不符（{exc}）。"
                                                  f"文件不完整或被改动，请重新复制，或{ADVICE}") from None
