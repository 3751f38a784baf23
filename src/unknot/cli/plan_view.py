"""Interactive ``unknot plan``: today's screen first, the questions the options left open, then the timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unknot.cli.console import print_warning, stdout
from unknot.cli.interview import EndOfInput, screen_in_terminal
from unknot.content import load_catalog
from unknot.errors import RequestError
from unknot.model import Catalog, Mode, PlanRequest, Routine, Step, Verdict
from unknot.planner import area_words

STOP_SIGNS = "Stop at once on sharp, shooting or electric pain, new tingling or numbness, dizziness, or pain spreading."
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")


def plan_interactively(
    mode: str | None,
    tools: list[str],
    minutes: int | None,
    focus: list[str],
    avoid: list[str],
    seed: int,
    screen_file: str | None,
    no_tools: bool,
    db: str | None = None,
    position: str | None = None,
) -> int:
    """Screen (unless today's is known), ask what is missing, plan and show the routine; the exit status."""
    from unknot.planner import plan

    console = stdout()
    catalog = load_catalog()
    try:
        verdict, code = _todays_screen(console, screen_file, db)
        if verdict is None:
            return code
        if not verdict.may_massage:
            console.print(
                Panel(
                    Text.assemble(("No routine today. ", "bold"), verdict.advice or verdict.title),
                    border_style="red",
                    title=f"Today's screen: {verdict.category.value}",
                    title_align="left",
                )
            )
            return 3
        chosen = Mode(mode.lower()) if mode and mode.lower() in {m.value for m in Mode} else None
        if mode and chosen is None:
            raise RequestError(f"mode '{mode}' is not known; choose partner or self")
        chosen = chosen or ask_mode(console)
        if not tools and not no_tools:
            tools = ask_tools(console, catalog, chosen)
        minutes = minutes if minutes is not None else ask_minutes(console)
    except EndOfInput:
        console.print("\n[red]The input ended before the routine was chosen.[/]")
        return 1
    except KeyboardInterrupt:
        console.print("\n[yellow]Cancelled.[/]")
        return 130
    request = PlanRequest(chosen, minutes, tuple(tools), tuple(focus), tuple(avoid), seed=seed, position=position)
    routine = plan(request, verdict)
    show_routine(console, catalog, routine)
    return 0


def _todays_screen(console: Console, screen_file: str | None, db: str | None = None) -> tuple[Verdict | None, int]:
    from unknot.cli.screen import read_request, source_name
    from unknot.contract import parse_json, verdict_from_json

    if screen_file is not None:
        return verdict_from_json(parse_json(read_request(screen_file), name=source_name(screen_file))), 0
    stored = stored_screen(date.today(), db)
    if stored is not None:
        try:
            verdict = verdict_from_json(stored)
        except RequestError:
            verdict = None  # an unreadable stored screen: screen again
        if verdict is not None:
            console.print(f"[dim]Using today's safety screen: {escape(verdict.category.value)}.[/]")
            return verdict, 0
    console.print("[bold]First, today's safety screen.[/]")
    code, verdict = screen_in_terminal(None, db)
    if verdict is not None:
        console.print()
    return verdict, code


def stored_screen(day: date, db: str | None = None) -> dict[str, Any] | None:
    """The verdict of the day's last screen in the journal; None (screen again) when there is none or the journal
    cannot be read."""
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal

    try:
        with opened_journal(db) as journal:
            return journal.screen_of(day)
    except (UnknotError, OSError) as exc:
        print_warning(f"could not read today's screen from the journal: {exc}")
        return None


def read_line(console: Console, prompt: str) -> str:
    try:
        return console.input(prompt).strip()
    except EOFError:
        raise EndOfInput from None


def ask_mode(console: Console, default: Mode | None = None) -> Mode:
    """Partner or self; Enter takes ``default`` when there is one."""
    hint = f" [dim]({default.value})[/]" if default else ""
    while True:
        reply = read_line(console, f"Who gives the massage? [bold]p[/] partner / [bold]s[/] yourself{hint} › ").lower()
        if not reply and default is not None:
            return default
        if reply in ("p", "partner"):
            return Mode.PARTNER
        if reply in ("s", "self", "yourself", "me"):
            return Mode.SELF
        console.print("[yellow]Type p for a partner or s for yourself.[/]")


def ask_tools(console: Console, catalog: Catalog, mode: Mode, default: tuple[str, ...] | None = None) -> list[str]:
    """The tools at hand (none for a partner); Enter takes ``default`` when there is one."""
    if mode is Mode.PARTNER:
        return []  # partner work uses hands, thumbs, knuckles and forearms
    names = [tool.name if (tool := catalog.tool(t)) else t for t in TOOLS]
    console.print("Tools: " + "   ".join(f"[cyan]{i}.[/] {escape(name)}" for i, name in enumerate(names, start=1)))
    hint = ""
    if default is not None:
        hint = " [dim](" + (" ".join(str(TOOLS.index(t) + 1) for t in default if t in TOOLS) or "none") + ")[/]"
    while True:
        reply = read_line(console, f"Which do you have? Numbers such as 1 3, or none (hands only){hint} › ")
        reply = reply.replace(",", " ")
        if not reply and default is not None:
            return [t for t in default if t in TOOLS]
        if reply.lower() in ("", "none", "0", "n"):
            return []
        words = reply.split()
        if all(w.isascii() and w.isdigit() and 1 <= int(w) <= len(TOOLS) for w in words):
            return [TOOLS[int(w) - 1] for w in dict.fromkeys(words)]
        console.print(f"[yellow]Type numbers from 1 to {len(TOOLS)}, or none.[/]")


def ask_minutes(console: Console, default: int = 10) -> int:
    """Minutes, 3 to 60; Enter takes ``default``."""
    while True:
        reply = read_line(console, f"How many minutes? 3 to 60 [dim]({default})[/] › ")
        if not reply:
            return default
        if reply.isascii() and reply.isdigit() and 3 <= int(reply) <= 60:
            return int(reply)
        console.print("[yellow]Type a whole number of minutes from 3 to 60.[/]")


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _where(catalog: Catalog, step: Step) -> str:
    ids = step.regions or (step.region,)
    area = area_words(catalog, ids)
    if area is not None:
        return area
    names = [r.name if (r := catalog.region(x)) else x for x in ids]
    if len(names) > 2:  # a sweep across the back: the muscles, without their sides
        return "; ".join(dict.fromkeys(n.split(",")[0] for n in names))
    return "; ".join(names)


def _what(catalog: Catalog, step: Step) -> str:
    if step.is_technique:
        technique = catalog.technique(step.technique)
        return technique.name if technique else step.technique
    return step.name.replace("_", " ")


def _minutes(seconds: int) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def show_routine(console: Console, catalog: Catalog, routine: Routine) -> None:
    """The routine as a timeline with totals."""
    position = catalog.position(routine.position)
    head = Text.assemble(
        (f"{routine.mode.value.title()} routine", "bold"),
        f" · {_clock(routine.total_seconds)} · starts {position.name.lower() if position else routine.position}",
    )
    if routine.focus:
        head.append(f"\nFocus: {', '.join(r.name for x in routine.focus if (r := catalog.region(x)))}")
    if routine.avoid:
        head.append(f"\nAvoiding: {', '.join(r.name for x in routine.avoid if (r := catalog.region(x)))}")
    if routine.restrictions:
        head.append(f"\nLimits: {', '.join(routine.restrictions)}")
    if routine.shortened is not None:
        head.append(
            f"\nShorter than the {_minutes(routine.shortened.asked_seconds)} you asked for: {routine.shortened.reason}",
            style="yellow",
        )
    for note in routine.notes:
        head.append(f"\nNote: {note}", style="dim")
    console.print(Panel(head, border_style="cyan"))
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("at", justify="right", style="dim", no_wrap=True)
    table.add_column("step", ratio=3)
    table.add_column("where", ratio=2)
    table.add_column("with", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    at = 0
    for step in routine.steps:
        what = Text(_what(catalog, step), style="bold" if step.is_technique else "dim")
        what.append(f"\n“{step.cue}”", style="italic dim")
        with_ = step.tool.replace("_", " ") if step.is_technique else ""
        if step.pressure is not None:
            with_ += f"\n{step.pressure.value}"
        time = _clock(step.seconds) + (f"\nhold ≤{step.hold_seconds}s" if step.hold_seconds else "")
        where = _where(catalog, step) if step.is_technique else ""
        table.add_row(_clock(at), what, where, with_, time)
        at += step.seconds
    console.print(table)
    totals: dict[str, int] = {}
    for step in routine.steps:
        totals[_what(catalog, step) if step.is_technique else "moving, resting, checking"] = (
            totals.get(_what(catalog, step) if step.is_technique else "moving, resting, checking", 0) + step.seconds
        )
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    for name, seconds in totals.items():
        summary.add_row(name, _clock(seconds))
    summary.add_row("total", _clock(routine.total_seconds))
    console.print(Panel(summary, title="Totals", title_align="left", border_style="dim", expand=False))
    console.print(
        Group(
            Text.assemble(
                ("Before you start: ", "bold"),
                f"unknot prepare --mode {routine.mode.value} --position {routine.position}",
            ),
            Text(f"Keep it a good hurt, about 4 to 6 out of 10, never above 7. {STOP_SIGNS}", style="yellow"),
        )
    )
