"""Outbox benchmark with many records pending (an offline-only desk, or a platform down for
weeks): `outbox status` time and the memory a flush round takes up front, this code against the
code before the outbox built its messages at send time (``--before``, extracted from git), on
the same records (the old code on a copy whose outbox holds each message whole, as it wrote it);
and the one-time upgrade of such a copy when this code's desk opens it, against parsing every old
message with json.loads (the least any comparison of them does).

    nice -n 10 .venv/bin/python benchmarks/bench_outbox_pending.py --records 200000

Each figure is measured in a process of its own (peak RSS is per process), median of --repeat."""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

from bench_casefile import bulk_create, code_before_witness  # noqa: E402

from desktop.casefile.record import feedback_message  # noqa: E402
from desktop.casefile.store import CaseFile  # noqa: E402

BEFORE = "73b586e"
PROBE = r"""
import inspect, json, resource, statistics, sys, time
from pathlib import Path
from desktop.platform import outbox as ob
case, state, repeat = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
kw = {}
if "message" in inspect.signature(ob.Outbox.__init__).parameters:
    from desktop.casefile.record import feedback_message
    kw["message"] = feedback_message
def peak_mb():
    # VmHWM, not ru_maxrss: on Linux ru_maxrss carries the parent's peak across fork and exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
samples = []
for _ in range(repeat):
    start = time.perf_counter(); st = ob.Outbox(case, state, None, **kw).status()
    samples.append(time.perf_counter() - start)
before = peak_mb()
# A flush round reads what is due before it sends anything; cancelled before the first send.
ob.Outbox(case, state, object(), **kw).flush(cancel=lambda: True)
after = peak_mb()
print(json.dumps({"pending": st.pending, "status_s": statistics.median(samples),
                  "flush_mb": after - before}))
"""


def old_outbox_copy(path: Path, dest: Path) -> None:
    """The same records with the outbox as the code before wrote it: each message whole."""
    shutil.copy(path, dest)
    conn = sqlite3.connect(dest)
    messages = [(feedback_message(body, hash_).decode(), record_id) for record_id, body, hash_ in
                conn.execute("SELECT record_id, CAST(body AS BLOB), hash FROM records")]
    conn.executescript("ALTER TABLE outbox RENAME TO new_outbox; CREATE TABLE outbox (feedback_id "
                       "TEXT PRIMARY KEY, record_id INTEGER NOT NULL, payload TEXT NOT NULL, "
                       "created_at TEXT NOT NULL); CREATE TEMP TABLE m(payload TEXT, "
                       "record_id INTEGER PRIMARY KEY);")
    conn.executemany("INSERT INTO m VALUES (?, ?)", messages)
    conn.executescript("INSERT INTO outbox SELECT o.feedback_id, o.record_id, m.payload, "
                       "o.created_at FROM new_outbox o JOIN m USING (record_id); DROP TABLE "
                       "new_outbox; CREATE INDEX outbox_record_id ON outbox(record_id);")
    conn.commit()
    conn.close()


def upgrade(old: Path) -> tuple[float, float]:
    """Seconds to open the old copy with this code's writer (which upgrades it), and to parse
    its messages."""
    conn = sqlite3.connect(old)
    messages = [m for (m,) in conn.execute("SELECT payload FROM outbox")]
    conn.close()
    start = time.perf_counter()
    for message in messages:
        json.loads(message)
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    CaseFile(old).close()
    return time.perf_counter() - start, parse_s


def probe(python_path: Path, case: Path, state: Path, repeat: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(case), str(state), str(repeat)],
                         env={"PYTHONPATH": str(python_path), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True, cwd=case.parent).stdout
    return json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="records, all pending")
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        before = code_before_witness(folder, args.before)
        new = folder / "cases.sqlite"
        bulk_create(new, args.records)
        old = folder / "old.sqlite"
        old_outbox_copy(new, old)
        then = probe(before, old, folder / "state-old.sqlite", args.repeat)
        now = probe(REPO, new, folder / "state-new.sqlite", args.repeat)
        upgrade_s, parse_s = upgrade(old)
    print(f"{now['pending']:,} pending: outbox status {now['status_s']:.2f} s, before "
          f"({args.before}) {then['status_s']:.2f} s: {now['status_s'] / then['status_s']:.1f}x")
    print(f"  a flush round's memory before its first send: {now['flush_mb']:,.0f} MB, before "
          f"{then['flush_mb']:,.0f} MB: {now['flush_mb'] / max(then['flush_mb'], 1):.1f}x")
    print(f"  upgrading the old outbox at open: {upgrade_s:.2f} s "
          f"({upgrade_s / args.records * 1e6:.0f} us a record); json.loads of every old message "
          f"{parse_s:.2f} s: {upgrade_s / parse_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
