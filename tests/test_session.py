"""The guided session's state machine on a hand-driven clock: every (state, event) pair, properties over random
routines and random event sequences, and the behaviours issue 6 names (it hurts and the step it is about, skip a
region, pause, back, repeat, feedback, resuming, holds, late ticks and the cue they say, late and refused events)."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unknot.content import load_catalog
from unknot.errors import SessionStateError
from unknot.model import Feedback, Mode, PlanRequest, Routine, Step, StepRecord, StepStatus
from unknot.planner import plan
from unknot.session import (
    ACCEPTS,
    Cue,
    CueKind,
    Event,
    ManualClock,
    Session,
    State,
    Update,
    lead_in_cues,
    planned_cues,
    step_cues,
)

CATALOG = load_catalog()
RULES = CATALOG.session
LEAD_IN = float(RULES.lead_in_seconds)
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
OPENERS = {CueKind.START, CueKind.LEAD_IN}
# The cues of a step's (or the lead-in's) schedule that a session says on its own, besides the opener.
SCHEDULED = {CueKind.HOLD, CueKind.RELEASE, CueKind.COUNTDOWN, CueKind.SWITCH_SIDES, CueKind.HALFWAY, CueKind.WARNING}
FEEDBACK = {Event.MORE: Feedback.MORE, Event.LESS: Feedback.LESS, Event.GOOD: Feedback.GOOD}
EPS = 1e-9


@cache
def routine(mode: Mode, minutes: int, tools: tuple[str, ...] = (), seed: int = 0) -> Routine:
    """A planned routine (cached: hypothesis asks for the same ones often)."""
    return plan(PlanRequest(mode, minutes, tools, seed=seed), catalog=CATALOG)


# get_ready 10 s, ball_wall on the right upper trapezius 68 s (a hold), switch_side, the left side, a pain_check
# transition, the right and left rhomboid: every state and event can be reached on it.
SELF = routine(Mode.SELF, 5, ("tennis_ball",), 1)
# Partner, 15 min: effleurage, petrissage over both sides, rhomboid access, trigger points, pain checks, rests.
PARTNER = routine(Mode.PARTNER, 15, (), 0)


def begin(r: Routine, index: int) -> float:
    """When step ``index`` starts on the clock in a session without events (the lead-in comes first)."""
    return LEAD_IN + sum(step.seconds for step in r.steps[:index])


def regions_of(step: Step) -> tuple[str, ...]:
    """The regions a step works, in order, each once: what skipping its region leaves alone."""
    return tuple(dict.fromkeys(r for r in (step.region, *step.regions) if r))


# --- driving a session ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """A session on a manual clock, with every update it gave."""

    session: Session
    clock: ManualClock
    updates: list[Update] = field(default_factory=list)

    @classmethod
    def of(cls, r: Routine, **kwargs: object) -> Run:
        clock = ManualClock()
        return cls(Session(r, CATALOG, clock, **kwargs), clock)

    def handle(self, event: Event) -> Update:
        update = self.session.handle(event)
        self.updates.append(update)
        return update

    def tick(self) -> Update:
        return self.handle(Event.TICK)

    def advance_to(self, t: float) -> None:
        """Move the clock to ``t`` (never back), without ticking."""
        self.clock.advance(max(0.0, t - self.clock.now))
        while self.clock.now < t:  # t - now was rounded down
            self.clock.advance(math.ulp(self.clock.now))

    def run_to(self, t: float) -> None:
        """Tick at every deadline up to ``t``, then at ``t``: a front end that waits exactly as long as it is told."""
        for _ in range(100_000):
            if (due := self.session.next_deadline()) is None or due > t:
                break
            self.advance_to(due)
            self.tick()
        else:
            raise AssertionError(f"a deadline that never passes, before {t}")
        self.advance_to(t)
        self.tick()

    def finish(self) -> float:
        """Tick at each deadline until the session is over; the clock time it ended (its last cue)."""
        for _ in range(100_000):
            if self.session.over:
                return self.said[-1].at
            due = self.session.next_deadline()
            assert due is not None, f"nothing due in {self.session.state}"
            assert due >= self.clock.now, f"a deadline {due} before now {self.clock.now}"
            self.advance_to(due)
            self.tick()
        raise AssertionError("the session never ended")

    @property
    def said(self) -> list[Cue]:
        return self.session.said

    def kinds(self, update: Update) -> tuple[CueKind, ...]:
        return tuple(cue.kind for cue in update.cues)

    def on_clock(self, at: datetime | None) -> float:
        """A record's ``ended_at`` as the clock's seconds."""
        assert at is not None
        return (at - self.clock.start).total_seconds()

    def ended(self) -> float:
        """When the session ended on the clock, by its own account: every second is in the lead-in, in a step or
        held (paused, or in a pain check)."""
        session = self.session
        return session.started + session.lead_in_seconds + sum(session.spent.values()) + session.held_seconds


def snapshot(session: Session) -> tuple[object, ...]:
    """Everything an event could change."""
    return (
        session.state,
        dict(session.records),
        dict(session.spent),
        {i: list(f) for i, f in session.feedback.items()},
        set(session.skipped_regions),
        session.progress(),
        list(session.said),
        session.next_deadline(),
        session.held_seconds,
        session.lead_in_seconds,
    )


def check_refused(session: Session, event: Event) -> None:
    """``event`` is refused with a message that names it and the state, and nothing changes."""
    before = snapshot(session)
    with pytest.raises(SessionStateError) as raised:
        session.handle(event)
    message = str(raised.value)
    assert f"'{event.value}'" in message and f"'{session.state.value}'" in message, message
    assert snapshot(session) == before


def check_cues_in_order(said: list[Cue]) -> None:
    """Cues come in order and never overlap, except a cue that answers the user."""
    for a, b in zip(said, said[1:], strict=False):
        assert a.at <= b.at, f"{b} said before {a}"
        assert b.interrupt or a.at + a.seconds <= b.at + EPS, f"{b} overlaps {a}"


def check_tick_cues(run: Run, update: Update) -> None:
    """A tick says the cues of the phase under way, each when due and never more than ``stale_seconds`` late
    (a step's own cue and the lead-in's are said late rather than not at all); nothing it says interrupts,
    except the session's last words."""
    now = run.clock.now
    progress = run.session.progress()
    for cue in update.cues:
        if cue.kind in (CueKind.FINISHED, CueKind.STOPPED):
            assert cue is update.cues[-1] and run.session.over
            continue
        assert not cue.interrupt, cue
        assert cue.at == now, cue
        assert cue.kind in SCHEDULED | OPENERS, cue
        assert progress.state in (State.GET_READY, State.RUNNING)
        assert cue.step == (None if progress.lead_in else progress.index), (cue, progress)
        wpm = run.session.words_per_minute
        schedule = lead_in_cues(RULES, wpm) if progress.lead_in else step_cues(progress.step, CATALOG, wpm)
        start = now - progress.phase_elapsed
        dues = [start + p.offset for p in schedule if (p.kind, p.text) == (cue.kind, cue.text)]
        late = RULES.stale_seconds if cue.kind in SCHEDULED else math.inf
        assert any(due - 1e-6 <= cue.at <= due + late + 1e-6 for due in dues), (cue, dues)


def check_records(session: Session, updates: Iterable[Update]) -> None:
    """Every step has a record that ended it; the updates carried each one (the journal's copy is the session's).
    A resumed session's earlier records come in as a first update: ``Update(steps=tuple(records))``."""
    steps = session.steps
    assert sorted(session.records) == list(range(len(steps)))
    for index, record in session.records.items():
        assert record.index == index
        assert record.status in (StepStatus.DONE, StepStatus.SKIPPED, StepStatus.STOPPED)
        if record.status is StepStatus.DONE:  # it ran to its end at least once
            assert record.seconds >= steps[index].seconds - 1e-3, record
    kept: dict[int, StepRecord] = {}
    for update in updates:
        kept.update((record.index, record) for record in update.steps)
    assert kept == session.records


# --- every (state, event) pair -------------------------------------------------------------------------------

IN_STEP = 20.0  # how far into step 1 (ball_wall, a technique) the step scenarios have gone


def _get_ready(run: Run) -> None:
    run.run_to(1.0)


def _paused_lead_in(run: Run) -> None:
    _get_ready(run)
    run.handle(Event.PAUSE)


def _running(run: Run) -> None:
    run.run_to(begin(SELF, 1) + IN_STEP)


def _paused(run: Run) -> None:
    _running(run)
    run.handle(Event.PAUSE)


def _pain_check(run: Run) -> None:
    _running(run)
    run.handle(Event.HURTS)


def _finished(run: Run) -> None:
    run.finish()


def _stopped(run: Run) -> None:
    _running(run)
    run.handle(Event.STOP)


# name: (how to get there, the state it is in)
SCENARIOS: dict[str, tuple[Callable[[Run], None], State]] = {
    "get_ready": (_get_ready, State.GET_READY),
    "paused_lead_in": (_paused_lead_in, State.PAUSED),
    "running": (_running, State.RUNNING),
    "paused": (_paused, State.PAUSED),
    "pain_check": (_pain_check, State.PAIN_CHECK),
    "finished": (_finished, State.FINISHED),
    "stopped": (_stopped, State.STOPPED),
}


@dataclass(frozen=True)
class Outcome:
    """What an accepted event leads to: the state, the step (None: not checked), the cues said, the records the
    update carries ({index: (status, seconds)}), and optionally whether the lead-in shows and the time in the phase."""

    state: State
    index: int | None
    cues: tuple[CueKind, ...] = ()
    records: dict[int, tuple[StepStatus, float]] = field(default_factory=dict)
    lead_in: bool = False
    phase_elapsed: float | None = None


