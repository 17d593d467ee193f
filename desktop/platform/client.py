"""The provincial platform over Platform API v1 (DESIGN.md): signed requests on one connection-
reusing session, an overall deadline per check, retries only where they are safe, and strict
validation of every answer. Anything the client cannot vouch for becomes ``PlatformUnavailable``
with a reason the clerk can read on the fallback banner; the check path then uses the snapshot.

Qt-free: the window calls it from worker threads, the command line and the tests directly."""
from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Timeout

from desktop.check.model import (
    NATURES,
    SEVERITIES,
    STATES,
    SUBJECT_KINDS,
    Hit,
    Measure,
    Subject,
    mask_code,
)
from desktop.check.sources import DownloadCancelled, PlatformAnswer, PlatformUnavailable
from desktop.platform import secrets
from desktop.platform.signing import signed_headers
from desktop.site.config import PlatformConfig, is_loopback
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

log = logging.getLogger(__name__)

API = "/api/v1"
# A subject answer is a few kilobytes; anything far larger is not an answer.
MAX_ANSWER_BYTES = 4 << 20
# One quick retry of a refused connection or a 5xx: a platform restarting or a load balancer
# dropping one backend. More would only eat the clerk's deadline.
RETRIES = 1
RETRY_PAUSE = 0.05
# Below this much time left, a new attempt cannot finish: fall back now.
MIN_ATTEMPT = 0.05


def _reason(template: str, **params) -> PlatformUnavailable:
    return PlatformUnavailable(Message(template, params))


class _Retryable(Exception):
    def __init__(self, failure: PlatformUnavailable, wait: float = RETRY_PAUSE):
        self.failure = failure
        self.wait = wait


@dataclass(frozen=True)
class FeedbackAck:
    status: int          # 201 new, 200 the platform already had it


