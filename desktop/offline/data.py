"""The installed offline snapshot as the check path sees it: seeded with the demo data when no
deployment config exists, verified before it is trusted, and judged against the deployment's age
limits."""
from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.check.model import fmt_time
from desktop.check.sources import OfflineAnswer, OfflineUnavailable
from desktop.offline import refusal
from desktop.site import paths
from desktop.site.config import Config
from desktop.site.disk import write_failure
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from offline_cache.errors import SnapshotRefused
from offline_cache.reader import RowsUnverified, SnapshotReader
from offline_cache.records import Item
from offline_cache.store import InstalledSnapshot, SnapshotStore

log = logging.getLogger(__name__)


class OfflineData:
    def __init__(self, config: Config, folder: Path | None = None):
        self.config = config
        self.store = SnapshotStore(folder or paths.snapshot_dir(), config.trust_root)
        # sqlite connections belong to the thread that opened them; the GUI checks on workers.
        self._local = threading.local()
        self._seed_lock = threading.Lock()

    @property
    def demo(self) -> bool:
        return self.config.demo

    def seed_demo(self) -> None:
        """First start without a config: install the bundled demo snapshot through the same
        verification as any other snapshot, so demo and production share one path."""
        if not self.config.demo:
            return
        with self._seed_lock:
            try:
                # The register, not the snapshot's metadata: this runs before every demo check.
                if not self.store.installed():
                    self.store.install(paths.demo_snapshot_dir())
            except OSError as exc:
                # The home folder's disk is full or not writable. The store has removed what it
                # staged (the register never moved), so the next check or start tries again; this
                # one is unverified, and says why, like a record that could not be written.
                log.warning("demo snapshot not installed into %s: %r", self.store.folder, exc)
                raise OfflineUnavailable(_not_seeded(self.store.folder, exc)) from None

    def snapshot(self, now: datetime | None = None) -> InstalledSnapshot:
        """The installed snapshot, verified and within its limits, or OfflineUnavailable."""
        now = now or datetime.now(timezone.utc)
        try:
            self.seed_demo()
            snap = self.store.current(verify=True)
        except SnapshotRefused as exc:
            raise OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "离线数据校验失败，不能作为核查依据：{detail}"), {"detail": refusal.explain(exc)})) from None
        if snap is None:
            raise OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "本机没有离线数据。请联网后执行“更新离线数据”，或从U盘导入快照。")))
        if snap.is_expired(now):
            raise OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "离线数据已于 {expires} 过期，不能作为核查依据。请更新离线数据。"),
                {"expires": fmt_time(snap.expires)}))
        max_age = self.config.snapshot.max_age_hours
        if max_age is not None and now - snap.data_as_of > timedelta(hours=max_age):
            raise OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "离线数据截至 {as_of}，已超过 {hours} 小时的最长可用期限，不能作为核查依据。请更新离线数据。"),
                {"as_of": fmt_time(snap.data_as_of), "hours": f"{max_age:g}"}))
        return snap

    def is_stale(self, snap: InstalledSnapshot, now: datetime) -> bool:
        warn = self.config.snapshot.warn_age_hours
        return warn is not None and now - snap.data_as_of > timedelta(hours=warn)

    def reader(self, snap: InstalledSnapshot) -> SnapshotReader:
        """This thread's reader of ``snap``; opening one verifies the catalogue."""
        cached = getattr(self._local, "reader", None)
        if cached is not None and cached[0] == (snap.version, snap.data_path):
            return cached[1]
        if cached is not None:
            cached[1].close()
            self._local.reader = None
        try:
            reader = snap.open()
        except RowsUnverified as exc:
            raise _unverified(snap, exc) from None
        self._local.reader = ((snap.version, snap.data_path), reader)
        return reader

    def answer(self, code: str, item_code: str | None, now: datetime) -> OfflineAnswer:
        snap = self.snapshot(now)
        try:
            lookup = self.reader(snap).lookup(code, item_code)
        except RowsUnverified as exc:
            # Every lookup checks the rows it reads: an edit of the installed data is caught
            # here, at the moment it is read, in a window that has been open for days too.
            raise _unverified(snap, exc) from None
        except sqlite3.DatabaseError as exc:
            # E.g. a sealed person row that does not open, or sealing below this desk's minimum.
            raise OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "离线数据无法读取，不能作为核查依据：{detail}"), {"detail": str(exc)})) from None
        return OfflineAnswer(lookup, snap, self.is_stale(snap, now))

    def item(self, item_code: str) -> Item | None:
        """The approval item from the installed catalogue, or None when no snapshot can tell."""
        try:
            snap = self.snapshot()
            return self.reader(snap).item(item_code)
        except OfflineUnavailable:
            return None

    def items(self, search: str | None = None) -> list[Item]:
        return self.reader(self.snapshot()).items(search)

    def close(self) -> None:
        cached = getattr(self._local, "reader", None)
        if cached is not None:
            cached[1].close()
            self._local.reader = None


_SEED_FULL = QT_TRANSLATE_NOOP(
    "core", "本机没有离线数据：演示数据无法安装到 {folder}，所在磁盘已满。请清理该磁盘空间"
            "（或联系信息技术人员）后重试。")
_SEED_READONLY = QT_TRANSLATE_NOOP(
    "core", "本机没有离线数据：演示数据无法安装到 {folder}，该文件夹只读或没有写入权限。"
            "请联系信息技术人员恢复该文件夹的写入权限后重试。")
_SEED_IO = QT_TRANSLATE_NOOP(
    "core", "本机没有离线数据：演示数据无法安装到 {folder}（{detail}）。请联系信息技术人员检查该磁盘后重试。")
# Less than this left and the demo data (some 1.6 MB) cannot fit: a write that failed with some
# other error there is reported as the full disk it most likely is.
_FULL_BELOW = 4 << 20
_SEED_TEMPLATES = {"full": _SEED_FULL, "readonly": _SEED_READONLY, "io": _SEED_IO}


def _not_seeded(folder: Path, exc: OSError) -> Message:
    return Message(_SEED_TEMPLATES[write_failure(exc, folder, room_needed=_FULL_BELOW)],
                   {"folder": str(folder), "detail": exc.strerror or type(exc).__name__})


def _unverified(snap: InstalledSnapshot, exc: RowsUnverified) -> OfflineUnavailable:
    return OfflineUnavailable(Message(QT_TRANSLATE_NOOP(
        "core", "离线数据校验失败，不能作为核查依据：本机第 {version} 版数据中 {where} 的内容与签署的分组表不符，"
                "数据文件被改动过。请重新导入快照（U盘或“更新离线数据”）。"),
        {"version": snap.version, "where": exc.where}))
