"""What the clerk types into a record (the note, the pledge's form number and missing materials,
a decision's or a follow-up's note) holds no resident identity number: listings, exports, the
record sheet and the history show these fields as typed, where the subject's own number is
masked (break attempt 18 found one written into the note printed whole).

Only a number that is one is refused (its birth date and check digit hold), written in full-width
digits or split by spaces or dashes too. The case number is not checked: approval systems issue
it, the clerk cannot change it, and about one numeric case number in eleven (region, date,
serial) passes the test of an identity number (break attempt 19). Only text typed now is
checked: a field carried over from an earlier record is not the clerk's to change. Qt-free."""
from __future__ import annotations

from desktop.site.masking import holds_identity_number
from desktop.site.messages import QT_TRANSLATE_NOOP, Message

NOTE = QT_TRANSLATE_NOOP("core", "说明")
FORM_NO = QT_TRANSLATE_NOOP("core", "承诺书编号")
MISSING = QT_TRANSLATE_NOOP("core", "欠缺材料")


def refuse_identity_numbers(note: str = "", form_no: str = "", missing=()) -> Message | None:
    """Why the texts typed cannot be written (the first field holding a number), or None."""
    for label, text in ((NOTE, note), (FORM_NO, form_no), (MISSING, "、".join(missing))):
        if holds_identity_number(text):
            return Message(QT_TRANSLATE_NOOP(
                "core", "{field}中有一个公民身份号码：记录列表、导出和记录单按原样显示这一栏，号码会完整可见。"
                        "请删去号码（需要时只写后四位）后再记档。未记档。"),
                {"field": Message(label)})
    return None
