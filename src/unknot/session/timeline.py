"""What a session will do from now on if nobody presses anything: its phases and cues on the clock (pure).

The browser's player plays this by deadlines on its own clock, and asks for a new one after every event it posts;
the server keeps the session itself. ``timeline`` looks ahead on a fork of the session, so the cues and times are
exactly those the session would produce: there is one set of rules, here, not a second one in JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unknot.model import Catalog, Routine
from unknot.session.clock import ManualClock
from unknot.session.cues import Cue
from unknot.session.state import Session, State

__all__ = ["Phase", "Timeline", "planned_cues", "timeline", "timeline_to_json"]


@dataclass(frozen=True, slots=True)
class Phase:
    """A stretch of the routine: a step (``index``) or the lead-in (``lead_in``), from ``start`` for ``seconds``."""

    index: int
    lead_in: bool
    start: float
    seconds: float


@dataclass(frozen=True, slots=True)
class Timeline:
    """The session's state at ``at`` and, when it runs by itself, every phase and cue to come, ending at ``end``."""

    state: State
    index: int
    at: float
    phases: tuple[Phase, ...]
    cues: tuple[Cue, ...]
    end: float | None


def timeline(session: Session) -> Timeline:
    """Look ahead from the session's clock time: nothing in ``session`` changes."""
    now = session.clock.monotonic()
    clock = ManualClock()
    clock.now = now
    ahead = session.fork(clock)
    phases: list[Phase] = []
    cues: list[Cue] = []

    def note() -> None:
        p = ahead.progress()
        if ahead.state in (State.GET_READY, State.RUNNING, State.PAUSED) and p.step is not None:
            phase = Phase(p.index, p.lead_in, p.phase_started, p.phase_seconds)
            if not phases or (phases[-1].index, phases[-1].lead_in) != (phase.index, phase.lead_in):
                phases.append(phase)

    note()
    running = ahead.state in (State.GET_READY, State.RUNNING)
    while running and not ahead.over:
        deadline = ahead.next_deadline()
        if deadline is None:
            break
        clock.advance(max(0.0, deadline - clock.now))
        cues += ahead.tick().cues
        note()
    progress = session.progress()
    return Timeline(
        session.state,
        progress.index,
        now,
        tuple(phases),
        tuple(cues),
        clock.now if running and ahead.over else None,
    )


def timeline_to_json(line: Timeline) -> dict[str, Any]:
    """The timeline as the browser reads it (times in session seconds)."""
    return {
        "state": line.state.value,
        "index": line.index,
        "at": line.at,
        "end": line.end,
        "phases": [
            {"index": p.index, "lead_in": p.lead_in, "start": p.start, "seconds": p.seconds} for p in line.phases
        ],
        "cues": [
            {
                "at": c.at,
                "kind": c.kind.value,
                "text": c.text,
                "seconds": c.seconds,
                "step": c.step,
                "chime": c.chime,
                "interrupt": c.interrupt,
                "due": c.scheduled,
            }
            for c in line.cues
        ],
    }


def planned_cues(routine: Routine, catalog: Catalog, words_per_minute: int | None = None) -> tuple[Cue, ...]:
    """Every cue a session of ``routine`` says, from its start to its end, when nobody presses anything."""
    session = Session(routine, catalog, ManualClock(), words_per_minute=words_per_minute)
    return session.tick().cues + timeline(session).cues
