"""DESIGN.md's layering is enforced, not hoped for: every module's imports are read and checked."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from layers import check_library, check_tree

REPO = Path(__file__).resolve().parent.parent


def test_desktop_follows_the_layer_rules():
    violations, graph = check_tree(REPO / "desktop")
    assert len(graph) > 40  # the checker really read the tree
    assert not violations, "\n".join(map(str, violations))


def test_offline_cache_stays_below_the_product():
    violations = check_library(REPO / "offline_cache")
    assert not violations, "\n".join(map(str, violations))


def test_every_package_opens_with_a_docstring_saying_where_to_start():
    for init in sorted((REPO / "desktop").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "Start" in doc, f"{init.relative_to(REPO)} has no 'Start reading' docstring"


def _defines(path: Path, dotted: str) -> bool:
    """Whether the module at ``path`` defines ``Class.method`` (or a top-level name)."""
    scope = ast.parse(path.read_text(encoding="utf-8")).body
    for part in dotted.split("."):
        found = [n for n in scope if getattr(n, "name", None) == part
                 or isinstance(n, (ast.Assign, ast.AnnAssign)) and part in ast.unparse(n).split("=")[0]]
        if not found:
            return False
        scope = getattr(found[0], "body", [])
    return True


def _resolve(dotted: str) -> bool:
    """`check.sources.Platform` or `desktop.ui.app`: a module, then names defined in it."""
    parts = dotted.split(".")
    parts = parts if parts[0] == "desktop" else ["desktop", *parts]
    for cut in range(len(parts), 1, -1):
        base = REPO.joinpath(*parts[:cut])
        module = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if module.exists():
            return cut == len(parts) or _defines(module, ".".join(parts[cut:]))
    return False


def test_what_the_package_docstrings_name_exists():
    """"Start reading at `store.py` (`CaseFile.record`)" sent a reader to a method that was not
    there: every file, `Class.method` and `layer.module.Name` a package docstring names is real."""
    layers = {p.name for p in (REPO / "desktop").iterdir() if (p / "__init__.py").exists()}
    missing = []
    for init in sorted((REPO / "desktop").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        for file, name in re.findall(r"`([\w/]+\.py)`(?:\s*\(`([\w.]+)`)?", doc):
            if not (init.parent / file).exists() and not (REPO / file).exists():
                missing.append(f"{init.relative_to(REPO)}: {file}")
            elif name and not _defines(init.parent / file, name):
                missing.append(f"{init.relative_to(REPO)}: {file} ({name})")
        for dotted in re.findall(r"`((?:desktop|\w+)\.[\w.]+)`", doc):
            if dotted.split(".")[0] in layers | {"desktop"} and not dotted.endswith(".py") \
                    and not _resolve(dotted):
                missing.append(f"{init.relative_to(REPO)}: {dotted}")
    assert not missing, missing


def test_the_readme_layout_table_lists_every_package_folder():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.index("\n## ")]
    listed = set(re.findall(r"^\| `desktop/(\w+)/` \|", layout, re.M))
    folders = {p.name for p in (REPO / "desktop").iterdir() if (p / "__init__.py").exists()}
    assert listed == folders, (listed ^ folders)


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
    "__main__.py": "from desktop.app.cli import main\n",
    # DESIGN.md's one exception to a Qt-free core: the record sheet's headless PDF writer.
    "casefile/sheet.py": "from PySide6 import QtGui\nfrom PySide6.QtCore import QMarginsF\n",
    # The app layer may load what it likes by a computed name (the self-test probes its modules).
    "app/selftest.py": "import importlib\nfor n in NAMES:\n    importlib.import_module(n)\n",
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
    # Ways a hurried change could slip past a checker that reads only top-level absolute imports.
    ({"casefile/sheet.py": "from PySide6 import QtWidgets\n"},
     "desktop.casefile.sheet imports PySide6.QtWidgets: Qt widgets only in ui/ and app/"),
    ({"check/model.py": "import PySide6.QtPrintSupport\n"},
     "imports PySide6.QtPrintSupport: Qt widgets only in ui/ and app/"),
    ({"offline/data.py": "from PySide6.QtSvgWidgets import QSvgWidget\n"},
     "imports PySide6.QtSvgWidgets: Qt widgets only in ui/ and app/"),
    ({"desk/context.py": "from PySide6.QtCore import QTimer\n"},
     "desktop.desk.context imports PySide6.QtCore: the core never imports Qt"),
    ({"check/model.py": "import shiboken6\n"}, "imports shiboken6: the core never imports Qt"),
    ({"check/model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                        "    from desktop.casefile.store import CaseFile\n"},
     "desktop.check.model imports desktop.casefile.store: check/ may not import casefile/"),
    ({"desk/context.py": "from ..ui import window\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "from .. import ui\n"}, "desktop.desk.context imports desktop.ui: only app/"),
    ({"desk/context.py": "from desktop import ui\n"}, "desktop.desk.context imports desktop.ui: only app/"),
    ({"desk/__init__.py": "from ..ui.window import Window\n"},
     "desktop.desk imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "import importlib\ndef f():\n    return importlib.import_module('desktop.ui.window')\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "def f():\n    return __import__('desktop.ui.window')\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "from importlib import import_module as load\nW = load('..ui.window', __package__)\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "import importlib\nW = importlib.import_module('desktop.' + f'{\"ui\"}.window')\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "import pkgutil\nW = pkgutil.resolve_name('desktop.ui.window:Window')\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "import sys\nW = sys.modules['desktop.ui.window']\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    ({"desk/context.py": "exec('from desktop.ui import window')\n"},
     "desktop.desk.context imports desktop.ui.window: only app/ imports ui/"),
    # `import desktop.check.model` binds `desktop`: its attributes reach whatever else is loaded.
    ({"desk/context.py": "import desktop.check.model\nW = desktop.ui.window.Window\n"},
     "desktop.desk.context imports desktop.ui.window.Window: only app/ imports ui/"),
    ({"desk/context.py": "import importlib\nW = importlib.import_module('desktop.' + LAYER + '.window')\n"},
     "desktop.desk.context imports <a name computed at run time>: a dynamic import"),
    # A folder or module the table does not name would otherwise be bound by no rule at all.
    ({"reports/pdf.py": "from desktop.ui import window\n"},
     "desktop.reports.pdf imports -: desktop/reports is in no layer"),
    ({"helpers.py": "from desktop.ui import window\n"}, "desktop.helpers imports -: desktop/helpers is in no layer"),
    ({"__init__.py": "from desktop.check.model import X\n"},
     "desktop imports desktop.check.model: the package root runs before every layer"),
    ({"ui/page.py": "import desktop.__main__\n"}, "desktop.ui.page imports desktop.__main__: nothing imports app/"),
])
def test_the_checker_catches_each_kind_of_violation(tmp_path, bad, rule):
    clean, _ = check_tree(_tree(tmp_path / "clean", CLEAN))
    assert clean == []
    violations, _ = check_tree(_tree(tmp_path / "bad", {**CLEAN, **bad}))
    assert any(rule in str(v) for v in violations), violations


@pytest.mark.parametrize("bad, expected", [
    ({"reader.py": "from PySide6.QtCore import QFile\n"}, "offline_cache.reader imports PySide6.QtCore"),
    ({"reader.py": "def f():\n    from desktop.check import model\n"},
     "offline_cache.reader imports desktop.check: offline_cache is used by desktop/"),
    ({"reader.py": "from . import store\n", "store.py": "from offline_cache import reader\n"},
     "import cycle"),
])
def test_the_library_under_the_core_is_checked_too(tmp_path, bad, expected):
    lib = tmp_path / "offline_cache"
    lib.mkdir()
    (lib / "__init__.py").touch()
    (lib / "records.py").write_text("from dataclasses import dataclass\n", encoding="utf-8")
    assert check_library(lib) == []
    for rel, text in bad.items():
        (lib / rel).write_text(text, encoding="utf-8")
    violations = check_library(lib)
    assert any(expected in str(v) for v in violations), violations
