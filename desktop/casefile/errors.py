"""Why a record was not written, in words the clerk (and the hall's IT support) can act on."""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError


class RecordRefused(UserError):
    """The rules do not allow this record; nothing was written."""
    exit_code = 2


class RecordNotFound(UserError, LookupError):
    exit_code = 2


class RecordNotDurable(UserError):
    """The record could not be made durable and was not written. The caller still holds the check
    and the decision and may record them again once the folder is writable."""
    exit_code = 7

    def __init__(self, message: Message, *, folder: Path, cause: str):
        super().__init__(message)
        self.folder = folder
        self.cause = cause  # "readonly" | "full" | "busy" | "damaged" | "io"


class CaseFileTampered(RecordNotDurable):
    """The case file does not match its head witness, or `cases verify` found it altered: nothing
    more is appended to it until IT has restored it or accepted it as it is (exit 6)."""
    exit_code = 6

    def __init__(self, message: Message, *, folder: Path):
        super().__init__(message, folder=folder, cause="tampered")


_READONLY = QT_TRANSLATE_NOOP(
    "core", "核查记录未保存：案卷文件夹 {folder} 只读或没有写入权限。核查结果仍保留，"
            "请联系信息技术人员恢复该文件夹的写入权限后重新记录。")
_FULL = QT_TRANSLATE_NOOP(
    "core", "核查记录未保存：案卷文件夹 {folder} 所在磁盘已满。核查结果仍保留，"
            "请清理该磁盘空间（或联系信息技术人员）后重新记录。")
_BUSY = QT_TRANSLATE_NOOP(
    "core", "核查记录未保存：案卷文件 {folder} 正被其他程序占用。核查结果仍保留，请稍候重新记录。")
_IO = QT_TRANSLATE_NOOP(
    "core", "核查记录未保存：无法可靠写入案卷文件夹 {folder}（{detail}）。核查结果仍保留，"
            "请联系信息技术人员检查该磁盘后重新记录。")
# Not an SQLite file, or one whose pages are broken: no record can be added, and `cases verify`
# cannot vouch for what is in it.
_DAMAGED = QT_TRANSLATE_NOOP(
    "core", "案卷文件 {file} 已损坏或不是案卷文件（{detail}），无法读写。请勿删除或覆盖该文件，"
            "联系信息技术人员从备份恢复，并保留它以备核查。")
_TEMPLATES = {"readonly": _READONLY, "full": _FULL, "busy": _BUSY, "damaged": _DAMAGED, "io": _IO}

# SQLite primary result codes (https://sqlite.org/rescode.html): PERM, READONLY, CANTOPEN and
# AUTH mean the folder or file cannot be written; FULL a full disk; BUSY and LOCKED another writer;
# CORRUPT and NOTADB a file that is broken or not a case file at all.
_SQLITE_CAUSES = {3: "readonly", 8: "readonly", 14: "readonly", 23: "readonly", 13: "full",
                  5: "busy", 6: "busy", 11: "damaged", 26: "damaged"}
_OS_CAUSES = {errno.EACCES: "readonly", errno.EPERM: "readonly", errno.EROFS: "readonly",
              errno.ENOSPC: "full", errno.EDQUOT: "full"}


def not_durable(path: Path, exc: BaseException) -> RecordNotDurable:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        cause = _SQLITE_CAUSES.get(code & 0xFF, "io") if code is not None else "io"
    else:
        cause = _OS_CAUSES.get(getattr(exc, "errno", None), "io")
    folder = path.parent
    if cause == "io" and _nearly_full(folder):
        # SQLite reports ENOSPC while creating its WAL or shared-memory file as a plain I/O
        # error; the clerk needs to hear that the disk is full, because that is what to fix.
        cause = "full"
    message = Message(_TEMPLATES[cause], {"folder": str(folder if cause != "busy" else path),
                                          "file": str(path), "detail": str(exc)})
    return RecordNotDurable(message, folder=folder, cause=cause)


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _FULL_BELOW
    except OSError:
        return False


_FULL_BELOW = 1 << 20  # bytes: less than this left and another record may not fit
