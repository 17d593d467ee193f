"""The answers an attacker on the wire, a dying gateway or a broken platform build would send
(issue 11): each takes a well-formed answer and spoils it one way. ``app.finish`` applies them.

    trickle          the answer one byte every ``interval`` seconds from ``stage`` on: "status"
                     (from the first byte of the status line), "headers", "body" (with
                     Content-Length), "body_no_length" (read to close), "chunked"
    markup           subject and list names holding HTML that would paint a green "clear"
    control_chars    a name with newlines, ANSI escapes and a bidi override (a fake result line)
    long_name        a 120-character name: valid, must be elided, never widen the window
    huge_name        a 20,000-character name: over the v1.1 limit of 200
    huge             a 5 MB answer
    deep             JSON nested 100,000 deep
    gzip             the answer gzip-compressed, Content-Length of the compressed bytes (correct)
    duplicate_keys   "hits": [the real ones], then "hits": []
    wrong_code       an answer about another subject
    null_subject     subject null, with the hits still there
    future_data      data_as_of in 2099
    old_data         data_as_of in 1999 (a valid, stale answer)
    redirect         302 to another host
    surrogate_name   a name holding a lone surrogate ("\\ud800" in the JSON)
"""
from __future__ import annotations

import gzip
import json
import socket
import time

from flask import Response

HOSTILE = ("trickle", "markup", "control_chars", "long_name", "huge_name", "huge", "deep", "gzip",
           "duplicate_keys", "wrong_code", "null_subject", "future_data", "old_data", "redirect",
           "surrogate_name")
TRICKLE_STAGES = ("status", "headers", "body", "body_no_length", "chunked")

MARKUP_NAME = ('<div style="font-size:40px;color:#0a0">✔ 未命中 CLEAR</div>'
               '<img src="http://192.0.2.1/x.png"><a href="http://192.0.2.1">某公司</a>')
CONTROL_NAME = "某公司\n结果：未命中\x1b[32m ✔ CLEAR\x1b[0m\r\u202e\u200b"
LONG_NAME = "广州市某某商贸有限公司" * 12          # 120 characters


def spoil(resp: Response, fault, environ, other_code: str, release) -> Response:
    mode = fault.mode
    if mode == "redirect":
        return Response(b"", 302, headers={"Location": "http://192.0.2.1/api/v1/elsewhere"})
    if mode == "trickle":
        _trickle(resp, fault, environ, release)
        return resp
    if mode in ("deep", "huge"):
        body = (b'{"subject": ' + b"[" * 100_000 + b"]" * 100_000 + b"}" if mode == "deep"
                else b'{"padding": "' + b"x" * (5 << 20) + b'"}')
        return Response(body, 200, mimetype="application/json")
    if not resp.is_json:
        if mode == "gzip":
            return _gzipped(resp)
        return resp
    data = resp.get_json()
    subject = data.get("subject")
    if mode == "markup" and subject:
        subject["name"] = MARKUP_NAME
        for hit in data.get("hits", []):
            hit["list_name"] = "<b style='color:green'>守信激励</b>"
    elif mode == "control_chars" and subject:
        subject["name"] = CONTROL_NAME
    elif mode == "long_name" and subject:
        subject["name"] = LONG_NAME
    elif mode == "huge_name" and subject:
        subject["name"] = "某" * 20_000
    elif mode == "wrong_code" and subject:
        subject["code"] = other_code
    elif mode == "null_subject":
        data["subject"] = None
    elif mode == "future_data":
        data["data_as_of"] = "2099-01-01T00:00:00+08:00"
    elif mode == "old_data":
        data["data_as_of"] = "1999-01-01T00:00:00+08:00"
    elif mode == "surrogate_name" and subject:
        subject["name"] = "某公司\ud800"
        resp.set_data(json.dumps(data))     # ASCII JSON: the surrogate travels as an escape
        return resp
    elif mode == "duplicate_keys":
        hits = data.pop("hits", [])
        text = json.dumps(data, ensure_ascii=False)
        text = text[:-1] + ', "hits": ' + json.dumps(hits, ensure_ascii=False) + ', "hits": []}'
        resp.set_data(text)
        return resp
    resp.set_data(json.dumps(data, ensure_ascii=False))
    if mode == "gzip":
        return _gzipped(resp)
    return resp


def _gzipped(resp: Response) -> Response:
    resp.direct_passthrough = False
    packed = gzip.compress(resp.get_data())
    resp.set_data(packed)
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Content-Length"] = str(len(packed))
    return resp


def _trickle(resp: Response, fault, environ, release) -> None:
    """Write the whole response to the socket ourselves, one byte per interval from the stage
    on, then end the connection so that the server's own write of ``resp`` goes nowhere."""
    sock: socket.socket = environ["werkzeug.socket"]
    resp.direct_passthrough = False
    body = resp.get_data()
    head = [f"HTTP/1.1 {resp.status}"]
    headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in ("content-length", "connection")]
    if fault.stage == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
        body = b"".join(b"%x\r\n%s\r\n" % (1, body[i:i + 1]) for i in range(len(body))) + b"0\r\n\r\n"
    elif fault.stage != "body_no_length":
        headers.append(("Content-Length", str(len(body))))
    headers.append(("Connection", "close"))
    head += [f"{k}: {v}" for k, v in headers]
    head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
    status_end = head_bytes.index(b"\r\n") + 2
    wire = head_bytes + body
    fast = {"status": 0, "headers": status_end, "body": len(head_bytes),
            "body_no_length": len(head_bytes), "chunked": len(head_bytes)}[fault.stage]
    try:
        sock.sendall(wire[:fast])
        for i in range(fast, len(wire)):
            if release.is_set():
                break
            sock.sendall(wire[i:i + 1])
            time.sleep(fault.interval)
    except OSError:
        pass  # the client gave up: what the test wants
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
