"""The client's installed snapshot: verify with TUF's workflow, install atomically, keep the
previous one.

Layout of the store folder::

    state.json                    {"format":2, "current":{"dir","version","kind"}, "previous":{...}|null}
    snapshots/v000003-delta-ab12cd34/
        metadata/timestamp.json snapshot.json targets.json   the verified metadata of this install
        dataset.sqlite            the rows, read through verified lookups (offline_cache.reader)
        overlay.sqlite            only when the version arrived as a delta: the buckets changed
                                  since dataset.sqlite, whole, and the catalogue; dataset.sqlite is
                                  then a hard link to the full data file the chain started from
        buckets.bin               the bucket table, whose hash the targets metadata signs
        buckets.pages             its page index, whose hash (with the table's header) the
                                  targets metadata signs too (absent for a table signed before)
    roots/2.root.json ...          roots accepted after the shipped one, one per version
    transition/                    only after a migration: the TUF root and the old root's signed step to it
    .staging-<token>/              an install in progress (removed when it is refused, or by the
                                   next install when a killed one left it)

One install at a time across processes (install_lock.py, ``snapshot.lock`` beside the folder):
the clean-up of unreferenced folders and the pointer move happen under it, so the pointer only
ever names a folder that was written and synced before it.

Start-up checks the targets signature under the root in force and the bucket table's page index
against the hash its target signs (``buckets.pages``; the table's own hash, reading it whole, for a
table signed without one): no pass over the rows, no seal, and not the whole table. Each lookup
then checks the page of the table it needs (once per process) and the rows it reads against their
bucket.

A delta therefore costs its own size and the buckets it touches: the full file is linked, never
copied or written, and the overlay carried over is small. When the overlay grows past
``CONSOLIDATE_SHARE`` of the buckets, that install writes a full file again (a copy of the base
with the overlay merged), which the following deltas link to.

Versioned folders plus an atomically replaced pointer file, rather than renaming folders: on
Windows a folder cannot be renamed while a reader holds its data file open, a file can always be
replaced. A refused or cancelled install removes its staging folder and leaves every other byte
as it was."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from tuf.api.exceptions import DownloadError
from tuf.api.metadata import Root, TargetFile
from tuf.ngclient.fetcher import FetcherInterface

from offline_cache import legacy, sealing, trust
from offline_cache.buckets import DIGEST, HEADER, PAGE, BucketTable, PagedBucketTable, page_index, page_index_sha256, Cancelled, catalogue_digest, compute_table, digest_text, read_bucket
from offline_cache.delta import (BucketMismatch, DeltaError, apply_delta, apply_to_overlay,
                                  consolidate, overlay_buckets)
from offline_cache.errors import SnapshotRefused, short_id
from offline_cache.install_lock import install_lock
from offline_cache.reader import SnapshotReader
from offline_cache.regular_file import open_regular
from offline_cache.schema import DATA_FORMAT

log = logging.getLogger(__name__)

STATE = "state.json"
SNAPSHOTS = "snapshots"
ROOTS = "roots"
METADATA = "metadata"
DATASET = "dataset.sqlite"
OVERLAY = "overlay.sqlite"
# Past this share of buckets held in the overlay, a delta's install writes a full file again.
CONSOLIDATE_SHARE = 1 / 16
BUCKETS = "buckets.bin"
# The bucket table's page index (buckets.page_index), kept at install when the table's target
# signs one: start-up then checks it instead of hashing the whole table.
PAGES = "buckets.pages"
_DELTA_FILE = "delta.sqlite"
TRANSITION_DIR = "transition"   # the accepted step from a root of the format before TUF
REINSTALL = "请重新导入快照（U盘或“更新离线数据”）。"
ADVICE = trust.ADVICE
# Candidate folders of one import named in its refusal and the log; all are tried.
NAMED_CANDIDATES = 3


@dataclass(frozen=True)
class InstalledSnapshot:
    version: int
    kind: str  # "full" | "delta": how this version arrived
    expires: datetime        # the targets role's expiry: past it the data cannot vouch
    data_as_of: datetime
    region: str
    demo: bool               # from the trust root in force, never from a signed target field
    data_path: Path
    metadata_path: Path
    table: BucketTable | PagedBucketTable = field(repr=False, compare=False)
    overlay_path: Path | None = None  # the changed buckets, for a version installed as a delta

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires

    def open(self) -> SnapshotReader:
        return SnapshotReader(self.data_path, self.table, self.overlay_path)


@dataclass(frozen=True)
class TrustRoot:
    version: int
    shipped_version: int     # the version of the root file the deployment config names
    name: str
    demo: bool               # any root of the chain is a demo root
    threshold: int           # the root role's: how many root keys sign a new root
    keyids: tuple[str, ...]  # the root role's keys
    expires: datetime
    roles: dict = field(compare=False)  # role -> (threshold, number of keys)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires


class Source(Protocol):
    """Where an update comes from: a TUF fetcher for metadata, and the target files."""
    fetcher: FetcherInterface
    label: str

    def fetch_target(self, entry: TargetFile, dest: Path, *, progress=None, cancel=None) -> int: ...


class FolderSource:
    """A repository folder: a USB stick or a hall share."""

    repairs = True   # an import by hand: the same version again means "check and repair"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.fetcher = trust.FolderFetcher(self.folder)
        self.label = str(self.folder)

    def fetch_target(self, entry: TargetFile, dest: Path, *, progress=None, cancel=None) -> int:
        src = self.folder / "targets" / entry.path
        try:
            fh = open_regular(src, "数据文件")
        except (FileNotFoundError, IsADirectoryError):
            raise trust.refused("targets", "missing-file", f"找不到目标文件：{src}。请把快照文件夹完整复制"
                                                           "（metadata 与 targets 两个文件夹）。") from None
        done = 0
        with fh, open(dest, "wb") as out:
            # Never more than the metadata allows: a file that keeps growing is cut off.
            while chunk := fh.read(min(trust.CHUNK, entry.length + 1 - done)):
                done += len(chunk)
                if done > entry.length:
                    raise trust.refused("targets", "too-large", f"文件 {entry.path} 比目标元数据所写的 "
                                                                f"{entry.length} 字节长。{ADVICE}")
                out.write(chunk)
                if progress is not None:
                    progress(done, entry.length)
                if cancel is not None and cancel():
                    raise Cancelled()
                if done == entry.length:
                    break
            out.flush()
            os.fsync(out.fileno())
        return done


# Verdicts shared by every store object in the process (the desk creates one per command), keyed
# by what would change if a file were touched.
_verdicts: dict[tuple, InstalledSnapshot] = {}
_roots: dict[tuple, tuple[Root, int, bool]] = {}
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


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":
        return  # Windows has no directory handles to flush; NTFS journals the rename itself.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    _write_file(tmp, data)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def is_root_file(path: Path) -> bool:
    """Whether ``path`` holds TUF root metadata (a rotation to import on its own)."""
    try:
        with open(path, "rb") as fh:
            obj = json.loads(fh.read(trust.ROOT_MAX))
        return obj["signed"]["_type"] == "root"
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False


def repository_of(path: Path) -> Path:
    """The repository folder a chosen path stands for: itself, or, for a file picked inside its
    ``metadata/`` folder, the folder above."""
    path = Path(path)
    if path.is_file() and path.parent.name == METADATA:
        return path.parent.parent
    return path


class SnapshotStore:
    def __init__(self, folder: Path, trust_root: Path):
        self.folder = Path(folder)
        self.trust_root = Path(trust_root)
        self._lock = threading.RLock()

    # -- trust root --------------------------------------------------------------------------

    def _shipped_file(self) -> bytes:
        try:
            return self.trust_root.read_bytes()
        except OSError as exc:
            raise trust.refused("root", "missing-file", f"无法读取本机信任根文件 {self.trust_root}（{exc.strerror}）。"
                                                        "请联系信息技术人员检查配置。") from None

    def _shipped(self) -> bytes:
        return self._anchor()[0]

    def _anchor(self, source: Source | None = None) -> tuple[bytes, tuple[bytes, bytes] | None]:
        """(the TUF root this desk starts from, a transition to keep once the install commits).
        A config that still names a root of the format before TUF reaches a TUF root only through
        the transition its threshold signed (offline_cache.legacy): the one accepted before, kept
        in the store, or the one the source offers."""
        shipped = self._shipped_file()
        if not legacy.is_legacy_root(shipped):
            return shipped, None
        kept = self.folder / TRANSITION_DIR
        try:
            root, signed = (kept / "1.root.json").read_bytes(), (kept / legacy.TRANSITION).read_bytes()
            legacy.check_transition(shipped, signed, root)
            return root, None
        except (OSError, legacy.TransitionRefused):
            pass
        if source is None:
            raise trust.refused("root", "untrusted-root", f"本机信任根 {self.trust_root} 是旧格式，尚未迁移到新格式：请导入"
                                                          "省平台发布的迁移快照文件夹（含 transition.json），或执行 "
                                                          "credit-desk cache update。")
        try:
            signed = source.fetcher.download_bytes(legacy.TRANSITION, legacy.MAX_BYTES)
            root = source.fetcher.download_bytes("metadata/1.root.json", trust.ROOT_MAX)
        except DownloadError:
            raise trust.refused("root", "untrusted-root", f"本机信任根是旧格式，而 {source.label} 中没有迁移签署"
                                                          "（transition.json 与 metadata/1.root.json）。请向省平台索取迁移快照。") from None
        try:
            legacy.check_transition(shipped, signed, root)
        except legacy.TransitionRefused as exc:
            raise trust.refused("root", "untrusted-root", f"迁移签署无效：{exc}。不能从旧格式信任根迁移。"
                                                          "请向省平台索取正式的迁移快照。") from None
        return root, (root, signed)

    def _stored_roots(self) -> list[Path]:
        roots_dir = self.folder / ROOTS
        found = {}
        for p in roots_dir.glob("*.root.json") if roots_dir.is_dir() else ():
            head = p.name.split(".", 1)[0]
            if head.isdigit():
                found[int(head)] = p
        return [found[v] for v in sorted(found)]

    def _local(self, entry: dict | None, anchor: bytes | None = None) -> trust.Local:
        meta = {}
        if entry is not None:
            folder = self.folder / SNAPSHOTS / entry["dir"] / METADATA
            for role in ("timestamp", "snapshot", "targets"):
                try:
                    meta[role] = (folder / f"{role}.json").read_bytes()
                except OSError:
                    meta[role] = None
        return trust.Local(anchor or self._shipped(), tuple(p.read_bytes() for p in self._stored_roots()),
                           meta.get("timestamp"), meta.get("snapshot"), meta.get("targets"))

    def _root_state(self) -> tuple[Root, int, bool]:
        """(root in force, shipped version, demo). Walking the chain from the shipped root each
        time (rather than trusting the newest stored file) means a root dropped into the folder
        by hand, or left from another deployment, is simply not reached. Demo mode holds when any
        root of the chain says so: the demo keys are public, so a root they sign could claim
        anything else."""
        stored = self._stored_roots()
        key = (_stat_key(self.trust_root), tuple(_stat_key(p) for p in stored),
               _stat_key(self.folder / TRANSITION_DIR / legacy.TRANSITION))
        with _cache_lock:
            cached = _roots.get(key)
        if cached is not None:
            return cached
        local = trust.Local(self._shipped(), tuple(p.read_bytes() for p in stored))
        tms, walked = trust.trusted_root(local)
        shipped, _ = trust.trusted_root(trust.Local(local.shipped_root))
        demo = bool(trust.root_mark(shipped.root).get("demo"))
        if not demo:
            tmp, _ = trust.trusted_root(trust.Local(local.shipped_root))
            for data in local.roots[:walked]:
                tmp.update_root(data)
                demo = demo or bool(trust.root_mark(tmp.root).get("demo"))
        result = (tms.root, shipped.root.version, demo)
        with _cache_lock:
            _roots[key] = result
        return result

    def root(self) -> TrustRoot:
        """The root in force, as the desk shows it."""
        root, shipped, demo = self._root_state()
        role = root.roles["root"]
        return TrustRoot(root.version, shipped, trust.root_mark(root).get("name", ""), demo, role.threshold,
                         tuple(sorted(role.keyids)), root.expires,
                         {r: (root.roles[r].threshold, len(root.roles[r].keyids)) for r in root.roles})

    @property
    def demo(self) -> bool:
        return self._root_state()[2]

    def install_root(self, path: Path, *, now: datetime | None = None) -> TrustRoot:
        """A new root on its own (a key rotation carried on a stick): accepted only when the
        root in force's threshold and its own signed it, and it is the next version."""
        now = now or datetime.now(timezone.utc)
        with self._lock, install_lock(self.folder):
            try:
                with open(path, "rb") as fh:
                    data = fh.read(trust.ROOT_MAX + 1)
            except OSError as exc:
                raise trust.refused("root", "missing-file", f"无法读取信任根文件 {path}（{exc.strerror}）。") from None
            tms, _ = trust.trusted_root(self._local(None), now)
            try:
                tms.update_root(data)
            except Exception as exc:  # RepositoryError, or bytes that are not metadata at all
                raise trust._explain("root", exc) from None
            if tms.root.is_expired(now):
                raise trust.refused("root", "expired", f"新信任根已于 {trust.china_time(tms.root.expires)} 过期，不能使用。"
                                                       "请向省平台索取有效的信任根文件。")
            roots_dir = self.folder / ROOTS
            roots_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(roots_dir / f"{tms.root.version}.root.json", data)
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
        if state.get("format") != 2:
            raise SnapshotRefused("tampered", f"本机离线数据是旧格式（{path}）。请导入省平台发布的迁移文件夹"
                                              "（新格式快照与迁移签署），或直接导入新格式的完整快照。")
        return state

    def _describe(self, entry: dict, targets, root_demo: bool) -> InstalledSnapshot:
        """The installed snapshot as its (already checked) targets metadata describes it."""
        folder = self.folder / SNAPSHOTS / entry["dir"]
        which = f"本机已安装的离线数据（第 {entry['version']} 版）"
        data = next((t for t in targets.targets.values()
                     if (t.custom or {}).get("kind") == "full" and t.custom.get("version") == entry["version"]), None)
        if data is None:
            data = next((t for t in targets.targets.values()
                         if (t.custom or {}).get("kind") == "delta" and t.custom.get("version") == entry["version"]), None)
        if data is None:
            raise SnapshotRefused("tampered", f"{which}的目标元数据中没有第 {entry['version']} 版数据。{REINSTALL}",
                                  role="targets")
        c = data.custom
        overlay = folder / OVERLAY
        return InstalledSnapshot(entry["version"], entry.get("kind", c["kind"]), targets.expires,
                                 datetime.fromisoformat(c["data_as_of"]), c["region"], root_demo,
                                 folder / DATASET, folder / METADATA, _EMPTY,
                                 overlay if overlay.exists() else None)

    def _peek(self, entry: dict) -> InstalledSnapshot:
        from tuf.api.metadata import Metadata
        folder = self.folder / SNAPSHOTS / entry["dir"]
        try:
            targets = Metadata.from_file(str(folder / METADATA / "targets.json")).signed
            return self._describe(entry, targets, self.demo)
        except SnapshotRefused:
            raise
        except Exception:
            raise SnapshotRefused("tampered", f"本机已安装的离线数据（第 {entry['version']} 版）元数据缺失或被改动："
                                              f"{folder / METADATA}。{REINSTALL}") from None

    def installed(self) -> bool:
        """Whether a snapshot is registered as current (read from the register only: nothing
        is verified, so a check still asks ``current``)."""
        return self._state() is not None

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
        tpath, bpath = folder / METADATA / "targets.json", folder / BUCKETS
        root, _, demo = self._root_state()
        key = (_stat_key(tpath), _stat_key(bpath), entry["dir"], entry["version"], root.version)
        with _cache_lock:
            cached = _verdicts.get(key)
        if cached is not None:
            return cached
        which = f"本机已安装的离线数据（第 {entry['version']} 版）"
        try:
            targets_bytes = tpath.read_bytes()
        except OSError:
            raise SnapshotRefused("tampered", f"{which}的目标元数据缺失：{tpath}。{REINSTALL}", role="targets") from None
        targets = trust.verify_installed(root, targets_bytes)
        snap = self._describe(entry, targets, demo)
        data_entry = next(t for t in targets.targets.values()
                          if (t.custom or {}).get("kind") in ("full", "delta")
                          and t.custom.get("version") == entry["version"])
        buckets_entry = targets.targets.get(data_entry.custom.get("buckets"))
        if buckets_entry is None:
            raise SnapshotRefused("tampered", f"{which}的目标元数据没有分组表。{REINSTALL}", role="targets")
        try:
            table = _paged_table(folder, bpath, buckets_entry, f"{which}的分组表") \
                or _read_table(bpath, buckets_entry, f"{which}的分组表")
        except OSError:
            raise SnapshotRefused("tampered", f"{which}的分组表缺失：{bpath}。{REINSTALL}", role="targets") from None
        if table is None:
            raise SnapshotRefused("tampered", f"{which}的分组表被改动（与目标元数据中的哈希不符）：{bpath}。{REINSTALL}",
                                  role="targets")
        if not snap.data_path.is_file():
            raise SnapshotRefused("tampered", f"{which}数据文件缺失：{snap.data_path}。{REINSTALL}")
        snap = InstalledSnapshot(snap.version, snap.kind, snap.expires, snap.data_as_of, snap.region, snap.demo,
                                 snap.data_path, snap.metadata_path, table, snap.overlay_path)
        with _cache_lock:
            _verdicts[key] = snap
        return snap

    # -- install -----------------------------------------------------------------------------

    def install(self, path: Path, *, now: datetime | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> InstalledSnapshot:
        """Install from a repository folder (or a file inside its metadata/ folder), or from a
        folder of several repositories: the newest that verifies; those that fail are named."""
        path = Path(path)
        try:
            return self._install(path, now, progress, cancel)
        except SnapshotRefused as exc:
            if not getattr(exc, "logged", False):  # update() logs its own, with the role
                log.warning("snapshot %s refused (%s): %s", path, exc.reason, exc.message)
            raise

    def _install(self, path: Path, now, progress, cancel) -> InstalledSnapshot:
        if not path.exists():
            raise SnapshotRefused("missing-file", f"找不到快照：{path}。请确认U盘已插好、路径正确。")
        if not path.is_dir() and not path.is_file():
            raise SnapshotRefused("malformed", f"{path} 应为快照文件夹或普通文件，却是特殊文件（管道、设备或套接字）。"
                                               "请向省平台重新索取后复制到U盘。")
        repo = repository_of(path)
        if (repo / METADATA).is_dir():
            return self.update(FolderSource(repo), now=now, progress=progress, cancel=cancel)
        if path.is_file():
            raise SnapshotRefused("malformed", f"{path} 不是快照文件夹。请选择含 metadata 与 targets 两个文件夹的快照文件夹，"
                                               "或其中 metadata 文件夹里的文件。")
        candidates = sorted((c for c in path.iterdir() if (c / METADATA).is_dir()), key=_peek_version, reverse=True)
        if not candidates:
            raise SnapshotRefused("no-snapshot", f"文件夹中没有快照：{path}。请确认U盘或共享文件夹中有省平台发布的快照"
                                                 "（含 metadata 与 targets 两个文件夹）。")
        skipped = []
        for candidate in candidates:
            source = FolderSource(candidate)
            try:
                return self._logged(source, self._update(source, now, progress, cancel))
            except SnapshotRefused as exc:
                if exc.reason == "cancelled":
                    raise
                # Every one is tried (a bad one never hides a good one), but a stick of thousands
                # of junk folders must not flood the log nor the verdict: the first few are named.
                if len(skipped) < NAMED_CANDIDATES:
                    log.warning("candidate %s skipped (%s, %s): %s", candidate, exc.role or "-",
                                exc.reason, exc.message)
                skipped.append((candidate, exc))
        if len(skipped) > NAMED_CANDIDATES:
            log.warning("%d more candidates skipped", len(skipped) - NAMED_CANDIDATES)
        first = skipped[0][1]
        names = "；".join(f"{c.name}：{e.message}" for c, e in skipped[:NAMED_CANDIDATES])
        if len(skipped) > NAMED_CANDIDATES:
            names += f"；另有 {len(skipped) - NAMED_CANDIDATES} 个文件夹也不可用"
        raise SnapshotRefused(first.reason, f"文件夹中没有可用的快照（{names}）", role=first.role)

    def update(self, source: Source, *, now: datetime | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> InstalledSnapshot:
        try:
            snap = self._update(source, now, progress, cancel)
        except SnapshotRefused as exc:
            log.warning("snapshot from %s refused (%s, %s): %s", source.label, exc.role or "-", exc.reason, exc.message)
            exc.logged = True
            raise
        return self._logged(source, snap)

    @staticmethod
    def _logged(source: Source, snap: InstalledSnapshot) -> InstalledSnapshot:
        log.info("snapshot v%d (%s) in use, data as of %s, from %s", snap.version, snap.kind,
                 snap.data_as_of.isoformat(), source.label)
        return snap

    def _update(self, source: Source, now, progress, cancel) -> InstalledSnapshot:
        now = now or datetime.now(timezone.utc)
        with self._lock, install_lock(self.folder, cancel=cancel):
            try:
                state = self._state()
            except SnapshotRefused:
                # A damaged pointer file must not lock the hall out (its message says "import
                # again"): a full snapshot repairs it, and it may still be no older than anything
                # the store holds, so damaging the file opens no way to roll back.
                state = None
            installed = state["current"]["version"] if state else None
            floor = installed if state else self._highest_stored_version()
            anchor, transition = self._anchor(source)
            verified = trust.refresh(self._local(state["current"] if state else None, anchor), source.fetcher, now=now)
            version = verified.version()
            if version == 0:
                raise trust.refused("targets", "no-snapshot", f"{source.label} 的目标元数据中没有快照数据。{ADVICE}")
            if floor is not None and version < floor:
                raise trust.refused("targets", "rollback", f"快照是第 {version} 版，比本机已安装的第 {floor} 版旧，"
                                                           "拒绝回退到旧数据。请使用更新的快照。")
            if verified.targets.is_expired(now):
                raise trust.refused("targets", "expired", f"快照（第 {version} 版）已于 {trust.china_time(verified.targets.expires)} "
                                                          "过期，不能安装。请向省平台索取最新快照。")
            if installed == version:
                try:
                    snap = self._verified(state["current"])
                    # The same data signed again (a later expiry, a rotated key) is installed:
                    # the metadata in force is what lets the data vouch.
                    resigned = (snap.metadata_path / "targets.json").read_bytes() != verified.targets_bytes
                    # Importing the same version by hand is how IT repairs a desk: then every
                    # row is checked, not only the bucket table (an update that finds nothing
                    # new does not pay for that).
                    if not resigned and (not getattr(source, "repairs", False) or rows_intact(snap)):
                        return snap
                except SnapshotRefused:
                    pass  # the installed copy is damaged: installing the same version repairs it
            delta = verified.delta_from(installed) if installed is not None else None
            full = verified.full()
            if delta is not None:
                try:
                    return self._stage_and_swap(verified, delta, source, state, progress, cancel, transition)
                except SnapshotRefused as exc:
                    if full is None or exc.reason not in ("wrong-base", "bucket-mismatch", "hash-mismatch", "malformed"):
                        raise
                    log.warning("delta %s skipped (%s): %s; installing the full snapshot", delta.path, exc.reason,
                                exc.message)
            if full is None:
                have = f"本机已安装第 {installed} 版" if installed else "本机尚未安装任何快照"
                raise trust.refused("targets", "wrong-base", f"来源只有到第 {version} 版的增量，{have}，无法应用。"
                                                             "请导入完整快照。")
            return self._stage_and_swap(verified, full, source, state, progress, cancel, transition)

    def _highest_stored_version(self) -> int | None:
        versions = []
        for child in (self.folder / SNAPSHOTS).glob("v*-*") if (self.folder / SNAPSHOTS).is_dir() else ():
            head = child.name[1:].split("-", 1)[0]
            if head.isdigit():
                versions.append(int(head))
        return max(versions, default=None)

    def _stage_and_swap(self, verified: trust.Verified, target: TargetFile, source: Source, state: dict | None,
                        progress, cancel, transition: tuple[bytes, bytes] | None = None) -> InstalledSnapshot:
        kind = target.custom["kind"]
        version = target.custom["version"]
        created_folder = not self.folder.exists()
        staging = self.folder / f".staging-{uuid.uuid4().hex[:12]}"
        committed = False
        placed = made_transition = None
        try:
            staging.mkdir(parents=True)
            buckets_entry = verified.buckets_for(target)
            if kind == "full":
                self._fetch(source, target, staging / DATASET, progress, cancel)
                self._fetch(source, buckets_entry, staging / BUCKETS, None, cancel)
                if not _is_dataset(staging / DATASET):
                    raise trust.refused("targets", "malformed", f"数据文件 {target.path} 不是本程序能读取的快照数据库。{ADVICE}")
            else:
                self._apply(target, buckets_entry, source, staging, state, progress, cancel)
            _write_pages(staging, buckets_entry)
            weak = _sealing_problem(staging / OVERLAY if (staging / OVERLAY).exists() else staging / DATASET)
            if weak:
                raise SnapshotRefused("weak-sealing", f"{weak}，拒绝安装：本机离线数据保持不变。"
                                                      "请向省平台索取按现行要求加密的快照。")
            if cancel is not None and cancel():
                raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。")
            (staging / METADATA).mkdir()
            for role, data in (("timestamp", verified.timestamp), ("snapshot", verified.snapshot),
                               ("targets", verified.targets_bytes)):
                _write_file(staging / METADATA / f"{role}.json", data)
            _fsync_dir(staging / METADATA)
            _fsync_dir(staging)
            snaps = self.folder / SNAPSHOTS
            snaps.mkdir(exist_ok=True)
            name = f"v{version:06d}-{kind}-{uuid.uuid4().hex[:8]}"
            placed = snaps / name
            os.rename(staging, placed)
            _fsync_dir(snaps)
            if transition is not None:  # the step from the format before TUF, kept with the data
                kept = self.folder / TRANSITION_DIR
                shutil.rmtree(kept, ignore_errors=True)  # one that no longer verifies, if any
                kept.mkdir()
                made_transition = kept
                _write_atomic(kept / "1.root.json", transition[0])
                _write_atomic(kept / legacy.TRANSITION, transition[1])
            if verified.roots:
                roots_dir = self.folder / ROOTS
                roots_dir.mkdir(exist_ok=True)
                for data in verified.roots:
                    from tuf.api.metadata import Metadata
                    v = Metadata.from_bytes(data).signed.version
                    _write_atomic(roots_dir / f"{v}.root.json", data)
            new_state = {"format": 2, "current": {"dir": name, "version": version, "kind": kind},
                         "previous": state["current"] if state else None}
            # The pointer replacement is the commit point: before it, the old snapshot is current.
            _write_atomic(self.folder / STATE, json.dumps(new_state, indent=1).encode("utf-8"))
            committed = True
        except Cancelled:
            raise SnapshotRefused("cancelled", "已取消安装，本机离线数据保持不变。") from None
        finally:
            if not committed:
                shutil.rmtree(staging, ignore_errors=True)
                if placed is not None:  # renamed in, but the pointer never moved to it
                    shutil.rmtree(placed, ignore_errors=True)
                if made_transition is not None:
                    shutil.rmtree(made_transition, ignore_errors=True)
                if created_folder:
                    shutil.rmtree(self.folder, ignore_errors=True)
        self._collect_garbage(new_state)
        if progress is not None:
            progress(target.length, target.length)
        return self._verified(new_state["current"])

    def _fetch(self, source: Source, entry: TargetFile, dest: Path, progress, cancel) -> None:
        """The target file into ``dest``, then TUF's length and hash check of what was written."""
        source.fetch_target(entry, dest, progress=progress, cancel=cancel)
        with open(dest, "rb", buffering=0) as fh:  # hashlib.file_digest reads it in large blocks
            trust.verify_target(entry, fh)

    def _apply(self, target: TargetFile, buckets_entry: TargetFile, source: Source, staging: Path,
               state: dict | None, progress, cancel) -> None:
        installed = state["current"] if state else None
        base_version = target.custom["base_version"]
        if installed is None or base_version != installed["version"]:
            have = f"本机已安装第 {installed['version']} 版" if installed else "本机尚未安装任何快照"
            raise trust.refused("targets", "wrong-base", f"这是从第 {base_version} 版到第 {target.custom['version']} 版的增量，"
                                                         f"{have}，无法应用。请导入完整快照，或与本机版本对应的增量。")
        try:
            base = self._verified(installed)
            base = replace(base, table=base.table.whole())  # a delta patches the whole table
        except SnapshotRefused as exc:
            raise trust.refused("targets", "wrong-base", f"本机第 {installed['version']} 版的数据无法校验（{exc.message}），"
                                                         "不能在其上应用增量。请导入完整快照。") from None
        except (OSError, ValueError):
            raise trust.refused("targets", "wrong-base", f"本机第 {installed['version']} 版的分组表与签署的页索引不符，"
                                                         "不能在其上应用增量。请导入完整快照。") from None
        self._fetch(source, target, staging / _DELTA_FILE, progress, cancel)
        work, overlay = staging / DATASET, staging / OVERLAY
        try:
            table = _apply_without_copy(base, work, overlay, staging / _DELTA_FILE, cancel)
        except BucketMismatch as exc:
            raise trust.refused("targets", "bucket-mismatch", f"增量应用后第 {exc.bucket} 号分组的数据与增量所载的摘要不符，"
                                                              f"未安装。本机数据保持第 {installed['version']} 版。请导入完整快照。") from None
        except DeltaError as exc:
            if "base digest" in str(exc):
                raise trust.refused("targets", "wrong-base", f"增量的基础数据与本机第 {installed['version']} 版的数据不一致，"
                                                             "无法应用。请导入完整快照。") from None
            raise trust.refused("targets", "malformed", f"增量文件无法应用（{exc}）：{target.path}。请导入完整快照。") from None
        except sqlite3.DatabaseError as exc:
            raise trust.refused("targets", "malformed", f"增量文件无法应用（{exc}）：{target.path}。请导入完整快照。") from None
        finally:
            (staging / _DELTA_FILE).unlink(missing_ok=True)
        raw = table.to_bytes()
        try:
            buckets_entry.verify_length_and_hashes(raw)
        except Exception:
            raise trust.refused("targets", "hash-mismatch", f"增量应用后的分组表与签署的 {buckets_entry.path} 不符"
                                                            f"（SHA-256 实际为 {short_id(table.sha256())}），未安装。"
                                                            f"本机数据保持第 {installed['version']} 版。请导入完整快照。") from None
        _write_file(staging / BUCKETS, raw)
        for path in (work, overlay):
            if path.exists():
                with open(path, "rb+") as fh:
                    os.fsync(fh.fileno())

    def _collect_garbage(self, state: dict) -> None:
        keep = {state["current"]["dir"]} | ({state["previous"]["dir"]} if state.get("previous") else set())
        snaps = self.folder / SNAPSHOTS
        for child in snaps.iterdir() if snaps.is_dir() else ():
            if child.name not in keep:
                # On Windows a folder whose data file a reader still holds cannot go yet; the next
                # install tries again.
                shutil.rmtree(child, ignore_errors=True)



def _write_pages(staging: Path, entry: TargetFile) -> None:
    """The page index of the table just verified into ``staging``, checked against the hash its
    target signs; nothing when the target signs none (a publisher from before page indexes)."""
    signed = (entry.custom or {}).get("page_index")
    if signed is None:
        return
    raw = (staging / BUCKETS).read_bytes()
    index = page_index(raw[HEADER:])
    if page_index_sha256(raw[:HEADER], index) != signed:
        raise trust.refused("targets", "hash-mismatch", f"分组表 {entry.path} 的页索引与目标元数据中签署的 page_index 不符，"
                                                        f"未安装。{ADVICE}")
    _write_file(staging / PAGES, index)


def _paged_table(folder: Path, path: Path, entry: TargetFile, what: str) -> PagedBucketTable | None:
    """The installed table to be checked a page at a time, when its target signs a page index and
    the index kept beside it, with the table's header, hashes to that; else None, and the table
    is hashed whole (a missing or edited index costs time, never trust)."""
    signed = (entry.custom or {}).get("page_index")
    if signed is None:
        return None
    with open_regular(path, what, buffering=0) as fh:
        header = fh.read(HEADER)
        size = os.fstat(fh.fileno()).st_size
    count = int.from_bytes(header[-36:-32], "big") if len(header) == HEADER else 0
    if count < 1 or size != entry.length or size != HEADER + count * DIGEST:
        return None
    want = -(-count // PAGE) * 32
    try:
        # Never more than the table's index can be, and only a regular file: a FIFO in its place
        # hung start-up, /dev/zero behind a link read until memory ran out.
        with open_regular(folder / PAGES, "分组表的页索引", buffering=0) as fh:
            index = fh.read(want + 1)
    except (OSError, SnapshotRefused):
        return None
    if len(index) != want or page_index_sha256(header, index) != signed:
        return None
    return PagedBucketTable(path, header, index)


def _read_table(path: Path, entry: TargetFile, what: str) -> BucketTable | None:
    """The installed bucket table if its length and every hash match the signed target entry
    (TUF's check of a target file), else None. Read as header and digests and hashed in two
    parts, so that the digests are the bytes read, not a copy of them: at start-up the table is
    the one thing read whole (80 MB at 20M subjects), and the copy cost as much as the hash."""
    with open_regular(path, what, buffering=0) as fh:  # unbuffered: read() returns the rest in one piece
        header = fh.read(HEADER)
        # No more than the signed length (and one byte to see it is longer): a table extended to
        # many GB (a sparse file, made in an instant) was read whole into memory at start-up.
        digests = fh.read(max(entry.length - HEADER, 0) + 1)
    if len(header) + len(digests) != entry.length or not entry.hashes:
        return None
    for alg, want in entry.hashes.items():
        try:
            h = hashlib.new(alg, header)
        except (ValueError, TypeError):
            return None
        h.update(digests)
        if h.hexdigest() != want:
            return None
    try:
        return BucketTable.from_parts(header, digests)
    except ValueError:
        return None


_EMPTY = BucketTable(1, b"\0" * 32, b"\0" * 16)


def _apply_without_copy(base: InstalledSnapshot, work: Path, overlay: Path, delta: Path, cancel) -> BucketTable:
    """The installed version ``base`` with ``delta`` applied, into a staging folder: ``work``
    a hard link to base's full data file, ``overlay`` base's overlay (small) with the delta's
    buckets changed in it. A full file is written instead (a copy, the old cost) when the overlay
    would hold more than CONSOLIDATE_SHARE of the buckets, or where the file system has no hard
    links."""
    if base.overlay_path is not None:
        shutil.copyfile(base.overlay_path, overlay)
    try:
        os.link(base.data_path, work)
    except OSError:
        return _apply_to_full_copy(base, work, overlay, delta, cancel)
    table, held = apply_to_overlay(work, overlay, delta, base.table, cancel=cancel)
    if held > base.table.count * CONSOLIDATE_SHARE:
        merged = work.with_name(".merged.sqlite")
        consolidate(work, overlay, merged)
        work.unlink()
        overlay.unlink()
        os.replace(merged, work)
    return table


def _apply_to_full_copy(base: InstalledSnapshot, work: Path, overlay: Path, delta: Path, cancel) -> BucketTable:
    if overlay.exists():
        consolidate(base.data_path, overlay, work)
        overlay.unlink()
    else:
        shutil.copyfile(base.data_path, work)
    return apply_delta(work, delta, base.table, cancel=cancel)


def rows_intact(snap: InstalledSnapshot) -> bool:
    """Whether every row of the installed data matches the bucket table (a full pass)."""
    try:
        conn = sqlite3.connect(snap.data_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            table = compute_table(conn)
            if snap.overlay_path is not None:
                conn.execute("ATTACH DATABASE ? AS o", (snap.overlay_path.resolve().as_uri() + "?mode=ro",))
                digests = bytearray(table.digests)
                for b in overlay_buckets(conn, "o"):
                    digests[b * DIGEST:(b + 1) * DIGEST] = digest_text(read_bucket(conn, b, "o"))
                table = BucketTable(table.count, catalogue_digest(conn, "o"), bytes(digests))
            return table.to_bytes() == snap.table.whole().to_bytes()
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError, IndexError, OSError):
        return False


def _peek_version(repo: Path) -> int:
    """A repository's newest data version by its (unverified) targets metadata: only to order
    candidates; each is verified in full before use. 0 when unknown: such a one is tried last,
    and if it fails it is named like any other."""
    try:
        # Any folder of a share may be junk: a FIFO here blocked a plain open for ever, before a
        # single candidate was verified, and /dev/zero would be read until memory ran out.
        with open_regular(repo / METADATA / "targets.json", "目标元数据") as fh:
            data = fh.read(trust.TARGETS_MAX + 1)
        if len(data) > trust.TARGETS_MAX:
            return 0
        obj = json.loads(data.decode("utf-8"))
        versions = [t.get("custom", {}).get("version", 0) for t in obj["signed"]["targets"].values()]
    except (OSError, SnapshotRefused, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return 0  # deeply nested JSON too: it is refused, with its reason, when verified
    # The key of sorted(): "9", null or [1] beside an int raised TypeError there, and the good
    # snapshot on the same share was never tried. True is no version either.
    if not all(type(v) is int for v in versions):
        return 0
    return max(versions, default=0)


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
