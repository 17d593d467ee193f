"""The approval system's local API against the counter: a check posted to the API until its result
is on screen, against the same check scanned at the counter, in the same window and run; both
end when the window has laid out and painted the result (bench_ui's module docstring).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_integration.py --checks 200

Target (issue 19): the API path within 20 ms of the scan at the median and p95. Offline demo
snapshot; each posted ticket is settled by marking the result recorded (recording is the case
file benchmark's subject) and a fresh case number, so no prompt or duplicate refusal interferes."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_ui import (RenderClock, codes_for, open_window, percentile, scan_times,  # noqa: E402
                      spin_until)

TOKEN = "bench-integration-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_times(window, port: int, codes: list[str]) -> list[float]:
    """POST → rendered result, measured as bench_ui measures a scan (bench_ui.RenderClock)."""
    page = window.check_page
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": f"127.0.0.1:{port}", "Authorization": f"Bearer {TOKEN}",
               "Content-Type": "application/json"}
    clock = RenderClock(window)
    samples = []
    try:
        for n, code in enumerate(codes):
            page.is_recorded = True
            window.ctx.tickets._tickets.clear()  # each ticket stands for an applicant already served
            body = json.dumps({"case_no": f"B-{n}", "item": "CZ-001", "code": code,
                               "purpose": "授权书 B-1"})

            def post() -> None:
                conn.request("POST", "/v1/checks", body, headers)
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 202, resp.status
            clock.settle()
            samples.append(clock.time(post, code)[0])
    finally:
        clock.close()
        conn.close()
    return samples


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--checks", type=int, default=200)
    args = p.parse_args()
    import keyring
    from memory_keyring import MemoryKeyring

    from desktop.desk.context import DeskContext

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config = Path(tmp) / "config.toml"
        config.write_text(f"[integration]\napi_port = {port}\n", encoding="utf-8")
        os.environ.update(CREDIT_DESK_CONFIG=str(config), CREDIT_DESK_HOME=str(Path(tmp) / "home"))
        keyring.set_keyring(MemoryKeyring())
        keyring.set_password("credit-desk", "integration", TOKEN)
        ctx = DeskContext.from_environment("bench")
        window = open_window(ctx)
        window.attach_approval_system()
        spin_until(lambda: window.approval.api is not None)
        codes = codes_for(args.checks)
        scan_times(window, codes[:20])  # warm: snapshot readers on each pool thread
        scanned, posted = [], []
        for half in (codes[: len(codes) // 2], codes[len(codes) // 2:]):  # interleaved halves
            scanned += scan_times(window, half)
            posted += api_times(window, port, half)
        print(f"Local API against the counter, {len(codes)} checks each (offline demo snapshot)")
        for name, samples in (("scan (Enter) → rendered result", scanned),
                              ("API POST → rendered result", posted)):
            print(f"  {name:<34} median {statistics.median(samples):7.2f} ms   "
                  f"p95 {percentile(samples, 95):7.2f} ms")
        print(f"  API minus scan: median {statistics.median(posted) - statistics.median(scanned):+.2f} ms, "
              f"p95 {percentile(posted, 95) - percentile(scanned, 95):+.2f} ms (target: within 20 ms)")
        window.approval.close()
        window.jobs.shutdown(10_000)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
