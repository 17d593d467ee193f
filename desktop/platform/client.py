"""The provincial platform over Platform API v1 (DESIGN.md): signed requests on one connection-
reusing session, a wall-clock deadline for every exchange (``deadline.within``: connection to last
byte, however the answer trickles in), retries only where they are safe, and strict validation of
every answer. Anything the client cannot vouch for becomes ``PlatformUnavailable``
with a reason the clerk can read on the fallback banner; the check path then uses the snapshot.

Qt-free: the window calls it from worker threads, the command line and the tests directly."""
from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Timeout

from desktop.check.model import (
    BASIS_LEVELS,
    EFFECTS,
    COMMITMENT_STATES,
    COMMITMENT_TYPES,
    IDENTITY_SHAPE,
    NATURES,
    RELATION_ROLES,
    SEVERITIES,
    STATES,
    SUBJECT_KINDS,
    TARGETS,
    Commitment,
    Hit,
    Measure,
    RelatedParty,
    Subject,
    mask_code,
)
from desktop.check.sources import DownloadCancelled, PlatformAnswer, PlatformUnavailable
from desktop.platform import deadline as exchange_deadline
from desktop.platform import secrets
from desktop.platform.signing import MAX_SKEW_SECONDS, signed_headers
from desktop.site.config import PlatformConfig, is_loopback
from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from desktop.site.text import quoted

log = logging.getLogger(__name__)

API = "/api/v1"
# A subject answer is a few kilobytes; anything far larger is not an answer.
MAX_ANSWER_BYTES = 4 << 20
# DESIGN.md v1.1: every string has a limit, names 200 characters, texts (a measure's content, a
# legal basis) 4,000. Lists are bounded too: no subject carries a thousand entries, and a window
# asked to lay out a million rows freezes.
MAX_NAME = 200
MAX_TEXT = 4000
TEXT_FIELDS = frozenset({"basis", "content"})
MAX_ENTRIES = 1000
# How far ahead of this desk's clock a data date may be: the skew the signature rules allow.
CLOCK_SKEW = timedelta(seconds=MAX_SKEW_SECONDS)
# One quick retry of a refused connection or a 5xx: a platform restarting or a load balancer
# dropping one backend. More would only eat the clerk's deadline.
RETRIES = 1
RETRY_PAUSE = 0.05
# Below this much time left, a new attempt cannot finish: fall back now.
MIN_ATTEMPT = 0.05
# A snapshot download's deadline grows with its size: the slowest hall line we still wait for.
MIN_DOWNLOAD_RATE = 16 << 10    # bytes per second


def _reason(template: str, **params) -> PlatformUnavailable:
    return PlatformUnavailable(Message(template, params))


class _Retryable(Exception):
    def __init__(self, failure: PlatformUnavailable, wait: float = RETRY_PAUSE):
        self.failure = failure
        self.wait = wait


