"""Regenerate the translations: extract every translatable string from desktop/ (the window's
``tr()`` calls and the core's ``QT_TRANSLATE_NOOP("core", ...)`` messages) into
resources/translations/credit_desk_en.ts with pyside6-lupdate, keeping the translations already
made, then compile the .qm files the app loads with pyside6-lrelease.

    .venv/bin/python build_scripts/translations.py          # update .ts, compile .qm
    .venv/bin/python build_scripts/translations.py --check  # also fail on unfinished entries

zh_CN is the source language, so it needs no .ts of its own. New or changed strings come out
"unfinished": translate them in Qt Linguist (pyside6-linguist) or in the XML, then run this again.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "desktop"
TRANSLATIONS = REPO / "resources" / "translations"
LANGUAGES = ("en",)


def tool(name: str) -> str:
    """The PySide6 tool next to this Python (the venv), else on PATH."""
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 (pip install -e .) first")
    return found


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"credit_desk_{language}.ts"


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every entry still without a finished translation."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None:
                continue
            kind = translation.get("type")
            if kind in ("obsolete", "vanished"):
                continue
            empty = not (translation.text or "").strip() and not translation.findall("numerusform")
            if kind == "unfinished" or empty:
                out.append((name, message.findtext("source")))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when any entry is left unfinished")
    args = parser.parse_args(argv)
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    status = 0
    for language in LANGUAGES:
        ts = ts_file(language)
        subprocess.run([tool("pyside6-lupdate"), "-extensions", "py", "-no-obsolete",
                        "-locations", "none", "-source-language", "zh_CN",
                        "-target-language", language, str(SOURCES), "-ts", str(ts)],
                       check=True, cwd=REPO)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm",
                        str(ts.with_suffix(".qm"))], check=True, cwd=REPO)
        left = unfinished(ts)
        for context, source in left:
            print(f"unfinished [{language}] {context}: {source}", file=sys.stderr)
        if left and args.check:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
