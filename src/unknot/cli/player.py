"""The terminal player: a guided session on screen and aloud, driven by single keys (or by nothing at all).

The loop waits for a key or for the session's next deadline, whichever comes first (``select`` on the terminal, no
polling), then hands the session a key's event or a tick. Every update is passed to ``on_update`` (which keeps the
step records and events in the journal) and its cues to the voice, which speaks on its own thread: the timer never
waits for speech. The display is redrawn when a second of the countdown changes.

Keys: space pause / carry on, n or → next, b or ← back, r repeat, + − g pressure, h it hurts (one press: the step
stops at once), s stop (asks "Stop the session?" first), ? how to do this technique (a panel; nothing pauses),
q quit (asks whether to save). After "it hurts" only an explicit choice carries on (never space or Enter): n go on,
x skip that area today (c the area just started, when it came in a step's first seconds), s stop.
"""

from __future__ import annotations

import math
import os
import select
import signal
import sys
import termios
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from types import FrameType

from rich.console import Console
from rich.live import Live

from unknot.cli.player_view import Screen, render
from unknot.cli.voice import Voice
from unknot.errors import SessionStateError
from unknot.model import Catalog
from unknot.session import Event, Session, State, Update
from unknot.steps import area_names, how_to, skip_choice_words

__all__ = ["KEYMAP", "SKIP_KEYS", "Outcome", "key_events", "play"]

#: Keys to session events. Space and q are handled by the player (pause or carry on; the quit question).
KEYMAP: dict[str, Event] = {
    "n": Event.NEXT,
    "\x1b[C": Event.NEXT,
    "b": Event.BACK,
    "\x1b[D": Event.BACK,
    "r": Event.REPEAT,
    "+": Event.MORE,
    "=": Event.MORE,
    "-": Event.LESS,
    "g": Event.GOOD,
    "h": Event.HURTS,
    "!": Event.HURTS,
    "s": Event.STOP,
    "x": Event.SKIP_REGION,
    "c": Event.SKIP_STARTED,
}
# The key for each way to leave an area alone after "it hurts".
SKIP_KEYS = {Event.SKIP_REGION: "x", Event.SKIP_STARTED: "c"}
# The display never redraws more often than this (real seconds), however fast the clock runs.
MIN_WAIT = 0.05


class Outcome(StrEnum):
    """How the player ended."""

    FINISHED = "finished"  # every step ended
    STOPPED = "stopped"  # stopped early, to be saved as such
    DISCARDED = "discarded"  # the user chose not to keep it
    INTERRUPTED = "interrupted"  # Ctrl-C or the terminal closed: the session stays open for `unknot resume`


class _Hangup(Exception):
    """The terminal closed, or the process was asked to end."""


def key_events(key: str, state: State) -> Event | None:
    """The session event a key means in ``state`` (space depends on it), or None for a key with no meaning."""
    if key == " ":
        if state is State.PAIN_CHECK:
            return None  # after "it hurts" only an explicit choice carries on
        return Event.RESUME if state is State.PAUSED else Event.PAUSE
    return KEYMAP.get(key.lower() if len(key) == 1 else key)


def play(
    session: Session,
    *,
    catalog: Catalog,
    voice: Voice,
    console: Console,
    title: str,
    on_update: Callable[[Update], None],
    stdin_fd: int | None = None,
) -> Outcome:
    """Run ``session`` to its end in the terminal; returns how it ended."""
    fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
    screen = Screen(title=title, stop_advice=session.stop_advice())

    def apply(update: Update) -> None:
        for cue in update.cues:
            voice.say(cue.text, interrupt=cue.interrupt, chime=cue.chime)
        on_update(update)

    def draw(live: Live) -> None:
        offered = session.skip_choices()
        choices = tuple(
            (SKIP_KEYS[c.event], skip_choice_words(catalog, c.regions, started=c.started, ambiguous=c.ambiguous))
            for c in offered
        )
        names = area_names(catalog, offered[0].regions) if offered else ""
        progress = session.progress()
        how = how_to(catalog, session.steps, progress.index) if screen.showing_how and not progress.over else None
        shown = replace(screen, problem=voice.problem, skip_names=names, skip_choices=choices, how=how)
        live.update(render(catalog, session.routine, progress, shown, console.width), refresh=True)

    with _hangup_raises(), _cbreak(fd), Live(console=console, screen=True, auto_refresh=False) as live:
        try:
            apply(session.tick())
            while not session.over:
                draw(live)
                key = _read_key(fd, _wait(session))
                if key is None:
                    apply(session.tick())
                    continue
                if screen.asking_quit:
                    outcome, screen = _answer_quit(key, session, screen, apply)
                    if outcome is not None:
                        return outcome
                    continue
                if screen.asking_stop:
                    screen = _answer_stop(key, session, screen, apply)
                    continue
                if key.lower() == "q":
                    paused = session.state in (State.RUNNING, State.GET_READY) and _try(session, Event.PAUSE, apply)
                    screen = replace(screen, asking_quit=True, paused_for_quit=paused, message="")
                    continue
                if key == "?":
                    screen = replace(screen, showing_how=not screen.showing_how, message="")
                    continue
                if key.lower() == "s" and session.state is not State.PAIN_CHECK:
                    # Stop asks once; after "it hurts" stopping is one of its three choices, already explicit.
                    paused = session.state in (State.RUNNING, State.GET_READY) and _try(session, Event.PAUSE, apply)
                    screen = replace(screen, asking_stop=True, paused_for_quit=paused, message="")
                    continue
                event = key_events(key, session.state)
                if event is None:
                    if session.state is State.PAIN_CHECK and key in (" ", "\r", "\n"):
                        message = "Choose what to do: n goes on, s stops (the keys are below)."
                    else:
                        message = f"The key {key!r} does nothing here; the keys are below."
                    screen = replace(screen, message=message)
                    continue
                if event in SKIP_KEYS and event not in {c.event for c in session.skip_choices()}:
                    screen = replace(screen, message=f"The key {key!r} does nothing here; the keys are below.")
                    continue
                try:
                    apply(session.handle(event))
                    screen = replace(screen, message=_said(event))
                except SessionStateError as exc:
                    screen = replace(screen, message=exc.message)
            apply(session.tick())  # what the clock ended just before a refused key is still kept
            draw(live)
            return Outcome.FINISHED if session.state is State.FINISHED else Outcome.STOPPED
        except (KeyboardInterrupt, _Hangup):
            return Outcome.INTERRUPTED


