"""Today's pressure target, the pressure words and the aftercare, as the terminal shows them (pure: a guide in,
Rich renderables out). What they say is chosen once, by ``unknot.pressure.guide``."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from unknot.pressure import PressureGuide

__all__ = ["STOP_SIGNS", "aftercare", "legend", "target"]

STOP_SIGNS = "Stop at once on sharp, shooting or electric pain, new tingling or numbness, dizziness, or pain spreading."


def target(guide: PressureGuide) -> Text:
    """Today's pressure target and the stop signs, in one line."""
    return Text(f"{guide.target} {STOP_SIGNS}", style="yellow")


def legend(guide: PressureGuide) -> Text:
    """The pressure words of a routine, explained once (only the light one under a light target)."""
    text = Text("Pressure: ", style="bold")
    text.append("; ".join(line for _, line in guide.legend) + ".")
    return text


def aftercare(guide: PressureGuide) -> Panel:
    """What to expect after a session, and when to stop and get it checked."""
    lines = Group(*(Text(f"• {line}") for line in guide.aftercare))
    return Panel(lines, title="Afterwards", title_align="left", border_style="dim", expand=False)
