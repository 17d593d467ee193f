"""Feedback upload as a hall meets it: recorded checks reach the platform exactly once, through
outages, busy answers, restarts and a sender killed mid-upload; `credit-desk outbox status/flush`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reference_platform.fixtures import APP_KEY, KNOWN, SECRET, memory_keyring, online  # noqa: F401

from desktop.app.cli import main
from desktop.casefile.record import feedback_message
from desktop.platform.client import PlatformClient
from desktop.platform.outbox import Outbox
from desktop.site import paths

ITEM = KNOWN["item_with_measures"]
REPO = Path(__file__).resolve().parent.parent


def record(capsys, n: int, code: str | None = None) -> None:
    code = code or KNOWN["black"]
    assert main(["check", code, "--item", ITEM, "--record", "--case-no", f"BJ-2026-{n:04d}",
                 "--outcome", "rejected", "--json"]) == 0
    capsys.readouterr()


def outbox_cli(capsys, *argv):
    code = main(["outbox", *argv])
    out, err = capsys.readouterr()
    return code, out, err


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def outbox_with(online, clock) -> Outbox:
    client = PlatformClient(online.platform.url, APP_KEY, operator="test-op", secret=lambda: SECRET)
    return Outbox(paths.case_file(), paths.outbox_file(), client, message=feedback_message,
                  clock=clock)


def test_recorded_checks_are_uploaded_once_and_status_says_so(capsys, online):
    for n in range(3):
        record(capsys, n)
    code, out, _ = outbox_cli(capsys, "status", "--json")
    assert code == 0 and json.loads(out)["pending"] == 3
    code, out, _ = outbox_cli(capsys, "flush")
    assert code == 0 and "已上报 3 条，仍待上报 0 条" in out
    assert len(online.platform.feedback) == 3
    cases = {f["case_no"] for f in online.platform.feedback.values()}
    assert cases == {"BJ-2026-0000", "BJ-2026-0001", "BJ-2026-0002"}
    assert all(f["outcome"] == "rejected" and f["hall"] == "440106-01" for f in online.platform.feedback.values())
    code, out, _ = outbox_cli(capsys, "flush")
    assert "已上报 0 条" in out and sum(online.platform.feedback_posts.values()) == 3
    status = json.loads(outbox_cli(capsys, "status", "--json")[1])
    assert status["pending"] == 0 and status["delivered"] == 3


def test_outage_then_recovery_delivers_every_message_exactly_once(capsys, online):
    online.install_snapshot()
    online.platform.fault("refuse")
    for n in range(5):
        record(capsys, n)   # fell back to the snapshot; still recorded, still to report
    clock = Clock()
    box = outbox_with(online, clock)
    first = box.flush()
    assert first.delivered == 0 and first.pending == 5 and "无法连接平台" in str(first.reason)
    # A 20-minute outage: the sender tries only when its backoff has run out, never in a burst.
    tries = 1
    for _ in range(20):
        clock.now += 60
        report = box.flush()
        if report.reason is not None and "稍后自动重试" not in str(report.reason):
            tries += 1
        assert report.delivered == 0 and report.pending == 5
    assert 2 <= tries <= 8
    status = box.status()
    assert status.pending == 5 and status.retry_at is not None and "连接被拒绝" in status.last_error

    online.platform.fault(None)
    clock.now = status.retry_at + 1
    done = box.flush()
    assert done.sent == 5 and done.pending == 0
    assert len(online.platform.feedback) == 5 and set(online.platform.feedback_posts.values()) == {1}
    assert box.flush().delivered == 0 and box.pending_count() == 0


def test_busy_platform_retry_after_is_honoured(capsys, online):
    record(capsys, 1)
    clock = Clock()
    box = outbox_with(online, clock)
    online.platform.fault("429", retry_after=120, times=1)
    report = box.flush()
    assert report.delivered == 0 and "平台繁忙（HTTP 429）" in str(report.reason)
    assert report.retry_at >= clock.now + 120
    posts = len(online.platform.log)
    clock.now += 119
    assert box.flush().delivered == 0 and len(online.platform.log) == posts   # not even asked
    clock.now += 2
    assert box.flush().sent == 1


def test_a_refused_message_is_kept_and_does_not_block_the_others(capsys, online, monkeypatch):
    record(capsys, 1)
    record(capsys, 2)
    box = outbox_with(online, Clock())
    real = box.client.post_feedback

    def refuse_first(payload: bytes, **kw):
        if b"BJ-2026-0001" in payload:
            return real(b'{"feedback_id": "not-a-uuid"}', **kw)   # the platform answers 400
        return real(payload, **kw)
    monkeypatch.setattr(box.client, "post_feedback", refuse_first)
    report = box.flush()
    assert report.sent == 1 and report.pending == 1
    status = box.status()
    assert status.pending == 1 and status.refused == 1
    code, out, _ = outbox_cli(capsys, "status")
    assert "被平台拒收" in out and "待上报：1 条" in out


def test_sender_killed_mid_upload_loses_and_duplicates_nothing(capsys, online, tmp_path):
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({f"credit-desk/{APP_KEY}": SECRET}), encoding="utf-8")
    for n in range(3):
        record(capsys, n)
    # The platform stores the first message, then its answer never comes back.
    online.platform.fault("hang", scope="feedback", after_accept=True, times=1)
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TEST_KEYRING_FILE=str(keyring_file), PYTHONPATH=os.pathsep.join([str(REPO / "tests"), str(REPO)]))
    sender = subprocess.Popen([sys.executable, "-m", "desktop", "outbox", "flush"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not online.platform.feedback and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(online.platform.feedback) == 1
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
    assert sender.returncode == -signal.SIGKILL
    online.platform.fault(None)

    code, out, _ = outbox_cli(capsys, "flush")
    assert code == 0 and "已上报 3 条（其中 1 条平台此前已收到），仍待上报 0 条" in out
    assert len(online.platform.feedback) == 3                 # nothing lost, nothing twice
    first = next(fid for fid, n in online.platform.feedback_posts.items() if n == 2)
    assert sorted(online.platform.feedback_posts.values()) == [1, 1, 2] and first
    assert json.loads(outbox_cli(capsys, "status", "--json")[1])["pending"] == 0


def test_offline_only_deployment_keeps_feedback_and_says_so(capsys):
    record(capsys, 1)
    code, out, err = outbox_cli(capsys, "flush")
    assert code == 5 and "未配置省平台" in err
    code, out, _ = outbox_cli(capsys, "status")
    assert "待上报：1 条" in out and "仅离线" in out
