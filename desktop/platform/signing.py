"""Platform API v1 request signatures (DESIGN.md), shared by the client and the reference platform
so that both sides compute the same bytes.

    X-Signature = hex HMAC-SHA256(secret, METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex SHA-256(body))

The path and query are signed exactly as sent: re-encoding them on either side would make a valid
request fail (or, worse, let two different requests share one signature)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

# The server refuses a timestamp further than this from its clock, and remembers nonces this long.
MAX_SKEW_SECONDS = 300


def string_to_sign(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path_with_query, timestamp, nonce,
                      hashlib.sha256(body).hexdigest())).encode("utf-8")


def signature(secret: str, method: str, path_with_query: str, timestamp: str, nonce: str,
              body: bytes = b"") -> str:
    return hmac.new(secret.encode("utf-8"), string_to_sign(method, path_with_query, timestamp, nonce, body),
                    hashlib.sha256).hexdigest()


def signed_headers(app_key: str, secret: str, method: str, path_with_query: str, body: bytes = b"", *,
                   now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    return {"X-App-Key": app_key, "X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": signature(secret, method, path_with_query, timestamp, nonce, body)}


def signatures_match(expected: str, given: str) -> bool:
    # Constant time: a byte-by-byte early exit would let a caller find the signature by timing.
    return hmac.compare_digest(expected.encode("ascii", "replace"), given.encode("ascii", "replace"))
