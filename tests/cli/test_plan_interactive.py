"""Interactive `unknot plan`: never a routine without today's screen; it asks what the options leave open."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import RunUnknot
from unknot.journal import Journal, open_journal

HEALTHY = "n\n" * 5
FORBIDS = {"verdict": "stop_today", "may_massage": False, "avoid_regions": [], "restrictions": []}


def test_without_a_screen_today_it_screens_first(unknot: RunUnknot) -> None:
    run = unknot("plan", "--mode", "self", "--tool", "tennis_ball", "--minutes", "5", input=HEALTHY)
    assert run.code == 0, run.out + run.err
    out = run.out
    assert out.index("First, today's safety screen.") < out.index("Step 1 of 5") < out.index("Self routine")
    assert "Ball against a wall" in out and "5:00" in out and "total" in out


def journal_of(cli_env: dict[str, str]) -> Journal:
    return open_journal(f"sqlite:///{Path(cli_env['XDG_DATA_HOME'], 'unknot', 'journal.db')}")


def test_todays_screen_is_kept_and_used(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    assert unknot("screen", "--for", "receiver", input=HEALTHY).code == 0
    journal = journal_of(cli_env)
    (kept,) = journal.screens()
    journal.close()
    assert kept.verdict["verdict"] == "ok" and kept.answers["all_others_answered_no"] is True
    assert kept.subject == "receiver"
    run = unknot("plan", "--mode", "partner", "--minutes", "8")
    assert run.code == 0, run.err
    assert "Using today's safety screen: Go ahead." in run.out and "Step 1 of 5" not in run.out
    assert "Partner routine" in run.out and "trigger" in run.out.lower()


def test_a_screen_from_yesterday_has_expired(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    journal = journal_of(cli_env)
    yesterday = datetime.now().astimezone() - timedelta(days=1)
    journal.save_screen(yesterday, {}, {"verdict": "ok", "may_massage": True, "avoid_regions": [], "restrictions": []})
    journal.close()
    run = unknot("plan", "--mode", "self", "--minutes", "5", "--no-tools", input=HEALTHY)
    assert "First, today's safety screen." in run.out


def test_a_given_screen_that_forbids_gives_no_routine(unknot: RunUnknot, tmp_path: Path) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({**FORBIDS, "advice": "No massage today. Rest."}))
    run = unknot("plan", "--screen", str(screen), "--mode", "self", "--minutes", "5")
    assert run.code == 3
    assert "No routine today." in run.out and "Rest." in run.out and "Self routine" not in run.out


def test_an_emergency_during_the_screen_gives_no_routine(unknot: RunUnknot) -> None:
    run = unknot("plan", "--mode", "self", "--minutes", "5", input="y\n1\n")
    assert run.code == 3
    assert "CALL 112 NOW" in run.out and "Self routine" not in run.out


def test_it_asks_for_what_is_missing(unknot: RunUnknot, tmp_path: Path) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"verdict": "ok", "may_massage": True, "avoid_regions": [], "restrictions": []}))
    run = unknot("plan", "--screen", str(screen), input="maybe\ns\n1 3\n99\n12\n")
    assert run.code == 0, run.err
    assert "Type p for a partner or s for yourself." in run.out
    assert "Type a whole number of minutes from 3 to 60." in run.out
    assert "Self routine · 12:00" in run.out and "Foam roller" in run.out


def test_bad_options_are_one_clear_line(unknot: RunUnknot, tmp_path: Path) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"verdict": "ok", "may_massage": True}))
    run = unknot("plan", "--screen", str(screen), "--mode", "self", "--minutes", "5", "--tool", "rope")
    assert run.code == 2 and run.err.startswith("unknot: error: tool 'rope' is not known")
    assert "Traceback" not in run.err


def test_a_seated_partner_routine_and_a_shortened_one_say_so(unknot: RunUnknot, tmp_path: Path) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"verdict": "ok", "may_massage": True}))
    run = unknot("plan", "--screen", str(screen), "--mode", "partner", "--position", "seated", "--minutes", "8")
    assert run.code == 0, run.err
    assert "Partner routine · 8:00 · starts sitting, leaning forward" in run.out
    run = unknot("plan", "--screen", str(screen), "--mode", "self", "--tool", "foam_roller", "--minutes", "30")
    assert run.code == 0, run.err
    assert "Shorter than the 30 minutes you asked for" in run.out and "longer routine" in " ".join(run.out.split())
    run = unknot(
        "plan", "--screen", str(screen), "--mode", "self", "--no-tools", "--minutes", "5", "--position", "seated"
    )
    assert run.code == 2 and "for a partner routine" in run.err and "Traceback" not in run.err


def test_a_partner_routine_screens_the_receiver_not_the_giver(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    assert unknot("screen", input=HEALTHY).code == 0  # the giver's own screen
    run = unknot("plan", "--mode", "partner", "--minutes", "8", input=HEALTHY)
    assert run.code == 0, run.err
    assert "First, today's safety screen." in run.out
    assert "The questions are about the person receiving the massage." in run.out
    assert "Do any of these apply to the person receiving the massage right now?" in run.out
    journal = journal_of(cli_env)
    assert [s.subject for s in journal.screens()] == ["self", "receiver"]
    journal.close()
