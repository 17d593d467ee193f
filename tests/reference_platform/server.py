"""Serving the reference platform on loopback with a real threaded WSGI server (werkzeug), and
the one fault a WSGI app cannot play: refusing connections."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import PlatformState, create_app
from .publisher import Publisher


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass  # tests read the platform's own request log instead


class ReferencePlatform:
    def __init__(self, folder: Path, *, credentials: dict[str, str], host: str = "127.0.0.1",
                 port: int = 0, ssl_context=None, publisher: Publisher | None = None, quiet: bool = True):
        self.state = PlatformState(publisher or Publisher(Path(folder) / "publisher"), dict(credentials))
        self.app = create_app(self.state)
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.quiet = quiet
        self._server = None
        self._thread = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "ReferencePlatform":
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   ssl_context=self.ssl_context,
                                   request_handler=_QuietHandler if self.quiet else None)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="reference-platform",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.release.set()  # let hanging handlers go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "ReferencePlatform":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    # -- faults ------------------------------------------------------------------------------

    def fault(self, mode: str | None, **options) -> None:
        """Switch a fault on (see app.FAULTS) or off (None). "refuse" closes the listening
        socket, so connections are refused; switching it off listens again on the same port."""
        if mode == "refuse":
            self.state.set_fault("refuse")
            if self._server is not None:
                self._server.shutdown()
                self._server.server_close()
                self._server = None
            return
        self.state.set_fault(mode, **options)
        if self._server is None:
            for _ in range(50):  # the old socket may linger a moment
                try:
                    self.start()
                    break
                except OSError:
                    time.sleep(0.05)

    # -- what happened -----------------------------------------------------------------------

    @property
    def publisher(self) -> Publisher:
        return self.state.publisher

    @property
    def feedback(self) -> dict[str, dict]:
        return self.state.feedback

    @property
    def feedback_posts(self) -> dict[str, int]:
        return self.state.feedback_posts

    @property
    def log(self):
        return self.state.log
