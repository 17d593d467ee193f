"""Snapshot benchmark: build, publish (TUF), verify, install, delta and verified point lookup over
a synthetic N-subject dataset.

    .venv/bin/python benchmarks/bench_snapshot.py --subjects 1000000 --folder /var/tmp/bench-1m

Each step runs in its own child process so that its peak memory (max RSS, read by the child from
``getrusage`` at its end) is its own. Resumable: with ``--folder``, each finished step's figures
are kept in ``results.json`` there and a new run starts at the first step without them (the
20M-subject run takes hours on a small machine); ``--only STEP ...`` runs those steps again. Baselines are measured in the same run on the
same file:

* verify (TUF's ``TargetFile.verify_length_and_hashes`` of the data file) against a bare
  ``hashlib.sha256`` read of the same file, alternating the two over several rounds;
* ``SnapshotReader.lookup`` (reads the code's bucket, hashes it, compares it with the bucket
  table) against a bare ``sqlite3`` indexed SELECT of the subject row, and against an indexed
  SELECT of the same rows the answer holds (the subject joined with its entries), tuples only;
* a delta's install (base file linked, overlay written) against a copy of the installed data file
  with its sync, the first step of the install it replaced; a second delta of a fixed 2,000
  subjects on top, whose install should not grow with the base.

``--persons-every 0`` publishes no natural person, so the build pays no Argon2 sealing (about
62 ms of CPU per listed person, single-threaded: the 5M run with persons took 13 minutes, mostly
that): the data layer's scaling to 10M or 20M subjects within an afternoon.

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
from datetime import datetime, timezone
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
    if PERSON_EVERY and i % PERSON_EVERY == 0:
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
          ((subject_code(i), f"合成主体{i}", "person" if PERSON_EVERY and i % PERSON_EVERY == 0 else "org")
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


REGION = "440000"


def _signers(folder: Path):
    from offline_cache.repository import load_signer
    return [load_signer(folder / "publisher.key")]


def step_publish(folder: Path, n: int) -> dict:
    """A repository with the full snapshot as version 1: targets (length and SHA-256 of the data
    file and of its bucket table), snapshot and timestamp signed."""
    from offline_cache.build import bucket_path
    from offline_cache.repository import Repository, RoleKeys, generate_key

    key = folder / "publisher.key"
    if not key.exists():
        generate_key(key)
    signer = _signers(folder)[0]
    repo = folder / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    everyone = RoleKeys((signer.public_key,), 1)
    Repository.create(repo, {r: everyone for r in ("root", "targets", "snapshot", "timestamp")}, [signer])
    data = folder / "pub" / "snapshot.sqlite"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    started = time.perf_counter()
    Repository(repo).publish(version=1, data=data, buckets=bucket_path(data), data_as_of=now, region=REGION,
                             signers={r: [signer] for r in ("targets", "snapshot", "timestamp")})
    return {"seconds": time.perf_counter() - started,
            "buckets_bytes": bucket_path(data).stat().st_size}


def _raw_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def step_verify(folder: Path, n: int) -> dict:
    from tuf.api.metadata import Metadata

    repo = folder / "repo"
    # The full data file the repository lists: version 1 right after publish, the newest after the
    # delta steps (a re-run of this step alone).
    entry = max((t for t in Metadata.from_file(str(repo / "metadata" / "targets.json")).signed.targets.values()
                 if t.custom.get("kind") == "full"), key=lambda t: t.custom["version"])
    data = repo / "targets" / entry.path

    def project():
        with open(data, "rb", buffering=0) as fh:
            entry.verify_length_and_hashes(fh)

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
    """The whole client import (TUF workflow, copy, length and hash, fsync, swap) into a fresh store."""
    from offline_cache.store import SnapshotStore

    shutil.rmtree(folder / "store", ignore_errors=True)
    store = SnapshotStore(folder / "store", folder / "repo" / "metadata" / "1.root.json")
    t = time.perf_counter()
    store.install(folder / "repo")
    return {"seconds": time.perf_counter() - t}


def _evict(folder: Path) -> None:
    """The store's files out of the page cache (``posix_fadvise``: these files only, the rest of
    the machine keeps its cache), as after a reboot or a long idle: a cold start's reads."""
    for path in (folder / "store").rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd) if os.access(path, os.W_OK) else None
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def step_reopen(folder: Path, n: int) -> dict:
    """What a new process (a `credit-desk check`, the window starting) pays before it can answer:
    the root chain, the installed targets signature, the bucket table's hash, a reader opened (the
    catalogue verified), and the first verified lookup; cold (the store's files evicted from the
    page cache first, where the system allows it), then warm."""
    from offline_cache import store as store_module
    from offline_cache.store import SnapshotStore

    out = {}
    for how in ("cold", "warm") if hasattr(os, "posix_fadvise") else ("warm",):
        store_module._verdicts.clear()
        if how == "cold":
            _evict(folder)
        t = time.perf_counter()
        snap = SnapshotStore(folder / "store", folder / "repo" / "metadata" / "1.root.json").current(verify=True)
        verified = time.perf_counter() - t
        reader = snap.open()
        reader.lookup(subject_code(7), "IT-001")
        seconds = time.perf_counter() - t
        reader.close()
        if how == "cold":
            out["cold_seconds"], out["cold_metadata_and_table"] = seconds, verified
        else:
            out["seconds"], out["metadata_and_table"] = seconds, verified
    out["kind"] = snap.kind
    return out


