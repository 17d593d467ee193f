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
