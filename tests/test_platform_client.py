"""The platform client's own promises, beyond the fault suite: one reused connection, the
configured CA bundle and nothing else, the path signed exactly as sent, strict validation of
nested fields, and no retry where a retry is not safe or cannot help."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from reference_platform.fixtures import APP_KEY, KNOWN, SECRET, memory_keyring, online  # noqa: F401

from desktop.check.sources import PlatformUnavailable
from desktop.platform.client import FeedbackDeferred, PlatformClient, parse_answer

CODE = KNOWN["black"]


def client_for(url: str, **kw) -> PlatformClient:
    return PlatformClient(url, APP_KEY, operator="op", secret=lambda: SECRET, **kw)


def test_one_connection_serves_many_checks():
    # werkzeug's server closes every connection, so reuse is shown against a keep-alive server.
    peers = []
    body = json.dumps({"subject": None, "known": False, "hits": [], "measures": [], "related": [],
                       "commitments": [], "data_as_of": "2026-11-25T08:00:00+08:00",
                       "request_id": "r-1"}).encode()

    class KeepAlive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            # The body must be read off the connection before it can carry the next request.
            self.rfile.read(int(self.headers["Content-Length"]))
            peers.append(self.client_address)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = client_for(f"http://127.0.0.1:{server.server_port}")
        for _ in range(3):
            assert client.query(CODE, "X", deadline=2).request_id == "r-1"
        assert len(peers) == 3 and len(set(peers)) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_configured_ca_bundle_is_not_replaced_by_the_environment(tmp_path, monkeypatch):
    ca = tmp_path / "province-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "some-other-ca.pem"))
    client = client_for("https://credit.example.gov.cn", ca_bundle=ca)
    seen = {}

    def send(request, **kw):
        seen.update(kw)
        raise requests.ConnectionError("no network in tests")
    monkeypatch.setattr(client.session, "send", send)
    with pytest.raises(PlatformUnavailable):
        client.query(CODE, None, deadline=0.5)
    assert seen["verify"] == str(ca)


def test_query_needing_percent_encoding_is_signed_as_sent(online):
    client = client_for(online.platform.url)
    answer = client.query(CODE, "事项/1 a+b", deadline=2)
    assert answer.subject.code == CODE
    assert online.platform.log[-1].status == 200


def _answer(**changes) -> bytes:
    hit = {"entry_id": "E1", "list_code": "L", "list_name": "失信", "severity": "black", "authority": "法院",
           "listed_on": "2026-01-01", "expires_on": None, "basis": "判决", "state": "active"}
    measure = {"measure_id": "M1", "list_code": "L", "nature": "punish", "category": "限制", "content": "不予",
               "basis": "条例", "mandatory": True, "target": "any", "effect": "refuse",
               "basis_level": "admin_regulation", "catalogue_ref": None}
    data = {"subject": {"code": CODE, "name": "某公司", "kind": "org"}, "known": True, "hits": [hit],
            "measures": [measure], "related": [], "commitments": [],
            "data_as_of": "2026-11-25T08:00:00+08:00", "request_id": "r"}
    for path, value in changes.items():
        *outer, last = path.split(".")
        target = data
        for key in outer:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return json.dumps(data).encode()


def test_a_valid_answer_parses():
    answer = parse_answer(_answer(), CODE)
    assert answer.hits[0].severity == "black" and answer.measures[0].mandatory is True
    m = answer.measures[0]
    assert (m.target, m.effect, m.basis_level, m.catalogue_ref) == ("any", "refuse", "admin_regulation", None)
    assert parse_answer(_answer(**{"measures.0.catalogue_ref": "2024年版第12项"}), CODE).measures[0].catalogue_ref \
        == "2024年版第12项"


@pytest.mark.parametrize("changes, reason", [
    ({"hits.0.severity": "purple"}, "平台应答字段 hits[0].severity 的类型或取值不对"),
    ({"hits.0.listed_on": "yesterday"}, "平台应答字段 hits[0].listed_on 的类型或取值不对"),
    ({"measures.0.mandatory": "yes"}, "平台应答字段 measures[0].mandatory 的类型或取值不对"),
    ({"measures.0.basis": KeyError}, "平台应答缺少字段 measures[0].basis"),
    ({"subject.kind": KeyError}, "平台应答缺少字段 subject.kind"),
    ({"data_as_of": "2026-11-25T08:00:00"}, "平台应答字段 data_as_of 的类型或取值不对"),  # no zone
    ({"request_id": ""}, "平台应答字段 request_id 的类型或取值不对"),
    ({"subject.code": KNOWN["focus"]}, "平台应答的主体代码与所查代码不符"),
    # v1.1 measure fields: a value outside the contract is a malformed answer, never guessed
    ({"measures.0.target": "company"}, "平台应答字段 measures[0].target 的类型或取值不对"),
    ({"measures.0.target": KeyError}, "平台应答缺少字段 measures[0].target"),
    ({"measures.0.effect": "ban"}, "平台应答字段 measures[0].effect 的类型或取值不对"),
    ({"measures.0.effect": None}, "平台应答字段 measures[0].effect 的类型或取值不对"),
    ({"measures.0.basis_level": "notice"}, "平台应答字段 measures[0].basis_level 的类型或取值不对"),
    ({"measures.0.catalogue_ref": 12}, "平台应答字段 measures[0].catalogue_ref 的类型或取值不对"),
    ({"measures.0.catalogue_ref": ""}, "平台应答字段 measures[0].catalogue_ref 的类型或取值不对"),
])
def test_every_nested_field_is_checked(changes, reason):
    with pytest.raises(PlatformUnavailable) as exc:
        parse_answer(_answer(**changes), CODE)
    assert str(exc.value) == reason


def test_a_json_list_is_not_an_answer():
    with pytest.raises(PlatformUnavailable, match="不是 JSON 对象"):
        parse_answer(b"[]", CODE)


def test_feedback_post_is_never_retried_by_the_client(online):
    # The outbox decides when to send again (with backoff); a retry here would hide the failure.
    online.platform.fault("500", scope="feedback")
    with pytest.raises(FeedbackDeferred) as exc:
        client_for(online.platform.url).post_feedback(b"{}")
    assert exc.value.status == 500
    assert [r.method for r in online.platform.log] == ["POST"]


def test_a_refused_signature_is_not_retried(online):
    client = PlatformClient(online.platform.url, APP_KEY, operator="op", secret=lambda: "wrong")
    with pytest.raises(PlatformUnavailable, match="HTTP 401"):
        client.query(CODE, None, deadline=2)
    assert len(online.platform.log) == 1
