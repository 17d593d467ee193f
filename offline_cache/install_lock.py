"""One snapshot install at a time per desk, across processes: the window's import, `cache update`,
a double-click, an IT script. A thread lock only serialises one process; two processes installing
at once each moved the pointer and cleaned up the other's folder, leaving ``state.json`` naming a
folder that was gone.

An advisory lock on a small file beside the store folder (``snapshot.lock``): ``flock`` on POSIX,
``msvcrt.locking`` on Windows. The operating system releases it when the holder dies, however it
dies, so a killed install never blocks the next one. Whoever holds it may remove every staging
folder in the store: no other install can be running, so they are leftovers of a killed one.
The standard library does this in a few lines; no dependency earns its place here."""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from offline_cache.errors import SnapshotRefused

POLL_SECONDS = 0.05

if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(store_folder: Path) -> Path:
    """Beside the store folder rather than in it: a refused first install removes the folder it
    created, and the lock must outlive that."""
    store_folder = Path(store_folder)
    return store_folder.with_name(store_folder.name + ".lock")


@contextmanager
def install_lock(store_folder: Path, *, cancel: Callable[[], bool] | None = None) -> Iterator[None]:
    """Held for the whole install. Waits for another process's install to finish (a cancel asked
    for meanwhile is honoured), then removes leftover staging folders."""
    path = lock_path(store_folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while not _try_lock(fd):
            if cancel is not None and cancel():
                raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。")
            time.sleep(POLL_SECONDS)
        try:
            remove_leftover_staging(Path(store_folder))
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def remove_leftover_staging(store_folder: Path) -> None:
    for child in store_folder.glob(".staging-*"):
        shutil.rmtree(child, ignore_errors=True)
