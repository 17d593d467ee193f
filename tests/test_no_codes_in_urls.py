"""v1.1: no identity number (nor any credit code) in a URL, because gateways and proxies log URLs.
Checked against everything the reference platform saw: its request log keeps each path with its
query and each body masked, the way a gateway's log would."""
from __future__ import annotations

import json

from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main

PEOPLE = (KNOWN["person_black"], KNOWN["person_clear"])


def test_no_code_in_any_url_the_platform_saw(capsys, online):
    for code in (*PEOPLE, KNOWN["black"]):
        assert main(["check", code, "--item", KNOWN["item_with_measures"], "--json",
                     *(["--purpose", "依法履职：行政许可审查"] if code in PEOPLE else [])]) == 0
        assert json.loads(capsys.readouterr().out)["source"] == "platform"
    seen = online.platform.log
    queries = [r for r in seen if r.path == "/api/v1/subjects/query"]
    assert [r.method for r in queries] == ["POST"] * 3
    for r in seen:
        for code in (*PEOPLE, KNOWN["black"]):
            assert code not in r.path
    # The platform's own log keeps the question, with the person's number masked.
    assert "440303********6268" in queries[0].body and KNOWN["person_black"] not in queries[0].body
    assert all(p not in r.body for r in seen for p in PEOPLE)


def test_v1_get_stays_served_for_old_clients(online):
    """The reference platform still answers the v1 GET (DESIGN.md); the client no longer sends it."""
    import requests

    from desktop.platform.signing import signed_headers
    from reference_platform.fixtures import APP_KEY, SECRET

    path = f"/api/v1/subjects/{KNOWN['black']}"
    resp = requests.get(online.platform.url + path, headers=signed_headers(APP_KEY, SECRET, "GET", path),
                        timeout=5)
    assert resp.status_code == 200 and resp.json()["subject"]["code"] == KNOWN["black"]
    assert "known" not in resp.json()


def test_a_query_body_that_is_not_the_contract_is_refused(online):
    import requests

    from desktop.platform.signing import signed_headers
    from reference_platform.fixtures import APP_KEY, SECRET

    path = "/api/v1/subjects/query"
    for body in (b"[]", b'{"code": 5}', b'{"code": "x", "extra": 1}', b"not json"):
        resp = requests.post(online.platform.url + path, data=body,
                             headers=signed_headers(APP_KEY, SECRET, "POST", path, body), timeout=5)
        assert resp.status_code == 400, body
