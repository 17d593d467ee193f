"""The publisher's side of the trust model: a TUF repository made with the reference library's
Metadata API (``tuf.api.metadata``).

A repository is a folder, the same on the platform and on a USB stick or hall share::

    metadata/1.root.json 2.root.json ...   every root version (a desk walks the chain)
    metadata/root.json                      the newest root
    metadata/timestamp.json snapshot.json targets.json
    targets/snapshot-000005.sqlite          the full data file of version 5
    targets/buckets-000005.bin              its bucket table (offline_cache.buckets)
    targets/delta-000004-000005.sqlite      a delta from version 4 to 5

Roles, keys and thresholds are TUF's: ``root`` lists the keys of every role and how many must
sign; a new root is signed by the old root's threshold and its own. Data targets carry custom
fields ``kind``, ``version``, ``data_as_of``, ``region``, ``demo`` and, for a delta,
``base_version``; every data target names its bucket table (``buckets``), whose target carries
``page_index``: the hash of its header and page index, so that a desk can check the table a page
at a time (``buckets.PagedBucketTable``).

Key files: the private key as PKCS#8 PEM (mode 0600), its public half beside it in ``KEY.pub``
(securesystemslib's key JSON: keytype, scheme, keyval)."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner, Signer, SSlibKey
from tuf.api.metadata import (
    SPECIFICATION_VERSION,
    TOP_LEVEL_ROLE_NAMES,
    Metadata,
    MetaFile,
    Role,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from offline_cache.buckets import HEADER, page_index, page_index_sha256

ROLES = ("root", "targets", "snapshot", "timestamp")
MARK = "x-credit-desk"   # root's own unrecognised field: {"name", "demo"}
DEFAULT_EXPIRY = {"root": timedelta(days=365), "targets": timedelta(days=30),
                  "snapshot": timedelta(days=30), "timestamp": timedelta(days=7)}
_SERIALIZER = JSONSerializer(compact=False)


# -- keys ---------------------------------------------------------------------------------------

def generate_key(path: Path) -> str:
    """Write a new Ed25519 private key file (mode 0600) and ``path.pub``; return the key id. An
    existing file is never overwritten: losing a role key orphans what it signed."""
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    public = SSlibKey.from_crypto(key.public_key())
    pub_path(path).write_text(json.dumps({"keyid": public.keyid, **public.to_dict()}, indent=1) + "\n",
                              encoding="utf-8")
    return public.keyid


def pub_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".pub")


def load_signer(path: Path) -> CryptoSigner:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"找不到密钥文件：{path}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ValueError(f"不是有效的私钥文件（应为 offline-cache keygen 生成的 PEM）：{path}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"不是 Ed25519 私钥：{path}")
    return CryptoSigner(key)


def load_public(path: Path) -> SSlibKey:
    """The public key of a ``.pub`` file, or of a private key file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"找不到密钥文件：{path}") from None
    except UnicodeDecodeError:
        raise ValueError(f"不是有效的密钥文件：{path}") from None
    if text.lstrip().startswith("-----BEGIN"):
        return load_signer(path).public_key
    try:
        obj = json.loads(text)
        keyid = obj.pop("keyid")
        return SSlibKey.from_dict(keyid, obj)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValueError(f"不是有效的公钥文件：{path}") from None


# -- the repository -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleKeys:
    keys: tuple[SSlibKey, ...]
    threshold: int


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _sign(md: Metadata, signers: Iterable[Signer]) -> Metadata:
    md.signatures.clear()
    seen = set()
    for s in signers:
        if s.public_key.keyid not in seen:
            seen.add(s.public_key.keyid)
            md.sign(s, append=True)
    if not seen:
        raise ValueError("至少需要一把签名密钥")
    return md


def data_name(version: int) -> str:
    return f"snapshot-{version:06d}.sqlite"


def buckets_name(version: int) -> str:
    return f"buckets-{version:06d}.bin"


def delta_name(base: int, version: int) -> str:
    return f"delta-{base:06d}-{version:06d}.sqlite"