@dataclass(frozen=True)
class SessionAnswer:
    """The platform's ``201`` to a sign-in: the token is kept in memory only."""
    token: str
    expires: datetime
    name: str
    roles: tuple[str, ...]


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
        # The signed-in clerk's session token (v1.1 X-Operator-Token): in memory, never on disk.
        self.token: str | None = None
        self._secret_source = secret or (lambda: secrets.get_secret(app_key))
        self._secret: str | None = None
        self.session = requests.Session()
        # Retries are ours (deadline-aware); urllib3's own would ignore the deadline.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=8, max_retries=0)
        # Connections whose sockets the exchange deadline can shut down (deadline.py).
        adapter.poolmanager.pool_classes_by_scheme = exchange_deadline.POOL_CLASSES
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

    def _send(self, method: str, path_with_query: str, exchange: exchange_deadline.Exchange, *,
              body: bytes = b"", headers: dict | None = None) -> requests.Response:
        request = requests.Request(method, self.base_url + path_with_query, data=body or None,
                                   headers=headers or {})
        prepared = self.session.prepare_request(request)
        # Sign what goes on the wire: the prepared path, not the one we meant to send.
        prepared.headers.update(signed_headers(self.app_key, self._app_secret(), method,
                                               prepared.path_url, body))
        prepared.headers["X-Operator"] = self.operator
        if self.token:
            prepared.headers["X-Operator-Token"] = self.token
        if body:
            prepared.headers["Content-Type"] = "application/json"
        # verify given explicitly: passing None would let REQUESTS_CA_BUNDLE in the environment
        # replace the configured platform.ca_bundle.
        settings = self.session.merge_environment_settings(prepared.url, {}, True, self.session.verify, None)
        # The socket timeouts only cut short a silent connection; the exchange's watchdog ends a
        # trickling one.
        left = max(exchange.left(), 0.001)
        return self.session.send(prepared, timeout=Timeout(connect=left, read=left),
                                 allow_redirects=False, **settings)

    def _exchange(self, method: str, path_with_query: str, seconds: float, timeout_text: str,
                  handle: Callable[[requests.Response, exchange_deadline.Exchange], object], *,
                  body: bytes = b"", headers: dict | None = None):
        """Send one request and ``handle`` its response, all within ``seconds`` of wall-clock
        time. Whatever goes wrong reaches the caller as PlatformUnavailable or _Retryable (or
        DownloadCancelled); once the deadline has passed, as the timeout."""
        with exchange_deadline.within(seconds) as exchange:
            try:
                resp = self._send(method, path_with_query, exchange, body=body, headers=headers)
                with resp:
                    value = handle(resp, exchange)
                if exchange.expired:
                    # A cut connection can look like a short but complete answer (no length
                    # given, or the headers cut off): nothing read past the deadline is used.
                    raise _timeout(timeout_text)
                return value
            except DownloadCancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure of this exchange is a reason
                if exchange.expired:
                    raise _timeout(timeout_text) from None
                if isinstance(exc, (PlatformUnavailable, _Retryable)):
                    raise
                if isinstance(exc, requests.RequestException):
                    raise self._transport_failure(exc, timeout_text) from None
                # http.client, urllib3 or the decoder failing in a way requests does not wrap:
                # still only this exchange failing.
                log.warning("%s %s: %s", method, path_with_query.split("?")[0], type(exc).__name__,
                            exc_info=True)
                raise _reason(QT_TRANSLATE_NOOP("core", "平台请求失败（{kind}）"),
                              kind=type(exc).__name__) from None

    def _transport_failure(self, exc: requests.RequestException, timeout_text: str) -> Exception:
        if isinstance(exc, requests.exceptions.SSLError):
            return _reason(QT_TRANSLATE_NOOP(
                "core", "平台证书校验失败（请信息技术人员检查配置项 platform.ca_bundle）"))
        if isinstance(exc, (requests.exceptions.Timeout,)) or _is_read_timeout(exc):
            return _timeout(timeout_text)
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return _reason(QT_TRANSLATE_NOOP("core", "平台应答不完整（传输中断）"))
        if isinstance(exc, requests.exceptions.ConnectionError):
            if _refused(exc):
                return _Retryable(_reason(QT_TRANSLATE_NOOP("core", "无法连接平台（连接被拒绝）")))
            return _Retryable(_reason(QT_TRANSLATE_NOOP("core", "无法连接平台（网络不通）")))
        return _reason(QT_TRANSLATE_NOOP("core", "平台请求失败（{kind}）"), kind=type(exc).__name__)

    # -- the check ---------------------------------------------------------------------------

    def query(self, code: str, item_code: str | None, *, deadline: float) -> PlatformAnswer:
        # v1.1: the code travels in the body, never in the URL (gateways and proxies log URLs).
        body = self._query({"code": code, "item": item_code or None}, deadline,
                           mask_code(code, _kind(code)), item_code)
        return parse_answer(body, code)

    def query_person(self, ref: str, code_masked: str, item_code: str | None, *,
                     deadline: float) -> PlatformAnswer:
        """A unit's person by the platform's ``ref`` (F6): the answer names them by the masked
        number the unit's answer gave, and by nothing else."""
        body = self._query({"ref": ref, "item": item_code or None}, deadline, code_masked, item_code)
        answer = parse_answer(body, code_masked)
        if answer.subject is None or answer.subject.kind != "person" or not _masked(answer.subject.code):
            raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 的类型或取值不对"),
                          field="subject")
        return answer

    def _query(self, question: dict, deadline: float, shown: str, item_code: str | None) -> bytes:
        end = time.monotonic() + deadline
        timeout_text = f"{deadline:g}"
        path = f"{API}/subjects/query"
        payload = json.dumps(question, ensure_ascii=False).encode()
        attempt = 0
        while True:
            left = end - time.monotonic()
            if left < MIN_ATTEMPT:
                raise _timeout(timeout_text)
            started = time.monotonic()
            try:
                # Each attempt gets what is left of the one deadline, retries included.
                body = self._exchange("POST", path, left, timeout_text, _answer_body, body=payload)
            except _Retryable as exc:
                attempt += 1
                if attempt > RETRIES or end - time.monotonic() < exc.wait + MIN_ATTEMPT:
                    raise exc.failure from None
                time.sleep(exc.wait)
                continue
            log.info("subject query %s item %s: %.0f ms", shown, item_code,
                     1000 * (time.monotonic() - started))
            return body

    # -- operator sign-in --------------------------------------------------------------------

    def open_session(self, operator: str, password: str, *, timeout: float = 10.0) -> SessionAnswer | None:
        """Sign ``operator`` in (v1.1); None when the platform refuses the credentials (401).
        Raises PlatformUnavailable when it cannot say. The password goes in the body only."""
        body = json.dumps({"operator": operator, "password": password}, ensure_ascii=False).encode()

        def handle(resp: requests.Response, exchange) -> SessionAnswer | None:
            if resp.status_code == 401:
                return None
            if resp.status_code != 201:
                failure = _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
                raise failure.failure if isinstance(failure, _Retryable) else failure
            data = _decode_json(_read_body(resp, exchange))
            try:
                if not isinstance(data, dict):
                    raise _Invalid("", False)
                _check_sizes(data)
                token = _field(data, "token", "", lambda v: isinstance(v, str) and 16 <= len(v) <= 200)
                expires = datetime.fromisoformat(_field(data, "expires", "", _iso_moment))
                name = _field(data, "name", "", _text)
                roles = tuple(_field(data, "roles", "", lambda v: isinstance(v, list)
                                     and all(isinstance(r, str) for r in v)))
            except _Invalid as exc:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台登录应答格式错误（字段 {field}）"),
                              field=exc.field or "-") from None
            return SessionAnswer(token, expires, name, roles)

        previous, self.operator = self.operator, operator
        try:
            return self._exchange("POST", f"{API}/operators/session", timeout, f"{timeout:g}", handle,
                                  body=body)
        except _Retryable as exc:
            raise exc.failure from None
        finally:
            self.operator = previous

    # -- feedback ----------------------------------------------------------------------------

    def post_feedback(self, payload: bytes, *, timeout: float = 10.0) -> FeedbackAck:
        """Upload one feedback message; safe to repeat (the platform keys it by feedback_id)."""
        def handle(resp: requests.Response, exchange) -> FeedbackAck | FeedbackDeferred:
            if resp.status_code in (200, 201):
                try:
                    accepted = _decode_json(_read_body(resp, exchange)).get("accepted") is True
                except (PlatformUnavailable, AttributeError):
                    accepted = False
                if accepted:
                    return FeedbackAck(resp.status_code)
                return FeedbackDeferred(Message(QT_TRANSLATE_NOOP(
                    "core", "平台应答格式错误（未确认收到反馈）")), status=resp.status_code)
            failure = _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
            wait = failure.wait if isinstance(failure, _Retryable) and resp.status_code == 429 else None
            failure = failure.failure if isinstance(failure, _Retryable) else failure
            return FeedbackDeferred(failure.reason, status=resp.status_code, retry_after=wait)

        try:
            outcome = self._exchange("POST", f"{API}/feedback", timeout, f"{timeout:g}", handle, body=payload)
        except (PlatformUnavailable, _Retryable) as exc:
            failure = exc.failure if isinstance(exc, _Retryable) else exc
            raise FeedbackDeferred(failure.reason) from None
        if isinstance(outcome, FeedbackDeferred):
            raise outcome
        return outcome

    # -- snapshots ---------------------------------------------------------------------------

    def fetch_metadata(self, path: str, *, timeout: float = 30.0) -> bytes | None:
        """A signed manifest (bytes as served, verified by the caller); None on 404."""
        def handle(resp: requests.Response, exchange) -> bytes | None:
            if resp.status_code == 404:
                return None
            if resp.status_code != 200:
                raise _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
            return _read_body(resp, exchange)

        try:
            return self._exchange("GET", API + path, timeout, f"{timeout:g}", handle)
        except _Retryable as exc:
            raise exc.failure from None

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
        # The whole transfer has one deadline too: a server trickling a snapshot is as stuck as
        # one that stopped. It allows the slowest line we still wait for.
        seconds = timeout + (size - have) / MIN_DOWNLOAD_RATE

        def handle(resp: requests.Response, exchange) -> tuple[int, int]:
            done = have
            if resp.status_code == 200:
                done = 0  # the server ignored the range: start over
            elif resp.status_code != 206:
                raise _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)
            moved = 0
            with open(part, "r+b" if done else "wb") as out:
                out.seek(done)
                out.truncate()
                try:
                    for chunk in resp.iter_content(1 << 16):
                        if cancel is not None and cancel():
                            raise DownloadCancelled()
                        out.write(chunk)
                        done += len(chunk)
                        moved += len(chunk)
                        if done > size:
                            break
                        if progress is not None:
                            progress(done, size)
                finally:
                    out.flush()
            return done, moved

        try:
            have, transferred = self._exchange("GET", API + path, seconds, f"{seconds:.0f}", handle,
                                               headers=headers)
        except _Retryable as exc:
            raise exc.failure from None
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


