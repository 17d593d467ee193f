"""Post-approval watch benchmark: how long computing the alerts adds to an install.

    nice -n 10 .venv/bin/python benchmarks/bench_watch.py --subjects 1000000 --checks 100000 \
        --dir /var/tmp/bench-watch-1m

Two cases, each the median of ``--repeat`` runs of the hook's own computation
(``Watch.compute`` over ``SnapshotData``: the checks in the window, each recorded subject whose
signed rows changed read through the snapshot reader's verified bucket reads, the rules, the
alerts and fingerprints stored):

- **delta**: the new data is the old one with ``--changed`` subjects changed (new black
  listings, repaired and withdrawn entries) and its bucket table patched, as a delta install
  leaves it; the desk had compared with the old data before (its fingerprints are kept). Target
  < 1 s for 100,000 checks and 20,000 changed subjects;
- **full**: the same new data with no fingerprint holding (a full snapshot of another bucket
  layout, or a desk's first comparison): every recorded subject is read and verified. Target
  < 10 s at 10M.

Both wall and CPU time are printed: on a machine shared with other work the wall time grows
with the load, the CPU time much less. Baseline, same run: a bare SQL join of the recorded codes
against the changed codes (delta) or against the new data's entries (full), on one connection
with both files attached: the floor of any computation that has to find the recorded subjects
among what changed, with no verification.

The case file is made with the real sealing code in large unsynchronised transactions (see
bench_casefile.py); the data files are real data files with their bucket tables, built from
source tables by the publisher's build (offline_cache.build) and changed by SQL (units only: a
recorded person costs one memory-hard hash per new salt, measured by bench_privacy). Codes are synthetic (the watch
never parses them). Each run starts from the alert store as it stood after comparing with the old
data, so every run raises all its alerts afresh: the worst case. With ``--dir`` the built files
are kept and reused by a later run with the same sizes (an interrupted build is made again, never
reused half made); each long build step prints its progress, flushed, so a log shows it."""
from __future__ import annotations

import argparse
import csv
import hashlib
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
from offline_cache.buckets import BucketTable, bucket_of, patch_table  # noqa: E402
from offline_cache.build import build, bucket_path  # noqa: E402
from offline_cache.reader import SnapshotReader  # noqa: E402
from offline_cache.schema import BY_NAME  # noqa: E402

LISTS = (("SX", "失信被执行人", "black"), ("JY", "经营异常名录", "focus"),
         ("NA", "纳税信用A级纳税人", "red"))
ITEM = "ITEM-1"
M_SX = Measure("M-SX", "SX", "punish", "限制", "限制参与", "某法第一条", True, target="any",
               effect="refuse", basis_level="law")
M_NA = Measure("M-NA", "NA", "reward", "便利", "绿色通道", "某文件", False, target="org",
               effect="reward", basis_level="central_policy")
BATCH = 200_000


def code(i: int) -> str:
    """Subject i's code: spread like real codes' bodies. (Sequential bodies are not: the bucket
    hash puts 1,000,000 codes 91000…0000 to 91000…999999 in 133,670 of 250,007 buckets, up to
    16 subjects in one, and every read would carry three times the rows.)"""
    return "91" + hashlib.blake2b(i.to_bytes(8, "big"), digest_size=8).hexdigest().upper()


