"""Refusals of the trust model, with a machine key for code and a zh_CN message for IT staff."""
from __future__ import annotations

# Machine keys a caller may branch on. The messages name the problem and what to do about it;
# they are written for the IT staff who carry snapshots between the platform and the hall.
REASONS = {
    "missing-file": "a repository, metadata or target file named by the caller or the metadata is absent",
    "malformed": "not valid TUF metadata, not a repository, or not a snapshot data file",
    "weak-sealing": "natural persons sealed with weaker parameters than the desk's minimum",
    "threshold": "a role's metadata not signed by its threshold of the keys the root lists for it",
    "rollback": "a role's metadata, or the data, older than what the desk already trusts",
    "expired": "a role's metadata (or the trusted root) past its expiry",
    "hash-mismatch": "a file's length or hashes differ from what the role above states",
    "too-large": "a source sent more bytes than the metadata allows (endless data)",
    "unreachable": "the source could not be read",
    "wrong-base": "a delta for another version than the installed one",
    "bucket-mismatch": "a bucket's rows differ from its digest in the signed bucket table",
    "no-snapshot": "nothing to install in a folder, or nothing installed",
    "cancelled": "the caller cancelled the install",
    "tampered": "the installed snapshot no longer matches its signed metadata",
    "untrusted-root": "a legacy trust root's transition not signed by its threshold",
}


class SnapshotRefused(Exception):
    """A snapshot, delta or root that must not be trusted. Nothing on disk was changed."""

    def __init__(self, reason: str, message: str, *, role: str | None = None):
        if reason not in REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}")
        self.reason = reason
        self.role = role  # the TUF role whose check refused: root, timestamp, snapshot, targets
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