def _timeout(timeout_text: str) -> PlatformUnavailable:
    return _reason(QT_TRANSLATE_NOOP("core", "平台超时 {seconds} 秒"), seconds=timeout_text)


def _read_body(resp: requests.Response, exchange: exchange_deadline.Exchange) -> bytes:
    """The body, within the size limit; the exchange's watchdog bounds the time."""
    declared = resp.headers.get("Content-Length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_ANSWER_BYTES):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答大小异常（{size} 字节）"), size=declared[:20])
    parts, total = [], 0
    for chunk in resp.iter_content(1 << 14):
        parts.append(chunk)
        total += len(chunk)
        # Counted after decoding: a small gzip body must not unpack into gigabytes.
        if total > MAX_ANSWER_BYTES:
            raise _reason(QT_TRANSLATE_NOOP("core", "平台应答大小异常（超过 {size} 字节）"), size=MAX_ANSWER_BYTES)
    # Content-Length counts the bytes on the wire, compressed when the answer is gzip (which we
    # ask for); the decoded body is longer.
    if declared is not None and int(declared) != resp.raw.tell():
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答不完整（传输中断）"))
    return b"".join(parts)


def _answer_body(resp: requests.Response, exchange: exchange_deadline.Exchange) -> bytes:
    if resp.status_code == 200:
        return _read_body(resp, exchange)
    raise _status_failure(resp.status_code, resp.headers.get("Retry-After"), None)


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