N = len(SELF.steps)


def _skipped(start: int) -> dict[int, tuple[StepStatus, float]]:
    return {i: (StepStatus.SKIPPED, 0.0) for i in range(start, N)}


_STOP_IN_STEP = Outcome(State.STOPPED, None, (CueKind.STOPPED,), {1: (StepStatus.STOPPED, IN_STEP), **_skipped(2)})
_FEEDBACK_CUE = (CueKind.FEEDBACK,)

EXPECTED: dict[tuple[str, Event], Outcome] = {
    ("get_ready", Event.TICK): Outcome(State.GET_READY, 0, lead_in=True, phase_elapsed=1.0),
    ("get_ready", Event.PAUSE): Outcome(State.PAUSED, 0, (CueKind.PAUSED,), lead_in=True),
    ("get_ready", Event.NEXT): Outcome(State.RUNNING, 0, (CueKind.START,), phase_elapsed=0.0),
    # Back and repeat count down anew: "Starting in 5" again, at once.
    ("get_ready", Event.BACK): Outcome(State.GET_READY, 0, (CueKind.LEAD_IN,), lead_in=True, phase_elapsed=0.0),
    ("get_ready", Event.REPEAT): Outcome(State.GET_READY, 0, (CueKind.LEAD_IN,), lead_in=True, phase_elapsed=0.0),
    **{("get_ready", e): Outcome(State.GET_READY, 0, _FEEDBACK_CUE, lead_in=True, phase_elapsed=1.0) for e in FEEDBACK},
    ("get_ready", Event.HURTS): Outcome(State.PAIN_CHECK, 0, (CueKind.HURTS,)),
    ("get_ready", Event.STOP): Outcome(State.STOPPED, None, (CueKind.STOPPED,), _skipped(0)),
    ("paused_lead_in", Event.TICK): Outcome(State.PAUSED, 0, lead_in=True, phase_elapsed=1.0),
    ("paused_lead_in", Event.RESUME): Outcome(State.GET_READY, 0, (CueKind.RESUMED,), lead_in=True),
    ("paused_lead_in", Event.NEXT): Outcome(State.PAUSED, 0, phase_elapsed=0.0),  # step 0, still paused
    ("paused_lead_in", Event.BACK): Outcome(State.PAUSED, 0, lead_in=True, phase_elapsed=0.0),  # countdown anew
    ("paused_lead_in", Event.REPEAT): Outcome(State.PAUSED, 0, lead_in=True, phase_elapsed=0.0),
    **{("paused_lead_in", e): Outcome(State.PAUSED, 0, _FEEDBACK_CUE, lead_in=True) for e in FEEDBACK},
    ("paused_lead_in", Event.HURTS): Outcome(State.PAIN_CHECK, 0, (CueKind.HURTS,)),
    ("paused_lead_in", Event.STOP): Outcome(State.STOPPED, None, (CueKind.STOPPED,), _skipped(0)),
    ("running", Event.TICK): Outcome(State.RUNNING, 1, phase_elapsed=IN_STEP),
    ("running", Event.PAUSE): Outcome(State.PAUSED, 1, (CueKind.PAUSED,), phase_elapsed=IN_STEP),
    ("running", Event.NEXT): Outcome(State.RUNNING, 2, (CueKind.START,), {1: (StepStatus.SKIPPED, IN_STEP)}),
    ("running", Event.BACK): Outcome(State.RUNNING, 0, (CueKind.START,), phase_elapsed=0.0),
    ("running", Event.REPEAT): Outcome(State.RUNNING, 1, (CueKind.START,), phase_elapsed=0.0),
    **{("running", e): Outcome(State.RUNNING, 1, _FEEDBACK_CUE, phase_elapsed=IN_STEP) for e in FEEDBACK},
    ("running", Event.HURTS): Outcome(State.PAIN_CHECK, 1, (CueKind.HURTS,), {1: (StepStatus.STOPPED, IN_STEP)}),
    ("running", Event.STOP): _STOP_IN_STEP,
    ("paused", Event.TICK): Outcome(State.PAUSED, 1, phase_elapsed=IN_STEP),
    ("paused", Event.RESUME): Outcome(State.RUNNING, 1, (CueKind.RESUMED,), phase_elapsed=IN_STEP),
    ("paused", Event.NEXT): Outcome(State.PAUSED, 2, (), {1: (StepStatus.SKIPPED, IN_STEP)}, phase_elapsed=0.0),
    ("paused", Event.BACK): Outcome(State.PAUSED, 0, phase_elapsed=0.0),
    ("paused", Event.REPEAT): Outcome(State.PAUSED, 1, phase_elapsed=0.0),
    **{("paused", e): Outcome(State.PAUSED, 1, _FEEDBACK_CUE, phase_elapsed=IN_STEP) for e in FEEDBACK},
    ("paused", Event.HURTS): Outcome(State.PAIN_CHECK, 1, (CueKind.HURTS,), {1: (StepStatus.STOPPED, IN_STEP)}),
    ("paused", Event.STOP): _STOP_IN_STEP,
    ("pain_check", Event.TICK): Outcome(State.PAIN_CHECK, 1),
    ("pain_check", Event.NEXT): Outcome(State.RUNNING, 2, (CueKind.START,), phase_elapsed=0.0),
    # The next step's own cue waits for "leaving that area alone" to be said.
    ("pain_check", Event.SKIP_REGION): Outcome(State.RUNNING, 2, (CueKind.SKIP_REGION,), phase_elapsed=0.0),
    # Past the first seconds no other area was just started: it leaves nothing alone, and goes on.
    ("pain_check", Event.SKIP_STARTED): Outcome(State.RUNNING, 2, (CueKind.SKIP_REGION,), phase_elapsed=0.0),
    ("pain_check", Event.HURTS): Outcome(State.PAIN_CHECK, 1, (CueKind.HURTS,)),
    ("pain_check", Event.STOP): Outcome(State.STOPPED, None, (CueKind.STOPPED,), _skipped(2)),
    ("finished", Event.TICK): Outcome(State.FINISHED, None),
    ("stopped", Event.TICK): Outcome(State.STOPPED, None),
}


def test_the_table_routine_has_the_shape_the_table_relies_on() -> None:
    steps = SELF.steps
    assert [s.name or s.technique for s in steps[:3]] == ["get_ready", "ball_wall", "switch_side"]
    assert steps[1].seconds > IN_STEP + 1 and steps[1].region == "upper_trapezius_right"
    # Nothing of step 1's schedule but its own cue is due by IN_STEP, so the table's cues are the event's own.
    assert [p.kind for p in step_cues(steps[1], CATALOG) if p.offset <= IN_STEP] == [CueKind.START]
    assert [p.offset for p in lead_in_cues(RULES)][:2] == [0.0, 2.0]  # nothing due at 1 s into the lead-in
    # The pain check comes after the grace: "it hurts" is about step 1 itself.
    assert IN_STEP >= RULES.hurt_grace_seconds


def test_the_expected_table_covers_exactly_what_the_states_accept() -> None:
    for name, (_, state) in SCENARIOS.items():
        assert {e for (n, e) in EXPECTED if n == name} == set(ACCEPTS[state]), name


PAIRS = [pytest.param(name, event, id=f"{name}-{event.value}") for name in SCENARIOS for event in Event]


@pytest.mark.parametrize(("scenario", "event"), PAIRS)
def test_every_state_and_event(scenario: str, event: Event) -> None:
    drive, state = SCENARIOS[scenario]
    run = Run.of(SELF)
    drive(run)
    session = run.session
    assert session.state is state
    expected = EXPECTED.get((scenario, event))
    if expected is None:
        assert event not in ACCEPTS[state]
        check_refused(session, event)
        return
    assert event in ACCEPTS[state]
    feedback_before = list(session.feedback.get(1, []))
    update = run.handle(event)
    progress = session.progress()
    assert session.state is expected.state
    if expected.index is not None:
        assert progress.index == expected.index
        assert progress.lead_in is expected.lead_in
    if expected.phase_elapsed is not None:
        assert progress.phase_elapsed == pytest.approx(expected.phase_elapsed)
    assert run.kinds(update) == expected.cues
    if event is not Event.TICK and update.cues:
        assert update.cues[0].interrupt  # an answer to the user cuts in
    assert {r.index: (r.status, r.seconds) for r in update.steps} == pytest.approx(expected.records)
    logged = [] if event is Event.TICK or event in FEEDBACK else [event.value]
    if event is Event.SKIP_STARTED:  # kept as skip_region: the journal says which regions, not which button
        logged = [Event.SKIP_REGION.value]
    assert [e.kind for e in update.events] == logged
    if event in FEEDBACK:  # on step 1: the step under way, or the first technique step after the lead-in
        assert session.feedback[1] == [*feedback_before, FEEDBACK[event]]
    if event in (Event.BACK, Event.REPEAT) and expected.lead_in:  # the countdown started again, from now
        assert session.lead_in_seconds == pytest.approx(1.0)
        assert session.next_deadline() == (None if session.state is State.PAUSED else run.clock.now + 2.0)
    # "it hurts" at IN_STEP is about step 1 itself; in the lead-in, no step has been worked yet.
    assert session.skip_target() == (
        ("upper_trapezius_right",) if expected.index == 1 and session.state is State.PAIN_CHECK else ()
    )
    if session.over:
        check_records(session, run.updates)
    check_cues_in_order(run.said)


