"""Offline snapshot updates (`credit-desk cache update`, and the window's "更新离线数据"): from the
platform — a delta from the installed version when it offers one, else the full snapshot — or from
a folder (USB stick, hall file share) named by ``[snapshot] update_source``.

Everything downloaded is verified by the same store install as a USB import (signatures by the
trusted root, rollback, expiry, size and hash, then an atomic swap), so a failed or refused update
leaves the installed snapshot in use. Downloads go to ``<home>/downloads/<version-and-hash>/``:
an interrupted one is continued with a Range request next time; one that turns out wrong is
deleted, so the next try starts clean rather than resuming garbage.

``update(ctx, progress=..., cancel=...)`` is what the window calls off the GUI thread."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop.check.sources import DownloadCancelled, PlatformUnavailable
from desktop.site import paths
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError
from offline_cache.errors import SnapshotRefused
from offline_cache.manifest import Manifest, load_manifest
from offline_cache.store import InstalledSnapshot, SnapshotStore

EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE = 0, 4, 5
# Deltas the store may reject for reasons a full snapshot fixes (the desk's data differs).
_FULL_FIXES = ("wrong-base", "digest-mismatch", "malformed")

Progress = Callable[[str, int, int], None]   # (stage "download" | "verify", done, total)


class SnapshotSource(Protocol):
    """Where updates come from online (`desktop.platform.client.PlatformClient`): signed metadata
    and data files, each download within its deadline and cancellable."""

    def fetch_metadata(self, path: str) -> bytes: ...

    def download(self, url: str, dest: Path, *, size: int, progress=None, cancel=None) -> int: ...


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
        raise _refused(exc) from None
    return UpdateResult(updated=before != snap.version, snapshot=snap, kind=snap.kind if before != snap.version else None)


def update_from_platform(store: SnapshotStore, client: SnapshotSource, folder: Path, *,
                         progress: Progress | None = None,
                         cancel: Callable[[], bool] | None = None) -> UpdateResult:
    installed = _installed_version(store)
    root = store.root()
    raw = _metadata(client, "/snapshots/latest")
    if raw is None:
        raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP("core", "平台目前没有发布快照，请稍后再试。")))
    latest = _verified(raw, folder / "latest.json", root)
    if installed is not None and latest.version < installed:
        raise UpdateRefused(Message(QT_TRANSLATE_NOOP(
            "core", "平台提供的快照是第 {offered} 版，比本机已安装的第 {installed} 版旧，拒绝回退到旧数据。"),
            {"offered": latest.version, "installed": installed}))
    if installed is not None and latest.version == installed:
        try:
            return UpdateResult(updated=False, snapshot=store.current(verify=True))
        except SnapshotRefused:
            pass  # the installed copy is damaged: fetch the full snapshot again to repair it
    fell_back = False
    if installed is not None:
        raw_delta = _metadata(client, f"/snapshots/delta?from={installed}")
        if raw_delta is not None:
            try:
                return _fetch_and_install(store, client, raw_delta, folder, root, progress, cancel)
            except UpdateRefused as exc:
                if exc.reason_code not in _FULL_FIXES:
                    raise
                fell_back = True
    result = _fetch_and_install(store, client, raw, folder, root, progress, cancel)
    return UpdateResult(True, result.snapshot, result.kind, result.downloaded, fell_back)


def _fetch_and_install(store: SnapshotStore, client: SnapshotSource, raw: bytes, folder: Path, root,
                       progress: Progress | None, cancel) -> UpdateResult:
    probe = _verified(raw, folder / "offered.json", root)
    # One folder per (version, data hash): a partial download is only ever resumed into the file
    # it was started for.
    work = folder / f"{probe.kind}-{probe.version}-{probe.data_sha256[:16]}"
    work.mkdir(parents=True, exist_ok=True)
    manifest_path = work / "manifest.json"
    manifest_path.write_bytes(raw)
    m = _verified(raw, manifest_path, root)
    url = f"/snapshots/{m.version}" + (f"?from={m.base_version}" if m.kind == "delta" else "")
    part = work / (m.data_name + ".part")
    try:
        downloaded = client.download(url, part, size=m.data_size, progress=_stage(progress, "download"),
                                     cancel=cancel)
    except DownloadCancelled:
        raise UpdateCancelled(Message(QT_TRANSLATE_NOOP(
            "core", "已取消更新；已下载的部分会在下次更新时接着下载。本机离线数据保持不变。"))) from None
    except PlatformUnavailable as exc:
        raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP(
            "core", "下载快照时平台中断：{reason}。本机离线数据保持不变，再次更新会接着下载。"),
            {"reason": exc.reason})) from None
    os.replace(part, m.data_path)
    try:
        snap = store.install(manifest_path, progress=_stage(progress, "verify"), cancel=cancel)
    except SnapshotRefused as exc:
        if exc.reason == "cancelled":
            raise UpdateCancelled(Message(exc.message)) from None
        shutil.rmtree(work, ignore_errors=True)  # never resume from bytes that failed verification
        raise _refused(exc) from None
    shutil.rmtree(folder, ignore_errors=True)
    return UpdateResult(True, snap, m.kind, downloaded)


def _metadata(client: SnapshotSource, path: str) -> bytes | None:
    try:
        return client.fetch_metadata(path)
    except PlatformUnavailable as exc:
        raise UpdateUnreachable(Message(QT_TRANSLATE_NOOP("core", "无法从平台更新：{reason}。本机离线数据保持不变。"),
                                        {"reason": exc.reason})) from None


def _verified(raw: bytes, path: Path, root) -> Manifest:
    try:
        return load_manifest(path, root, raw)
    except SnapshotRefused as exc:
        raise _refused(exc) from None


def _refused(exc: SnapshotRefused) -> UpdateRefused:
    refused = UpdateRefused(Message(QT_TRANSLATE_NOOP("core", "{detail} 本机离线数据保持不变。"),
                                    {"detail": exc.message}))
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
