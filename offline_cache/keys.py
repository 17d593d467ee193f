"""Ed25519 publisher keys: key files, public keys and key ids."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEYTYPE = "ed25519"


def keyid_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class PublicKey:
    keyid: str
    public: str  # hex of the raw 32 bytes

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public))


@dataclass(frozen=True)
class PrivateKey:
    keyid: str
    public: str
    key: Ed25519PrivateKey

    def sign(self, data: bytes) -> str:
        return self.key.sign(data).hex()


def generate_key(path: Path) -> str:
    """Write a new private key file (mode 0600) and return its key id. An existing file is never
    overwritten: losing a publisher key orphans every root that lists it."""
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    public = _raw_public(key.public_key())
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    body = json.dumps({"keytype": KEYTYPE, "private": private.hex(), "public": public.hex()}, indent=1)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return keyid_of(public)


def _read_key_json(path: Path) -> dict:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"找不到密钥文件：{path}") from None
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"不是有效的密钥文件（应为 JSON）：{path}") from None
    if not isinstance(obj, dict) or obj.get("keytype") != KEYTYPE or not isinstance(obj.get("public"), str):
        raise ValueError(f"不是 ed25519 密钥文件：{path}")
    return obj


def load_private(path: Path) -> PrivateKey:
    obj = _read_key_json(path)
    try:
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(obj["private"]))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"密钥文件中没有有效的私钥：{path}") from None
    public = _raw_public(key.public_key())
    if public.hex() != obj["public"].lower():
        raise ValueError(f"密钥文件中的公钥与私钥不配对：{path}")
    return PrivateKey(keyid_of(public), public.hex(), key)


def load_public(path: Path) -> PublicKey:
    """The public half of a key file or of a public-key file ``{"keytype","public"}``."""
    obj = _read_key_json(path)
    try:
        raw = bytes.fromhex(obj["public"])
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ValueError(f"密钥文件中的公钥无效：{path}") from None
    return PublicKey(keyid_of(raw), raw.hex())


def write_public(path: Path, key: PublicKey) -> None:
    Path(path).write_text(json.dumps({"keytype": KEYTYPE, "public": key.public}, indent=1) + "\n",
                          encoding="utf-8")
