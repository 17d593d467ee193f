"""Snapshot benchmark: build, sign, verify and point lookup over a synthetic N-subject dataset.

    .venv/bin/python benchmarks/bench_snapshot.py --subjects 1000000

Each step runs in its own child process so that its peak memory (max RSS, read by the child from
``getrusage`` at its end) is its own. Baselines are measured in the same run on the same file:

* verify (the client's path: signatures, size, streamed SHA-256 of the data file) against a bare
  ``hashlib.sha256`` read of the same file, alternating the two over several rounds;
* ``SnapshotReader.lookup`` against a bare ``sqlite3`` indexed SELECT of the subject row, and
  against the lookup's own indexed SELECT (subject joined with its entries), tuples only.

The synthetic sources are written by a fast generator of its own (sequential bodies with valid
GB 32100 / GB 11643 check digits, a few percent listed), not by the demo generator, whose names and
histories cost far more than a million rows should."""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stdnum.cn import ric, uscc  # noqa: E402

LISTS = [("SXBZXR", "失信被执行人", "black"), ("YZWFSX", "严重违法失信名单", "black"),
         ("ZDSSWF", "重大税收违法失信主体", "black"), ("JYYCML", "经营异常名录", "focus"),
         ("NSXYA", "A级纳税人", "red"), ("HGGJRZ", "海关高级认证企业", "red")]
