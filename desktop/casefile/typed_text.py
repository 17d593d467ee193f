"""What the clerk types into a record (the case number, the note, the pledge's form number and
missing materials) holds no resident identity number: listings, exports, the record sheet and the
history show these fields as typed, where the subject's own number is masked (break attempt 18
found one written into the note printed whole). Only a number that is one (its birth date and
check digit hold) is refused: long numeric case numbers (region, date, serial) are common, and
must go through. Qt-free."""
from __future__ import annotations

import re

from stdnum.cn import ric

from desktop.casefile.record import CaseRecord
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

_SHAPE = re.compile(r"(?<!\d)\d{17}[0-9Xx](?!\d)")

FIELDS = (("case_no", QT_TRANSLATE_NOOP("core", "办件编号")), ("note", QT_TRANSLATE_NOOP("core", "说明")),
          ("form_no", QT_TRANSLATE_NOOP("core", "承诺书编号")),
          ("missing", QT_TRANSLATE_NOOP("core", "欠缺材料")))


def _texts(draft: CaseRecord) -> dict[str, str]:
    pledge = draft.commitment or {}
    return {"case_no": draft.case_no or "", "note": draft.note or "",
            "form_no": pledge.get("form_no") or "", "missing": "、".join(pledge.get("missing") or ())}


def identity_number_problem(draft: CaseRecord) -> Message | None:
    """Why ``draft`` cannot be written as typed, or None."""
    texts = _texts(draft)
    for key, label in FIELDS:
        if any(ric.is_valid(found.group(0).upper()) for found in _SHAPE.finditer(texts[key])):
            return Message(QT_TRANSLATE_NOOP(
                "core", "{field}中有一个公民身份号码：记录列表、导出和记录单按原样显示这一栏，号码会完整可见。"
                        "请删去号码（需要时只写后四位）后再记档。未记档。"),
                {"field": Message(label)})
    return None