def _try(session: Session, event: Event, apply: Callable[[Update], None]) -> bool:
    """Apply ``event`` if the session still takes it (the clock may have moved it on); whether it did."""
    try:
        apply(session.handle(event))
    except SessionStateError:
        return False
    return True


def _answer_quit(
    key: str, session: Session, screen: Screen, apply: Callable[[Update], None]
) -> tuple[Outcome | None, Screen]:
    """The answer to "Quit?": y keeps what was done (stopped), d discards the session, anything else (n, no)
    carries on: a "no" must never throw a session away."""
    answer = key.lower()
    if answer == "y":
        _try(session, Event.STOP, apply)
        return Outcome.STOPPED, screen
    if answer == "d":
        return Outcome.DISCARDED, screen
    if screen.paused_for_quit and session.state is State.PAUSED:
        _try(session, Event.RESUME, apply)
    return None, replace(screen, asking_quit=False, paused_for_quit=False, message="Carrying on.")


def _answer_stop(key: str, session: Session, screen: Screen, apply: Callable[[Update], None]) -> Screen:
    """The answer to "Stop the session?": y stops it, anything else carries on (a no never ends a session)."""
    if key.lower() == "y":
        _try(session, Event.STOP, apply)
        return replace(screen, asking_stop=False, paused_for_quit=False)
    if screen.paused_for_quit and session.state is State.PAUSED:
        _try(session, Event.RESUME, apply)
    return replace(screen, asking_stop=False, paused_for_quit=False, message="Carrying on.")


def _said(event: Event) -> str:
    return {
        Event.MORE: "Noted: more pressure.",
        Event.LESS: "Noted: less pressure.",
        Event.GOOD: "Noted: the pressure is good.",
        Event.SKIP_REGION: "That area is left alone for the rest of today.",
        Event.SKIP_STARTED: "That area is left alone for the rest of today.",
    }.get(event, "")


def _wait(session: Session) -> float | None:
    """Real seconds until the session's next deadline or the next change of the countdown's second; None while
    held (only a key can move it on)."""
    deadline = session.next_deadline()
    if deadline is None:
        return None
    clock = session.clock
    remaining = session.progress().phase_remaining
    to_next_second = (remaining - math.floor(remaining)) or 1.0
    until_deadline = clock.real_seconds(max(0.0, deadline - clock.monotonic()))
    return min(until_deadline, max(MIN_WAIT, clock.real_seconds(to_next_second)))


def _read_key(fd: int, timeout: float | None) -> str | None:
    """One key press (an arrow's escape sequence as one), or None when ``timeout`` passes first."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    data = os.read(fd, 1)
    if not data:
        raise _Hangup  # end of input: the terminal is gone
    if data == b"\x1b":  # an escape sequence comes at once; a lone Escape does not
        more, _, _ = select.select([fd], [], [], 0.02)
        if more:
            data += os.read(fd, 8)
    return data.decode(errors="replace")


@contextmanager
def _cbreak(fd: int) -> Iterator[None]:
    """Keys arrive one at a time, unechoed; Ctrl-C still interrupts. The terminal is restored on the way out."""
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        yield  # not a terminal (a test's pipe): keys arrive as written
        return
    tty.setcbreak(fd)
    termios.tcflush(fd, termios.TCIFLUSH)  # an Enter typed ahead at a question is not a key for the player
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, saved)  # nor a key pressed during the routine an answer after


@contextmanager
def _hangup_raises() -> Iterator[None]:
    """A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the player like Ctrl-C: the session stays
    resumable and the terminal is restored."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Hangup

    saved = {sig: signal.signal(sig, handler) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)