def _next_release(folder: Path, n: int, src: Path, dst: Path, every: int, offset: int) -> None:
    """``dst``: ``src`` with one subject in ``every`` changed, half renamed and half newly listed
    (the next day's publication), edited in plain SQL through the tables' views, with its bucket
    table beside it: ``src``'s with the changed buckets' digests recomputed (``patch_table``, what
    a publisher's incremental release does), not a full pass over every row, which at 5M subjects
    took minutes per step and is not what the benchmark measures."""
    from offline_cache.buckets import BucketTable, bucket_of, patch_table
    from offline_cache.build import bucket_path, write_table

    shutil.copyfile(src, dst)
    base = BucketTable.from_bytes(bucket_path(src).read_bytes())
    renamed = [subject_code(i) for i in range(offset + 7, n, every)]
    listed = [(f"N{offset}-{i:010d}", subject_code(i)) for i in range(offset + 3, n, every)]
    conn = sqlite3.connect(dst)
    try:
        with conn:
            conn.executemany("UPDATE subjects SET name = name || '（更名）' WHERE code = ?", ((c,) for c in renamed))
            conn.executemany("INSERT INTO entries VALUES (?, ?, 'JYYCML', '某某机关', '2026-11-21', NULL, '依据', 'active')",
                             listed)
        touched = sorted({bucket_of(c, base.count) for c in renamed} | {bucket_of(c, base.count) for _, c in listed})
        write_table(bucket_path(dst), patch_table(conn, base, touched), of=dst)
    finally:
        conn.close()


def _install_delta(folder: Path, version: int, data: Path, base: Path) -> dict:
    """``data`` published as ``version`` with a delta from ``base`` (the installed version's
    file) beside it, and installed over it; what the old install paid first (a copy of the
    installed data file, synced), as the baseline."""
    from offline_cache.build import bucket_path
    from offline_cache.delta import make_delta
    from offline_cache.repository import Repository
    from offline_cache.store import SnapshotStore

    delta = folder / "pub" / f"delta-{version}.sqlite"
    t = time.perf_counter()
    report = make_delta(base, data, delta)
    made = time.perf_counter() - t
    now = datetime.now(timezone.utc).replace(microsecond=0)
    signer = _signers(folder)[0]
    Repository(folder / "repo").publish(version=version, data=data, buckets=bucket_path(data), data_as_of=now,
                                        region=REGION, deltas={version - 1: delta},
                                        signers={r: [signer] for r in ("targets", "snapshot", "timestamp")})
    store = SnapshotStore(folder / "store", folder / "repo" / "metadata" / "1.root.json")
    installed = store.current()
    t = time.perf_counter()
    scratch = folder / "copy-baseline.sqlite"
    shutil.copyfile(installed.data_path, scratch)
    with open(scratch, "rb+") as fh:
        os.fsync(fh.fileno())
    copy = time.perf_counter() - t
    scratch.unlink()
    t = time.perf_counter()
    snap = store.install(folder / "repo")
    seconds = time.perf_counter() - t
    overlay = snap.overlay_path.stat().st_size if snap.overlay_path else 0
    return {"make_seconds": made, "changes": report.changes, "buckets_touched": report.buckets_touched,
            "size": report.size, "kind": snap.kind, "install_seconds": seconds, "copy_seconds": copy,
            "overlay_bytes": overlay, "base_bytes": snap.data_path.stat().st_size}