class FeedbackDeferred(Exception):
    """The feedback was not accepted now; ``retry_after`` when the platform said when to return,
    ``status`` the HTTP status when there was one."""

    def __init__(self, reason: Message, *, status: int | None = None, retry_after: float | None = None):
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        super().__init__(str(reason))


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class PlatformClient:
    def __init__(self, base_url: str, app_key: str, *, operator: str, ca_bundle: Path | None = None,
                 secret: Callable[[], str | None] | None = None, deadline_text: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self.operator = operator
        self._secret_source = secret or (lambda: secrets.get_secret(app_key))
        self._secret: str | None = None
        self.session = requests.Session()
        # Retries are ours (deadline-aware); urllib3's own would ignore the deadline.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=8, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.verify = str(ca_bundle) if ca_bundle else True
        host = urlsplit(self.base_url).hostname or ""
        if is_loopback(host):
            # A hall's proxy settings must not send a training-room request off the machine.
            self.session.trust_env = False
        self.session.headers.update({"Accept": "application/json", "User-Agent": "credit-desk"})

    @classmethod
    def from_config(cls, cfg: PlatformConfig, *, operator: str) -> "PlatformClient":
        return cls(cfg.base_url, cfg.app_key, operator=operator, ca_bundle=cfg.ca_bundle)

    def close(self) -> None:
        self.session.close()

    # -- transport ---------------------------------------------------------------------------

    def _app_secret(self) -> str:
        if self._secret is None:
            try:
                value = self._secret_source()
            except secrets.SecretStoreUnavailable as exc:
                raise PlatformUnavailable(exc.message) from None
            if not value:
                raise _reason(QT_TRANSLATE_NOOP(
                    "core", "本机未设置平台密钥：请信息技术人员执行 credit-desk secrets set {app_key}"),
                    app_key=self.app_key)
            self._secret = value
        return self._secret

    def _send(self, method: str, path_with_query: str, *, body: bytes = b"", timeout,
              stream: bool = False, headers: dict | None = None) -> requests.Response:
        request = requests.Request(method, self.base_url + path_with_query, data=body or None,
                                   headers=headers or {})
        prepared = self.session.prepare_request(request)
        # Sign what goes on the wire: the prepared path, not the one we meant to send.
        prepared.headers.update(signed_headers(self.app_key, self._app_secret(), method,
                                               prepared.path_url, body))
        prepared.headers["X-Operator"] = self.operator
        if body:
            prepared.headers["Content-Type"] = "application/json"
        # verify given explicitly: passing None would let REQUESTS_CA_BUNDLE in the environment
        # replace the configured platform.ca_bundle.
        settings = self.session.merge_environment_settings(prepared.url, {}, stream, self.session.verify, None)
        return self.session.send(prepared, timeout=timeout, allow_redirects=False, **settings)

    def _transport_failure(self, exc: requests.RequestException, timeout_text: str) -> Exception:
        if isinstance(exc, requests.exceptions.SSLError):
            return _reason(QT_TRANSLATE_NOOP(
                "core", "平台证书校验失败（请信息技术人员检查配置项 platform.ca_bundle）"))
        if isinstance(exc, (requests.exceptions.Timeout,)) or _is_read_timeout(exc):
            return _reason(QT_TRANSLATE_NOOP("core", "平台超时 {seconds} 秒"), seconds=timeout_text)
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return _reason(QT_TRANSLATE_NOOP("core", "平台应答不完整（传输中断）"))
        if isinstance(exc, requests.exceptions.ConnectionError):
            if _refused(exc):
                return _Retryable(_reason(QT_TRANSLATE_NOOP("core", "无法连接平台（连接被拒绝）")))
            return _Retryable(_reason(QT_TRANSLATE_NOOP("core", "无法连接平台（网络不通）")))
        return _reason(QT_TRANSLATE_NOOP("core", "平台请求失败（{kind}）"), kind=type(exc).__name__)

    # -- the check ---------------------------------------------------------------------------

    def query(self, code: str, item_code: str | None, *, deadline: float) -> PlatformAnswer:
        end = time.monotonic() + deadline
        timeout_text = f"{deadline:g}"
        path = f"{API}/subjects/{quote(code, safe='')}"
        if item_code:
            path += f"?item={quote(item_code, safe='')}"
        attempt = 0
        while True:
            left = end - time.monotonic()
            if left < MIN_ATTEMPT:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台超时 {seconds} 秒"), seconds=timeout_text)
            started = time.monotonic()
            try:
                body = self._attempt(path, end, timeout_text)
            except _Retryable as exc:
                attempt += 1
                if attempt > RETRIES or end - time.monotonic() < exc.wait + MIN_ATTEMPT:
                    raise exc.failure from None
                time.sleep(exc.wait)
                continue
            log.info("GET subject %s item %s: %.0f ms", mask_code(code, _kind(code)), item_code,
                     1000 * (time.monotonic() - started))
            return parse_answer(body, code)

    def _attempt(self, path: str, end: float, timeout_text: str) -> bytes:
        left = end - time.monotonic()
        try:
            # total: connecting and waiting for the headers share what is left, rather than each
            # getting all of it; _read_within bounds the body.
            resp = self._send("GET", path, timeout=Timeout(total=left), stream=True)
        except requests.RequestException as exc:
            raise self._transport_failure(exc, timeout_text) from None
        try:
            status = resp.status_code
            if status == 200:
                return _read_within(resp, end, self, timeout_text)
            raise _status_failure(status, resp.headers.get("Retry-After"), end)
        finally:
            resp.close()

    # -- feedback ----------------------------------------------------------------------------

    def post_feedback(self, payload: bytes, *, timeout: float = 10.0) -> FeedbackAck:
        """Upload one feedback message; safe to repeat (the platform keys it by feedback_id)."""
        try:
            resp = self._send("POST", f"{API}/feedback", body=payload, timeout=(timeout, timeout))
        except PlatformUnavailable as exc:
            raise FeedbackDeferred(exc.reason) from None
        except requests.RequestException as exc:
            failure = self._transport_failure(exc, f"{timeout:g}")
            failure = failure.failure if isinstance(failure, _Retryable) else failure
            raise FeedbackDeferred(failure.reason) from None
        with resp:
            if resp.status_code in (200, 201):
                try:
                    accepted = json.loads(resp.content).get("accepted") is True
                except (ValueError, AttributeError):
                    accepted = False
                except requests.RequestException:
                    accepted = False
                if accepted:
                    return FeedbackAck(resp.status_code)
                raise FeedbackDeferred(Message(QT_TRANSLATE_NOOP(
                    "core", "平台应答格式错误（未确认收到反馈）")), status=resp.status_code)
            failure = _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
            wait = failure.wait if isinstance(failure, _Retryable) and resp.status_code == 429 else None
            failure = failure.failure if isinstance(failure, _Retryable) else failure
            raise FeedbackDeferred(failure.reason, status=resp.status_code, retry_after=wait)

    # -- snapshots ---------------------------------------------------------------------------

    def fetch_metadata(self, path: str, *, timeout: float = 30.0) -> bytes | None:
        """A signed manifest (bytes as served, verified by the caller); None on 404."""
        try:
            resp = self._send("GET", API + path, timeout=(timeout, timeout), stream=True)
        except requests.RequestException as exc:
            failure = self._transport_failure(exc, f"{timeout:g}")
            raise (failure.failure if isinstance(failure, _Retryable) else failure) from None
        with resp:
            if resp.status_code == 404:
                return None
            if resp.status_code != 200:
                failure = _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
                raise failure.failure if isinstance(failure, _Retryable) else failure
            return _read_within(resp, time.monotonic() + timeout, self, f"{timeout:g}")

    def download(self, path: str, part: Path, *, size: int,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None, timeout: float = 30.0) -> int:
        """Stream ``path`` into ``part``, continuing a partial file with a Range request when the
        server honours it (else restarting). Returns the bytes transferred in this call. Raises
        PlatformUnavailable when the transfer breaks (the partial file stays for the next try) and
        DownloadCancelled when ``cancel`` says so."""
        have = part.stat().st_size if part.exists() else 0
        if have > size:
            part.unlink()
            have = 0
        if have == size:
            return 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        transferred = 0
        try:
            resp = self._send("GET", API + path, timeout=(timeout, timeout), stream=True, headers=headers)
        except requests.RequestException as exc:
            failure = self._transport_failure(exc, f"{timeout:g}")
            raise (failure.failure if isinstance(failure, _Retryable) else failure) from None
        with resp:
            if resp.status_code == 200:
                have = 0  # the server ignored the range: start over
            elif resp.status_code != 206:
                failure = _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
                raise failure.failure if isinstance(failure, _Retryable) else failure
            with open(part, "r+b" if have else "wb") as out:
                out.seek(have)
                out.truncate()
                try:
                    for chunk in resp.iter_content(1 << 16):
                        if cancel is not None and cancel():
                            raise DownloadCancelled()
                        out.write(chunk)
                        have += len(chunk)
                        transferred += len(chunk)
                        if have > size:
                            break
                        if progress is not None:
                            progress(have, size)
                except requests.RequestException as exc:
                    failure = self._transport_failure(exc, f"{timeout:g}")
                    raise (failure.failure if isinstance(failure, _Retryable) else failure) from None
                finally:
                    out.flush()
        if have != size:
            # Too long is as wrong as too short; start over next time rather than resume garbage.
            if have > size:
                part.unlink(missing_ok=True)
            raise _reason(QT_TRANSLATE_NOOP("core", "快照下载不完整（{done}/{size} 字节），请重试"),
                          done=have, size=size)
        return transferred



def _kind(code: str) -> str:
    from desktop.check.model import CodeKind

    return CodeKind.PERSON if len(code) == 18 and code[:17].isdigit() else CodeKind.ORG


def _refused(exc: BaseException) -> bool:
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ConnectionRefusedError) or "Connection refused" in str(e):
            return True
        stack.extend([e.__cause__, e.__context__, *[a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]])
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False


