"""The head witness: how many records the case file holds and the hash of the last one, kept in a
small file of its own beside the SQLite file, so that a confirmed record cannot disappear with the
SQLite file's write-ahead log, a restored old copy or a deleted file without `cases verify` and the
next start saying so.

It is written after each append's commit, and made durable (fdatasync) on a thread of its own
while the clerk goes on; that flush is awaited before the next commit, so the witness
on disk is never more than one record behind the file (a flush inside the append would cost as
much as SQLite's own commit: the two do not overlap on a disk that flushes one request at a
time). The clerk is told "recorded" once the commit is durable and the slot written: a crash of
the application or a SIGKILL after that leaves the slot in the system's cache, which writes it
out; only a power cut (or a crash of the system) within that one flush (0.13 ms median
measured alone here), or in the moment before its thread starts it (as soon as the appending
thread lets go of the GIL), can leave the witness one record behind a file whose newest record
the clerk saw recorded. A process that ends (a command, the window closed) waits for that flush
first, and closing the case file does too. An append that finds the file or the witness changed
by another writer since its own last one flushes the witness itself before its commit. A crash
between the commit and the witness write leaves the file one record ahead of its witness; both
are taken as they are (the record is in the chain, with its feedback). A witness written by an
earlier version may also hold a *pending* slot, written before a commit that never came: one
record behind it is taken as it is too. A flush that fails is done again before the next commit,
or at close (the slot written again: after an EIO the page is marked clean whether or not it
reached the disk), and while it fails that commit does not happen (at close, the log says so).
Anything else is reported: fewer records than witnessed (a witnessed last record gone), a
different record where the witness's last one was, or more than one record beyond it.

Two fixed-size slots, written by parity of the record count, each with its own checksum: a write
torn by a crash leaves the other slot, one record behind, readable; and of two processes appending
to one file, a slow witness write of the earlier record never hides the later one. Rewriting a
block in place is a data-only sync, which keeps the cost of an append close to that of the commit.

The access records (access.py) have two slots of their own after the records' two, written after
each access record's commit and flushed behind it like a record's (one flush thread for all four
slots, awaited before the next commit of either kind): deleting the newest access records, or
replacing them, is then reported like a shorter case file. Flushed inside the append instead,
the slot's fdatasync stood between the lookup and the result on the screen (a unit's people are
shown only once their access records are committed): about a quarter of a millisecond at the
median and one at the 95th percentile (2 December). One lookup of a unit appends an access
record per person shown, and the witness takes one more as a writer stopped before its witness,
not two: a power cut within that lookup's witness flush (or a crash between its commit and the
slot's write) is then reported as access records not written by this program, a false alarm
that stops recording until IT checks and accepts the file (`cases verify --accept`); nothing is
hidden by it. A witness written before access records were counted has no such slots; the next
writer adds them for the access records the file holds then.

What the witness cannot tell: one record (or access record) appended by someone else after the
last real one, with its feedback forged to match (it looks like the crash above); nor, after a
power cut that came within (or just before) the newest record's witness flush, that newest
record deleted with its feedback (the witness on disk then still names the one before it), nor
likewise the newest lookup's access records. That record then goes to the platform with its
number and hash like any other, if it was uploaded. Qt-free."""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import stat
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from desktop.casefile.record import GENESIS_HASH

