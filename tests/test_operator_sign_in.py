"""Operator sign-in (issue 17 item 1) from the command line and the desk: against the reference
platform, offline from the cached verifier, token expiry, the OS account map, and refusals that
look nobody up."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.desk.context import DeskContext, SignInRequired
from desktop.platform.operators import SignInRefused

PLATFORM_AUTH = '\n[operators]\nauth = "platform"\noffline_days = 7\n'
OPERATOR, PASSWORD = "GZ-0117", "correct horse battery"
ORG = KNOWN["black"]


@pytest.fixture
def signing(online, monkeypatch):
    online.platform.state.operators = {OPERATOR: PASSWORD}
    online.configure(operators=PLATFORM_AUTH)
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", OPERATOR)
    return online


def check(capsys, monkeypatch, password: str, *argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["check", ORG, "--json", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def queries(online):
    return [r for r in online.platform.log if r.path == "/api/v1/subjects/query"]


def test_sign_in_online_sends_the_token_and_keeps_only_a_verifier(capsys, monkeypatch, signing,
                                                                  memory_keyring):
    code, out, err = check(capsys, monkeypatch, PASSWORD)
    assert code == 0, err
    assert json.loads(out)["source"] == "platform"
    [session, query] = signing.platform.log
    assert session.path == "/api/v1/operators/session" and session.status == 201
    assert PASSWORD not in session.body and query.status == 200 and query.operator == OPERATOR
    stored = memory_keyring.get_password("credit-desk", f"operator-verifier:{OPERATOR}")
    assert stored and PASSWORD not in stored
    entry = json.loads(stored)
    assert entry["memory_cost"] >= 65536 and len(entry["salt"]) >= 20


def test_a_wrong_password_looks_nobody_up(capsys, monkeypatch, signing):
    code, out, err = check(capsys, monkeypatch, "wrong")
    assert code == 2 and out == "" and "工号或密码不正确" in err
    assert queries(signing) == []


def test_a_query_without_a_valid_token_is_refused_by_the_platform(signing):
    ctx = DeskContext.from_environment()
    ctx.sign_in(PASSWORD)
    ctx.platform.token = "0" * 64  # someone else's, or made up
    result = ctx.checker.check(ORG)
    assert result.source == "offline" and "HTTP 401" in str(result.reason)


def test_offline_sign_in_from_the_cached_verifier(signing):
    DeskContext.from_environment().sign_in(PASSWORD)  # online once
    signing.platform.stop()
    ctx = DeskContext.from_environment()
    with pytest.raises(SignInRefused, match="工号或密码不正确"):
        ctx.sign_in("wrong")
    session = ctx.sign_in(PASSWORD)
    assert session.mode == "offline" and session.token is None
    assert ctx.checker.check(ORG).source == "offline"
    # Past offline_days, or with the clock set back before the online sign-in: refused.
    later = datetime.now(timezone.utc) + timedelta(days=8)
    with pytest.raises(SignInRefused, match="离线登录已过期"):
        ctx.sign_in(PASSWORD, now=later)
    with pytest.raises(SignInRefused, match="时钟可能被调回"):
        ctx.sign_in(PASSWORD, now=datetime.now(timezone.utc) - timedelta(days=1))


def test_offline_without_an_earlier_online_sign_in_is_refused(capsys, monkeypatch, signing):
    signing.platform.stop()
    code, out, err = check(capsys, monkeypatch, PASSWORD)
    assert code == 2 and out == "" and "在平台可用时登录一次" in err


def test_an_expired_sign_in_looks_nobody_up(signing):
    signing.platform.state.token_seconds = 60
    ctx = DeskContext.from_environment()
    session = ctx.sign_in(PASSWORD)
    assert timedelta(seconds=50) < session.expires - datetime.now(timezone.utc) <= timedelta(seconds=60)
    ctx.checker.check(ORG)
    asked = len(queries(signing))
    ctx.session = type(session)(**{**session.__dict__, "expires": datetime.now(timezone.utc)})
    with pytest.raises(SignInRequired, match="登录已过期"):
        ctx.checker.check(ORG)
    assert len(queries(signing)) == asked and ctx.platform.token is None
    # The platform, too, refuses a token past its time.
    ctx.sign_in(PASSWORD)
    signing.platform.state.clock = lambda: 10 ** 10
    result = ctx.checker.check(ORG)
    assert result.source == "offline" and "401" in str(result.reason)


def test_an_unmapped_os_account_cannot_check(capsys, monkeypatch, online):
    online.configure(operators='\n[operators]\nauth = "os"\n\n[operators.os_map]\n"someone-else" = "GZ-9"\n')
    code, out, err = check(capsys, monkeypatch, "")
    assert code == 2 and out == "" and "未在配置 [operators.os_map] 中对应工号" in err
    assert queries(online) == []


def test_the_os_account_is_the_operator_whatever_the_environment_says(capsys, monkeypatch, online):
    monkeypatch.setenv("CREDIT_DESK_OPERATOR", "somebody-else")
    code = main(["--operator", "another", "check", ORG, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [q.operator for q in queries(online)] == ["test-op"]
