"""One window per clerk: a second start (a creditdesk:// link clicked in the approval system, or
`credit-desk open-url`) hands its link to the running window, which comes to the front with the
case filled, instead of opening a second window on the same case file.

The channel is a QLocalServer (a Unix socket, a named pipe on Windows) named after the clerk's
data folder, so two clerks on one PC, or two test homes, never reach each other's window.
"""
from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop.check.request import MAX_URL
from desktop.site import paths

CONNECT_MS = 500
ANSWER_MS = 3000


def server_name() -> str:
    home = str(paths.home().resolve())
    return "credit-desk-" + hashlib.sha256(home.encode("utf-8")).hexdigest()[:16]


def hand_over(url: str) -> bool:
    """Give ``url`` to the window already running for this data folder; False when none runs."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(url.encode("utf-8") + b"\n")
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(ANSWER_MS):
            return False
    answer = bytes(socket.readAll().data()) if socket.waitForReadyRead(ANSWER_MS) else b""
    socket.disconnectFromServer()
    return answer.startswith(b"ok")


class InstanceServer(QObject):
    """Listens for links handed over by a second start; emits each as ``link``."""

    link = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A window that crashed leaves its socket file behind; nobody answers on it any more.
        QLocalServer.removeServer(server_name())
        self.listening = self._server.listen(server_name())
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_URL + 1:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_URL + 2).data())
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        self.link.emit(line.decode("utf-8", errors="replace").strip())

    def close(self) -> None:
        self._server.close()
