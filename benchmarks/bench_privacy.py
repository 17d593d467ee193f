"""Sealed persons (issue 17 item 4): what a clerk's person lookup costs, what a guessed number costs
an attacker with a copy of the data file, and what sealing adds to a build.

    .venv/bin/python benchmarks/bench_privacy.py --subjects 1000000

One synthetic dataset (bench_snapshot's generator: one subject in twenty a person, 4 % listed) is
built twice in this run: today's build with the sealing step switched off (persons stored by
number, the plain indexed lookup) and the sealed build. Then, on each file:

* person lookup, ``SnapshotReader.lookup`` of listed persons (bucket-verified read included),
  wall clock and CPU, median;
* the same lookup of the same persons in the unsealed file (by number, no hash), as the baseline;
* guessing cost: CPU seconds of one ``sealing.derive`` (what testing one candidate number costs),
  median, and what that makes of the 1,000 numbers of one birth date in one county and of every
  number of one county (about 3.7 x 10^7: 100 years x 365 days x 1,000 sequence numbers)."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_snapshot  # noqa: E402

from offline_cache import build as build_mod  # noqa: E402
from offline_cache import sealing  # noqa: E402
from offline_cache.reader import SnapshotReader  # noqa: E402

COUNTY_NUMBERS = 100 * 365 * 1000


def timed_build(src: Path, out: Path, sealed: bool) -> float:
    real = sealing.seal_persons
    if not sealed:
        # Today's build: the same code with the sealing step left out (persons kept by number).
        build_mod.sealing.seal_persons = lambda conn, *a, **k: 0
    try:
        started = time.perf_counter()
        build_mod.build(src, out)
        return time.perf_counter() - started
    finally:
        build_mod.sealing.seal_persons = real


def table_of(data: Path):
    """The bucket table the build wrote beside the data file (each lookup verifies its bucket)."""
    from offline_cache.buckets import BucketTable
    from offline_cache.build import bucket_path

    return BucketTable.from_bytes(bucket_path(data).read_bytes())


def listed_persons(n: int, count: int) -> list[str]:
    import sqlite3

    return [c for (c,) in sqlite3.connect(n).execute(
        "SELECT DISTINCT e.subject_code FROM entries e JOIN subjects s ON s.code = e.subject_code "
        "WHERE s.kind = 'person' LIMIT ?", (count,))]


def measure(reader: SnapshotReader, codes: list[str]) -> tuple[float, float]:
    walls, cpus = [], []
    for code in codes:
        w, c = time.perf_counter(), time.process_time()
        found = reader.lookup(code, "IT-001")
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        assert found.subject is not None and found.hits, code
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--subjects", type=int, default=1_000_000)
    p.add_argument("--lookups", type=int, default=25)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gen = bench_snapshot.step_generate(folder, args.subjects)
        print(f"[data] {args.subjects:,} subjects generated in {gen['seconds']:.1f} s")
        plain, sealed = folder / "plain.sqlite", folder / "sealed.sqlite"
        t_plain = timed_build(folder / "sources", plain, sealed=False)
        t_sealed = timed_build(folder / "sources", sealed, sealed=True)
        import sqlite3

        persons = sqlite3.connect(sealed).execute("SELECT COUNT(*) FROM subjects WHERE kind = 'person'").fetchone()[0]
        all_persons = sqlite3.connect(plain).execute("SELECT COUNT(*) FROM subjects WHERE kind = 'person'").fetchone()[0]
        print(f"[build] today's build (no sealing) {t_plain:.1f} s; sealed build {t_sealed:.1f} s "
              f"(ratio {t_sealed / t_plain:.2f}); persons published {persons:,} of {all_persons:,}")
        codes = listed_persons(plain, args.lookups)
        with SnapshotReader(plain, table_of(plain)) as r_plain:
            # No sealing parameters in the plain file: the number is the key, one indexed SELECT.
            measure(r_plain, codes[:3])
            p_wall, p_cpu = measure(r_plain, codes)
        with SnapshotReader(sealed, table_of(sealed)) as r_sealed:
            measure(r_sealed, codes[:3])
            s_wall, s_cpu = measure(r_sealed, codes)
            params = sealing.read_params(r_sealed._conn)
        guesses = []
        for i in range(args.lookups):
            c = time.process_time()
            sealing.derive(f"44010619900101{i:03d}X"[:17] + "0", params)
            guesses.append(time.process_time() - c)
        g = statistics.median(guesses)
        print(f"[lookup] {len(codes)} listed persons, median")
        print(f"  sealed lookup (hash + unseal + SELECT)  wall {s_wall * 1000:.1f} ms, CPU {s_cpu * 1000:.1f} ms")
        print(f"  baseline: plain indexed lookup          wall {p_wall * 1000:.3f} ms, CPU {p_cpu * 1000:.3f} ms"
              f"   ratio {s_wall / p_wall:.0f}x")
        print(f"[guessing] Argon2id m={params['memory_cost']} KiB t={params['iterations']} p={params['lanes']}: "
              f"{g * 1000:.1f} ms CPU per guessed number (median of {len(guesses)})")
        print(f"  1,000 numbers of one birth date in one county: {1000 * g:.0f} CPU-s; "
              f"every number of one county (3.65e7): {COUNTY_NUMBERS * g / 86400:.1f} CPU-days; "
              f"plain file: {COUNTY_NUMBERS * p_cpu / 3600:.2f} CPU-hours")


if __name__ == "__main__":
    main()
