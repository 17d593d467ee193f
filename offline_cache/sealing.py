"""Sealed person rows: a snapshot that names no one it need not (DESIGN.md, issue 17 item 4).

Natural persons on no list are not published at all. A listed person's subject row is stored
under a *tag* instead of the identity number, and its name is sealed:

    out  = Argon2id(identity number, salt, memory_cost, iterations, lanes), 64 bytes
    tag  = hex(out[:32])                     the row's code, and its entries' subject_code
    key  = out[32:]                          AES-256-GCM key for the row's fields
    name = base64(nonce ‖ AESGCM(key).encrypt(nonce, {"name": ...}, aad=tag))

The salt is drawn per snapshot and kept with the parameters in the ``person_sealing`` table,
which the dataset digest covers like every table: the parameters are signed with the snapshot.
Reading a person's row therefore costs one memory-hard hash of the number asked about; a reader
without the number has to guess numbers at that price each (``MINIMUM`` sets the floor a desk
accepts), and a precomputed table is useless against the next snapshot's salt. Entries keep their
list, authority, dates and basis in the clear (they name no one); organisations stay in the clear.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

# ~65 ms of CPU per number on this machine class: a clerk's lookup does not notice it, a guesser
# pays it for every candidate (README "Sealed persons" has the figures).
PARAMS = {"alg": "argon2id", "memory_cost": 65536, "iterations": 1, "lanes": 1}
# The weakest parameters a desk accepts: a snapshot sealed below this is refused at install.
MINIMUM = {"memory_cost": 65536, "iterations": 1}
IDENTITY_SHAPE = re.compile(r"\d{17}[0-9X]")


class WeakSealing(sqlite3.DatabaseError):
    """The snapshot's person sealing is weaker than MINIMUM (or unreadable)."""


def derive(code: str, params: dict) -> tuple[str, bytes]:
    out = Argon2id(salt=base64.b64decode(params["salt"]), length=64,
                   iterations=int(params["iterations"]), lanes=int(params["lanes"]),
                   memory_cost=int(params["memory_cost"])).derive(code.encode("ascii"))
    return out[:32].hex(), out[32:]


def seal(key: bytes, tag: str, fields: dict) -> str:
    plain = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Synthetic nonce: a hash of key and plaintext. Each key seals one row of one snapshot, and
    # equal inputs give equal bytes, so a build from the same sources and salt is reproducible.
    nonce = hashlib.sha256(b"credit-desk-seal-nonce\n" + key + plain).digest()[:12]
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, tag.encode())).decode()


def unseal(key: bytes, tag: str, blob: str) -> dict:
    """The sealed fields; raises InvalidTag when the row was altered (or sealed for another tag)."""
    raw = base64.b64decode(blob)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], tag.encode()))


def read_params(conn: sqlite3.Connection, schema: str = "main") -> dict | None:
    """The snapshot's sealing parameters, or None when it seals nobody (no listed person)."""
    row = conn.execute(f"SELECT salt, alg, memory_cost, iterations, lanes FROM {schema}.person_sealing").fetchone()
    if row is None:
        return None
    params = dict(zip(("salt", "alg", "memory_cost", "iterations", "lanes"), row))
    problem = weakness(params)
    if problem:
        raise WeakSealing(problem)
    return params


def weakness(params: dict) -> str | None:
    """Why ``params`` fall short of MINIMUM, in the publisher's and IT's words; None when not."""
    try:
        salt = base64.b64decode(params["salt"], validate=True)
        memory, passes, lanes = (int(params[k]) for k in ("memory_cost", "iterations", "lanes"))
    except (KeyError, ValueError, TypeError):
        return "快照的自然人加密参数无法读取"
    if params.get("alg") != "argon2id" or len(salt) < 16 or lanes < 1:
        return f"快照的自然人加密参数无效（算法 {params.get('alg')}，盐 {len(salt)} 字节）"
    if memory < MINIMUM["memory_cost"] or passes < MINIMUM["iterations"]:
        return (f"快照的自然人加密强度不足（内存 {memory} KiB、{passes} 轮，本机要求至少 "
                f"{MINIMUM['memory_cost']} KiB、{MINIMUM['iterations']} 轮）")
    return None


def seal_persons(conn: sqlite3.Connection, params: dict | None = None, salt: bytes | None = None) -> int:
    """In a freshly loaded build (before indexes): drop persons on no list, re-key and seal the
    rest, and record the parameters. ``salt``: a fresh random one unless given (the demo fixes
    its own, so that its committed snapshot can be rebuilt byte for byte). Returns the number of
    persons sealed."""
    params = dict(params or PARAMS, salt=base64.b64encode(salt or os.urandom(16)).decode())
    conn.execute("BEGIN")
    conn.execute("DELETE FROM subjects WHERE kind = 'person' AND code NOT IN "
                 "(SELECT subject_code FROM entries)")
    persons = conn.execute("SELECT rowid, code, name FROM subjects WHERE kind = 'person'").fetchall()
    conn.execute("CREATE TEMP TABLE sealed (code TEXT PRIMARY KEY, tag TEXT NOT NULL) WITHOUT ROWID")
    for rowid, code, name in persons:
        tag, key = derive(code, params)
        conn.execute("UPDATE subjects SET code = ?, name = ? WHERE rowid = ?",
                     (tag, seal(key, tag, {"name": name}), rowid))
        conn.execute("INSERT INTO temp.sealed VALUES (?, ?)", (code, tag))
    conn.execute("UPDATE entries SET subject_code = (SELECT tag FROM temp.sealed s WHERE s.code = "
                 "entries.subject_code) WHERE subject_code IN (SELECT code FROM temp.sealed)")
    # A unit's people (relations): a listed one is found by the tag of its entries; every number
    # is kept masked only (region and last four), so the file names no one by number.
    conn.execute("UPDATE relations SET person_tag = (SELECT tag FROM temp.sealed s "
                 "WHERE s.code = relations.person_code)")
    conn.execute("UPDATE relations SET person_code = substr(person_code, 1, 6) || "
                 "'********' || substr(person_code, 15, 4) WHERE length(person_code) = 18")
    # The name too, as public disclosures print it (邝**): the window shows the licence's holder
    # beside it, and a listed person's name is otherwise only in their sealed row.
    conn.execute("UPDATE relations SET person_name = substr(person_name, 1, 1) || "
                 "replace(hex(zeroblob(length(person_name) - 1)), '00', '*')")
    conn.execute("DROP TABLE temp.sealed")
    conn.execute("DELETE FROM person_sealing")
    conn.execute("INSERT INTO person_sealing (salt, alg, memory_cost, iterations, lanes) VALUES (?, ?, ?, ?, ?)",
                 (params["salt"], params["alg"], str(params["memory_cost"]), str(params["iterations"]),
                  str(params["lanes"])))
    conn.execute("COMMIT")
    return len(persons)


__all__ = ["IDENTITY_SHAPE", "InvalidTag", "MINIMUM", "PARAMS", "WeakSealing", "derive", "read_params",
           "seal", "seal_persons", "unseal", "weakness"]
