"""The platform operator's side of the snapshot: role keys, a TUF repository, numbered full
snapshots and deltas to the newest from every older version, all made with the real
``offline_cache`` publisher code (the reference library's Metadata API underneath)."""
from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.site.paths import demo_snapshot_dir
from offline_cache.buckets import BucketTable
from offline_cache.build import bucket_path
from offline_cache.cli import ensure_buckets
from offline_cache.delta import make_delta
from offline_cache.repository import Repository, RoleKeys, data_name, generate_key, load_signer

REGION = "440000"


@dataclass(frozen=True)
class Release:
    version: int
    data: Path
    data_as_of: datetime

    @property
    def table(self) -> BucketTable:
        return BucketTable.from_bytes(bucket_path(self.data).read_bytes())


def demo_dataset() -> Path:
    return demo_snapshot_dir() / "targets" / data_name(1)


class Publisher:
    """Versions 1, 2, ... of one dataset in the repository ``folder/repository``. ``publish(change)``
    copies the newest data file, lets ``change`` edit it with SQL, and publishes it with deltas
    from every older version, as a platform would."""

    def __init__(self, folder: Path, *, dataset: Path | None = None, valid_days: int = 30,
                 data_as_of: datetime | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = self.folder / "publisher-key.pem"
        if not self.key.exists():
            generate_key(self.key)
        self.signer = load_signer(self.key)
        self.repository = Repository(self.folder / "repository")
        # Each start publishes version 1 anew (as the room always did): a fresh repository.
        shutil.rmtree(self.repository.folder, ignore_errors=True)
        keys = RoleKeys((self.signer.public_key,), 1)
        Repository.create(self.repository.folder, {r: keys for r in ("root", "targets", "snapshot", "timestamp")},
                          [self.signer], name="参考平台（培训）", expires={"root": _now() + timedelta(days=3650)})
        self.root = self.repository.metadata / "1.root.json"
        self.valid_days = valid_days
        self.fulls: dict[int, Release] = {}
        self.offer_deltas = True
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
            buckets = ensure_buckets(data)
            deltas = {}
            if self.offer_deltas:
                for base, release in self.fulls.items():
                    deltas[base] = make_delta(release.data, data, folder / f"delta-{base}-{version}.sqlite").path
            expires = _now() + timedelta(days=self.valid_days)
            as_of = data_as_of or _now()
            self.repository.publish(version=version, data=data, buckets=buckets, data_as_of=as_of,
                                    region=REGION, deltas=deltas, signers={r: [self.signer] for r in
                                                                           ("targets", "snapshot", "timestamp")},
                                    expires={"targets": expires, "snapshot": expires, "timestamp": expires})
            release = Release(version, data, as_of)
            self.fulls[version] = release
            return release


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