log = logging.getLogger(__name__)

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
        fields = {"at": self.at, "count": self.count, "head": self.head, "prev": self.prev}
        if self.pending:  # a confirmed slot reads as it did before pending slots
            fields["pending"] = True
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
        self._flusher: _Flusher | None = None
        self._last: tuple[Head, int] | None = None  # the last ``append``'s slot, and its base
        self._unflushed = False  # its flush failed: write it again and flush before going on
        _open.add(self)

    def append(self, head: Head, *, base: int = 0) -> tuple | None:
        """After the commit of record ``head.count`` (at ``base`` ACCESS: of access record
        ``head.count``): its slot written, and flushed on the writer's own thread. Returns the
        witness's ``state`` after the write."""
        self._put(head, base)
        self._last = (head, base)
        if self._flusher is None:
            self._flusher = _Flusher(self._fd)
        self._flusher.start()
        return self.state()

    def state(self) -> tuple | None:
        """The file's identity and its four slots (the records' and the access records') as they
        are now: when ``changed_since`` says nobody replaced, deleted or rewrote them, the next
        append need not read and decode the witness again (None where there is no pread: always
        read it)."""
        if not hasattr(os, "pread"):
            return None
        st = os.fstat(self._fd)
        return st.st_dev, st.st_ino, os.pread(self._fd, 4 * SLOT, 0)

    def changed_since(self, state: tuple | None) -> bool:
        if state is None:
            return True
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return True
        return (st.st_dev, st.st_ino) != state[:2] or os.pread(self._fd, 4 * SLOT, 0) != state[2]

    def at_path(self) -> bool:
        """Whether the file this writer holds open is still the one at its path (not renamed
        over, deleted or replaced)."""
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        own = os.fstat(self._fd)
        return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)

    def settle(self, *, others: bool = False) -> None:
        """Before the next commit: the last ``append``'s flush is done; with ``others`` (another
        writer may have written the file since), the file is flushed here as well. A flush that
        failed is done again here (raising the OSError while it fails): after an EIO, Linux marks
        the written page clean whether or not it reached the disk, so the slot is written again
        first, unless another writer has put a newer one in its place."""
        if self._flusher is not None:
            try:
                self._flusher.wait()
            except OSError as exc:
                # Redone below, most often with success: the log still tells IT of a failing disk.
                log.warning("case file witness %s: the flush behind the last append failed (%s); "
                            "writing and flushing it again", self.path, exc)
                self._unflushed = True
        if self._unflushed:
            head, base = self._last
            data, offset = head.encode(), base + (head.count % 2) * SLOT
            if not hasattr(os, "pread") or os.pread(self._fd, SLOT, offset) == data:
                self._put(head, base)
            _flush(self._fd)
            self._unflushed = False
        elif others:
            _flush(self._fd)

    def _put(self, head: Head, base: int) -> None:
        data, offset = head.encode(), base + (head.count % 2) * SLOT
        if hasattr(os, "pwrite"):
            os.pwrite(self._fd, data, offset)
        else:  # Windows
            os.lseek(self._fd, offset, os.SEEK_SET)
            os.write(self._fd, data)

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
        """The flush behind the last append done (again, if it failed) before the file is let go:
        a flush that still fails is logged, as nobody appends after it to be refused."""
        _open.discard(self)
        if self._fd >= 0:
            self.settle_or_log()
        if self._flusher is not None:
            self._flusher.stop()
            self._flusher = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def settle_or_log(self) -> None:
        try:
            self.settle()
        except OSError as exc:
            log.error("case file witness %s not flushed after the last append: %s", self.path, exc)


# Writers not closed yet. A process that ends right after an append (a command-line lookup, a
# window closed after its last check) would otherwise end with the flush behind it not done: the
# flush thread is a daemon, stopped with the interpreter, and the slot left to the system's
# writeback, seconds later.
_open: weakref.WeakSet[Writer] = weakref.WeakSet()
# How long a process that ends waits for a flush that does not return (a dead network share):
# then it ends all the same, and says so.
EXIT_WAIT_SECONDS = 10.0


@atexit.register
def _settle_at_exit() -> None:
    for writer in list(_open):
        flusher = writer._flusher
        if flusher is not None and not flusher.done_within(EXIT_WAIT_SECONDS):
            log.error("case file witness %s: its flush behind the last append did not end within "
                      "%g s; the program ends without waiting for it", writer.path,
                      EXIT_WAIT_SECONDS)
            continue
        writer.settle_or_log()


class _Flusher:
    """One fdatasync at a time on a thread of its own: a bare lock hand-off, which costs a few
    microseconds where a thread pool's Future cost tens."""

    def __init__(self, fd: int):
        self._fd = fd
        self._asked = threading.Lock()
        self._asked.acquire()
        self._idle = threading.Lock()  # held from a request until its flush is done
        self._error: OSError | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="casefile-witness", daemon=True)
        self._thread.start()

    def start(self) -> None:
        self._idle.acquire()  # the previous flush, if still running, ends first
        # Not waiting for the thread to be inside the flush: on an idle machine, waiting for it
        # to wake added about a third of a millisecond to every append (bench_casefile, at the
        # counter). It starts as soon as this thread lets go of the GIL (the append's caller goes
        # back to the clerk); appends back to back, which nothing in the product does, wait for
        # it at the next commit instead.
        self._asked.release()

    def done_within(self, seconds: float) -> bool:
        """Whether the flush asked for is done, or is done within ``seconds``."""
        if not self._idle.acquire(timeout=seconds):
            return False
        self._idle.release()
        return True

    def wait(self) -> None:
        """Until the flush asked for is done; raises the OSError it met."""
        with self._idle:
            error, self._error = self._error, None
        if error is not None:
            raise error

    def stop(self) -> None:
        self._idle.acquire()
        self._stopping = True
        self._asked.release()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._asked.acquire()
            if self._stopping:
                return
            try:
                _flush(self._fd)
            except BaseException as exc:  # the thread must live on: close() waits for it
                self._error = exc if isinstance(exc, OSError) else OSError(repr(exc))
            finally:
                self._idle.release()


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