def test_an_unknown_event_is_refused_with_the_events_there_are() -> None:
    session = Run.of(SELF).session
    with pytest.raises(SessionStateError, match="'jump' is not a session event.*skip_region"):
        session.handle("jump")


def test_a_state_error_names_the_state_even_after_time_has_passed() -> None:
    run = Run.of(SELF)
    run.finish()
    run.clock.advance(1000)
    with pytest.raises(SessionStateError, match="cannot 'resume' while 'finished'"):
        run.session.handle(Event.RESUME)


# --- properties over random routines and event sequences ---------------------------------------------------------


@st.composite
def routines(draw: st.DrawFn, max_minutes: int = 20) -> Routine:
    return routine(
        draw(st.sampled_from(list(Mode))),
        draw(st.integers(3, max_minutes)),
        tuple(sorted(draw(st.sets(st.sampled_from(TOOLS))))),
        draw(st.integers(0, 20)),
    )


USER_EVENTS = [e for e in Event if e is not Event.TICK]
ACTIONS = st.lists(
    st.one_of(
        st.integers(1, 8 * 64).map(lambda n: n / 64),  # a tick a little later
        st.integers(20, 400).map(float),  # a late tick: may cross several deadlines
        st.sampled_from(USER_EVENTS),
        st.sampled_from([Event.NEXT, Event.HURTS, Event.SKIP_REGION, Event.SKIP_STARTED]),  # the pain check, more often
    ),
    max_size=40,
)


# The default rate, and rates at which a step's own cue may outlast a short step.
RATES = st.sampled_from([None, 40, 90, 250])


@dataclass
class Outcomes:
    """A random run, and what the properties need from it."""

    run: Run
    redo: float = 0.0  # an upper bound on the step time done again by back and repeat
    redone: bool = False  # back or repeat was applied


def play(
    r: Routine, actions: list[float | Event], ticks_first: list[bool], stop_at_end: bool, words_per_minute: int | None
) -> Outcomes:
    """Apply ``actions`` (clock advances, each followed by a tick, and user events, some straight after a tick and
    some long after the last one), checking each step; then end the session (stop, or let it run out after going on
    from a pause or a pain check)."""
    out = Outcomes(Run.of(r, words_per_minute=words_per_minute))
    run, session = out.run, out.run.session
    for n, action in enumerate(actions):
        if isinstance(action, Event):
            # Back and repeat always come straight after a tick, so that what they do again is read off the progress.
            if ticks_first[n] or action in (Event.BACK, Event.REPEAT):
                run.tick()
                if action not in ACCEPTS[session.state]:
                    check_refused(session, action)
                    continue
            before = session.progress()
            try:
                run.handle(action)
            except SessionStateError as refused:  # judged where the clock had brought the session
                assert action not in ACCEPTS[session.state], refused
                assert f"'{action.value}' while '{session.state.value}'" in str(refused)
                # What the clock did first comes with the next update: here a tick at once, as a front end would.
                check_tick_cues(run, run.tick())
                continue
            after = session.progress()
            if action in (Event.BACK, Event.REPEAT) and not before.lead_in and before.state is not State.PAIN_CHECK:
                out.redone = True
                out.redo += before.phase_elapsed  # the visit cut short is done again...
                if after.index < before.index:  # ...and so is the earlier step gone back to
                    out.redo += r.steps[after.index].seconds
        else:
            run.clock.advance(action)
            check_tick_cues(run, run.tick())
        due = session.next_deadline()
        assert due is None or due > run.clock.now, (due, run.clock.now, session.state)
        assert (due is None) == (session.state not in (State.GET_READY, State.RUNNING))
    if stop_at_end and not session.over:
        run.handle(Event.STOP)
    elif session.state is State.PAUSED:
        run.handle(Event.RESUME)
    elif session.state is State.PAIN_CHECK:  # resume never leaves a pain check: an explicit choice does
        run.handle(Event.NEXT)
    run.finish()
    return out


@settings(max_examples=150)
@given(
    r=routines(),
    actions=ACTIONS,
    ticks_first=st.lists(st.booleans(), min_size=40, max_size=40),
    stop_at_end=st.booleans(),
    words_per_minute=RATES,
)
def test_any_run_keeps_time_records_and_cues_straight(
    r: Routine, actions: list[float | Event], ticks_first: list[bool], stop_at_end: bool, words_per_minute: int | None
) -> None:
    out = play(r, actions, ticks_first, stop_at_end, words_per_minute)
    run, session = out.run, out.run.session
    assert session.over
    # Time in steps: the plan at most, and more only by what back and repeat did again.
    spent = sum(session.spent.values())
    assert spent <= r.total_seconds + out.redo + 1e-6, (spent, r.total_seconds, out.redo)
    if not out.redone:
        assert spent <= r.total_seconds + 1e-6
    # Every second from start to end is in the lead-in, in a step or held (paused, or in a pain check): no step
    # ended after that end, and the last words were said then, or later when a late tick found the routine over.
    ended = run.said[-1]
    assert ended.kind in (CueKind.FINISHED, CueKind.STOPPED)
    end = run.ended()
    last_record = max(run.on_clock(record.ended_at) for record in session.records.values())
    assert last_record <= end + 1e-5 and end <= ended.at + 1e-6, (last_record, end, ended)
    if ended.at > end + 1e-6:  # said by a tick (or a refused event) that came after the last step had ended
        assert ended.kind is CueKind.FINISHED and last_record == pytest.approx(end, abs=1e-5)
    # Every step ends with a record (done, skipped or stopped), and the journal got each one.
    check_records(session, run.updates)
    # The cues: all of them in the updates, none lost or twice, in order, never overlapping unless answering the user.
    assert run.said == [cue for update in run.updates for cue in update.cues]
    check_cues_in_order(run.said)
    # After the end, time passing changes nothing.
    before = snapshot(session)
    run.clock.advance(500)
    assert run.tick() == Update()
    assert snapshot(session)[:5] == before[:5]


def _where(session: Session) -> tuple[object, ...]:
    """Where a session is, leaving out what was said (a tick left out may let a cue go stale)."""
    progress = replace(session.progress(), last_cue=None)
    return (*snapshot(session)[:5], progress, session.held_seconds, session.lead_in_seconds)


def _handed_over(updates: Iterable[Update]) -> tuple[list[StepRecord], list[object]]:
    """Every record and journal event the updates carried, in order."""
    updates = list(updates)
    return [r for u in updates for r in u.steps], [e for u in updates for e in u.events]


@settings(max_examples=100)
@given(r=routines(), actions=ACTIONS, ticks=st.lists(st.booleans(), min_size=40, max_size=40))
def test_an_event_applies_where_time_has_brought_the_session(
    r: Routine, actions: list[float | Event], ticks: list[bool]
) -> None:
    """``handle(event)`` catches up with the clock first, and only then judges the event: the same as a tick just
    before, refusals included. What the clock did before a refusal comes with the next update: the journal gets the
    same records and events, in the same order, whether or not the ticks came."""
    ticked, direct = Run.of(r), Run.of(r)
    for action, tick in zip(actions, ticks, strict=False):
        if isinstance(action, Event):
            ticked.tick()
            accepted = action in ACCEPTS[ticked.session.state]
            if accepted:
                ticked.handle(action)
            try:
                direct.handle(action)
            except SessionStateError as refused:
                assert not accepted, refused
                assert f"'{action.value}' while '{ticked.session.state.value}'" in str(refused)
            else:
                assert accepted, (action, ticked.session.state)
            assert _where(direct.session) == _where(ticked.session)
        else:
            for run in (ticked, direct):
                run.clock.advance(action)
            ticked.tick()
            if tick:
                direct.tick()
    direct.tick()
    assert _where(direct.session) == _where(ticked.session)
    assert _handed_over(direct.updates) == _handed_over(ticked.updates)


@pytest.mark.parametrize(
    ("event", "phase_elapsed", "answer"),
    [
        # The feedback is noted on step 1, the first technique; the lead-in would have taken it too.
        pytest.param(Event.MORE, 1.0, (CueKind.FEEDBACK, None), id="more"),
        # Step 0 again, not the countdown again.
        pytest.param(Event.BACK, 0.0, (CueKind.START, 0), id="back"),
        pytest.param(Event.REPEAT, 0.0, (CueKind.START, 0), id="repeat"),
        pytest.param(Event.PAUSE, 1.0, (CueKind.PAUSED, None), id="pause"),
    ],
)
def test_an_event_is_judged_where_time_has_brought_the_session(
    event: Event, phase_elapsed: float, answer: tuple[CueKind, int | None]
) -> None:
    run = Run.of(SELF)
    run.clock.advance(LEAD_IN + 1)  # step 0 has been under way for 1 s; no tick came since the start
    update = run.handle(event)
    session, progress = run.session, run.session.progress()
    assert (progress.index, progress.lead_in, progress.phase_elapsed) == (0, False, phase_elapsed)
    assert session.state is (State.PAUSED if event is Event.PAUSE else State.RUNNING)
    assert session.lead_in_seconds == LEAD_IN  # the countdown ran to its end; it was not started again
    # Step 0's own cue, said late by the catch-up, then the answer, cutting in.
    now = LEAD_IN + 1
    assert [(c.kind, c.step, c.at, c.interrupt) for c in update.cues] == [
        (CueKind.START, 0, now, False),
        (*answer, now, True),
    ]
    assert [e.kind for e in update.events] == ([] if event in FEEDBACK else [event.value])
    if event in FEEDBACK:
        assert session.feedback == {1: [FEEDBACK[event]]}


