"""The client's installed snapshot: verify, install atomically, keep the previous one.

Layout of the store folder::

    state.json                    {"format":1, "current":{"dir","version"}, "previous":{...}|null}
    snapshots/v000003-delta-ab12cd34/manifest.json + dataset.sqlite (+ seal.json, delta-built)
    roots/2.root.json ...          roots accepted after the shipped one, one per version
    .staging-<token>/              an install in progress (removed when it is refused, or by the
                                   next install when a killed one left it)

One install at a time across processes (install_lock.py, ``snapshot.lock`` beside the folder):
the clean-up of unreferenced folders and the pointer move happen under it, so the pointer only
ever names a folder that was written and synced before it.

Versioned folders plus an atomically replaced pointer file, rather than renaming folders: on
Windows a folder cannot be renamed while a reader holds its data file open, a file can always be
replaced. A refused or cancelled install removes its staging folder and leaves every other byte
as it was."""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from offline_cache.canonical import format_time, read_metadata_bytes
from offline_cache.delta import DeltaError, apply_delta
from offline_cache.digest import Cancelled, file_dataset_digest, file_sha256
from offline_cache.errors import SnapshotRefused, short_id
from offline_cache.install_lock import install_lock
from offline_cache.manifest import Manifest, check_data_file, load_manifest, peek_manifest
from offline_cache import sealing
from offline_cache.reader import SnapshotReader
from offline_cache.root import Root, load_root, load_successor
from offline_cache.schema import DATA_FORMAT

log = logging.getLogger(__name__)

STATE = "state.json"
SNAPSHOTS = "snapshots"
ROOTS = "roots"
MANIFEST = "manifest.json"
DATASET = "dataset.sqlite"
SEAL = "seal.json"
_DELTA_FILE = "delta.sqlite"
REINSTALL = "请重新导入快照（U盘或“更新离线数据”）。"


@dataclass(frozen=True)
class InstalledSnapshot:
    version: int
    kind: str  # "snapshot" (full) | "delta": how this version arrived
    created: datetime
    expires: datetime
    data_as_of: datetime
    region: str
    demo: bool
    data_path: Path
    manifest_path: Path
    dataset_digest: str

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires

    def open(self) -> SnapshotReader:
        return SnapshotReader(self.data_path)


def _installed(m: Manifest, folder: Path) -> InstalledSnapshot:
    return InstalledSnapshot(m.version, m.kind, m.created, m.expires, m.data_as_of, m.region, m.demo,
                             folder / DATASET, folder / MANIFEST, m.dataset_digest)


# Verdicts shared by every store object in the process (the desk creates one per command), keyed
# by what would change if a file were touched.
_verdicts: dict[tuple, InstalledSnapshot] = {}
_roots: dict[tuple, Root] = {}
_cache_lock = threading.Lock()


def _stat_key(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st.st_size, st.st_mtime_ns)


