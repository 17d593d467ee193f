"""The deadline is a promise to the clerk: a hanging or slow platform costs at most the deadline
(plus a small margin) before the snapshot answers, a refused one far less, and the banner says
exactly what happened."""
from __future__ import annotations

import json
import time

from reference_platform.fixtures import KNOWN, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.check.model import fmt_time

ITEM = KNOWN["item_with_measures"]
MARGIN = 0.3


def timed_check(capsys, code=KNOWN["black"]):
    started = time.monotonic()
    main(["check", code, "--item", ITEM, "--json"])
    elapsed = time.monotonic() - started
    return json.loads(capsys.readouterr().out), elapsed


def test_default_deadline_wording_when_the_platform_hangs(capsys, online):
    online.configure(deadline=3.0)
    online.install_snapshot()
    timed_check(capsys)           # warm, as a running desk is: the deadline is what is measured
    online.platform.fault("hang")
    r, elapsed = timed_check(capsys)
    as_of = fmt_time(online.platform.publisher.latest.data_as_of)
    assert r["reason"] == f"平台超时 3 秒，已使用离线数据（截至 {as_of}）"
    assert r["source"] == "offline" and r["status"] == "hit"
    assert 3.0 <= elapsed < 3.0 + MARGIN


def test_short_deadline_is_kept_for_a_slow_platform(capsys, online):
    online.configure(deadline=0.5)
    online.install_snapshot()
    timed_check(capsys)
    online.platform.fault("slow", delay=2.0)
    r, elapsed = timed_check(capsys)
    assert r["reason"].startswith("平台超时 0.5 秒，已使用离线数据")
    assert 0.5 <= elapsed < 0.5 + MARGIN


def test_deadline_is_kept_when_the_platform_stalls_mid_answer(capsys, online):
    # Headers and half the body arrive late, then nothing: a read timeout set when the request
    # went out would wait most of a second deadline for the rest.
    deadline = 1.0
    online.configure(deadline=deadline)
    online.install_snapshot()
    timed_check(capsys)
    online.platform.log.clear()
    online.platform.fault("hang", mid_body=True, delay=0.6)
    r, elapsed = timed_check(capsys)
    assert r["source"] == "offline" and r["status"] == "hit"
    assert r["reason"].startswith("平台超时 1 秒，已使用离线数据")
    assert deadline <= elapsed < deadline + MARGIN
    assert [x.status for x in online.platform.log] == [200]   # the answer had begun


def test_refused_connection_falls_back_at_once(capsys, online):
    # A refusal is an answer: the desk does not sit out the deadline. The deadline is long here
    # so that a loaded machine cannot blur the difference (speed itself is benchmarks/' subject).
    online.configure(deadline=6.0)
    online.install_snapshot()
    timed_check(capsys)           # warm: the snapshot verdict and imports, as on a running desk
    online.platform.fault("refuse")
    r, elapsed = timed_check(capsys)
    assert r["source"] == "offline" and r["reason"].startswith("无法连接平台（连接被拒绝）")
    assert elapsed < 2.0


def test_platform_recovers_for_the_next_check(capsys, online):
    online.install_snapshot()
    online.platform.fault("500")
    assert timed_check(capsys)[0]["source"] == "offline"
    online.platform.fault(None)
    r, _ = timed_check(capsys)
    assert r["source"] == "platform" and r["reason"] == ""
