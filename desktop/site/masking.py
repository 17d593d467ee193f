"""How identity numbers are shown: masked, everywhere but the case file and the feedback.

Here rather than in the domain model because the log filter, the lowest layer, masks every line."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from stdnum.cn import ric

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


# An identity number standing on its own, any run of 15 digits or more so standing (a number
# mistyped with a digit too many, scanned twice, typed after a phone number), and one with letters
# glued on ("x440303…", "ID…") when its check digit holds: inside a hash or an id such a run is
# rarely one, and starring it would spoil the hash IT compares (break attempt 19).
_ID_LIKE = re.compile(rf"(?<![0-9A-Za-z]){IDENTITY_SHAPE.pattern}(?![0-9A-Za-z])")
_LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{15,}(?![0-9A-Za-z])")
_GLUED = re.compile(rf"(?<!\d){IDENTITY_SHAPE.pattern}(?!\d)")


def check_digit_holds(number: str) -> bool:
    """An 18-character identity number's check digit (ISO 7064 MOD 11-2, python-stdnum's rule;
    not its is_valid, which also looks the region up and raises for some, break attempt 19)."""
    return ric.calc_check_digit(number) == number[17].upper()


def mask_identity_numbers(text: str) -> str:
    """``text`` with everything shaped like an identity number masked: log lines, and refused
    input quoted back to the clerk."""
    text = _ID_LIKE.sub(lambda m: mask_code(m.group(0), PERSON), text)
    text = _LONG_DIGITS.sub(lambda m: mask_code(m.group(0), PERSON), text)
    return _GLUED.sub(lambda m: mask_code(m.group(0), PERSON) if check_digit_holds(m.group(0))
                      else m.group(0), text)


# Everything a scanner, a copy from a document or a tired hand puts between the characters of a
# code or a number: white space and line breaks, dashes of every width, underscores, dots,
# middle dots and slashes (after NFKC, which makes the full-width ones plain).
SEPARATORS = r"[\s\-‐‑‒–—―−_·./／]"
_TYPED_SHAPE = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9]){SEPARATORS}+(?=[0-9Xx])")


def holds_identity_number(text: str) -> bool:
    """``text`` (typed or pasted by a person) holds a resident identity number: one whose birth
    date and check digit hold, however it is written: full-width digits, invisible characters
    inside, split in groups by any of SEPARATORS. Only a number that could be one: a number
    built of a region, a date and a serial (440106-20261201-0009) has the shape and a date that
    holds, so about one in eleven such numbers is taken for one by its check digit alone."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                   if unicodedata.category(ch) != "Cf")
    plain = _BETWEEN_DIGITS.sub("", text).upper()
    return any(_is_identity_number(m.group(0)) for m in _TYPED_SHAPE.finditer(plain))


def _is_identity_number(number: str) -> bool:
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_digit_holds(number)
