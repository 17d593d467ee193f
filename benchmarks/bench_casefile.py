"""Case file benchmark: append latency (durable with the head witness, vs the same without it, vs
the witness flushed inside the append after the commit, vs synchronous=OFF), verification (chain,
query columns, outbox feedback and witness) and monthly statistics over N records, and the time
to render one PDF record sheet.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_casefile.py --records 1000000

Each figure comes with a baseline measured in the same run, as a ratio: appends against the same
appends without the witness and with synchronous=OFF (in alternating turns), with the CPU time
of an append (which the machine's load changes less than the wall time); verification
against bare hashlib over the same stored bytes already in memory (the floor for any walk that rehashes every record); statistics against one
plain SQL scan counting the month's records by status. Verification and statistics report the
median of ``--repeat`` runs.

The N records are made with the real sealing and hashing code, but in large unsynchronised
transactions, because appending a million records one durable commit at a time would measure the
disk rather than the case file. ``--file PATH`` keeps the big file (built there when missing) for
the next run. One in twenty records is a later decision on an earlier check, and
all records fall in one month so that the statistics cover every one of them."""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
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


class _NoWitness:
    """The writer of a case file that keeps no witness: the append as it was before it."""

    def settle(self, others=False):
        pass

    def append(self, head):
        return None

    def close(self):
        pass


class _WitnessAfterCommit:
    """The witness as it was first made: written and flushed after SQLite's commit, inside the
    append, one flush after the other."""

    def __init__(self, writer):
        self.writer = writer

    def settle(self, others=False):
        pass

    def append(self, head):
        self.writer.write(head)
        return None

    def changed_since(self, state):
        return True  # the witness read back at every append, as then

    def at_path(self):
        return self.writer.at_path()

    def close(self):
        self.writer.close()


VARIANTS = ("durable, witness flushed behind the append", "durable, witness flushed after it",
            "durable (WAL, FULL), no witness", "baseline (WAL, synchronous=OFF)")


def bench_append(folder: Path, appends: int,
                 rounds: int = 10) -> dict[str, tuple[float, float, float]]:
    """The variants in turns of ``appends / rounds`` appends each, in a shuffled order each
    round, so that a change of the machine's load, or what one variant leaves the disk doing,
    falls on all of them alike. Per variant: p50 and p99 wall time, and the mean CPU time per
    append of the thread that appends and of the whole process (the witness's flush thread and
    the system's work for both flushes included), in ms."""
    files = {name: CaseFile(folder / f"append-{n}.sqlite") for n, name in enumerate(VARIANTS)}
    files[VARIANTS[1]]._writer = _WitnessAfterCommit(files[VARIANTS[1]]._writer)
    bare = files[VARIANTS[2]]
    bare._writer.close()
    bare._writer = _NoWitness()
    bare._refuse_if_altered = lambda last: (True, 0)  # nor the witness read under the lock
    files[VARIANTS[3]].db.execute("PRAGMA synchronous=OFF")
    check = black_result()
    decision = approve(outcome="rejected", measures_applied=("M-01",))
    samples = {name: [] for name in VARIANTS}
    cpu = dict.fromkeys(VARIANTS, 0.0)
    own = dict.fromkeys(VARIANTS, 0.0)
    try:
        order = list(files.items())
        for turn in range(rounds):
            random.Random(turn).shuffle(order)
            for name, cf in order:
                used, mine = time.process_time(), time.thread_time()
                for _ in range(max(1, appends // rounds)):
                    start = time.perf_counter()
                    cf.record_check(check, decision, DESK)
                    samples[name].append((time.perf_counter() - start) * 1000)
                cpu[name] += time.process_time() - used
                own[name] += time.thread_time() - mine
    finally:
        for cf in files.values():
            cf.close()
    return {name: (statistics.median(s), percentile(s, 99), own[name] * 1000 / len(s),
                   cpu[name] * 1000 / len(s)) for name, s in samples.items()}


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
    # Hits judged on the check's date, as the checker hands them over (verify's SQL twin of the
    # feedback covers those; unjudged hits of older records take its slower exact path).
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
                record = _seal(draft, last, recorded_at)
                _insert(conn, record)
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
        print(f"append latency over {args.appends} appends (ms):")
        figures = bench_append(folder, args.appends)
        for name, (p50, p99, own, used) in figures.items():
            print(f"  {name:42} p50 {p50:7.2f}   p99 {p99:7.2f}   CPU: appending thread "
                  f"{own:6.3f}, process {used:6.3f}")
        (witnessed, w99, wown, wcpu), (after, a99, _, _), (bare, b99, bown, bcpu), (off, *_) = \
            figures.values()
        print(f"  witness / no witness: p50 {witnessed / bare:.2f}x, p99 {w99 / b99:.2f}x "
              f"(target within 1.10x), CPU of the appending thread {wown / bown:.2f}x, of the "
              f"process {wcpu / bcpu:.2f}x; flushed inside the append after the commit: p50 "
              f"{after / bare:.2f}x, p99 {a99 / b99:.2f}x; durable / synchronous=OFF p50 "
              f"{witnessed / off:.1f}x")

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
