"""Every command's help has an example; the CLI reference in docs/ is fresh; --version; bare `unknot`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from docs.generate import GENERATED, commands, help_text

from tests.conftest import ROOT, RunUnknot
from unknot import __version__

COMMANDS = list(commands())


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(("unknot", *p)))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    text = help_text(path)
    assert re.search(r"^\s*Examples?:\s*$", text, re.MULTILINE), f"no 'Example:' block in unknot {path} --help"
    example_lines = [line.strip() for line in text.splitlines() if line.strip().startswith("unknot")]
    assert any(line.startswith(" ".join(("unknot", *path))) for line in example_lines), text


@pytest.mark.parametrize("path", GENERATED, ids=lambda p: p.name)
def test_the_generated_docs_are_fresh(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == GENERATED[path](), "run: uv run python docs/generate.py"


def test_version_matches_the_project(unknot: RunUnknot) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert __version__ == project
    run = unknot("--version")
    assert (run.code, run.out) == (0, f"unknot {project}\n")


def test_bare_unknot_outside_a_terminal_welcomes_and_says_what_to_do_next(unknot: RunUnknot) -> None:
    run = unknot()  # piped: no journey to walk (tests/cli/test_journey_pty.py walks it in a terminal)
    assert run.code == 0
    assert "Welcome to unknot" in run.out
    assert "Next step:  unknot in a terminal (or unknot start)" in run.out


def test_a_guided_session_outside_a_terminal_is_a_clear_error(unknot: RunUnknot) -> None:
    for command in ("start", "resume"):
        run = unknot(command, input="")
        assert run.code == 2 and "needs a terminal" in run.err and "Traceback" not in run.err


def test_an_unknown_command_is_a_usage_error_without_traceback(unknot: RunUnknot) -> None:
    run = unknot("massage-now")
    assert run.code == 2
    assert "No such command 'massage-now'" in run.err and "Traceback" not in run.err
