"""Post-approval watch benchmark: how long computing the alerts adds to an install.

    nice -n 10 .venv/bin/python benchmarks/bench_watch.py --subjects 1000000 --checks 100000

Two cases, each the median of ``--repeat`` runs of the hook's own computation
(``Watch.compute`` over ``SnapshotData``: the watch set read from the case file, the recorded
codes' entries read from the new data, the rules, the alerts stored):

- **delta**: the new data differs from the old in ``--changed`` subjects (new black listings,
  repaired and withdrawn entries); target < 1 s for 100,000 checks and 20,000 changed subjects;
- **full**: a full new snapshot of ``--subjects`` subjects (no delta); target < 10 s at 10M.

Both wall and CPU time are printed: on a machine shared with other work the wall time grows
with the load, the CPU time much less. Baseline, same run: a bare SQL join of the recorded codes against the changed codes (delta) or
against the new data's entries (full), on one connection with both files attached: the floor of
any computation that has to find the recorded subjects among what changed.

The case file is made with the real sealing code in large unsynchronised transactions (see
bench_casefile.py); the data files are plain SQLite in the snapshot's schema, filled by SQL,
because the watch reads the installed data file and never its signatures. Codes are synthetic
(the watch never parses them). Each run starts from an alert store without the alerts, so every
run raises them all: the worst case."""
from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from casefile_fixtures import DESK, result  # noqa: E402

from desktop.casefile.record import utc_text  # noqa: E402
from desktop.casefile.store import CaseFile, Decision, _draft_check, _insert, _seal  # noqa: E402
from desktop.casefile.watch import WATCH_FILE, Watch  # noqa: E402
from desktop.check.model import Hit, Measure, Status  # noqa: E402
from desktop.offline.watch_data import SnapshotData  # noqa: E402
from offline_cache.schema import BY_NAME, create_indexes, create_tables  # noqa: E402

LISTS = (("SX", "失信被执行人", "black"), ("JY", "经营异常名录", "focus"),
         ("NA", "纳税信用A级纳税人", "red"))
ITEM = "ITEM-1"
M_SX = Measure("M-SX", "SX", "punish", "限制", "限制参与", "某法第一条", True, target="any",
               effect="refuse", basis_level="law")
M_NA = Measure("M-NA", "NA", "reward", "便利", "绿色通道", "某文件", False, target="org",
               effect="reward", basis_level="central_policy")
BATCH = 200_000


def code(i: int) -> str:
    return f"91{i:016d}"