def _is_read_timeout(exc: BaseException) -> bool:
    return any(isinstance(a, ReadTimeoutError) for a in getattr(exc, "args", ()))


def _socket_of(resp: requests.Response):
    """The socket the body arrives on, or None. urllib3 and http.client keep it in different places:
    on the connection while it is kept alive, only in the response's file once the server said
    "Connection: close" (http.client has then detached it from the connection)."""
    sock = getattr(getattr(resp.raw, "connection", None), "sock", None)
    if sock is None:
        reader = getattr(getattr(resp.raw, "_fp", None), "fp", None)      # http.client's makefile()
        sock = getattr(getattr(reader, "raw", None), "_sock", None)       # socket.SocketIO
    return sock if hasattr(sock, "settimeout") else None


def _read_within(resp: requests.Response, end: float, client: PlatformClient, timeout_text: str) -> bytes:
    """The body, read in chunks so the deadline also bounds a platform that trickles."""
    declared = resp.headers.get("Content-Length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_ANSWER_BYTES):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答大小异常（{size} 字节）"), size=declared)
    parts, total = [], 0
    # The read timeout bounds each socket read, not the whole body: a platform that sends the
    # headers and then stalls would hold the clerk for another full timeout. Shrink it to what is
    # left of the deadline before every read.
    sock = _socket_of(resp)
    chunks = resp.iter_content(1 << 14)
    try:
        while True:
            if sock is not None:
                left = end - time.monotonic()
                if left <= 0:
                    raise _reason(QT_TRANSLATE_NOOP("core", "平台超时 {seconds} 秒"), seconds=timeout_text)
                try:
                    sock.settimeout(left)
                except OSError:
                    sock = None   # closed: the body is complete, nothing more to wait for
            chunk = next(chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_ANSWER_BYTES:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台应答大小异常（超过 {size} 字节）"), size=MAX_ANSWER_BYTES)
            if time.monotonic() > end:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台超时 {seconds} 秒"), seconds=timeout_text)
    except requests.RequestException as exc:
        failure = client._transport_failure(exc, timeout_text)
        raise (failure.failure if isinstance(failure, _Retryable) else failure) from None
    body = b"".join(parts)
    if declared is not None and int(declared) != len(body):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答不完整（传输中断）"))
    return body


def _status_failure(status: int, retry_after: str | None, end: float | None) -> Exception:
    if status == 429:
        wait = _retry_after(retry_after)
        failure = _reason(QT_TRANSLATE_NOOP("core", "平台繁忙（HTTP 429）"))
        if wait is not None:
            failure = _reason(QT_TRANSLATE_NOOP("core", "平台繁忙（HTTP 429），{seconds} 秒后可再试"),
                              seconds=f"{wait:g}")
        # Waiting is only worth it when the platform asks for less than we have left.
        return _Retryable(failure, wait=wait if wait is not None else 1.0)
    if status == 401:
        return _reason(QT_TRANSLATE_NOOP(
            "core", "平台拒绝了本机的请求签名（HTTP 401）：请检查平台密钥和本机时钟"))
    if status in (500, 502, 503, 504):
        return _Retryable(_reason(QT_TRANSLATE_NOOP("core", "平台故障（HTTP {status}）"), status=status))
    if status == 400:
        return _reason(QT_TRANSLATE_NOOP("core", "平台认为请求无效（HTTP 400）"))
    return _reason(QT_TRANSLATE_NOOP("core", "平台应答异常（HTTP {status}）"), status=status)


# -- answer validation -------------------------------------------------------------------------

class _Invalid(Exception):
    def __init__(self, field: str, missing: bool):
        self.field = field
        self.missing = missing


def _field(obj: dict, key: str, where: str, check: Callable[[object], bool]):
    name = f"{where}.{key}" if where else key
    if key not in obj:
        raise _Invalid(name, True)
    value = obj[key]
    if not check(value):
        raise _Invalid(name, False)
    return value


def _text(v) -> bool:
    return isinstance(v, str)


def _iso_date(v) -> bool:
    if not isinstance(v, str):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _iso_moment(v) -> bool:
    if not isinstance(v, str):
        return False
    try:
        return datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


def _one_of(choices) -> Callable[[object], bool]:
    return lambda v: isinstance(v, str) and v in choices


def _list_of_dicts(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) for x in v)


