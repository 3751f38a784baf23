"""The whole journey in the terminal: ``unknot`` with no arguments, ``unknot start`` and ``unknot resume``.

welcome → today's safety screen (it stops here, with its advice, when massage is not for today) → partner or self,
tools, minutes (remembered for next time) → the preparation checklist → pain before, for the areas the routine
works → the guided routine → pain after → saved → one line of insight.

The session goes into the journal as it starts, and every step as it ends, so Ctrl-C, a closed terminal or even
kill -9 lose at most the step under way; ``unknot resume`` goes on from there.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from unknot.cli import pressure_view
from unknot.cli.backmap import regions_beside_picture
from unknot.cli.console import print_warning, stdout
from unknot.cli.interview import EndOfInput
from unknot.cli.plan_view import (
    ask_minutes,
    ask_mode,
    ask_tools,
    now,
    read_line,
    read_policy,
    routine_for_today,
    screen_for_today,
)
from unknot.content import load_catalog
from unknot.errors import ConfigError, JournalError, PolicyError, RequestError, UnknotError
from unknot.journal import Journal, open_journal, opened_journal
from unknot.model import Catalog, Mode, PlanRequest, Routine, SessionRecord, SessionStatus
from unknot.policy import DayPolicy, subject_of
from unknot.pressure import routine_guide
from unknot.settings import Settings, load_settings, save_settings, update_settings
from unknot.steps import rated_regions
from unknot.today import resume_check

__all__ = ["JourneyOptions", "resume_journey", "run_journey"]


@dataclass
class JourneyOptions:
    """What the command line said; None asks (with last time's answer as the default)."""

    mode: str | None = None
    tools: list[str] = field(default_factory=list)
    no_tools: bool = False
    minutes: int | None = None
    focus: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    seed: int = 0
    position: str | None = None  # partner: prone (the default) or seated
    prepare: bool = True  # show the checklist
    rate_pain: bool = True  # ask pain before and after
    screen_again: bool = False  # even when today's screen is kept
    voice: bool | None = None
    voice_rate: int | None = None
    voice_language: str | None = None
    record_voice: Path | None = None
    db: str | None = None


def run_journey(options: JourneyOptions) -> int:
    """The whole journey; the exit status (0 saved, 1 interrupted or failed, 3 no massage today, 130 Ctrl-C)."""
    console = stdout()
    catalog = load_catalog()
    _check_options(catalog, options)  # a wrong option is said before any question, and nothing is kept
    if not sys.stdin.isatty():
        raise RequestError("a guided session needs a terminal: it reads keys as you go; run it in a terminal")
    settings = _settings()
    try:
        _welcome(console)
        with opened_journal(options.db) as journal:
            unfinished = journal.unfinished_session()
        today = read_policy(options.db, subject_of(unfinished.mode)) if unfinished is not None else None
        if unfinished is not None and today is not None and today.blocked:
            console.print(f"[yellow]Your unfinished session cannot go on today: {escape(today.explanation)}[/]")
        elif unfinished is not None and _offer_resume(console, catalog, unfinished, options.db):
            return resume_journey(options)
        mode = _mode(console, options, settings)  # first: the screen is about whoever receives the massage
        policy, code = _screen(console, options, subject_of(mode))
        if policy is None:
            return code
        if not policy.may_massage:  # the screen, or today's earlier one, has said why
            return 3
        request = _request(console, catalog, options, settings, mode)
        routine = routine_for_today(catalog, request, options.db, screened=True)
        _remember(request)
        _summary(console, catalog, routine)
        if options.prepare:
            _prepare(console, catalog, routine)
        before = (
            _ask_pain(console, catalog, rated_regions(routine), "now, before you start") if options.rate_pain else {}
        )
    except EndOfInput:
        console.print("\n[red]The input ended before the session started; nothing was saved.[/]")
        return 1
    except KeyboardInterrupt:
        console.print("\n[yellow]Cancelled before the session started; nothing was saved.[/]")
        return 130
    from unknot.contract import routine_to_json

    with opened_journal(options.db) as journal:
        record = journal.start_session(
            SessionRecord(datetime.now().astimezone(), routine.mode, routine_to_json(routine), pain_before=before)
        )
    return _guide(console, catalog, routine, record, options, settings)


def resume_journey(options: JourneyOptions) -> int:
    """Go on with the interrupted session from the step after the last one kept."""
    from unknot.contract import routine_from_json

    console = stdout()
    catalog = load_catalog()
    from unknot.session import time_scale

    time_scale()  # a wrong UNKNOT_TIME_SCALE is said before anything else
    if not sys.stdin.isatty():
        raise RequestError("resuming a session needs a terminal: it reads keys as you go; run it in a terminal")
    settings = _settings()
    with opened_journal(options.db) as journal:
        record = journal.unfinished_session()
    if record is None:
        console.print(
            "No interrupted session to resume. Start one with [bold]unknot start[/] (or just [bold]unknot[/])."
        )
        return 0
    try:
        routine = routine_from_json(record.routine)
    except RequestError as exc:
        raise JournalError(f"session {record.id} cannot be resumed: {exc.message}") from None
    done = max((s.index for s in record.steps), default=-1) + 1
    if done >= len(routine.steps):
        console.print("Every step of that session had ended; closing it.")
        return _close(console, catalog, routine, record, SessionStatus.FINISHED, options)
    started = record.started_at.astimezone()
    console.print(
        f"Resuming the {routine.mode.value} session of {started:%A %d %B at %H:%M}: step {done + 1} of "
        f"{len(routine.steps)}."
    )
    if started.date() != date.today():
        try:
            policy, code = _screen(console, options, subject_of(record.mode))
        except EndOfInput:
            console.print("\n[red]The input ended before the screen was finished.[/]")
            return 1
        except KeyboardInterrupt:
            return 130
        if policy is None:
            return code
    try:
        with opened_journal(options.db) as journal:
            decision = resume_check(journal, catalog, now(), record)
    except PolicyError as exc:
        console.print(Panel(Text(exc.message), border_style="red", title="No massage today", title_align="left"))
        return 3
    for why in decision.skipped.values():
        console.print(f"[yellow]{escape(why)}[/]")
    return _guide(console, catalog, routine, record, options, settings, skipped_steps=tuple(decision.skipped))


# --- the steps of the journey ---------------------------------------------------------------------------------


def _welcome(console: Console) -> None:
    console.print(
        Panel(
            Text.assemble(
                ("unknot", "bold"),
                " · a guided upper-back massage\n",
                "A quick safety screen, a routine for who is there and what is at hand, then a timer that talks you "
                "through it. Everything stays on this machine.",
            ),
            border_style="cyan",
        )
    )


def _offer_resume(console: Console, catalog: Catalog, record: SessionRecord, db: str | None) -> bool:
    """An interrupted session: go on with it, or close it (kept as stopped) and start anew."""
    started = record.started_at.astimezone()
    steps = len(record.routine.get("steps", []))
    done = max((s.index for s in record.steps), default=-1) + 1
    console.print(
        f"Your {record.mode.value} session of {started:%A %d %B at %H:%M} was interrupted after {done} of {steps} "
        "steps."
    )
    while True:
        reply = read_line(console, "Go on with it? [bold]y[/] / [bold]n[/] (n keeps it as stopped) › ").lower()
        if reply in ("y", "yes"):
            return True
        if reply in ("n", "no"):
            assert record.id is not None
            with opened_journal(db) as journal:
                journal.finish_session(record.id, SessionStatus.STOPPED, datetime.now().astimezone(), {})
            return False
        console.print("[yellow]Type y to go on with it, or n to start a new session.[/]")


def _screen(console: Console, options: JourneyOptions, subject: str) -> tuple[DayPolicy | None, int]:
    """Today's policy for ``subject``: today's screens about them, if nothing has changed since the last; else the
    questions first."""
    policy = None if options.screen_again else read_policy(options.db, subject)
    if policy is not None and policy.screened:
        console.print(f"Today's safety screen: [bold]{escape(policy.title)}[/].")
        if not policy.may_massage:
            _no_massage(console, policy)
            return policy, 0
        while True:
            reply = read_line(console, "Has anything changed since? [bold]y[/] / [bold]n[/] [dim](n)[/] › ").lower()
            if reply in ("", "n", "no"):
                return policy, 0
            if reply in ("y", "yes"):
                break
            console.print("[yellow]Type y to answer the questions again, or n (or Enter) to keep today's answers.[/]")
    policy, code = screen_for_today(console, options.db, subject, again=True)
    console.print()
    return policy, code


def _no_massage(console: Console, policy: DayPolicy) -> None:
    console.print(
        Panel(
            Text.assemble(("No massage today. ", "bold"), policy.explanation),
            border_style="red",
            title=f"Today's screen: {policy.title}",
            title_align="left",
        )
    )


def _check_options(catalog: Catalog, options: JourneyOptions) -> None:
    """``UnknotError`` for an option that cannot be used (mode, tools, minutes, areas, position) or a time scale
    that is not a speed: before the screen, so a wrong one never leaves a session behind."""
    from unknot.planner import check_request
    from unknot.preparation import parse_mode
    from unknot.session import time_scale

    time_scale()
    mode = parse_mode(options.mode) if options.mode is not None else Mode.SELF
    check_request(
        PlanRequest(
            mode,
            options.minutes if options.minutes is not None else 10,
            tuple(options.tools),
            tuple(options.focus),
            tuple(options.avoid),
            position=options.position if options.mode is not None else None,
        ),
        catalog,
    )


def _mode(console: Console, options: JourneyOptions, settings: Settings) -> Mode:
    """Partner or self: the option, else asked (last time's answer the default)."""
    if options.mode is not None:
        from unknot.preparation import parse_mode

        return parse_mode(options.mode)
    return ask_mode(console, Mode(settings.mode) if settings.mode else None)


def _request(
    console: Console, catalog: Catalog, options: JourneyOptions, settings: Settings, mode: Mode
) -> PlanRequest:
    tools = list(options.tools)
    if not tools and not options.no_tools:
        tools = ask_tools(console, catalog, mode, settings.tools)
    minutes = options.minutes if options.minutes is not None else ask_minutes(console, settings.minutes or 10)
    return PlanRequest(
        mode,
        minutes,
        tuple(tools),
        tuple(options.focus),
        tuple(options.avoid),
        seed=options.seed,
        position=options.position,
    )


def _remember(request: PlanRequest) -> None:
    """Offer these choices next time; a config file that cannot be written only costs that."""
    try:
        current = load_settings()
    except ConfigError:
        return  # a broken config file is the user's to fix (`unknot config show` says how); never overwrite it here
    try:
        save_settings(update_settings(current, mode=request.mode.value, tools=request.tools, minutes=request.minutes))
    except ConfigError as exc:
        print_warning(f"could not remember these choices for next time: {exc.message}")


def _summary(console: Console, catalog: Catalog, routine: Routine) -> None:
    from unknot.steps import clock, step_title

    positions: list[str] = []
    for step in routine.steps:
        position = catalog.position(step.position)
        name = position.name if position else step.position
        if not positions or positions[-1] != name:
            positions.append(name)
    techniques = list(dict.fromkeys(step_title(catalog, s) for s in routine.steps if s.is_technique))
    text = Text.assemble(
        (f"Your {routine.mode.value} routine: {clock(routine.total_seconds)}", "bold"),
        f", {len(routine.steps)} steps.\n",
        ("Positions: ", "bold"),
        " → ".join(positions),
        "\n",
        ("Techniques: ", "bold"),
        ", ".join(techniques),
    )
    if routine.avoid:
        text.append("\nLeft alone today: ", style="bold")
        text.append(", ".join(r.name for x in routine.avoid if (r := catalog.region(x))))
    if routine.shortened is not None:
        asked = round(routine.shortened.asked_seconds / 60)
        text.append(f"\nShorter than the {asked} minutes you asked for: ", style="bold yellow")
        text.append(routine.shortened.reason, style="yellow")
    for note in routine.notes:
        text.append(f"\nNote: {note}", style="dim")
    console.print(Panel(text, border_style="cyan"))


def _prepare(console: Console, catalog: Catalog, routine: Routine) -> None:
    from unknot.preparation import checklist

    used = dict.fromkeys(step.position for step in routine.steps)  # only the positions this routine takes
    items = {
        item.id: item
        for position_id in used
        if (position := catalog.position(position_id)) is not None
        for item in checklist(catalog, routine.mode, position).items
    }
    console.print("[bold]Before you start[/]")
    for item in items.values():
        console.print(f"  [cyan]☐[/] {escape(item.text)}")
    guide = routine_guide(routine, catalog)
    console.print(pressure_view.legend(guide))
    console.print(pressure_view.target(guide))
    read_line(console, "Press [bold]Enter[/] when you are ready › ")


def _ask_pain(
    console: Console, catalog: Catalog, regions: list[str], when: str, before: dict[str, int] | None = None
) -> dict[str, int]:
    """A 0-10 rating for each region; Enter skips one, "skip" the rest."""
    if not regions:
        return {}
    console.print()
    console.print(f"[bold]How much does each area hurt {when}?[/] 0 is no pain, 10 the worst you can imagine.")
    if before is None:  # the picture once, before; afterwards the names are enough
        console.print(regions_beside_picture(catalog, regions, width=console.width))
    console.print("[dim]Enter leaves an area out; skip leaves out the rest.[/]")
    ratings: dict[str, int] = {}
    for region_id in regions:
        region = catalog.region(region_id)
        name = region.name if region else region_id
        earlier = f" [dim](before: {before[region_id]})[/]" if before and region_id in before else ""
        while True:
            reply = read_line(console, f"  {escape(name)}{earlier}: 0 to 10 › ").lower()
            if not reply:
                break
            if reply == "skip":
                return ratings
            if reply.isascii() and reply.isdigit() and 0 <= int(reply) <= 10:
                ratings[region_id] = int(reply)
                break
            console.print("[yellow]Type a whole number from 0 (no pain) to 10 (worst), Enter to leave it out.[/]")
    return ratings


def _guide(
    console: Console,
    catalog: Catalog,
    routine: Routine,
    record: SessionRecord,
    options: JourneyOptions,
    settings: Settings,
    skipped_steps: tuple[int, ...] = (),
) -> int:
    """The guided routine (less ``skipped_steps``: what today's policy leaves out of a resumed session), then pain
    after and the closing line."""
    from unknot.cli.player import Outcome, play
    from unknot.cli.voice import open_voice
    from unknot.session import Session, SystemClock, Update, time_scale

    assert record.id is not None
    session_id = record.id
    enabled = options.voice if options.voice is not None else settings.voice is not False
    rate = options.voice_rate or settings.voice_rate or catalog.session.words_per_minute
    language = options.voice_language or settings.voice_language or "en"
    skipped = {r for e in record.events if e.kind == "skip_region" for r in e.detail.split()}
    clock = SystemClock(time_scale())
    session = Session(
        routine,
        catalog,
        clock,
        words_per_minute=rate,
        records=record.steps,
        skipped_regions=skipped,
        skipped_steps=skipped_steps,
    )
    journal = open_journal(options.db)
    failed: list[str] = []

    def keep(update: Update) -> None:
        try:
            for step in update.steps:
                journal.save_step(session_id, step)
            for event in update.events:
                journal.add_event(session_id, event)
        except (UnknotError, OSError) as exc:  # the session goes on; the user hears of it at the end
            if not failed:
                failed.append(str(exc))

    voice = open_voice(enabled, rate=rate, language=language, record_to=options.record_voice, bell=_bell)
    try:
        outcome = play(
            session,
            catalog=catalog,
            voice=voice,
            console=console,
            title=f"{routine.mode.value} routine",
            on_update=keep,
        )
    finally:
        voice.close()
        journal.close()
    if voice.problem:
        print_warning(voice.problem)
    if failed:
        print_warning(f"some steps could not be kept in the journal: {failed[0]}")
    if outcome is Outcome.INTERRUPTED:
        console.print(
            f"\n[yellow]Interrupted after step {session.index} of {len(routine.steps)}.[/] What was done is kept: "
            "[bold]unknot resume[/] goes on from there."
        )
        return 1
    if outcome is Outcome.DISCARDED:
        with opened_journal(options.db) as gone:
            gone.delete_session(session_id)
        console.print("Discarded: that session is not in your journal.")
        return 0
    status = SessionStatus.FINISHED if outcome is Outcome.FINISHED else SessionStatus.STOPPED
    return _close(console, catalog, routine, record, status, options)


def _close(
    console: Console,
    catalog: Catalog,
    routine: Routine,
    record: SessionRecord,
    status: SessionStatus,
    options: JourneyOptions,
) -> int:
    """Pain after, the session closed in the journal, and one line of insight."""
    assert record.id is not None
    with opened_journal(options.db) as journal:
        kept = journal.session(record.id) or record
    worked = kept.worked()
    asked = [r for r in (kept.pain_before or {}) if r in worked] if options.rate_pain else []
    after: dict[str, int] = {}
    console.print()
    console.print("[bold green]Finished. Well done.[/]" if status is SessionStatus.FINISHED else "[bold]Stopped.[/]")
    console.print(pressure_view.aftercare(routine_guide(routine, catalog)))
    try:
        after = _ask_pain(console, catalog, asked, "now, after the session", kept.pain_before)
    except (EndOfInput, KeyboardInterrupt):
        console.print("\n[dim]No pain after recorded.[/]")
    with opened_journal(options.db) as journal:
        journal.finish_session(record.id, status, datetime.now().astimezone(), after)
        console.print(f"Saved in your journal. {_insight(catalog, journal, kept.pain_before, after)}")
    return 0


def _insight(catalog: Catalog, journal: Journal, before: dict[str, int], after: dict[str, int]) -> str:
    """One line: a reason to get help first; else an area worse than before; else what helps most; else today's
    change."""
    from datetime import UTC, timedelta

    from unknot.insights import seek_help, technique_effects

    now = datetime.now(UTC)
    rules = catalog.insight_rules
    horizon = now - timedelta(days=max(rules.no_improvement_days, rules.worse_days) + 1)
    advice = seek_help(
        catalog, journal.entries(since=horizon), now, journal.screens(since=now - timedelta(days=rules.red_flag_days))
    )
    if advice:
        return f"[bold red]Get help:[/] {escape(advice[0].message)}"
    both = [r for r in after if r in before]
    worse = [r for r in both if after[r] > before[r]]
    if worse:  # named before any average or effect, which would hide it
        r = max(worse, key=lambda x: after[x] - before[x])
        region = found.spoken if (found := catalog.region(r)) else r
        text = rules.worse_today_message.format(region=region, before=before[r], after=after[r])
        return f"[bold yellow]{escape(text)}[/]"
    effects = [e for e in technique_effects(journal.sessions(), catalog) if e.mean is not None]
    if effects:
        best = min(effects, key=lambda e: e.mean if e.mean is not None else 0.0)
        assert best.mean is not None
        if best.mean < 0:
            name = t.name if (t := catalog.technique(best.technique)) else best.technique
            return (
                f"So far {name} has eased your pain most: {best.mean:+.1f} points on average over "
                f"{best.sessions} sessions."
            )
    if both:
        mean_before = sum(before[r] for r in both) / len(both)
        mean_after = sum(after[r] for r in both) / len(both)
        if len(both) == 1:
            return f"Today your pain went from {mean_before:.0f} to {mean_after:.0f}."
        return f"Today your pain went from {mean_before:.1f} to {mean_after:.1f} on average over {len(both)} areas."
    return "[dim]unknot insights shows what helps once three sessions have pain before and after.[/]"


# --- small helpers ---------------------------------------------------------------------------------------------


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print_warning(f"{exc.message}; using the defaults (unknot config show)")
        return Settings()


def _bell() -> None:
    sys.stdout.write("\a")
    sys.stdout.flush()
