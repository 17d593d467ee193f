"""Why a write to this desk's disk failed, as the clerk must hear it: the folder is read-only,
the disk is full, or something else (named by its detail). The case file and the demo data's
first install word their own messages from it. Qt-free."""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

_CAUSES = {errno.EACCES: "readonly", errno.EPERM: "readonly", errno.EROFS: "readonly",
           errno.ENOSPC: "full", errno.EDQUOT: "full"}


def write_failure(exc: BaseException, folder: Path, *, room_needed: int) -> str:
    """``readonly``, ``full`` or ``io`` for an OSError writing into ``folder``. An error without a
    telling errno where less than ``room_needed`` bytes are left is taken for the full disk it
    most likely is (SQLite, for one, reports ENOSPC while creating its WAL as a plain I/O error)."""
    cause = _CAUSES.get(getattr(exc, "errno", None), "io")
    if cause == "io" and nearly_full(folder, room_needed):
        return "full"
    return cause


def nearly_full(folder: Path, room_needed: int) -> bool:
    """Less than ``room_needed`` bytes free where ``folder`` is, or on its nearest existing parent
    (a folder whose creation failed is not there to ask)."""
    for path in (folder, *folder.parents):
        try:
            return shutil.disk_usage(path).free < room_needed
        except OSError:
            continue
    return False
