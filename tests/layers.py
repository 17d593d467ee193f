"""The import rules of DESIGN.md "Inside desktop/", read from the source with `ast`.

Kept apart from the test so that a synthetic module tree can be checked by the same code: the test
proves the checker fails on a violation without breaking the product to show it."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Layer → the desktop packages it may import (besides itself). `__main__` is the `python -m
# desktop` entry point and belongs to the app layer.
ALLOWED = {
    "site": set(),
    "check": {"site"},
    "platform": {"check", "site"},
    "offline": {"check", "site"},
    "casefile": {"check", "site"},
    "desk": {"site", "check", "platform", "offline", "casefile"},
    "ui": {"site", "check", "platform", "offline", "casefile", "desk"},
    "app": {"site", "check", "platform", "offline", "casefile", "desk", "ui"},
}
WIDGET_LAYERS = {"ui", "app"}
# "The core never imports Qt" (DESIGN.md); the one exception it names: the record sheet may use
# QtGui's PDF writer, headless (QtCore comes with it for page margins).
QT_ROOTS = ("PySide6", "shiboken6")
HEADLESS_QT = {"casefile.sheet": ("PySide6.QtCore", "PySide6.QtGui")}
# Where the library a layer may use stands outside desktop/.
OUTSIDE_ALLOWED = {"offline_cache": {"check", "offline", "desk", "ui", "app"}}
# Calls that import the module they are given by name: importlib.import_module, __import__
# (builtins or importlib), runpy.run_module, pkgutil.resolve_name ("module:attr").
DYNAMIC_IMPORTERS = {"import_module", "__import__", "run_module", "resolve_name"}
COMPUTED = "<a name computed at run time>"


@dataclass(frozen=True)
class Violation:
    module: str
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module} imports {self.imported}: {self.rule}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> set[str]:
    """Every module a file names in an import, lazy (inside functions) and `if TYPE_CHECKING:`
    ones included, and what it loads by a literal name at run time: `importlib.import_module`,
    `__import__`, `sys.modules[...]`, `exec` of a literal, and `desktop.ui.x` reached as an
    attribute of an imported package. A dynamic import of a name built at run time cannot be
    followed; it is reported as COMPUTED so that the rules can refuse it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports(ast.parse(path.read_text(encoding="utf-8")), package)