def _sealing_problem(path: Path) -> str | None:
    """Why the data file's person sealing is below this desk's minimum (sealing.MINIMUM)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        sealing.read_params(conn)
    except sealing.WeakSealing as exc:
        return str(exc)
    except sqlite3.Error as exc:
        return f"快照的自然人加密参数无法读取（{exc}）"
    finally:
        conn.close()
    return None


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":
        return  # Windows has no directory handles to flush; NTFS journals the rename itself.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _write_seal(folder: Path, dataset_digest: str) -> None:
    """Record the bytes of a delta-built data file whose signed dataset digest has just matched.

    Such a file has no signed byte hash, and the digest is a pass over every row: 3.5 s at a
    million subjects, 49 s at ten million, paid by every start and every command-line check. The
    seal lets later starts check the bytes at hashing speed instead. The trade (stated in the
    README): someone who can write the clerk's data folder could edit a row and re-seal it, where
    the digest alone would have caught it; the platform still sees every result in the feedback.
    """
    size, sha = file_sha256(folder / DATASET)
    _write_atomic(folder / SEAL, json.dumps(
        {"dataset_digest": dataset_digest, "size": size, "sha256": sha}).encode("utf-8"))


def _sealed(folder: Path, dataset_digest: str) -> bool:
    """True when the data file's bytes are those recorded when its digest last matched."""
    try:
        seal = json.loads((folder / SEAL).read_text(encoding="utf-8"))
        if seal["dataset_digest"] != dataset_digest:
            return False
        return file_sha256(folder / DATASET) == (seal["size"], seal["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


class SnapshotStore:
    def __init__(self, folder: Path, trust_root: Path):
        self.folder = Path(folder)
        self.trust_root = Path(trust_root)
        self._lock = threading.RLock()

    # -- trust root --------------------------------------------------------------------------

    def root(self) -> Root:
        """The shipped root, advanced through every stored successor that the chain accepts.
        Walking the chain from the shipped root each time (rather than trusting the newest stored
        file) means a root dropped into the folder by hand, or left over from another deployment's
        trust root, is simply not reached."""
        roots_dir = self.folder / ROOTS
        stored = sorted(roots_dir.glob("*.root.json")) if roots_dir.is_dir() else []
        key = (_stat_key(self.trust_root), tuple(_stat_key(p) for p in stored))
        with _cache_lock:
            cached = _roots.get(key)
        if cached is not None:
            return cached
        root = load_root(self.trust_root)
        while True:
            nxt = roots_dir / f"{root.version + 1}.root.json"
            if not nxt.is_file():
                break
            try:
                root = load_successor(root, nxt)
            except SnapshotRefused:
                break
        with _cache_lock:
            _roots[key] = root
        return root

    def install_root(self, path: Path, *, now: datetime | None = None) -> Root:
        now = now or datetime.now(timezone.utc)
        with self._lock, install_lock(self.folder):
            old = self.root()
            data = read_metadata_bytes(Path(path), "信任根")
            new = load_successor(old, Path(path), data)
            if new.is_expired(now):
                raise SnapshotRefused("root-expired", f"新信任根已于 {format_time(new.expires)} 过期，不能使用。"
                                                      "请向省平台索取有效的信任根文件。")
            roots_dir = self.folder / ROOTS
            roots_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(roots_dir / f"{new.version}.root.json", data)
            return self.root()

    # -- what is installed -------------------------------------------------------------------

    def _state(self) -> dict | None:
        path = self.folder / STATE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError):
            raise SnapshotRefused("tampered", f"本机离线数据的登记文件已损坏：{path}。{REINSTALL}") from None
        ok = isinstance(state, dict) and all(
            state.get(k) is None or (isinstance(state[k], dict) and isinstance(state[k].get("dir"), str)
                                     and isinstance(state[k].get("version"), int)
                                     and "/" not in state[k]["dir"] and "\\" not in state[k]["dir"]
                                     and state[k]["dir"] not in ("", ".", ".."))
            for k in ("current", "previous"))
        if not ok or state.get("current") is None:
            raise SnapshotRefused("tampered", f"本机离线数据的登记文件内容无效：{path}。{REINSTALL}")
        return state

    def _peek(self, entry: dict) -> InstalledSnapshot:
        folder = self.folder / SNAPSHOTS / entry["dir"]
        m = peek_manifest(folder / MANIFEST)
        if m is None or m.version != entry["version"]:
            raise SnapshotRefused("tampered", f"本机已安装的离线数据（第 {entry['version']} 版）清单缺失或被改动："
                                              f"{folder / MANIFEST}。{REINSTALL}")
        return _installed(m, folder)

    def current(self, *, verify: bool = True) -> InstalledSnapshot | None:
        state = self._state()
        if state is None:
            return None
        if not verify:
            return self._peek(state["current"])
        return self._verified(state["current"])

    def previous(self) -> InstalledSnapshot | None:
        """The snapshot the current one replaced, as recorded (not re-verified: it is kept for IT
        staff to fall back on, not read by checks)."""
        state = self._state()
        if state is None or state.get("previous") is None:
            return None
        try:
            return self._peek(state["previous"])
        except SnapshotRefused:
            return None

    def _verified(self, entry: dict) -> InstalledSnapshot:
        folder = self.folder / SNAPSHOTS / entry["dir"]
        mpath, dpath = folder / MANIFEST, folder / DATASET
        root = self.root()
        key = (_stat_key(mpath), _stat_key(dpath), entry["version"], root.version, root.keyids, root.threshold)
        with _cache_lock:
            cached = _verdicts.get(key)
        if cached is not None:
            return cached
        which = f"本机已安装的离线数据（第 {entry['version']} 版）"
        try:
            m = load_manifest(mpath, root)
        except SnapshotRefused as exc:
            if exc.reason in ("wrong-key", "below-threshold"):
                # Not necessarily tampering: the trust root was rotated after this install.
                raise SnapshotRefused(exc.reason, f"{which}不是由当前信任根的密钥签署：{exc.message}") from None
            raise SnapshotRefused("tampered", f"{which}清单被改动：{exc.message}") from None
        if m.version != entry["version"]:
            raise SnapshotRefused("tampered", f"{which}清单版本为 {m.version}，与登记不符。{REINSTALL}")
        if not dpath.is_file():
            raise SnapshotRefused("tampered", f"{which}数据文件缺失：{dpath}。{REINSTALL}")
        if m.kind == "snapshot":
            size, sha = file_sha256(dpath)
            if size != m.data_size or sha != m.data_sha256:
                raise SnapshotRefused("tampered", f"{which}数据文件被改动（SHA-256 应为 {short_id(m.data_sha256)}，"
                                                  f"实际为 {short_id(sha)}）：{dpath}。{REINSTALL}")
        elif not _sealed(folder, m.dataset_digest):
            # A delta-built file has no signed byte hash, only the signed dataset digest.
            try:
                digest = file_dataset_digest(dpath)
            except sqlite3.DatabaseError:
                digest = "-"
            if digest != m.dataset_digest:
                raise SnapshotRefused("tampered", f"{which}数据被改动（数据摘要应为 {short_id(m.dataset_digest)}，"
                                                  f"实际为 {short_id(digest)}）：{dpath}。{REINSTALL}")
            try:
                _write_seal(folder, m.dataset_digest)
            except OSError:
                pass  # a read-only store still works, at the digest's speed
        snap = _installed(m, folder)
        with _cache_lock:
            _verdicts[key] = snap
        return snap

    # -- install -----------------------------------------------------------------------------

    def _choose(self, folder: Path, installed: int | None) -> Path:
        """Among the manifests in ``folder``: the newest delta whose base is installed, unless a
        full snapshot is newer still; a delta for another base only when nothing else is there
        (so that the refusal names the real problem)."""
        found = [m for m in (peek_manifest(p) for p in sorted(folder.glob("*.json"))) if m is not None]
        if not found:
            raise SnapshotRefused("no-snapshot", f"文件夹中没有快照清单：{folder}。请确认U盘或共享文件夹中有"
                                                 "省平台发布的快照（清单 .json 与数据文件）。")
        fulls = [m for m in found if m.kind == "snapshot"]
        deltas = [m for m in found if m.kind == "delta" and installed is not None and m.base_version == installed]
        best_full = max(fulls, key=lambda m: m.version, default=None)
        best_delta = max(deltas, key=lambda m: m.version, default=None)
        if best_delta is not None and (best_full is None or best_delta.version >= best_full.version):
            return best_delta.path
        if best_full is not None:
            return best_full.path
        return max(found, key=lambda m: m.version).path

    def install(self, path: Path, *, now: datetime | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> InstalledSnapshot:
        try:
            snap = self._install(path, now, progress, cancel)
        except SnapshotRefused as exc:
            log.warning("snapshot %s refused (%s): %s", path, exc.reason, exc.message)
            raise
        log.info("snapshot v%d (%s) in use, data as of %s, from %s", snap.version, snap.kind,
                 format_time(snap.data_as_of), path)
        return snap

    def _install(self, path: Path, now: datetime | None, progress, cancel) -> InstalledSnapshot:
        now = now or datetime.now(timezone.utc)
        path = Path(path)
        with self._lock, install_lock(self.folder, cancel=cancel):
            if not path.exists():
                raise SnapshotRefused("missing-file", f"找不到快照：{path}。请确认U盘已插好、路径正确。")
            try:
                state = self._state()
            except SnapshotRefused:
                # A damaged pointer file must not lock the hall out (its message says "import
                # again"): a full snapshot repairs it, and it may still be no older than anything
                # the store holds, so damaging the file opens no way to roll back.
                state = None
            installed = state["current"]["version"] if state else None
            floor = installed if state else self._highest_stored_version()
            mpath = self._choose(path, installed) if path.is_dir() else path

            root = self.root()
            if root.is_expired(now):
                raise SnapshotRefused("root-expired", f"本机信任根已于 {format_time(root.expires)} 过期，"
                                                      "不能再验证快照。请联系省平台更新信任根。")
            raw_manifest = read_metadata_bytes(mpath, "快照清单")
            m = load_manifest(mpath, root, raw_manifest)
            if floor is not None and m.version < floor:
                raise SnapshotRefused("rollback", f"快照是第 {m.version} 版，比本机已安装的第 {floor} 版旧，"
                                                  "拒绝回退到旧数据。请使用更新的快照。")
            # Expiry before "already installed": an expired copy of the installed version is
            # refused as expired (DESIGN.md's order), not reported as a successful import.
            if m.is_expired(now):
                raise SnapshotRefused("expired", f"快照（第 {m.version} 版）已于 {format_time(m.expires)} 过期，"
                                                 "不能安装。请向省平台索取最新快照。")
            if installed is not None and m.version == installed:
                try:
                    return self._verified(state["current"])
                except SnapshotRefused:
                    pass  # the installed copy is damaged: installing the same version repairs it
            return self._stage_and_swap(m, raw_manifest, state, progress, cancel)

    def _highest_stored_version(self) -> int | None:
        versions = [m.version for m in (peek_manifest(p) for p in (self.folder / SNAPSHOTS).glob(f"*/{MANIFEST}"))
                    if m is not None]
        return max(versions, default=None)

    def _stage_and_swap(self, m: Manifest, raw_manifest: bytes, state: dict | None,
                        progress, cancel) -> InstalledSnapshot:
        created_folder = not self.folder.exists()
        staging = self.folder / f".staging-{uuid.uuid4().hex[:12]}"
        committed = False
        placed = None
        try:
            staging.mkdir(parents=True)
            incoming = staging / (DATASET if m.kind == "snapshot" else _DELTA_FILE)
            with open(incoming, "wb") as out:
                check_data_file(m, m.data_path, progress=progress, cancel=cancel, copy_to=out)
                out.flush()
                os.fsync(out.fileno())
            if m.kind == "delta":
                self._apply(m, staging, state, cancel)
            elif not _is_dataset(incoming):
                raise SnapshotRefused("malformed", f"快照数据文件不是本程序能读取的快照数据库：{m.data_path}。"
                                                   "请向省平台索取正式快照。")
            weak = _sealing_problem(staging / DATASET)
            if weak:
                raise SnapshotRefused("weak-sealing", f"{weak}，拒绝安装：本机离线数据保持不变。"
                                                      "请向省平台索取按现行要求加密的快照。")
            if cancel is not None and cancel():
                raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。")
            with open(staging / MANIFEST, "wb") as fh:
                fh.write(raw_manifest)
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_file(staging / DATASET)
            _fsync_dir(staging)
            snaps = self.folder / SNAPSHOTS
            snaps.mkdir(exist_ok=True)
            name = f"v{m.version:06d}-{m.kind}-{uuid.uuid4().hex[:8]}"
            placed = snaps / name
            os.rename(staging, placed)
            _fsync_dir(snaps)
            new_state = {"format": 1, "current": {"dir": name, "version": m.version},
                         "previous": state["current"] if state else None}
            # The pointer replacement is the commit point: before it, the old snapshot is current.
            _write_atomic(self.folder / STATE, json.dumps(new_state, indent=1).encode("utf-8"))
            committed = True
        finally:
            if not committed:
                shutil.rmtree(staging, ignore_errors=True)
                if placed is not None:  # renamed in, but the pointer never moved to it
                    shutil.rmtree(placed, ignore_errors=True)
                if created_folder:
                    shutil.rmtree(self.folder, ignore_errors=True)
        self._collect_garbage(new_state)
        if progress is not None:
            progress(m.data_size, m.data_size)
        return self._verified(new_state["current"])

    def _apply(self, m: Manifest, staging: Path, state: dict | None, cancel) -> None:
        installed = state["current"] if state else None
        if installed is None or m.base_version != installed["version"]:
            have = f"本机已安装第 {installed['version']} 版" if installed else "本机尚未安装任何快照"
            raise SnapshotRefused("wrong-base", f"这是从第 {m.base_version} 版到第 {m.version} 版的增量，"
                                                f"{have}，无法应用。请导入完整快照，或与本机版本对应的增量。")
        base = self._peek(installed)
        work = staging / DATASET
        shutil.copyfile(base.data_path, work)
        try:
            digest = apply_delta(work, staging / _DELTA_FILE, expected_base=base.dataset_digest, cancel=cancel)
        except Cancelled:
            raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。") from None
        except (DeltaError, sqlite3.DatabaseError) as exc:
            if "base digest" in str(exc):
                raise SnapshotRefused("wrong-base", f"增量的基础数据与本机第 {installed['version']} 版的数据不一致，"
                                                    "无法应用。请导入完整快照。") from None
            raise SnapshotRefused("malformed", f"增量文件无法应用（{exc}）：{m.data_path}。请导入完整快照。") from None
        finally:
            (staging / _DELTA_FILE).unlink(missing_ok=True)
        if digest != m.dataset_digest:
            raise SnapshotRefused("digest-mismatch", f"增量应用后的数据与签署的数据摘要不符（应为 {short_id(m.dataset_digest)}，"
                                                     f"实际为 {short_id(digest)}），未安装。本机数据保持第 "
                                                     f"{installed['version']} 版。请导入完整快照。")
        _write_seal(staging, digest)

    def _collect_garbage(self, state: dict) -> None:
        keep = {state["current"]["dir"]} | ({state["previous"]["dir"]} if state.get("previous") else set())
        snaps = self.folder / SNAPSHOTS
        for child in snaps.iterdir() if snaps.is_dir() else ():
            if child.name not in keep:
                # On Windows a folder whose data file a reader still holds cannot go yet; the next
                # install tries again.
                shutil.rmtree(child, ignore_errors=True)


def _is_dataset(path: Path) -> bool:
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            # The bytes are the signed ones; this only catches a publisher shipping the wrong kind
            # of file, so the format mark suffices (a full integrity check costs seconds).
            return conn.execute("PRAGMA user_version").fetchone()[0] == DATA_FORMAT
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
