"""The layers (docs/architecture.md): data flows one way, content → core → front ends. Every import in ``src/``
(at the top of a module or inside a function) is read, and the directions and the absence of cycles are checked,
so a rule both front ends need cannot quietly live in one of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import unknot

SRC = Path(unknot.__file__).parent
FRONT_ENDS = ("unknot.cli", "unknot.web")
DATABASE = ("sqlalchemy", "alembic", "psycopg", "sqlite3", "unknot.journal.store", "unknot.journal.tables")
# The journal's adapter, the PDF report and the export writer are the core's I/O edges: they may use their
# libraries, never a front end.
ADAPTERS = ("unknot.journal",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SRC.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports (absolute names; a name of an object is traced to its module)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            out |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
    return out


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def unknot_modules(names: set[str]) -> set[str]:
    """The modules of ``unknot`` among ``names`` (``unknot.model.Catalog`` → ``unknot.model``)."""
    out = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


CORE = sorted(m for m in MODULES if not within(m, FRONT_ENDS) and not within(m, ADAPTERS))


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_no_front_end_and_no_database_driver(name: str) -> None:
    bad = {m for m in imports_of(name) if within(m, FRONT_ENDS) or within(m, DATABASE)}
    assert bad == set(), f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if within(m, ("unknot.journal",))))
def test_the_journal_imports_no_front_end(name: str) -> None:
    assert {m for m in imports_of(name) if within(m, FRONT_ENDS)} == set()


@pytest.mark.parametrize("name", sorted(m for m in MODULES if within(m, ("unknot.web",))))
def test_the_web_imports_nothing_from_the_terminal(name: str) -> None:
    assert {m for m in imports_of(name) if within(m, ("unknot.cli",))} == set()


@pytest.mark.parametrize("name", sorted(m for m in MODULES if within(m, ("unknot.cli",))))
def test_the_terminal_imports_the_web_only_to_serve_it(name: str) -> None:
    web = {m for m in imports_of(name) if within(m, ("unknot.web",))}
    assert web == set() or name == "unknot.cli.serve", f"{name} imports {sorted(web)}"


def test_no_module_imports_itself_round_a_cycle() -> None:
    graph = {m: unknot_modules(imports_of(m)) - {m} for m in MODULES}
    cycles: list[list[str]] = []
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        order[v] = low[v] = len(order)
        stack.append(v)
        for w in graph[v]:
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    assert cycles == []


def test_the_checks_see_a_real_import() -> None:
    """The parser really finds imports (a checker that finds none would pass everything)."""
    assert "unknot.policy" in unknot_modules(imports_of("unknot.today"))
    assert "unknot.today" in unknot_modules(imports_of("unknot.web.api"))
    assert "unknot.web.server" in unknot_modules(imports_of("unknot.cli.serve"))
