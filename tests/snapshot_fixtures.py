"""A publisher with real Ed25519 keys in a tmp folder, datasets derived from the demo data by SQL
edits, and a production-style deployment config that trusts the publisher's root.

Used by the trust-model, delta and cache command tests."""
from __future__ import annotations

from desk_config import OPERATORS

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.site.paths import demo_snapshot_dir, resources
from offline_cache.delta import make_delta
from offline_cache.keys import generate_key, load_private
from offline_cache.manifest import sign_delta, sign_snapshot
from offline_cache.root import make_root, write_metadata
from offline_cache.signing import sign_envelope

KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
ITEM = KNOWN["item_with_measures"]
DEMO_DATA = demo_snapshot_dir() / "demo-dataset.sqlite"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
ROOT_EXPIRES = NOW + timedelta(days=3650)


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
    """The platform operator's side, in ``folder``: keys, a root, data files, signed manifests."""

    def __init__(self, folder: Path, *, keys: int = 1, threshold: int = 1):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.keys = [self.new_key(f"publisher-{n}") for n in range(keys)]
        self.root = make_root(self.keys, threshold, name="test-province", expires=ROOT_EXPIRES,
                              sign_with=self.keys, out=self.folder / "root.json")
        self._n = 0

    def new_key(self, name: str) -> Path:
        path = self.folder / f"{name}.key"
        generate_key(path)
        return path

    def _fresh(self, name: str) -> Path:
        self._n += 1
        folder = self.folder / f"{self._n:02d}-{name}"
        folder.mkdir()
        return folder

    def datasets(self) -> tuple[Path, Path, Path]:
        """v1 (the demo data), v2 and v3 data files."""
        data = self.folder / "data"
        if not data.exists():
            data.mkdir()
            shutil.copyfile(DEMO_DATA, data / "v1.sqlite")
            edit_dataset(data / "v1.sqlite", data / "v2.sqlite", *V2_CHANGES)
            edit_dataset(data / "v2.sqlite", data / "v3.sqlite", *V3_CHANGES)
        return data / "v1.sqlite", data / "v2.sqlite", data / "v3.sqlite"

    def publish(self, version: int, data: Path | None = None, *, keys: list[Path] | None = None,
                data_as_of: datetime | None = None, expires: datetime | None = None) -> Path:
        """A full snapshot of ``data`` (default: the demo data) in a folder of its own."""
        folder = self._fresh(f"v{version}")
        copy = shutil.copyfile(data or DEMO_DATA, folder / f"snapshot-{version}.sqlite")
        return sign_snapshot(Path(copy), version=version, data_as_of=data_as_of or NOW - timedelta(hours=1),
                             expires=expires or NOW + timedelta(days=30), region="440000",
                             keys=keys or self.keys, out=folder / f"snapshot-{version}.json",
                             created=NOW - timedelta(hours=1))

    def publish_delta(self, base_version: int, version: int, old: Path, new: Path, *,
                      folder: Path | None = None, keys: list[Path] | None = None) -> Path:
        folder = folder or self._fresh(f"delta-{base_version}-{version}")
        delta = make_delta(old, new, folder / f"delta-{base_version}-{version}.sqlite").path
        return sign_delta(delta, base_version=base_version, version=version,
                          data_as_of=NOW - timedelta(minutes=30), expires=NOW + timedelta(days=30),
                          region="440000", keys=keys or self.keys,
                          out=folder / f"delta-{base_version}-{version}.json", created=NOW - timedelta(minutes=30))

    def resign(self, manifest: Path, change: Callable[[dict], None], *, keys: list[Path] | None = None) -> Path:
        """The manifest's signed body changed by ``change`` and signed again with real keys: a
        publisher (or a stolen key) stating something false about the data file."""
        env = json.loads(manifest.read_text(encoding="utf-8"))
        change(env["signed"])
        write_metadata(manifest, sign_envelope(env["signed"], [load_private(k) for k in keys or self.keys]))
        return manifest

    def rotate(self, version: int, new_keys: list[Path], threshold: int, *, sign_with: list[Path]) -> Path:
        return make_root(new_keys, threshold, version=version, name="test-province", expires=ROOT_EXPIRES,
                         sign_with=sign_with, out=self.folder / f"root-{version}.json")


def deploy(config: Path, root: Path, *, warn: int = 48, max_age: int = 168) -> None:
    """A production-style deployment config trusting ``root`` (no platform: offline only)."""
    config.write_text(f'[site]\nhall = "440106-01"\nwindow = "12"\n\n[snapshot]\n'
                      f'trust_root = "{root}"\nwarn_age_hours = {warn}\nmax_age_hours = {max_age}\n' + OPERATORS,
                      encoding="utf-8")