def step_delta(folder: Path, n: int) -> dict:
    """The next day's publication: 0.1 % of subjects changed (half renamed, half newly listed),
    made into a delta, published beside the full snapshot, and installed over version 1."""
    pub = folder / "pub"
    nxt = folder / "next.sqlite"
    _next_release(folder, n, pub / "snapshot.sqlite", nxt, 2000, 0)
    return _install_delta(folder, 2, nxt, pub / "snapshot.sqlite")


def step_delta_fixed(folder: Path, n: int) -> dict:
    """A second delta on top of the first, of a fixed 2,000 subjects at any size (1,000 renamed,
    1,000 newly listed): its install
    (the overlay carried over and changed) should not grow with the base."""
    nxt, third = folder / "next.sqlite", folder / "third.sqlite"
    _next_release(folder, n, nxt, third, max(1, n // 1000), 1)
    return _install_delta(folder, 3, third, nxt)


def _org(i: int) -> int:
    return i + 1 if PERSON_EVERY and i % PERSON_EVERY == 0 else i


def step_lookup(folder: Path, n: int, lookups: int) -> dict:
    from offline_cache.buckets import BucketTable
    from offline_cache.build import bucket_path
    from offline_cache.reader import SnapshotReader

    data = folder / "pub" / "snapshot.sqlite"
    rng = random.Random(1)
    # Organisations only: a person's lookup adds one memory-hard hash of the number (sealing.py,
    # measured by bench_privacy.py), which no bare SELECT pays.
    codes = [subject_code(_org(rng.randrange(n))) if rng.random() < 0.9 else unknown_code(k)
             for k in range(lookups)]
    reader = SnapshotReader(data, BucketTable.from_bytes(bucket_path(data).read_bytes()))
    # Each way its own connection, as the lookup has its own: with one shared, the subject
    # SELECT just before the same-rows SELECT of the same code (two turns in three) left the
    # code's index and table pages in that connection's page cache, so the same-rows baseline
    # read them without a system call and looked 3-4 us faster than it is alone.
    uri = data.resolve().as_uri() + "?mode=ro"
    bare, bare_same = sqlite3.connect(uri, uri=True), sqlite3.connect(uri, uri=True)
    hits = sum(1 for c in codes[:2000] if reader.lookup(c, "IT-001").hits)
    same_rows = ("SELECT s.name, s.kind, e.entry_id, e.list_code, e.authority, e.listed_on, "
                 "e.expires_on, e.basis, e.state FROM subjects s "
                 "LEFT JOIN entries e ON e.subject_code = s.code WHERE s.code = ? "
                 "ORDER BY e.listed_on DESC, e.entry_id")

    def ours(code):
        reader.lookup(code, "IT-001")

    def one_select(code):
        bare.execute("SELECT code, name, kind FROM subjects WHERE code = ?", (code,)).fetchone()

    def same_select(code):
        bare_same.execute(same_rows, (code,)).fetchall()

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
    bare_same.close()
    result = {"hit_share": hits / 2000}
    for name, s in samples.items():
        s.sort()
        result[name] = (s[len(s) // 2] / 1000, s[min(len(s) - 1, int(0.99 * len(s)))] / 1000)
    return result


STEPS = {"generate": step_generate, "build": step_build, "publish": step_publish, "verify": step_verify,
         "install": step_install, "reopen_full": step_reopen, "delta": step_delta, "delta_fixed": step_delta_fixed,
         "reopen_delta": step_reopen,
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
                           "--subjects", str(n), "--lookups", str(lookups), "--persons-every", str(PERSON_EVERY)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"step {step} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cold_row(kind: str, step: dict) -> list:
    if "cold_seconds" not in step:  # a run before the cold start was measured, or no fadvise
        return []
    return [(f"  the same, cold (store files evicted from the page cache)", f"{step['cold_seconds']:.3f} s",
             f"metadata + bucket table {step['cold_metadata_and_table']:.3f} s", None)]


def main() -> None:
    global PERSON_EVERY
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--subjects", type=int, default=1_000_000, help="dataset size (default 1,000,000)")
    p.add_argument("--lookups", type=int, default=20_000, help="codes looked up per round")
    p.add_argument("--folder", type=Path, default=None, help="work folder (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--persons-every", type=int, default=PERSON_EVERY,
                   help="one subject in K a natural person (default 20); 0: none, so no Argon2 sealing "
                        "(the data layer's scaling without the build's memory-hard step)")
    p.add_argument("--only", nargs="+", choices=STEPS, default=None,
                   help="run only these steps now, again if already done (with --folder, the rest in a "
                        "later run); a step uses what the steps before it left, so re-run a chain from "
                        "publish (publish verify install reopen_full delta delta_fixed reopen_delta), or "
                        "verify or lookup alone (reopen_full measures the store as the last step left it: "
                        "after install, a full one)")
    p.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    args = p.parse_args()
    PERSON_EVERY = args.persons_every
    if args.child:
        child(args.child, args.folder, args.subjects, args.lookups)
        return

    resumable = args.folder is not None
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pub").mkdir(exist_ok=True)
    n = args.subjects
    saved = folder / "results.json"
    r = json.loads(saved.read_text()) if resumable and saved.exists() else {}
    if r.get("subjects", n) != n or r.get("persons_every", PERSON_EVERY) != PERSON_EVERY:
        sys.exit(f"{folder} holds a run at {r['subjects']:,} subjects (one person in "
                 f"{r.get('persons_every', 20)}); use another --folder")
    r["subjects"], r["persons_every"] = n, PERSON_EVERY
    print(f"snapshot benchmark: {n:,} subjects, {args.lookups:,} lookups x {ROUNDS} rounds, in {folder}")
    try:
        for step in STEPS:
            if args.only and step not in args.only:
                if step in r:
                    print(f"  {step:<12} kept from an earlier run", flush=True)
                continue
            if step in r and not args.only:
                print(f"  {step:<12} kept from an earlier run", flush=True)
                continue
            if step == "generate" and (folder / "sources").exists():
                shutil.rmtree(folder / "sources")
            t = time.perf_counter()
            r[step] = run_step(step, folder, n, args.lookups)
            print(f"  {step:<12} done in {time.perf_counter() - t:7.1f} s", flush=True)
            if resumable:
                saved.write_text(json.dumps(r, indent=1))
    finally:
        if not args.keep and not resumable:
            shutil.rmtree(folder, ignore_errors=True)

    if any(step not in r for step in STEPS):
        print("steps still to run:", ", ".join(step for step in STEPS if step not in r))
        return
    b, v, lk, d = r["build"], r["verify"], r["lookup"], r["delta"]
    table_share = r["publish"]["buckets_bytes"] / b["size"]
    rows = [
        ("generate sources (CSV)", f"{r['generate']['seconds']:.1f} s, {r['generate']['source_bytes'] / 1e6:,.0f} MB", "",
         r["generate"]["peak_mib"]),
        ("build", f"{b['rows']:,} rows in {b['seconds']:.1f} s = {b['rows_per_second']:,.0f} rows/s",
         f"size on disk {b['size'] / 1e6:,.1f} MB; bucket table {r['publish']['buckets_bytes'] / 1e6:,.1f} MB "
         f"({table_share:.1%} of it)", b["peak_mib"]),
        ("publish (copy, SHA-256, sign 3 roles)", f"{r['publish']['seconds']:.1f} s", "", r["publish"]["peak_mib"]),
        ("verify data file (TUF length + hashes)",
         f"{v['verify_mb_s']:,.0f} MB/s vs raw sha256 {v['sha256_mb_s']:,.0f} MB/s",
         f"ratio {v['verify_mb_s'] / v['sha256_mb_s']:.0%} (target >= 80%)", v["peak_mib"]),
        ("install full (TUF workflow, copy, hash, fsync, swap)", f"{r['install']['seconds']:.1f} s", "",
         r["install"]["peak_mib"]),
        ("new process: ready to answer (full), warm", f"{r['reopen_full']['seconds']:.3f} s",
         f"metadata + bucket table {r['reopen_full']['metadata_and_table']:.3f} s (target < 0.3 s at 20M)",
         r["reopen_full"]["peak_mib"]),
        *_cold_row("full", r["reopen_full"]),
        ("delta (0.1 % of subjects): make / install", f"{d['make_seconds']:.1f} s / {d['install_seconds']:.1f} s",
         f"{d['changes']:,} rows, {d['buckets_touched']:,} buckets, delta {d['size'] / 1e6:,.1f} MB, installed as "
         f"{d['kind']}, overlay {d['overlay_bytes'] / 1e6:,.1f} MB; copying the base alone (the old install's "
         f"first step) {d['copy_seconds']:.2f} s (target < 10 s at 20M)", d["peak_mib"]),
        ("a second delta of 2,000 subjects on top: make / install", f"{r['delta_fixed']['make_seconds']:.1f} s / "
         f"{r['delta_fixed']['install_seconds']:.2f} s",
         f"{r['delta_fixed']['changes']:,} rows, {r['delta_fixed']['buckets_touched']:,} buckets; overlay now "
         f"{r['delta_fixed']['overlay_bytes'] / 1e6:,.1f} MB beside a base of {r['delta_fixed']['base_bytes'] / 1e6:,.0f} MB; "
         f"copying the base (the old install's first step) {r['delta_fixed']['copy_seconds']:.2f} s",
         r["delta_fixed"]["peak_mib"]),
        ("new process: ready to answer (delta-built), warm", f"{r['reopen_delta']['seconds']:.3f} s",
         f"metadata + bucket table {r['reopen_delta']['metadata_and_table']:.3f} s", r["reopen_delta"]["peak_mib"]),
        *_cold_row("delta-built", r["reopen_delta"]),
        ("verified lookup p50 / p99", f"{lk['ours'][0]:.1f} / {lk['ours'][1]:.1f} us",
         f"bare SELECT of the subject {lk['one'][0]:.1f} / {lk['one'][1]:.1f} us: "
         f"{lk['ours'][0] / lk['one'][0]:.2f}x / {lk['ours'][1] / lk['one'][1]:.2f}x (target <= 2x)", lk["peak_mib"]),
        ("  bare SELECT of the same rows (subject + entries)", f"{lk['same'][0]:.1f} / {lk['same'][1]:.1f} us",
         f"lookup vs these: {lk['ours'][0] / lk['same'][0]:.2f}x / {lk['ours'][1] / lk['same'][1]:.2f}x", None),
    ]
    print(f"\nlisted share in the lookup sample: {lk['hit_share']:.1%} (medians over {ROUNDS} rounds)\n")
    print("| step | figure | against the baseline | peak RSS |\n| --- | --- | --- | --- |")
    for name, fig, base, rss in rows:
        print(f"| {name} | {fig} | {base} | {'' if rss is None else f'{rss:,.0f} MiB'} |")


if __name__ == "__main__":
    main()
