"""The boundaries DESIGN.md draws around the check path: the domain core and the snapshot package
never load Qt (the same path serves the window, the command line and the tests), check digits
come from python-stdnum, and a lookup is a point lookup through the snapshot's indexes."""
from __future__ import annotations

import ast
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.site.paths import demo_snapshot_dir, resources

REPO = Path(__file__).resolve().parent.parent
KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
# Layers that may load Qt at all: the window, the entry points (the self-test starts Qt on purpose)
# and the record sheet, a PDF drawn by QtGui's writer. Widgets are kept to ui/ and app/ by
# test_layers.
DRAWING = {"desktop/ui", "desktop/app", "desktop/casefile/sheet.py"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", ["desktop", "offline_cache"])
def test_core_modules_import_no_qt(folder):
    for path in sorted((REPO / folder).rglob("*.py")):
        if any(str(path.relative_to(REPO)).startswith(d) for d in DRAWING):
            continue
        qt = {m for m in imported_modules(path) if m.split(".")[0] in ("PySide6", "shiboken6")}
        assert not qt, f"{path.relative_to(REPO)} imports {qt}"


def test_a_check_from_the_command_line_loads_no_qt(tmp_path):
    """Lazily imported modules count too: run the whole check path in a fresh interpreter."""
    script = (
        "import sys, json\n"
        "from desktop.app.cli import main\n"
        f"rc = main(['check', {KNOWN['black']!r}, '--item', {KNOWN['item_with_measures']!r}, '--json'])\n"
        "import offline_cache.cli\n"
        "rc2 = offline_cache.cli.main(['verify', sys.argv[1], '--root', sys.argv[2]])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(json.dumps({'rc': [rc, rc2], 'qt': qt}))\n")
    env = dict(os.environ, CREDIT_DESK_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", script, str(demo_snapshot_dir()),
                           str(resources() / "trust" / "demo-root.json")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout.splitlines()[-1])
    assert verdict == {"rc": [0, 0], "qt": []}


def test_check_digits_are_python_stdnum_s(monkeypatch):
    """The parser asks stdnum for the digit: were stdnum's answer different, so would the verdict be."""
    from stdnum.cn import ric, uscc

    from desktop.check import codes

    org, person = KNOWN["black"], KNOWN["person_black"]
    assert codes.parse(org).code == org and codes.parse(person).code == person
    monkeypatch.setattr(uscc, "calc_check_digit", lambda number: "0")
    monkeypatch.setattr(ric, "calc_check_digit", lambda number: "0")
    with pytest.raises(codes.InvalidCode):
        codes.parse(org)
    with pytest.raises(codes.InvalidCode):
        codes.parse(person)
    assert codes.parse(org[:17] + "0").code == org[:17] + "0"


DEMO_DATA = demo_snapshot_dir() / "targets" / "snapshot-000001.sqlite"


def test_lookup_queries_are_point_lookups_through_indexes():
    from offline_cache.reader import LOOKUP_QUERIES

    conn = sqlite3.connect(DEMO_DATA.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        for query in LOOKUP_QUERIES:
            plan = [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + query, (7,))]
            searches = [step for step in plan if step.startswith("SEARCH")]
            # A SCAN of a table would read every subject or entry: seconds on a province. (The
            # lookup's one statement scans its own few rows, a subquery of range reads.)
            assert searches and not any(step.startswith("SCAN") and not step.startswith("SCAN (subquery")
                                        for step in plan), (query, plan)
            # Each a range of a primary key (the rows clustered by bucket) or of an index.
            assert all("USING" in step and ("INDEX" in step or "PRIMARY KEY" in step) for step in searches), plan
    finally:
        conn.close()


def test_lookup_returns_entries_and_only_the_measures_mapped_to_the_item():
    from offline_cache.buckets import BucketTable
    from offline_cache.reader import SnapshotReader

    table = BucketTable.from_bytes((demo_snapshot_dir() / "targets" / "buckets-000001.bin").read_bytes())
    with SnapshotReader(DEMO_DATA, table) as reader:
        black = reader.lookup(KNOWN["black"], KNOWN["item_with_measures"])
        assert black.subject.code == KNOWN["black"] and [h.list_code for h in black.hits] == ["SXBZXR"]
        assert black.measures and {m.list_code for m in black.measures} == {"SXBZXR"}
        assert "M-SX-01" in {m.measure_id for m in black.measures}
        registration = reader.lookup(KNOWN["black"], KNOWN["item_company_registration"])
        # The person's own measure and the one through a unit's legal representative (issue 15).
        assert [m.measure_id for m in registration.measures] == ["M-SX-02", "M-SX-08"]
        assert reader.lookup(KNOWN["black"], KNOWN["item_without_mapping"]).measures == ()
        assert reader.lookup(KNOWN["black"], None).measures == ()
        clear = reader.lookup(KNOWN["clear"][0], KNOWN["item_with_measures"])
        assert clear.subject is not None and clear.hits == () and clear.measures == ()
        assert reader.lookup(KNOWN["unknown_valid"], KNOWN["item_with_measures"]).subject is None
