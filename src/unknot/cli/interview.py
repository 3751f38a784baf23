"""The interactive safety screen: questions in groups, emergency first, details only for what was ticked.

Each group is one question ("Do any of these apply right now?") over a numbered list, answered y, n or ? (not
sure, which counts as yes); a yes or not sure asks which. A yes in the emergency group stops at once with the
number to call. Then, for local findings, where (on a picture of the back), and for consult-first findings,
whether a professional has cleared them, and on what day (never assumed to be today). A clearance kept in the
journal is used once the user confirms it covers the same condition (a no: it does not count today), until it
expires by its rule's validity or ``unknot clearance withdraw``. The answers and the verdict go into the
journal, where ``unknot plan`` finds today's screen. Ctrl-C cancels; nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from unknot.cli.backmap import regions_beside_picture
from unknot.cli.console import print_warning, stdout
from unknot.cli.verdict_view import render_emergency, render_verdict
from unknot.content import load_catalog
from unknot.model import Answer, Catalog, Category, Finding, Intake, Rule, ScreenGroup, Verdict
from unknot.screening import clearance_applies, long_date, screen
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


def run_interview(emergency_flag: str | None, db: str | None = None, subject: str = "self") -> int:
    """Run the screen in the terminal and keep it in the journal; return the exit status (130 on Ctrl-C)."""
    return screen_in_terminal(emergency_flag, db, subject)[0]


def screen_in_terminal(
    emergency_flag: str | None, db: str | None = None, subject: str = "self"
) -> tuple[int, Verdict | None]:
    """Run the screen about ``subject`` (``self``, or the ``receiver`` of a partner massage); keep it in the journal.
    Returns the exit status and the verdict."""
    catalog = load_catalog()
    interview = Interview(stdout(), catalog, emergency_number(catalog, emergency_flag, warn=print_warning))
    interview.subject = subject
    interview.known_clearances = _active_clearances(db)
    interview.reminders = _reminders(db, subject)
    try:
        code = interview.run()
    except KeyboardInterrupt:
        interview.console.print(
            "\n[yellow]Screen cancelled; nothing was saved.[/] Run [bold]unknot screen[/] to start again."
        )
        return 130, None
    except EndOfInput:
        interview.console.print("\n[red]The input ended before the screen was finished; nothing was saved.[/]")
        return 1, None
    if interview.verdict is not None and interview.intake is not None:
        _keep(interview, db)
    return code, interview.verdict


def _active_clearances(db: str | None) -> dict[str, date]:
    """The clearances kept in the journal, rule to the day given; none (with a warning) when the journal cannot be
    read, so the screen always goes on."""
    from unknot.clearances import in_force
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal

    try:
        with opened_journal(db) as journal:
            return in_force(journal.clearances())
    except (UnknotError, OSError) as exc:
        print_warning(f"could not read the journal, so no clearance is taken from it: {exc}")
        return {}


def _reminders(db: str | None, subject: str) -> dict[str, str]:
    """What today's policy asks again, rule to what the journal showed; none when the journal cannot be read."""
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal
    from unknot.today import todays_policy

    try:
        with opened_journal(db) as journal:
            policy = todays_policy(journal, load_catalog(), datetime.now().astimezone(), subject)
    except (UnknotError, OSError):
        return {}
    return {a.rule: a.shown for a in policy.ask_again}


def _keep(interview: Interview, db: str | None) -> None:
    """Keep the screen (answers and verdict) and any new clearance in the journal."""
    from unknot.contract import intake_to_json, verdict_to_json
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal

    assert interview.verdict is not None and interview.intake is not None
    try:
        with opened_journal(db) as journal:
            for rule, cleared_on in interview.new_clearances.items():
                if any(c.rule == rule for c in journal.clearances()):  # a new clearance replaces the expired one
                    journal.withdraw_clearance(rule, datetime.now().astimezone())
                journal.add_clearance(rule, cleared_on)
            moment = datetime.now().astimezone()  # local, so that "today" is the user's day
            journal.save_screen(
                moment, intake_to_json(interview.intake), verdict_to_json(interview.verdict), interview.subject
            )
    except (UnknotError, OSError) as exc:  # the screen still stands; only `unknot plan` will ask again
        print_warning(f"could not keep today's screen in the journal: {exc}")