@settings(max_examples=60)
@given(r=routines(), seed=st.integers(0, 2**32))
def test_without_events_a_session_ends_exactly_at_the_lead_in_plus_the_plan(r: Routine, seed: int) -> None:
    rng = random.Random(seed)  # the uneven increments (drawn from a seed: hypothesis's own would be too many)
    jumping = Run.of(r)
    assert jumping.finish() == LEAD_IN + r.total_seconds
    small = Run.of(r)
    while not small.session.over:
        small.clock.advance(rng.randint(1, 5 * 64) / 64)
        check_tick_cues(small, small.tick())
    # The last words are said by the first tick at or after the end, at that tick.
    assert LEAD_IN + r.total_seconds <= small.said[-1].at == small.clock.now < LEAD_IN + r.total_seconds + 5
    for run in (jumping, small):
        assert run.ended() == LEAD_IN + r.total_seconds
        assert run.session.state is State.FINISHED
        assert run.session.lead_in_seconds == LEAD_IN and run.session.held_seconds == 0
        assert {i: (rec.status, rec.seconds) for i, rec in run.session.records.items()} == {
            i: (StepStatus.DONE, step.seconds) for i, step in enumerate(r.steps)
        }
        # Each step ended at its own deadline, however late the tick that ended it.
        for i, record in run.session.records.items():
            assert record.ended_at == run.clock.start + timedelta(seconds=begin(r, i + 1))
        check_cues_in_order(run.said)
    # Ticking at each deadline says every cue of every schedule, each exactly when due.
    planned = [(p.offset, p.kind, None) for p in lead_in_cues(RULES)] + [
        (begin(r, i) + p.offset, p.kind, i) for i, step in enumerate(r.steps) for p in step_cues(step, CATALOG)
    ]
    said = [(cue.at, cue.kind, cue.step) for cue in jumping.said[:-1]]
    assert said == planned


TIMED_EVENTS = [Event.PAUSE, Event.RESUME, Event.NEXT, Event.BACK, Event.REPEAT, Event.HURTS, Event.SKIP_REGION]


# In a timed run, "go on" from wherever the session is held: resume from a pause, next from a pain check (resume
# never leaves one), nothing otherwise.
GO_ON = Event.TICK


def play_timed(
    r: Routine, timed: list[tuple[float, Event]], step: Callable[[Session, float], float]
) -> tuple[Run, list[tuple[float, Event, State, bool]]]:
    """Run ``r`` with ``timed`` events at their clock times, the clock moved by ``step`` between ticks."""
    run = Run.of(r)
    session = run.session
    pending = sorted(timed, key=lambda p: p[0])
    trace: list[tuple[float, Event, State, bool]] = []
    for _ in range(200_000):
        if session.over and not pending:
            break
        at = pending[0][0] if pending else math.inf
        target = min(step(session, run.clock.now), at)
        assert target < math.inf, f"stuck in {session.state}"
        run.advance_to(target)
        run.tick()
        if pending and run.clock.now >= at:
            _, event = pending.pop(0)
            if event is GO_ON:
                event = {State.PAIN_CHECK: Event.NEXT, State.PAUSED: Event.RESUME}.get(session.state, Event.TICK)
            accepted = event in ACCEPTS[session.state]
            trace.append((run.clock.now, event, session.state, accepted))
            if accepted:
                run.handle(event)
    else:
        raise AssertionError("the session never ended")
    return run, trace


@settings(max_examples=60)
@given(
    r=routines(),
    events=st.lists(st.tuples(st.integers(0, 64 * 600), st.sampled_from(TIMED_EVENTS)), max_size=6),
    seed=st.integers(0, 2**32),
)
def test_timing_is_by_deadlines_not_by_ticks(r: Routine, events: list[tuple[int, Event]], seed: int) -> None:
    rng = random.Random(seed)
    timed = [(n / 64, e) for n, e in events]
    # At the end, go on from a pause or a pain check, so that the session ends.
    timed.append((max((t for t, _ in timed), default=0.0) + 1, GO_ON))

    def jump(session: Session, now: float) -> float:
        due = session.next_deadline()
        return math.inf if due is None else due

    def uneven(session: Session, now: float) -> float:
        return now + (rng.randint(1, 64 * 6) / 64 if rng.random() < 0.95 else rng.randint(10, 200))

    jumped, jump_trace = play_timed(r, timed, jump)
    stepped, step_trace = play_timed(r, timed, uneven)
    assert step_trace == jump_trace
    assert stepped.session.state is jumped.session.state is State.FINISHED
    assert stepped.session.records == jumped.session.records
    # Both ended at the same time; the one ticking unevenly may say so later, never earlier.
    assert stepped.ended() == jumped.ended() == jumped.said[-1].at <= stepped.said[-1].at
    if not any(accepted and event is not Event.TICK for _, event, _, accepted in jump_trace):
        assert jumped.ended() == LEAD_IN + r.total_seconds


# --- it hurts, and skipping a region --------------------------------------------------------------------------


def test_it_hurts_stops_the_step_and_holds_the_clock_until_the_user_decides() -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, 1) + IN_STEP)
    update = run.handle(Event.HURTS)
    session = run.session
    assert session.state is State.PAIN_CHECK
    assert [(r.index, r.status, r.seconds) for r in update.steps] == [(1, StepStatus.STOPPED, IN_STEP)]
    assert [(e.kind, e.step, e.detail) for e in update.events] == [("it_hurts", 1, "upper_trapezius_right")]
    assert run.kinds(update) == (CueKind.HURTS,) and update.cues[0].text == RULES.texts.hurts
    assert session.skip_target() == ("upper_trapezius_right",)
    assert session.stop_advice() == RULES.stop_advice
    # Held: nothing is due, time passing changes nothing.
    assert session.next_deadline() is None
    held = snapshot(session)
    run.clock.advance(100)
    assert run.tick() == Update()
    assert snapshot(session)[:5] == held[:5]
    update = run.handle(Event.NEXT)
    assert session.progress().index == 2 and session.progress().phase_elapsed == 0
    assert update.cues[0].kind is CueKind.START and update.cues[0].step == 2
    assert session.held_seconds == 100
    assert run.finish() == LEAD_IN + SELF.total_seconds - (SELF.steps[1].seconds - IN_STEP) + 100
    assert session.records[1].status is StepStatus.STOPPED and session.records[1].seconds == IN_STEP


def _records(*statuses: StepStatus, r: Routine = SELF) -> list[StepRecord]:
    """Records of a resumed session: step ``i`` with ``statuses[i]``, done in full or skipped at once."""
    return [
        StepRecord(i, status, float(r.steps[i].seconds) if status is StepStatus.DONE else 0.0)
        for i, status in enumerate(statuses)
    ]


DONE, SKIPPED = StepStatus.DONE, StepStatus.SKIPPED
GRACE = RULES.hurt_grace_seconds


