"""The desk's local API: the hall's approval system on the same PC posts a check and later reads
the record the clerk made of it (DESIGN.md "Inside the approval flow", README "Local API").

    POST /v1/checks          {"case_no", "item", "code", "purpose"}  → 202 {"ticket", "state"}
    GET  /v1/checks/{ticket}                                          → 200 ticket (state, record)

Off unless the deployment config has ``[integration]``. Loopback only; every request needs the
desk's bearer token (keyring user "integration"); a browser request is served only from an
allow-listed Origin, so a web page elsewhere cannot drive lookups through the clerk's browser;
the Host header must name this loopback port (DNS rebinding). Requests are served on the
server's own threads, never the GUI thread; nothing is recorded here.
"""
from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from desktop.check.request import MAX_BODY, CheckRequest, RequestRefused, parse_body
from desktop.desk.tickets import Ticket, TicketBoard, TicketRefused
from desktop.site.messages import UserError

log = logging.getLogger(__name__)

# Connections served at once; more are answered 503 at once rather than queued on threads.
MAX_CONCURRENT = 8
# Connections holding a thread at once (idle ones included); more are closed at once.
MAX_CONNECTIONS = 32
# Seconds a client may take between bytes; bodies are a few hundred bytes.
SOCKET_TIMEOUT = 5.0


class LocalApi:
    def __init__(self, port: int, token: str, allowed_origins: tuple[str, ...], board: TicketBoard,
                 validate: Callable[[CheckRequest], None], on_ticket: Callable[[Ticket], None],
                 host: str = "127.0.0.1"):
        self.board = board
        self._token = token.encode("utf-8")
        self._origins = frozenset(o.rstrip("/") for o in allowed_origins)
        self._validate = validate
        self._on_ticket = on_ticket
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        self._server = _BoundedServer((host, port), _handler_for(self))
        self.port = self._server.server_address[1]
        self._hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}", f"[::1]:{self.port}"}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-api", daemon=True)
        self._thread.start()
        log.info("local API listening on 127.0.0.1:%d", self.port)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what a request must carry ---------------------------------------------------------------

    def refusal(self, headers) -> tuple[int, str] | None:
        if headers.get("Host", "") not in self._hosts:
            return 421, "Host 头必须是本机回环地址和本端口。"
        origin = headers.get("Origin")
        if origin is not None and origin.rstrip("/") not in self._origins:
            return 403, "该网页来源（Origin）不在本窗口允许的审批系统名单中。"
        supplied = headers.get("Authorization", "")
        scheme, _, token = supplied.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("utf-8"), self._token):
            return 401, "缺少或错误的访问令牌（Authorization: Bearer …）。"
        return None

    def cors(self, headers) -> dict[str, str]:
        origin = headers.get("Origin")
        if origin is None or origin.rstrip("/") not in self._origins:
            return {}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}

    def submit(self, body: bytes) -> Ticket:
        request = parse_body(body)
        self._validate(request)
        ticket = self.board.submit(request)
        log.info("local API ticket for case %s item %s", request.case_no, request.item)
        self._on_ticket(ticket)
        return ticket


class _BoundedServer(ThreadingHTTPServer):
    """At most MAX_CONNECTIONS connections get a thread; a flood beyond that is closed at once."""
    daemon_threads = True

    def __init__(self, *args, **kwargs):
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()


def _handler_for(api: LocalApi):
    class Handler(BaseHTTPRequestHandler):
        timeout = SOCKET_TIMEOUT
        server_version = "CreditDesk"
        sys_version = ""

        def handle_one_request(self):
            if not api._slots.acquire(blocking=False):
                self.raw_requestline = self.rfile.readline(65537)
                if self.raw_requestline and self.parse_request():
                    self._send(503, {"error": {"code": "busy", "message": "本窗口请求过多，请稍后再试。"}})
                self.close_connection = True
                return
            try:
                super().handle_one_request()
            finally:
                api._slots.release()

        def do_OPTIONS(self):  # a browser's preflight from an allowed approval page
            cors = api.cors(self.headers)
            if not cors or self.headers.get("Host", "") not in api._hosts:
                return self._error(403, "该网页来源（Origin）不在本窗口允许的审批系统名单中。")
            self.send_response(204)
            for key, value in {**cors, "Access-Control-Allow-Methods": "GET, POST",
                               "Access-Control-Allow-Headers": "Authorization, Content-Type",
                               "Access-Control-Max-Age": "600"}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            if self.path != "/v1/checks":
                return self._error(404, "没有这个接口：请用 POST /v1/checks。")
            refused = api.refusal(self.headers)
            if refused:
                return self._error(*refused)
            if not (self.headers.get("Content-Type", "").split(";")[0].strip() == "application/json"):
                return self._error(415, "请求体必须是 JSON（Content-Type: application/json）。")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._error(411, "请求必须带 Content-Length。")
            if not 0 <= length <= MAX_BODY:
                return self._error(413, f"请求体超过 {MAX_BODY} 字节。")
            body = self.rfile.read(length)
            try:
                ticket = api.submit(body)
            except TicketRefused as exc:
                return self._error(exc.status, exc.message)
            except (RequestRefused, UserError) as exc:
                return self._error(400, exc.message)
            self._send(202, ticket.answer())

        def do_GET(self):
            prefix = "/v1/checks/"
            if not self.path.startswith(prefix):
                return self._error(404, "没有这个接口：请用 GET /v1/checks/{ticket}。")
            refused = api.refusal(self.headers)
            if refused:
                return self._error(*refused)
            ticket = api.board.get(self.path[len(prefix):])
            if ticket is None:
                return self._error(404, "没有这张核查单（编号错误，或已过期）。")
            self._send(200, ticket.answer())

        def _error(self, status: int, message: str) -> None:
            code = HTTPStatus(status).phrase.lower().replace(" ", "_")
            log.info("local API refused %s %s: %d %s", self.command, self.path[:60], status, message)
            self._send(status, {"error": {"code": code, "message": str(message)}})

        def _send(self, status: int, payload: dict) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            for key, value in api.cors(self.headers).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
            pass  # one masked line per refusal above; the request line may carry nothing worse

    return Handler
