"""The interactive ``unknot screen``, driven in a real pseudo-terminal as a person would use it.

Each test spawns the installed console script under pexpect, waits for short plain pieces of the prompts (Rich
styles the y / n / ? letters, so those are never waited on), answers, and then checks the whole transcript with
ANSI escape sequences stripped, and the exit status.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pexpect
import pytest

from tests.conftest import as_from_a_shell
from unknot.screening import long_date

pytestmark = pytest.mark.pty

UNKNOT = Path(sys.executable).with_name("unknot")

# CSI (colours, bold, cursor), OSC (titles, links) and two-character escapes.
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")

GROUP_PROMPT = "(not sure) ›"
WHICH = "Which ones"
AREAS = "Type the numbers of the areas"
CLEARED = "cleared you for massage with this?"
STEPS = 5
# Positions in content/groups.yaml.
TEARING_PAIN = "2"  # Right now
CHEST_PAIN = "1"  # Right now
FEVER = "1"  # Today
CANCER = "3"  # Your health
BRUISE = "4"  # The skin and muscles of your back
SCAPULA_LEFT, SCAPULA_RIGHT = "6", "7"


def plain(raw: str) -> str:
    """``raw`` terminal output without escape sequences and with plain newlines."""
    return ANSI.sub("", raw).replace("\r\n", "\n")


class Screen:
    """One running ``unknot screen``, with everything it printed kept for later checks."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self._log = io.StringIO()
        child.logfile_read = self._log

    def answer(self, prompt: str, reply: str) -> None:
        """Wait for ``prompt`` (a plain piece of it), then type ``reply`` and Enter."""
        self.child.expect_exact(prompt)
        self.child.sendline(reply)

    def wait_for(self, text: str) -> str:
        """Wait for ``text``; return what was printed (plain) since the previous wait."""
        self.child.expect_exact(text)
        return plain(self.child.before)

    def finish(self) -> int:
        """Read to the end; return the exit status (the process must exit, not die of a signal)."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.signalstatus is None, f"killed by signal {self.child.signalstatus}:\n{self.text}"
        status = self.child.exitstatus
        assert isinstance(status, int)
        return status

    @property
    def text(self) -> str:
        """Everything printed so far, plain."""
        return plain(self._log.getvalue())


StartScreen = Callable[..., Screen]


@pytest.fixture
def start(cli_env: dict[str, str]) -> Iterator[StartScreen]:
    """Start ``unknot screen [ARGS]`` in a pty: ``start("--emergency-number", "999", env={...})``."""
    children: list[pexpect.spawn] = []

    def spawn(*args: str, env: dict[str, str] | None = None) -> Screen:
        child = pexpect.spawn(
            str(UNKNOT),
            ["screen", *args],
            env={**cli_env, **(env or {})},
            encoding="utf-8",
            timeout=20,
            dimensions=(50, 110),
            preexec_fn=as_from_a_shell,
        )
        children.append(child)
        return Screen(child)

    yield spawn
    for child in children:
        child.close(force=True)


def answer_no(screen: Screen, groups: int) -> None:
    """Answer n to the next ``groups`` group questions."""
    for _ in range(groups):
        screen.answer(GROUP_PROMPT, "n")


def assert_clean(text: str) -> None:
    assert "Traceback" not in text, text


def test_healthy_run_goes_through_every_step_to_ok(start: StartScreen) -> None:
    screen = start()
    answer_no(screen, STEPS)
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    for step in range(1, STEPS + 1):
        assert f"Step {step} of {STEPS}" in text
    assert "Step 6" not in text
    assert "OK · Go ahead" in text
    assert "Nothing in your answers stands in the way of massage today." in text
    assert "Where?" not in text
    assert CLEARED not in text


def test_emergency_yes_stops_at_once_with_the_number_to_call(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, TEARING_PAIN)
    # No further answers: the screen must end by itself.
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert "Step 1 of 5" in text
    assert "Step 2 of 5" not in text
    assert "CALL 112 NOW" in text
    assert "Call 112 now (or your local emergency number)." in text
    assert "[emergency] Sudden, severe, tearing or ripping pain in the chest or between the shoulder blades" in text
    assert "Sudden tearing pain can mean a tear in the main artery" in text
    assert "What to do next: Call 112 now." in text
    assert "Chest pain, pressure" in text  # only as a checklist line, not as a reason
    assert "[emergency] Chest pain" not in text


def test_emergency_not_sure_counts_as_yes(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "?")
    screen.answer("Which ones are you not sure about?", CHEST_PAIN)
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert "CALL 112 NOW" in text
    assert "Step 2 of 5" not in text
    assert "[emergency] Chest pain, pressure or tightness" in text
    assert "(not sure)" in text.split("CALL 112 NOW", 1)[1]
    assert 'You answered "not sure"; a safety screen counts that as yes' in text


def test_local_finding_asks_where_and_avoids_those_areas(start: StartScreen) -> None:
    screen = start()
    answer_no(screen, STEPS - 1)
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, BRUISE)
    where = screen.wait_for(AREAS)
    assert "Where? A bruise" in where
    assert "spine" in where
    assert "left" in where and "right" in where
    assert " 6  Shoulder blade, left" in where
    assert "12  Thoracic spine" in where
    screen.child.sendline(f"{SCAPULA_LEFT} {SCAPULA_RIGHT}")
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert text.count("Where?") == 1
    assert "AVOID AREAS · Massage, but not on the marked areas" in text
    assert "Keep away from: Shoulder blade, left; Shoulder blade, right" in text
    assert "[avoid areas] A bruise (Shoulder blade, left; Shoulder blade, right)" in text
    assert CLEARED not in text


def test_ctrl_c_cancels_without_saving(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "n")
    screen.wait_for("Step 2 of 5")
    screen.wait_for(GROUP_PROMPT)
    screen.child.sendintr()
    assert screen.finish() == 130
    text = screen.text
    assert_clean(text)
    assert "Screen cancelled; nothing was saved." in text
    assert "Run unknot screen to start again." in text
    assert "Step 3 of 5" not in text
    assert "·" not in text.split("Screen cancelled", 1)[1]  # no verdict after the cancel


@pytest.mark.parametrize("leave", ["ctrl-c", "eof"])
def test_leaving_after_an_emergency_yes_still_gives_the_number(start: StartScreen, leave: str) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "y")
    screen.wait_for(WHICH)
    if leave == "ctrl-c":
        screen.child.sendintr()
    else:
        screen.child.sendeof()
    assert screen.finish() == (130 if leave == "ctrl-c" else 1)
    assert "You said one of these applies: call 112 now." in screen.text
    assert_clean(screen.text)


def test_end_of_input_mid_screen_fails_without_a_verdict(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "n")
    screen.wait_for("Step 2 of 5")
    screen.wait_for(GROUP_PROMPT)
    screen.child.sendeof()
    assert screen.finish() == 1
    text = screen.text
    assert_clean(text)
    assert "The input ended before the screen was finished; nothing was saved." in text
    assert "Step 3 of 5" not in text
    assert "Go ahead" not in text


def test_bad_replies_are_asked_again_with_a_hint(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "maybe")
    screen.wait_for("Please answer y (yes), n (no) or ? (not sure).")
    assert "Step 2" not in screen.wait_for(GROUP_PROMPT)  # the same question again
    screen.child.sendline("n")
    screen.answer(GROUP_PROMPT, "y")  # Today: 4 rules
    screen.answer(WHICH, "99")
    screen.wait_for("Type one or more numbers from 1 to 4, separated by spaces (or 'all').")
    screen.answer(WHICH, "0 1")
    screen.wait_for("Type one or more numbers from 1 to 4")
    screen.answer(WHICH, "")
    screen.wait_for("Type one or more numbers from 1 to 4")
    screen.answer(WHICH, FEVER)
    assert "Step 3 of 5" in screen.wait_for(GROUP_PROMPT)
    screen.child.sendline("n")
    answer_no(screen, 2)
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert text.count("Please answer y (yes), n (no) or ? (not sure).") == 1
    assert text.count("Type one or more numbers from 1 to 4") == 3
    assert "NO MASSAGE TODAY · No massage today" in text
    assert "[no massage today] Fever of 38 °C / 100.4 °F or higher" in text


def test_a_superscript_digit_is_asked_again_not_a_crash(start: StartScreen) -> None:
    # '²' is a key of its own on French (AZERTY) keyboards, right beside '1'.
    screen = start()
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, "²")
    screen.wait_for("Type one or more numbers from 1 to 8")
    screen.answer(WHICH, TEARING_PAIN)
    assert screen.finish() == 0
    assert "CALL 112 NOW" in screen.text


def test_consult_first_cleared_by_a_professional_becomes_caution(start: StartScreen) -> None:
    screen = start()
    answer_no(screen, 2)
    screen.answer(GROUP_PROMPT, "y")  # Your health
    screen.answer(WHICH, CANCER)
    answer_no(screen, 2)
    before = screen.wait_for(CLEARED)
    assert "Cancer now, or cancer treatment such as chemotherapy or radiation" in before
    screen.child.sendline("y")
    screen.answer("YYYY-MM-DD ›", "")  # Enter is not a day: the day is asked, never assumed to be today
    screen.wait_for("to be today")
    screen.answer("YYYY-MM-DD ›", (date.today() + timedelta(days=1)).isoformat())
    screen.wait_for("is still to come")
    screen.answer("YYYY-MM-DD ›", date.today().isoformat())
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert text.count(CLEARED) == 1
    assert "CAUTION · Massage with care" in text
    assert "CONSULT FIRST" not in text
    assert "Limits today:" in text
    assert "Light pressure only; no trigger-point compression, no massage cane" in text  # restrictions.yaml
    assert "A professional has cleared you for massage with this" in text


def test_consult_first_not_cleared_says_ask_first(start: StartScreen) -> None:
    screen = start()
    answer_no(screen, 2)
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, CANCER)
    answer_no(screen, 2)
    screen.answer(CLEARED, "n")
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert "CONSULT FIRST · Ask a professional first" in text
    assert "Limits today:" not in text


def write_config(env: dict[str, str], content: str) -> None:
    path = Path(env["XDG_CONFIG_HOME"]) / "unknot" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "config", "lang", "number"),
    [
        pytest.param(("--emergency-number", "999"), None, "C.UTF-8", "999", id="flag"),
        pytest.param(("--emergency-number", "999"), 'emergency_number = "911"\n', "C.UTF-8", "999", id="flag-wins"),
        pytest.param((), 'emergency_number = "911"\n', "en_GB.UTF-8", "911", id="config-file"),
        pytest.param((), None, "en_GB.UTF-8", "999", id="locale-GB"),
        pytest.param((), None, "en_US.UTF-8", "911", id="locale-US"),
    ],
)
def test_emergency_number_comes_from_flag_then_config_then_locale(
    start: StartScreen,
    cli_env: dict[str, str],
    args: tuple[str, ...],
    config: str | None,
    lang: str,
    number: str,
) -> None:
    if config is not None:
        write_config(cli_env, config)
    screen = start(*args, env={"LANG": lang})
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, TEARING_PAIN)
    assert screen.finish() == 0
    text = screen.text
    assert_clean(text)
    assert f"CALL {number} NOW" in text
    assert f"What to do next: Call {number} now." in text
    assert "CALL 112 NOW" not in text


def test_none_takes_back_a_yes(start: StartScreen) -> None:
    screen = start()
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, "none")
    screen.wait_for("None ticked: the question again.")
    assert "Step 2 of 5" not in screen.wait_for(GROUP_PROMPT)
    screen.child.sendline("n")
    answer_no(screen, 4)
    assert screen.finish() == 0
    assert "OK · Go ahead" in screen.text and "CALL" not in screen.text


def test_a_narrow_terminal_still_lists_every_region(start: StartScreen) -> None:
    screen = start(env={"COLUMNS": "40"})
    answer_no(screen, 4)
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, BRUISE)
    before = screen.wait_for("Type the numbers of the areas")
    for number, name in [(3, "Upper trapezius, right"), (7, "Shoulder blade, right"), (11, "Mid-back, right")]:
        assert f"{number:>2}  {name}" in before
    screen.child.sendline("7")
    assert screen.finish() == 0
    assert "Shoulder blade, right" in screen.text.split("AVOID AREAS", 1)[1]


def test_a_kept_clearance_is_confirmed_then_used_until_withdrawn(start: StartScreen, cli_env: dict[str, str]) -> None:
    """A clearance said during one screen is kept in the journal with its day; the next screen asks whether it covers
    the same condition (a no: it does not count today), and after ``unknot clearance withdraw`` it asks again."""
    given = date.today() - timedelta(days=10)
    same = "Is this the same condition a professional cleared on"

    def to_the_clearance(screen: Screen) -> None:
        answer_no(screen, 2)
        screen.answer(GROUP_PROMPT, "y")
        screen.answer(WHICH, CANCER)
        answer_no(screen, 2)

    screen = start()
    to_the_clearance(screen)
    screen.answer(CLEARED, "y")
    screen.answer("YYYY-MM-DD ›", given.isoformat())
    assert screen.finish() == 0

    not_same = start()
    to_the_clearance(not_same)
    not_same.answer(same, "n")
    assert not_same.finish() == 0
    assert "does not count today" in not_same.text and "CONSULT FIRST" in not_same.text
    assert CLEARED not in not_same.text

    again = start()
    to_the_clearance(again)
    again.answer(same, "y")
    assert again.finish() == 0
    assert f"cleared on {long_date(given)}?" in " ".join(again.text.split())
    assert CLEARED not in again.text
    assert "CAUTION · Massage with care" in again.text

    withdrawn = subprocess.run(
        [str(UNKNOT), "clearance", "withdraw", "cancer"], env=cli_env, capture_output=True, text=True, check=False
    )
    assert withdrawn.returncode == 0 and "Withdrawn: cancer" in withdrawn.stdout
    third = start()
    to_the_clearance(third)
    third.answer(CLEARED, "n")
    assert third.finish() == 0
    assert "CONSULT FIRST" in third.text


def test_an_expired_kept_clearance_is_explained(start: StartScreen, cli_env: dict[str, str]) -> None:
    given = date.today() - timedelta(days=91)  # cancer: a clearance holds 90 days
    added = subprocess.run(
        [str(UNKNOT), "clearance", "add", "cancer", "--on", given.isoformat()],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0 and "expired" in added.stdout
    screen = start()
    answer_no(screen, 2)
    screen.answer(GROUP_PROMPT, "y")
    screen.answer(WHICH, CANCER)
    answer_no(screen, 2)
    before = screen.wait_for("since then?")
    assert f"Your clearance from {long_date(given)} has expired" in " ".join(before.split())
    screen.child.sendline("n")
    assert screen.finish() == 0
    text = " ".join(screen.text.replace("│", " ").split())
    assert "CONSULT FIRST" in text and "Ask your doctor before any massage." in text
    assert f"Your clearance from {long_date(given)} has expired" in text.split("CONSULT FIRST", 1)[1]


def test_the_screen_is_kept_in_the_journal_given_by_its_path(start: StartScreen, tmp_path: Path) -> None:
    """--db takes a SQLite file's path as well as a URL; the screen is kept there, where `plan` finds it."""
    from unknot.journal import opened_journal

    path = tmp_path / "elsewhere" / "my journal.db"
    screen = start("--db", str(path))
    answer_no(screen, STEPS)
    assert screen.finish() == 0
    with opened_journal(f"sqlite:///{path}") as journal:
        assert [s.verdict["verdict"] for s in journal.screens()] == ["ok"]
