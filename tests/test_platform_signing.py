"""Request signatures as DESIGN.md defines them: a hand-computed HMAC vector, and the reference
platform accepting signed GET and POST requests and refusing bad signatures, stale timestamps and
replayed nonces with 401."""
from __future__ import annotations

import json
import time
import uuid

import requests
from reference_platform.fixtures import APP_KEY, KNOWN, SECRET, memory_keyring, online  # noqa: F401

from desktop.platform.signing import signature, signed_headers

# Computed independently with coreutils and openssl:
#   printf 'GET\n<path>\n1700000000\nabc123\n%s' "$(printf '' | sha256sum | cut -d' ' -f1)" \
#     | openssl dgst -sha256 -hmac test-secret
GET_VECTOR = "f7d945ee758bd253c3bb9ac02ae668e6f3b47b50366fad5a8ee6be50751a80cc"
POST_VECTOR = "ff377139622fc09e4864b985da1e3d274da5a4e80305ae11c49df31dde445c52"


def test_signature_matches_hand_computed_vectors():
    assert signature("test-secret", "GET", "/api/v1/subjects/91440106MA9P6N4D3U?item=440106-XK-001",
                     "1700000000", "abc123") == GET_VECTOR
    assert signature("test-secret", "POST", "/api/v1/feedback", "1700000000", "n-1", b'{"a":1}') == POST_VECTOR


def _get(online, path, headers):
    return requests.get(online.platform.url + path, headers=headers, timeout=5)


def test_signed_get_with_query_is_accepted_and_a_tampered_one_refused(online):
    path = f"/api/v1/subjects/{KNOWN['black']}?item={KNOWN['item_with_measures']}"
    ok = _get(online, path, signed_headers(APP_KEY, SECRET, "GET", path))
    assert ok.status_code == 200 and ok.json()["subject"]["code"] == KNOWN["black"]

    # Signed for one item, sent for another: the query is part of what is signed.
    headers = signed_headers(APP_KEY, SECRET, "GET", path)
    other = _get(online, f"/api/v1/subjects/{KNOWN['black']}?item=OTHER", headers)
    assert other.status_code == 401 and other.json()["error"]["code"] == "bad_signature"

    wrong_secret = _get(online, path, signed_headers(APP_KEY, "not-the-secret", "GET", path))
    assert wrong_secret.status_code == 401


def test_stale_timestamp_and_replayed_nonce_are_refused(online):
    path = f"/api/v1/subjects/{KNOWN['black']}"
    stale = _get(online, path, signed_headers(APP_KEY, SECRET, "GET", path, now=time.time() - 301))
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "clock_skew"
    future = _get(online, path, signed_headers(APP_KEY, SECRET, "GET", path, now=time.time() + 301))
    assert future.status_code == 401
    within = _get(online, path, signed_headers(APP_KEY, SECRET, "GET", path, now=time.time() - 200))
    assert within.status_code == 200

    headers = signed_headers(APP_KEY, SECRET, "GET", path)
    assert _get(online, path, headers).status_code == 200
    replay = _get(online, path, headers)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "replayed_nonce"


def _feedback(fid: str) -> bytes:
    return json.dumps({"feedback_id": fid, "case_no": "BJ-1", "item_code": "X", "subject_code": KNOWN["black"],
                       "checked_at": "2026-11-25T00:00:00+00:00", "operator": "op", "hall": "h",
                       "window": "1", "source": "platform", "snapshot_version": None, "status": "hit",
                       "entry_ids": [], "measures_applied": [], "outcome": "approved", "note": "",
                       "record_no": 1, "record_hash": "a" * 64, "prev_hash": "0" * 64}).encode()


def test_signed_post_is_accepted_idempotently_and_a_changed_body_refused(online):
    fid = str(uuid.uuid4())
    body = _feedback(fid)
    url = online.platform.url + "/api/v1/feedback"

    def post(data, signed_body=None):
        headers = signed_headers(APP_KEY, SECRET, "POST", "/api/v1/feedback", signed_body or data)
        return requests.post(url, data=data, headers=dict(headers, **{"Content-Type": "application/json"}),
                             timeout=5)

    assert post(body).status_code == 201
    assert post(body).status_code == 200          # same feedback_id: already had it
    assert post(body.replace(b'"approved"', b'"refused"'), signed_body=body).status_code == 401
    assert list(online.platform.feedback) == [fid]
    assert online.platform.feedback[fid]["outcome"] == "approved"


def test_unsigned_request_is_refused(online):
    r = requests.get(online.platform.url + f"/api/v1/subjects/{KNOWN['black']}", timeout=5)
    assert r.status_code == 401
