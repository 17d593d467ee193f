"""The trust root: the publisher's public keys and how many of them must sign."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from offline_cache.canonical import format_time, parse_envelope, parse_time, read_envelope, read_metadata_bytes, require_aware
from offline_cache.errors import SnapshotRefused
from offline_cache.keys import KEYTYPE, PublicKey, keyid_of, load_private, load_public
from offline_cache.signing import require_threshold, sign_envelope

ADVICE_ROOT = "请向省平台索取正式的信任根文件。"


@dataclass(frozen=True)
class Root:
    version: int
    name: str
    demo: bool
    threshold: int
    keyids: tuple[str, ...]
    expires: datetime
    keys: dict[str, PublicKey] = field(compare=False, repr=False)
    path: Path | None = field(default=None, compare=False)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_root(signed: dict, path: Path) -> Root:
    def bad(detail: str) -> SnapshotRefused:
        return SnapshotRefused("malformed", f"信任根文件内容无效（{detail}）：{path}。{ADVICE_ROOT}")

    expected = {"_type", "version", "name", "demo", "expires", "keys", "threshold"}
    if set(signed) != expected:
        raise bad("字段应为 " + "、".join(sorted(expected)))
    if signed["_type"] != "root":
        raise bad(f"类型为 {signed['_type']!r}，不是 root")
    if not _int(signed["version"]) or signed["version"] < 1:
        raise bad("version 应为正整数")
    if not isinstance(signed["name"], str) or not isinstance(signed["demo"], bool):
        raise bad("name 应为文本，demo 应为 true/false")
    try:
        expires = parse_time(signed["expires"])
    except ValueError:
        raise bad("expires 应为带时区的 ISO 8601 时间") from None
    keys_obj = signed["keys"]
    if not isinstance(keys_obj, dict) or not keys_obj:
        raise bad("keys 为空")
    keys = {}
    for keyid, spec in keys_obj.items():
        if (not isinstance(spec, dict) or set(spec) != {"keytype", "public"} or spec["keytype"] != KEYTYPE
                or not isinstance(spec["public"], str)):
            raise bad(f"密钥 {keyid[:8]} 的描述无效")
        try:
            key = PublicKey(keyid, spec["public"])
            key.verifier()
        except ValueError:
            raise bad(f"密钥 {keyid[:8]} 的公钥无效") from None
        if keyid_of(bytes.fromhex(spec["public"])) != keyid:
            raise bad(f"密钥编号 {keyid[:8]} 与公钥不符")
        keys[keyid] = key
    threshold = signed["threshold"]
    if not _int(threshold) or not 1 <= threshold <= len(keys):
        raise bad(f"threshold 应在 1 到 {len(keys)} 之间")
    return Root(signed["version"], signed["name"], signed["demo"], threshold, tuple(sorted(keys)),
                expires, keys, path)


def load_root(path: Path) -> Root:
    """A root file taken on trust (shipped with the app or chosen by IT), still required to carry
    its own threshold of signatures so that a damaged or hand-edited file is noticed."""
    path = Path(path)
    env = read_envelope(path, "信任根")
    root = parse_root(env["signed"], path)
    try:
        require_threshold(env, root.keys, root.threshold, what="信任根", advice=ADVICE_ROOT)
    except SnapshotRefused as exc:
        raise SnapshotRefused("untrusted-root", exc.message) from None
    return root


def load_successor(old: Root, path: Path, data: bytes | None = None) -> Root:
    """A new root, accepted only when old.threshold of the old keys and its own threshold of its
    own keys signed it, and its version is exactly the next one (TUF's root rotation)."""
    path = Path(path)
    if data is None:
        data = read_metadata_bytes(path, "信任根")
    env = parse_envelope(data, path, "信任根")
    new = parse_root(env["signed"], path)
    if new.version <= old.version:
        raise SnapshotRefused("root-version", f"新信任根是第 {new.version} 版，不比当前的第 {old.version} 版新，"
                                              f"不能替换。{ADVICE_ROOT}")
    if new.version != old.version + 1:
        raise SnapshotRefused("root-version", f"新信任根是第 {new.version} 版，当前是第 {old.version} 版；"
                                              f"只能逐版更换，请先导入第 {old.version + 1} 版信任根。")
    for keys, threshold, whose in ((old.keys, old.threshold, "当前信任根的密钥"),
                                   (new.keys, new.threshold, "新信任根自身的密钥")):
        try:
            require_threshold(env, keys, threshold, what=f"新信任根（{whose}）", advice=ADVICE_ROOT)
        except SnapshotRefused as exc:
            raise SnapshotRefused("untrusted-root", exc.message) from None
    return new


def is_root_file(path: Path) -> bool:
    """Whether ``path`` holds a root envelope (rather than a snapshot manifest); unreadable or
    malformed files are not, and are refused by whoever reads them next with the real reason."""
    try:
        env = read_envelope(Path(path), "信任根")
    except SnapshotRefused:
        return False
    return env["signed"].get("_type") == "root"


def make_root(keys: list[Path], threshold: int, *, version: int = 1, name: str = "", demo: bool = False,
              expires: datetime, sign_with: list[Path], out: Path) -> Path:
    """Write a signed root listing ``keys`` (key files or public-key files). For a rotation,
    ``sign_with`` holds enough keys of the old root and of the new one."""
    publics = [load_public(p) for p in keys]
    if not publics:
        raise ValueError("信任根至少要列出一把公钥")
    listed = {k.keyid: {"keytype": KEYTYPE, "public": k.public} for k in publics}
    if not 1 <= threshold <= len(listed):
        raise ValueError(f"签名门槛应在 1 到 {len(listed)} 之间")
    if not _int(version) or version < 1:
        raise ValueError("版本号应为正整数")
    signed = {"_type": "root", "version": version, "name": name, "demo": bool(demo),
              "expires": format_time(require_aware(expires, "expires")), "keys": listed, "threshold": threshold}
    env = sign_envelope(signed, [load_private(p) for p in sign_with])
    write_metadata(Path(out), env)
    return Path(out)


def write_metadata(out: Path, envelope: dict) -> None:
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(envelope, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, out)
