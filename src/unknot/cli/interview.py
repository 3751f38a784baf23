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

from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from unknot.cli.backmap import regions_beside_picture
from unknot.cli.console import print_warning, stdout
from unknot.cli.verdict_view import render_emergency, render_verdict
from unknot.content import load_catalog
from unknot.errors import RequestError
from unknot.interview import Cleared, Question, ScreenInterview, Stage
from unknot.model import Answer, Catalog, Rule, Verdict
from unknot.screening import long_date, screen
from unknot.settings import emergency_number

YES = {"y", "yes"}
NO = {"n", "no"}
UNSURE = {"?", "not sure", "notsure", "unsure", "ns", "dk"}


class EndOfInput(Exception):
    """Standard input closed before the screen was finished."""


def run_interview(emergency_flag: str | None, db: str | None = None, subject: str = "self") -> int:
    """Run the screen in the terminal and keep it in the journal; return the exit status (130 on Ctrl-C)."""
    return screen_in_terminal(emergency_flag, db, subject)[0]


def screen_in_terminal(
    emergency_flag: str | None, db: str | None = None, subject: str = "self"
) -> tuple[int, Verdict | None]:
    """Run the screen about ``subject`` (``self``, or the ``receiver`` of a partner massage); keep it in the journal.
    Returns the exit status and the verdict."""
    catalog = load_catalog()
    number = emergency_number(catalog, emergency_flag, warn=print_warning)
    interview = Interview(stdout(), catalog, number, _begun(db, catalog, subject))
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
    if interview.verdict is not None:
        _keep(interview, db)
    return code, interview.verdict


def _begun(db: str | None, catalog: Catalog, subject: str) -> ScreenInterview:
    """The interview about ``subject`` with the journal's clearances and what today's policy asks again; without
    them (and a warning) when the journal cannot be read, so that the screen always goes on."""
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal
    from unknot.today import start_interview

    now = datetime.now().astimezone()  # local, so that "today" is the user's day
    try:
        with opened_journal(db) as journal:
            return start_interview(journal, catalog, now, subject)
    except (UnknotError, OSError) as exc:
        print_warning(f"could not read the journal, so no clearance is taken from it: {exc}")
        return ScreenInterview(catalog, now.date(), subject)


def _keep(interview: Interview, db: str | None) -> None:
    """Keep the screen (answers and verdict) and any new clearance in the journal."""
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal
    from unknot.today import keep_interview

    try:
        with opened_journal(db) as journal:
            now = datetime.now().astimezone()
            keep_interview(journal, interview.catalog, now, interview.state, emergency_number=interview.number)
    except (UnknotError, OSError) as exc:  # the screen still stands; only `unknot plan` will ask again
        print_warning(f"could not keep today's screen in the journal: {exc}")


