"""Write docs/cli.md from the commands' own --help (`uv run python docs/gen_cli.py`; a test checks it is fresh)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from unknot.cli.app import app

OUT = Path(__file__).with_name("cli.md")


def commands() -> Iterator[tuple[str, ...]]:
    """Every command path, the root first: (), ("screen",), ("config",), ("config", "set"), ..."""
    root = typer.main.get_command(app)

    def walk(cmd: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():  # a group (Typer vendors Click's classes)
            yield from walk(sub, (*path, name))

    yield from walk(root, ())


def help_text(path: tuple[str, ...]) -> str:
    """The --help of one command, as a user sees it at 100 columns."""
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="unknot", terminal_width=100)
    if result.exit_code != 0:
        raise RuntimeError(f"unknot {' '.join(path)} --help failed: {result.output}")
    return result.output


def render() -> str:
    """The whole reference, one section per command."""
    parts = [
        "# Command-line reference\n\n",
        "Generated from each command's `--help` by `uv run python docs/gen_cli.py`; do not edit by hand.\n",
    ]
    for path in commands():
        title = " ".join(("unknot", *path))
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(path).rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
