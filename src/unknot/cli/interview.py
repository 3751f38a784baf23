"""The interactive safety screen: questions in groups, emergency first, details only for what was ticked.

Each group is one question ("Do any of these apply right now?") over a numbered list, answered y, n or ? (not
sure, which counts as yes); a yes or not sure asks which. A yes in the emergency group stops at once with the
number to call. Then, for local findings, where (on a picture of the back), and for consult-first findings,
whether a professional has cleared them. Ctrl-C cancels; nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from unknot.cli.backmap import back_picture
from unknot.cli.console import stdout
from unknot.cli.verdict_view import render_emergency, render_verdict
from unknot.content import load_catalog
from unknot.model import Answer, Catalog, Category, Finding, Intake, Rule, ScreenGroup
from unknot.screening import screen
from unknot.settings import emergency_number

YES = {"y", "yes"}
NO = {"n", "no"}
UNSURE = {"?", "not sure", "notsure", "unsure", "ns", "dk"}


class EndOfInput(Exception):
    """Standard input closed before the screen was finished."""


@dataclass
class Ticked:
    """A rule the user ticked, and how."""

    rule: Rule
    answer: Answer


def run_interview(emergency_flag: str | None) -> int:
    """Run the screen in the terminal; return the exit status (130 on Ctrl-C)."""
    console = stdout()
    catalog = load_catalog()
    number = emergency_number(catalog, emergency_flag)
    try:
        return _interview(console, catalog, number)
    except KeyboardInterrupt:
        console.print("\n[yellow]Screen cancelled; nothing was saved.[/] Run [bold]unknot screen[/] to start again.")
        return 130
    except EndOfInput:
        console.print("\n[red]The input ended before the screen was finished; nothing was saved.[/]")
        return 1


def _interview(console: Console, catalog: Catalog, number: str) -> int:
    console.print(
        Panel(
            Text.assemble(
                ("Safety screen", "bold"),
                " · a few quick questions before any massage.\n",
                "Answer ",
                ("y", "bold"),
                " (yes), ",
                ("n", "bold"),
                " (no) or ",
                ("?", "bold"),
                " (not sure). Not sure counts as yes: a safety screen never settles a doubt in favour of massage.",
            ),
            border_style="cyan",
        )
    )
    ticked: list[Ticked] = []
    groups = catalog.groups
    for index, group in enumerate(groups, start=1):
        picked = _ask_group(console, catalog, group, index, len(groups))
        ticked += picked
        if any(t.rule.category is Category.EMERGENCY for t in picked):
            verdict = screen(_intake(picked, {}, set(), complete=False), catalog, emergency_number=number)
            render_emergency(console, verdict, catalog)
            return 0
    regions = {t.rule.id: _ask_regions(console, catalog, t.rule) for t in ticked if t.rule.is_local}
    cleared = {
        t.rule.id
        for t in ticked
        if t.rule.category is Category.CONSULT_FIRST and t.answer is Answer.YES and _ask_cleared(console, t.rule)
    }
    verdict = screen(_intake(ticked, regions, cleared, complete=True), catalog, emergency_number=number)
    render_verdict(console, verdict, catalog)
    return 0


def _intake(ticked: list[Ticked], regions: dict[str, tuple[str, ...]], cleared: set[str], *, complete: bool) -> Intake:
    findings = tuple(Finding(t.rule.id, t.answer, regions.get(t.rule.id, ())) for t in ticked)
    return Intake(findings=findings, cleared=frozenset(cleared), complete=complete)


def _ask_group(console: Console, catalog: Catalog, group: ScreenGroup, index: int, total: int) -> list[Ticked]:
    rules = [r for rid in group.rules if (r := catalog.rule(rid)) is not None]
    console.print()
    console.rule(f"[bold]Step {index} of {total}[/] · {escape(group.title)}", align="left", style="cyan")
    console.print(f"[bold]{escape(group.prompt)}[/]")
    for i, rule in enumerate(rules, start=1):
        console.print(f"  [cyan]{i:>2}.[/] {escape(rule.label)}")
    while True:
        reply = _read(console, "[bold]y[/] / [bold]n[/] / [bold]?[/] (not sure) › ").lower()
        if reply in NO:
            return []
        if reply in YES or reply in UNSURE:
            answer = Answer.YES if reply in YES else Answer.UNSURE
            break
        console.print("[yellow]Please answer y (yes), n (no) or ? (not sure).[/]")
    if len(rules) == 1:
        return [Ticked(rules[0], answer)]
    which = "Which ones?" if answer is Answer.YES else "Which ones are you not sure about?"
    picked = _ask_numbers(console, f"{which} Type their numbers, such as 1 3 › ", len(rules))
    return [Ticked(rules[i - 1], answer) for i in picked]


def _ask_regions(console: Console, catalog: Catalog, rule: Rule) -> tuple[str, ...]:
    console.print()
    console.print(f"[bold]Where?[/] {escape(rule.label)}")
    console.print(back_picture(catalog))
    for region in catalog.regions:
        console.print(f"  [cyan]{region.number:>2}.[/] {escape(region.name)} [dim]· {escape(region.where)}[/]")
    picked = _ask_numbers(console, "Type the numbers of the areas, such as 6 7 › ", len(catalog.regions))
    by_number = {r.number: r.id for r in catalog.regions}
    return tuple(by_number[n] for n in picked)


def _ask_cleared(console: Console, rule: Rule) -> bool:
    console.print()
    console.print(f"[bold]{escape(rule.label)}[/]")
    while True:
        reply = _read(
            console,
            "Has a doctor or physical therapist cleared you for massage with this? [bold]y[/] / [bold]n[/] › ",
        ).lower()
        if reply in YES:
            return True
        if reply in NO or reply in UNSURE:
            return False
        console.print("[yellow]Please answer y (yes) or n (no).[/]")


def _ask_numbers(console: Console, prompt: str, count: int) -> list[int]:
    while True:
        reply = _read(console, prompt).replace(",", " ")
        if reply.lower() == "all":
            return list(range(1, count + 1))
        words = reply.split()
        if words and all(w.isdigit() and 1 <= int(w) <= count for w in words):
            return sorted({int(w) for w in words})
        console.print(f"[yellow]Type one or more numbers from 1 to {count}, separated by spaces (or 'all').[/]")


def _read(console: Console, prompt: str) -> str:
    try:
        return console.input(prompt).strip()
    except EOFError:
        raise EndOfInput from None
