"""What the terminal player shows: the step in big letters, where on the back, a countdown, the cue, what is next.

Made to be read from a massage table or a foam roller, two metres from the screen: the time left in large block
digits, the step's name in capitals, the region lit up on a small picture of the back, and the keys along the
bottom. Pure: a ``Progress`` in, a Rich renderable out.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from unknot.cli.backmap import PICTURE_WIDTH, back_picture
from unknot.model import Catalog, Routine, Step
from unknot.session import Progress, State
from unknot.steps import HowTo, clock, step_title, where

__all__ = ["KEYS_HELP", "Screen", "big_digits", "clock", "render", "step_title", "where"]

# Three rows of half-blocks a character: readable from across a room.
_DIGITS = {
    "0": ("█▀█", "█ █", "▀▀▀"),
    "1": ("▀█ ", " █ ", "▀▀▀"),
    "2": ("▀▀█", "█▀▀", "▀▀▀"),
    "3": ("▀▀█", " ▀█", "▀▀▀"),
    "4": ("█ █", "▀▀█", "  ▀"),
    "5": ("█▀▀", "▀▀█", "▀▀▀"),
    "6": ("█▀▀", "█▀█", "▀▀▀"),
    "7": ("▀▀█", "  █", "  ▀"),
    "8": ("█▀█", "█▀█", "▀▀▀"),
    "9": ("█▀█", "▀▀█", "▀▀▀"),
    ":": (" ", "▀", "▀"),
}

KEYS_HELP = (
    ("space", "pause"),
    ("n →", "next"),
    ("b ←", "back"),
    ("r", "repeat"),
    ("+ − g", "pressure"),
    ("h", "it hurts"),
    ("s", "stop"),
    ("?", "how"),
    ("q", "quit"),
)
STOP_KEYS = (("y", "yes, stop"), ("n", "no, carry on"))
QUIT_KEYS = (("y", "quit, saving what was done"), ("d", "quit and discard this session"), ("n", "carry on"))


@dataclass(frozen=True, slots=True)
class Screen:
    """Everything the player shows besides the session itself."""

    title: str  # "Partner routine", "Self routine"
    message: str = ""  # the answer to the last key, or why it was refused
    problem: str | None = None  # the voice's problem, said once
    asking_quit: bool = False
    paused_for_quit: bool = False  # the quit question paused the session: carrying on resumes it
    stop_advice: str = ""
    skip_names: str = ""  # the areas "x" would leave alone
    skip_choices: tuple[tuple[str, str], ...] = ()  # after "it hurts": each key leaving an area alone, in words
    asking_stop: bool = False  # "Stop the session?" is showing
    showing_how: bool = False  # the user asked how to do the technique ("?")
    how: HowTo | None = None  # what that panel shows (the core's ``how_to``)


def big_digits(text: str) -> Text:
    """``text`` (digits and colons) in block letters three rows high."""
    rows = ["", "", ""]
    for char in text:
        glyph = _DIGITS.get(char, ("   ", "   ", "   "))
        for i in range(3):
            rows[i] += glyph[i] + " "
    return Text("\n".join(rows), style="bold")


def _highlight(step: Step | None) -> tuple[str, ...]:
    if step is None or not step.is_technique:
        return ()
    return tuple(step.regions or (step.region,))


def _keys(pairs: tuple[tuple[str, str], ...]) -> Text:
    text = Text()
    for i, (key, what) in enumerate(pairs):
        if i:
            text.append("  ")
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {what}")
    return text


def render(catalog: Catalog, routine: Routine, progress: Progress, screen: Screen, width: int = 100) -> RenderableType:
    """The whole player screen."""
    step = progress.step
    parts: list[RenderableType] = []
    if progress.state is State.FINISHED:
        parts.append(Text("Finished. Well done.", style="bold green"))
    elif progress.state is State.STOPPED:
        parts.append(Text("Stopped.", style="bold yellow"))
    elif progress.lead_in:
        parts.append(Text("GET READY", style="bold cyan"))
        parts.append(Text(f"First: {step_title(catalog, step)} · {where(catalog, step)}" if step else ""))
        parts.append(Text())
        parts.append(big_digits(clock(progress.phase_remaining)))
    elif step is not None:
        parts.append(Text(step_title(catalog, step).upper(), style="bold cyan"))
        details = [where(catalog, step)]
        if step.is_technique:
            details += [step.tool.replace("_", " "), f"{step.pressure.value if step.pressure else 'light'} pressure"]
            if step.hold_seconds:
                details.append(f"hold ≤ {step.hold_seconds} s")
        parts.append(Text(" · ".join(d for d in details if d)))
    if step is not None and not progress.lead_in and progress.state in (State.RUNNING, State.PAUSED):
        parts.append(Text())
        if screen.how is None:  # the panel needs the room: the countdown's bar below says the time
            parts.append(big_digits(clock(progress.phase_remaining)))
        bar = Table.grid(padding=(0, 1))
        bar.add_row(
            ProgressBar(total=progress.phase_seconds, completed=progress.phase_elapsed, width=40),
            Text(f"{clock(progress.phase_remaining)} left of {clock(progress.phase_seconds)}", style="dim"),
        )
        parts.append(bar)
    cue = progress.last_cue
    if cue is not None and progress.state is not State.PAIN_CHECK:
        parts.append(Text())
        said = Text(f"“{cue.text}”", style="italic")
        if step is not None and step.cue and cue.text != step.cue and not progress.lead_in:
            # What to do stays on screen while the voice says "Half-way." or "Three.": the step's own cue first.
            said = Text.assemble((step.cue, "dim"), "  ", (cue.text, "bold italic"))
        parts.append(said)
    if progress.state is State.PAIN_CHECK:
        parts.append(_pain_check(screen))
    if screen.how is not None and progress.state is not State.PAIN_CHECK:
        parts.append(_how(screen.how))
    if progress.state is State.PAUSED:
        parts.append(Text())
        parts.append(Text(" PAUSED · space to carry on ", style="bold black on yellow"))
    if progress.next_index is not None and not progress.over:
        upcoming = routine.steps[progress.next_index]
        parts.append(Text())
        parts.append(
            Text.assemble(
                ("Next: ", "bold"),
                f"{step_title(catalog, upcoming)} · {where(catalog, upcoming)} · {clock(upcoming.seconds)}",
            )
        )
    left = Group(*parts)
    body: RenderableType = left
    if width >= PICTURE_WIDTH + 50:
        grid = Table.grid(padding=(0, 3), expand=True)
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, width=PICTURE_WIDTH)
        grid.add_row(left, back_picture(catalog, _highlight(step)))
        body = grid
    done = progress.total - progress.remaining
    overall = Table.grid(padding=(0, 1))
    overall.add_row(
        Text("Whole routine", style="dim"),
        ProgressBar(total=progress.total or 1, completed=done, width=30),
        Text(f"{clock(progress.remaining)} left of {clock(progress.total)}", style="dim"),
    )
    footer: list[RenderableType] = [overall]
    if screen.message:
        footer.append(Text(screen.message, style="yellow"))
    if screen.problem:
        footer.append(Text(screen.problem, style="dim"))
    if screen.asking_quit:
        footer.append(Text.assemble(("Quit? ", "bold"), _keys(QUIT_KEYS)))
    elif screen.asking_stop:
        footer.append(Text.assemble(("Stop the session? ", "bold"), _keys(STOP_KEYS)))
    elif progress.state is State.PAIN_CHECK:
        choices = tuple((key, words[0].lower() + words[1:]) for key, words in screen.skip_choices)
        footer.append(_keys((("n", "go on with the next step"), *choices, ("s", "stop the session"))))
    elif not progress.over:
        footer.append(_keys(KEYS_HELP))
    number = progress.index + 1 if step is not None else len(routine.steps)
    title = f"unknot · {screen.title} · step {min(number, len(routine.steps))} of {len(routine.steps)}"
    return Group(
        Panel(body, title=title, title_align="left", border_style="cyan", padding=(1, 2)),
        *footer,
    )


def _pain_check(screen: Screen) -> RenderableType:
    text = Text()
    text.append("It hurts: that step has stopped.\n\n", style="bold")
    text.append(screen.stop_advice)
    if len(screen.skip_choices) > 1:  # "it hurts" as a step began: either area may be meant
        text.append("\n\nIt came as a step began: it may be about either area.", style="bold")
        for key, words in screen.skip_choices:
            text.append(f"\n{key}: {words}.", style="bold")
    elif screen.skip_choices:
        key = screen.skip_choices[0][0]
        text.append(f"\n\n{key} leaves {screen.skip_names} alone for the rest of today.", style="bold")
    return Panel(text, border_style="red", title="Stop", title_align="left")


def _how(how: HowTo) -> RenderableType:
    """How to do the technique: its steps, the tool's tips, what to avoid and when to stop (? closes it)."""
    text = Text()
    for i, point in enumerate(how.how, 1):
        text.append(f"{i}. {point}\n")
    if how.tool_tips:
        text.append(f"\nWith the {how.tool.lower()}: ", style="bold")
        text.append(" ".join(how.tool_tips) + "\n")
    if how.avoid:
        text.append("\nAvoid: ", style="bold")
        text.append(" ".join(how.avoid) + "\n")
    if how.stop_signs:
        text.append("\nStop if: ", style="bold")
        text.append(" ".join(how.stop_signs))
    return Panel(
        text,
        border_style="cyan",
        title=f"How: {how.name}{' (next step)' if how.upcoming else ''} · ? closes",
        title_align="left",
    )
