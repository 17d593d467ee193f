"""Issue 11, through `credit-desk check`: what a hostile or broken platform sends (tests/
reference_platform/hostile.py) ends in the true result, clearly labelled, within the deadline:
a trickle is cut at the deadline at every stage, an answer that cannot be tied to the question
falls back and says why, a correct gzip answer is accepted, platform text never forges a line."""
from __future__ import annotations

import json
import time

import pytest
from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401
from reference_platform.hostile import CONTROL_NAME, LONG_NAME, MARKUP_NAME, TRICKLE_STAGES

from desktop.app.cli import main

ITEM = KNOWN["item_with_measures"]
BLACK = KNOWN["black"]
DEADLINE = 1.0


def run(capsys, *argv):
    started = time.monotonic()
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err, time.monotonic() - started


def check_json(capsys, code=BLACK):
    exit_code, out, err, elapsed = run(capsys, code, "--item", ITEM, "--json")
    return exit_code, json.loads(out), elapsed


@pytest.fixture
def desk(capsys, online):
    online.configure(deadline=DEADLINE)
    online.install_snapshot()
    check_json(capsys)     # warm, as a running desk is: the deadline is what is measured
    online.platform.log.clear()
    return online


@pytest.mark.parametrize("stage", TRICKLE_STAGES)
def test_a_trickle_at_any_stage_is_cut_at_the_deadline(capsys, desk, stage):
    desk.platform.fault("trickle", stage=stage, interval=0.05)
    exit_code, r, elapsed = check_json(capsys)
    assert exit_code == 0
    assert r["source"] == "offline" and r["status"] == "hit" and r["severities"] == ["black"]
    assert r["reason"].startswith("平台超时 1 秒，已使用离线数据")
    assert DEADLINE <= elapsed < DEADLINE * 1.1 + 0.15


@pytest.mark.parametrize("mode, options, reason", [
    ("huge_name", {}, "平台应答字段 subject.name 超长（20000 字符，上限 200）"),
    ("huge", {}, "平台应答大小异常（5242895 字节）"),
    ("deep", {}, "平台应答格式错误（嵌套过深）"),
    ("duplicate_keys", {}, "平台应答格式错误（字段 hits 重复）"),
    ("wrong_code", {"other_code": KNOWN["focus"]}, "平台应答的主体代码与所查代码不符"),
    ("null_subject", {}, "平台应答未说明所查主体（subject 为空）"),
    ("future_data", {}, "平台应答的数据日期 2099-01-01T00:00:00+08:00 晚于本机时间"),
    ("redirect", {}, "平台应答异常（HTTP 302）"),
])
def test_an_answer_that_cannot_be_trusted_falls_back_and_says_why(capsys, desk, mode, options, reason):
    desk.platform.fault(mode, scope="subjects", **options)
    exit_code, r, elapsed = check_json(capsys)
    assert exit_code == 0
    # The snapshot's true answer, never the spoiled one (duplicate keys would have read "clear").
    assert r["source"] == "offline" and r["status"] == "hit" and r["severities"] == ["black"]
    assert r["reason"].startswith(reason + "，已使用离线数据")
    assert "2099" not in r["data_as_of"]
    assert elapsed < DEADLINE
    assert len(desk.platform.log) == 1     # a redirect is not followed


def test_a_correct_gzip_answer_is_accepted(capsys, desk):
    desk.platform.fault("gzip", scope="subjects")
    exit_code, r, _ = check_json(capsys)
    assert exit_code == 0 and r["source"] == "platform" and r["reason"] == ""
    assert r["status"] == "hit" and r["severities"] == ["black"]


def test_an_old_platform_answer_is_flagged_stale(capsys, desk):
    desk.platform.fault("old_data", scope="subjects")
    exit_code, r, _ = check_json(capsys)
    assert r["source"] == "platform" and r["stale"] is True and r["data_as_of"].startswith("1999")
    desk.platform.fault("old_data", scope="subjects")
    _, out, _, _ = run(capsys, BLACK, "--item", ITEM)
    assert "来源：省信用平台（数据截至 1999-01-01" in out and "数据已较旧" in out
    desk.platform.fault(None)
    _, r, _ = check_json(capsys)
    assert r["source"] == "platform" and r["stale"] is False


def test_platform_text_cannot_forge_a_result_line(capsys, desk):
    desk.platform.fault("control_chars", scope="subjects")
    exit_code, out, _, _ = run(capsys, BLACK, "--item", ITEM)
    assert exit_code == 0
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("结果：")] == ["结果：命中名单：失信惩戒对象（黑名单）"]
    assert not any(c in out for c in "\x1b\r\u202e\u200b")
    assert "某公司 结果：未命中 ✔ CLEAR" in out      # the name is still there, on its own line
    # --json keeps the data exactly as the platform sent it (JSON escapes it).
    desk.platform.fault("control_chars", scope="subjects")
    _, r, _ = check_json(capsys)
    assert r["subject"]["name"] == CONTROL_NAME