# SELF: 0 get_ready, 1 upper trapezius right, 2 switch_side, 3 upper trapezius left, 4 pain_check, 5 rhomboid right...
# PARTNER: ... 4 upper trapezius right, 5 rhomboid left (straight after it, no transition between).
@pytest.mark.parametrize(
    ("r", "records", "before", "at", "about"),
    [
        pytest.param(SELF, [], (), begin(SELF, 1) + IN_STEP, 1, id="mid-step"),
        pytest.param(SELF, [], (), begin(SELF, 3) + GRACE, 3, id="once-the-grace-is-over"),
        pytest.param(SELF, [], (), begin(SELF, 3) + GRACE - 0.5, 1, id="last-half-second-of-the-grace"),
        pytest.param(SELF, [], (), begin(SELF, 3) + 1, 1, id="first-second-after-a-technique-and-a-switch"),
        pytest.param(PARTNER, [], (), begin(PARTNER, 5) + 1, 4, id="first-second-straight-after-a-technique"),
        pytest.param(SELF, [], (), begin(SELF, 1) + 1, 1, id="first-second-of-the-very-first-technique"),
        pytest.param(SELF, [], (), begin(SELF, 2) + 2, 1, id="switch_side-transition"),
        pytest.param(SELF, [], (), begin(SELF, 4) + 5, 3, id="pain_check-transition"),
        pytest.param(SELF, [], (), begin(SELF, 0) + 5, None, id="get_ready-step-nothing-worked-yet"),
        # Held in its first second: the grace counts the step's own time, not the pause.
        pytest.param(
            SELF, [], ((begin(SELF, 3) + 1, Event.PAUSE),), begin(SELF, 3) + 31, 1, id="paused-in-first-second"
        ),
        # Step 1 was skipped after 1 s: step 3 is the first worked, so its first second is about itself.
        pytest.param(SELF, [], ((begin(SELF, 1) + 1, Event.NEXT),), begin(SELF, 1) + 7, 3, id="after-a-skipped-step"),
        # Step 1 was stopped by an earlier "it hurts": it was worked.
        pytest.param(
            SELF,
            [],
            ((begin(SELF, 1) + IN_STEP, Event.HURTS), (begin(SELF, 1) + IN_STEP + 9, Event.NEXT)),
            begin(SELF, 1) + IN_STEP + 10,
            1,
            id="after-a-stopped-step",
        ),
        # "Worked last" is by the clock: the step started again, the step gone back from, the step skipped after a
        # minute of work.
        pytest.param(
            SELF, [], ((begin(SELF, 3) + 40, Event.REPEAT),), begin(SELF, 3) + 41, 3, id="first-second-after-repeat"
        ),
        pytest.param(SELF, [], ((begin(SELF, 3) + 40, Event.BACK),), begin(SELF, 3) + 41, 3, id="back-into-a-switch"),
        pytest.param(
            SELF, [], ((begin(SELF, 3) + 60, Event.NEXT),), begin(SELF, 3) + 62, 3, id="pressure-check-after-next"
        ),
        # Strokes over the whole back: no area to leave alone (go on, or stop).
        pytest.param(PARTNER, [], (), begin(PARTNER, 1) + 20, None, id="a-sweep-over-the-whole-back"),
        pytest.param(SELF, [], (), 2.0, None, id="lead-in-of-a-fresh-session"),
        pytest.param(SELF, _records(DONE, DONE, DONE, DONE), (), 2.0, 3, id="lead-in-of-a-resumed-session"),
        pytest.param(
            SELF, _records(DONE, DONE, DONE, SKIPPED), (), 2.0, 1, id="lead-in-of-a-resumed-session-after-a-skip"
        ),
    ],
)
def test_it_hurts_is_about_the_step_under_way_or_in_its_first_seconds_the_one_worked_before(
    r: Routine, records: list[StepRecord], before: tuple[tuple[float, Event], ...], at: float, about: int | None
) -> None:
    run = Run.of(r, records=records)
    session = run.session
    for t, event in before:
        run.run_to(t)
        run.handle(event)
    run.run_to(at)
    assert session.skip_target() == ()  # only in a pain check
    progress = session.progress()
    before_spent = session.spent.get(progress.index, 0.0)  # earlier visits (repeat, back)
    update = run.handle(Event.HURTS)
    target = () if about is None else regions_of(r.steps[about])
    assert session.skip_target() == target
    # The journal keeps the regions hurt beside the step under way (the next to start, in the lead-in)...
    assert [(e.kind, e.step, e.detail) for e in update.events] == [("it_hurts", progress.index, " ".join(target))]
    # ...and the step under way is the one stopped, whatever the pain is about (with all the time spent in it).
    spent = before_spent + progress.phase_elapsed
    stopped = [] if progress.lead_in else [(progress.index, StepStatus.STOPPED, spent)]
    assert [(rec.index, rec.status, rec.seconds) for rec in update.steps] == stopped
    update = run.handle(Event.SKIP_REGION)
    assert [(e.kind, e.step, e.detail) for e in update.events] == [("skip_region", progress.index, " ".join(target))]
    assert session.skipped_regions == set(target)  # nothing, when the pain is about no step
    assert session.state is State.RUNNING and session.skip_target() == ()
    # It goes on with the step after the one stopped (or the one the lead-in was counting down to), leaving out
    # every later step on those regions.
    first = progress.index if progress.lead_in else progress.index + 1
    left_out = _left_out_after(r, first - 1, set(target))
    assert session.progress().index == min(j for j in range(first, len(r.steps)) if j not in left_out)
    run.finish()
    check_records(session, [Update(steps=tuple(records)), *run.updates])
    started = {c.step for c in run.said if c.kind is CueKind.START and c.at >= at}
    assert started == set(range(first, len(r.steps))) - left_out
    assert {session.records[j].status for j in left_out} <= {StepStatus.SKIPPED}


def test_resume_never_leaves_a_pain_check() -> None:
    """Space or Enter (resume) never carries on the massage after "it hurts": only an explicit choice does."""
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, 5) + 3)
    run.handle(Event.HURTS)
    with pytest.raises(SessionStateError, match="cannot 'resume' while 'pain_check'"):
        run.session.handle(Event.RESUME)
    run.clock.advance(30)
    run.tick()
    assert run.session.state is State.PAIN_CHECK


def test_next_from_a_pain_check_goes_on_with_the_following_step() -> None:
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, 5) + 3)
    run.handle(Event.HURTS)
    run.clock.advance(7)
    update = run.handle(Event.NEXT)
    assert run.session.state is State.RUNNING
    assert [(c.kind, c.step, c.at) for c in update.cues] == [(CueKind.START, 6, run.clock.now)]
    assert run.finish() == LEAD_IN + PARTNER.total_seconds - (PARTNER.steps[5].seconds - 3) + 7
    assert run.session.records[5].status is StepStatus.STOPPED
    assert all(r.status is StepStatus.DONE for i, r in run.session.records.items() if i != 5)


def _left_out_after(r: Routine, hurt: int, regions: set[str]) -> set[int]:
    """The steps after ``hurt`` that skipping ``regions`` leaves out: techniques touching them (not the light closing
    strokes over the whole back, issue 12), and the switch of side just before one."""
    touching = {
        j
        for j in range(hurt + 1, len(r.steps))
        if r.steps[j].is_technique
        and {r.steps[j].region, *r.steps[j].regions} & regions
        and not (r.steps[j].technique == "effleurage" and len(set(r.steps[j].regions)) > 2)
    }
    return touching | {j - 1 for j in touching if j - 1 > hurt and r.steps[j - 1].name == "switch_side"}


@pytest.mark.parametrize(
    ("r", "hurt", "switch"),
    [
        pytest.param(PARTNER, 7, True, id="partner-petrissage-rhomboid_right"),
        pytest.param(PARTNER, 2, False, id="partner-petrissage-upper_trapezius_left"),
        pytest.param(routine(Mode.SELF, 20, ("tennis_ball",), 0), 3, True, id="self-hand_kneading-right"),
        pytest.param(routine(Mode.SELF, 15, ("foam_roller", "tennis_ball"), 0), 12, False, id="self-foam_roller"),
    ],
)
def test_skip_region_leaves_out_every_later_step_on_that_region(r: Routine, hurt: int, switch: bool) -> None:
    run = Run.of(r)
    run.run_to(begin(r, hurt) + 12)
    run.handle(Event.HURTS)
    regions = set(run.session.skip_target())
    assert regions == {r.steps[hurt].region, *r.steps[hurt].regions} - {""}
    left_out = _left_out_after(r, hurt, regions)
    assert left_out, "the case should leave something out"
    detail = " ".join(run.session.skip_target())
    update = run.handle(Event.SKIP_REGION)
    assert run.kinds(update)[0] is CueKind.SKIP_REGION
    assert [(e.kind, e.step, e.detail) for e in update.events] == [("skip_region", hurt, detail)]
    assert run.session.skipped_regions == regions
    following = [j for j in range(hurt + 1, len(r.steps)) if j not in left_out]
    progress = run.session.progress()
    if following:
        assert progress.index == following[0]
        assert progress.remaining == sum(r.steps[j].seconds for j in following)
    run.finish()
    records = run.session.records
    assert records[hurt].status is StepStatus.STOPPED and records[hurt].seconds == 12
    for j in range(hurt + 1, len(r.steps)):
        expected = (StepStatus.SKIPPED, 0.0) if j in left_out else (StepStatus.DONE, r.steps[j].seconds)
        assert (records[j].status, records[j].seconds) == expected, j
    assert not {cue.step for cue in run.said} & left_out  # never started, never spoken of
    assert any(r.steps[j].name == "switch_side" for j in left_out) is switch


def test_the_skip_region_cases_include_a_switch_of_side_left_out_and_one_kept() -> None:
    left_out = _left_out_after(PARTNER, 7, {"rhomboid_right"})
    switches = {j for j in range(8, len(PARTNER.steps)) if PARTNER.steps[j].name == "switch_side"}
    assert switches & left_out and switches - left_out


# --- pause, back, repeat ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(2.0, id="lead-in"),
        pytest.param(begin(SELF, 0) + 3, id="transition"),
        pytest.param(begin(SELF, 1) + 40.5, id="technique"),
        pytest.param(begin(SELF, 7) + 66.75, id="last-second"),
    ],
)
def test_a_pause_moves_the_finish_by_its_length(at: float) -> None:
    run = Run.of(SELF)
    run.run_to(at)
    run.handle(Event.PAUSE)
    before = run.session.progress()
    assert run.session.next_deadline() is None
    run.clock.advance(30)
    run.tick()
    assert run.session.progress() == before  # nothing moves while paused
    update = run.handle(Event.RESUME)
    assert run.kinds(update) == (CueKind.RESUMED,)
    assert run.finish() == LEAD_IN + SELF.total_seconds + 30
    assert run.session.held_seconds == 30
    assert all(r.status is StepStatus.DONE for r in run.session.records.values())


def test_back_goes_to_the_step_before_and_every_step_still_ends() -> None:
    # Step 3 of the partner routine follows a switch of side (step 3 is the switch, 4 the other side).
    assert PARTNER.steps[3].name == "switch_side"
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, 4) + 10)
    update = run.handle(Event.BACK)
    assert run.session.state is State.RUNNING and run.session.progress().index == 3
    assert [(c.kind, c.step) for c in update.cues] == [(CueKind.START, 3)]
    assert update.steps == ()  # the step left is not ended: it comes again
    assert run.finish() == LEAD_IN + PARTNER.total_seconds + 10 + PARTNER.steps[3].seconds
    check_records(run.session, run.updates)
    assert run.session.records[3].seconds == 2 * PARTNER.steps[3].seconds
    assert run.session.records[4].seconds == PARTNER.steps[4].seconds + 10
    assert all(r.status is StepStatus.DONE for r in run.session.records.values())


