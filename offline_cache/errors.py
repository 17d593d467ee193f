"""Refusals of the trust model, with a machine key for code and a zh_CN message for IT staff."""
from __future__ import annotations

# Machine keys a caller may branch on. The messages name the problem and what to do about it;
# they are written for the IT staff who carry snapshots between the platform and the hall.
REASONS = {
    "missing-file": "a manifest, data file or root named by the caller or a manifest is absent",
    "malformed": "not a valid envelope, manifest, root or snapshot data file",
    "weak-sealing": "natural persons sealed with weaker parameters than the desk's minimum",
    "bad-signature": "a trusted key's signature does not match the content (edited after signing)",
    "wrong-key": "no signature by any key of the trusted root",
    "below-threshold": "valid signatures by fewer trusted keys than the root's threshold",
    "untrusted-root": "a new root not signed by the old root's threshold or its own",
    "root-version": "a new root whose version is not the installed root's version + 1",
    "root-expired": "the trusted root itself has expired",
    "rollback": "a snapshot older than the installed one",
    "expired": "a snapshot past its expiry time",
    "size-mismatch": "the data file's size differs from the manifest",
    "hash-mismatch": "the data file's SHA-256 differs from the manifest",
    "wrong-base": "a delta for another version than the installed one",
    "digest-mismatch": "the dataset after applying a delta differs from the signed dataset digest",
    "no-snapshot": "nothing to install in a folder, or nothing installed",
    "cancelled": "the caller cancelled the install",
    "tampered": "the installed snapshot no longer matches its signed manifest",
}


class SnapshotRefused(Exception):
    """A snapshot, delta or root that must not be trusted. Nothing on disk was changed."""

    def __init__(self, reason: str, message: str):
        if reason not in REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}")
        self.reason = reason
        self.message = message
        super().__init__(f"[{reason}] {message}")


class BuildError(ValueError):
    """A build input problem, located so that whoever prepared the export can fix it."""

    def __init__(self, file: str, line: int | None, column: str | None, problem: str):
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        where = file
        if line is not None:
            where += f" 第 {line} 行"
        if column:
            where += f"，列 {column}"
        self.message = f"{where}：{problem}"
        super().__init__(self.message)


def short_id(hexstr: str) -> str:
    """Key ids and hashes abbreviated the way IT staff compare them by eye."""
    return f"{hexstr[:8]}…" if len(hexstr) > 8 else hexstr