class _Duplicate(Exception):
    def __init__(self, key: str):
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    # The standard decoder keeps the last of two equal keys: {"hits": [black], "hits": []} would
    # read as clear. Two values for one field are two answers; neither can be trusted.
    data = {}
    for key, value in pairs:
        if key in data:
            raise _Duplicate(key)
        data[key] = value
    return data


def _decode_json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"), object_pairs_hook=_unique_keys)
    except _Duplicate as exc:
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（字段 {field} 重复）"),
                      field=quoted(exc.key)) from None
    except RecursionError:
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（嵌套过深）")) from None
    except (UnicodeDecodeError, ValueError):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（不是有效的 JSON）")) from None


def _check_sizes(data: dict) -> None:
    """Every string within its limit and every list within MAX_ENTRIES, anywhere in the answer."""
    stack: list[tuple[str, object, int]] = [("", data, MAX_NAME)]
    while stack:
        where, value, limit = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _has_lone_surrogate(value):
                # JSON's "\ud800" escape: a string no file, database or screen can hold.
                raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 含有无效字符"),
                              field=quoted(where))
            if len(value) > limit:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 超长（{length} 字符，上限 {limit}）"),
                              field=quoted(where), length=len(value), limit=limit)
        elif isinstance(value, dict):
            for key, item in value.items():
                if len(key) > MAX_NAME or _has_lone_surrogate(key):
                    raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（字段名超长或含无效字符）"))
                stack.append((f"{where}.{key}" if where else key, item,
                              MAX_TEXT if key in TEXT_FIELDS else MAX_NAME))
        elif isinstance(value, list):
            if len(value) > MAX_ENTRIES:
                raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 条目过多（{count} 条）"),
                              field=quoted(where), count=len(value))
            stack.extend((f"{where}[{i}]", item, limit) for i, item in enumerate(value))


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _nonempty(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _masked(v) -> bool:
    # A related person's number arrives masked (an identity number's region and last four, or a
    # passport's or permit's letters): a whole number in the answer breaks the contract and must
    # not be shown, nor one split by spaces or dashes ("4403032000 02106268*", break 18).
    return (isinstance(v, str) and "*" in v and len(v) <= MAX_MASKED
            and IDENTITY_SHAPE.search(v) is None and sum(c.isdigit() for c in v) < 15)


MAX_MASKED = 40


def _hit(h: dict, where: str) -> Hit:
    return Hit(_field(h, "entry_id", where, _text), _field(h, "list_code", where, _text),
               _field(h, "list_name", where, _text), _field(h, "severity", where, _one_of(SEVERITIES)),
               _field(h, "authority", where, _text), _field(h, "listed_on", where, _iso_date),
               _field(h, "expires_on", where, lambda v: v is None or _iso_date(v)),
               _field(h, "basis", where, _text), _field(h, "state", where, _one_of(STATES)))


def _related(r: dict, where: str) -> RelatedParty:
    return RelatedParty(
        role=_field(r, "role", where, _one_of(RELATION_ROLES)),
        name=_field(r, "name", where, _nonempty),
        code_masked=_field(r, "code_masked", where, _masked),
        ref=_field(r, "ref", where, _nonempty),
        hits=tuple(_hit(h, f"{where}.hits[{j}]")
                   for j, h in enumerate(_field(r, "hits", where, _list_of_dicts))))


def _no_one_twice(related: tuple[RelatedParty, ...], commitments: tuple[Commitment, ...]) -> None:
    """A person listed twice would be checked, recorded and counted twice, and a unit has one
    legal representative; a commitment id twice would be counted twice in the statistics."""
    seen: set = set()
    legal_reps = 0
    for i, p in enumerate(related):
        keys = {("ref", p.ref), ("person", p.role, p.name, p.code_masked)}
        legal_reps += p.role == "legal_rep"
        if keys & seen or legal_reps > 1:
            raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 重复列出关联人员"),
                          field=f"related[{i}]")
        seen |= keys
    ids = [c.commitment_id for c in commitments]
    for i, cid in enumerate(ids):
        if cid in ids[:i]:
            raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 的类型或取值不对"),
                          field=f"commitments[{i}].commitment_id")


