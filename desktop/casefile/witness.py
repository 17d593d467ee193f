"""The head witness: how many records the case file holds and the hash of the last one, kept in a
small file of its own beside the SQLite file, so that a confirmed record cannot disappear with the
SQLite file's write-ahead log, a restored old copy or a deleted file without `cases verify` and the
next start saying so.

It is written inside each append and made durable (fdatasync) at the same time as SQLite's
commit, on another thread, so that the two flushes overlap instead of following each other; the
clerk is told "recorded" only once both are on disk. The slot is written as *pending* before the
commit and marked confirmed right after it (that mark reaches the disk with the next append's
flush, or the system's own write-back). A crash in between leaves the file one record behind a
pending witness (the commit never happened: nothing was shown as recorded) or one record ahead of
its witness (the witness's flush never happened); both are taken as they are (the record is in
the chain, with its feedback, or it never was). Anything else is reported: fewer records than
witnessed (a confirmed last record gone), a different record where the witness's last one was,
or more than one record beyond it.

Two fixed-size slots, written by parity of the record count, each with its own checksum: a write
torn by a crash leaves the other slot, one record behind, readable; and of two processes appending
to one file, a slow witness write of the earlier record never hides the later one. Rewriting a
block in place is a data-only sync, which keeps the cost of an append close to that of the commit.

The access records (access.py) have two slots of their own after the records' two, written the
same way inside each access record's append: deleting the newest access records, or replacing
them, is then reported like a shorter case file. A witness written before access records were
counted has no such slots; the next writer adds them for the access records the file holds then.

What the witness cannot tell: one record (or access record) appended by someone else after the
last real one, with its feedback forged to match (it looks like the crash above). That record then
goes to the platform with its number and hash like any other. Qt-free."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from desktop.casefile.record import GENESIS_HASH

SLOT = 256
ACCESS = 2 * SLOT  # where the access records' two slots begin
_SUM = 16  # hex digits of SHA-256 kept per slot: a torn or edited slot, not an attacker, is the aim


def witness_path(case_path: Path) -> Path:
    return Path(case_path).with_suffix(".witness")


def alarm_path(case_path: Path) -> Path:
    """Where `cases verify` leaves what it found on this desk's own case file; appends are refused
    while it exists."""
    return Path(case_path).with_suffix(".alarm")


@dataclass(frozen=True)
class Head:
    count: int
    head: str
    prev: str          # hash of record ``count - 1`` (the genesis hash for the first)
    at: str = ""       # when the record ``count`` was being written, UTC
    pending: bool = False  # written before the record's commit, not yet confirmed after it

    def encode(self) -> bytes:
        fields = asdict(self)
        if not self.pending:
            del fields["pending"]  # a confirmed slot reads as it did before pending slots
        data = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        total = f'{{"h":{data},"sum":"{_digest(data)}"}}'.encode()
        if len(total) > SLOT:
            raise ValueError("witness slot overflow")
        return total.ljust(SLOT, b" ")


EMPTY = Head(0, GENESIS_HASH, GENESIS_HASH)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:_SUM]


def _decode(raw: bytes) -> Head | None:
    try:
        outer = json.loads(raw.decode().strip())
        data = json.dumps(outer["h"], sort_keys=True, separators=(",", ":"))
        if outer["sum"] != _digest(data):
            return None
        head = Head(**outer["h"])
        if not isinstance(head.count, int) or head.count < 0:
            return None
        return head
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class WitnessUnreadable(Exception):
    pass


def read(path: Path) -> Head | None:
    """The records' newest readable slot; None when there is no witness file. Raises
    WitnessUnreadable when the file exists and neither slot is readable."""
    return _newest(path, 0)


def read_access(path: Path) -> Head | None:
    """The access records' newest readable slot; None when the witness has no access slots yet
    (no file, or one written before access records were counted)."""
    return _newest(path, ACCESS)


def _newest(path: Path, base: int) -> Head | None:
    raw = _read_slots(Path(path))
    if raw is None:
        return None
    raw = raw[base:base + 2 * SLOT]
    if not raw.strip(b"\0"):  # created, and the first write never happened
        return None
    heads = [h for h in (_decode(raw[:SLOT]), _decode(raw[SLOT:2 * SLOT])) if h is not None]
    if not heads:
        raise WitnessUnreadable(str(path))
    return max(heads, key=lambda h: h.count)


def _read_slots(path: Path) -> bytes | None:
    """The witness's four slots, from a regular file only: a witness replaced by a symlink (to
    /dev/zero, to another desk's witness), a FIFO or a folder is reported as unreadable, never
    followed, waited on or read without end."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a symlink (ELOOP), no permission, a folder on some systems
        raise WitnessUnreadable(str(path)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise WitnessUnreadable(str(path))
        return os.pread(fd, 4 * SLOT, 0) if hasattr(os, "pread") else os.read(fd, 4 * SLOT)
    except OSError as exc:
        raise WitnessUnreadable(str(path)) from exc
    finally:
        os.close(fd)


class Writer:
    """Keeps the witness file open for the appends of one CaseFile."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                           | getattr(os, "O_BINARY", 0), 0o644)
        self._pool: ThreadPoolExecutor | None = None

    def write(self, head: Head, *, base: int = 0) -> None:
        self._put(head, base)
        _flush(self._fd)

    def begin(self, head: Head) -> Future:
        """The slot of ``head`` written as pending and flushed on the writer's own thread: call
        before SQLite's commit, wait for the result after it, then ``confirm``."""
        self._put(replace(head, pending=True), 0)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="casefile-witness")
        return self._pool.submit(_flush, self._fd)

    def confirm(self, head: Head) -> None:
        """The record is committed: its slot loses the pending mark (flushed with the next one)."""
        self._put(replace(head, pending=False), 0)

    def _put(self, head: Head, base: int) -> None:
        data, offset = head.encode(), base + (head.count % 2) * SLOT
        if hasattr(os, "pwrite"):
            os.pwrite(self._fd, data, offset)
        else:  # Windows
            os.lseek(self._fd, offset, os.SEEK_SET)
            os.write(self._fd, data)

    def write_access(self, head: Head) -> None:
        self.write(head, base=ACCESS)

    def reset(self, head: Head, access: Head | None = None) -> None:
        """Both records' slots to ``head`` and, when given, both access slots to ``access``
        (else they stay as they are): a new witness, or one IT accepted."""
        self._reset(0, head)
        if access is not None:
            self._reset(ACCESS, access)
        os.fsync(self._fd)
        _sync_folder(self.path.parent)

    def reset_access(self, access: Head) -> None:
        """Both access slots to ``access``: the first count of a file's access records."""
        self._reset(ACCESS, access)
        os.fsync(self._fd)

    def _reset(self, base: int, head: Head) -> None:
        data = head.encode()
        os.lseek(self._fd, base, os.SEEK_SET)
        os.write(self._fd, data + data)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _flush(fd: int) -> None:
    (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fd)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
