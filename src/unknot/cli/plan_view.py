"""Interactive ``unknot plan``: today's screen first, the questions the options left open, then the timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unknot.cli import pressure_view
from unknot.cli.console import print_warning, stdout
from unknot.cli.interview import EndOfInput, screen_in_terminal
from unknot.content import load_catalog
from unknot.errors import JournalError, RequestError
from unknot.model import Catalog, Mode, PlanRequest, Routine, Step, Verdict
from unknot.planner import area_words, check_request
from unknot.policy import DayPolicy, subject_of
from unknot.pressure import routine_guide

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
    """Screen (unless today's is known), ask what is missing, plan under today's policy and show the routine; the
    exit status."""
    console = stdout()
    catalog = load_catalog()
    try:
        chosen = Mode(mode.lower()) if mode and mode.lower() in {m.value for m in Mode} else None
        if mode and chosen is None:
            raise RequestError(f"mode '{mode}' is not known; choose partner or self")
        check_request(  # the options given, before any question: a wrong one never waits for a screen
            PlanRequest(
                chosen or Mode.SELF,
                minutes if minutes is not None else 10,
                tuple(tools),
                tuple(focus),
                tuple(avoid),
                position=position if chosen is not None else None,
            ),
            catalog,
        )
        given = _given_screen(screen_file)
        if given is not None and not given.may_massage:
            no_routine(console, given.advice or given.title)
            return 3
        chosen = chosen or ask_mode(console)  # first: the screen is about whoever receives the massage
        policy, code = screen_for_today(console, db, subject_of(chosen), screen=given is None)
        if policy is None and given is None:
            return code
        if policy is not None and (policy.blocked or (given is None and not policy.may_massage)):
            no_routine(console, policy.explanation)
            return 3
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
    if given is not None:  # the screen given, with what the journal says about today on top
        request = replace(
            request,
            avoid=(*request.avoid, *given.avoid_regions),
            restrictions=(*request.restrictions, *given.restrictions),
        )
    show_routine(console, catalog, routine_for_today(catalog, request, db, policy is not None and policy.screened))
    return 0


def no_routine(console: Console, why: str) -> None:
    """The panel that says there is no routine today, and why."""
    console.print(
        Panel(
            Text.assemble(("No routine today. ", "bold"), why),
            border_style="red",
            title="Today's safety screen",
            title_align="left",
        )
    )


def routine_for_today(catalog: Catalog, request: PlanRequest, db: str | None, screened: bool) -> Routine:
    """The routine for ``request`` under today's policy from the journal (when a screen today is kept there), else
    as asked (a screen given as a file); a journal that cannot be read is said, and the request planned as it is."""
    from unknot.journal import opened_journal
    from unknot.planner import plan
    from unknot.today import todays_routine

    if screened:
        try:
            with opened_journal(db) as journal:
                routine, _policy = todays_routine(journal, catalog, now(), request)
                return routine
        except JournalError as exc:
            print_warning(f"could not read today's policy from the journal: {exc}")
    return plan(request, catalog=catalog)


def now() -> datetime:
    """The time of day where the user is."""
    return datetime.now().astimezone()


def _given_screen(screen_file: str | None) -> Verdict | None:
    from unknot.cli.contract_io import read_request, source_name
    from unknot.contract import parse_json, verdict_from_json

    if screen_file is None:
        return None
    return verdict_from_json(parse_json(read_request(screen_file), name=source_name(screen_file)))


def screen_for_today(
    console: Console, db: str | None, subject: str = "self", *, screen: bool = True, again: bool = False
) -> tuple[DayPolicy | None, int]:
    """Today's policy for ``subject`` (``self``, or the ``receiver`` of a partner massage) from the journal,
    screening them first when no screen about them was kept today (or when ``again``); None and the exit status
    when the screen was not finished (or ``screen`` is false and there is none)."""
    policy = read_policy(db, subject)
    if policy is not None and policy.screened and not again:
        console.print(f"[dim]Using today's safety screen: {escape(policy.title)}.[/]")
        return policy, 0
    if not screen:
        return policy, 0
    console.print("[bold]First, today's safety screen.[/] It takes a minute.")
    code, verdict = screen_in_terminal(None, db, subject)
    if verdict is None:
        return None, code
    console.print()
    after = read_policy(db, subject)
    if after is not None and after.blocked and verdict.may_massage:
        console.print(Text(after.explanation, style="bold red"))
    return after, code


def read_policy(db: str | None, subject: str = "self") -> DayPolicy | None:
    """Today's policy for ``subject`` from the journal; None (with a warning) when the journal cannot be read."""
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal
    from unknot.today import todays_policy

    try:
        with opened_journal(db) as journal:
            return todays_policy(journal, load_catalog(), now(), subject)
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
    """The routine as a timeline with totals, the pressure words explained and today's pressure target."""
    guide = routine_guide(routine, catalog)
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
        meanings = [m.meaning if (m := catalog.restriction(x)) else x for x in routine.restrictions]
        head.append("\nLimits today: " + " ".join(meanings))
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
            pressure_view.legend(guide),
            pressure_view.target(guide),
        )
    )
