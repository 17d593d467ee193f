"""The hall's approval system drives the desk: a creditdesk:// link and the local API on loopback.
Everything it sends is hostile until checked; the API never records, only the clerk does."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import keyring
import pytest
from reference_platform.fixtures import KNOWN, memory_keyring  # noqa: F401

from desktop.check.request import RequestRefused, parse_body, parse_link
from desktop.desk.context import DeskContext, LocalApiUnavailable

ITEM = KNOWN["item_with_measures"]
ORG = KNOWN["black"]
PERSON = KNOWN["person_black"]
TOKEN = "tok-9f3a-integration-test"
ORIGIN = "https://zwfw.example.gov.cn"


# -- the link ---------------------------------------------------------------------------------

def test_a_link_carries_item_case_and_an_optional_code():
    r = parse_link(f"creditdesk://check?item={ITEM}&case=GZ-2026-0001&code={ORG.lower()}")
    assert (r.item, r.case_no, r.code) == (ITEM, "GZ-2026-0001", ORG)
    bare = parse_link(f"creditdesk://check?item={ITEM}&case=GZ-2026-0001")
    assert bare.code is None and bare.case_no == "GZ-2026-0001"


@pytest.mark.parametrize("url, words", [
    (f"creditdesk://check?item={ITEM}&case=A1&code={PERSON}", "身份证号"),
    (f"creditdesk://check?item={ITEM}&case=A1&code=91440106MA9P6N4D3X", "代码无效"),
    (f"creditdesk://check?item={ITEM}&case=A1&next=evil", "未知参数“next”"),
    (f"creditdesk://check?item={ITEM}&case=A1&case=A2", "出现了两次"),
    (f"creditdesk://check?item={ITEM}", "缺少 case"),
    ("creditdesk://delete?item=X&case=A1", "不是信用核查链接"),
    ("https://evil.example/check?item=X&case=A1", "不是信用核查链接"),
    (f"creditdesk://check?item={ITEM}&case=A%0A1", "控制字符"),
    (f"creditdesk://check?item={ITEM}&case=" + "9" * 5000, "链接过长"),
    (f"creditdesk://check/{PERSON}?item={ITEM}&case=A1", "身份证号"),
    (f"creditdesk://check?{PERSON}=1", "身份证号"),
    (f"creditdesk://{PERSON}@check?item={ITEM}&case=A1", "身份证号"),
    (f"creditdesk://check?item={ITEM}&case={PERSON}", "身份证号"),
    (f"creditdesk://check?item={ITEM}&case=A1&code={PERSON}1", "身份证号"),
    (f"creditdesk://check?item={ITEM}&case=A1&code=%34%34{PERSON[2:]}", "身份证号"),
    (f"creditdesk://check/extra?item={ITEM}&case=A1", "不是信用核查链接"),
])
def test_a_bad_link_is_refused_with_the_reason(url, words):
    with pytest.raises(RequestRefused) as refused:
        parse_link(url)
    assert words in str(refused.value)
    assert PERSON not in str(refused.value)  # a refusal never repeats an identity number


@pytest.mark.parametrize("body, words", [
    (b"{not json", "不是有效的 JSON"),
    (b'[1, 2]', "不是有效的 JSON"),
    (b'{"case_no": "A", "item": "X", "code": "%s", "extra": 1}' % ORG.encode(), "未知字段“extra”"),
    (b'{"case_no": "A", "case_no": "B", "item": "X", "code": "%s"}' % ORG.encode(), "不是有效的 JSON"),
    (b'{"case_no": "A", "item": "X", "code": "%s"}' % PERSON.encode(), "查询目的"),
    (b'{"case_no": "", "item": "X", "code": "%s"}' % ORG.encode(), "缺少 case_no"),
    (b'{"case_no": 5, "item": "X", "code": "%s"}' % ORG.encode(), "应为文字"),
    (b"[" * 8000, "不是有效的 JSON"),
    (b" " * 9000, "超过"),
])
def test_a_bad_api_body_is_refused_with_the_reason(body, words):
    with pytest.raises(RequestRefused) as refused:
        parse_body(body)
    assert words in str(refused.value)


# -- the API against a real desk --------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def api(desk_env, memory_keyring):
    home, config = desk_env
    port = free_port()
    config.write_text(f'[integration]\napi_port = {port}\nallowed_origins = ["{ORIGIN}"]\n',
                      encoding="utf-8")
    keyring.set_password("credit-desk", "integration", TOKEN)
    ctx = DeskContext.from_environment()
    seen = []
    server = ctx.local_api(on_ticket=seen.append)
    yield ctx, server, seen
    server.stop()


def call(server, method, path, body=None, token=TOKEN, origin=None, host=None, raw=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    headers = {"Host": host or f"127.0.0.1:{server.port}", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if origin:
        headers["Origin"] = origin
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    conn.request(method, path, body=payload, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    conn.close()
    return resp.status, data, resp


def post(server, **kw):
    body = kw.pop("body", {"case_no": "GZ-1", "item": ITEM, "code": ORG})
    return call(server, "POST", "/v1/checks", body=body, **kw)


def test_a_posted_check_becomes_a_ticket_for_the_clerk_and_nothing_is_recorded(api):
    ctx, server, seen = api
    status, data, _ = post(server)
    assert status == 202 and data["state"] == "pending" and len(data["ticket"]) >= 20
    assert [t.request.code for t in seen] == [ORG]
    status, polled, _ = call(server, "GET", f"/v1/checks/{data['ticket']}")
    assert status == 200 and polled["state"] == "pending" and "record" not in polled
    assert ctx.case_file.count() == 0


def test_the_ticket_answers_with_the_record_once_the_clerk_records(api):
    from desktop.casefile.store import Decision

    ctx, server, seen = api
    _, data, _ = post(server)
    result = ctx.checker.check(ORG, ITEM)
    record = ctx.case_file.record_check(result, Decision(case_no="GZ-1", outcome="deferred",
                                                   measures_applied=tuple(m.measure_id for m in result.measures
                                                                          if m.mandatory)), ctx.desk)
    assert ctx.tickets.answer(record, sheet="/tmp/sheet.pdf") is seen[0]
    status, polled, _ = call(server, "GET", f"/v1/checks/{data['ticket']}")
    assert status == 200 and polled["state"] == "recorded"
    r = polled["record"]
    assert r["record_no"] == record.record_id and r["record_hash"] == record.hash
    assert r["status"] == "hit" and r["outcome"] == "deferred" and r["hits"]
    assert polled["sheet"] == "/tmp/sheet.pdf"


@pytest.mark.parametrize("kw, status", [
    ({"token": None}, 401),
    ({"token": "wrong"}, 401),
    ({"origin": "https://evil.example"}, 403),
    ({"host": "evil.example:80"}, 421),
    ({"raw": b"{oops"}, 400),
    ({"body": {"case_no": "GZ-1", "item": "NO-SUCH-ITEM", "code": ORG}}, 400),
    ({"body": {"case_no": "GZ-1", "item": ITEM, "code": ORG, "record": True}}, 400),
    ({"raw": b"x" * 20_000}, 413),
])
def test_each_bad_request_is_refused_with_a_reason_and_nothing_is_queued(api, kw, status):
    ctx, server, seen = api
    got, data, _ = post(server, **kw)
    assert got == status and data["error"]["message"]
    assert seen == [] and ctx.tickets.pending() == []


def test_an_allowed_browser_origin_is_served_with_cors_and_a_preflight(api):
    ctx, server, seen = api
    status, _, resp = call(server, "OPTIONS", "/v1/checks", token=None, origin=ORIGIN)
    assert status == 204 and resp.getheader("Access-Control-Allow-Origin") == ORIGIN
    status, _, resp = post(server, origin=ORIGIN)
    assert status == 202 and resp.getheader("Access-Control-Allow-Origin") == ORIGIN
    status, _, resp = call(server, "OPTIONS", "/v1/checks", token=None, origin="https://evil.example")
    assert status == 403 and resp.getheader("Access-Control-Allow-Origin") is None


def test_a_replayed_request_and_a_flood_are_refused(api):
    ctx, server, seen = api
    assert post(server)[0] == 202
    status, data, _ = post(server)  # the same case again while the clerk has it
    assert status == 409 and "GZ-1" in data["error"]["message"]
    codes = [post(server, body={"case_no": f"F-{n}", "item": ITEM, "code": ORG})[0] for n in range(12)]
    assert codes.count(202) == 7 and set(codes[7:]) == {429}
    assert len(ctx.tickets.pending()) == 8


def test_an_unknown_ticket_is_404(api):
    _, server, _ = api
    assert call(server, "GET", "/v1/checks/not-a-ticket")[0] == 404


def test_a_slow_client_does_not_hold_the_api(api):
    """A connection that sends nothing keeps one thread, not the API."""
    ctx, server, seen = api
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        started = time.monotonic()
        assert post(server)[0] == 202
        assert time.monotonic() - started < 2
    finally:
        for s in idle:
            s.close()


def test_without_a_token_in_the_keyring_the_api_says_how_to_set_one(desk_env, memory_keyring):
    _, config = desk_env
    config.write_text(f"[integration]\napi_port = {free_port()}\n", encoding="utf-8")
    with pytest.raises(LocalApiUnavailable, match="secrets set integration"):
        DeskContext.from_environment().local_api(on_ticket=lambda t: None)


def test_without_integration_in_the_config_nothing_listens(desk_env):
    assert DeskContext.from_environment().local_api(on_ticket=lambda t: None) is None


@pytest.mark.parametrize("table, words", [
    ("[integration]\napi_port = 80\n", "1024 到 65535"),
    ('[integration]\napi_port = 47631\nallowed_origins = ["https://a.example/path"]\n', "allowed_origins"),
    ('[integration]\napi_port = 47631\nallowed_origins = ["http://a.example"]\n', "allowed_origins"),
    ("[integration]\nallowed_origins = []\n", "api_port"),
])
def test_a_bad_integration_table_is_refused_with_key_and_line(desk_env, table, words):
    from desktop.site.config import ConfigError, load

    _, config = desk_env
    config.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load()
    assert words in str(refused.value) and "第" in str(refused.value)


def test_threads_of_the_api_are_not_the_callers(api):
    ctx, server, seen = api
    threads = []
    server._on_ticket = lambda t: threads.append(threading.current_thread().name)
    post(server)
    assert threads and threads[0] != threading.main_thread().name


def test_a_connection_flood_is_shed_and_the_api_serves_again_after_it(api):
    ctx, server, seen = api
    flood = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(40)]
    try:
        shed = 0
        for s in flood:
            s.settimeout(0.5)
            try:
                shed += s.recv(1) == b""
            except TimeoutError:
                pass  # holds a thread until the socket timeout
        assert shed >= 8  # beyond the connection cap, closed at once rather than given a thread
    finally:
        for s in flood:
            s.close()
    time.sleep(0.2)
    assert post(server)[0] == 202