@pytest.mark.parametrize("paused", [pytest.param(False, id="counting-down"), pytest.param(True, id="paused")])
@pytest.mark.parametrize("event", [pytest.param(Event.BACK, id="back"), pytest.param(Event.REPEAT, id="repeat")])
def test_back_or_repeat_in_the_lead_in_counts_down_anew(event: Event, paused: bool) -> None:
    run = Run.of(SELF)
    run.run_to(3.0)
    if paused:
        run.handle(Event.PAUSE)
        run.clock.advance(10)
    before = len(run.said)
    update = run.handle(event)
    assert run.kinds(update) == (() if paused else (CueKind.LEAD_IN,))
    assert run.session.state is (State.PAUSED if paused else State.GET_READY)
    if paused:  # still held: the countdown starts when the session is resumed
        run.clock.advance(10)
        run.tick()
        assert run.session.progress().phase_elapsed == 0
        run.handle(Event.RESUME)
    again = run.clock.now
    run.run_to(again + LEAD_IN - 0.5)
    progress = run.session.progress()
    assert (run.session.state, progress.lead_in, progress.phase_elapsed) == (State.GET_READY, True, LEAD_IN - 0.5)
    run.run_to(again + LEAD_IN)
    progress = run.session.progress()
    assert (run.session.state, progress.index, progress.lead_in, progress.phase_elapsed) == (State.RUNNING, 0, False, 0)
    assert run.session.lead_in_seconds == 3.0 + LEAD_IN
    if not paused:  # the whole countdown again, on time
        assert [(c.kind, c.at - again) for c in run.said[before:] if c.step is None] == [
            (p.kind, p.offset) for p in lead_in_cues(RULES)
        ]
    assert run.finish() == 3.0 + LEAD_IN + SELF.total_seconds + (20 if paused else 0)


def test_back_in_the_first_step_starts_it_again() -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, 0) + 4)
    run.handle(Event.BACK)
    assert run.session.progress().index == 0 and run.session.progress().phase_elapsed == 0
    assert run.finish() == LEAD_IN + SELF.total_seconds + 4


def test_repeat_starts_the_step_again() -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, 1) + IN_STEP)
    update = run.handle(Event.REPEAT)
    progress = run.session.progress()
    assert (progress.index, progress.phase_elapsed, progress.phase_remaining) == (1, 0, SELF.steps[1].seconds)
    assert [(c.kind, c.step, c.text) for c in update.cues] == [(CueKind.START, 1, SELF.steps[1].cue)]
    first_hold = next(p.offset for p in step_cues(SELF.steps[1], CATALOG) if p.kind is CueKind.HOLD)
    assert run.session.next_deadline() == run.clock.now + first_hold
    assert run.finish() == LEAD_IN + SELF.total_seconds + IN_STEP
    assert run.session.records[1].seconds == SELF.steps[1].seconds + IN_STEP
    # The repeated step's schedule is said again in full, from its new start.
    hold = [c.at for c in run.said if c.kind is CueKind.HOLD and c.step == 1]
    assert hold == [begin(SELF, 1) + IN_STEP + first_hold]


def test_next_skips_the_rest_of_the_step() -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, 1) + IN_STEP)
    run.handle(Event.NEXT)
    assert run.finish() == LEAD_IN + SELF.total_seconds - (SELF.steps[1].seconds - IN_STEP)
    assert (run.session.records[1].status, run.session.records[1].seconds) == (StepStatus.SKIPPED, IN_STEP)


# --- feedback -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", [pytest.param(e, id=e.value) for e in FEEDBACK])
def test_feedback_during_a_technique_step_goes_on_its_record(event: Event) -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, 1) + 10)
    update = run.handle(event)
    assert update.steps == () and update.events == ()  # no record yet: it is kept when the step ends
    assert [(c.kind, c.interrupt) for c in update.cues] == [(CueKind.FEEDBACK, True)]
    run.handle(Event.GOOD)
    run.run_to(begin(SELF, 2))
    assert run.session.records[1].feedback == (FEEDBACK[event], Feedback.GOOD)
    assert run.session.records[1].status is StepStatus.DONE


@pytest.mark.parametrize("event", [pytest.param(e, id=e.value) for e in FEEDBACK])
def test_feedback_during_a_pain_check_step_goes_on_the_technique_before(event: Event) -> None:
    check = next(i for i, s in enumerate(SELF.steps) if s.name == "pain_check")
    before = max(i for i in range(check) if SELF.steps[i].is_technique)
    run = Run.of(SELF)
    run.run_to(begin(SELF, check) + 2)
    update = run.handle(event)
    kept = run.session.records[before]
    assert update.steps == (kept,)  # re-emitted, for the journal
    assert (kept.status, kept.seconds, kept.feedback) == (
        StepStatus.DONE,
        SELF.steps[before].seconds,
        (FEEDBACK[event],),
    )
    assert check not in run.session.records  # the pressure check itself runs on
    run.finish()
    assert run.session.records[before].feedback == (FEEDBACK[event],)
    assert run.session.records[check].feedback == ()


@pytest.mark.parametrize("paused", [pytest.param(False, id="counting-down"), pytest.param(True, id="paused")])
@pytest.mark.parametrize(
    ("records", "noted"),
    [
        pytest.param([], 1, id="fresh"),
        # Resumed before a pressure check: feedback is for the step to come, not for step 3 of the earlier sitting.
        pytest.param(_records(DONE, DONE, DONE, DONE), 5, id="resumed-before-a-pain_check"),
    ],
)
def test_feedback_in_the_lead_in_is_for_the_first_technique_step_to_come(
    records: list[StepRecord], noted: int, paused: bool
) -> None:
    run = Run.of(SELF, records=records)
    run.run_to(2.0)
    if paused:
        run.handle(Event.PAUSE)
        run.clock.advance(10)
    update = run.handle(Event.LESS)
    assert run.kinds(update) == (CueKind.FEEDBACK,) and update.steps == () and update.events == ()
    assert run.session.feedback == {**{r.index: [] for r in records}, noted: [Feedback.LESS]}
    if paused:
        run.handle(Event.RESUME)
    run.finish()
    assert run.session.records[noted].feedback == (Feedback.LESS,)
    assert all(run.session.records[r.index] == r for r in records)  # an earlier sitting's records stay as they were


# --- resuming an interrupted session --------------------------------------------------------------------------


def _done(indexes: Iterable[int], r: Routine = SELF) -> list[StepRecord]:
    return [StepRecord(i, StepStatus.DONE, float(r.steps[i].seconds)) for i in indexes]


@pytest.mark.parametrize(
    ("records", "start_at", "first"),
    [
        pytest.param(_done(range(3)), None, 3, id="after-the-last-record"),
        pytest.param(_done([0, 1, 3]), None, 4, id="after-the-last-record-with-a-gap"),
        pytest.param(_done(range(3)), 2, 2, id="start_at"),
    ],
)
def test_resuming_from_records_starts_after_the_last_one(
    records: list[StepRecord], start_at: int | None, first: int
) -> None:
    run = Run.of(SELF, records=records, start_at=start_at)
    session = run.session
    assert session.progress().index == first and session.progress().lead_in
    assert session.progress().elapsed == sum(r.seconds for r in records)
    end = run.finish()
    assert end == LEAD_IN + sum(s.seconds for s in SELF.steps[first:])
    steps_said = [c.step for c in run.said if c.kind is CueKind.START]
    assert steps_said == list(range(first, len(SELF.steps)))
    new = {r.index for u in run.updates for r in u.steps}
    assert new == set(range(len(SELF.steps))) - {r.index for r in records if r.index < first}
    for record in records:
        if record.index < first:
            assert session.records[record.index] == record
    if first == 4:  # the step missing from the records was never come back to
        assert session.records[2].status is StepStatus.SKIPPED


def test_resuming_keeps_the_regions_skipped_before() -> None:
    run = Run.of(SELF, records=_done([0]), skipped_regions=["upper_trapezius_right"])
    run.finish()
    assert (run.session.records[1].status, run.session.records[1].seconds) == (StepStatus.SKIPPED, 0.0)
    assert run.session.records[3].status is StepStatus.DONE


@pytest.mark.parametrize(
    "records",
    [
        pytest.param(_done(range(N)), id="every-step-done"),
        pytest.param(_records(*[DONE] * (N - 1), StepStatus.STOPPED), id="the-last-stopped"),
        pytest.param(_records(*[SKIPPED] * N), id="every-step-skipped"),
    ],
)
def test_a_session_resumed_with_every_step_recorded_starts_finished(records: list[StepRecord]) -> None:
    run = Run.of(SELF, records=records)
    session = run.session
    assert session.state is State.FINISHED and session.over
    progress = session.progress()
    assert (progress.over, progress.step, progress.remaining) == (True, None, 0.0)
    assert progress.elapsed == sum(r.seconds for r in records)
    assert session.next_deadline() is None
    # No lead-in, nothing said, nothing to keep; every event but a tick is refused (feedback once raised IndexError).
    for event in USER_EVENTS:
        check_refused(session, event)
    run.clock.advance(LEAD_IN + 1)
    assert run.tick() == Update()
    assert session.said == [] and session.records == {r.index: r for r in records}


# A session resumed with nothing left to do but steps missing from its records (a gap, or steps left out by the
# regions skipped before) records them skipped on its first tick, as one that reaches them does.
@pytest.mark.parametrize(
    ("records", "skipped"),
    [
        pytest.param(_done([*range(N - 2), N - 1]), (), id="a-gap-before-the-last-record"),
        pytest.param(_done(range(N - 2)), ("rhomboid_left",), id="the-rest-left-out"),
    ],
)
def test_a_resumed_session_with_nothing_left_to_do_still_records_every_step(
    records: list[StepRecord], skipped: tuple[str, ...]
) -> None:
    run = Run.of(SELF, records=records, skipped_regions=skipped)
    run.tick()
    assert run.session.over
    check_records(run.session, [Update(steps=tuple(records)), *run.updates])


