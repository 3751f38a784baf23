"""The guided session as an explicit state machine over a routine, on an injected clock (pure).

States (``State``) and the events each takes (``Event``); any other pair raises ``SessionStateError`` naming both::

    get_ready   the get-ready countdown before the first step      tick pause next back repeat more less good
                (back and repeat restart it; feedback is noted     it_hurts stop
                for the first technique step)
    running     a step is under way                                tick pause next back repeat more less good
                                                                   it_hurts stop
    paused      the clock is held; resume goes back                tick resume next back repeat more less good
                                                                   it_hurts stop
    pain_check  "it hurts" stopped the step; the advice shows      tick next skip_region skip_started_region
                and the clock is held until the user decides:      it_hurts stop
                only an explicit choice leaves it, never resume
    finished    every step has ended                               tick
    stopped     ended early                                        tick

Time is kept by deadlines, never by adding up sleeps: a step that starts at ``t`` ends at ``t + seconds`` on the
clock, whenever the next ``tick`` comes; a late tick ends every step whose deadline has passed, each at its own
deadline, and drops the cues that have gone stale. A pause moves the deadline by its length. Every event first
catches up with the clock, so it applies to where the session is now, not where the last tick left it.

"It hurts" is about the technique step under way, or, in the first ``hurt_grace_seconds`` of a step or during a
transition (a pressure check), about the technique step just before: that is the area ``skip_region`` leaves
alone. When it came in the first seconds of a technique step on another area, the pain may be about the area just
started instead: ``skip_started_region`` leaves that one alone (``skip_choices()`` lists both, for the front ends).

Every call returns an ``Update``: the cues to say now (in order, never overlapping, except that a cue answering
the user interrupts what is being said), the step records to keep (saved as each step ends, so an interruption
loses at most the step under way) and the events for the journal. ``next_deadline()`` says when something is due
without input, so a front end can wait exactly that long.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum

from unknot.errors import SessionStateError
from unknot.model import Catalog, Feedback, Pressure, Routine, SessionEvent, Step, StepRecord, StepStatus
from unknot.pressure import spoken_steps
from unknot.session.clock import Clock
from unknot.session.cues import PRIORITY, Cue, CueKind, PlannedCue, lead_in_cues, speaking_seconds, step_cues

__all__ = ["ACCEPTS", "Event", "Progress", "Session", "SkipChoice", "State", "Update"]


class State(StrEnum):
    """Where a guided session is."""

    GET_READY = "get_ready"  # counting down to the first step of this sitting
    RUNNING = "running"  # a step is under way
    PAUSED = "paused"  # the clock is held; resume goes back to get_ready or running
    PAIN_CHECK = "pain_check"  # "it hurts" stopped the step: go on, skip that region, or stop
    FINISHED = "finished"  # every step has ended
    STOPPED = "stopped"  # ended early


class Event(StrEnum):
    """What can happen to a session: time passing, or the user."""

    TICK = "tick"
    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    MORE = "more"
    LESS = "less"
    GOOD = "good"
    STOP = "stop"
    HURTS = "it_hurts"
    SKIP_REGION = "skip_region"
    SKIP_STARTED = "skip_started_region"  # after "it hurts" in a step's first seconds: the area just started


_FEEDBACK = {Event.MORE: Feedback.MORE, Event.LESS: Feedback.LESS, Event.GOOD: Feedback.GOOD}
_STEPPING = {Event.PAUSE, Event.NEXT, Event.BACK, Event.REPEAT, *_FEEDBACK, Event.HURTS, Event.STOP}

#: The events each state takes (the table in the module docstring).
ACCEPTS: dict[State, frozenset[Event]] = {
    State.GET_READY: frozenset({Event.TICK, *_STEPPING}),
    State.RUNNING: frozenset({Event.TICK, *_STEPPING}),
    State.PAUSED: frozenset({Event.TICK, Event.RESUME, *(_STEPPING - {Event.PAUSE})}),
    # Space or Enter (resume) never carries on after "it hurts": only an explicit choice does (issue 12).
    State.PAIN_CHECK: frozenset(
        {Event.TICK, Event.NEXT, Event.SKIP_REGION, Event.SKIP_STARTED, Event.HURTS, Event.STOP}
    ),
    State.FINISHED: frozenset({Event.TICK}),
    State.STOPPED: frozenset({Event.TICK}),
}

_WHY_NOT = {
    State.GET_READY: "no step has started yet",
    State.RUNNING: "the step is under way",
    State.PAUSED: "the session is paused; resume first",
    State.PAIN_CHECK: "after 'it hurts' choose next, skip_region, skip_started_region or stop",
    State.FINISHED: "the session has finished",
    State.STOPPED: "the session was stopped",
}


@dataclass(frozen=True, slots=True)
class Update:
    """What one event or tick produced."""

    cues: tuple[Cue, ...] = ()
    steps: tuple[StepRecord, ...] = ()  # records to keep, new or changed (a later one replaces an earlier one)
    events: tuple[SessionEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class SkipChoice:
    """One way to leave an area alone after "it hurts": the event to send and the regions it leaves alone."""

    event: Event  # skip_region or skip_started_region
    regions: tuple[str, ...]
    started: bool  # the area of the step just started, rather than the one worked just before it
    ambiguous: bool  # "it hurts" came in a step's first seconds: the pain may be about either area


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the session is, for a display: the step (or the lead-in) and the time, in routine seconds."""

    state: State
    index: int  # the step under way, or the next to start during the lead-in
    step: Step | None  # None once the session is over
    lead_in: bool  # the get-ready countdown is showing (or paused)
    phase_elapsed: float  # in the step (or the lead-in)
    phase_started: float  # when it began on the clock, moved on by pauses (so it ends at phase_started + phase_seconds)
    phase_seconds: float  # its planned length
    elapsed: float  # time spent in steps, in this sitting and in earlier ones
    remaining: float  # planned time left: the rest of this step and every step still to come
    total: float  # the routine's planned length
    next_index: int | None  # the step that comes after this one
    last_cue: Cue | None  # the last thing said, for a caption

    @property
    def over(self) -> bool:
        """Whether the session has finished or been stopped."""
        return self.state in (State.FINISHED, State.STOPPED)

    @property
    def phase_remaining(self) -> float:
        """Seconds left in the step (or the lead-in)."""
        return max(0.0, self.phase_seconds - self.phase_elapsed)


