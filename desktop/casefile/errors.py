"""Why a record was not written, in words the clerk (and the hall's IT support) can act on."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.site.disk import write_failure
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


def not_durable(path: Path, exc: BaseException) -> RecordNotDurable:
    folder = path.parent
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    if code is not None and (code & 0xFF) in _SQLITE_CAUSES:
        cause = _SQLITE_CAUSES[code & 0xFF]
    else:
        # SQLite reports ENOSPC while creating its WAL or shared-memory file as a plain I/O
        # error; the clerk needs to hear that the disk is full, because that is what to fix.
        cause = write_failure(exc, folder, room_needed=_FULL_BELOW)
    message = Message(_TEMPLATES[cause], {"folder": str(folder if cause != "busy" else path),
                                          "file": str(path), "detail": str(exc)})
    return RecordNotDurable(message, folder=folder, cause=cause)


_FULL_BELOW = 1 << 20  # bytes: less than this left and another record may not fit
