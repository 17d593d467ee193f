"""A wall-clock deadline for one HTTP exchange: connecting, the TLS handshake, the status line, the
headers and every body byte.

Socket timeouts bound each ``recv``, not the exchange: a gateway that sends one byte a second
keeps every ``recv`` inside any timeout and the exchange alive for hours. So every socket an
exchange opens or reuses is handed to one watchdog thread, which shuts it down when the deadline
passes. The blocked read then returns end-of-file at once, whatever stage it was in, and the
client reports the timeout. ``shutdown`` rather than ``close``: closing a descriptor another
thread is reading lets the number be reused under it; shutting it down only ends the stream.

The watchdog holds its own duplicate of each descriptor: TLS wrapping detaches the plain socket
(before the handshake), and a shutdown on any descriptor of a connection ends the connection."""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Exchange:
    """One request's budget and the sockets it runs on."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def left(self) -> float:
        return self.end - time.monotonic()

    def adopt(self, sock) -> None:
        try:
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except (OSError, ValueError):
            return  # closed already: nothing to wait on
        with self._lock:
            self._sockets.append(dup)
            expired = self.expired
        if expired:
            _abort(dup)

    def release(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _abort(sock)


def _abort(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected: nothing left to wait on


class _Watchdog:
    """One daemon thread for every exchange of the process, woken by the nearest deadline."""

    def __init__(self):
        self._heap: list[tuple[float, int, Exchange]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, exchange: Exchange) -> None:
        with self._cond:
            heapq.heappush(self._heap, (exchange.end, next(self._order), exchange))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="platform-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()

    def forget(self, exchange: Exchange) -> None:
        with self._cond:
            self._heap = [e for e in self._heap if e[2] is not exchange]
            heapq.heapify(self._heap)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                end, _, exchange = self._heap[0]
                wait = end - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            exchange.expire()


_watchdog = _Watchdog()
_current = threading.local()


@contextmanager
def within(seconds: float):
    """Run one exchange on this thread under a wall-clock deadline of ``seconds``."""
    exchange = Exchange(seconds)
    outer = getattr(_current, "exchange", None)
    _current.exchange = exchange
    _watchdog.watch(exchange)
    try:
        yield exchange
    finally:
        _watchdog.forget(exchange)
        _current.exchange = outer
        exchange.release()


def _adopt(sock) -> None:
    exchange = getattr(_current, "exchange", None)
    if exchange is not None and sock is not None:
        exchange.adopt(sock)


class _Watched:
    """Hands each socket to the exchange running on this thread: a new one as soon as it is
    connected (before the TLS handshake, which can trickle too), a reused one when a request
    goes out on it."""

    def _new_conn(self):
        sock = super()._new_conn()
        _adopt(sock)
        return sock

    def request(self, *args, **kwargs):
        _adopt(self.sock)
        return super().request(*args, **kwargs)


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


POOL_CLASSES = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}
