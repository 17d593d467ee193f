"""The log file IT reads when a window misbehaves: ``CREDIT_DESK_HOME/logs/credit-desk.log``.

One line per check, fallback, record, upload and update, so a ticket can say what happened at
the counter without anyone reading the case file. Identity numbers never reach the file: every
line passes through a filter that masks any valid GB 11643 number, whatever module wrote it,
because a masked call site is easy to forget and a log file is copied around freely. Secrets are
not logged by any call site; the filter is not a licence to try."""
from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path

from desktop.site import paths
from desktop.site.masking import mask_identity_numbers
from desktop.site.messages import UserError

LOG_NAME = "credit-desk.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Enough for weeks of a busy window; five files so a crash on Monday is still there on Friday.
MAX_BYTES = 2_000_000
BACKUPS = 5

class MaskingFormatter(logging.Formatter):
    """Masks the finished line, tracebacks included: an exception text may quote its input."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_identity_numbers(super().format(record))


def setup(level: int = logging.INFO) -> Path | None:
    """Send the ``desktop`` and ``offline_cache`` loggers, and any uncaught exception, to the
    rotating file under ``CREDIT_DESK_HOME/logs``.

    A log that cannot be written must not stop a clerk from checking: the reason goes to stderr
    once and the app runs without a file. Returns the log file, or None."""
    path = Path(LOG_NAME)
    try:
        path = paths.log_dir() / LOG_NAME
        # backslashreplace: a lone surrogate in some input must not turn a log line into a
        # "--- Logging error ---" traceback on stderr.
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        print(f"提示：无法写入日志文件 {path}（{exc.strerror or exc}），本次运行不记录日志。",
              file=sys.stderr)
        return None
    except UserError:
        return None  # no usable data folder: the command that needs it says so, once
    handler.setFormatter(MaskingFormatter(FORMAT))
    close()  # called again in one process (tests): replace, never stack handlers
    for name in ("desktop", "offline_cache"):
        logger = logging.getLogger(name)
        handler._credit_desk = True
        logger.addHandler(handler)
        logger.setLevel(level)
    if sys.excepthook is sys.__excepthook__:  # leave a debugger's or pytest-qt's hook in place
        sys.excepthook = _log_uncaught
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = lambda a: _log_uncaught(a.exc_type, a.exc_value, a.exc_traceback)
    return path


def current_file() -> Path | None:
    for handler in logging.getLogger("desktop").handlers:
        if getattr(handler, "_credit_desk", False):
            return Path(handler.baseFilename)
    return None


def unexpected(exc: BaseException) -> str:
    """Log ``exc`` with its traceback (masked, like every line) and return the one line the user
    is told instead: what kind of failure, and where IT finds the rest."""
    logging.getLogger("desktop").critical("未处理的异常", exc_info=(type(exc), exc, exc.__traceback__))
    where = current_file()
    detail = f"详细信息已写入日志 {where}" if where else "未能写入日志"
    return f"意外错误（{type(exc).__name__}）：{detail}。请联系信息技术人员。"


def close() -> None:
    """Release the log file when a command ends: an open handle keeps a USB stick or a test's
    scratch file system from being unmounted."""
    for name in ("desktop", "offline_cache"):
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "_credit_desk", False)]:
            logger.removeHandler(handler)
            handler.close()


def _log_uncaught(kind, value, tb) -> None:
    # The window's slots end here too (Qt calls sys.excepthook): the clerk sees Qt carry on, IT
    # finds the traceback in the file. stderr gets one line: a traceback there is unmasked text
    # a support chat or a console window keeps.
    if issubclass(kind, KeyboardInterrupt) or value is None:
        sys.__excepthook__(kind, value, tb)
        return
    if value.__traceback__ is None:
        value = value.with_traceback(tb)
    print(mask_identity_numbers(unexpected(value)), file=sys.stderr)