def _imports(tree: ast.AST, package: str) -> set[str]:
    found: set[str] = set()
    bound: set[str] = set()          # names `import a.b` binds (`a`), to follow `a.b.c` chains
    importers = set(DYNAMIC_IMPORTERS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
            bound |= {a.name.split(".")[0] for a in node.names if a.asname is None}
        elif isinstance(node, ast.ImportFrom):
            target = _absolute("." * node.level + (node.module or ""), package)
            found.add(target)
            # `from desktop.check import codes` imports the module desktop.check.codes too.
            found |= {f"{target}.{a.name}" for a in node.names}
            importers |= {a.asname for a in node.names if a.name in DYNAMIC_IMPORTERS and a.asname}
        elif isinstance(node, ast.Call):
            called = _called_name(node.func)
            if called in importers and node.args:
                literal = _literal(node.args[0])
                found.add(COMPUTED if literal is None else
                          _absolute(literal.split(":")[0], package))
            elif called in {"exec", "eval", "compile"} and node.args:
                source = _literal(node.args[0])
                try:
                    found |= _imports(ast.parse(source), package) if source else set()
                except SyntaxError:
                    pass
            elif called == "get" and _is_sys_modules(node.func) and node.args:
                found.add(_literal(node.args[0]) or COMPUTED)
        elif isinstance(node, ast.Subscript) and _is_sys_modules(node.value):
            found.add(_literal(node.slice) or COMPUTED)
    for node in ast.walk(tree):
        chain = _dotted(node) if isinstance(node, ast.Attribute) else None
        if chain and chain.split(".")[0] in bound:
            found.add(chain)
    return found


def _absolute(target: str, package: str) -> str:
    """`..ui.window` seen from package `desktop.desk` → `desktop.ui.window`."""
    level = len(target) - len(target.lstrip("."))
    if not level:
        return target
    base = package.split(".")
    base = base[: len(base) - level + 1]
    return ".".join(base + ([target[level:]] if target[level:] else []))


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_sys_modules(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "get":
        node = node.value
    return _dotted(node) == "sys.modules"


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _literal(node: ast.expr) -> str | None:
    """A string the source spells out, also as `"desktop." + "ui"` or an f-string of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        pieces = [_literal(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
        return None if None in pieces else "".join(pieces)
    return None


def layer_of(module: str, top: str) -> str | None:
    parts = module.split(".")
    if parts[0] != top or len(parts) < 2:
        return None
    if parts[1] == "__main__":
        return "app"
    # The package root (`desktop.__version__`) belongs to no layer: everyone may read it.
    return parts[1] if parts[1] in ALLOWED else None


def _qt_rule(local: str, own: str | None, target: str) -> str | None:
    if own in WIDGET_LAYERS or not target.split(".")[0] in QT_ROOTS:
        return None
    qt_module = ".".join(target.split(".")[:2])
    if qt_module == "PySide6.QtPrintSupport" or qt_module.endswith(("Widgets", "QtUiTools")):
        return "Qt widgets only in ui/ and app/"
    allowed = HEADLESS_QT.get(local, ())
    if target == "PySide6" and allowed or qt_module in allowed:
        return None
    return ("the core never imports Qt: only ui/ and app/ (and the record sheet's headless "
            "QtGui PDF writer)")


def check_tree(root: Path) -> tuple[list[Violation], dict[str, set[str]]]:
    """Violations of the layer rules in the package at ``root``, and the module graph."""
    top = root.name
    modules = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    violations: list[Violation] = []
    for name, path in modules.items():
        own = layer_of(name, top)
        local = name.partition(".")[2]
        imported = imports_of(path, name)
        graph[name] = {m for m in imported if m in modules and m != name}
        if own is None and name != top:
            # A new folder or a module beside the layers would be bound by no rule at all.
            violations.append(Violation(name, "-", f"{top}/{local.split('.')[0]} is in no layer of "
                                        "DESIGN.md's table: move it into one (or add the layer "
                                        "to the table and to tests/layers.py)"))
        for target in sorted(imported):
            if target == COMPUTED:
                if own != "app":
                    violations.append(Violation(name, target, "a dynamic import of a computed "
                                                "name cannot be checked: import it by name"))
                continue
            root_name = target.split(".")[0]
            qt = _qt_rule(local, own, target)
            if qt:
                violations.append(Violation(name, target, qt))
            if root_name in OUTSIDE_ALLOWED and own is not None and own not in OUTSIDE_ALLOWED[root_name]:
                violations.append(Violation(name, target, f"{own}/ may not use {root_name}"))
            theirs = layer_of(target, top)
            if name == top and theirs is not None:
                violations.append(Violation(name, target, "the package root runs before every "
                                            "layer's first import: it may import no layer"))
            if own is None or theirs is None or theirs == own:
                continue
            if theirs == "ui" and own != "app":
                violations.append(Violation(name, target, "only app/ imports ui/"))
            elif theirs == "app":
                violations.append(Violation(name, target, "nothing imports app/"))
            elif theirs not in ALLOWED.get(own, set()):
                violations.append(Violation(name, target, f"{own}/ may not import {theirs}/ (up the layers)"))
    for cycle in cycles(graph):
        violations.append(Violation(cycle[0], cycle[1], "import cycle: " + " → ".join(cycle)))
    return violations, graph


def check_library(root: Path, product: str = "desktop") -> list[Violation]:
    """A library beside the product (`offline_cache`, which check/ and offline/ use): no Qt, no
    import of the product (it would bring the layers above into the core), no cycles."""
    modules = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    violations: list[Violation] = []
    for name, path in modules.items():
        imported = imports_of(path, name)
        graph[name] = {m for m in imported if m in modules and m != name}
        for target in sorted(imported):
            if target == COMPUTED:
                violations.append(Violation(name, target, "a dynamic import of a computed name "
                                            "cannot be checked: import it by name"))
            elif target.split(".")[0] in QT_ROOTS:
                violations.append(Violation(name, target, f"{root.name} never imports Qt"))
            elif target.split(".")[0] == product:
                violations.append(Violation(name, target, f"{root.name} is used by {product}/ "
                                            f"and may not import it"))
    for cycle in cycles(graph):
        violations.append(Violation(cycle[0], cycle[1], "import cycle: " + " → ".join(cycle)))
    return violations


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan), as a readable path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [group + [group[0]] for group in groups]
