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
QT_WIDGET_MODULES = ("PySide6.QtWidgets", "PySide6.QtPrintSupport")
# Where the library a layer may use stands outside desktop/.
OUTSIDE_ALLOWED = {"offline_cache": {"check", "offline", "desk", "ui", "app"}}


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
    """Every module a file names in an import, lazy (inside functions) ones included."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from desktop.check import codes` imports the module desktop.check.codes too.
            found |= {f"{target}.{a.name}" for a in node.names}
    return found


def layer_of(module: str, top: str) -> str | None:
    parts = module.split(".")
    if parts[0] != top or len(parts) < 2:
        return None
    if parts[1] == "__main__":
        return "app"
    # The package root (`desktop.__version__`) belongs to no layer: everyone may read it.
    return parts[1] if parts[1] in ALLOWED else None


def check_tree(root: Path) -> tuple[list[Violation], dict[str, set[str]]]:
    """Violations of the layer rules in the package at ``root``, and the module graph."""
    top = root.name
    modules = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    violations: list[Violation] = []
    for name, path in modules.items():
        own = layer_of(name, top)
        imported = imports_of(path, name)
        graph[name] = {m for m in imported if m in modules and m != name}
        for target in sorted(imported):
            root_name = target.split(".")[0]
            if own not in WIDGET_LAYERS and target.startswith(QT_WIDGET_MODULES):
                violations.append(Violation(name, target, "Qt widgets only in ui/ and app/"))
            if root_name in OUTSIDE_ALLOWED and own is not None and own not in OUTSIDE_ALLOWED[root_name]:
                violations.append(Violation(name, target, f"{own}/ may not use {root_name}"))
            theirs = layer_of(target, top)
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
