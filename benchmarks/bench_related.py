"""Related parties benchmark (issue 15): a unit checked with its two people, offline.

    nice -n 10 .venv/bin/python benchmarks/bench_related.py --lookups 2000 --scans 300

* ``SnapshotReader.lookup`` of a unit with a legal representative and a principal (subject and
  entries, the people and their entries, the commitments on record, the item's measures) against
  three bare ``sqlite3`` SELECTs in the same run: the subject row, the unit's relation rows, one
  person's entries. Target: at most 2x.
* scan (Enter) → rendered result in the window (offscreen) for the same units, people shown under
  the result. Target: p95 under 50 ms; the bare ``checker.check`` call is the baseline.

The demo snapshot is the data: its units with exactly two people, the listed legal representative
among them. Ways take turns on each code in rotating order, so a hiccup of a shared machine falls
on all of them alike."""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGETS = REPO / "resources" / "demo" / "repository" / "targets"
DATA = TARGETS / "snapshot-000001.sqlite"
ITEM = "SCJG-001"


def units_with_two_people(limit: int) -> list[str]:
    import json

    known = json.loads((REPO / "resources" / "demo" / "known_codes.json").read_text("utf-8"))
    conn = sqlite3.connect(DATA.resolve().as_uri() + "?mode=ro", uri=True)
    rows = [code for (code,) in conn.execute(
        "SELECT unit_code FROM relations GROUP BY unit_code HAVING count(*) = 2 "
        "ORDER BY unit_code LIMIT ?", (limit,))]
    conn.close()
    return [known["unit_rep_listed"]] + [c for c in rows if c != known["unit_rep_listed"]]


def bench_lookup(units: list[str], lookups: int) -> None:
    from offline_cache.reader import SnapshotReader

    from offline_cache.buckets import BucketTable

    reader = SnapshotReader(DATA, BucketTable.from_bytes((TARGETS / "buckets-000001.bin").read_bytes()))
    bare = sqlite3.connect(DATA.resolve().as_uri() + "?mode=ro", uri=True)
    first_person = {u: bare.execute("SELECT person_code FROM relations WHERE unit_code = ? "
                                    "ORDER BY role LIMIT 1", (u,)).fetchone()[0] for u in units}
    assert all(len(reader.lookup(u, ITEM).related) == 2 for u in units)

    def ours(code):
        reader.lookup(code, ITEM)

    def three(code):
        bare.execute("SELECT code, name, kind FROM subjects WHERE code = ?", (code,)).fetchone()
        bare.execute("SELECT role, person_code, person_name FROM relations WHERE unit_code = ?",
                     (code,)).fetchall()
        bare.execute("SELECT entry_id, list_code, state FROM entries WHERE subject_code = ?",
                     (first_person[code],)).fetchall()

    def one(code):
        bare.execute("SELECT code, name, kind FROM subjects WHERE code = ?", (code,)).fetchone()

    samples = {"ours": [], "three": [], "one": []}
    ways = list(samples.items())
    fns = {"ours": ours, "three": three, "one": one}
    codes = [units[i % len(units)] for i in range(lookups)]
    clock = time.perf_counter_ns
    for rnd in range(2):  # round 0 warms the page cache and the statement caches
        for k, code in enumerate(codes):
            for j in range(3):
                name = ways[(k + j) % 3][0]
                t = clock()
                fns[name](code)
                if rnd:
                    samples[name].append((clock() - t) / 1000)
    reader.close()
    bare.close()
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(f"Offline lookup of a unit with two people ({len(units)} units, {lookups} lookups each way)")
    print(f"  SnapshotReader.lookup (unit, people, entries, commitments, measures)  "
          f"median {med['ours']:7.1f} us   ×{med['ours'] / med['three']:.2f} vs three bare SELECTs "
          f"(target <= 2x)")
    print(f"  baseline: three bare SELECTs (subject, relations, one person's entries) "
          f"median {med['three']:7.1f} us")
    print(f"  for scale: one bare SELECT of the subject row                         "
          f"median {med['one']:7.1f} us")


def bench_window(units: list[str], scans: int) -> None:
    from bench_ui import core_times, open_window, percentile, scan_times

    from desktop.desk.context import DeskContext

    ctx = DeskContext.from_environment("bench")
    window = open_window(ctx)
    selector = window.check_page.itemSelector
    selector.setCurrentIndex(selector.findData(ITEM))
    codes = [units[i % len(units)] for i in range(scans)]
    scan_times(window, codes[:20])  # first lookups open the snapshot on each pool thread
    ui = scan_times(window, codes)
    assert window.check_page.resultPanel.relatedTable.rowCount() == 2
    base = core_times(ctx, codes, ITEM)
    print(f"Window, offline, {len(codes)} scans of units with two people (item {ITEM})")
    print(f"  scan (Enter) → rendered result, people shown   median {statistics.median(ui):6.2f} ms"
          f"   p95 {percentile(ui, 95):6.2f} ms (target p95 < 50 ms)   "
          f"×{statistics.median(ui) / statistics.median(base):.1f} vs core call")
    print(f"  baseline: checker.check() on the GUI thread     median {statistics.median(base):6.2f} ms"
          f"   p95 {percentile(base, 95):6.2f} ms")
    window.jobs.shutdown(10_000)
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()
    units = units_with_two_people(args.units)
    bench_lookup(units, args.lookups)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        os.environ["CREDIT_DESK_HOME"] = str(tmp / "home")
        (tmp / "demo.toml").write_text("", encoding="utf-8")
        os.environ["CREDIT_DESK_CONFIG"] = str(tmp / "demo.toml")
        bench_window(units, args.scans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
