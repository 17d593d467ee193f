"""DESIGN.md's layering is enforced, not hoped for: every module's imports are read and checked."""
from __future__ import annotations

from pathlib import Path

import pytest
from layers import check_tree

REPO = Path(__file__).resolve().parent.parent


def test_desktop_follows_the_layer_rules():
    violations, graph = check_tree(REPO / "desktop")
    assert len(graph) > 40  # the checker really read the tree
    assert not violations, "\n".join(map(str, violations))


def test_every_package_opens_with_a_docstring_saying_where_to_start():
    import ast

    for init in sorted((REPO / "desktop").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "Start" in doc, f"{init.relative_to(REPO)} has no 'Start reading' docstring"


def _tree(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "desktop"
    for rel, text in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [pkg, *[p for p in pkg.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return pkg


CLEAN = {
    "site/config.py": "import os\n",
    "check/model.py": "from desktop.site import config\n",
    "casefile/store.py": "from desktop.check.model import X\n",
    "ui/window.py": "from PySide6.QtWidgets import QWidget\nfrom desktop.casefile import store\n",
    "app/cli.py": "from desktop.ui import window\n",
}


@pytest.mark.parametrize("bad, rule", [
    ({"site/config.py": "from desktop.check import model\n"}, "site/ may not import check/"),
    ({"check/model.py": "def f():\n    from desktop.casefile.store import CaseFile\n"},
     "check/ may not import casefile/"),
    ({"casefile/sheet.py": "from PySide6.QtWidgets import QLabel\n"}, "Qt widgets only in ui/ and app/"),
    ({"desk/context.py": "from desktop.ui import window\n"}, "only app/ imports ui/"),
    ({"ui/page.py": "from desktop.app import cli\n"}, "nothing imports app/"),
    ({"casefile/verify.py": "from desktop.casefile import store\n",
      "casefile/store.py": "from . import verify\n"}, "import cycle"),
    ({"platform/client.py": "from desktop.offline import data\n"}, "platform/ may not import offline/"),
])
def test_the_checker_catches_each_kind_of_violation(tmp_path, bad, rule):
    clean, _ = check_tree(_tree(tmp_path / "clean", CLEAN))
    assert clean == []
    violations, _ = check_tree(_tree(tmp_path / "bad", {**CLEAN, **bad}))
    assert any(rule in str(v) for v in violations), violations
