"""The safety screen as an interview: one small state machine that every front end drives.

The terminal (``cli/interview.py``) and the web wizard (``web/screen_flow.py``) ask the same questions in the same
order because both drive a ``ScreenInterview``, as both drive a ``Session`` for the routine: a group of questions at
a time, emergency first (a yes there ends the interview at once: an emergency is decisive on its own); then which
rules of the group, for a yes or a not sure; then, once every group is answered, where on the back each local
finding is; then whether a professional has cleared each consult-first yes, and on what day (asked, never assumed to
be today; a clearance kept in the journal is confirmed as covering the same condition, an expired one is said to
be expired). "Not sure" counts as yes.

The stage is worked out from the answers so far (``stage``); ``ACCEPTS`` says which answer each stage takes, and
an answer out of step is refused by an ``InterviewError`` naming the stage and the answer. A wrong answer (no area
ticked, a clearance day still to come) is a ``RequestError`` saying what to change, and leaves the state as it was,
so the front end asks again. The state is plain JSON (``dump`` and ``load``), so a web form can carry it between
pages; ``load`` checks it as strictly as a fresh answer. Pure: no journal, no clock (``today`` is given).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from unknot.clearances import check_clearance, parse_day
from unknot.errors import RequestError
from unknot.model import Answer, Catalog, Category, Finding, Intake, Rule, ScreenGroup
from unknot.policy import SUBJECTS
from unknot.screening import clearance_applies

__all__ = ["ACCEPTS", "Cleared", "InterviewError", "Question", "ScreenInterview", "Stage"]


class Stage(StrEnum):
    """Where the interview is: what it asks next."""

    GROUP = "group"  # a group's question: yes, no or not sure
    WHICH = "which"  # which rules of the group (after a yes or a not sure)
    WHERE = "where"  # where on the back a local finding is
    CLEARED = "cleared"  # whether a professional has cleared a consult-first finding, and when
    DONE = "done"  # every question asked (or an emergency ticked): the intake is ready


#: The answer each stage takes (an answer is named after the stage it answers); DONE takes none.
ACCEPTS: dict[Stage, frozenset[Stage]] = {
    Stage.GROUP: frozenset({Stage.GROUP}),
    Stage.WHICH: frozenset({Stage.WHICH}),
    Stage.WHERE: frozenset({Stage.WHERE}),
    Stage.CLEARED: frozenset({Stage.CLEARED}),
    Stage.DONE: frozenset(),
}


class Cleared(StrEnum):
    """An answer to "has a professional cleared this?"."""

    SAME = "same"  # the clearance kept in the journal covers this same condition
    YES = "yes"  # cleared, on a day given with the answer
    NO = "no"


class InterviewError(RequestError):
    """An answer the interview does not take at this stage (a form posted twice, or out of step)."""

    code = "interview_out_of_step"


@dataclass(frozen=True, slots=True)
class Question:
    """What the interview asks next, with what a front end needs to ask it."""

    stage: Stage
    number: int = 0  # the group's place, from 1 (GROUP and WHICH)
    total: int = 0  # how many groups
    group: ScreenGroup | None = None
    rules: tuple[Rule, ...] = ()  # the group's rules (GROUP and WHICH)
    pending: Answer | None = None  # the yes or not sure that WHICH details
    rule: Rule | None = None  # the finding asked about (WHERE and CLEARED)
    known: date | None = None  # CLEARED: the day of the clearance kept in the journal, if any
    holds: bool = False  # CLEARED: whether that clearance still holds today
    emergency: bool = False  # GROUP and WHICH: the emergency group, where a yes ends the screen at once


@dataclass
class ScreenInterview:
    """One screen, asked a question at a time."""

    catalog: Catalog
    today: date
    subject: str = "self"
    known_clearances: Mapping[str, date] = field(default_factory=dict)  # kept in the journal, rule to day given
    reminders: Mapping[str, str] = field(default_factory=dict)  # asked again by today's policy: rule to why
    group: int = 0  # the next group to ask
    pending: Answer | None = None  # a yes or not sure to a group, before "which ones"
    ticked: dict[str, Answer] = field(default_factory=dict)  # rule to yes or not sure, in the order ticked
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # local rule to where
    cleared: dict[str, date] = field(default_factory=dict)  # consult-first rule to the day it was cleared
    asked_cleared: list[str] = field(default_factory=list)
    new_clearances: dict[str, date] = field(default_factory=dict)  # said during this screen: to keep
    stopped_early: bool = False  # an emergency was ticked: the other groups are not asked

    def __post_init__(self) -> None:
        if self.subject not in SUBJECTS:
            raise RequestError(f"a screen is for 'self' or 'receiver', not '{self.subject}'")

    # --- where it is ---------------------------------------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        """What the interview asks next."""
        if self.stopped_early:
            return Stage.DONE
        if self.group < len(self.catalog.groups):
            return Stage.WHICH if self.pending is not None else Stage.GROUP
        if self._next_where() is not None:
            return Stage.WHERE
        if self._next_cleared() is not None:
            return Stage.CLEARED
        return Stage.DONE

    @property
    def done(self) -> bool:
        return self.stage is Stage.DONE

    @property
    def question(self) -> Question:
        """The next question, with what a front end needs to ask it."""
        stage = self.stage
        groups = self.catalog.groups
        if stage in (Stage.GROUP, Stage.WHICH):
            group = groups[self.group]
            return Question(
                stage,
                number=self.group + 1,
                total=len(groups),
                group=group,
                rules=self._rules(group),
                pending=self.pending,
                emergency=self._is_emergency(group),
            )
        if stage is Stage.WHERE:
            return Question(stage, rule=self._next_where())
        if stage is Stage.CLEARED:
            rule = self._next_cleared()
            assert rule is not None
            known = self.known_clearances.get(rule.id)
            holds = known is not None and clearance_applies(rule, known, self.today)
            return Question(stage, rule=rule, known=known, holds=holds)
        return Question(stage)

    # --- the answers ---------------------------------------------------------------------------------------------

    def answer_group(self, reply: Answer) -> None:
        """Yes, no or not sure to the group's question. A yes or not sure asks which, unless the group holds one
        question only."""
        self._accept(Stage.GROUP)
        if reply is Answer.NO:
            self.group += 1
            return
        rules = self._rules(self.catalog.groups[self.group])
        if len(rules) == 1:
            self._tick([rules[0].id], reply)
        else:
            self.pending = reply

    def answer_which(self, picked: Iterable[str]) -> None:
        """The rules of the group that apply (or may apply); none takes the yes back and asks the group again."""
        self._accept(Stage.WHICH)
        assert self.pending is not None
        rules = self._rules(self.catalog.groups[self.group])
        chosen = set(picked)
        unknown = sorted(chosen - {r.id for r in rules})
        if unknown:
            raise RequestError(f"'{unknown[0]}' is not one of this step's questions")
        if not chosen:
            self.pending = None
            return
        self._tick([r.id for r in rules if r.id in chosen], self.pending)

    def answer_where(self, rule_id: str, regions: Iterable[str]) -> None:
        """Where on the back the local finding ``rule_id`` is: at least one area."""
        self._accept(Stage.WHERE)
        rule = self._current(rule_id)
        chosen = tuple(dict.fromkeys(regions))
        unknown = [r for r in chosen if self.catalog.region(r) is None]
        if unknown:
            raise RequestError(f"'{unknown[0]}' is not an area of the back")
        if not chosen:
            raise RequestError("tap or tick at least one area")
        self.regions[rule.id] = chosen

    def answer_cleared(self, rule_id: str, reply: Cleared, on: date | str | None = None) -> None:
        """Whether a professional has cleared ``rule_id`` for massage: ``SAME`` (the clearance kept in the journal
        covers this same condition), ``YES`` on the day ``on`` (asked, never assumed to be today; not one still to
        come), or ``NO``. An expired clearance kept in the journal is offered to the screen on a no, so that its
        verdict says since when it has expired."""
        self._accept(Stage.CLEARED)
        rule = self._current(rule_id)
        known = self.known_clearances.get(rule.id)
        holds = known is not None and clearance_applies(rule, known, self.today)
        if reply is Cleared.SAME:
            if known is None or not holds:
                raise RequestError(
                    "no clearance kept in the journal holds today for this; answer yes with its day, or no"
                )
            self.cleared[rule.id] = known
        elif reply is Cleared.YES:
            day = on if isinstance(on, date) else parse_day(on)
            check_clearance(self.catalog, rule.id, day, self.today)
            self.cleared[rule.id] = day
            self.new_clearances[rule.id] = day
        elif known is not None and not holds:
            self.cleared[rule.id] = known
        self.asked_cleared.append(rule.id)

    # --- what it found -------------------------------------------------------------------------------------------

    def intake(self) -> Intake:
        """The answers as a screen takes them; only once the interview is done."""
        if not self.done:
            raise InterviewError(f"the screen is not finished: it is at the '{self.stage.value}' question")
        findings = tuple(Finding(r, a, self.regions.get(r, ())) for r, a in self.ticked.items())
        return Intake(
            findings=findings,
            cleared=frozenset(self.cleared),
            complete=not self.stopped_early,
            cleared_on=tuple(sorted(self.cleared.items())),
            today=self.today,
        )

    # --- as JSON, for a form to carry ----------------------------------------------------------------------------

    def dump(self) -> str:
        """The answers so far as compact JSON (``load`` reads it back)."""
        return json.dumps(
            {
                "subject": self.subject,
                "group": self.group,
                "pending": self.pending.value if self.pending else None,
                "ticked": {r: a.value for r, a in self.ticked.items()},
                "regions": {r: list(v) for r, v in self.regions.items()},
                "cleared": {r: d.isoformat() for r, d in self.cleared.items()},
                "asked_cleared": self.asked_cleared,
                "new_clearances": {r: d.isoformat() for r, d in self.new_clearances.items()},
                "stopped_early": self.stopped_early,
            },
            separators=(",", ":"),
        )

    @classmethod
    def load(
        cls,
        text: str,
        catalog: Catalog,
        today: date,
        known_clearances: Mapping[str, date] | None = None,
        reminders: Mapping[str, str] | None = None,
    ) -> ScreenInterview:
        """An interview from ``dump``'s JSON, checked as strictly as fresh answers: anything garbled, unknown or out
        of step is a ``RequestError`` (start the screen again), never a crash."""
        garbled = RequestError("the screen's answers were garbled; start the screen again")
        try:
            data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
            if not isinstance(data, dict):
                raise garbled
            pending = data.get("pending")
            interview = cls(
                catalog,
                today,
                subject=_text(data.get("subject", "self")),
                known_clearances=dict(known_clearances or {}),
                reminders=dict(reminders or {}),
                group=_whole(data.get("group", 0)),
                pending=None if pending is None else Answer(_text(pending)),
                ticked={_text(r): Answer(_text(a)) for r, a in _object(data.get("ticked", {})).items()},
                regions={
                    _text(r): tuple(_text(p) for p in _list(v)) for r, v in _object(data.get("regions", {})).items()
                },
                cleared={_text(r): _day(d) for r, d in _object(data.get("cleared", {})).items()},
                asked_cleared=[_text(r) for r in _list(data.get("asked_cleared", []))],
                new_clearances={_text(r): _day(d) for r, d in _object(data.get("new_clearances", {})).items()},
                stopped_early=_flag(data.get("stopped_early", False)),
            )
        except (ValueError, TypeError, OverflowError, RecursionError):
            raise garbled from None
        if not interview._consistent():
            raise RequestError("the screen's answers do not hold together; start the screen again")
        return interview

    # --- inside --------------------------------------------------------------------------------------------------

    def _accept(self, answer: Stage) -> None:
        stage = self.stage
        if answer not in ACCEPTS[stage]:
            asked = "nothing more: the screen is finished" if stage is Stage.DONE else f"the '{stage.value}' question"
            raise InterviewError(
                f"this screen is at {asked}, so it does not take an answer to the '{answer.value}' question;"
                " go back to the question shown, or start the screen again"
            )

    def _current(self, rule_id: str) -> Rule:
        rule = self.question.rule
        assert rule is not None
        if rule_id != rule.id:
            raise InterviewError(
                f"this screen asks about '{rule.id}' now, not '{rule_id}'; go back to the question shown"
            )
        return rule

    def _tick(self, rule_ids: list[str], answer: Answer) -> None:
        for rule_id in rule_ids:
            self.ticked[rule_id] = answer
        self.pending = None
        if self._is_emergency(self.catalog.groups[self.group]):
            self.stopped_early = True  # decisive on its own, at once
        else:
            self.group += 1

    def _rules(self, group: ScreenGroup) -> tuple[Rule, ...]:
        return tuple(r for rid in group.rules if (r := self.catalog.rule(rid)) is not None)

    def _is_emergency(self, group: ScreenGroup) -> bool:
        rules = self._rules(group)
        return bool(rules) and all(r.category is Category.EMERGENCY for r in rules)

    def _next_where(self) -> Rule | None:
        for rule_id in self.ticked:
            rule = self.catalog.rule(rule_id)
            if rule is not None and rule.is_local and not self.regions.get(rule_id):
                return rule
        return None

    def _next_cleared(self) -> Rule | None:
        for rule_id, answer in self.ticked.items():
            rule = self.catalog.rule(rule_id)
            if (
                rule is not None
                and rule.category is Category.CONSULT_FIRST
                and answer is Answer.YES
                and rule_id not in self.asked_cleared
            ):
                return rule
        return None

    def _consistent(self) -> bool:
        """Whether loaded answers could have come from this interview (nothing a crafted form could slip in)."""
        catalog = self.catalog
        place = {rid: i for i, g in enumerate(catalog.groups) for rid in g.rules}
        asked = self.group + (1 if self.stopped_early else 0)
        if not 0 <= self.group <= len(catalog.groups) or (self.stopped_early and self.group != 0):
            return False
        if self.pending is Answer.NO or (self.pending is not None and self.group >= len(catalog.groups)):
            return False
        if any(a is Answer.NO or place.get(r, asked) >= asked for r, a in self.ticked.items()):
            return False
        for rule_id, where in self.regions.items():
            rule = catalog.rule(rule_id)
            if rule_id not in self.ticked or rule is None or not rule.is_local or not where:
                return False
            if any(catalog.region(r) is None for r in where):
                return False
        consult = {
            r for r, a in self.ticked.items() if a is Answer.YES and _category(catalog, r) is Category.CONSULT_FIRST
        }
        if not set(self.asked_cleared) <= consult or not set(self.cleared) <= set(self.asked_cleared):
            return False
        if any(day > self.today for day in self.cleared.values()):
            return False
        return all(self.cleared.get(r) == d for r, d in self.new_clearances.items())


def _category(catalog: Catalog, rule_id: str) -> Category | None:
    rule = catalog.rule(rule_id)
    return rule.category if rule else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a screen holds")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key given twice")
    return out


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _day(value: Any) -> date:
    text = _text(value)
    if len(text) != 10:
        raise ValueError("not a day")
    return date.fromisoformat(text)
