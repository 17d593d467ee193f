"""A publisher with real Ed25519 role keys in a tmp folder, a TUF repository made with the
reference library's Metadata API (offline_cache.repository), datasets derived from the demo data by
SQL edits, and a production-style deployment config that trusts the publisher's root.

Every publication returns a copy of the repository folder as it stood right after it, the way a
USB stick carries one: tests can then offer a desk an older or a tampered copy.

Used by the trust-model, conformance, delta and cache command tests."""
from __future__ import annotations

from desk_config import OPERATORS

import hashlib
import json
import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop.site.paths import demo_snapshot_dir, resources
from offline_cache.cli import ensure_buckets
from offline_cache.delta import make_delta
from offline_cache.repository import Repository, RoleKeys, data_name, generate_key, load_public, load_signer

KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
ITEM = KNOWN["item_with_measures"]
DEMO_DATA = demo_snapshot_dir() / "targets" / data_name(1)
NOW = datetime.now(timezone.utc).replace(microsecond=0)
ROOT_EXPIRES = NOW + timedelta(days=3650)
ROLES = ("root", "targets", "snapshot", "timestamp")


def tree(folder: Path) -> dict[str, str] | None:
    """Every file under ``folder`` by relative path, with the SHA-256 of its bytes (None: no
    folder at all). Equal trees are byte-for-byte equal."""
    folder = Path(folder)
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_dataset(src: Path, out: Path, *statements: str | tuple) -> Path:
    """A copy of the data file ``src`` changed by SQL statements (each a string, or (sql, params))."""
    shutil.copyfile(src, out)
    conn = sqlite3.connect(out)
    with conn:
        for st in statements:
            sql, params = (st, ()) if isinstance(st, str) else st
            conn.execute(sql, params)
    conn.execute("VACUUM")
    conn.close()
    return out


# Two successive real-looking publications on top of the demo data: a new listing, a repaired
# entry, a renamed company, a measure reworded, a mapping dropped, a subject deregistered.
V2_CHANGES = (
    ("INSERT INTO entries VALUES ('SXBZXR-2026-T0001', ?, 'SXBZXR', '广州市天河区人民法院', '2026-11-21', NULL,"
     " '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条', 'active')", (KNOWN["clear"][0],)),
    ("UPDATE entries SET state = 'repaired' WHERE subject_code = ?", (KNOWN["focus"],)),
    ("UPDATE subjects SET name = name || '（更名）' WHERE code = ?", (KNOWN["black"],)),
)
V3_CHANGES = (
    "UPDATE measures SET content = content || '（2026年修订）' WHERE measure_id = 'M-SX-01'",
    ("DELETE FROM item_measures WHERE item_code = ? AND measure_id = 'M-JY-01'", (ITEM,)),
    ("DELETE FROM entries WHERE subject_code = ?", (KNOWN["red"],)),
    ("DELETE FROM subjects WHERE code = ?", (KNOWN["red"],)),
    ("INSERT INTO subjects VALUES (?, '广州市测试新设贸易有限公司', 'org')", (KNOWN["unknown_valid"],)),
    ("INSERT INTO entries VALUES ('JYYCML-2026-T0002', ?, 'JYYCML', '广州市市场监督管理局', '2026-11-22', NULL,"
     " '《企业经营异常名录管理暂行办法》第四条', 'active')", (KNOWN["unknown_valid"],)),
)


