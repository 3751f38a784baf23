"""What bare ``unknot`` shows when it is not in a terminal (piped, or from a script): a short welcome and the next
step. In a terminal it starts the whole journey instead (``unknot.cli.journey``)."""

from __future__ import annotations

from unknot.cli.console import stdout


def show_welcome() -> None:
    """Print the welcome panel."""
    from rich.panel import Panel
    from rich.text import Text

    from unknot._version import __version__

    body = Text()
    body.append("Welcome to unknot", style="bold")
    body.append(f"  {__version__}\n\n", style="dim")
    body.append(
        "unknot guides you through upper-back massage for the knots that desk work, posture and stress leave "
        "in the trapezius, the rhomboids and along the spine: with a partner, or on your own with a ball, a "
        "foam roller or a cane.\n\n"
    )
    body.append("Every session starts with a safety screen", style="bold")
    body.append(": a few quick questions, so that massage is never what stands between you and the help you need.\n\n")
    body.append("Next step:  ", style="bold")
    body.append("unknot", style="bold cyan")
    body.append(" in a terminal (or ", style="dim")
    body.append("unknot start", style="bold cyan")
    body.append("): the screen, a routine and a guided session, step by step", style="dim")
    body.append("\nIn your browser, with pictures:  ", style="bold")
    body.append("unknot serve", style="bold cyan")
    body.append("\n\nAlso: ", style="dim")
    body.append("unknot rules", style="cyan")
    body.append(" (what the screen asks, and why)  ·  ", style="dim")
    body.append("unknot regions", style="cyan")
    body.append(" (the map of the back)  ·  ", style="dim")
    body.append("unknot --help", style="cyan")
    body.append("\nNothing leaves this machine; unknot needs no account and works offline.", style="dim")
    stdout().print(Panel(body, border_style="cyan", padding=(1, 2), expand=False))
