"""The purpose of a lookup of a natural person (授权书编号 or 履职依据): asked before the lookup runs,
kept in its access record (desktop.casefile.access)."""
from __future__ import annotations

import re

from desktop.check.codes import InvalidCode, parse
from desktop.site.masking import holds_identity_number
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError

# Purposes are short: an authorisation number or the legal duty, not a letter.
MAX_PURPOSE = 200
# A run of digits as long as an identity number's: the purpose is kept as typed, unmasked.
_NUMBER_RUN = re.compile(r"\d{15,}")


class PurposeRequired(UserError):
    """A natural person was to be looked up without a usable purpose; nothing was queried."""
    exit_code = 2


def purpose_problem(purpose: str | None) -> Message | None:
    """Why ``purpose`` cannot stand as the purpose of a person lookup, or None."""
    text = (purpose or "").strip()
    if not text:
        return Message(QT_TRANSLATE_NOOP(
            "core", "核查自然人须先说明查询用途（授权书编号或履职依据），未查询。"))
    if len(text) > MAX_PURPOSE or any(ord(c) < 32 or c == "\x7f" for c in text):
        return Message(QT_TRANSLATE_NOOP(
            "core", "查询用途应为一行文字，最长 {limit} 字（授权书编号或履职依据），未查询。"),
            {"limit": MAX_PURPOSE})
    if _NUMBER_RUN.search(text) or holds_identity_number(text) or _is_code(text):
        # A licence or identity card scanned into the purpose field by mistake, or a number
        # typed there split in groups: kept as the purpose it would put the applicant's code, a
        # person's number unmasked, in the access record.
        return Message(QT_TRANSLATE_NOOP(
            "core", "查询用途不能是代码或身份证号码（像是扫描进了用途栏）：请填写授权书编号或履职依据，未查询。"))
    return None


def _is_code(text: str) -> bool:
    try:
        parse(text)
    except InvalidCode:
        return False
    return True