@dataclass
class _Out:
    cues: list[Cue] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    events: list[SessionEvent] = field(default_factory=list)
    interrupt: bool = False  # the next cue answers the user

    def update(self) -> Update:
        return Update(tuple(self.cues), tuple(self.steps), tuple(self.events))


class Session:
    """A guided session over ``routine``; ``handle(event)`` moves it on. See the module docstring.

    ``start_at``, ``records`` and ``skipped_regions`` resume an interrupted session: the records kept so far, and
    the step to go on from (the one after the last kept step, by default).
    """

    def __init__(
        self,
        routine: Routine,
        catalog: Catalog,
        clock: Clock,
        *,
        words_per_minute: int | None = None,
        records: Iterable[StepRecord] = (),
        start_at: int | None = None,
        skipped_regions: Iterable[str] = (),
        skipped_steps: Iterable[int] = (),
    ) -> None:
        self.routine = routine
        self.steps = spoken_steps(routine, catalog)  # a pressure check says today's target, even in an old routine
        self.catalog = catalog
        self.rules = catalog.session
        self.clock = clock
        self.words_per_minute = words_per_minute or self.rules.words_per_minute
        self._schedules = [step_cues(step, catalog, self.words_per_minute) for step in self.steps]
        self._lead_in = lead_in_cues(self.rules, self.words_per_minute)
        self.records: dict[int, StepRecord] = {r.index: r for r in records}
        self.spent: dict[int, float] = {i: r.seconds for i, r in self.records.items()}
        self.feedback: dict[int, list[Feedback]] = {i: list(r.feedback) for i, r in self.records.items()}
        self.skipped_regions: set[str] = set(skipped_regions)
        self.skipped_steps = frozenset(skipped_steps)  # steps today's policy leaves out of a resumed session
        if start_at is None:
            start_at = max(self.records, default=-1) + 1
        self.index = start_at
        self.state = State.GET_READY
        now = clock.monotonic()
        self.started = now
        self.held_seconds = 0.0  # paused, or waiting in a pain check
        self.lead_in_seconds = 0.0  # spent in get-ready countdowns
        self.said: list[Cue] = []
        self._resume_to = State.GET_READY
        self._phase_start = now  # the start of the lead-in or of this visit to the step, moved on by pauses
        self._held_at: float | None = None
        self._next_cue = 0  # the first cue of the phase's schedule not yet said or dropped
        self._busy_until = float("-inf")
        self._hurt_before_start = False  # the pain check came during the lead-in: no step was stopped
        self._hurt_step: int | None = None  # the technique step "it hurts" was about
        self._hurt_started: int | None = None  # the technique step just started, when the pain was charged before
        self._pending: _Out | None = None  # what a tick did before an event was refused
        # The technique step worked last (time spent in it), which "it hurts" may be about.
        self._last_worked: int | None = max(
            (
                i
                for i, r in self.records.items()
                if self.steps[i].is_technique and r.seconds >= self.rules.hurt_grace_seconds
            ),
            default=None,
        )
        if not self._upcoming(self.index):  # a resumed session with nothing left to do: over, every step kept
            pending = _Out()
            for index in range(len(self.steps)):
                if index not in self.records:
                    self._record(index, StepStatus.SKIPPED, now, pending)
            self._pending = pending if pending.steps else None
            self.state = State.FINISHED

    # --- the one way in -----------------------------------------------------------------------------------------

    def handle(self, event: Event | str) -> Update:
        """Apply ``event`` at the clock's time; ``SessionStateError`` when the state does not take it."""
        try:
            event = Event(event)
        except ValueError:
            known = ", ".join(e.value for e in Event)
            raise SessionStateError(f"'{event}' is not a session event; the events are: {known}") from None
        now = self.clock.monotonic()
        out, self._pending = self._pending or _Out(), None
        self._advance(now, out)  # time first: the event applies to where the session is now
        if event not in ACCEPTS[self.state]:
            self._pending = out  # what the clock did is handed over with the next update, never lost
            raise SessionStateError(f"cannot '{event.value}' while '{self.state.value}': {_WHY_NOT[self.state]}")
        if event is not Event.TICK:
            out.interrupt = True
            if event not in (*_FEEDBACK, Event.HURTS, Event.SKIP_REGION, Event.SKIP_STARTED):  # their own details
                self._log(now, event.value, out)
            _HANDLERS[event](self, now, out)
            self._advance(now, out)
        return out.update()

    def tick(self) -> Update:
        """Let time pass: end the steps whose deadline has come, say the cues that are due."""
        return self.handle(Event.TICK)

    def next_deadline(self) -> float | None:
        """When (on the clock) something is next due without input; None while held or over."""
        if self.state not in (State.GET_READY, State.RUNNING):
            return None
        end = self._phase_start + self._phase_seconds()
        schedule = self._schedule()
        if self._next_cue < len(schedule):
            due = max(self._phase_start + schedule[self._next_cue].offset, self._busy_until)
            return min(end, due)
        return end

    # --- views ----------------------------------------------------------------------------------------------

    @property
    def over(self) -> bool:
        """Whether the session has finished or been stopped."""
        return self.state in (State.FINISHED, State.STOPPED)

    def progress(self) -> Progress:
        """Where the session is now."""
        now = self.clock.monotonic()
        lead_in = self._in_lead_in()
        live = self.state in (State.RUNNING, State.PAUSED) and not lead_in
        phase_elapsed = self._elapsed(now) if self.state in (State.GET_READY, State.RUNNING, State.PAUSED) else 0.0
        step = self.steps[self.index] if 0 <= self.index < len(self.steps) and not self.over else None
        in_step = phase_elapsed if live else 0.0
        elapsed = sum(self.spent.values()) + in_step
        later = self._upcoming(self.index + 1) if not self.over else []
        remaining = 0.0
        if step is not None:
            stopped = self.state is State.PAIN_CHECK
            remaining = (0.0 if stopped else max(0.0, step.seconds - in_step)) + sum(
                self.steps[i].seconds for i in later
            )
        return Progress(
            state=self.state,
            index=self.index,
            step=step,
            lead_in=lead_in,
            phase_elapsed=phase_elapsed,
            phase_started=self._phase_start,
            phase_seconds=self._phase_seconds() if step is not None else 0.0,
            elapsed=elapsed,
            remaining=remaining,
            total=float(self.routine.total_seconds),
            next_index=later[0] if later else None,
            last_cue=self.said[-1] if self.said else None,
        )

    def fork(self, clock: Clock) -> Session:
        """A copy of this session on another clock, to look ahead without touching this one (``timeline``)."""
        twin = copy.copy(self)
        twin.clock = clock
        twin.records = dict(self.records)
        twin.spent = dict(self.spent)
        twin.feedback = {i: list(f) for i, f in self.feedback.items()}
        twin.skipped_regions = set(self.skipped_regions)
        twin.said = list(self.said)
        twin._pending = None
        return twin

    def stop_advice(self) -> str:
        """What to do when it hurts (content, with its sources: ``session.yaml``)."""
        return self.rules.stop_advice

    def skip_target(self) -> tuple[str, ...]:
        """In a pain check, the regions ``skip_region`` would leave alone: those of the step that hurt; none for a
        sweep over most of the back (leaving "that area" alone would end the session: stop says so plainly)."""
        if self.state is not State.PAIN_CHECK or self._hurt_step is None:
            return ()
        return self._area(self._hurt_step)

    def skip_started_target(self) -> tuple[str, ...]:
        """In a pain check that came in the first seconds of a technique step, the regions of that step (the area
        just started), when they differ from ``skip_target()``'s: ``skip_started_region`` leaves them alone."""
        if self.state is not State.PAIN_CHECK or self._hurt_started is None:
            return ()
        regions = self._area(self._hurt_started)
        return regions if regions != self.skip_target() else ()

    def skip_choices(self) -> tuple[SkipChoice, ...]:
        """In a pain check, the areas the user may leave alone, in the order to offer them: the area the pain is
        charged to, then (in a step's first seconds) the area just started. Empty outside a pain check."""
        before, started = self.skip_target(), self.skip_started_target()
        ambiguous = bool(started)
        choices = []
        if before:
            choices.append(SkipChoice(Event.SKIP_REGION, before, started=False, ambiguous=ambiguous))
        if started:
            choices.append(SkipChoice(Event.SKIP_STARTED, started, started=True, ambiguous=ambiguous))
        return tuple(choices)

    def _area(self, index: int) -> tuple[str, ...]:
        """The regions step ``index`` works, none for a sweep over most of the back (leaving "that area" alone would
        end the session: stop says so plainly)."""
        step = self.steps[index]
        regions = tuple(dict.fromkeys(r for r in (step.region, *step.regions) if r))
        return regions if len(regions) <= len(self.catalog.regions) // 2 else ()

    # --- time -----------------------------------------------------------------------------------------------

    def _phase_seconds(self) -> float:
        if self._in_lead_in():
            return float(self.rules.lead_in_seconds)
        return float(self.steps[self.index].seconds)

    def _schedule(self) -> tuple[PlannedCue, ...]:
        if self._in_lead_in():
            return self._lead_in
        return self._schedules[self.index]

    def _elapsed(self, now: float) -> float:
        held = self._held_at if self._held_at is not None else now
        return max(0.0, min(held - self._phase_start, self._phase_seconds()))

    def _advance(self, now: float, out: _Out) -> None:
        """End every phase whose deadline has passed, each at its deadline; then say what is due."""
        while self.state in (State.GET_READY, State.RUNNING):
            end = self._phase_start + self._phase_seconds()
            if now < end:
                break
            # What this phase had still to say is dropped: it would come after the phase has ended.
            if self.state is State.GET_READY:
                self.lead_in_seconds += end - self._phase_start
                self._enter(self.index, end, out, State.RUNNING)
            else:
                self._close(StepStatus.DONE, end, out)
                self._enter(self.index + 1, end, out, State.RUNNING)
        self._say_due(now, out)

    def _say_due(self, now: float, out: _Out) -> None:
        """Say the cues of this phase that are due: stale ones are dropped, and one waits while another is said."""
        if self.state not in (State.GET_READY, State.RUNNING):
            return
        schedule = self._schedule()
        while True:
            due = [i for i in range(self._next_cue, len(schedule)) if self._phase_start + schedule[i].offset <= now]
            # A step's own cue says what to do now, however late; any other cue is dropped once stale.
            fresh = [
                i
                for i in due
                if schedule[i].kind in (CueKind.START, CueKind.LEAD_IN)
                or now - (self._phase_start + schedule[i].offset) <= self.rules.stale_seconds
            ]
            if not fresh:
                self._next_cue = max(self._next_cue, due[-1] + 1) if due else self._next_cue
                return
            if not out.interrupt and now < self._busy_until:
                return  # next_deadline() is the moment the voice is free
            # Of several due at once (a late tick), the most important; those before it are overtaken.
            chosen = max(fresh, key=lambda i: (PRIORITY[schedule[i].kind], i))
            self._next_cue = chosen + 1
            step = None if self._in_lead_in() else self.index
            planned = schedule[chosen]
            self._say(now, planned.kind, planned.text, out, step, self._phase_start + planned.offset)

    def _say(
        self, now: float, kind: CueKind, text: str, out: _Out, step: int | None = None, due: float | None = None
    ) -> None:
        seconds = speaking_seconds(text, self.words_per_minute)
        cue = Cue(now, kind, text, seconds, step, kind is CueKind.START, out.interrupt, due)
        out.interrupt = False
        self._busy_until = now + seconds
        out.cues.append(cue)
        self.said.append(cue)

    def _wall(self, at: float) -> timedelta:
        return timedelta(seconds=self.clock.real_seconds(self.clock.monotonic() - at))

    def _log(self, at: float, kind: str, out: _Out, detail: str = "") -> None:
        step = self.index if 0 <= self.index < len(self.steps) else None
        out.events.append(SessionEvent(self.clock.wall() - self._wall(at), kind, step, detail))

    # --- steps ----------------------------------------------------------------------------------------------

    def _enter(self, index: int, at: float, out: _Out, state: State) -> None:
        """Begin step ``index`` (or the first one after it not left out) at ``at``, in ``state``."""
        while index < len(self.steps) and self._left_out(index):
            self._record(index, StepStatus.SKIPPED, at, out)
            index += 1
        self.index = index
        if index >= len(self.steps):
            self._end(State.FINISHED, at, out)
            return
        self._phase_start = at
        self._next_cue = 0
        self.state = state
        self._held_at = at if state is State.PAUSED else None
        if state is State.PAUSED:
            self._resume_to = State.RUNNING

    def _close(self, status: StepStatus, at: float, out: _Out) -> None:
        """End the visit to the current step at ``at``, keeping what it took, with ``status``."""
        self._close_visit(at)
        self._record(self.index, status, at, out)

    def _close_visit(self, at: float) -> None:
        elapsed = self._elapsed(at)
        self.spent[self.index] = self.spent.get(self.index, 0.0) + elapsed
        if elapsed >= self.rules.hurt_grace_seconds and self.steps[self.index].is_technique:
            self._last_worked = self.index

    def _record(self, index: int, status: StepStatus, at: float, out: _Out) -> None:
        record = StepRecord(
            index,
            status,
            round(self.spent.get(index, 0.0), 3),
            tuple(self.feedback.get(index, ())),
            self.clock.wall() - self._wall(at),
        )
        self.records[index] = record
        out.steps.append(record)

    def _left_out(self, index: int) -> bool:
        """A step on a region the user chose to skip, or the switch of side just before one."""
        step = self.steps[index]
        if index in self.skipped_steps:
            return True
        if step.is_technique:
            if _soothing_sweep(step):  # light strokes over the whole back close the session, the sore area too
                return False
            return bool({step.region, *step.regions} & self.skipped_regions)
        return step.name == "switch_side" and index + 1 < len(self.steps) and self._left_out(index + 1)

    def _upcoming(self, start: int) -> list[int]:
        return [i for i in range(start, len(self.steps)) if not self._left_out(i)]

    def _end(self, state: State, at: float, out: _Out) -> None:
        for index in range(len(self.steps)):
            if index not in self.records:
                self._record(index, StepStatus.SKIPPED, at, out)
        self.state = state
        self._held_at = None
        out.interrupt = True
        now = max(at, self.clock.monotonic())  # said now, even when a late tick found the routine long over
        if state is State.FINISHED:
            self._say(now, CueKind.FINISHED, self.rules.texts.finished, out)
        else:
            self._say(now, CueKind.STOPPED, self.rules.texts.stopped, out)

    def _release_hold(self, now: float) -> None:
        if self._held_at is not None:
            self.held_seconds += now - self._held_at
            self._phase_start += now - self._held_at
            self._held_at = None

    # --- the events -----------------------------------------------------------------------------------------

    def _pause(self, now: float, out: _Out) -> None:
        self._resume_to = self.state
        self.state = State.PAUSED
        self._held_at = now
        self._say(now, CueKind.PAUSED, self.rules.texts.paused, out)

    def _resume(self, now: float, out: _Out) -> None:
        self._release_hold(now)
        self.state = self._resume_to
        self._say(now, CueKind.RESUMED, self.rules.texts.resumed, out)
        out.interrupt = False  # what was due waits for "carry on" to be said

    def _next(self, now: float, out: _Out) -> None:
        if self.state is State.GET_READY:
            self.lead_in_seconds += self._elapsed(now)
            self._enter(self.index, now, out, State.RUNNING)
        elif self.state is State.PAIN_CHECK:
            self._release_hold(now)
            self._enter(self.index if self._hurt_before_start else self.index + 1, now, out, State.RUNNING)
        else:
            paused = self.state is State.PAUSED
            if self._in_lead_in():
                self.lead_in_seconds += self._elapsed(now)
                self._release_hold(now)
                self._enter(self.index, now, out, State.PAUSED)
                return
            self._close(StepStatus.SKIPPED, now, out)
            self._release_hold(now)
            self._enter(self.index + 1, now, out, State.PAUSED if paused else State.RUNNING)

    def _in_lead_in(self) -> bool:
        return self.state is State.GET_READY or (self.state is State.PAUSED and self._resume_to is State.GET_READY)

    def _restart_lead_in(self, now: float) -> None:
        """Back or repeat during the lead-in: the countdown starts again (still paused, if it was)."""
        paused = self.state is State.PAUSED
        self.lead_in_seconds += self._elapsed(now)
        self._release_hold(now)
        self._phase_start = now
        self._held_at = now if paused else None
        self._next_cue = 0

    def _back(self, now: float, out: _Out) -> None:
        if self._in_lead_in():
            self._restart_lead_in(now)
            return
        paused = self.state is State.PAUSED
        self._close_visit(now)
        self._release_hold(now)
        earlier = [i for i in range(self.index - 1, -1, -1) if not self._left_out(i)]
        self._enter(earlier[0] if earlier else self.index, now, out, State.PAUSED if paused else State.RUNNING)

    def _repeat(self, now: float, out: _Out) -> None:
        if self._in_lead_in():
            self._restart_lead_in(now)
            return
        paused = self.state is State.PAUSED
        self._close_visit(now)
        self._release_hold(now)
        self._enter(self.index, now, out, State.PAUSED if paused else State.RUNNING)

    def _give_feedback(self, kind: Feedback, now: float, out: _Out) -> None:
        target = self._feedback_target()
        if target is not None:  # a routine of transitions only has no step to note it on; it is still said
            self.feedback.setdefault(target, []).append(kind)
            if target in self.records:  # a pressure check after the step: its record takes the feedback too
                old = self.records[target]
                self.records[target] = replace(old, feedback=tuple(self.feedback[target]))
                out.steps.append(self.records[target])
        texts = self.rules.texts
        said = {Feedback.MORE: texts.more, Feedback.LESS: texts.less, Feedback.GOOD: texts.good}[kind]
        if kind is Feedback.MORE and target is not None and self._at_limit(self.steps[target]):
            said = texts.more_at_limit
        self._say(now, CueKind.FEEDBACK, said, out)

    def _at_limit(self, step: Step) -> bool:
        """Whether ``step`` is already at the most pressure the routine's restrictions (today's screen) allow."""
        most = self.catalog.pressure_cap(self.routine.restrictions)
        return most is not None and step.pressure is not None and step.pressure.level >= most.level

    def _feedback_target(self) -> int | None:
        """The technique step feedback is about: this one, else the last one before (a pressure check), else the
        next one."""
        if self._in_lead_in():  # before the first step of this sitting: the first technique step to come
            after = [i for i in range(self.index, len(self.steps)) if self.steps[i].is_technique]
            return after[0] if after else None
        if self.steps[self.index].is_technique:
            return self.index
        before = [i for i in range(self.index - 1, -1, -1) if self.steps[i].is_technique]
        after = [i for i in range(self.index + 1, len(self.steps)) if self.steps[i].is_technique]
        candidates = before or after
        return candidates[0] if candidates else None

    def _hurts(self, now: float, out: _Out) -> None:
        if self.state is not State.PAIN_CHECK:
            self._hurt_before_start = self._in_lead_in()
            self._hurt_step = self._hurt_about(now)
            current = None if self._hurt_before_start else self.index
            started = current is not None and self.steps[current].is_technique and current != self._hurt_step
            self._hurt_started = current if started else None
            if self._hurt_before_start:
                self.lead_in_seconds += self._elapsed(now)
            else:
                self._close(StepStatus.STOPPED, now, out)
            self._release_hold(now)
            self._held_at = now
        self.state = State.PAIN_CHECK
        self._log(now, Event.HURTS.value, out, " ".join(self.skip_target()))
        self._say(now, CueKind.HURTS, self.rules.texts.hurts, out)

    def _hurt_about(self, now: float) -> int | None:
        """The technique step the pain is about: this one; in its first seconds, or during a transition, the one
        worked last (by the clock, not by its place: after back or next it may come later in the routine); None
        when no technique step has been worked."""
        current = None if self._hurt_before_start else self.index
        if current is not None and self.steps[current].is_technique:
            if self._elapsed(now) >= self.rules.hurt_grace_seconds:
                return current
        if self._last_worked is not None:
            return self._last_worked
        return current if current is not None and self.steps[current].is_technique else None

    def _skip_region(self, now: float, out: _Out, regions: tuple[str, ...] | None = None) -> None:
        regions = self.skip_target() if regions is None else regions
        # Logged as skip_region whichever area it was: the journal's events say which regions a resumed session
        # leaves alone (``detail``), not which button chose them.
        self._log(now, Event.SKIP_REGION.value, out, " ".join(regions))
        self.skipped_regions.update(regions)
        self._say(now, CueKind.SKIP_REGION, self.rules.texts.skip_region, out)
        self._release_hold(now)
        self._enter(self.index if self._hurt_before_start else self.index + 1, now, out, State.RUNNING)

    def _stop(self, now: float, out: _Out) -> None:
        if self._in_lead_in():
            self.lead_in_seconds += self._elapsed(now)
        elif self.state is not State.PAIN_CHECK:
            self._close(StepStatus.STOPPED, now, out)
        self._release_hold(now)
        self._end(State.STOPPED, now, out)


_HANDLERS: dict[Event, Callable[[Session, float, _Out], None]] = {
    Event.PAUSE: Session._pause,
    Event.RESUME: Session._resume,
    Event.NEXT: Session._next,
    Event.BACK: Session._back,
    Event.REPEAT: Session._repeat,
    Event.MORE: lambda s, now, out: s._give_feedback(Feedback.MORE, now, out),
    Event.LESS: lambda s, now, out: s._give_feedback(Feedback.LESS, now, out),
    Event.GOOD: lambda s, now, out: s._give_feedback(Feedback.GOOD, now, out),
    Event.HURTS: Session._hurts,
    Event.SKIP_REGION: Session._skip_region,
    Event.SKIP_STARTED: lambda s, now, out: s._skip_region(now, out, s.skip_started_target()),
    Event.STOP: Session._stop,
}


def _soothing_sweep(step: Step) -> bool:
    """A light stroke over much of the back (the warming and closing effleurage): skipping an area does not drop it,
    since it presses on nothing and soothes what was worked. A roller band or a ball on the area is left out."""
    return step.pressure is Pressure.LIGHT and len(set(step.regions)) > 2 and step.technique == "effleurage"
