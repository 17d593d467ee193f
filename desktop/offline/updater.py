"""Offline snapshot updates (`credit-desk cache update`, and the window's "更新离线数据"): from the
platform — TUF metadata, then a delta from the installed version when the targets list one, else
the full snapshot — or from a folder (USB stick, hall file share) named by ``[snapshot]
update_source``.

Both go through the same store update: TUF's client workflow (root chain, timestamp, snapshot,
targets; signatures, thresholds, rollback, freeze, mix-and-match), then each target's length and
hash, then an atomic swap, so a failed or refused update leaves the installed snapshot in use. The
platform is a TUF fetcher over the signed API (`PlatformFetcher`); data files are downloaded into
``<home>/downloads/<name>-<hash>/``: an interrupted one is continued with a Range request next
time; one that turns out wrong is deleted, so the next try starts clean rather than resuming
garbage.

``update(ctx, progress=..., cancel=...)`` is what the window calls off the GUI thread."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import TargetFile
from tuf.ngclient.fetcher import FetcherInterface

from desktop.check.sources import DownloadCancelled, PlatformUnavailable
from desktop.offline import refusal
from desktop.site import paths
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from offline_cache import trust
from offline_cache.buckets import Cancelled
from offline_cache.errors import SnapshotRefused
from offline_cache.store import InstalledSnapshot, SnapshotStore

EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE = 0, 4, 5
REPOSITORY = "/snapshots/tuf"   # the platform's TUF repository: metadata/ and targets/

Progress = Callable[[str, int, int], None]   # (stage "download" | "verify", done, total)


class SnapshotSource(Protocol):
    """Where updates come from online (`desktop.platform.client.PlatformClient`): signed metadata
    and data files, each download within its deadline and cancellable."""

    def fetch_metadata(self, path: str) -> bytes | None: ...

    def download(self, url: str, dest: Path, *, size: int, progress=None, cancel=None) -> int: ...


class PlatformFetcher(FetcherInterface):
    """TUF metadata over the platform's signed API. A 404 is TUF's "no such version" (the end of
    the root chain); a platform failure is a download error with the platform's reason."""

    def __init__(self, client: SnapshotSource):
        self.client = client
        self.last_failure: PlatformUnavailable | None = None

    def _fetch(self, url: str) -> Iterator[bytes]:
        try:
            data = self.client.fetch_metadata(f"{REPOSITORY}/{url}")
        except PlatformUnavailable as exc:
            self.last_failure = exc
            raise tuf_errors.DownloadError(str(exc.reason)) from None
        if data is None:
            raise tuf_errors.DownloadHTTPError(f"not found: {url}", 404)
        return iter((data,))


class PlatformSource:
    def __init__(self, client: SnapshotSource, folder: Path, progress: Progress | None):
        self.client = client
        self.fetcher = PlatformFetcher(client)
        self.folder = folder
        self.label = "省平台"
        self.progress = progress
        self.downloaded = 0

    def fetch_target(self, entry: TargetFile, dest: Path, *, progress=None, cancel=None) -> int:
        # One folder per (name, hash): a partial download is only ever resumed into the file it
        # was started for.
        work = self.folder / f"{entry.path}-{entry.hashes['sha256'][:16]}"
        work.mkdir(parents=True, exist_ok=True)
        part = work / "data.part"
        try:
            self.downloaded += self.client.download(f"{REPOSITORY}/targets/{entry.path}", part, size=entry.length,
                                                    progress=_stage(self.progress, "download") if progress else None,
                                                    cancel=cancel)
        except DownloadCancelled:
            raise Cancelled() from None
        except PlatformUnavailable as exc:
            sent = getattr(exc.reason, "params", {}).get("done", 0)
            if isinstance(sent, int) and sent > entry.length:
                # More bytes than the targets metadata allows: endless data, not a broken line.
                shutil.rmtree(work, ignore_errors=True)
                raise trust.refused("targets", "too-large", f"平台发送的 {entry.path} 比目标元数据所写的 {entry.length} 字节长，"
                                                            "已停止下载。") from None
            self.fetcher.last_failure = exc
            raise trust.refused("targets", "unreachable", f"下载 {entry.path} 时平台中断：{exc.reason}。") from None
        try:
            with open(part, "rb", buffering=0) as fh:
                trust.verify_target(entry, fh)
        except SnapshotRefused:
            shutil.rmtree(work, ignore_errors=True)  # never resume from bytes that failed verification
            raise
        shutil.move(part, dest)
        return entry.length


class UpdateRefused(UserError):
    exit_code = EXIT_REFUSED
    reason_code: str | None = None   # the store's refusal reason ("bad-signature", "wrong-base", ...)


