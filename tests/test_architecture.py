"""The house rules of canon's code: wings in pipeline order, no loops, light entry points."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT

PACKAGE = PROJECT / "tools" / "canon"

# Lowest first: a module may import from its own wing and from the wings before it.
WINGS = (
    "",
    "pg",
    "files",
    "scratch",
    "inspection",
    "diff",
    "plan",
    "run",
    "checks",
    "fleet",
    "cli",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every canon module the file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("canon"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(
                    submodule
                    if (PACKAGE.parent / submodule.replace(".", "/")).exists()
                    or (PACKAGE.parent / (submodule.replace(".", "/") + ".py")).exists()
                    else node.module
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("canon"))
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def wing(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in WINGS) else ""


def test_no_wing_imports_from_a_later_wing() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if WINGS.index(wing(target)) > WINGS.index(wing(module))
    ]
    assert upward == []


def test_the_import_graph_has_no_loop() -> None:
    edges = {m: {t for t in ts if t != m} for m, ts in graph().items()}
    # Importing a package runs its __init__, so a module importing canon.x.y depends on canon.x.
    for targets in edges.values():
        for target in list(targets):
            parts = target.split(".")
            targets.update(".".join(parts[:i]) for i in range(2, len(parts)))
    loops = [component for component in _strongly_connected(edges) if len(component) > 1]
    assert loops == []


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative enough for a graph of a hundred modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_wing_says_what_it_holds() -> None:
    for name in WINGS[1:]:
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert docstring and len(docstring) > 80, f"canon.{name} has no docstring worth reading"


def test_starting_the_cli_loads_neither_the_engine_nor_the_parser() -> None:
    # The no-change shortcut answers after one catalog query: its imports are its cost.
    probe = (
        "import sys, canon.cli.main, canon.plan.shortcut; "
        "print(sorted(m for m in ('pglast', 'migra', 'schemainspect', 'sqlalchemy', 'jinja2')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
