"""Platform API v1 (DESIGN.md) as a Flask app, with the signature rules of a provincial API
gateway and switchable faults. One ``PlatformState`` holds everything a test wants to set or
inspect: credentials, the publisher, the current fault, accepted feedback, the request log."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote

from flask import Flask, Response, g, jsonify, request, send_file

from desktop.check.codes import InvalidCode, parse
from desktop.check.model import CodeKind, mask_code
from desktop.platform.signing import MAX_SKEW_SECONDS, signature, signatures_match
from desktop.site.log import mask_identity_numbers
from offline_cache.reader import SnapshotReader

from . import approval_page
from .hostile import HOSTILE, spoil
from .publisher import Publisher

# Every fault a test can switch on. "refuse" is the server's (it stops listening); the rest are here.
FAULTS = ("refuse", "hang", "slow", "500", "429", "malformed", "missing_field", "wrong_type",
          "truncated", "bad_signature", "unmasked_related", *HOSTILE)
FEEDBACK_FIELDS = ("feedback_id", "case_no", "item_code", "subject_code", "checked_at", "operator", "hall",
                   "window", "source", "snapshot_version", "status", "entry_ids", "measures_applied",
                   "outcome", "note", "record_no", "record_hash", "prev_hash")
GENESIS_HASH = "0" * 64


@dataclass
class Fault:
    mode: str
    scope: str = ""             # "subjects", "feedback", "snapshots" or "" (every API path)
    times: int | None = None    # how many requests it hits; None: until cleared
    delay: float = 0.0          # "slow", "hang" with mid_body: seconds before answering
    retry_after: int = 1        # "429"
    field: str = "data_as_of"   # "missing_field" / "wrong_type"; dotted for a nested one
                                # ("measures.0.effect")
    value: object = None        # "wrong_type": this value instead of one of the wrong type (a
                                # value outside the contract, such as effect "ban")
    after_accept: bool = False  # "hang" on feedback: store it first, then hang (the lost-answer case)
    mid_body: bool = False      # "hang": send the headers and half the body, then stall (a proxy
                                # that stops forwarding): the client's read timeout alone won't do
    stage: str = "body"         # "trickle": where the trickle starts (hostile.TRICKLE_STAGES)
    interval: float = 0.05      # "trickle": seconds between bytes
    other_code: str = ""        # "wrong_code": whom the answer is about


@dataclass
class Logged:
    """One request, logged on arrival (a hanging request counts); status and time when answered."""
    method: str
    path: str
    operator: str | None
    range: str | None
    status: int | None = None
    seconds: float | None = None
    # The body as a gateway's log would keep it: identity numbers masked (a password not at all).
    body: str = ""


@dataclass
class PlatformState:
    publisher: Publisher
    credentials: dict[str, str]
    clock: object = time.time
    fault: Fault | None = None
    feedback: dict[str, dict] = field(default_factory=dict)
    feedback_posts: dict[str, int] = field(default_factory=dict)
    # Each desk's case file chain as far as it was uploaded: (hall, window) -> record_no ->
    # (record_hash, prev_hash, feedback_id). What lets the platform notice a local rewrite.
    chains: dict[tuple[str, str], dict[int, tuple[str, str, str]]] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)
    # Operator sign-in (v1.1): id → password. With any registered, a subject query needs a valid
    # X-Operator-Token of the X-Operator it names.
    operators: dict[str, str] = field(default_factory=dict)
    token_seconds: float = 3600.0
    sessions: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (operator, expires)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _nonces: dict[str, float] = field(default_factory=dict)
    # The change feed claims this version instead of the newest: a lagging replica, for tests.
    feed_version: int | None = None
    # The change feed names these lines instead of the difference between the versions: a
    # platform that reports each event as it happened (one entry may come more than once).
    feed_changed: list[dict] | None = None

    @property
    def offer_deltas(self) -> bool:
        """Whether the next publication lists deltas (TUF targets are signed at publication)."""
        return self.publisher.offer_deltas

    @offer_deltas.setter
    def offer_deltas(self, value: bool) -> None:
        self.publisher.offer_deltas = value

    def set_fault(self, mode: str | None, **options) -> None:
        if mode is not None and mode not in FAULTS:
            raise ValueError(f"unknown fault {mode!r}; one of {FAULTS}")
        with self.lock:
            self.fault = Fault(mode, **options) if mode else None
            self.release.clear()
        if mode is None:
            self.release.set()

    def take_fault(self, path: str) -> Fault | None:
        """The fault for this request, counting it down."""
        with self.lock:
            f = self.fault
            if f is None or f.mode == "refuse" or not path.startswith("/api/v1/" + f.scope):
                return None
            if f.times is not None:
                f.times -= 1
                if f.times <= 0:
                    self.fault = None
            return f

    def remember_nonce(self, nonce: str, now: float) -> bool:
        """False when the nonce was seen inside the window (a replay)."""
        with self.lock:
            for old, seen in list(self._nonces.items()):
                if now - seen > 2 * MAX_SKEW_SECONDS:
                    del self._nonces[old]
            if nonce in self._nonces:
                return False
            self._nonces[nonce] = now
            return True


def _without(row: dict, key: str) -> dict:
    row.pop(key, None)
    return row


def _chain_link(body: dict) -> tuple[int, str, str] | None:
    no, digest, prev = body.get("record_no"), body.get("record_hash"), body.get("prev_hash")
    hexdigits = set("0123456789abcdef")
    if (not isinstance(no, int) or isinstance(no, bool) or no < 1
            or not all(isinstance(h, str) and len(h) == 64 and set(h) <= hexdigits
                       for h in (digest, prev))):
        return None
    return no, digest, prev


def _chain_conflict(chain: dict, fid: str, no: int, digest: str, prev: str) -> Response | None:
    """409 naming the record when this one contradicts what the desk uploaded before: another
    record under its number, a predecessor with another hash, a successor that pointed elsewhere.
    Uploads may arrive out of order (a refused message waits), so gaps are not conflicts."""
    def conflict(message: str) -> Response:
        resp = jsonify({"error": {"code": "chain_conflict", "message": message,
                                  "record_no": no}})
        resp.status_code = 409
        return resp

    held = chain.get(no)
    if held is not None and (held[0] != digest or held[2] != fid):
        return conflict(f"record {no} was uploaded before with hash {held[0]}")
    before = chain.get(no - 1)
    if (no == 1 and prev != GENESIS_HASH) or (before is not None and before[0] != prev):
        return conflict(f"record {no} does not follow record {no - 1} as uploaded")
    after = chain.get(no + 1)
    if after is not None and after[1] != digest:
        return conflict(f"record {no + 1} as uploaded does not follow record {no}")
    return None


def _error(status: int, code: str, message: str, **headers) -> Response:
    resp = jsonify({"error": {"code": code, "message": message}})
    resp.status_code = status
    resp.headers.update(headers)
    return resp


def create_app(state: PlatformState) -> Flask:
    app = Flask("reference_platform")
    approval_page.register(app)
    readers = threading.local()

    def reader(version: int) -> SnapshotReader:
        cached = getattr(readers, "entry", None)
        if cached is None or cached[0] != version:
            if cached is not None:
                cached[1].close()
            release = state.publisher.fulls[version]
            cached = (version, SnapshotReader(release.data, release.table))
            readers.entry = cached
        return cached[1]

    @app.before_request
    def authenticate():
        g.started = time.perf_counter()
        g.fault = None
        g.logged = Logged(request.method, request.path, request.headers.get("X-Operator"),
                          request.headers.get("Range"))
        if request.path == "/api/v1/operators/session":
            g.logged.body = "(credentials withheld)"
        elif request.content_length:
            g.logged.body = mask_identity_numbers(request.get_data(cache=True)[:4096].decode("utf-8", "replace"))
        with state.lock:
            state.log.append(g.logged)
        if request.path == "/training/approval":
            return None  # the training room's approval-system page is public, like the real one
        if not request.path.startswith("/api/v1/"):
            return _error(404, "not_found", "no such path")
        h = request.headers
        app_key, ts, nonce, sig = (h.get("X-App-Key"), h.get("X-Timestamp"), h.get("X-Nonce"),
                                   h.get("X-Signature"))
        if not all((app_key, ts, nonce, sig)) or app_key not in state.credentials:
            return _error(401, "bad_signature", "missing or unknown credentials")
        if not ts.isdigit() or abs(state.clock() - int(ts)) > MAX_SKEW_SECONDS:
            return _error(401, "clock_skew", "timestamp outside the allowed window")
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
        if not raw:
            raw = quote(request.path) + (("?" + request.query_string.decode()) if request.query_string else "")
        body = request.get_data(cache=True)
        expected = signature(state.credentials[app_key], request.method, raw, ts, nonce, body)
        if not signatures_match(expected, sig):
            return _error(401, "bad_signature", "signature does not match")
        if not state.remember_nonce(nonce, state.clock()):
            return _error(401, "replayed_nonce", "nonce already used")
        g.fault = fault = state.take_fault(request.path)
        if fault is None:
            return None
        if fault.mode == "hang" and not (fault.after_accept or fault.mid_body):
            state.release.wait(60)
            return _error(503, "released", "hang released")
        if fault.mode == "slow" or (fault.mode == "hang" and fault.mid_body):
            time.sleep(fault.delay)
        if fault.mode == "500":
            return _error(500, "internal", "internal error")
        if fault.mode == "429":
            return _error(429, "rate_limited", "too many requests", **{"Retry-After": str(fault.retry_after)})
        if fault.mode == "malformed":
            return Response(b'{"subject": {"code": "9144', 200, mimetype="application/json")
        return None

    @app.after_request
    def finish(resp: Response) -> Response:
        fault = getattr(g, "fault", None)
        if fault is not None and fault.mode in ("missing_field", "wrong_type") and resp.is_json:
            data = resp.get_json()
            *outer, last = fault.field.split(".")
            target = data
            for key in outer:
                target = target[int(key)] if key.isdigit() else target[key]
            if fault.mode == "missing_field":
                target.pop(last, None)
            elif fault.value is not None:
                target[last] = fault.value
            else:
                target[last] = 12345 if not isinstance(target.get(last), int) else "12345"
            resp.set_data(json.dumps(data, ensure_ascii=False))
        if fault is not None and fault.mode == "unmasked_related" and resp.is_json:
            # A platform build that leaks whole identity numbers into the related people.
            data = resp.get_json()
            for r in data.get("related", []):
                r["code_masked"] = g.related_codes[r["ref"]].replace("*", "0")
            resp.set_data(json.dumps(data, ensure_ascii=False))
        if fault is not None and fault.mode == "truncated":
            resp.direct_passthrough = False
            body = resp.get_data()
            # Promise the whole body, send half, and close: a connection cut mid-answer.
            resp.set_data(body[: len(body) // 2])
            resp.headers["Content-Length"] = str(len(body))
            resp.headers["Connection"] = "close"
        if fault is not None and fault.mode == "hang" and fault.mid_body:
            body = resp.get_data()

            def stall():
                yield body[: len(body) // 2]
                state.release.wait(60)
                yield body[len(body) // 2:]
            resp.response = stall()
            resp.headers["Content-Length"] = str(len(body))
        if fault is not None and fault.mode in HOSTILE:
            resp = spoil(resp, fault, request.environ, fault.other_code, state.release)
        seconds = time.perf_counter() - g.started
        resp.headers["Server-Timing"] = f"app;dur={seconds * 1000:.3f}"
        g.logged.status, g.logged.seconds = resp.status_code, seconds
        return resp

    # The platform's reference for a related person: stable for one platform run, useless to
    # anyone without the key (an unkeyed hash of an identity number is reversed by enumeration).
    ref_key = os.urandom(32)
    # ref → (the unit whose answer named the person, their role, their masked number).
    refs: dict[str, tuple[str, str, str]] = {}

    def person_ref(unit_code: str, person) -> str:
        ref = "P" + hmac.new(ref_key, f"{unit_code}|{person.role}|{person.code}".encode(),
                             hashlib.sha256).hexdigest()[:24]
        with state.lock:
            refs[ref] = (unit_code, person.role, person.code)
        return ref

    def answer(code: str, item: str | None, *, v11: bool) -> Response:
        try:
            parsed = parse(code)
        except InvalidCode as exc:
            return _error(400, "bad_code", str(exc.message))
        latest = state.publisher.latest
        found = reader(latest.version).lookup(parsed.code, item or None)
        # The rows as the contract spells them: what the desk's policy adds is the desk's own.
        body = {"subject": found.subject.to_json() if found.subject else None,
                "hits": [_without(h.to_json(), "effective_state") for h in found.hits],
                "measures": [_without(x.to_json(), "applies") for x in found.measures],
                "data_as_of": latest.data_as_of.isoformat(), "request_id": uuid.uuid4().hex}
        if v11:
            body["known"] = found.subject is not None
            body["related"] = [
                {"role": r.role, "code_masked": mask_code(r.code, CodeKind.PERSON),
                 "ref": person_ref(parsed.code, r),
                 "name": r.name,
                 "hits": [_without(h.to_json(), "effective_state") for h in r.hits]}
                for r in found.related]
            body["commitments"] = [c.to_json() for c in found.commitments]
            g.related_codes = {b["ref"]: r.code for b, r in zip(body["related"], found.related)}
        return jsonify(body)

    def person_answer(ref: str, item: str | None) -> Response:
        """A unit's person by the ref an earlier answer gave (the desk's F6): the answer names
        them by the masked number only."""
        with state.lock:
            held = refs.get(ref)
        if held is None:
            return _error(404, "unknown_ref", "no person with this ref")
        unit_code, role, masked = held
        latest = state.publisher.latest
        found = reader(latest.version).lookup(unit_code, item or None)
        person = next((r for r in found.related if (r.role, r.code) == (role, masked)), None)
        if person is None:
            return _error(404, "unknown_ref", "no person with this ref")
        lists = {h.list_code for h in person.hits}
        return jsonify({
            "subject": {"code": masked, "name": person.name, "kind": "person"}, "known": True,
            "hits": [_without(h.to_json(), "effective_state") for h in person.hits],
            "measures": [_without(x.to_json(), "applies") for x in found.measures if x.list_code in lists],
            "related": [], "commitments": [],
            "data_as_of": latest.data_as_of.isoformat(), "request_id": uuid.uuid4().hex})

    @app.get("/api/v1/subjects/<code>")
    def subject(code: str):
        # v1, kept for old clients: the code in the path is what v1.1 does away with.
        return answer(code, request.args.get("item"), v11=False)

    def token_problem() -> Response | None:
        token = request.headers.get("X-Operator-Token")
        if token is None and not state.operators:
            return None
        with state.lock:
            held = state.sessions.get(token or "")
        if held is None or held[0] != request.headers.get("X-Operator"):
            return _error(401, "bad_token", "no valid operator session")
        if state.clock() >= held[1]:
            return _error(401, "token_expired", "operator session expired")
        return None

    @app.post("/api/v1/operators/session")
    def operator_session():
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return _error(400, "bad_json", "body is not JSON")
        if not isinstance(body, dict) or set(body) != {"operator", "password"}:
            return _error(400, "bad_request", "body must be {\"operator\", \"password\"}")
        expected = state.operators.get(body["operator"]) if isinstance(body["operator"], str) else None
        if expected is None or not isinstance(body["password"], str) or body["password"] != expected:
            return _error(401, "bad_credentials", "wrong operator or password")
        token = uuid.uuid4().hex + uuid.uuid4().hex
        expires = state.clock() + state.token_seconds
        with state.lock:
            state.sessions[token] = (body["operator"], expires)
        when = datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="seconds")
        return jsonify({"token": token, "expires": when, "name": f"操作员 {body['operator']}",
                        "roles": ["clerk"]}), 201

    @app.post("/api/v1/subjects/query")
    def subject_query():
        refused = token_problem()
        if refused is not None:
            return refused
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return _error(400, "bad_json", "body is not JSON")
        if (not isinstance(body, dict) or not isinstance(body.get("item"), (str, type(None)))
                or not (isinstance(body.get("code"), str) and set(body) <= {"code", "item"}
                        or isinstance(body.get("ref"), str) and set(body) <= {"ref", "item"})):
            return _error(400, "bad_request",
                          "body must be {\"code\" or \"ref\": string, \"item\": string or null}")
        if "ref" in body:
            return person_answer(body["ref"], body.get("item"))
        return answer(body["code"], body.get("item"), v11=True)

    @app.post("/api/v1/feedback")
    def feedback():
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return _error(400, "bad_json", "body is not JSON")
        if not isinstance(body, dict) or any(k not in body for k in FEEDBACK_FIELDS):
            return _error(400, "bad_feedback", "missing fields")
        try:
            fid = str(uuid.UUID(body["feedback_id"]))
        except (ValueError, TypeError, AttributeError):
            return _error(400, "bad_feedback", "feedback_id is not a UUID")
        link = _chain_link(body)
        if link is None:
            return _error(400, "bad_feedback", "record_no must be a positive integer and "
                                               "record_hash, prev_hash 64 hex digits")
        with state.lock:
            state.feedback_posts[fid] = state.feedback_posts.get(fid, 0) + 1
            chain = state.chains.setdefault((str(body["hall"]), str(body["window"])), {})
            conflict = _chain_conflict(chain, fid, *link)
            if conflict is not None:
                return conflict
            seen = fid in state.feedback
            if not seen:
                state.feedback[fid] = body
                chain[link[0]] = (link[1], link[2], fid)
        fault = g.fault
        if fault is not None and fault.mode == "hang" and fault.after_accept:
            state.release.wait(60)
        return jsonify({"accepted": True}), 200 if seen else 201

    @app.get("/api/v1/changes")
    def changes():
        since = request.args.get("since", "")
        if not since.isdigit():
            return _error(400, "bad_request", "since must be a version number")
        latest = state.publisher.latest
        base = state.publisher.fulls.get(int(since))
        if base is None and int(since) < latest.version:
            return _error(404, "no_feed", "no changes kept from that version")
        from datetime import date

        from .changes import changes_between

        changed = [] if base is None else changes_between(base.data, latest.data, date.today())
        if state.feed_changed is not None:
            changed = state.feed_changed
        return jsonify({"version": state.feed_version or latest.version, "changed": changed})

    @app.get("/api/v1/snapshots/tuf/<path:name>")
    def repository_file(name: str):
        """The publisher's TUF repository, file by file: metadata/… and targets/…"""
        folder = state.publisher.repository.folder
        path = (folder / name).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            return _error(404, "not_found", "no such file")
        if name.startswith("metadata/") and g.fault is not None and g.fault.mode == "bad_signature":
            data = json.loads(path.read_bytes())
            data["signed"]["expires"] = "2099-01-01T00:00:00Z"  # content changed after signing
            return Response(json.dumps(data).encode(), 200, mimetype="application/json")
        if name.startswith("metadata/"):
            return Response(path.read_bytes(), 200, mimetype="application/json")
        # conditional=True: Range requests are honoured, so an interrupted download resumes.
        return send_file(path, mimetype="application/octet-stream", conditional=True, etag=True)

    return app
