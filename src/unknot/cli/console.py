"""Rich consoles and the one-line error every command prints."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def stdout() -> Console:
    """The console commands print to (Rich is imported here, not at start-up)."""
    from rich.console import Console

    return Console(highlight=False)


def print_error(message: str) -> None:
    """One red line on stderr: ``unknot: error: ...``."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.markup import escape

        Console(stderr=True, highlight=False).print(f"[bold red]unknot: error:[/] {escape(message)}")
    else:
        sys.stderr.write(f"unknot: error: {message}\n")


def print_warning(message: str) -> None:
    """One yellow line on stderr: ``unknot: warning: ...``."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.markup import escape

        Console(stderr=True, highlight=False).print(f"[bold yellow]unknot: warning:[/] {escape(message)}")
    else:
        sys.stderr.write(f"unknot: warning: {message}\n")


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and the word, singular for one: "1 session", "3 sessions", "2 entries"."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
