"""The guided sessions under way in the browser: one ``Session`` each, on the browser's clock, kept in the journal.

The browser plays the timeline by deadlines on its own clock (``performance.now()``, sped up by the time scale) and
posts each event with the session time it happened at; the server's session runs on that reported time
(``ReportedClock``), so both agree on every deadline. Step records and events go into the journal as they come, so
a closed tab loses at most the step under way. Session time runs only while a page plays it: when the page goes
(Leave, a closed tab, a reload) the session stays where the browser last reported it (the page posts a pause as
it goes), and the page that comes back finds it paused there, never further on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from unknot.contract import routine_from_json
from unknot.errors import NotFoundError, SessionStateError
from unknot.journal import Journal
from unknot.model import Catalog, Routine, SessionRecord, SessionStatus
from unknot.policy import ResumeDecision
from unknot.session import Event, Session, State, Update, timeline, timeline_to_json
from unknot.steps import skip_choice_words

__all__ = ["LiveSession", "LiveSessions", "ReportedClock"]


class ReportedClock:
    """Session time as the browser reports it; never goes back."""

    def __init__(self, scale: float, at: float = 0.0) -> None:
        self.scale = scale
        self.at = at

    def report(self, at: float) -> None:
        """The browser says it is ``at`` (later reports only move it forward)."""
        self.at = max(self.at, at)

    def monotonic(self) -> float:
        """The last reported session time."""
        return self.at

    def wall(self) -> datetime:
        """The real time of day."""
        return datetime.now(UTC)

    def real_seconds(self, routine_seconds: float) -> float:
        """Routine seconds in real time."""
        return routine_seconds / self.scale


@dataclass
class LiveSession:
    """A session under way: the state machine, its clock and its journal id."""

    id: int
    routine: Routine
    session: Session
    clock: ReportedClock
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False  # the browser has started playing it (until then its clock stands still)
    closed: bool = False  # over, and closed in the journal
    skipped_today: dict[int, str] = field(default_factory=dict)  # steps today's policy leaves out, and why
    reported: float = 0.0  # when (time.monotonic) the browser last reported its session time

    def estimate(self) -> float:
        """The session time now, as near as the server can tell without the browser: the last reported time, plus
        the real time since, sped up, while the routine plays (a receiver's Stop halts the step there)."""
        playing = self.started and self.session.state in (State.GET_READY, State.RUNNING)
        if not playing:
            return self.clock.at
        return self.clock.at + (time.monotonic() - self.reported) * self.clock.scale

    def skip_for_today(self, skipped: Mapping[int, str]) -> None:
        """Leave out the steps today's policy forbids now (a resumed session under a later screen's limits)."""
        with self.lock:
            self.skipped_today.update(skipped)
            self.session.skipped_steps = self.session.skipped_steps | frozenset(skipped)

    def view(self, said: Update | None = None) -> dict[str, Any]:
        """What the browser needs now: the cues to say at once, the timeline, where it is."""
        progress = self.session.progress()
        return {
            "id": self.id,
            "state": self.session.state.value,
            "started": self.started,
            "index": progress.index,
            "remaining": progress.remaining,  # the routine's seconds still to come (the overall countdown)
            "next_index": progress.next_index,  # the step after this one (a paused timeline does not show it)
            "said": [
                {
                    "at": c.at,
                    "kind": c.kind.value,
                    "text": c.text,
                    "seconds": c.seconds,
                    "step": c.step,
                    "interrupt": c.interrupt,
                    "chime": c.chime,
                    "due": c.scheduled,
                }
                for c in (said.cues if said else ())
            ],
            "timeline": timeline_to_json(timeline(self.session)),
            "skip_target": list(self.session.skip_target()),
            # After "it hurts": each area the user may leave alone, in words (both when it came as a step began).
            "skip_choices": [
                {
                    "event": c.event.value,
                    "regions": list(c.regions),
                    "label": skip_choice_words(
                        self.session.catalog, c.regions, started=c.started, ambiguous=c.ambiguous
                    ),
                    "ambiguous": c.ambiguous,
                }
                for c in self.session.skip_choices()
            ],
            "skipped_today": [{"step": i, "why": why} for i, why in sorted(self.skipped_today.items())],
        }


class LiveSessions:
    """The live sessions of this server, by journal id."""

    def __init__(self, journal: Journal, catalog: Catalog, scale: float) -> None:
        self.journal = journal
        self.catalog = catalog
        self.scale = scale
        self._live: dict[int, LiveSession] = {}
        self._lock = threading.Lock()

    def start(self, record: SessionRecord) -> LiveSession:
        """Keep a new session in the journal and make it live."""
        kept = self.journal.start_session(record)
        assert kept.id is not None
        return self._make(kept)

    def get(self, session_id: int) -> LiveSession:
        """The live session, revived from the journal (where it left off) if this server has not got it."""
        with self._lock:
            live = self._live.get(session_id)
            if live is not None:
                return live
        record = self.journal.session(session_id)
        if record is None:
            raise NotFoundError(f"there is no session {session_id}")
        if record.status is not SessionStatus.ACTIVE:
            raise SessionStateError(f"session {session_id} has ended ({record.status.value}); start a new one")
        return self._make(record)

    def _make(self, record: SessionRecord) -> LiveSession:
        assert record.id is not None
        routine = routine_from_json(record.routine)
        skipped = {r for e in record.events if e.kind == "skip_region" for r in e.detail.split()}
        clock = ReportedClock(self.scale)
        session = Session(
            routine, self.catalog, clock, words_per_minute=_voice_rate(), records=record.steps, skipped_regions=skipped
        )
        live = LiveSession(record.id, routine, session, clock)
        with self._lock:
            self._live[record.id] = live
        return live

    def apply(self, live: LiveSession, event: Event, at: float | None) -> Update:
        """Apply ``event`` at session time ``at`` (None: where the browser last reported) and keep what it produced.

        The browser has played the timeline up to ``at`` by itself: the session is first walked through every
        deadline before it, as the browser met them (so it agrees on what was said when), and only then takes the
        event. The update returned is the event's own (what the browser has not said yet)."""
        if event is Event.RESUME or not live.started:  # going on: only as today's policy allows, now
            live.skip_for_today(self._resume_check(live.id).skipped)
        with live.lock:
            target = live.clock.at if at is None else at
            if at is not None:
                live.reported = time.monotonic()
            if live.started:
                self._walk_to(live, target)
            else:  # the first press: nothing has been played yet, all that is due now is the browser's to say
                live.started = True
                live.clock.report(target)
            update = live.session.handle(event)
            self.keep(live, update)
            return update

    def _resume_check(self, session_id: int) -> ResumeDecision:
        """Whether the session may go on under today's policy (``PolicyError`` when not), and what it skips."""
        from unknot.today import resume_check

        record = self.journal.session(session_id)
        if record is None:
            raise NotFoundError(f"there is no session {session_id}")
        return resume_check(self.journal, self.catalog, datetime.now().astimezone(), record)

    def _walk_to(self, live: LiveSession, target: float) -> None:
        """Tick the session at each of its deadlines before ``target``, keeping what they end."""
        for _ in range(100_000):  # a bound, should a session never stop having deadlines
            deadline = live.session.next_deadline()
            if deadline is None or deadline >= target:  # what is due at the target itself is the event's
                break
            live.clock.report(deadline)
            self.keep(live, live.session.tick())
        live.clock.report(target)

    def keep(self, live: LiveSession, update: Update) -> None:
        """Save the step records and events of ``update``; a session that has just ended is closed in the journal
        at once (the pain after, when the page asks it, is added to it then)."""
        for step in update.steps:
            self.journal.save_step(live.id, step)
        for event in update.events:
            self.journal.add_event(live.id, event)
        if live.session.over and not live.closed:
            finished = live.session.state is State.FINISHED
            status = SessionStatus.FINISHED if finished else SessionStatus.STOPPED
            self.journal.finish_session(live.id, status, datetime.now().astimezone(), {})
            live.closed = True

    def catch_up(self, live: LiveSession) -> Update:
        """A page opens the session: what is due where the browser last reported it (no further: nobody was
        following the routine while no page played it), kept."""
        with live.lock:
            if not live.started:
                return Update()  # its clock has not started: nothing has happened yet
            update = live.session.tick()
            self.keep(live, update)
            return update

    def end(self, live: LiveSession) -> None:
        """Forget a session that has been closed or discarded."""
        with self._lock:
            self._live.pop(live.id, None)


def _voice_rate() -> int | None:
    """The user's speaking rate (the schedule spaces cues by it); None for the content's default."""
    from unknot.errors import ConfigError
    from unknot.settings import load_settings

    try:
        return load_settings().voice_rate
    except ConfigError:
        return None
