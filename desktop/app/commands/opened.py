"""The case file as the `cases` commands open it: read-only unless a command writes, and a file
too damaged to read said in words (exit 6), never a traceback."""
from __future__ import annotations

from contextlib import contextmanager

from desktop.site import paths
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

EXIT_TAMPERED = 6


@contextmanager
def open_case_file(*, readonly: bool = True):
    """The desk's case file, read-only unless it is to be written: listing, exporting, statistics
    and verification work on a read-only folder or mount. A file too damaged to read is exit 6
    with what is wrong, never a traceback."""
    import sqlite3

    from desktop.casefile.store import CaseFile, RecordNotDurable

    try:
        case_file = CaseFile(paths.case_file(), readonly=readonly)
    except RecordNotDurable as exc:
        if exc.cause in ("damaged", "tampered"):  # nothing in it can be vouched for
            raise UserError(exc.message, exit_code=EXIT_TAMPERED) from exc
        raise
    try:
        yield case_file
    except (sqlite3.DatabaseError, ValueError, TypeError, KeyError) as exc:
        raise UserError(Message(QT_TRANSLATE_NOOP(
            "core", "案卷文件 {file} 已损坏，无法读出（{error}）。请运行 credit-desk cases verify "
                    "查明问题记录，并联系信息技术人员从备份恢复。"),
            {"file": str(case_file.path), "error": exc}), exit_code=EXIT_TAMPERED) from exc
    finally:
        case_file.close()