# --- holds, late ticks, late events ---------------------------------------------------------------------------

HOLD_ROUTINES = {
    "trigger_point": routine(Mode.PARTNER, 10, (), 0),
    "ball_wall": routine(Mode.SELF, 5, ("tennis_ball",), 0),
    "cane": routine(Mode.SELF, 5, ("massage_cane",), 0),
    "ball_floor": routine(Mode.SELF, 30, ("foam_roller", "tennis_ball"), 0),
}


def test_every_hold_technique_has_a_routine_to_test() -> None:
    assert set(HOLD_ROUTINES) == {t.id for t in CATALOG.techniques if t.hold}


@pytest.mark.parametrize("technique", [pytest.param(t, id=t) for t in HOLD_ROUTINES])
def test_a_hold_ends_with_3_2_1_and_the_release_exactly_at_its_end(technique: str) -> None:
    r = HOLD_ROUTINES[technique]
    found = CATALOG.technique(technique)
    assert found is not None and found.hold is not None
    hold = found.hold
    run = Run.of(r)
    run.finish()
    holds = [i for i, s in enumerate(r.steps) if s.technique == technique]
    assert holds
    for i in holds:
        step = r.steps[i]
        assert step.hold_seconds and step.hold_seconds <= hold.max_seconds
        release_at = begin(r, i) + step.seconds - hold.release_seconds
        cues = [c for c in run.said if c.step == i]
        released = [n for n, c in enumerate(cues) if c.kind is CueKind.RELEASE]
        assert len(released) == 1, cues
        n = released[0]
        assert cues[n].at == release_at and cues[n].text == RULES.texts.release
        assert [(c.kind, c.text, c.at) for c in cues[n - 3 : n]] == [
            (CueKind.COUNTDOWN, "Three.", release_at - 3),
            (CueKind.COUNTDOWN, "Two.", release_at - 2),
            (CueKind.COUNTDOWN, "One.", release_at - 1),
        ]
        start = begin(r, i) + step.seconds - hold.release_seconds - step.hold_seconds
        said_hold = [c.at for c in cues if c.kind is CueKind.HOLD]
        assert said_hold == ([start] if start > begin(r, i) else [])


@pytest.mark.parametrize(
    ("late", "said"),
    [
        pytest.param(0.0, True, id="on-time"),
        pytest.param(RULES.stale_seconds - 0.5, True, id="late-but-fresh"),
        pytest.param(RULES.stale_seconds, True, id="just-stale_seconds-late"),
        pytest.param(RULES.stale_seconds + 0.5, False, id="stale"),
        pytest.param(20.0, False, id="long-stale"),
    ],
)
def test_a_late_tick_never_says_a_stale_cue(late: float, said: bool) -> None:
    step = PARTNER.steps[1]
    halfway = next(p for p in step_cues(step, CATALOG) if p.kind is CueKind.HALFWAY)
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, 1) + 10)
    run.advance_to(begin(PARTNER, 1) + halfway.offset + late)
    update = run.tick()
    assert run.kinds(update) == ((CueKind.HALFWAY,) if said else ())
    # What follows is still said on time.
    run.finish()
    assert [c.kind for c in run.said if c.step == 1][-3:] == [CueKind.COUNTDOWN] * 3


def test_a_late_tick_ends_each_step_at_its_own_deadline_and_says_only_where_it_is_now() -> None:
    run = Run.of(PARTNER)
    run.advance_to(begin(PARTNER, 4) + 30)  # the machine slept through the lead-in and four steps
    update = run.tick()
    assert [(r.index, r.status, r.seconds) for r in update.steps] == [
        (i, StepStatus.DONE, PARTNER.steps[i].seconds) for i in range(4)
    ]
    assert [r.ended_at for r in update.steps] == [
        run.clock.start + timedelta(seconds=begin(PARTNER, i + 1)) for i in range(4)
    ]
    # Nothing of the steps slept through is said; of this one, only its own cue (said late rather than never).
    assert [(c.kind, c.step, c.at) for c in update.cues] == [(CueKind.START, 4, run.clock.now)]
    assert run.session.progress().phase_elapsed == 30
    assert run.finish() == LEAD_IN + PARTNER.total_seconds


def test_a_late_tick_past_the_end_ends_every_step_at_its_deadline_and_says_finished_now() -> None:
    run = Run.of(SELF)
    end = LEAD_IN + SELF.total_seconds
    run.advance_to(end + 600)
    update = run.tick()
    assert run.session.state is State.FINISHED
    assert [(r.index, run.on_clock(r.ended_at)) for r in update.steps] == [(i, begin(SELF, i + 1)) for i in range(N)]
    # "Well done" is said when it is found out, not back when the routine ended.
    assert [(c.kind, c.at) for c in update.cues] == [(CueKind.FINISHED, end + 600)]
    assert run.ended() == end


def test_an_event_after_the_last_deadline_is_refused_and_the_end_comes_with_the_next_tick() -> None:
    run = Run.of(SELF)
    run.run_to(begin(SELF, N - 1) + 60)
    run.clock.advance(30)  # the routine ended 23 s ago; no tick came since
    with pytest.raises(SessionStateError, match="cannot 'pause' while 'finished'"):
        run.session.handle(Event.PAUSE)  # taken while running, but the session has finished by now
    refused_at = run.clock.now
    run.clock.advance(2)
    update = run.tick()
    assert [(r.index, r.status, run.on_clock(r.ended_at)) for r in update.steps] == [
        (N - 1, StepStatus.DONE, LEAD_IN + SELF.total_seconds)
    ]
    assert [(c.kind, c.at) for c in update.cues] == [(CueKind.FINISHED, refused_at)]
    assert update.events == ()  # the pause was not applied
    assert run.tick() == Update()  # handed over once
    check_records(run.session, run.updates)


def _past_the_end(run: Run) -> None:
    run.run_to(begin(SELF, N - 1) + 60)
    run.clock.advance(30)  # the routine ended 23 s ago


def _into_step_1(run: Run) -> None:
    run.run_to(1.0)
    run.advance_to(begin(SELF, 1) + 2)  # the lead-in and step 0 ran out 2 s ago


# What the catch-up before a refused event did (steps ended, cues said) is kept and handed over with the next
# update, whether that is a tick or an event taken, at once or after more time has passed.
@pytest.mark.parametrize(
    ("drive", "refused", "state", "later", "then", "records", "cues"),
    [
        pytest.param(
            _past_the_end,
            (Event.PAUSE,),
            "finished",
            0.0,
            Event.TICK,
            {N - 1: StepStatus.DONE},
            [(CueKind.FINISHED, None)],
            id="past-the-end-then-tick",
        ),
        pytest.param(
            _past_the_end,
            (Event.PAUSE, Event.NEXT),
            "finished",
            5.0,
            Event.TICK,
            {N - 1: StepStatus.DONE},
            [(CueKind.FINISHED, None)],
            id="past-the-end-refused-twice-then-tick",
        ),
        pytest.param(
            _into_step_1,
            (Event.SKIP_REGION,),
            "running",
            0.0,
            Event.PAUSE,
            {0: StepStatus.DONE},
            [(CueKind.START, 1), (CueKind.PAUSED, None)],
            id="into-step-1-then-pause",
        ),
        pytest.param(
            _into_step_1,
            (Event.RESUME, Event.SKIP_REGION),
            "running",
            0.0,
            Event.TICK,
            {0: StepStatus.DONE},
            [(CueKind.START, 1)],
            id="into-step-1-refused-twice-then-tick",
        ),
        # Steps 1 and 2 run out before the next tick: their records follow step 0's, and step 1's own cue still
        # comes first, though nothing else of step 1 or 2 is said.
        pytest.param(
            _into_step_1,
            (Event.SKIP_REGION,),
            "running",
            begin(SELF, 3) - begin(SELF, 1),
            Event.TICK,
            {0: StepStatus.DONE, 1: StepStatus.DONE, 2: StepStatus.DONE},
            [(CueKind.START, 1), (CueKind.START, 3)],
            id="into-step-1-then-a-late-tick",
        ),
    ],
)
def test_what_the_clock_did_before_a_refused_event_comes_with_the_next_update(
    drive: Callable[[Run], None],
    refused: tuple[Event, ...],
    state: str,
    later: float,
    then: Event,
    records: dict[int, StepStatus],
    cues: list[tuple[CueKind, int | None]],
) -> None:
    run = Run.of(SELF)
    drive(run)
    for event in refused:
        with pytest.raises(SessionStateError, match=f"cannot '{event.value}' while '{state}'"):
            run.session.handle(event)
    assert run.session.state.value == state  # caught up, though nothing has been handed over yet
    refused_at = run.clock.now
    run.clock.advance(later)
    update = run.handle(then)
    assert [(r.index, r.status) for r in update.steps] == list(records.items())  # in the order they ended
    assert [(c.kind, c.step) for c in update.cues] == cues
    assert update.cues[0].at == refused_at  # said by the catch-up, handed over now
    assert [e.kind for e in update.events] == ([] if then is Event.TICK else [then.value])
    # Nothing lost, nothing twice: every record in exactly one update, every cue said in one.
    assert run.tick() == Update()
    delivered = Counter(r.index for u in run.updates for r in u.steps)
    assert set(delivered.values()) == {1} and set(delivered) == set(run.session.records)
    assert run.said == [c for u in run.updates for c in u.cues]


