"""The one signed step from the snapshot format before TUF: a desk whose deployment config still
names a root of the old format (an envelope ``{"signed": {"_type": "root", "keys", "threshold",
...}, "signatures"}`` with raw Ed25519 keys) accepts a TUF root only through a transition document
that the old root's threshold of keys signed, naming the TUF root by its SHA-256.

    {"signed": {"_type": "transition", "tuf_root_sha256": "<hex>", "tuf_root_version": 1},
     "signatures": [{"keyid": "<sha256 of the raw public key>", "sig": "<hex Ed25519>"}]}

signed over the canonical JSON of ``signed`` (sorted keys, no spaces, UTF-8), the old format's rule.
The publisher writes it into the repository as ``transition.json`` (``offline-cache transition``).
This is all that remains of the old format: once every desk has taken the step (its config names
the TUF root), the module can go."""
from __future__ import annotations

import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TRANSITION = "transition.json"
MAX_BYTES = 1 << 16


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def is_legacy_root(data: bytes) -> bool:
    """Whether ``data`` is a root of the old format (TUF roots list ``roles`` instead)."""
    try:
        signed = json.loads(data)["signed"]
        return signed["_type"] == "root" and "threshold" in signed and "roles" not in signed
    except (ValueError, KeyError, TypeError):
        return False


def legacy_keys(data: bytes) -> tuple[dict[str, Ed25519PublicKey], int]:
    signed = json.loads(data)["signed"]
    keys = {}
    for keyid, spec in signed["keys"].items():
        raw = bytes.fromhex(spec["public"])
        if hashlib.sha256(raw).hexdigest() == keyid:
            keys[keyid] = Ed25519PublicKey.from_public_bytes(raw)
    return keys, int(signed["threshold"])


class TransitionRefused(ValueError):
    pass


def check_transition(legacy_root: bytes, transition: bytes, tuf_root: bytes) -> None:
    """Refuse unless ``transition`` names ``tuf_root`` and the legacy root's threshold of its keys
    signed it."""
    try:
        env = json.loads(transition)
        signed, signatures = env["signed"], env["signatures"]
        if signed.get("_type") != "transition" or not isinstance(signatures, list):
            raise TransitionRefused("不是迁移签署文件")
        named = signed["tuf_root_sha256"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TransitionRefused("迁移签署文件无效") from None
    if named != hashlib.sha256(tuf_root).hexdigest():
        raise TransitionRefused("迁移签署所指的新信任根与来源中的第 1 版信任根不是同一个文件")
    keys, threshold = legacy_keys(legacy_root)
    payload = _canonical(signed)
    valid = set()
    for entry in signatures:
        key = keys.get(entry.get("keyid")) if isinstance(entry, dict) else None
        if key is None:
            continue
        try:
            key.verify(bytes.fromhex(entry.get("sig", "")), payload)
        except (InvalidSignature, ValueError, TypeError):
            continue
        valid.add(entry["keyid"])
    if len(valid) < threshold:
        raise TransitionRefused(f"迁移签署需要旧信任根的 {threshold} 个密钥签名，只有 {len(valid)} 个有效")


def sign_transition(tuf_root: bytes, legacy_key_files: list, tuf_root_version: int = 1) -> bytes:
    """The transition document for ``tuf_root``, signed with old-format key files
    (``{"keytype": "ed25519", "private": hex, "public": hex}``)."""
    signed = {"_type": "transition", "tuf_root_sha256": hashlib.sha256(tuf_root).hexdigest(),
              "tuf_root_version": tuf_root_version}
    payload = _canonical(signed)
    signatures = []
    for path in legacy_key_files:
        obj = json.loads(open(path, encoding="utf-8").read())
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(obj["private"]))
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        signatures.append({"keyid": hashlib.sha256(raw).hexdigest(), "sig": key.sign(payload).hex()})
    return json.dumps({"signed": signed, "signatures": signatures}, indent=1).encode("utf-8")
