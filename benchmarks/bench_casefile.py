"""Case file benchmark: append latency (durable with the head witness, against the code before the
witness came, the same code without it, and synchronous=OFF), verification (chain, query
columns, outbox rows and witness) and monthly statistics over N records, and the time to
render one PDF record sheet.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_casefile.py --records 1000000

Each figure comes with a baseline measured in the same run, as a ratio: appends against the
appends of the code before the witness (``--before``, extracted from git), the same code without
the witness and with synchronous=OFF, all in alternating turns, twice: at the counter (idle
before each append, as a clerk's records come: the witness's flush then runs while the clerk
goes on) and back to back (where each append waits for the previous one's flush); verification
against bare hashlib over the same stored bytes already in memory (the floor for any walk that
rehashes every record); statistics against one plain SQL scan counting the month's records by
status. Verification and statistics report the median of ``--repeat`` runs.

The N records are made with the real sealing and hashing code, but in large unsynchronised
transactions, because appending a million records one durable commit at a time would measure the
disk rather than the case file. ``--file PATH`` keeps the big file (built there when missing) for
the next run. One in twenty records is a later decision on an earlier check, and
all records fall in one month so that the statistics cover every one of them."""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from casefile_fixtures import (  # noqa: E402
    BLACK_HIT,
    DESK,
    FOCUS_HIT,
    M_LIMIT,
    M_REVIEW,
    PERSON_CODE,
    RED_HIT,
    approve,
    black_result,
    result,
)

from desktop.casefile import stats  # noqa: E402
from desktop.casefile.store import (  # noqa: E402
    CaseFile,
    Decision,
    Desk,
    _draft_check,
    _insert,
    _seal,
)
from desktop.check.model import CodeKind, Source, Status  # noqa: E402
from desktop.casefile import witness  # noqa: E402
from desktop.check.policy import judge_hits  # noqa: E402

BATCH = 50_000


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


BEFORE_WITNESS = "91af8fa"  # main just before the head witness came (issue #12): "today's" append
VARIANTS = {"this code (witness flushed behind the append)": (REPO, "as-is"),
            "this code without the witness": (REPO, "no-witness"),
            "the code before the witness": (None, "as-is"),
            "this code with synchronous=OFF": (REPO, "sync-off")}