# SELF's step 1 (68 s, a hold): its own cue at 0, the hold at 33, "10 seconds left" at 58, 3-2-1 at 60-62, the
# release at 63, 3-2-1 at 65-67. ``last``: when a tick last came (None: none since the session began).
@pytest.mark.parametrize(
    ("last", "late", "said"),
    [
        pytest.param(50, 58.5, [("warning", 58.5), ("Three.", 60.25)], id="one-due-then-the-next-waits-for-it"),
        pytest.param(50, 60.5, [("Three.", 60.5), ("Two.", 61.35)], id="countdown-over-an-earlier-warning"),
        pytest.param(50, 61.5, [("Two.", 61.5), ("One.", 62.35)], id="ties-the-later-countdown"),
        pytest.param(50, 63.5, [("release", 63.5), ("Three.", 65.5)], id="release-over-earlier-countdown"),
        # The release is said though newer cues are due; those go stale while it is said, but for the last.
        pytest.param(50, 65.2, [("release", 65.2), ("One.", 67.2)], id="release-over-later-countdown"),
        pytest.param(50, 66.5, [("Two.", 66.5), ("One.", 67.35)], id="a-stale-release-is-dropped"),
        # Slept through the start: the step's own cue however late; the hold waits for it to be said...
        # (The own cue is a neck cue, 11 words and a breath: said in 5.6 s; the hold, due at 33, is fresh until 36.)
        pytest.param(None, 30.0, [("start", 30.0), ("hold", 35.6)], id="own-cue-late-then-the-hold"),
        # ...and is dropped if it has gone stale by then.
        pytest.param(None, 32.0, [("start", 32.0), ("warning", 58.0)], id="own-cue-late-and-the-hold-stale"),
    ],
)
def test_a_late_tick_says_the_most_important_fresh_cue_due(
    last: float | None, late: float, said: list[tuple[str, float]]
) -> None:
    run = Run.of(SELF)
    start = begin(SELF, 1)
    if last is not None:
        run.run_to(start + last)
    run.advance_to(start + late)
    update = run.tick()
    assert len(update.cues) == 1  # one cue, the most important; the others are overtaken or wait
    run.run_to(begin(SELF, 2))

    def heard(cue: Cue) -> str:
        return cue.text if cue.kind is CueKind.COUNTDOWN else cue.kind.value

    step_1 = [(heard(c), c.at - start) for c in run.said if c.step == 1 and c.at >= start + late]
    assert step_1[:2] == [(text, pytest.approx(at)) for text, at in said]
    assert step_1[0][0] == heard(update.cues[0])


def test_a_slow_speaking_rate_keeps_the_session_on_time_and_its_cues_apart() -> None:
    run = Run.of(PARTNER, words_per_minute=60)
    assert run.finish() == LEAD_IN + PARTNER.total_seconds
    check_cues_in_order(run.said)
    assert all(not c.interrupt for c in run.said[:-1])
    default = Run.of(PARTNER)
    default.finish()
    assert len(run.said) < len(default.said)


def test_every_kind_of_cue_is_said_by_some_session() -> None:
    """No cue kind is dead weight (repeat, back and skipped were, and are gone)."""
    heard: set[CueKind] = set()
    run = Run.of(SELF)  # lead-in, 3-2-1, own cues, the hold and its release, 10 seconds left
    run.run_to(begin(SELF, 1) + IN_STEP)
    for event in (Event.PAUSE, Event.RESUME, Event.GOOD, Event.HURTS, Event.SKIP_REGION):
        run.handle(event)
    run.finish()
    heard |= {c.kind for c in run.said}
    run = Run.of(PARTNER)  # half-way, then stopped
    run.run_to(begin(PARTNER, 1) + 40)
    run.handle(Event.STOP)
    heard |= {c.kind for c in run.said}
    both_sides = Step(
        "technique",
        60,
        "Knead both sides.",
        "prone",
        technique="petrissage",
        region="rhomboid_left",
        regions=("rhomboid_left", "rhomboid_right"),
    )
    run = Run.of(Routine(Mode.PARTNER, "prone", (both_sides,)))  # the planner makes no such step yet
    run.finish()
    heard |= {c.kind for c in run.said}
    assert heard == set(CueKind)


@pytest.mark.parametrize("r", [pytest.param(SELF, id="self"), pytest.param(PARTNER, id="partner")])
def test_planned_cues_are_what_a_session_says_when_nobody_presses_anything(r: Routine) -> None:
    run = Run.of(r)
    run.finish()
    expected = [(cue.at, cue.kind, cue.text) for cue in run.said]
    assert [(cue.at, cue.kind, cue.text) for cue in planned_cues(r, CATALOG)] == expected
    assert expected[0][1] is CueKind.LEAD_IN and expected[-1][1] is CueKind.FINISHED


def test_more_pressure_at_todays_limit_says_the_limit() -> None:
    """Under "light pressure only" (a screen's restriction, content: restrictions.yaml) a step planned light is at
    the limit: "more" answers with the limit, not with more pressure; without the restriction it asks for more."""
    limited = plan(PlanRequest(Mode.SELF, 5, ("tennis_ball",), restrictions=("light_pressure",)), catalog=CATALOG)
    light = next(i for i, s in enumerate(limited.steps) if s.is_technique)
    assert limited.steps[light].pressure is not None and limited.steps[light].pressure.value == "light"
    for r, expected in ((limited, RULES.texts.more_at_limit), (SELF, RULES.texts.more)):
        run = Run.of(r)
        first = next(i for i, s in enumerate(r.steps) if s.is_technique)
        run.run_to(begin(r, first) + 1)
        said = [c.text for c in run.handle(Event.MORE).cues if c.kind is CueKind.FEEDBACK]
        assert said == [expected]
    assert "light" in RULES.texts.more_at_limit.lower()


# --- "it hurts" as a step begins, and the areas worked (issue 12) -----------------------------------------------


def _two_areas_in_a_row(r: Routine) -> int:
    """A technique step followed at once by a technique step on another area (neither a sweep)."""
    for i in range(len(r.steps) - 1):
        a, b = r.steps[i], r.steps[i + 1]
        if a.is_technique and b.is_technique and len(regions_of(a)) == len(regions_of(b)) == 1:
            if regions_of(a) != regions_of(b):
                return i
    raise AssertionError("no two technique steps in a row on different areas")


def test_it_hurts_as_a_step_begins_offers_both_areas_and_skip_can_mean_the_one_just_started() -> None:
    i = _two_areas_in_a_row(PARTNER)
    before, started = regions_of(PARTNER.steps[i]), regions_of(PARTNER.steps[i + 1])
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, i) + 10)  # the area before is worked for 10 s
    run.handle(Event.NEXT)
    run.clock.advance(RULES.hurt_grace_seconds / 2)
    run.handle(Event.HURTS)  # in the first seconds of the next step: charged to the step before
    session = run.session
    assert session.skip_target() == before
    assert [(c.event, c.regions, c.started, c.ambiguous) for c in session.skip_choices()] == [
        (Event.SKIP_REGION, before, False, True),
        (Event.SKIP_STARTED, started, True, True),
    ]
    run.handle(Event.SKIP_STARTED)
    assert session.skipped_regions == set(started)
    skipped = [e for u in run.updates for e in u.events if e.kind == "skip_region"]
    assert [e.detail for e in skipped] == [" ".join(started)]  # what a resumed session reads back
    run.finish()
    later = [j for j in range(i + 2, len(PARTNER.steps)) if PARTNER.steps[j].is_technique]
    for j in later:
        touches = set(regions_of(PARTNER.steps[j]))
        if touches & set(started) and len(touches) == 1:
            assert session.records[j].status is StepStatus.SKIPPED and session.records[j].seconds == 0
        if touches == set(before):
            assert session.records[j].status is StepStatus.DONE  # the area worked before is not left alone


def test_it_hurts_past_the_first_seconds_offers_one_area() -> None:
    i = _two_areas_in_a_row(PARTNER)
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, i + 1) + RULES.hurt_grace_seconds + 1)
    run.handle(Event.HURTS)
    choices = run.session.skip_choices()
    assert [(c.event, c.regions, c.ambiguous) for c in choices] == [
        (Event.SKIP_REGION, regions_of(PARTNER.steps[i + 1]), False)
    ]
    assert run.session.skip_started_target() == ()


@pytest.mark.parametrize(
    ("fraction", "worked"),
    [pytest.param(0.8, True, id="next-near-the-end"), pytest.param(0.2, False, id="next-early")],
)
def test_next_near_a_steps_end_still_worked_its_area(fraction: float, worked: bool) -> None:
    """The pain-after questions ask after an area a step skipped by Next had mostly worked (``worked()``)."""
    from unknot.contract import routine_to_json
    from unknot.model import SessionRecord

    i = _two_areas_in_a_row(PARTNER)
    step = PARTNER.steps[i]
    run = Run.of(PARTNER)
    run.run_to(begin(PARTNER, i) + step.seconds * fraction)
    run.handle(Event.NEXT)
    run.finish()
    assert run.session.records[i].status is StepStatus.SKIPPED
    area = regions_of(step)[0]
    # The journal's record of that step alone: does it count as having worked the area?
    only_this = SessionRecord(datetime.now(), PARTNER.mode, routine_to_json(PARTNER), steps=(run.session.records[i],))
    assert (area in only_this.worked()) is worked