def entry_of(i: int) -> tuple[str, str] | None:
    """Subject i's entry in the old data: one subject in ten is listed."""
    if i % 10:
        return None
    return f"E{i}", LISTS[(i // 10) % 3][0]


def say(text: str) -> None:
    """Progress of the long build steps, flushed so a log redirected to a file shows it."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def build_data(path: Path, n: int) -> BucketTable:
    """The old data: ``n`` units, one in ten listed, built from source tables by the publisher's
    own build (offline_cache.build: validated, in bucket order, with its bucket table)."""
    src = path.with_suffix(".sources")
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir()

    def write(name: str, header: list[str], rows) -> None:
        with open(src / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(header)
            out.writerows(rows)

    write("lists", ["list_code", "list_name", "severity", "authority", "basis"],
          ((*x, "", "") for x in LISTS))
    write("items", ["item_code", "name", "department"], [(ITEM, "某审批事项", "某部门")])
    columns = BY_NAME["measures"].columns
    write("measures", list(columns), ([_column(m, c) for c in columns] for m in (M_SX, M_NA)))
    write("item_measures", ["item_code", "measure_id"], [(ITEM, "M-SX"), (ITEM, "M-NA")])
    write("subjects", ["code", "name", "kind"], ((code(i), "某公司", "org") for i in range(n)))
    write("entries", ["entry_id", "subject_code", "list_code", "authority", "listed_on",
                      "expires_on", "basis", "state"],
          ((entry_id, code(i), list_code, "某机关", "2026-01-01", "", "某依据", "active")
           for i in range(0, n, 10) for entry_id, list_code in (entry_of(i),)))
    say(f"  source tables of {n:,} subjects written; building the data file")
    shown = [-1]

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > shown[0]:
            shown[0] = tenth
            say(f"  build: {tenth * 10} % of the source bytes read")

    build(src, path, progress=progress)
    shutil.rmtree(src)
    return BucketTable.from_bytes(bucket_path(path).read_bytes())


def apply_changes(old: Path, new: Path, base: BucketTable,
                  changed: dict[int, tuple[str, str | None]]) -> BucketTable:
    """The new data: the old file with ``changed`` applied by SQL and the touched buckets'
    digests recomputed (the full file a delta install stands for)."""
    shutil.copyfile(old, new)
    conn = sqlite3.connect(new, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    for i, (what, list_code) in changed.items():
        if what == "listed":
            conn.execute("INSERT INTO entries (entry_id, subject_code, list_code, authority, "
                         "listed_on, expires_on, basis, state) VALUES (?, ?, ?, '某机关', "
                         "'2026-11-01', NULL, '某依据', 'active')", (f"N{i}", code(i), list_code))
        elif what == "repaired":
            conn.execute("UPDATE entries SET state = 'repaired' WHERE subject_code = ?",
                         (code(i),))
        else:
            conn.execute("DELETE FROM entries WHERE subject_code = ?", (code(i),))
    conn.execute("COMMIT")
    table = patch_table(conn, base, {bucket_of(code(i), base.count) for i in changed})
    conn.close()
    bucket_path(new).write_bytes(table.to_bytes())
    return table


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
            record, body = _seal(replace(draft, checked_at=at, data_as_of=at), last, at)
            _insert(conn, record, body)
            last = (record.record_id, record.hash)
            if k % BATCH == BATCH - 1:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                say(f"  case file: {k + 1:,} of {checks:,} checks sealed")
        conn.execute("COMMIT")


@dataclass(frozen=True)
class Snap:
    """What SnapshotData needs of an installed snapshot."""
    version: int
    data_as_of: datetime
    data_path: Path
    table: BucketTable

    def open(self) -> SnapshotReader:
        return SnapshotReader(self.data_path, self.table)


def time_first_index(case_path: Path) -> float:
    """The checks index built from nothing: once per desk, at the first comparison."""
    (case_path.parent / WATCH_FILE).unlink(missing_ok=True)
    with CaseFile(case_path) as cf, Watch(cf) as watch:
        start = time.perf_counter()
        watch.sync()
        return time.perf_counter() - start


def compare(case_path: Path, snap: Snap):
    with CaseFile(case_path) as cf, SnapshotData(snap) as data, Watch(cf) as watch:
        return watch.compute(data, days=365, progress=lambda done, total: None)


def time_watch(case_path: Path, snap: Snap, after_old: Path, repeat: int, *,
               fingerprints: bool) -> tuple[float, float, int, int, int]:
    """Each run from the store as it stood after comparing with the old data (``after_old``);
    without ``fingerprints``, none of them holds (every recorded subject is read)."""
    samples, cpu, raised, examined, read = [], [], 0, 0, 0
    store = case_path.parent / WATCH_FILE
    for _ in range(repeat):
        for suffix in ("-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(after_old, store)
        if not fingerprints:
            conn = sqlite3.connect(store)
            with conn:
                conn.execute("UPDATE checks SET fp_digest = NULL")
            conn.close()
        start, start_cpu = time.perf_counter(), time.process_time()
        run = compare(case_path, snap)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        raised, examined, read = len(run.raised), run.examined, run.read
    return statistics.median(samples), statistics.median(cpu), raised, examined, read


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
    p.add_argument("--cases", default="delta,full", help="which cases to time (delta,full)")
    p.add_argument("--dir", type=Path, default=None,
                   help="work folder, kept (default: a temporary one)")
    args = p.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-watch-"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(16)
    try:
        t = time.perf_counter()
        changed = changes(args.subjects, args.changed, rng)
        tag = f"{args.subjects}-{args.changed}"
        old, new = folder / f"old-{args.subjects}.sqlite", folder / f"new-{tag}.sqlite"
        # Each built file counts as built only once its last part is written (the bucket table
        # after the data; the case file renamed into place), so an interrupted build is
        # redone by the next run rather than reused half made.
        if bucket_path(old).is_file():
            say(f"old data reused: {old}")
            base = BucketTable.from_bytes(bucket_path(old).read_bytes())
        else:
            say(f"building the old data of {args.subjects:,} subjects: {old}")
            old.unlink(missing_ok=True)
            base = build_data(old, args.subjects)
        if bucket_path(new).is_file():
            say(f"new data reused: {new}")
            table = BucketTable.from_bytes(bucket_path(new).read_bytes())
        else:
            say(f"applying {len(changed):,} changes to a copy: {new}")
            table = apply_changes(old, new, base, changed)
        cases = folder / f"cases-{args.subjects}-{args.checks}" / "cases.sqlite"
        if cases.is_file():
            say(f"case file reused: {cases}")
        else:
            say(f"sealing {args.checks:,} checks into a case file: {cases}")
            making = cases.parent.with_name(cases.parent.name + ".making")
            shutil.rmtree(making, ignore_errors=True)
            making.mkdir(parents=True)
            build_case_file(making / cases.name, args.subjects, args.checks, rng)
            shutil.rmtree(cases.parent, ignore_errors=True)
            making.rename(cases.parent)
        print(f"data of {args.subjects:,} subjects ({table.count:,} buckets) and "
              f"{args.checks:,} checks ready in {time.perf_counter() - t:.0f} s ({folder})",
              flush=True)
        print(f"checks index built once, from {args.checks:,} records: "
              f"{time_first_index(cases):.2f} s", flush=True)
        now = datetime.now(timezone.utc)
        before = compare(cases, Snap(1, now - timedelta(hours=1), old, base))
        after_old = cases.parent / "after-old.sqlite"
        shutil.copyfile(cases.parent / WATCH_FILE, after_old)
        print(f"compared with the old data first: {before.examined:,} checks, "
              f"{len(before.raised):,} alerts", flush=True)
        snap = Snap(2, now, new, table)
        codes = [code(i) for i in changed]
        for case, baseline_codes in (("delta", codes), ("full", None)):
            if case not in args.cases.split(","):
                continue
            seconds, cpu, raised, examined, read = time_watch(
                cases, snap, after_old, args.repeat, fingerprints=case == "delta")
            base_s, base_cpu = time_baseline(cases, new, baseline_codes, args.repeat)
            what = (f"{len(changed):,} changed subjects" if case == "delta"
                    else f"a full snapshot of {args.subjects:,} subjects, no fingerprint holding")
            print(f"{case}: {examined:,} checks in the window vs {what}: {read:,} recorded "
                  f"subjects read and verified; watch {seconds:.3f} s wall / {cpu:.3f} s CPU "
                  f"(median of {args.repeat}; {raised:,} alerts raised), baseline SQL join "
                  f"{base_s:.3f} s wall / {base_cpu:.3f} s CPU, ratio {seconds / base_s:.1f}x wall, "
                  f"{cpu / base_cpu:.1f}x CPU", flush=True)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
