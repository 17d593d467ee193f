"""Text that came from outside — the platform, a batch file, a scanner, a command-line argument —
made fit to show: on one terminal line without forging another, and cut to a length a message
can carry.

A terminal obeys what it prints: a newline in a company name starts a line that reads like the
result, an escape sequence recolours it, a bidirectional override (U+202E) reverses what follows.
So control characters become spaces, escape sequences and format characters (bidi controls,
zero-width spaces and joiners) disappear."""
from __future__ import annotations

import re
import unicodedata

# ANSI/ECMA-48 escape sequences: CSI (ESC [ ... final) and the two-character ones.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
# How much of a refused input a message quotes: enough to recognise it, never a 50 MB line.
QUOTE_LIMIT = 40


def one_line(text: str) -> str:
    """``text`` for one line of a terminal: controls as spaces, format characters dropped."""
    if text.isprintable():  # no control or format character, so no escape: most names and texts
        return text
    text = _ESCAPES.sub("", text)
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch
                   for ch in text if unicodedata.category(ch) != "Cf")


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A refused input as a message quotes it: one line, at most ``limit`` characters."""
    text = one_line(text)
    return text if len(text) <= limit else text[:limit] + "…"
