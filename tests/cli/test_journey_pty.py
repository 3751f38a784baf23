"""The whole journey (``unknot``, ``unknot start``, ``unknot resume``) in a real pseudo-terminal, read through a
terminal emulator (pyte), so the tests assert on what the screen shows, and on the journal rows written.

The clock runs fast (``UNKNOT_TIME_SCALE``, documented in ``unknot start --help``): the same code at any speed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pyte
import pytest

from tests.conftest import RunUnknot, as_from_a_shell
from unknot.journal import opened_journal
from unknot.model import SessionRecord, SessionStatus, StepStatus

pytestmark = pytest.mark.pty

UNKNOT = Path(sys.executable).with_name("unknot")
COLUMNS, ROWS = 110, 44


class Terminal:
    """One ``unknot`` in a pseudo-terminal, its output fed to an emulated screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.child = pexpect.spawn(
            str(UNKNOT),
            args,
            env=env,
            dimensions=(ROWS, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
            preexec_fn=as_from_a_shell,
        )
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.transcript = ""

    def pump(self, seconds: float = 0.05) -> None:
        """Read what the program wrote in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.0, deadline - time.monotonic()))
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.transcript += data
            self.stream.feed(data)
            if time.monotonic() >= deadline:
                return

    @property
    def text(self) -> str:
        """What the screen shows now."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for_all(self, *texts: str, timeout: float = 30) -> str:
        """Wait until the screen shows every one of ``texts`` at once (a frame drawn whole); the screen then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if all(text in self.text for text in texts):
                return self.text
        raise AssertionError(f"the screen never showed all of {texts!r}; it shows:\n{self.text}")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Wait until the screen shows ``text``; the screen then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if text in self.text:
                return self.text
            if not self.child.isalive():
                self.pump(0.2)
                if text in self.text:
                    return self.text
                break
        raise AssertionError(f"the screen never showed {text!r}; it shows:\n{self.text}")

    def answer(self, prompt: str, reply: str) -> None:
        """Wait for ``prompt`` on the screen, then type ``reply`` and Enter."""
        self.wait_for(prompt)
        self.screen.reset()  # what comes next is judged on its own
        self.child.send(reply + "\r")

    def key(self, key: str) -> None:
        """Press one key (no Enter)."""
        self.child.send(key)

    def finish(self, timeout: float = 30) -> int:
        """Wait for the program to end; its exit status."""
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            self.pump(0.1)
        if self.child.isalive():
            self.child.kill(signal.SIGKILL)
            raise AssertionError(f"unknot did not end; the screen shows:\n{self.text}")
        self.child.close()
        assert self.child.exitstatus is not None
        return int(self.child.exitstatus)


@pytest.fixture
def env(cli_env: dict[str, str]) -> dict[str, str]:
    return {**cli_env, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'journal.db'}"


@pytest.fixture
def spawn(env: dict[str, str]) -> Iterator[Callable[..., Terminal]]:
    terminals: list[Terminal] = []

    def start(*args: str, scale: float = 60, **more: str) -> Terminal:
        terminal = Terminal(list(args), {**env, "UNKNOT_TIME_SCALE": str(scale), **more})
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        if terminal.child.isalive():
            terminal.child.kill(signal.SIGKILL)


def healthy_screen(t: Terminal) -> None:
    """Answer no to every group of the safety screen."""
    for _ in range(5):
        t.answer("(not sure) ›", "n")


def rate(t: Terminal, score: str, count: int) -> None:
    """Give ``score`` to the next ``count`` areas."""
    for _ in range(count):
        t.answer(": 0 to 10 ›", score)


def only_session(db: str) -> SessionRecord:
    with opened_journal(db) as journal:
        sessions = journal.sessions()
    assert len(sessions) == 1
    return sessions[0]


def test_bare_unknot_walks_a_first_timer_through_a_healthy_session(
    spawn: Callable[..., Terminal], db: str, unknot: RunUnknot
) -> None:
    assert unknot("config", "set", "voice", "off").code == 0  # bare `unknot` takes the voice from the settings
    t = spawn(scale=30, UNKNOT_DATABASE_URL=db)
    t.wait_for("a guided upper-back massage")
    t.answer("Who gives the massage?", "s")  # first: the screen is about whoever receives it
    healthy_screen(t)
    t.answer("Which do you have?", "1")
    t.answer("How many minutes?", "5")
    t.wait_for("Your self routine: 5:00")
    prepared = t.wait_for("Press Enter when you are ready")
    assert 'medium: a "good hurt" of about 4 to 6' in prepared  # the pressure words, explained once
    t.answer("Press Enter when you are ready", "")
    t.wait_for("How much does each area hurt now, before you start?")
    t.answer("Upper trapezius, left: 0 to 10 ›", "6")
    t.answer("Upper trapezius, right: 0 to 10 ›", "")  # Enter leaves an area out
    t.answer("Rhomboid, left: 0 to 10 ›", "5")
    t.answer("Rhomboid, right: 0 to 10 ›", "skip")  # and skip leaves out the rest
    t.wait_for("BALL AGAINST A WALL")  # the player: the step in capitals, the keys along the bottom
    shown = t.wait_for_all("BALL AGAINST A WALL", "Whole routine", "it hurts", "Next:")  # a whole frame, not half
    assert "Whole routine" in shown and "it hurts" in shown and "Next:" in shown and "step 2 of" in shown
    ended = t.wait_for("How much does each area hurt now, after the session?", timeout=30)
    assert "Afterwards" in ended and "48 hours" in ended and "72 hours" in ended  # the aftercare, where it ends
    t.answer("Upper trapezius, left (before: 6): 0 to 10 ›", "3")
    t.answer("Rhomboid, left (before: 5): 0 to 10 ›", "4")
    assert "Today your pain went from 5.5 to 3.5 on average over 2 areas." in t.wait_for("Saved in your journal.")
    assert t.finish() == 0
    session = only_session(db)
    assert session.status is SessionStatus.FINISHED
    routine_steps = session.routine["steps"]
    assert [s.index for s in session.steps] == list(range(len(routine_steps)))
    assert {s.status for s in session.steps} == {StepStatus.DONE}
    assert sum(s.seconds for s in session.steps) == pytest.approx(300, abs=1)
    assert session.pain_before == {"upper_trapezius_left": 6, "rhomboid_left": 5}
    assert session.pain_after == {"upper_trapezius_left": 3, "rhomboid_left": 4}


def test_an_emergency_answer_ends_the_journey_with_the_number(spawn: Callable[..., Terminal], db: str) -> None:
    t = spawn("start", "--db", db, "--no-voice", "--mode", "self")
    t.answer("(not sure) ›", "y")
    t.answer("Which ones?", "1")
    assert "112" in t.wait_for("CALL 112")
    assert t.finish() == 3
    with opened_journal(db) as journal:
        assert journal.sessions() == []  # no session was started


def test_stop_asks_once_and_how_shows_the_technique_without_pausing(spawn: Callable[..., Terminal], db: str) -> None:
    """s asks "Stop the session?" (n carries on, y stops and keeps it as stopped); ? shows how to do the technique
    under way and pauses nothing. The clock runs at its real speed: nothing here races it."""
    t = spawn("start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "10", "--no-prepare", scale=1)
    healthy_screen(t)
    t.answer("0 to 10 ›", "5")
    t.answer("0 to 10 ›", "skip")
    t.wait_for("GET READY")
    t.key("n")  # the countdown, then the get-ready step, skipped
    t.wait_for("step 1 of")
    t.key("n")
    t.wait_for("WARMING STROKES")
    t.key("?")
    shown = " ".join(t.wait_for("How: Warming strokes (effleurage)").split())
    assert "2. Glide with flat hands from the base of the neck" in shown, t.text  # the direction of the strokes
    assert "Avoid:" in shown and "Stop if:" in shown and "PAUSED" not in shown
    t.key("?")
    t.pump(0.3)
    assert "How: Warming" not in t.text
    t.key("s")
    t.wait_for("Stop the session?")
    t.key("n")
    t.wait_for("Carrying on.")
    t.key("s")
    t.wait_for("Stop the session?")
    t.key("y")
    t.wait_for("Stopped.")
    t.answer("(before: 5): 0 to 10 ›", "7")
    saved = t.wait_for("Saved in your journal.")
    assert t.finish() == 0
    # Worse after than before is said first (insights.yaml: worse_today_message), never hidden in an average.
    assert "hurts more than before" in " ".join(saved.split())
    session = only_session(db)
    assert session.status is SessionStatus.STOPPED
    assert list(session.pain_after.values()) == [7]
    statuses = [s.status for s in session.steps]
    assert statuses[1] is StepStatus.STOPPED and set(statuses[2:]) == {StepStatus.SKIPPED}
    kinds = [e.kind for e in session.events]
    # The question held the routine while it was asked; "?" paused nothing.
    assert kinds == ["next", "next", "pause", "resume", "pause", "stop"], kinds


def test_no_to_quit_carries_on_and_yes_keeps_what_was_done(spawn: Callable[..., Terminal], db: str) -> None:
    """ "Quit?" answered n is a no: the session goes on (it is never thrown away by a no); y keeps it as stopped."""
    t = spawn("start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "10", "--no-prepare", "--no-pain")
    healthy_screen(t)
    t.wait_for("WARMING STROKES")
    t.key("q")
    t.wait_for("Quit?")
    t.key("n")
    t.wait_for("Carrying on.")
    t.key("q")
    t.wait_for("Quit?")
    t.key("y")
    t.wait_for("Saved in your journal.")
    assert t.finish() == 0
    assert only_session(db).status is SessionStatus.STOPPED


def _remaining(text: str) -> str:
    line = next(line for line in text.splitlines() if "left of" in line and "Whole routine" not in line)
    return line.split("left of")[0].split()[-1]


def test_pause_holds_the_clock_and_space_carries_on(spawn: Callable[..., Terminal], db: str) -> None:
    t = spawn("start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "5", "--no-prepare", "--no-pain")
    t.wait_for("(not sure) ›")
    healthy_screen(t)
    t.wait_for("WARMING STROKES", timeout=30)
    t.key(" ")
    paused = t.wait_for("PAUSED")
    held = _remaining(paused)
    t.pump(1.5)  # 90 s of routine time at this speed
    assert "PAUSED" in t.text and _remaining(t.text) == held
    t.key(" ")
    t.wait_for("Saved in your journal.", timeout=30)
    assert t.finish() == 0
    session = only_session(db)
    assert session.status is SessionStatus.FINISHED
    kinds = [e.kind for e in session.events]
    assert kinds.index("pause") < kinds.index("resume")
    assert {s.status for s in session.steps} == {StepStatus.DONE}


def test_it_hurts_stops_the_step_shows_the_advice_and_can_skip_the_area(
    spawn: Callable[..., Terminal], db: str
) -> None:
    t = spawn(
        "start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "15", "--no-prepare", "--no-pain",
        scale=20,
    )  # fmt: skip
    healthy_screen(t)
    t.wait_for("Upper trapezius, left · hands")  # kneading the left upper trapezius
    t.pump(0.4)  # 8 s into it: past the first seconds, when "it hurts" would still be about the step before
    t.key("h")
    shown = t.wait_for("It hurts: that step has stopped.")
    assert "Ease off completely and breathe. Sharp, shooting or" in shown  # the stop advice of session.yaml
    assert "x leaves Upper trapezius, left alone" in shown and "skip Upper trapezius, left today" in shown
    assert "left of 1:" not in shown  # the step's own countdown is gone: it has stopped
    t.pump(1.0)  # 20 s of routine time: the pain check waits for an answer, whatever the clock does
    assert "It hurts: that step has stopped." in t.text
    t.key("x")
    t.wait_for("Saved in your journal.", timeout=60)
    assert t.finish() == 0
    session = only_session(db)
    steps = session.routine["steps"]
    stopped = [s.index for s in session.steps if s.status is StepStatus.STOPPED]
    assert len(stopped) == 1 and steps[stopped[0]]["region"] == "upper_trapezius_left"

    def touches(index: int) -> bool:
        step = steps[index]
        return "upper_trapezius_left" in (step.get("region"), *step.get("regions", []))

    def sweep(index: int) -> bool:  # the closing strokes over the whole back: kept, they press on nothing
        return steps[index]["technique"] == "effleurage" if steps[index]["kind"] == "technique" else False

    later = [s for s in session.steps if s.index > stopped[0] and touches(s.index) and not sweep(s.index)]
    assert later  # a trigger-point hold there
    assert all(s.status is StepStatus.SKIPPED and s.seconds == 0 for s in later)
    closing = [s for s in session.steps if s.index > stopped[0] and sweep(s.index)]
    assert closing and all(s.status is StepStatus.DONE for s in closing), "the closing strokes are kept"
    others = [s for s in session.steps if s.index > stopped[0] and not touches(s.index)]
    assert others and all(s.status is StepStatus.DONE for s in others)
    hurt = [e for e in session.events if e.kind == "it_hurts"]
    assert hurt and hurt[0].step == stopped[0] and hurt[0].detail == "upper_trapezius_left"
    assert [e.detail for e in session.events if e.kind == "skip_region"] == ["upper_trapezius_left"]


def _step_seconds_left(t: Terminal) -> int:
    minutes, seconds = _remaining(t.text).split(":")
    return int(minutes) * 60 + int(seconds)


def test_it_hurts_as_a_step_begins_offers_both_areas_and_only_a_choice_goes_on(
    spawn: Callable[..., Terminal], db: str
) -> None:
    """ "It hurts" in a step's first seconds is charged to the area worked just before, and says so; c leaves the
    area just started alone instead. Space and Enter never carry on. Driven by pauses on the real clock: the step
    before is worked for at least 4 s, and the pain comes at 0 s into the next (paused), whatever the machine's
    load."""
    t = spawn(
        "start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "10", "--no-prepare", "--no-pain",
        scale=1,
    )  # fmt: skip
    healthy_screen(t)
    t.wait_for("GET READY")
    t.key(" ")
    t.wait_for("PAUSED")
    for number in range(1, 6):  # paused at the start of step 5: kneading the right upper trapezius
        t.key("n")
        t.wait_for(f"step {number} of")
    assert "Upper trapezius, right" in t.wait_for("KNEADING")
    t.key(" ")
    deadline = time.monotonic() + 30
    while _step_seconds_left(t) > 59 and time.monotonic() < deadline:  # 4 s worked, at least
        t.pump(0.2)
    t.key(" ")
    t.wait_for("PAUSED")
    t.key("n")
    t.wait_for("step 6 of")  # the left rhomboid, paused at its first second
    t.key("h")
    shown = " ".join(t.wait_for("It hurts: that step has stopped.").split())
    assert "it may be about either area" in shown
    assert "x: Skip Upper trapezius, right today (worked just" in shown, t.text
    assert "c: Skip Rhomboid, left today (just started)." in shown
    t.key(" ")
    t.key("\r")
    assert "Choose what to do" in t.wait_for("Choose what to do")
    assert "It hurts: that step has stopped." in t.text
    t.key("c")
    t.wait_for("That area is left alone for the rest of today.")
    t.key("s")
    t.wait_for("Stop the session?")
    t.key("y")
    t.wait_for("Saved in your journal.")
    assert t.finish() == 0
    session = only_session(db)
    kinds = [e.kind for e in session.events]
    after = kinds[kinds.index("it_hurts") :]
    assert after[:2] == ["it_hurts", "skip_region"], kinds  # space and Enter sent nothing
    hurt = next(e for e in session.events if e.kind == "it_hurts")
    assert hurt.detail == "upper_trapezius_right"  # charged to the step worked before...
    assert [e.detail for e in session.events if e.kind == "skip_region"] == ["rhomboid_left"]  # ...c skipped this one


def test_kill_9_loses_at_most_the_step_under_way_and_resume_finishes_it(
    spawn: Callable[..., Terminal], db: str
) -> None:
    t = spawn(
        "start", "--db", db, "--no-voice", "--mode", "partner", "--minutes", "10", "--no-prepare", scale=20,
    )  # fmt: skip
    healthy_screen(t)
    t.answer("0 to 10 ›", "7")
    t.answer("0 to 10 ›", "skip")
    t.wait_for("step 4 of", timeout=40)
    os.kill(t.child.pid, signal.SIGKILL)
    t.child.close()
    with opened_journal(db) as journal:
        interrupted = journal.unfinished_session()
    assert interrupted is not None and interrupted.status is SessionStatus.ACTIVE
    kept = [s.index for s in interrupted.steps]
    assert kept == list(range(len(kept))) and len(kept) >= 3  # every step that ended before the kill
    assert interrupted.pain_before
    r = spawn("resume", "--db", db, "--no-voice", scale=20)
    assert f"step {len(kept) + 1} of" in r.wait_for("Resuming the partner session")
    r.wait_for("How much does each area hurt now, after the session?", timeout=60)
    r.answer("(before: 7): 0 to 10 ›", "4")
    r.wait_for("Saved in your journal.")
    assert r.finish() == 0
    session = only_session(db)
    assert session.status is SessionStatus.FINISHED
    assert [s.index for s in session.steps] == list(range(len(session.routine["steps"])))
    assert session.pain_after and set(session.pain_after.values()) == {4}


def test_a_blocking_screen_stands_for_the_day_and_refuses_the_resume(
    spawn: Callable[..., Terminal], db: str, unknot: RunUnknot
) -> None:
    """Today's policy in the terminal: after "no massage today" a later screen answered no five times gives no
    routine, and an unfinished session does not go on (issue 12)."""
    t = spawn("start", "--db", db, "--no-voice", "--mode", "self", "--no-tools", "--minutes", "5", "--no-prepare",
              "--no-pain")  # fmt: skip
    healthy_screen(t)
    t.wait_for("KNEADING")
    t.child.kill(signal.SIGKILL)  # the session is left unfinished
    fever = unknot("screen", "--db", db, input="n\ny\n1\nn\nn\nn\n")
    assert "No massage today" in fever.out
    t = spawn("start", "--db", db, "--no-voice", "--mode", "self", "--no-tools", "--minutes", "5", "--screen-again")
    shown = " ".join(t.wait_for("(not sure) ›").split())
    assert "cannot go on today" in shown and "Go on with it?" not in shown
    healthy_screen(t)
    ended = t.wait_for("stands until tomorrow")
    assert "No massage today" in " ".join(ended.split())
    assert t.finish() == 3
    r = spawn("resume", "--db", db, "--no-voice")
    assert "cannot go on today" in " ".join(r.wait_for("cannot go on").split())
    assert r.finish() == 3
    with opened_journal(db) as journal:
        (kept,) = journal.sessions()
        assert kept.status is SessionStatus.ACTIVE, "refused, not closed: it may go on another day"
        assert len(journal.screens()) == 3


def test_an_area_rated_8_or_more_today_is_left_out_of_the_routine(
    spawn: Callable[..., Terminal], db: str, unknot: RunUnknot
) -> None:
    assert unknot("log", "upper_trapezius_left", "9", "--db", db).code == 0
    t = spawn("start", "--db", db, "--no-voice", "--mode", "self", "--no-tools", "--minutes", "5", "--no-prepare")
    healthy_screen(t)
    t.wait_for("Your self routine")
    summary = " ".join(t.text.split())
    assert "Left alone today: Upper trapezius, left" in summary and "9 out of 10" in summary
    t.child.kill(signal.SIGKILL)
    with opened_journal(db) as journal:
        assert journal.sessions() == []