@dataclass
class Interview:
    """The screen asked in a terminal: it renders each question of a ``ScreenInterview`` and reads the answer."""

    console: Console
    catalog: Catalog
    number: str
    state: ScreenInterview
    verdict: Verdict | None = None

    def run(self) -> int:
        """Ask every question, then print the verdict. Returns the exit status."""
        self._introduce()
        state = self.state
        while not state.done:
            question = state.question
            if question.stage is Stage.GROUP:
                state.answer_group(self._ask_group(question))
            elif question.stage is Stage.WHICH:
                picked = self._ask_which(question)
                state.answer_which(picked)
                if not picked:
                    self.console.print("[dim]None ticked: the question again.[/]")
            elif question.stage is Stage.WHERE:
                assert question.rule is not None
                state.answer_where(question.rule.id, self._ask_regions(question.rule))
            else:
                self._ask_cleared(question)
        verdict = screen(state.intake(), self.catalog, emergency_number=self.number)
        if state.stopped_early:  # an emergency ticked: the number to call, at once
            render_emergency(self.console, verdict, self.catalog)
        else:
            render_verdict(self.console, verdict, self.catalog)
        self.verdict = verdict
        return 0

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
                        if self.state.subject == "receiver"
                        else ()
                    ),
                ),
                border_style="cyan",
            )
        )

    def _ask_group(self, question: Question) -> Answer:
        console = self.console
        group = question.group
        assert group is not None
        subject = self.state.subject
        console.print()
        title = group.title_for(subject)
        console.rule(
            f"[bold]Step {question.number} of {question.total}[/] · {escape(title)}", align="left", style="cyan"
        )
        console.print(f"[bold]{escape(group.prompt_for(subject))}[/]")
        for i, rule in enumerate(question.rules, start=1):
            console.print(f"  [cyan]{i:>2}.[/] {escape(rule.label)}")
            if rule.id in self.state.reminders:  # the journal asks this again (today's policy): say why
                console.print(f"      [yellow]{escape(self.state.reminders[rule.id])}[/]")
        while True:
            reply = self._read("[bold]y[/] / [bold]n[/] / [bold]?[/] (not sure) › ").lower()
            if reply in NO:
                return Answer.NO
            if reply in YES:
                return Answer.YES
            if reply in UNSURE:
                return Answer.UNSURE
            console.print("[yellow]Please answer y (yes), n (no) or ? (not sure).[/]")

    def _ask_which(self, question: Question) -> list[str]:
        """The rules picked (none: the question again)."""
        rules = question.rules
        which = "Which ones?" if question.pending is Answer.YES else "Which ones are you not sure about?"
        try:
            picked = self._ask_numbers(
                f"{which} Type their numbers, such as 1 3 (none to go back) › ", len(rules), back=True
            )
        except (KeyboardInterrupt, EndOfInput):
            if question.emergency:  # they said one of the emergency list applies: never leave without the number
                may = "applies" if question.pending is Answer.YES else "may apply"
                self.console.print(f"\n[bold white on red] You said one of these {may}: call {self.number} now. [/]")
            raise
        return [rules[i - 1].id for i in picked]

    def _ask_regions(self, rule: Rule) -> list[str]:
        self.console.print()
        self.console.print(f"[bold]Where?[/] {escape(rule.label)}")
        self.console.print(regions_beside_picture(self.catalog, width=self.console.width))
        picked = self._ask_numbers("Type the numbers of the areas, such as 6 7 › ", len(self.catalog.regions))
        by_number = {r.number: r.id for r in self.catalog.regions}
        return [by_number[n] for n in picked]

    def _ask_cleared(self, question: Question) -> None:
        rule, known, state = question.rule, question.known, self.state
        assert rule is not None
        self.console.print()
        self.console.print(f"[bold]{escape(rule.label)}[/]")
        if known is not None and question.holds:
            self.console.print("[dim]Your journal keeps a professional's clearance of this.[/]")
            if self._yes_or_no(
                f"Is this the same condition a professional cleared on {long_date(known)}? [bold]y[/] / [bold]n[/] › "
            ):
                state.answer_cleared(rule.id, Cleared.SAME)
                return
            self.console.print(
                "Then that clearance does not count today: ask your doctor before any massage."
                f" [dim]To remove it for good: unknot clearance withdraw {rule.id}[/]"
            )
            state.answer_cleared(rule.id, Cleared.NO)
            return
        if known is not None:
            self.console.print(
                f"[yellow]Your clearance from {long_date(known)} has expired[/] (a clearance for this holds"
                f" {rule.clearance_valid_days} days): ask again before any massage."
            )
        if not self._yes_or_no(
            "Has a doctor or physical therapist cleared you for massage with this"
            + (" since then" if known is not None else "")
            + "? [bold]y[/] / [bold]n[/] › "
        ):
            state.answer_cleared(rule.id, Cleared.NO)
            return
        while True:  # the day they cleared it: asked, never assumed to be today, and not one still to come
            reply = self._read("On what date did they clear you? YYYY-MM-DD › ")
            try:
                state.answer_cleared(rule.id, Cleared.YES, reply)
            except RequestError as exc:
                self.console.print(f"[yellow]{escape(exc.message[:1].upper() + exc.message[1:])}.[/]")
                continue
            return

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
