"""Online benchmark, against the reference platform on loopback (in-process, real HTTP):

    .venv/bin/python benchmarks/bench_online.py --subjects 1000000        # the issue's scale
    .venv/bin/python benchmarks/bench_online.py --subjects 100000         # a quick run

1. Client overhead per online check: our client's wall time minus the server's own handler time
   (median), against the same for a bare ``requests`` GET with pre-computed signed headers on a
   reused session (the floor for any HTTP client in Python).
2. Time to fall back when the platform refuses connections (target < 300 ms), against an
   offline-only check of the same code; when it hangs, and when it trickles its answer one byte
   every 50 ms from the status line, the headers or the (chunked) body (target for both: within
   10 % of the deadline).
3. Snapshot update of ``--changes`` changed entries (default: a tenth of ``--subjects``) on a
   ``--subjects`` snapshot: delta versus full download of the same version, bytes and seconds.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from reference_platform import Publisher, ReferencePlatform  # noqa: E402
from reference_platform.fixtures import KNOWN  # noqa: E402

from desktop.check.checker import Checker  # noqa: E402
from desktop.offline.data import OfflineData  # noqa: E402
from desktop.offline.updater import update_from_platform  # noqa: E402
from desktop.platform.client import PlatformClient  # noqa: E402
from desktop.platform.signing import signed_headers  # noqa: E402
from desktop.site.config import Config, SnapshotConfig  # noqa: E402
from offline_cache.build import build  # noqa: E402
from offline_cache.demo import write_sources  # noqa: E402
from offline_cache.store import SnapshotStore  # noqa: E402

APP_KEY, SECRET = "bench", "bench-secret"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def bench_overhead(platform: ReferencePlatform, checks: int) -> None:
    client = PlatformClient(platform.url, APP_KEY, operator="bench", secret=lambda: SECRET)
    code, item = KNOWN["black"], KNOWN["item_with_measures"]
    for _ in range(20):
        client.query(code, item, deadline=3)
    ours, bare = [], []
    session = requests.Session()
    session.trust_env = False  # as our client on loopback: no proxy or .netrc lookups per request
    path = "/api/v1/subjects/query"
    body = json.dumps({"code": code, "item": item}).encode()
    for _ in range(checks):
        start = time.perf_counter()
        client.query(code, item, deadline=3)
        total = time.perf_counter() - start
        ours.append(total - platform.log[-1].seconds)
        headers = dict(signed_headers(APP_KEY, SECRET, "POST", path, body), **{"X-Operator": "bench",
                       "Content-Type": "application/json"})
        start = time.perf_counter()
        resp = session.post(platform.url + path, data=body, headers=headers, timeout=3)
        resp.json()
        total = time.perf_counter() - start
        bare.append(total - platform.log[-1].seconds)
    server = statistics.median(r.seconds for r in platform.log[-2 * checks:])
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"[overhead] {checks} checks; server handler median {ms(server)}")
    print(f"  client overhead (ours)          median {ms(o)}")
    print(f"  baseline: bare requests POST     median {ms(b)}   ratio ours/bare {o / b:.2f}")


def bench_fallback(platform: ReferencePlatform, folder: Path, deadline: float, repeat: int) -> None:
    config = Config(snapshot=SnapshotConfig(trust_root=platform.publisher.root, warn_age_hours=None,
                                            max_age_hours=None))
    offline = OfflineData(config, folder / "desk-snapshot")
    offline.store.install(platform.publisher.repository.folder)
    client = PlatformClient(platform.url, APP_KEY, operator="bench", secret=lambda: SECRET)
    checker = Checker(offline, client, deadline=deadline)
    code, item = KNOWN["black"], KNOWN["item_with_measures"]

    def timed(**kw) -> float:
        start = time.perf_counter()
        result = checker.check(code, item, **kw)
        assert result.status == "hit"
        return time.perf_counter() - start

    timed(offline_only=True)
    base = statistics.median(timed(offline_only=True) for _ in range(repeat * 5))
    platform.fault("refuse")
    refused = statistics.median(timed() for _ in range(repeat * 5))
    platform.fault("hang")
    hang = [timed() for _ in range(repeat)]
    trickle = {}
    for stage in ("status", "headers", "body", "chunked"):
        platform.fault("trickle", stage=stage, interval=0.05)
        trickle[stage] = [timed() for _ in range(repeat)]
    platform.fault(None)
    print(f"[fallback] deadline {deadline:g} s")
    print(f"  offline-only check (baseline)   median {ms(base)}")
    print(f"  platform refusing connections   median {ms(refused)}   (target < 300 ms; "
          f"{refused / base:.1f}x baseline)")
    h = statistics.median(hang)
    print(f"  platform hanging                median {h:.3f} s = {h / deadline * 100:.1f} % of the deadline "
          f"(target <= 110 %), max {max(hang):.3f} s")
    for stage, times in trickle.items():
        t = statistics.median(times)
        print(f"  platform trickling ({stage + ')':<8}   median {t:.3f} s = {t / deadline * 100:.1f} % of the "
              f"deadline (target <= 110 %), max {max(times):.3f} s")


def make_sources(folder: Path, subjects: int) -> None:
    """The demo's lists, items and measures, with ``subjects`` synthetic subjects, half of them
    on a list."""
    write_sources(folder)
    lists = [row["list_code"] for row in csv.DictReader(open(folder / "lists.csv", encoding="utf-8"))]
    with open(folder / "subjects.csv", "w", newline="", encoding="utf-8") as s, \
            open(folder / "entries.csv", "w", newline="", encoding="utf-8") as e:
        sw, ew = csv.writer(s), csv.writer(e)
        sw.writerow(["code", "name", "kind"])
        ew.writerow(["entry_id", "subject_code", "list_code", "authority", "listed_on", "expires_on", "basis", "state"])
        for i in range(subjects):
            code = f"91440000B{i:09d}"
            sw.writerow([code, f"基准测试主体{i}有限公司", "org"])
            if i % 2 == 0:
                ew.writerow([f"BE{i:09d}", code, lists[i % len(lists)], "基准机关", "2025-01-01", "",
                             "基准依据", "active"])


def bench_update(folder: Path, subjects: int, changes: int) -> None:
    src = folder / "sources"
    started = time.perf_counter()
    make_sources(src, subjects)
    report = build(src, folder / "base.sqlite")
    print(f"[update] built {report.counts['subjects']:,} subjects / {report.counts['entries']:,} entries "
          f"in {time.perf_counter() - started:.1f} s")
    figures = {}
    # TUF's targets list the deltas when a version is published: one publisher (and platform)
    # that offers them, one that does not.
    for kind, offer in (("delta", True), ("full", False)):
        publisher = Publisher(folder / f"publisher-{kind}", dataset=folder / "base.sqlite")
        store = SnapshotStore(folder / f"desk-{kind}", publisher.root)
        store.install(publisher.repository.folder)   # version 1, as a USB import would
        publisher.offer_deltas = offer
        publisher.publish(lambda c: c.execute(
            "UPDATE entries SET state = 'repaired', expires_on = '2026-12-31' "
            "WHERE rowid IN (SELECT rowid FROM entries ORDER BY rowid LIMIT ?)", (changes,)))
        platform = ReferencePlatform(folder / f"p-{kind}", credentials={APP_KEY: SECRET}, publisher=publisher).start()
        try:
            client = PlatformClient(platform.url, APP_KEY, operator="bench", secret=lambda: SECRET)
            marks = {}
            start = time.perf_counter()
            result = update_from_platform(store, client, folder / f"downloads-{kind}",
                                          progress=lambda stage, d, t: marks.__setitem__(stage, time.perf_counter()))
            end = time.perf_counter()
            figures[kind] = (result.downloaded, end - start, marks["download"] - start)
            assert result.snapshot.version == 2 and result.kind == ("delta" if offer else "full")
        finally:
            platform.stop()
    (db, ds, dd), (fb, fs, fd) = figures["delta"], figures["full"]
    print(f"  {changes:,} changed entries on {subjects:,} subjects; total = download + verify/apply + install")
    print(f"  delta update   {db:>14,} bytes  total {ds:7.2f} s  (download {dd:6.2f} s)")
    print(f"  full download  {fb:>14,} bytes  total {fs:7.2f} s  (download {fd:6.2f} s)   baseline")
    print(f"  delta/full     {db / fb:14.3f}        {ds / fs:7.3f}")
    # Loopback moves bytes at memory speed; a hall's link does not. Computed, not measured:
    mbit = 10
    print(f"  at {mbit} Mbit/s the transfer alone would add {db * 8 / mbit / 1e6:.0f} s (delta) "
          f"vs {fb * 8 / mbit / 1e6:.0f} s (full)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subjects", type=int, default=1_000_000)
    p.add_argument("--changes", type=int, default=None, help="changed entries (default: subjects / 10)")
    p.add_argument("--checks", type=int, default=500)
    p.add_argument("--deadline", type=float, default=3.0)
    p.add_argument("--repeat", type=int, default=3, help="hang fallbacks to time (each costs the deadline)")
    args = p.parse_args()
    changes = args.changes if args.changes is not None else args.subjects // 10
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        platform = ReferencePlatform(folder / "platform", credentials={APP_KEY: SECRET}).start()
        try:
            bench_overhead(platform, args.checks)
            bench_fallback(platform, folder, args.deadline, args.repeat)
        finally:
            platform.stop()
        bench_update(folder, args.subjects, changes)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