def bench_append(folder: Path, appends: int, pause_ms: float, before: Path,
                 rounds: int = 10) -> dict[str, tuple[float, float]]:
    """Per variant, p50 and p99 wall time of an append in ms. Each variant runs in turns of
    ``appends / rounds`` appends in a process of its own (append_worker.py), in a shuffled order
    each round, so that a change of the machine's load, or what one variant leaves the disk
    doing, falls on all of them alike; each keeps its file from turn to turn."""
    samples = {name: [] for name in VARIANTS}
    order = list(VARIANTS.items())
    for turn in range(rounds):
        random.Random(turn).shuffle(order)
        for n, (name, (tree, variant)) in enumerate(order):
            out = subprocess.run(
                [sys.executable, str(REPO / "benchmarks" / "append_worker.py"), str(tree or before),
                 variant, str(folder / f"append-{pause_ms:g}-{sorted(VARIANTS).index(name)}.sqlite"),
                 str(max(1, appends // rounds)), str(pause_ms)],
                capture_output=True, text=True, check=True)
            samples[name] += json.loads(out.stdout)
    return {name: (statistics.median(s), percentile(s, 99)) for name, s in samples.items()}


def code_before_witness(folder: Path, rev: str) -> Path:
    """The tree of ``rev``, extracted with git archive (its tests' fixtures included)."""
    tree = folder / f"tree-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def drafts():
    """A small variety of checks to cycle through: clear, hits, a person, offline, unverified."""
    operators = [Desk(f"op-{n:04d}", DESK.hall, str(n)) for n in range(1, 9)]
    checks = [
        (result(), approve()),
        (black_result(), approve(outcome="rejected", measures_applied=("M-01",))),
        (result(status=Status.HIT, hits=(FOCUS_HIT,), measures=(M_REVIEW,)),
         approve(outcome="approved_with_conditions", measures_applied=("M-02",))),
        (result(code=PERSON_CODE, kind=CodeKind.PERSON, status=Status.HIT, name="张三",
                source=Source.OFFLINE, hits=(BLACK_HIT, RED_HIT), measures=(M_LIMIT,)),
         approve(outcome="deferred", measures_applied=("M-01",))),
        (result(status=Status.UNVERIFIED, source=Source.OFFLINE, reason="离线数据已过期"),
         approve(outcome="deferred")),
    ]
    # Hits judged on the check's date, as the checker hands them over.
    return [replace(draft, hits=judge_hits(draft.hits, draft.checked_at))
            for draft in (_draft_check(r, d, desk) for r, d in checks for desk in operators)]


def bulk_create(path: Path, n: int) -> float:
    start = time.perf_counter()
    pool = drafts()
    rng = random.Random(7)
    month_seconds = 29 * 86400
    with CaseFile(path) as cf:
        conn = cf.db.conn
        conn.execute("PRAGMA synchronous=OFF")
        last, recorded_at = None, "2026-12-01T00:00:00Z"
        for first in range(1, n + 1, BATCH):
            conn.execute("BEGIN")
            for record_id in range(first, min(n, first + BATCH - 1) + 1):
                if record_id % 20 == 0:
                    earlier = cf.get(rng.randrange(max(1, record_id - 1000), record_id))
                    draft = replace(earlier, kind="decision", refers_to=earlier.record_id,
                                    outcome="approved", note="补充材料后准予办理", hash="")
                else:
                    second = rng.randrange(month_seconds)
                    draft = replace(pool[record_id % len(pool)],
                                    checked_at=f"2026-11-{1 + second // 86400:02d}T"
                                               f"{second % 86400 // 3600:02d}:"
                                               f"{second % 3600 // 60:02d}:{second % 60:02d}Z",
                                    case_no=f"BJ-{record_id}")
                record, body = _seal(draft, last, recorded_at)
                _insert(conn, record, body)
                last = (record.record_id, record.hash)
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        writer = witness.Writer(cf.witness_path)  # as if each record had been appended alone
        writer.reset(cf._file_head())
        writer.close()
    return time.perf_counter() - start


def median_seconds(run, repeat: int) -> tuple[float, object]:
    samples, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), value


def raw_hashlib(cf: CaseFile):
    """The bodies as stored, loaded once, and a run that hashes every one of them."""
    bodies = [b for (b,) in cf.db.conn.execute("SELECT CAST(body AS BLOB) FROM records")]

    def run():
        sha256 = hashlib.sha256
        for body in bodies:
            sha256(body).hexdigest()
        return len(bodies)
    return run


def plain_scan(cf: CaseFile) -> list:
    start, end = stats.month_bounds("2026-11")
    return cf.db.conn.execute("SELECT status, count(*) FROM records WHERE checked_at >= ? AND "
                              "checked_at < ? GROUP BY status", (start, end)).fetchall()


def bench_sheet(folder: Path, sheets: int) -> tuple[float, float]:
    from desktop.casefile.sheet import render_sheet

    with CaseFile(folder / "sheets.sqlite") as cf:
        record = cf.record_check(
            result(code=PERSON_CODE, kind=CodeKind.PERSON, status=Status.HIT, name="张三",
                   hits=(BLACK_HIT, RED_HIT), measures=(M_LIMIT,), demo=True),
            Decision("BJ-1", "rejected", measures_applied=("M-01",)), DESK)
    start = time.perf_counter()
    render_sheet(record, folder / "first.pdf")
    first = time.perf_counter() - start
    samples = []
    for n in range(sheets):
        start = time.perf_counter()
        render_sheet(record, folder / f"sheet-{n}.pdf")
        samples.append(time.perf_counter() - start)
    return first * 1000, statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000,
                        help="the scale knob: records in the file verified and summed")
    parser.add_argument("--appends", type=int, default=500)
    parser.add_argument("--pause", type=float, default=5.0,
                        help="ms idle before each append at the counter")
    parser.add_argument("--before", default=BEFORE_WITNESS,
                        help="the commit whose append the witness's is compared with")
    parser.add_argument("--sheets", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument("--dir", type=Path, help="where to put the files (default: a temp dir)")
    parser.add_argument("--file", type=Path, help="the big case file to verify and sum: reused "
                                                  "when it exists, else built there and kept")
    args = parser.parse_args()
    if args.dir:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        before = code_before_witness(folder, args.before)
        print(f"append latency in ms, {args.appends} appends per variant in ten shuffled turns, "
              f"each turn in a process of its own:")
        for title, pause in ((f"at the counter ({args.pause:g} ms idle before each append, as a "
                              f"clerk's records come seconds apart)", args.pause),
                             ("back to back (no idle: a throughput figure; every append in the "
                              "product is one clerk's action)", 0)):
            print(f"  {title}:")
            figures = bench_append(folder, args.appends, pause, before)
            for name, (p50, p99) in figures.items():
                print(f"    {name:48} p50 {p50:6.2f}   p99 {p99:6.2f}")
            (witnessed, w99), (bare, b99), (old, o99), (off, _) = figures.values()
            target = " (target within 1.10x)" if pause else ""
            print(f"    witness / the code before it ({args.before}): p50 {witnessed / old:.2f}x, "
                  f"p99 {w99 / o99:.2f}x{target}; / this code without it: p50 "
                  f"{witnessed / bare:.2f}x, p99 {w99 / b99:.2f}x; durable / synchronous=OFF "
                  f"p50 {witnessed / off:.2f}x")

        path = args.file or folder / "big.sqlite"
        if path.exists():
            print(f"setup: reusing {path}")
        else:
            setup = bulk_create(path, args.records)
            size = path.stat().st_size / 2**20
            print(f"setup: {args.records:,} records in {setup:.1f} s ({size:,.0f} MiB)")

        with CaseFile(path) as cf:
            cpu = time.process_time()
            verify_s, report = median_seconds(cf.verify, args.repeat)
            cpu = (time.process_time() - cpu) / args.repeat  # both threads: what two idle cores share
            assert report.ok, report.problem
            hash_s, hashed = median_seconds(raw_hashlib(cf), args.repeat)
            assert hashed == report.checked
            print(f"verify: {report.checked:,} records in {verify_s:.2f} s (median of "
                  f"{args.repeat}); raw hashlib over the same bytes in memory {hash_s:.2f} s; "
                  f"ratio {verify_s / hash_s:.1f}x; CPU {cpu:.2f} s a run over two threads "
                  f"(on two idle cores about {cpu / 2:.2f} s)")
            stats_s, month = median_seconds(lambda: stats.monthly(cf, "2026-11"), args.repeat)
            scan_s, _ = median_seconds(lambda: plain_scan(cf), args.repeat)
            print(f"stats: month of {month.checks:,} checks ({month.decisions:,} decisions) "
                  f"in {stats_s:.2f} s (median of {args.repeat}); plain count-by-status scan "
                  f"{scan_s:.2f} s; ratio {stats_s / scan_s:.1f}x")

        first, median = bench_sheet(folder, args.sheets)
        print(f"record sheet PDF: first {first:.0f} ms (starts Qt, loads fonts), "
              f"then p50 {median:.0f} ms per sheet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
