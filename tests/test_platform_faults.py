"""Every way the reference platform can fail, as the clerk meets it through `credit-desk check`:
the exact status, source and reason on the result, and nothing from the platform mixed in."""
from __future__ import annotations

import json
import ssl

import pytest
from reference_platform import ReferencePlatform
from reference_platform.fixtures import (  # noqa: F401
    APP_KEY,
    KNOWN,
    SECRET,
    make_tls,
    memory_keyring,
    online,
)

from desktop.app.cli import main
from desktop.check.model import fmt_time

ITEM = KNOWN["item_with_measures"]
FELL_BACK = "，已使用离线数据（截至 {as_of}）"


def check(capsys, *argv):
    code = main(["check", *argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def as_of(online) -> str:
    return fmt_time(online.platform.publisher.latest.data_as_of)


def subject_requests(online) -> int:
    return sum(1 for r in online.platform.log if r.path.startswith("/api/v1/subjects/"))


def test_healthy_platform_answers_with_operator_header(capsys, online):
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert code == 0
    assert r["source"] == "platform" and r["status"] == "hit" and r["severities"] == ["black"]
    assert r["request_id"] and r["snapshot_version"] is None and r["reason"] == ""
    assert r["measures"] and all(m["basis"] for m in r["measures"])
    assert [x.operator for x in online.platform.log] == ["test-op"]


@pytest.mark.parametrize("mode, options, reason, attempts", [
    ("500", {}, "平台故障（HTTP 500）", 2),
    ("429", {"retry_after": 30}, "平台繁忙（HTTP 429），30 秒后可再试", 1),
    ("malformed", {}, "平台应答格式错误（不是有效的 JSON）", 1),
    ("missing_field", {"field": "hits"}, "平台应答缺少字段 hits", 1),
    ("wrong_type", {"field": "hits"}, "平台应答字段 hits 的类型或取值不对", 1),
    ("wrong_type", {"field": "data_as_of"}, "平台应答字段 data_as_of 的类型或取值不对", 1),
    ("truncated", {}, "平台应答不完整（传输中断）", 1),
    ("slow", {"delay": 1.5}, "平台超时 1 秒", 1),
    ("hang", {}, "平台超时 1 秒", 1),
])
def test_fault_falls_back_to_the_snapshot_and_says_why(capsys, online, mode, options, reason, attempts):
    online.install_snapshot()
    online.platform.fault(mode, **options)
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert code == 0
    assert r["source"] == "offline" and r["status"] == "hit" and r["severities"] == ["black"]
    assert r["reason"] == reason + FELL_BACK.format(as_of=as_of(online))
    assert r["snapshot_version"] == 1 and r["request_id"] is None
    assert subject_requests(online) == attempts


def test_refused_connection_falls_back(capsys, online):
    online.install_snapshot()
    online.platform.fault("refuse")
    code, r, _ = check(capsys, KNOWN["focus"], "--item", ITEM)
    assert code == 0 and r["source"] == "offline" and r["status"] == "hit"
    assert r["reason"] == "无法连接平台（连接被拒绝）" + FELL_BACK.format(as_of=as_of(online))


@pytest.mark.parametrize("mode, options", [("500", {"times": 1}), ("429", {"retry_after": 0, "times": 1})])
def test_one_passing_failure_is_retried_within_the_deadline(capsys, online, mode, options):
    online.platform.fault(mode, **options)
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert code == 0 and r["source"] == "platform" and r["reason"] == ""
    assert subject_requests(online) == 2


def test_bad_signature_on_our_side_is_a_clear_401_reason(capsys, online, memory_keyring):
    online.install_snapshot()
    memory_keyring.set_password("credit-desk", APP_KEY, "a-stale-secret")
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert r["source"] == "offline"
    assert r["reason"].startswith("平台拒绝了本机的请求签名（HTTP 401）：请检查平台密钥和本机时钟")


def test_missing_secret_falls_back_without_asking_the_platform(capsys, online, memory_keyring):
    online.install_snapshot()
    memory_keyring.delete_password("credit-desk", APP_KEY)
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert r["source"] == "offline"
    assert r["reason"].startswith(f"本机未设置平台密钥：请信息技术人员执行 credit-desk secrets set {APP_KEY}")
    assert online.platform.log == []


def test_no_platform_and_no_snapshot_is_unverified_with_both_reasons(capsys, online):
    online.platform.fault("refuse")
    code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
    assert code == 3 and r["status"] == "unverified" and r["hits"] == [] and r["measures"] == []
    assert r["reason"].startswith("无法连接平台（连接被拒绝）；本机没有离线数据")


def test_clear_subject_from_platform_is_never_mixed_with_snapshot(capsys, online):
    # The platform publishes a new entry the desk's snapshot does not know: the answer must show
    # it, and a fallback must not.
    online.install_snapshot()
    code = KNOWN["clear"][0]
    online.platform.publisher.publish(lambda c: c.execute(
        "INSERT INTO entries VALUES ('NEW-1', ?, (SELECT list_code FROM lists WHERE severity='black' LIMIT 1),"
        " '法院', '2026-11-01', NULL, '判决', 'active')", (code,)))
    _, online_r, _ = check(capsys, code, "--item", ITEM)
    assert online_r["source"] == "platform" and online_r["status"] == "hit"
    assert [h["entry_id"] for h in online_r["hits"]] == ["NEW-1"]
    online.platform.fault("hang")
    _, offline_r, _ = check(capsys, code, "--item", ITEM)
    assert offline_r["source"] == "offline" and offline_r["status"] == "clear" and offline_r["hits"] == []


def test_tls_verified_against_the_configured_ca_bundle(capsys, tmp_path, online):
    ca, cert, key = make_tls(tmp_path / "tls")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure = ReferencePlatform(tmp_path / "secure", credentials={APP_KEY: SECRET}, ssl_context=context,
                               publisher=online.platform.publisher).start()
    try:
        online.configure(base_url=secure.url, extra=f'ca_bundle = "{ca.as_posix()}"')
        code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
        assert r["source"] == "platform" and r["status"] == "hit"

        online.install_snapshot()
        online.configure(base_url=secure.url)  # system trust: the private CA is unknown
        code, r, _ = check(capsys, KNOWN["black"], "--item", ITEM)
        assert r["source"] == "offline"
        assert r["reason"].startswith("平台证书校验失败（请信息技术人员检查配置项 platform.ca_bundle）")
    finally:
        secure.stop()
