"""What the clerk may change on this machine, in ``desktop.site.paths.settings_file()``: operator id,
font size, sounds, language (and whatever else the window remembers there, e.g. the approval
item, which is kept untouched). Deployment settings live in the IT-owned config, never here.
Qt-free; written atomically, so a crash mid-write leaves the previous settings."""
from __future__ import annotations

import json
import os
import threading
import uuid

from desktop.check.codes import InvalidCode, parse
from desktop.desk.context import saved_settings
from desktop.site import paths
from desktop.site.config import OPERATOR_ID
from desktop.site.masking import mask_code
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

OPERATOR_PATTERN = OPERATOR_ID  # one definition: the config's os_map values use it too
_write_lock = threading.Lock()


def load() -> dict:
    return saved_settings()


def update(**changes) -> dict:
    """Merge ``changes`` into the stored settings and write them durably; returns the result."""
    path = paths.settings_file()
    with _write_lock:
        data = saved_settings()
        data.update(changes)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    return data


def operator_problem(operator: str) -> Message | None:
    """Why ``operator`` is not a usable operator id (工号), or None."""
    operator = operator.strip()
    if not operator:
        return Message(QT_TRANSLATE_NOOP("core", "请输入工号。"))
    try:
        scanned = parse(operator)
    except InvalidCode:
        scanned = None
    if scanned is not None:
        # A licence or identity card scanned while this field had the focus (the first start
        # asks here): taken as the 工号 it would sign every record, an identity number unmasked.
        return Message(QT_TRANSLATE_NOOP(
            "core", "“{code}”是统一社会信用代码或身份证号码，不是工号：请输入您的工号。"),
            {"code": mask_code(scanned.code, scanned.kind)})
    if not OPERATOR_PATTERN.fullmatch(operator):
        return Message(QT_TRANSLATE_NOOP(
            "core", "工号“{operator}”无效：只能包含字母、数字、点、下划线和连字符，最长 32 位，以字母或数字开头。"),
            {"operator": operator})
    return None