class Publisher:
    """The platform operator's side, in ``folder``: role keys, a repository, data files."""

    def __init__(self, folder: Path, *, keys: int = 1, threshold: int = 1):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.keys = [self.new_key(f"publisher-{n}") for n in range(keys)]
        self.online = list(self.keys)   # snapshot and timestamp signers
        main = RoleKeys(tuple(load_public(k) for k in self.keys), threshold)
        self.repo = Repository.create(self.folder / "repo", {r: main for r in ROLES},
                                      [load_signer(k) for k in self.keys], name="test-province",
                                      expires={"root": ROOT_EXPIRES})
        self.root = shutil.copyfile(self.repo.metadata / "1.root.json", self.folder / "root.json")
        self._n = 0

    def new_key(self, name: str) -> Path:
        path = self.folder / f"{name}.key"
        generate_key(path)
        return path

    def copy(self, name: str) -> Path:
        """The repository as it stands now, copied to a folder of its own (a USB stick)."""
        self._n += 1
        dest = self.folder / f"{self._n:02d}-{name}"
        shutil.copytree(self.repo.folder, dest)
        return dest

    def datasets(self) -> tuple[Path, Path, Path]:
        """v1 (the demo data), v2 and v3 data files, each with its bucket table beside it."""
        data = self.folder / "data"
        if not data.exists():
            data.mkdir()
            shutil.copyfile(DEMO_DATA, data / "v1.sqlite")
            edit_dataset(data / "v1.sqlite", data / "v2.sqlite", *V2_CHANGES)
            edit_dataset(data / "v2.sqlite", data / "v3.sqlite", *V3_CHANGES)
            for v in (1, 2, 3):
                ensure_buckets(data / f"v{v}.sqlite")
        return data / "v1.sqlite", data / "v2.sqlite", data / "v3.sqlite"

    def publish(self, version: int, data: Path | None = None, *, keys: list[Path] | None = None,
                online: list[Path] | None = None, data_as_of: datetime | None = None,
                expires: datetime | None = None, timestamp_expires: datetime | None = None,
                deltas: dict[int, Path] | None = None, demo: bool = False) -> Path:
        """Version ``version`` of ``data`` (default: the demo data) with ``deltas`` (base → the
        older data file), signed by ``keys`` (targets) and ``online`` (snapshot, timestamp);
        returns the copy of the repository right after."""
        src = Path(data or DEMO_DATA)
        work = self.folder / "work" / f"v{version}-{self._n}"
        work.mkdir(parents=True)
        copy = work / "data.sqlite"
        shutil.copyfile(src, copy)
        buckets = ensure_buckets(copy)
        made = {}
        for base, old in (deltas or {}).items():
            ensure_buckets(old)
            made[base] = make_delta(old, copy, work / f"delta-{base}.sqlite").path
        targets_signers = [load_signer(k) for k in keys or self.keys]
        online_signers = [load_signer(k) for k in online or (keys if keys else self.online)]
        later = NOW + timedelta(days=30)
        self.repo.publish(version=version, data=copy, buckets=buckets, region="440000", deltas=made, demo=demo,
                          data_as_of=data_as_of or NOW - timedelta(hours=1) + timedelta(minutes=version),
                          signers={"targets": targets_signers, "snapshot": online_signers,
                                   "timestamp": online_signers},
                          expires={"targets": expires or later, "snapshot": expires or later,
                                   "timestamp": timestamp_expires or expires or later})
        return self.copy(f"v{version}")

    def publish_delta(self, base_version: int, version: int, old: Path, new: Path) -> Path:
        """Version ``version`` of ``new`` with the delta from ``base_version`` (``old``) beside
        the full snapshot, as a platform lists them."""
        return self.publish(version, new, deltas={base_version: old})

    def rotate(self, roles: dict[str, tuple[list[Path], int]], *, sign_with: list[Path]) -> Path:
        """Root version + 1 with new keys for ``roles``; returns the new root file."""
        md = self.repo.rotate_root({r: RoleKeys(tuple(load_public(k) for k in keys), t)
                                    for r, (keys, t) in roles.items()},
                                   [load_signer(k) for k in sign_with], expires=ROOT_EXPIRES)
        if "snapshot" in roles:
            self.online = roles["snapshot"][0]
        return self.repo.metadata / f"{md.signed.version}.root.json"


def deploy(config: Path, root: Path, *, warn: int = 48, max_age: int = 168) -> None:
    """A production-style deployment config trusting ``root`` (no platform: offline only)."""
    config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\n'
                      f'trust_root = "{root}"\nwarn_age_hours = {warn}\nmax_age_hours = {max_age}\n' + OPERATORS,
                      encoding="utf-8")


def resign(repo: Path, role: str, change, keys: list[Path]) -> Path:
    """``role``'s metadata in the repository copy ``repo`` changed by ``change(signed)`` and signed
    again with real keys (the same version): a publisher, or a stolen key, stating something
    false, or a key that is not the role's."""
    from tuf.api.metadata import Metadata
    from tuf.api.serialization.json import JSONSerializer

    path = Path(repo) / "metadata" / f"{role}.json"
    md = Metadata.from_bytes(path.read_bytes())
    change(md.signed)
    md.signatures.clear()
    for k in keys:
        md.sign(load_signer(k), append=True)
    path.write_bytes(md.to_bytes(JSONSerializer(compact=False)))
    return Path(repo)


def store_dir() -> Path:
    """The desk's snapshot store, under the test's CREDIT_DESK_HOME."""
    return Path(os.environ["CREDIT_DESK_HOME"]) / "snapshot"


@pytest.fixture
def pub(tmp_path, desk_env):
    """One publisher key, threshold 1 for every role; the deployment trusts its root."""
    _, config = desk_env
    p = Publisher(tmp_path / "publisher")
    deploy(config, p.root)
    return p
