"""The public surface: what `unknot` exports exists, is documented, and the core imports no front end."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import unknot

SRC = Path(unknot.__file__).parent
CORE = [
    "model.py",
    "screening.py",
    "clearances.py",
    "contract.py",
    "pressure.py",
    "errors.py",
    "content/__init__.py",
    "content/_validate.py",
]
FRONT_ENDS_AND_IO = {"typer", "rich", "unknot.cli", "sqlalchemy", "fastapi", "platformdirs", "unknot.settings"}


@pytest.mark.parametrize("name", unknot.__all__)
def test_every_exported_name_exists_and_is_documented(name: str) -> None:
    value = getattr(unknot, name)
    if name != "__version__":
        assert (value.__doc__ or "").strip(), f"unknot.{name} has no docstring"


def test_dir_lists_the_exports() -> None:
    assert set(unknot.__all__) <= set(dir(unknot))


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        unknot.nope  # noqa: B018


@pytest.mark.parametrize("path", CORE)
def test_the_core_imports_no_front_end(path: str) -> None:
    tree = ast.parse((SRC / path).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    bad = {m for m in imported if any(m == f or m.startswith(f + ".") for f in FRONT_ENDS_AND_IO)}
    assert bad == set(), f"{path} imports {bad}"
