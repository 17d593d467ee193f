"""Open only regular files from a folder someone else fills (a USB stick, a hall share).

A FIFO named ``snapshot.json`` blocks a plain ``open`` until a writer appears, which is never: the
import hung and the window's cancel with it. A device file or a socket is no better. So the file
is opened without blocking, its type checked on the open handle (no window between a check and
the open), and only then read normally."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from offline_cache.errors import SnapshotRefused


def open_regular(path: Path, what: str, *, buffering: int = -1):
    """A binary read handle on ``path``, refused (SnapshotRefused "malformed") when it is not a
    regular file. FileNotFoundError and IsADirectoryError pass through for the caller to word."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(mode):
            raise SnapshotRefused("malformed", f"{what}应为普通文件，却是特殊文件（管道、设备或套接字）："
                                               f"{path}。请向省平台重新索取后复制到U盘。")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        os.close(fd)
        raise
