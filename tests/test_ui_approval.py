"""The approval system drives the real window: a creditdesk:// link from a second process, and a
local-API ticket that the clerk records with the keyboard and that then answers with the record."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import keyring
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from reference_platform.fixtures import memory_keyring  # noqa: F401
from ui_fixtures import KNOWN, badge_state, close_window, open_window, record, stored_records, widget

REPO = Path(__file__).resolve().parent.parent
ITEM = KNOWN["item_with_measures"]
TOKEN = "tok-ui-approval"


def open_url_process(url: str) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "desktop", "open-url", url], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_link_from_a_second_process_fills_the_running_window_and_checks(qtbot):
    window = open_window(qtbot)
    window.attach_approval_system()
    proc = open_url_process(f"creditdesk://check?item={ITEM}&case=GZ-LINK-1&code={KNOWN['black']}")
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)
    assert proc.returncode == 0, proc.stderr.read()
    page = window.check_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert widget(window, "caseNoInput", QLineEdit).text() == "GZ-LINK-1"
    assert widget(window, "itemSelector", QComboBox).currentData() == ITEM
    assert page.result.code == KNOWN["black"] and page.result.status == "hit" and badge_state(window) == "black"
    assert stored_records() == []  # filled and checked; only the clerk records
    close_window(window)


def test_a_refused_link_opens_nothing_and_says_why(capfd):
    proc = open_url_process(f"creditdesk://check?item={ITEM}&case=A1&code={KNOWN['person_black']}")
    assert proc.wait(30) == 2
    err = proc.stderr.read()
    assert "身份证号" in err and KNOWN["person_black"] not in err


def test_a_refused_link_handed_to_the_window_is_shown_on_screen(qtbot):
    window = open_window(qtbot)
    window.attach_approval_system()
    window.approval.open_link(f"creditdesk://check?item={ITEM}&case=A1&evil=1")
    box = window.findChild(QMessageBox, "linkRefused")
    assert box is not None and box.isVisible() and "evil" in box.text()
    assert window.check_page.result is None
    box.close()
    close_window(window)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_call(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path, body=json.dumps(body) if body else None,
                 headers={"Host": f"127.0.0.1:{port}", "Authorization": f"Bearer {TOKEN}",
                          "Content-Type": "application/json"})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    return resp.status, data


def test_api_round_trip_the_clerk_records_and_the_ticket_answers_with_the_record(qtbot, desk_env,
                                                                                 memory_keyring):
    _, config = desk_env
    port = free_port()
    config.write_text(f"[integration]\napi_port = {port}\n", encoding="utf-8")
    keyring.set_password("credit-desk", "integration", TOKEN)
    window = open_window(qtbot)
    window.attach_approval_system()
    qtbot.waitUntil(lambda: window.approval.api is not None, timeout=10_000)
    status, ticket = api_call(port, "POST", "/v1/checks",
                              {"case_no": "GZ-API-7", "item": ITEM, "code": KNOWN["black"]})
    assert status == 202
    page = window.check_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert widget(window, "caseNoInput", QLineEdit).text() == "GZ-API-7"
    assert api_call(port, "GET", f"/v1/checks/{ticket['ticket']}")[1]["state"] == "pending"
    assert stored_records() == []
    record(qtbot, window)  # Ctrl+Enter, as at the counter
    qtbot.waitUntil(lambda: api_call(port, "GET", f"/v1/checks/{ticket['ticket']}")[1]["state"]
                    == "recorded", timeout=20_000)
    answer = api_call(port, "GET", f"/v1/checks/{ticket['ticket']}")[1]
    stored = stored_records()
    assert len(stored) == 1 and answer["record"]["record_no"] == stored[0]["record_id"]
    assert answer["record"]["status"] == "hit" and answer["record"]["hits"]
    assert answer["record"]["measures_applied"]
    assert Path(answer["sheet"]).read_bytes().startswith(b"%PDF")
    close_window(window)


def test_without_a_token_the_window_says_how_to_set_one(qtbot, desk_env, memory_keyring):
    _, config = desk_env
    config.write_text(f"[integration]\napi_port = {free_port()}\n", encoding="utf-8")
    window = open_window(qtbot)
    window.attach_approval_system()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "approvalApiProblem") is not None,
                    timeout=10_000)
    box = window.findChild(QMessageBox, "approvalApiProblem")
    assert "secrets set integration" in box.text() and window.approval.api is None
    box.close()
    close_window(window)


def test_a_second_ticket_waits_until_the_clerk_has_recorded_the_first(qtbot, desk_env, memory_keyring):
    _, config = desk_env
    port = free_port()
    config.write_text(f"[integration]\napi_port = {port}\n", encoding="utf-8")
    keyring.set_password("credit-desk", "integration", TOKEN)
    window = open_window(qtbot)
    window.attach_approval_system()
    qtbot.waitUntil(lambda: window.approval.api is not None, timeout=10_000)
    page = window.check_page
    assert api_call(port, "POST", "/v1/checks", {"case_no": "Q-1", "item": ITEM, "code": KNOWN["black"]})[0] == 202
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    second = {"case_no": "Q-2", "item": ITEM, "code": KNOWN["clear"][0]}
    assert api_call(port, "POST", "/v1/checks", second)[0] == 202
    qtbot.waitUntil(lambda: len(window.approval.waiting) == 1, timeout=10_000)
    assert page.result.code == KNOWN["black"]  # the first applicant's result is not pushed away
    assert widget(window, "caseNoInput", QLineEdit).text() == "Q-1"
    record(qtbot, window)
    qtbot.waitUntil(lambda: page.result is not None and page.result.code == KNOWN["clear"][0], timeout=10_000)
    assert widget(window, "caseNoInput", QLineEdit).text() == "Q-2"
    close_window(window)