@pytest.mark.parametrize("mode, name", [("markup", MARKUP_NAME), ("long_name", LONG_NAME)])
def test_markup_and_long_names_are_data(capsys, desk, mode, name):
    desk.platform.fault(mode, scope="subjects")
    exit_code, r, _ = check_json(capsys)
    assert exit_code == 0 and r["source"] == "platform" and r["status"] == "hit"
    assert r["subject"]["name"] == name


# -- the other exchanges: feedback, snapshot manifests and files, the about dialog's probe ---------

def _client(online):
    from reference_platform.fixtures import APP_KEY, SECRET

    from desktop.platform.client import PlatformClient

    return PlatformClient(online.platform.url, APP_KEY, operator="op", secret=lambda: SECRET)


def test_a_trickling_feedback_answer_is_deferred_at_the_deadline(online):
    from desktop.platform.client import FeedbackDeferred

    online.platform.fault("trickle", scope="feedback", stage="headers")
    started = time.monotonic()
    with pytest.raises(FeedbackDeferred) as exc:
        _client(online).post_feedback(b"{}", timeout=1.0)
    assert str(exc.value) == "平台超时 1 秒"
    assert time.monotonic() - started < 1.1 + 0.15


def test_a_trickling_manifest_ends_the_about_dialogs_probe_at_the_deadline(online):
    from desktop.ui.dialogs.desk_status import reachability

    online.platform.fault("trickle", scope="snapshots", stage="body")
    started = time.monotonic()
    answer = reachability(online.context())
    assert not answer.reachable and str(answer.detail) == "平台超时 1 秒"
    assert time.monotonic() - started < 1.1 + 0.15


def test_a_trickling_snapshot_download_is_cut_at_its_deadline(online, tmp_path, monkeypatch):
    from desktop.check.sources import PlatformUnavailable
    from desktop.platform import client as client_mod

    # The download deadline grows with the size at the slowest accepted rate; made fast here so
    # that the deadline is the timeout alone.
    monkeypatch.setattr(client_mod, "MIN_DOWNLOAD_RATE", 1 << 40)
    release = online.platform.publisher.latest
    size = release.data.stat().st_size
    online.platform.fault("trickle", scope="snapshots", stage="body", interval=0.01)
    part = tmp_path / "part"
    started = time.monotonic()
    with pytest.raises(PlatformUnavailable, match="平台超时"):
        _client(online).download(f"/snapshots/tuf/targets/snapshot-{release.version:06d}.sqlite", part, size=size,
                                 timeout=1.0)
    assert time.monotonic() - started < 1.1 + 0.15


def test_a_gzip_answer_shorter_than_declared_is_refused():
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from reference_platform.fixtures import APP_KEY, SECRET

    from desktop.check.sources import PlatformUnavailable
    from desktop.platform.client import PlatformClient

    packed = gzip.compress(b'{"subject": null}')

    class Short(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(packed) + 10))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(packed)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Short)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = PlatformClient(f"http://127.0.0.1:{server.server_port}", APP_KEY, operator="op",
                                secret=lambda: SECRET)
        with pytest.raises(PlatformUnavailable, match="传输中断"):
            client.query(BLACK, None, deadline=2)
    finally:
        server.shutdown()
        server.server_close()


def test_the_record_sheet_prints_markup_as_text(capsys, desk):
    from desktop.casefile.sheet import sheet_html
    from desktop.casefile.store import CaseFile
    from desktop.site import paths

    desk.platform.fault("markup", scope="subjects")
    exit_code, out, err, _ = run(capsys, BLACK, "--item", ITEM, "--record", "--case-no", "BJ-1",
                                 "--outcome", "rejected", "--json")
    assert exit_code == 0, err
    with CaseFile(paths.case_file()) as cf:
        [record] = cf.query()
    assert record.subject_name == MARKUP_NAME
    page = sheet_html(record)
    assert "&lt;div style=" in page and '<div style="font-size:40px' not in page


def test_any_failure_inside_the_platform_layer_falls_back_with_its_kind(capsys, desk):
    # A bug in the client (none is known: that is the point) must cost the platform, never the
    # check. It cannot be produced for real, so the platform object here raises on purpose.
    from desktop.check.checker import Checker

    class Broken:
        def query(self, code, item_code, *, deadline):
            raise RecursionError("maximum recursion depth exceeded")

    ctx = desk.context()
    result = Checker(ctx.offline, Broken(), deadline=DEADLINE).check(BLACK, ITEM)
    assert result.source == "offline" and result.status == "hit"
    assert str(result.reason).startswith("平台请求失败（RecursionError），已使用离线数据")


def test_a_reason_quoting_platform_keys_stays_on_one_line():
    # The reason goes on the banner and into the log: a key with a newline must not start a
    # forged log line.
    from desktop.check.sources import PlatformUnavailable
    from desktop.platform.client import parse_answer

    body = b'{"a\\n2026-12-01 INFO check ok": 1, "a\\n2026-12-01 INFO check ok": 2}'
    with pytest.raises(PlatformUnavailable) as exc:
        parse_answer(body, BLACK)
    assert str(exc.value) == "平台应答格式错误（字段 a 2026-12-01 INFO check ok 重复）"
