"""How identity numbers are shown: masked, everywhere but the case file and the feedback.

Here rather than in the domain model because the log filter, the lowest layer, masks every line."""
from __future__ import annotations

import re

# The shape of a resident identity number, 17 digits and a digit or X, whether its check digit
# holds or not: a number mistyped by one digit is still a person's number, and is masked too.
IDENTITY_SHAPE = re.compile(r"\d{17}[0-9Xx]")

PERSON = "person"


def mask_code(code: str, kind: str) -> str:
    """Identity numbers are never shown whole: keep the 6-digit region and the last 4
    (440301********1234). Organisation codes are public and shown as they are."""
    if str(kind) == PERSON and len(code) > 10:
        return code[:6] + "*" * (len(code) - 10) + code[-4:]
    return code


# An identity number's shape wherever it stands, letters glued on or not ("x440303…", "ID…"):
# only a longer run of digits is not one. The rare all-digit organisation code is masked too,
# which costs a log reader little; so is such a run inside a hash or an id, now and then.
_ID_LIKE = re.compile(rf"(?<!\d){IDENTITY_SHAPE.pattern}(?!\d)")
# A number mistyped with a digit too many or too few is still a person's number; twenty digits
# and more are not one (a request id).
_LONG_DIGITS = re.compile(r"(?<!\d)\d{15,19}(?!\d)")


def mask_identity_numbers(text: str) -> str:
    """``text`` with everything shaped like an identity number masked: log lines, and refused
    input quoted back to the clerk."""
    text = _ID_LIKE.sub(lambda m: mask_code(m.group(0), PERSON), text)
    return _LONG_DIGITS.sub(lambda m: mask_code(m.group(0), PERSON), text)