def parse_answer(body: bytes, code: str, *, now: datetime | None = None) -> PlatformAnswer:
    """A subject answer, or PlatformUnavailable naming the first thing wrong with it."""
    data = _decode_json(body)
    if not isinstance(data, dict):
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答格式错误（不是 JSON 对象）"))
    _check_sizes(data)
    try:
        subject = _field(data, "subject", "", lambda v: v is None or isinstance(v, dict))
        if subject is not None:
            subject = Subject(_field(subject, "code", "subject", _text),
                              _field(subject, "name", "subject", _text),
                              _field(subject, "kind", "subject", _one_of(SUBJECT_KINDS)))
        hits = tuple(_hit(h, f"hits[{i}]") for i, h in enumerate(_field(data, "hits", "", _list_of_dicts)))
        measures = tuple(
            Measure(_field(m, "measure_id", f"measures[{i}]", _text),
                    _field(m, "list_code", f"measures[{i}]", _text),
                    _field(m, "nature", f"measures[{i}]", _one_of(NATURES)),
                    _field(m, "category", f"measures[{i}]", _text), _field(m, "content", f"measures[{i}]", _text),
                    _field(m, "basis", f"measures[{i}]", _text),
                    _field(m, "mandatory", f"measures[{i}]", lambda v: isinstance(v, bool)),
                    # v1.1: whom it binds and what it does; a value outside the contract is a
                    # malformed answer, never a guess from the measure's wording.
                    _field(m, "target", f"measures[{i}]", _one_of(TARGETS)),
                    _field(m, "effect", f"measures[{i}]", _one_of(EFFECTS)),
                    _field(m, "basis_level", f"measures[{i}]", _one_of(BASIS_LEVELS)),
                    _field(m, "catalogue_ref", f"measures[{i}]",
                           lambda v: v is None or (isinstance(v, str) and 0 < len(v) <= 200)))
            for i, m in enumerate(_field(data, "measures", "", _list_of_dicts)))
        related = tuple(_related(r, f"related[{i}]")
                        for i, r in enumerate(_field(data, "related", "", _list_of_dicts)))
        commitments = tuple(
            Commitment(_field(c, "commitment_id", f"commitments[{i}]", _nonempty),
                       _field(c, "type", f"commitments[{i}]", _one_of(COMMITMENT_TYPES)),
                       _field(c, "made_on", f"commitments[{i}]", _iso_date),
                       _field(c, "state", f"commitments[{i}]", _one_of(COMMITMENT_STATES)))
            for i, c in enumerate(_field(data, "commitments", "", _list_of_dicts)))
        data_as_of = _field(data, "data_as_of", "", _iso_moment)
        request_id = _field(data, "request_id", "", lambda v: isinstance(v, str) and bool(v))
    except _Invalid as exc:
        template = (QT_TRANSLATE_NOOP("core", "平台应答缺少字段 {field}") if exc.missing
                    else QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 的类型或取值不对"))
        raise _reason(template, field=exc.field) from None
    if subject is not None and subject.code != code:
        # An answer about someone else must never be shown for this applicant.
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答的主体代码与所查代码不符"))
    if subject is None and (data.get("known") is True or hits or data.get("related")):
        # Entries about nobody in particular are not an answer to this question.
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答未说明所查主体（subject 为空）"))
    now = now or datetime.now(timezone.utc)
    if datetime.fromisoformat(data_as_of) > now + CLOCK_SKEW:
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答的数据日期 {as_of} 晚于本机时间"),
                      as_of=data_as_of[:40])
    _no_one_twice(related, commitments)
    if related and (subject is None or subject.kind != "org"):
        # Only a unit has people behind it; people attached to a person are someone else's.
        raise _reason(QT_TRANSLATE_NOOP("core", "平台应答字段 {field} 的类型或取值不对"), field="related")
    return PlatformAnswer(subject, hits, measures, data_as_of, request_id, related, commitments)