@dataclass
class Interview:
    """One run of the screen in a terminal."""

    console: Console
    catalog: Catalog
    number: str
    ticked: list[Ticked] = field(default_factory=list)
    verdict: Verdict | None = None
    intake: Intake | None = None
    known_clearances: dict[str, date] = field(default_factory=dict)  # kept in the journal: confirmed, not re-entered
    new_clearances: dict[str, date] = field(default_factory=dict)  # said during this screen: to keep
    cleared_on: dict[str, date] = field(default_factory=dict)  # every clearance applied today, with its day
    today: date = field(default_factory=date.today)
    subject: str = "self"  # whom the screen is about: the user, or the receiver of a partner massage
    reminders: dict[str, str] = field(default_factory=dict)  # rule -> what the journal showed (asked again)

    def run(self) -> int:
        """Ask every group, then the details; print the verdict. Returns the exit status."""
        self._introduce()
        groups = self.catalog.groups
        for index, group in enumerate(groups, start=1):
            emergency = group.id == groups[0].id
            picked = self._ask_group_until_settled(group, index, len(groups), emergency)
            self.ticked += picked
            if emergency and picked:
                self.intake = self._intake(complete=False)
                verdict = screen(self.intake, self.catalog, emergency_number=self.number)
                render_emergency(self.console, verdict, self.catalog)
                self.verdict = verdict
                return 0
        regions = {t.rule.id: self._ask_regions(t.rule) for t in self.ticked if t.rule.is_local}
        cleared = {
            t.rule.id
            for t in self.ticked
            if t.rule.category is Category.CONSULT_FIRST and t.answer is Answer.YES and self._ask_cleared(t.rule)
        }
        self.intake = self._intake(regions, cleared)
        verdict = screen(self.intake, self.catalog, emergency_number=self.number)
        render_verdict(self.console, verdict, self.catalog)
        self.verdict = verdict
        return 0

    def _ask_group_until_settled(self, group: ScreenGroup, index: int, total: int, emergency: bool) -> list[Ticked]:
        """The group's question, then which ones; "none" at "which" takes the yes back and asks again."""
        while True:
            answer = self._ask_group(group, index, total)
            if answer is Answer.NO:
                return []
            try:
                picked = self._ask_which(group, answer)
            except (KeyboardInterrupt, EndOfInput):
                if emergency:  # they said one of the emergency list applies: never leave without the number
                    may = "applies" if answer is Answer.YES else "may apply"
                    self.console.print(
                        f"\n[bold white on red] You said one of these {may}: call {self.number} now. [/]"
                    )
                raise
            if picked:
                return picked
            self.console.print("[dim]None ticked: the question again.[/]")

    def _intake(
        self, regions: dict[str, tuple[str, ...]] | None = None, cleared: set[str] | None = None, complete: bool = True
    ) -> Intake:
        regions = regions or {}
        findings = tuple(Finding(t.rule.id, t.answer, regions.get(t.rule.id, ())) for t in self.ticked)
        cleared = cleared or set()
        dates = tuple(sorted((r, d) for r, d in self.cleared_on.items() if r in cleared))
        return Intake(
            findings=findings, cleared=frozenset(cleared), complete=complete, cleared_on=dates, today=self.today
        )

    def _introduce(self) -> None:
        self.console.print(
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
                    *(
                        ("\n", ("The questions are about the person receiving the massage.", "bold"))
                        if self.subject == "receiver"
                        else ()
                    ),
                ),
                border_style="cyan",
            )
        )

    def _rules(self, group: ScreenGroup) -> list[Rule]:
        return [r for rid in group.rules if (r := self.catalog.rule(rid)) is not None]

    def _ask_group(self, group: ScreenGroup, index: int, total: int) -> Answer:
        console = self.console
        console.print()
        title = group.title_for(self.subject)
        console.rule(f"[bold]Step {index} of {total}[/] · {escape(title)}", align="left", style="cyan")
        console.print(f"[bold]{escape(group.prompt_for(self.subject))}[/]")
        for i, rule in enumerate(self._rules(group), start=1):
            console.print(f"  [cyan]{i:>2}.[/] {escape(rule.label)}")
            if rule.id in self.reminders:  # the journal asks this again (today's policy): say why
                console.print(f"      [yellow]{escape(self.reminders[rule.id])}[/]")
        while True:
            reply = self._read("[bold]y[/] / [bold]n[/] / [bold]?[/] (not sure) › ").lower()
            if reply in NO:
                return Answer.NO
            if reply in YES:
                return Answer.YES
            if reply in UNSURE:
                return Answer.UNSURE
            console.print("[yellow]Please answer y (yes), n (no) or ? (not sure).[/]")

    def _ask_which(self, group: ScreenGroup, answer: Answer) -> list[Ticked]:
        rules = self._rules(group)
        if len(rules) == 1:
            return [Ticked(rules[0], answer)]
        which = "Which ones?" if answer is Answer.YES else "Which ones are you not sure about?"
        picked = self._ask_numbers(
            f"{which} Type their numbers, such as 1 3 (none to go back) › ", len(rules), back=True
        )
        return [Ticked(rules[i - 1], answer) for i in picked]

    def _ask_regions(self, rule: Rule) -> tuple[str, ...]:
        self.console.print()
        self.console.print(f"[bold]Where?[/] {escape(rule.label)}")
        self.console.print(regions_beside_picture(self.catalog, width=self.console.width))
        picked = self._ask_numbers("Type the numbers of the areas, such as 6 7 › ", len(self.catalog.regions))
        by_number = {r.number: r.id for r in self.catalog.regions}
        return tuple(by_number[n] for n in picked)

    def _ask_cleared(self, rule: Rule) -> bool:
        self.console.print()
        self.console.print(f"[bold]{escape(rule.label)}[/]")
        known = self.known_clearances.get(rule.id)
        if known is not None and clearance_applies(rule, known, self.today):
            self.console.print("[dim]Your journal keeps a professional's clearance of this.[/]")
            if self._yes_or_no(
                f"Is this the same condition a professional cleared on {long_date(known)}? [bold]y[/] / [bold]n[/] › "
            ):
                self.cleared_on[rule.id] = known
                return True
            self.console.print(
                "Then that clearance does not count today: ask your doctor before any massage."
                f" [dim]To remove it for good: unknot clearance withdraw {rule.id}[/]"
            )
            return False
        if known is not None:
            self.console.print(
                f"[yellow]Your clearance from {long_date(known)} has expired[/] (a clearance for this holds"
                f" {rule.clearance_valid_days} days): ask again before any massage."
            )
        if self._yes_or_no(
            "Has a doctor or physical therapist cleared you for massage with this"
            + (" since then" if known is not None else "")
            + "? [bold]y[/] / [bold]n[/] › "
        ):
            day = self._ask_date()
            self.new_clearances[rule.id] = day
            self.cleared_on[rule.id] = day
            return True
        if known is not None:  # offered to the screen, whose reason then says it has expired and since when
            self.cleared_on[rule.id] = known
            return True
        return False

    def _yes_or_no(self, prompt: str) -> bool:
        while True:
            reply = self._read(prompt).lower()
            if reply in YES:
                return True
            if reply in NO:
                return False
            if reply in UNSURE:
                self.console.print("[dim]Not sure counts as not cleared.[/]")
                return False
            self.console.print("[yellow]Please answer y (yes) or n (no).[/]")

    def _ask_date(self) -> date:
        """The day the professional cleared it: asked, never assumed to be today, and not one still to come."""
        from unknot.clearances import parse_day
        from unknot.errors import RequestError

        while True:
            reply = self._read("On what date did they clear you? YYYY-MM-DD › ")
            try:
                day = parse_day(reply)
            except RequestError as exc:
                self.console.print(f"[yellow]Please {escape(exc.message)}.[/]")
                continue
            if day > self.today:
                self.console.print("[yellow]That date is still to come; give the day it was cleared.[/]")
                continue
            return day

    def _ask_numbers(self, prompt: str, count: int, back: bool = False) -> list[int]:
        while True:
            reply = self._read(prompt).replace(",", " ")
            if reply.lower() == "all":
                return list(range(1, count + 1))
            if back and reply.lower() in ("none", "0", "back"):
                return []
            words = reply.split()
            # ASCII digits only: '²'.isdigit() is true, but int('²') fails.
            if words and all(w.isascii() and w.isdigit() and 1 <= int(w) <= count for w in words):
                return sorted({int(w) for w in words})
            self.console.print(
                f"[yellow]Type one or more numbers from 1 to {count}, separated by spaces (or 'all').[/]"
            )

    def _read(self, prompt: str) -> str:
        try:
            return self.console.input(prompt).strip()
        except EOFError:
            raise EndOfInput from None