class UpdateUnreachable(UserError):
    exit_code = EXIT_UNREACHABLE


class UpdateCancelled(UserError):
    exit_code = 130


@dataclass(frozen=True)
class UpdateResult:
    updated: bool                  # False: already the newest
    snapshot: InstalledSnapshot
    kind: str | None = None        # how it arrived: "delta" | "snapshot"
    downloaded: int = 0            # bytes transferred in this run
    fell_back_to_full: bool = False


def downloads_dir() -> Path:
    return paths.home() / "downloads"


def update(ctx, *, progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> UpdateResult:
    """Update the desk's snapshot from its configured source."""
    store = ctx.offline.store
    source = ctx.config.snapshot.update_source
    if source != "platform":
        return update_from_folder(store, Path(source), progress=progress, cancel=cancel)
    if ctx.platform is None:
        raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP(
            "core", "本机未配置省平台（仅离线）。请从U盘导入快照（credit-desk cache import），"
                    "或请信息技术人员在配置中设置 [snapshot] update_source。")))
    return update_from_platform(store, ctx.platform, downloads_dir(), progress=progress, cancel=cancel)


def update_from_folder(store: SnapshotStore, folder: Path, *, progress: Progress | None = None,
                       cancel: Callable[[], bool] | None = None) -> UpdateResult:
    if not folder.is_dir():
        raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP(
            "core", "更新来源文件夹不可用：{folder}。请确认U盘已插好或共享文件夹可以访问。"), {"folder": str(folder)}))
    before = _installed_version(store)
    try:
        snap = store.install(folder, progress=_stage(progress, "verify"), cancel=cancel)
    except SnapshotRefused as exc:
        if exc.reason == "cancelled":
            raise UpdateCancelled(refusal.explain(exc)) from None
        raise _refused(exc) from None
    return UpdateResult(updated=before != snap.version, snapshot=snap, kind=snap.kind if before != snap.version else None)


def update_from_platform(store: SnapshotStore, client: SnapshotSource, folder: Path, *,
                         progress: Progress | None = None,
                         cancel: Callable[[], bool] | None = None) -> UpdateResult:
    before = _installed_version(store)
    source = PlatformSource(client, folder, progress)
    try:
        snap = store.update(source, progress=_stage(progress, "verify"), cancel=cancel)
    except SnapshotRefused as exc:
        failure = source.fetcher.last_failure
        if exc.reason == "cancelled":
            raise UpdateCancelled(Message(QT_TRANSLATE_NOOP(
                "core", "已取消更新；已下载的部分会在下次更新时接着下载。本机离线数据保持不变。"))) from None
        if exc.reason == "unreachable" and failure is not None and exc.role == "targets":
            raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP(
                "core", "下载快照时平台中断：{reason}。本机离线数据保持不变，再次更新会接着下载。"),
                {"reason": failure.reason})) from None
        if exc.reason == "unreachable" and failure is not None:
            raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP(
                "core", "无法从平台更新：{reason}。本机离线数据保持不变，再次更新会接着下载。"),
                {"reason": failure.reason})) from None
        if exc.reason == "missing-file" and exc.role == "timestamp":
            raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP("core", "平台目前没有发布快照，请稍后再试。"))) from None
        raise _refused(exc) from None
    if before == snap.version:
        return UpdateResult(updated=False, snapshot=snap)
    shutil.rmtree(folder, ignore_errors=True)
    return UpdateResult(True, snap, snap.kind, source.downloaded, fell_back_to_full=_fell_back(store, snap, before))


def _fell_back(store: SnapshotStore, snap: InstalledSnapshot, before: int | None) -> bool:
    """Whether a delta from ``before`` was listed but the full snapshot went in instead."""
    if before is None or snap.kind != "full":
        return False
    try:
        from tuf.api.metadata import Metadata
        targets = Metadata.from_file(str(snap.metadata_path / "targets.json")).signed
    except Exception:
        return False
    return any((t.custom or {}).get("kind") == "delta" and t.custom.get("base_version") == before
               for t in targets.targets.values())


def _refused(exc: SnapshotRefused) -> UpdateRefused:
    refused = UpdateRefused(Message(QT_TRANSLATE_NOOP("core", "{detail} 本机离线数据保持不变。"),
                                    {"detail": refusal.explain(exc)}))
    refused.role = exc.role
    refused.reason_code = exc.reason
    return refused


def _installed_version(store: SnapshotStore) -> int | None:
    try:
        snap = store.current(verify=False)
    except SnapshotRefused:
        return None  # a damaged install: any valid snapshot repairs it
    return snap.version if snap else None


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)
