"""Where each key of a TOML text is written: tomllib reports values, not positions, and the
config names the line of a bad value (DESIGN.md: "the key and line named"), however TOML spells
the key: under a [table] header, as a dotted key, inside an inline table. Qt-free."""
from __future__ import annotations

import bisect
import re


def key_lines(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(line, key path) of every table header and key of ``text``, which tomllib has accepted,
    in order. Raises IndexError or ValueError on text it misreads."""
    return _KeyScanner(text).scan()


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _KeyScanner:
    """(line, key path) of every table header and key of a TOML text, in order. The text has
    already parsed, so this follows valid TOML only; it must read strings whole (a "#", "=" or
    "[" inside one is not syntax) and arrays over several lines, and a line-by-line match would
    not."""

    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.newlines = [n for n, ch in enumerate(text) if ch == "\n"]
        self.found: list[tuple[int, tuple[str, ...]]] = []

    def scan(self) -> list[tuple[int, tuple[str, ...]]]:
        table: tuple[str, ...] = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.text):
                return self.found
            start = self.i
            if self.text[self.i] == "[":
                brackets = 2 if self.text.startswith("[[", self.i) else 1
                line = self.line()
                self.i += brackets
                table = self.key()
                self.found.append((line, table))
                self.i += brackets
            else:
                self.pair(table)
            if self.i == start:
                raise ValueError("no progress")

    def line(self) -> int:
        return bisect.bisect_left(self.newlines, self.i) + 1

    def skip(self, newlines: bool = False) -> None:
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            elif ch == "#":
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            else:
                return

    def key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self.skip()
            text, i = self.text, self.i
            if text[i] == '"':
                end = self.string_end(i)
                parts.append(_ESCAPE.sub(_unescape, text[i + 1:end - 1]))
            elif text[i] == "'":
                end = text.index("'", i + 1) + 1
                parts.append(text[i + 1:end - 1])
            else:
                match = _BARE_KEY.match(text, i)
                if match is None:
                    raise ValueError("not a key")
                end = match.end()
                parts.append(match.group())
            self.i = end
            self.skip()
            if self.text[self.i] != ".":
                return tuple(parts)
            self.i += 1

    def pair(self, prefix: tuple[str, ...]) -> None:
        line = self.line()
        keys = prefix + self.key()
        self.found.append((line, keys))
        if self.text[self.i] != "=":
            raise ValueError("no =")
        self.i += 1
        self.skip()
        self.value(keys)

    def value(self, keys: tuple[str, ...]) -> None:
        text, i = self.text, self.i
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i]
            end = self.multiline_end(i + 3) if quote == '"' else text.index(quote * 3, i + 3)
            # Content may end in one or two quotes right before the closing three.
            while text.startswith(quote, end + 3):
                end += 1
            self.i = end + 3
        elif text[i] == '"':
            self.i = self.string_end(i)
        elif text[i] == "'":
            self.i = text.index("'", i + 1) + 1
        elif text[i] == "[":
            self.i += 1
            self.items("]", lambda: self.value(keys))
        elif text[i] == "{":
            self.i += 1
            self.items("}", lambda: self.pair(keys))
        else:  # a number, boolean or date: up to what ends a value
            while self.i < len(text) and text[self.i] not in ",]}#\n":
                self.i += 1

    def items(self, close: str, item) -> None:
        while True:
            self.skip(newlines=True)
            if self.text[self.i] == close:
                self.i += 1
                return
            start = self.i
            item()
            self.skip(newlines=True)
            if self.text[self.i] == ",":
                self.i += 1
            elif self.i == start:
                raise ValueError("no progress")

    def string_end(self, i: int) -> int:
        """Just past the basic string that opens at ``i``."""
        j = i + 1
        while self.text[j] != '"':
            j += 2 if self.text[j] == "\\" else 1
        return j + 1

    def multiline_end(self, j: int) -> int:
        """Where the closing three quotes of a multi-line basic string start, from ``j``."""
        while not self.text.startswith('"""', j):
            j += 2 if self.text[j] == "\\" else 1
        return j


def _unescape(match: re.Match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group(3))