class Repository:
    """One repository folder. Every method writes complete, signed metadata: the folder is
    consistent after each call (files are replaced atomically, metadata last)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.metadata = self.folder / "metadata"
        self.targets_dir = self.folder / "targets"

    # reading

    def load(self, role: str) -> Metadata:
        path = self.metadata / f"{role}.json"
        if not path.is_file():
            raise FileNotFoundError(f"发布仓库中没有 {path}（先用 offline-cache init 新建仓库）")
        return Metadata.from_bytes(path.read_bytes())

    @property
    def root(self) -> Metadata[Root]:
        return self.load("root")

    # creating

    @classmethod
    def create(cls, folder: Path, roles: dict[str, RoleKeys], signers: Iterable[Signer], *,
               name: str = "", demo: bool = False, expires: dict[str, datetime] | None = None) -> "Repository":
        repo = cls(folder)
        if (repo.metadata / "root.json").exists():
            raise ValueError(f"{repo.folder} 已是发布仓库，不会覆盖")
        repo.metadata.mkdir(parents=True, exist_ok=True)
        repo.targets_dir.mkdir(exist_ok=True)
        root = Root(version=1, expires=repo._expiry("root", expires), consistent_snapshot=False,
                    unrecognized_fields={MARK: {"name": name, "demo": bool(demo)}})
        _set_roles(root, roles)
        signers = list(signers)
        repo._write_root(_sign(Metadata(root), signers))
        md = Metadata(Targets(version=1, expires=repo._expiry("targets", expires)))
        repo._commit_targets(md, signers, expires)
        return repo

    def _expiry(self, role: str, expires: dict[str, datetime] | None) -> datetime:
        moment = (expires or {}).get(role) or _now() + DEFAULT_EXPIRY[role]
        if moment.tzinfo is None:
            raise ValueError(f"{role} 的有效期须带时区")
        return moment.astimezone(timezone.utc).replace(microsecond=0)

    def _write_root(self, md: Metadata[Root]) -> None:
        data = md.to_bytes(_SERIALIZER)
        _write(self.metadata / f"{md.signed.version}.root.json", data)
        _write(self.metadata / "root.json", data)

    # roots and keys

    def rotate_root(self, roles: dict[str, RoleKeys] | None, signers: Iterable[Signer], *,
                    expires: datetime | None = None) -> Metadata[Root]:
        """Root version + 1 with new role keys (``roles``: only the roles that change). Signed
        by ``signers``, which must hold the old root's threshold and the new one's."""
        md = self.root
        root = md.signed
        root.version += 1
        root.expires = self._expiry("root", {"root": expires} if expires else None)
        if roles:
            _set_roles(root, roles, only=roles.keys())
        self._write_root(_sign(md, signers))
        return md

    # publishing

    def publish(self, *, version: int, data: Path, buckets: Path, data_as_of: datetime, region: str,
                signers: dict[str, list[Signer]], deltas: dict[int, Path] | None = None,
                demo: bool = False, expires: dict[str, datetime] | None = None) -> Metadata[Targets]:
        """A new data version: the full data file, its bucket table and deltas to it from older
        versions (``deltas``: base version → delta file). Targets, snapshot and timestamp are
        signed anew; files no longer listed are removed."""
        if data_as_of.tzinfo is None:
            raise ValueError("data_as_of 须带时区")
        custom = {"version": version, "data_as_of": data_as_of.astimezone(timezone.utc).isoformat(),
                  "region": region, "demo": bool(demo), "buckets": buckets_name(version)}
        table = Path(buckets).read_bytes()
        pages = page_index_sha256(table[:HEADER], page_index(table[HEADER:]))
        placed = {buckets_name(version): (Path(buckets), {"kind": "buckets", "version": version, "page_index": pages}),
                  data_name(version): (Path(data), {"kind": "full", **custom})}
        for base, path in sorted((deltas or {}).items()):
            if not 1 <= base < version:
                raise ValueError("增量的基础版本应为小于新版本的正整数")
            placed[delta_name(base, version)] = (Path(path), {"kind": "delta", "base_version": base, **custom})
        md = self.load("targets")
        old = md.signed.targets
        for entry in old.values():
            kind = (entry.custom or {}).get("kind")
            if kind == "full" and entry.custom.get("version", 0) >= version:
                raise ValueError(f"仓库中已有第 {entry.custom['version']} 版，新版本号须更大")
        self.targets_dir.mkdir(exist_ok=True)
        targets = {}
        for name, (path, fields) in placed.items():
            dest = self.targets_dir / name
            if path.resolve() != dest.resolve():
                tmp = dest.with_name(f".{name}.{uuid.uuid4().hex[:8]}.tmp")
                shutil.copyfile(path, tmp)
                os.replace(tmp, dest)
            entry = TargetFile.from_file(name, str(dest), ["sha256"])
            entry.unrecognized_fields["custom"] = fields
            targets[name] = entry
        md.signed.targets = targets
        md.signed.version += 1
        md.signed.expires = self._expiry("targets", expires)
        self._commit_targets(md, signers, expires)
        for child in self.targets_dir.iterdir():
            if child.name not in targets:
                child.unlink()
        return md

    def _commit_targets(self, md: Metadata[Targets], signers, expires) -> None:
        """Sign targets, then snapshot over it, then timestamp over that."""
        pick = (lambda role: signers[role]) if isinstance(signers, dict) else (lambda role: signers)
        _sign(md, pick("targets"))
        targets_bytes = md.to_bytes(_SERIALIZER)
        try:
            snap = self.load("snapshot")
            snap.signed.version += 1
        except FileNotFoundError:
            snap = Metadata(Snapshot(version=1))
        snap.signed.expires = self._expiry("snapshot", expires)
        snap.signed.meta = {"targets.json": MetaFile(version=md.signed.version)}
        _sign(snap, pick("snapshot"))
        snap_bytes = snap.to_bytes(_SERIALIZER)
        _write(self.metadata / "targets.json", targets_bytes)
        _write(self.metadata / "snapshot.json", snap_bytes)
        self._timestamp(snap_bytes, snap.signed.version, pick("timestamp"), expires)

    def _timestamp(self, snap_bytes: bytes, snap_version: int, signers, expires) -> None:
        try:
            ts = self.load("timestamp")
            ts.signed.version += 1
        except FileNotFoundError:
            ts = Metadata(Timestamp(version=1))
        ts.signed.expires = self._expiry("timestamp", expires)
        ts.signed.snapshot_meta = MetaFile(version=snap_version, length=len(snap_bytes),
                                           hashes={"sha256": _sha256(snap_bytes)})
        _write(self.metadata / "timestamp.json", _sign(ts, signers).to_bytes(_SERIALIZER))

    def resign(self, signers: dict[str, list[Signer]] | list[Signer], *,
               expires: dict[str, datetime] | None = None) -> None:
        """Targets, snapshot and timestamp signed again (new versions) with the same targets:
        after a role key rotation, or to extend expiry."""
        md = self.load("targets")
        md.signed.version += 1
        md.signed.expires = self._expiry("targets", expires)
        self._commit_targets(md, signers, expires)

    def refresh_timestamp(self, signers: list[Signer], *, expires: datetime | None = None) -> None:
        snap_bytes = (self.metadata / "snapshot.json").read_bytes()
        version = Metadata.from_bytes(snap_bytes).signed.version
        self._timestamp(snap_bytes, version, signers, {"timestamp": expires} if expires else None)


def _sha256(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def _set_roles(root: Root, roles: dict[str, RoleKeys], only: Iterable[str] = TOP_LEVEL_ROLE_NAMES) -> None:
    for role in only:
        if role not in roles:
            continue
        spec = roles[role]
        if not spec.keys:
            raise ValueError(f"{role} 角色至少要列出一把公钥")
        if not 1 <= spec.threshold <= len({k.keyid for k in spec.keys}):
            raise ValueError(f"{role} 角色的签名门槛应在 1 到 {len({k.keyid for k in spec.keys})} 之间")
        for keyid in list(root.roles[role].keyids):
            root.revoke_key(keyid, role)
        for key in spec.keys:
            root.add_key(key, role)
        root.roles[role].threshold = spec.threshold
    missing = [r for r in TOP_LEVEL_ROLE_NAMES if not root.roles[r].keyids]
    if missing:
        raise ValueError(f"这些角色没有公钥：{', '.join(missing)}")


__all__ = ["Repository", "RoleKeys", "generate_key", "load_public", "load_signer", "pub_path",
           "data_name", "buckets_name", "delta_name", "ROLES", "MARK", "Role", "SPECIFICATION_VERSION"]