ITEMS = 60
LISTED_SHARE = 0.04
PERSON_EVERY = 20  # one subject in twenty is a natural person
ROUNDS = 5
_BASE31 = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def subject_code(i: int) -> str:
    """The i-th synthetic subject: an identity number for one in twenty, else an org code."""
    if i % PERSON_EVERY == 0:
        # Distinct (birth date, sequence) for each person, up to 30 million of them.
        d, seq = divmod(i // PERSON_EVERY, 1000)
        body = f"440106{1930 + (d // 336) % 90:04d}{1 + (d // 28) % 12:02d}{1 + d % 28:02d}{seq:03d}"
        return body + ric.calc_check_digit(body + "0")  # stdnum drops the last char
    n, chars = i, []
    for _ in range(9):
        n, r = divmod(n, 31)
        chars.append(_BASE31[r])
    body = "9144" + f"{1 + i % 9999:04d}" + "".join(reversed(chars))
    return body + uscc.calc_check_digit(body)


def unknown_code(i: int) -> str:
    body = f"9244{i % 9999:04d}Q{i:08d}"
    return body + uscc.calc_check_digit(body)


# -- steps (each runs in a child process) ---------------------------------------------------------

def step_generate(folder: Path, n: int) -> dict:
    started = time.perf_counter()
    src = folder / "sources"
    src.mkdir()
    rng = random.Random(n)

    def table(name, header, rows):
        with open(src / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)

    table("lists", ["list_code", "list_name", "severity", "authority", "basis"],
          [(c, name, sev, "某某机关", "《某某办法》第一条") for c, name, sev in LISTS])
    table("items", ["item_code", "name", "department"],
          [(f"IT-{k:03d}", f"办事事项{k}", f"部门{k % 12}") for k in range(ITEMS)])
    measures = [(f"M-{c}-{j}", c, "reward" if sev == "red" else "punish", "类别", f"措施{c}{j}",
                 "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》",
                 "true" if j == 0 and sev != "red" else "false", "any",
                 "reward" if sev == "red" else "refuse" if j == 0 else "restrict", "central_policy", "")
                for c, _, sev in LISTS for j in range(4)]
    table("measures", ["measure_id", "list_code", "nature", "category", "content", "basis", "mandatory",
                       "target", "effect", "basis_level", "catalogue_ref"], measures)
    table("item_measures", ["item_code", "measure_id"],
          [(f"IT-{k:03d}", m[0]) for k in range(ITEMS) for j, m in enumerate(measures) if (k + j) % 3 == 0])
    table("subjects", ["code", "name", "kind"],
          ((subject_code(i), f"合成主体{i}", "person" if i % PERSON_EVERY == 0 else "org")
           for i in range(n)))

    def entries():
        e = 0
        for i in range(n):
            if rng.random() < LISTED_SHARE:
                for _ in range(1 + (rng.random() < 0.25)):
                    c = LISTS[rng.randrange(len(LISTS))][0]
                    e += 1
                    listed = f"20{rng.randrange(15, 26)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
                    yield (f"E{e:010d}", subject_code(i), c, "某某机关", listed, "", "依据某某决定书",
                           "active" if rng.random() < 0.9 else "objection")
    table("entries", ["entry_id", "subject_code", "list_code", "authority", "listed_on", "expires_on",
                      "basis", "state"], entries())
    return {"seconds": time.perf_counter() - started,
            "source_bytes": sum(p.stat().st_size for p in src.iterdir())}


def step_build(folder: Path, n: int) -> dict:
    from offline_cache.build import build

    report = build(folder / "sources", folder / "pub" / "snapshot.sqlite")
    return {"seconds": report.seconds, "rows": report.rows, "rows_per_second": report.rows_per_second,
            "size": report.size}


def step_sign(folder: Path, n: int) -> dict:
    from offline_cache.keys import generate_key
    from offline_cache.manifest import sign_snapshot
    from offline_cache.root import make_root

    key = folder / "publisher.key"
    generate_key(key)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    make_root([key], 1, expires=now + timedelta(days=30), sign_with=[key], out=folder / "root.json")
    started = time.perf_counter()
    sign_snapshot(folder / "pub" / "snapshot.sqlite", version=1, data_as_of=now, expires=now + timedelta(days=7),
                  region="440000", keys=[key], out=folder / "pub" / "snapshot.json")
    return {"seconds": time.perf_counter() - started}


def _raw_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def step_verify(folder: Path, n: int) -> dict:
    from offline_cache.manifest import check_data_file, load_manifest
    from offline_cache.root import load_root

    manifest = folder / "pub" / "snapshot.json"
    data = folder / "pub" / "snapshot.sqlite"
    root = load_root(folder / "root.json")

    def project():
        check_data_file(load_manifest(manifest, root), data)

    ours, base = [], []
    _raw_sha256(data)  # both sides then read from the page cache
    for _ in range(ROUNDS):
        for fn, out in ((project, ours), (lambda: _raw_sha256(data), base)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    size = data.stat().st_size
    return {"verify_mb_s": size / statistics.median(ours) / 1e6,
            "sha256_mb_s": size / statistics.median(base) / 1e6}


def step_install(folder: Path, n: int) -> dict:
    """The whole client import (verify, copy, fsync, swap) into a fresh store."""
    from offline_cache.store import SnapshotStore

    store = SnapshotStore(folder / "store", folder / "root.json")
    t = time.perf_counter()
    store.install(folder / "pub" / "snapshot.json")
    return {"seconds": time.perf_counter() - t}


def step_reopen(folder: Path, n: int) -> dict:
    """What a new process (a `credit-desk check`, the window starting) pays before its first
    lookup: the installed snapshot verified against its signed manifest."""
    from offline_cache.store import SnapshotStore

    t = time.perf_counter()
    snap = SnapshotStore(folder / "store", folder / "root.json").current(verify=True)
    return {"seconds": time.perf_counter() - t, "kind": snap.kind}


def step_delta(folder: Path, n: int) -> dict:
    """The next day's publication: 1% of subjects renamed, 0.1% newly listed, made into a delta,
    signed, and installed over the full snapshot."""
    from offline_cache.delta import make_delta
    from offline_cache.manifest import sign_delta
    from offline_cache.store import SnapshotStore

    pub = folder / "pub"
    shutil.copyfile(pub / "snapshot.sqlite", folder / "next.sqlite")
    conn = sqlite3.connect(folder / "next.sqlite")
    with conn:
        conn.execute("UPDATE subjects SET name = name || '（更名）' WHERE rowid % 100 = 7")
        conn.executemany("INSERT INTO entries VALUES (?, ?, 'JYYCML', '某某机关', '2026-11-21', NULL, '依据', 'active')",
                         ((f"N{i:010d}", subject_code(i)) for i in range(3, n, 1000)))
    conn.close()
    t = time.perf_counter()
    report = make_delta(pub / "snapshot.sqlite", folder / "next.sqlite", pub / "delta.sqlite")
    made = time.perf_counter() - t
    now = datetime.now(timezone.utc).replace(microsecond=0)
    sign_delta(pub / "delta.sqlite", base_version=1, version=2, data_as_of=now, expires=now + timedelta(days=7),
               region="440000", keys=[folder / "publisher.key"], out=pub / "delta.json")
    t = time.perf_counter()
    SnapshotStore(folder / "store", folder / "root.json").install(pub / "delta.json")
    return {"make_seconds": made, "changes": report.changes, "size": report.size,
            "install_seconds": time.perf_counter() - t}


def step_lookup(folder: Path, n: int, lookups: int) -> dict:
    from offline_cache.reader import _SUBJECT_ENTRIES, SnapshotReader

    data = folder / "pub" / "snapshot.sqlite"
    rng = random.Random(1)
    codes = [subject_code(rng.randrange(n)) if rng.random() < 0.9 else unknown_code(k)
             for k in range(lookups)]
    reader = SnapshotReader(data)
    bare = sqlite3.connect(data.resolve().as_uri() + "?mode=ro", uri=True)
    hits = sum(1 for c in codes[:2000] if reader.lookup(c, "IT-001").hits)

    def ours(code):
        reader.lookup(code, "IT-001")

    def one_select(code):
        bare.execute("SELECT code, name, kind FROM subjects WHERE code = ?", (code,)).fetchone()

    def same_select(code):
        bare.execute(_SUBJECT_ENTRIES, (code,)).fetchall()

    samples = {"ours": [], "one": [], "same": []}
    ways = [("ours", ours), ("one", one_select), ("same", same_select)]
    clock = time.perf_counter_ns
    for rnd in range(ROUNDS + 1):  # round 0 warms the page cache and statement caches
        # The three ways take turns on each code, in rotating order, so that a hiccup of the
        # machine (or a page still cold) falls on all of them alike.
        for k, code in enumerate(codes):
            for j in range(3):
                name, fn = ways[(k + j) % 3]
                t = clock()
                fn(code)
                if rnd:
                    samples[name].append(clock() - t)
    reader.close()
    bare.close()
    result = {"hit_share": hits / 2000}
    for name, s in samples.items():
        s.sort()
        result[name] = (s[len(s) // 2] / 1000, s[min(len(s) - 1, int(0.99 * len(s)))] / 1000)
    return result


STEPS = {"generate": step_generate, "build": step_build, "sign": step_sign, "verify": step_verify,
         "install": step_install, "reopen_full": step_reopen, "delta": step_delta, "reopen_delta": step_reopen,
         "lookup": step_lookup}


def child(step: str, folder: Path, n: int, lookups: int) -> None:
    fn = STEPS[step]
    result = fn(folder, n, lookups) if step == "lookup" else fn(folder, n)
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_mib"] = rss / (1 << 20 if sys.platform == "darwin" else 1 << 10)
    print(json.dumps(result))


def run_step(step: str, folder: Path, n: int, lookups: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", step, "--folder", str(folder),
                           "--subjects", str(n), "--lookups", str(lookups)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"step {step} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--subjects", type=int, default=1_000_000, help="dataset size (default 1,000,000)")
    p.add_argument("--lookups", type=int, default=20_000, help="codes looked up per round")
    p.add_argument("--folder", type=Path, default=None, help="work folder (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.folder, args.subjects, args.lookups)
        return

    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pub").mkdir(exist_ok=True)
    n = args.subjects
    print(f"snapshot benchmark: {n:,} subjects, {args.lookups:,} lookups x {ROUNDS} rounds, in {folder}")
    try:
        r = {}
        for step in STEPS:
            t = time.perf_counter()
            r[step] = run_step(step, folder, n, args.lookups)
            print(f"  {step:<9} done in {time.perf_counter() - t:7.1f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    b, v, lk = r["build"], r["verify"], r["lookup"]
    rows = [
        ("generate sources (CSV)", f"{r['generate']['seconds']:.1f} s, {r['generate']['source_bytes'] / 1e6:,.0f} MB", "", r["generate"]["peak_mib"]),
        ("build", f"{b['rows']:,} rows in {b['seconds']:.1f} s = {b['rows_per_second']:,.0f} rows/s",
         f"size on disk {b['size'] / 1e6:,.1f} MB", b["peak_mib"]),
        ("sign (SHA-256 + dataset digest)", f"{r['sign']['seconds']:.1f} s", "", r["sign"]["peak_mib"]),
        ("verify data file", f"{v['verify_mb_s']:,.0f} MB/s vs raw sha256 {v['sha256_mb_s']:,.0f} MB/s",
         f"ratio {v['verify_mb_s'] / v['sha256_mb_s']:.0%} (target >= 80%)", v["peak_mib"]),
        ("install (verify+copy+fsync+swap)", f"{r['install']['seconds']:.1f} s", "", r["install"]["peak_mib"]),
        ("new process: verify installed full snapshot", f"{r['reopen_full']['seconds']:.2f} s", "",
         r["reopen_full"]["peak_mib"]),
        ("delta (1% renamed, 0.1% listed): make / install",
         f"{r['delta']['make_seconds']:.1f} s / {r['delta']['install_seconds']:.1f} s",
         f"{r['delta']['changes']:,} rows changed, delta {r['delta']['size'] / 1e6:,.1f} MB", r["delta"]["peak_mib"]),
        ("new process: verify delta-built snapshot", f"{r['reopen_delta']['seconds']:.2f} s",
         "bytes against the seal written when the signed dataset digest matched", r["reopen_delta"]["peak_mib"]),
        ("lookup p50 / p99", f"{lk['ours'][0]:.1f} / {lk['ours'][1]:.1f} us",
         f"bare SELECT {lk['one'][0]:.1f} / {lk['one'][1]:.1f} us: {lk['ours'][0] / lk['one'][0]:.2f}x / "
         f"{lk['ours'][1] / lk['one'][1]:.2f}x (target <= 2x)", lk["peak_mib"]),
        ("  the lookup's own SELECT, bare", f"{lk['same'][0]:.1f} / {lk['same'][1]:.1f} us",
         f"lookup vs these: {lk['ours'][0] / lk['same'][0]:.2f}x / {lk['ours'][1] / lk['same'][1]:.2f}x", None),
    ]
    print(f"\nlisted share in the lookup sample: {lk['hit_share']:.1%} (medians over {ROUNDS} rounds)\n")
    print(f"| step | figure | against the baseline | peak RSS |\n| --- | --- | --- | --- |")
    for name, fig, base, rss in rows:
        print(f"| {name} | {fig} | {base} | {'' if rss is None else f'{rss:,.0f} MiB'} |")


if __name__ == "__main__":
    main()