def parse_answer(body: bytes, code: str) -> PlatformAnswer:
    """A subject answer, or PlatformUnavailable naming the first thing wrong with it."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（不是有效的 JSON）")) from None
    if not isinstance(data, dict):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（不是 JSON 对象）"))
    try:
        subject = _field(data, "subject", "", lambda v: v is None or isinstance(v, dict))
        if subject is not None:
            subject = Subject(_field(subject, "code", "subject", _text),
                              _field(subject, "name", "subject", _text),
                              _field(subject, "kind", "subject", _one_of(SUBJECT_KINDS)))
        hits = tuple(
            Hit(_field(h, "entry_id", f"hits[{i}]", _text), _field(h, "list_code", f"hits[{i}]", _text),
                _field(h, "list_name", f"hits[{i}]", _text),
                _field(h, "severity", f"hits[{i}]", _one_of(SEVERITIES)),
                _field(h, "authority", f"hits[{i}]", _text), _field(h, "listed_on", f"hits[{i}]", _iso_date),
                _field(h, "expires_on", f"hits[{i}]", lambda v: v is None or _iso_date(v)),
                _field(h, "basis", f"hits[{i}]", _text), _field(h, "state", f"hits[{i}]", _one_of(STATES)))
            for i, h in enumerate(_field(data, "hits", "", _list_of_dicts)))
        measures = tuple(
            Measure(_field(m, "measure_id", f"measures[{i}]", _text),
                    _field(m, "list_code", f"measures[{i}]", _text),
                    _field(m, "nature", f"measures[{i}]", _one_of(NATURES)),
                    _field(m, "category", f"measures[{i}]", _text), _field(m, "content", f"measures[{i}]", _text),
                    _field(m, "basis", f"measures[{i}]", _text),
                    _field(m, "mandatory", f"measures[{i}]", lambda v: isinstance(v, bool)))
            for i, m in enumerate(_field(data, "measures", "", _list_of_dicts)))
        data_as_of = _field(data, "data_as_of", "", _iso_moment)
        request_id = _field(data, "request_id", "", lambda v: isinstance(v, str) and bool(v))
    except _Invalid as exc:
        template = (QT_TRANSLATE_NOOP("core", "平台应答缺少字段 {field}") if exc.missing
                    else QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 的类型或取值不对"))
        raise _reason(template, field=exc.field) from None
    if subject is not None and subject.code != code:
        # An answer about someone else must never be shown for this applicant.
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答的主体代码与所查代码不符"))
    return PlatformAnswer(subject, hits, measures, data_as_of, request_id)
