"""The terminal under each pressure target: the verdict, the routine (`unknot plan`) and the checklist never give
the usual "good hurt" band under light pressure, never ask for a number with reduced feeling, and still give it
without restrictions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import RunUnknot
from unknot.cli import pressure_view
from unknot.cli.plan_view import show_routine
from unknot.cli.verdict_view import render_verdict
from unknot.content import load_catalog
from unknot.contract import verdict_to_json
from unknot.model import Finding, Intake, Mode, PlanRequest, Verdict
from unknot.planner import plan
from unknot.pressure import guide
from unknot.screening import screen

CATALOG = load_catalog()
FORBIDDEN = ["good hurt", "4 to 6", "4-6", "4–6", "four to six"]
LIGHT = ["fragile_skin", "anticoagulants", "reduced_sensation"]
NUMBER = re.compile(r"\d+ out of 10|ask for a number|how strong, out of", re.IGNORECASE)


def verdict_of(*rules: str) -> Verdict:
    return screen(Intake(tuple(Finding(r) for r in rules), complete=True), CATALOG)


def shown(draw: object) -> str:
    console = Console(record=True, width=120, color_system=None)
    draw(console)  # type: ignore[operator]
    return " ".join(console.export_text().split())


def routine_text(*rules: str) -> str:
    routine = plan(PlanRequest(Mode.SELF, 12, ("tennis_ball",)), verdict_of(*rules), CATALOG)
    return shown(lambda c: show_routine(c, CATALOG, routine))


@pytest.mark.parametrize("word", FORBIDDEN)
@pytest.mark.parametrize("rule", LIGHT)
def test_under_light_pressure_the_verdict_and_the_routine_never_say(rule: str, word: str) -> None:
    verdict = shown(lambda c: render_verdict(c, verdict_of(rule), CATALOG))
    routine = routine_text(rule)
    assert word not in verdict.lower()
    assert word not in routine.lower()


@pytest.mark.parametrize("rule", ["fragile_skin", "anticoagulants"])
def test_under_light_pressure_the_routine_explains_only_light_and_gives_the_light_target(rule: str) -> None:
    text = routine_text(rule)
    assert "Pressure: light: comfortable, no pain." in text
    assert "medium:" not in text and "firm:" not in text
    assert guide(["light_pressure"]).target in text


def test_with_reduced_feeling_the_routine_asks_for_no_number() -> None:
    text = routine_text("reduced_sensation")
    assert "a pain number cannot tell you" in text
    assert not NUMBER.search(text)


def test_without_restrictions_the_routine_explains_the_three_words_and_the_usual_target() -> None:
    text = routine_text()
    assert 'medium: a "good hurt" of about 4 to 6 out of 10' in text
    assert "firm: up to 7 out of 10, never more" in text
    assert guide().target in text
    assert "good hurt" in shown(lambda c: render_verdict(c, verdict_of(), CATALOG))


def test_the_aftercare_panel_lists_every_line() -> None:
    g = guide(rules=["reduced_sensation"])
    text = shown(lambda c: c.print(pressure_view.aftercare(g)))
    assert "Afterwards" in text and "48 hours" in text and "72 hours" in text and "redness" in text


# --- the real `unknot`, as a user runs it ------------------------------------------------------------------------


@pytest.mark.parametrize("word", FORBIDDEN)
def test_screen_json_and_plan_under_light_pressure_never_say(unknot: RunUnknot, tmp_path: Path, word: str) -> None:
    answers = json.dumps({"findings": ["fragile_skin"], "all_others_answered_no": True})
    verdict = unknot("screen", "--json", "-", input=answers)
    assert verdict.code == 0, verdict.err
    assert word not in verdict.out.lower()
    screen_file = tmp_path / "screen.json"
    screen_file.write_text(verdict.out)
    run = unknot("plan", "--screen", str(screen_file), "--mode", "self", "--tool", "tennis_ball", "--minutes", "10")
    assert run.code == 0, run.out + run.err
    assert "Self routine" in run.out and "comfortable" in run.out
    assert word not in run.out.lower()
    as_json = unknot("plan", "--json", "-", input=json.dumps({"mode": "self", "minutes": 10, "tools": ["tennis_ball"],
                                                            "screen": json.loads(verdict.out)}))  # fmt: skip
    assert as_json.code == 0, as_json.out + as_json.err
    assert word not in as_json.out.lower()


def test_plan_without_restrictions_gives_the_usual_target(unknot: RunUnknot, tmp_path: Path) -> None:
    screen_file = tmp_path / "screen.json"
    screen_file.write_text(json.dumps(verdict_to_json(verdict_of())))
    run = unknot("plan", "--screen", str(screen_file), "--mode", "self", "--tool", "tennis_ball", "--minutes", "10")
    assert run.code == 0, run.out + run.err
    assert "good hurt" in run.out and "4 to 6" in " ".join(run.out.split())
