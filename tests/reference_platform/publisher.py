"""The platform operator's side of the snapshot: a publisher key, a trust root, numbered full
snapshots and deltas between them, all made with the real ``offline_cache`` publisher code."""
from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.site.paths import demo_snapshot_dir
from offline_cache.delta import make_delta
from offline_cache.keys import generate_key
from offline_cache.manifest import peek_manifest, sign_delta, sign_snapshot
from offline_cache.root import make_root

REGION = "440000"


@dataclass(frozen=True)
class Release:
    version: int
    manifest: Path
    data: Path
    base_version: int | None = None  # a delta: the version it applies to

    def manifest_bytes(self) -> bytes:
        return self.manifest.read_bytes()


def demo_dataset() -> Path:
    return next(p for p in demo_snapshot_dir().iterdir() if p.suffix == ".sqlite")


class Publisher:
    """Versions 1, 2, ... of one dataset. ``publish(change)`` copies the newest data file, lets
    ``change`` edit it with SQL, and signs it; deltas from any older version to the newest are
    made on first request, as a platform would cache them."""

    def __init__(self, folder: Path, *, dataset: Path | None = None, valid_days: int = 30,
                 data_as_of: datetime | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = self.folder / "publisher-key.json"
        if not self.key.exists():
            generate_key(self.key)
        self.root = self.folder / "root.json"
        if not self.root.exists():
            make_root([self.key], 1, name="参考平台（培训）", expires=_now() + timedelta(days=3650),
                      sign_with=[self.key], out=self.root)
        self.valid_days = valid_days
        self.fulls: dict[int, Release] = {}
        self._deltas: dict[tuple[int, int], Release] = {}
        self._lock = threading.Lock()
        self.publish(source=dataset or demo_dataset(), data_as_of=data_as_of)

    @property
    def latest(self) -> Release:
        return self.fulls[max(self.fulls)]

    def publish(self, change: Callable[[sqlite3.Connection], None] | None = None, *,
                source: Path | None = None, data_as_of: datetime | None = None) -> Release:
        with self._lock:
            version = max(self.fulls, default=0) + 1
            folder = self.folder / f"v{version}"
            folder.mkdir(exist_ok=True)
            data = folder / f"snapshot-{version}.sqlite"
            shutil.copyfile(source or self.latest.data, data)
            if change is not None:
                conn = sqlite3.connect(data, isolation_level=None)
                try:
                    conn.execute("BEGIN")
                    change(conn)
                    conn.execute("COMMIT")
                finally:
                    conn.close()
            as_of = data_as_of or _now()
            manifest = sign_snapshot(data, version=version, data_as_of=as_of, created=as_of,
                                     expires=_now() + timedelta(days=self.valid_days), region=REGION,
                                     keys=[self.key], out=folder / f"snapshot-{version}.json")
            release = Release(version, manifest, data)
            self.fulls[version] = release
            return release

    def delta_from(self, base: int) -> Release | None:
        """The delta from ``base`` to the newest version, None when only a full snapshot will do."""
        with self._lock:
            latest = max(self.fulls)
            if base not in self.fulls or base >= latest:
                return None
            cached = self._deltas.get((base, latest))
            if cached is not None:
                return cached
            folder = self.folder / "deltas"
            folder.mkdir(exist_ok=True)
            data = folder / f"delta-{base}-{latest}.sqlite"
            make_delta(self.fulls[base].data, self.fulls[latest].data, data)
            target = self.fulls[latest]
            m = peek_manifest(target.manifest)
            manifest = sign_delta(data, base_version=base, version=latest, data_as_of=m.data_as_of,
                                  created=m.created, expires=m.expires, region=REGION, keys=[self.key],
                                  out=folder / f"delta-{base}-{latest}.json")
            release = Release(latest, manifest, data, base_version=base)
            self._deltas[(base, latest)] = release
            return release


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
