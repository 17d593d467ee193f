"""Signing and threshold verification of envelopes."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from offline_cache.canonical import canonical_bytes
from offline_cache.errors import SnapshotRefused, short_id
from offline_cache.keys import PrivateKey, PublicKey


def sign_envelope(signed: dict, keys: Iterable[PrivateKey]) -> dict:
    data = canonical_bytes(signed)
    seen: dict[str, str] = {}
    for key in keys:
        seen.setdefault(key.keyid, key.sign(data))
    if not seen:
        raise ValueError("至少需要一把签名密钥")
    return {"signed": signed, "signatures": [{"keyid": k, "sig": s} for k, s in sorted(seen.items())]}


@dataclass(frozen=True)
class SignatureCheck:
    valid: frozenset[str]    # trusted key ids whose signature verified
    invalid: frozenset[str]  # trusted key ids whose signature did not
    foreign: tuple[str, ...]  # key ids the trusted set does not hold


def check_signatures(envelope: dict, trusted: Mapping[str, PublicKey]) -> SignatureCheck:
    data = canonical_bytes(envelope["signed"])
    valid, invalid, foreign = set(), set(), []
    for entry in envelope["signatures"]:
        keyid = entry["keyid"]
        key = trusted.get(keyid)
        if key is None:
            foreign.append(keyid)
            continue
        try:
            key.verifier().verify(bytes.fromhex(entry["sig"]), data)
        except (InvalidSignature, ValueError):
            invalid.add(keyid)
        else:
            valid.add(keyid)
    # A key that signed once correctly is not "invalid" because a duplicate entry is garbage.
    return SignatureCheck(frozenset(valid), frozenset(invalid - valid), tuple(foreign))


def require_threshold(envelope: dict, trusted: Mapping[str, PublicKey], threshold: int, *,
                      what: str, advice: str) -> SignatureCheck:
    """Refuse unless ``threshold`` distinct trusted keys signed the envelope's canonical bytes."""
    check = check_signatures(envelope, trusted)
    if len(check.valid) >= threshold:
        return check
    if check.invalid:
        ids = "、".join(short_id(k) for k in sorted(check.invalid))
        raise SnapshotRefused("bad-signature", f"{what}签名无效：签名与内容不符（密钥 {ids}），"
                                               f"文件在签署后被改动过。{advice}")
    if not check.valid:
        ids = "、".join(short_id(k) for k in check.foreign) or "无"
        raise SnapshotRefused("wrong-key", f"{what}签名无效：不是由受信任的发布密钥签署（密钥 {ids}）。{advice}")
    raise SnapshotRefused("below-threshold", f"{what}签名不足：需要 {threshold} 个受信任密钥签名，"
                                             f"只有 {len(check.valid)} 个有效。{advice}")