def entry_of(i: int) -> tuple[str, str] | None:
    """Subject i's entry in the old data: one subject in ten is listed."""
    if i % 10:
        return None
    return f"E{i}", LISTS[(i // 10) % 3][0]


def build_data(path: Path, n: int, changed: dict[int, tuple[str, str | None]]) -> None:
    """``changed``: subject -> (what happened, list) applied on top of the old data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    create_tables(conn)
    conn.executemany("INSERT INTO lists VALUES (?, ?, ?, '', '')", LISTS)
    conn.execute("INSERT INTO items VALUES (?, '某审批事项', '某部门')", (ITEM,))
    columns = BY_NAME["measures"].columns
    conn.executemany(f"INSERT INTO measures ({', '.join(columns)}) "
                     f"VALUES ({', '.join('?' * len(columns))})",
                     [tuple(_column(m, c) for c in columns) for m in (M_SX, M_NA)])
    conn.executemany("INSERT INTO item_measures VALUES (?, ?)", [(ITEM, "M-SX"), (ITEM, "M-NA")])
    for start in range(0, n, BATCH):
        conn.executemany("INSERT INTO subjects VALUES (?, '某公司', 'org')",
                         ((code(i),) for i in range(start, min(n, start + BATCH))))

    def entries():
        for i in range(0, n, 10):
            what = changed.get(i)
            entry_id, list_code = entry_of(i)
            if what is None:
                yield entry_id, code(i), list_code, "active"
            elif what[0] == "repaired":
                yield entry_id, code(i), list_code, "repaired"
            # "removed": no row
        for i, (what, list_code) in changed.items():
            if what == "listed":
                yield f"N{i}", code(i), list_code, "active"
    conn.executemany("INSERT INTO entries VALUES (?, ?, ?, '', '2026-01-01', NULL, '', ?)",
                     entries())
    for table in ("lists", "subjects", "items", "measures", "entries", "item_measures"):
        create_indexes(conn, BY_NAME[table])
    conn.execute("COMMIT")
    conn.close()


def _column(measure: Measure, column: str):
    value = getattr(measure, column, "")
    return int(value) if isinstance(value, bool) else ("" if value is None else value)


def changes(n: int, count: int, rng: random.Random) -> dict[int, tuple[str, str | None]]:
    """``count`` changed subjects: half newly black-listed, a quarter repaired (black/focus),
    a quarter withdrawn red entries."""
    clear = [i for i in rng.sample(range(n), min(n, count * 3)) if i % 10][: count // 2]
    listed = [i for i in range(0, n, 10)]
    serious = [i for i in listed if entry_of(i)[1] != "NA"]
    red = [i for i in listed if entry_of(i)[1] == "NA"]
    out = {i: ("listed", "SX") for i in clear}
    out.update({i: ("repaired", None) for i in rng.sample(serious, min(len(serious), count // 4))})
    out.update({i: ("removed", None) for i in rng.sample(red, min(len(red), count // 4))})
    return out


def build_case_file(path: Path, n: int, checks: int, rng: random.Random) -> None:
    """``checks`` recorded checks of the last 300 days: 70 % grants of clear subjects, 20 %
    refusals of black/focus ones, 10 % grants using the red-list incentive."""
    now = datetime.now(timezone.utc)
    clear_t = _draft_check(result(), Decision("C", "approved"), DESK)
    with CaseFile(path) as cf:
        conn = cf.db.conn
        conn.execute("PRAGMA synchronous=OFF")
        last = None
        conn.execute("BEGIN")
        for k in range(checks):
            roll = rng.random()
            if roll < 0.7:
                i = rng.randrange(n // 10) * 10 + rng.randrange(1, 10)
                draft = replace(clear_t, subject_code=code(i))
            else:
                i = rng.randrange(n // 10) * 10
                entry_id, list_code = entry_of(i)
                name, severity = next((nm, sv) for lc, nm, sv in LISTS if lc == list_code)
                hit = Hit(entry_id, list_code, name, severity, "", "2026-01-01", None, "",
                          "active")
                measure = M_NA if list_code == "NA" else replace(M_SX, list_code=list_code)
                draft = replace(clear_t, subject_code=code(i), status=str(Status.HIT),
                                severities=(severity,), hits=(hit,), measures_shown=(measure,),
                                measures_applied=(measure.measure_id,),
                                outcome="approved" if list_code == "NA" else "rejected")
            at = utc_text(now - timedelta(days=300 * k / checks, minutes=5))
            record = _seal(replace(draft, checked_at=at, data_as_of=at), last, at)
            _insert(conn, record)
            last = (record.record_id, record.hash)
            if k % BATCH == BATCH - 1:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        conn.execute("COMMIT")


@dataclass(frozen=True)
class Snap:
    """What SnapshotData needs of an installed snapshot."""
    version: int
    data_as_of: datetime
    data_path: Path


def time_first_index(case_path: Path) -> float:
    """The checks index built from nothing: once per desk, at the first comparison."""
    (case_path.parent / WATCH_FILE).unlink(missing_ok=True)
    with CaseFile(case_path) as cf, Watch(cf) as watch:
        start = time.perf_counter()
        watch._sync()
        return time.perf_counter() - start


def _forget_alerts(case_path: Path) -> None:
    conn = sqlite3.connect(case_path.parent / WATCH_FILE)
    with conn:
        conn.execute("DELETE FROM alerts")
    conn.close()


def time_watch(case_path: Path, data: Path, repeat: int) -> tuple[float, float, int, int]:
    samples, cpu, raised, examined = [], [], 0, 0
    for _ in range(repeat):
        _forget_alerts(case_path)
        with CaseFile(case_path) as cf:
            start, start_cpu = time.perf_counter(), time.process_time()
            with SnapshotData(Snap(2, datetime.now(timezone.utc), data)) as snap, \
                    Watch(cf) as watch:
                run = watch.compute(snap, days=365, progress=lambda done, total: None)
            samples.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        raised, examined = len(run.raised), run.examined
    return statistics.median(samples), statistics.median(cpu), raised, examined


def time_baseline(case_path: Path, data: Path, changed: list[str] | None,
                  repeat: int) -> tuple[float, float]:
    since = utc_text(datetime.now(timezone.utc) - timedelta(days=365))
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        conn = sqlite3.connect(case_path)
        conn.execute("ATTACH ? AS data", (str(data),))
        conn.execute("CREATE TEMP TABLE recorded AS SELECT DISTINCT subject_code AS code "
                     "FROM records WHERE kind = 'check' AND checked_at >= ?", (since,))
        if changed is not None:
            conn.execute("CREATE TEMP TABLE changed (code TEXT PRIMARY KEY) WITHOUT ROWID")
            conn.executemany("INSERT OR IGNORE INTO temp.changed VALUES (?)",
                             ((c,) for c in changed))
            conn.execute("SELECT count(*) FROM temp.recorded r JOIN temp.changed c "
                         "ON c.code = r.code").fetchone()
        else:
            conn.execute("SELECT count(*) FROM temp.recorded r JOIN data.entries e "
                         "ON e.subject_code = r.code").fetchone()
        conn.close()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(samples), statistics.median(cpu)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--subjects", type=int, default=1_000_000)
    p.add_argument("--checks", type=int, default=100_000)
    p.add_argument("--changed", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    args = p.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-watch-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.sqlite*"):
        old.unlink()  # a --dir used before: start from nothing
    rng = random.Random(16)
    try:
        t = time.perf_counter()
        changed = changes(args.subjects, args.changed, rng)
        build_data(folder / "new.sqlite", args.subjects, changed)
        build_case_file(folder / "cases.sqlite", args.subjects, args.checks, rng)
        print(f"built {args.subjects:,} subjects and {args.checks:,} checks in "
              f"{time.perf_counter() - t:.0f} s ({folder})")
        cases, new = folder / "cases.sqlite", folder / "new.sqlite"
        codes = [code(i) for i in changed]
        print(f"checks index built once, from {args.checks:,} records: "
              f"{time_first_index(cases):.2f} s")
        for case, baseline_codes in (("delta", codes), ("full", None)):
            seconds, cpu, raised, examined = time_watch(cases, new, args.repeat)
            base, base_cpu = time_baseline(cases, new, baseline_codes, args.repeat)
            what = (f"{len(changed):,} changed subjects" if case == "delta"
                    else f"a full snapshot of {args.subjects:,} subjects")
            print(f"{case}: {examined:,} checks in the window vs {what}: watch {seconds:.3f} s "
                  f"wall / {cpu:.3f} s CPU (median of {args.repeat}; {raised:,} alerts raised), "
                  f"baseline SQL join {base:.3f} s wall / {base_cpu:.3f} s CPU, "
                  f"ratio {seconds / base:.1f}x")
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
