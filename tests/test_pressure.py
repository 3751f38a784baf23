"""Pressure targets by restriction (unknot.pressure): the target, the pressure checks a session says, the pressure
words and the aftercare — never the usual "good hurt" band under light pressure, never a number with reduced
feeling, and the usual band still there without restrictions."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from unknot.content import load_catalog
from unknot.contract import plan_request_from_json, routine_from_json, routine_to_json, verdict_to_json
from unknot.model import Finding, Intake, Mode, PlanRequest, Pressure, Routine, Verdict
from unknot.planner import plan
from unknot.pressure import PAIN_CHECK, guide, routine_guide, spoken_steps, stored_guide, verdict_guide
from unknot.screening import screen
from unknot.session import Cue, Event, ManualClock, Session

CATALOG = load_catalog()

#: What must never reach a user under light pressure: the usual band, in every spelling.
FORBIDDEN = ["good hurt", "4 to 6", "4-6", "4–6", "four to six"]
#: A pressure check that asks for a rating.
NUMBER = re.compile(r"\d|out of 10|\bnumber\b|\bten\b|\brate\b|\brating\b", re.IGNORECASE)


def verdict_of(*rules: str) -> Verdict:
    return screen(Intake(tuple(Finding(r) for r in rules), complete=True), CATALOG)


LIGHT_SCREENS = [
    pytest.param(("anticoagulants",), id="anticoagulants"),
    pytest.param(("osteoporosis",), id="osteoporosis"),
    pytest.param(("fragile_skin",), id="fragile_skin"),
    pytest.param(("reduced_sensation",), id="reduced_sensation"),
]
#: Self routines with a ball: point pressure, so they check the pressure in (planner: after point-pressure blocks).
CHECKED = [
    pytest.param(PlanRequest(Mode.SELF, 15, ("tennis_ball", "foam_roller")), id="self-15"),
    pytest.param(PlanRequest(Mode.SELF, 8, ("lacrosse_ball",), seed=3), id="self-8-lacrosse"),
    pytest.param(PlanRequest(Mode.SELF, 20, ("tennis_ball",), seed=2), id="self-20"),
]
REQUESTS = [
    pytest.param(PlanRequest(Mode.SELF, 15, ("tennis_ball", "foam_roller")), id="self-15"),
    pytest.param(PlanRequest(Mode.SELF, 8, ("lacrosse_ball",), seed=3), id="self-8-lacrosse"),
    pytest.param(PlanRequest(Mode.PARTNER, 20), id="partner-20"),
    pytest.param(PlanRequest(Mode.PARTNER, 10, seed=5), id="partner-10"),
]


def run_through(routine: Routine) -> list[Cue]:
    """Every cue a session says when it runs through to the end, untouched, on a manual clock."""
    clock = ManualClock()
    session = Session(routine, CATALOG, clock)
    for _ in range(100_000):
        if session.over:
            return list(session.said)
        due = session.next_deadline()
        assert due is not None, f"nothing due in {session.state}"
        clock.advance(max(0.0, due - clock.now) + 1e-6)
        session.handle(Event.TICK)
    raise AssertionError("the session never ended")


def said(routine: Routine) -> list[str]:
    return [cue.text for cue in run_through(routine)]


def checks_said(routine: Routine) -> list[str]:
    """The words said at the start of each pressure check-in."""
    starts = {c.step: c.text for c in run_through(routine) if c.step is not None and c.chime}
    return [starts[i] for i, s in enumerate(routine.steps) if s.name == PAIN_CHECK and i in starts]


# --- the choice ----------------------------------------------------------------------------------------------------


def test_the_usual_target_is_the_good_hurt_band_with_all_three_words() -> None:
    usual = guide()
    assert usual.id == "usual" and usual.numbers
    assert "good hurt" in usual.target and "4 to 6" in usual.target and "7" in usual.target
    assert [p for p, _ in usual.legend] == [Pressure.LIGHT, Pressure.MEDIUM, Pressure.FIRM]
    assert "4 to 6" in dict(usual.legend)[Pressure.MEDIUM]
    assert "7" in dict(usual.legend)[Pressure.FIRM] and "never more" in dict(usual.legend)[Pressure.FIRM]


@pytest.mark.parametrize("word", FORBIDDEN)
def test_under_light_pressure_nothing_the_guide_gives_says(word: str) -> None:
    light = guide(["light_pressure"])
    assert light.id == "light"
    everything = " ".join([light.target, *light.checks, *(line for _, line in light.legend), *light.aftercare])
    assert word not in everything.lower()
    assert "3 out of 10" in light.target and "no pain" in light.target
    assert [p for p, _ in light.legend] == [Pressure.LIGHT]


def test_with_reduced_feeling_no_check_asks_for_a_number_and_the_aftercare_looks_at_the_skin() -> None:
    g = verdict_guide(verdict_of("reduced_sensation"))
    assert g.id == "no_rating" and not g.numbers
    for check in g.checks:
        assert not NUMBER.search(check), check
    assert "light" in g.target.lower() and "short" in g.target.lower()
    assert any("redness" in line for line in g.aftercare)
    assert [p for p, _ in g.legend] == [Pressure.LIGHT]


def test_the_aftercare_names_48_hours_a_bruise_and_72_hours() -> None:
    text = " ".join(guide().aftercare)
    assert "48 hours" in text and "bruise" in text and "72 hours" in text and "checked" in text
    assert set(CATALOG.pressure.aftercare_sources) == {"CAMB", "DESIGN"}
    assert CATALOG.pressure.sources == ("DESIGN",)


# --- the screen's advice ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", FORBIDDEN)
@pytest.mark.parametrize("rules", LIGHT_SCREENS)
def test_a_light_pressure_verdict_never_says(rules: tuple[str, ...], word: str) -> None:
    verdict = verdict_of(*rules)
    assert "light_pressure" in verdict.restrictions
    assert word not in verdict.advice.lower()
    assert word not in str(verdict_to_json(verdict)).lower()


def test_a_verdict_without_restrictions_gives_the_usual_target() -> None:
    for verdict in (verdict_of(), verdict_of("controlled_bp"), verdict_of("pregnancy")):
        assert 'a "good hurt" of about 4 to 6 out of 10, never above 7' in verdict.advice, verdict.category


# --- the routine and the voice ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", FORBIDDEN)
@pytest.mark.parametrize("request_", REQUESTS)
@pytest.mark.parametrize("rules", LIGHT_SCREENS)
def test_under_light_pressure_no_step_cue_and_nothing_said_speaks_of(
    rules: tuple[str, ...], request_: PlanRequest, word: str
) -> None:
    routine = plan(request_, verdict_of(*rules), CATALOG)
    for step in routine.steps:
        assert word not in step.cue.lower(), step
    for text in said(routine):
        assert word not in text.lower(), text


@pytest.mark.parametrize("request_", CHECKED)
def test_with_reduced_feeling_no_pressure_check_asks_for_a_number(request_: PlanRequest) -> None:
    routine = plan(request_, verdict_of("reduced_sensation"), CATALOG)
    assert routine.rules == ("reduced_sensation",)
    checks = checks_said(routine)
    assert checks, "a pressure check is said"
    for text in checks:
        assert not NUMBER.search(text), text
        assert text in guide(rules=["reduced_sensation"]).checks


@pytest.mark.parametrize("request_", CHECKED)
def test_under_light_pressure_the_pressure_checks_say_the_light_target(request_: PlanRequest) -> None:
    routine = plan(request_, verdict_of("fragile_skin"), CATALOG)
    checks = checks_said(routine)
    assert checks, "a pressure check is said"
    assert all(text in guide(["light_pressure"]).checks for text in checks)


@pytest.mark.parametrize("request_", CHECKED)
def test_without_restrictions_the_pressure_checks_say_the_usual_band(request_: PlanRequest) -> None:
    routine = plan(request_, verdict_of(), CATALOG)
    checks = checks_said(routine)
    assert checks and all(text in guide().checks for text in checks)
    assert any("4 to 6" in text or "good hurt" in text for text in checks)


def test_an_old_routine_kept_with_the_usual_checks_speaks_the_light_ones_under_light_pressure() -> None:
    usual = plan(PlanRequest(Mode.SELF, 10, ("tennis_ball",)), catalog=CATALOG)
    assert any("4 to 6" in s.cue or "good hurt" in s.cue for s in usual.steps if s.name == PAIN_CHECK)
    old = replace(usual, restrictions=("light_pressure",))  # as a routine saved before the pressure targets
    steps = spoken_steps(old, CATALOG)
    light = guide(["light_pressure"]).checks
    assert [s.cue for s in steps if s.name == PAIN_CHECK] and all(s.cue in light for s in steps if s.name == PAIN_CHECK)
    for word in FORBIDDEN:
        assert all(word not in text.lower() for text in said(old))


# --- carried through the contract and the journal --------------------------------------------------------------


def test_the_routine_keeps_the_screens_rules_through_its_json() -> None:
    routine = plan(PlanRequest(Mode.SELF, 10, ("tennis_ball",)), verdict_of("reduced_sensation"), CATALOG)
    data = routine_to_json(routine)
    assert data["rules"] == ["reduced_sensation"]
    assert routine_from_json(data).rules == ("reduced_sensation",)
    assert stored_guide(data, CATALOG).id == "no_rating"
    assert routine_guide(routine_from_json(data), CATALOG).id == "no_rating"
    assert "rules" not in routine_to_json(plan(PlanRequest(Mode.SELF, 10), catalog=CATALOG))


def test_plan_json_with_a_screen_uses_its_rules_for_the_pressure_checks() -> None:
    screen_json = verdict_to_json(verdict_of("reduced_sensation"))
    request, verdict = plan_request_from_json({"mode": "self", "minutes": 10, "screen": screen_json})
    routine = plan(request, verdict, CATALOG)
    assert routine.rules == ("reduced_sensation",)
    for step in routine.steps:
        if step.name == PAIN_CHECK:
            assert not NUMBER.search(step.cue), step.cue


def test_a_damaged_record_still_gets_the_usual_guide() -> None:
    assert stored_guide({"restrictions": "light_pressure", "rules": [3]}, CATALOG).id == "usual"
    assert stored_guide({}, CATALOG).aftercare == guide().aftercare


def test_the_guide_names_known_rules_and_restrictions_only() -> None:
    for target in CATALOG.pressure.targets:
        assert all(CATALOG.rule(r) for r in target.rules)
        assert all(CATALOG.restriction(r) for r in target.restrictions)
    assert not (CATALOG.pressure.targets[-1].rules or CATALOG.pressure.targets[-1].restrictions)
    assert CATALOG.transition(PAIN_CHECK).cues == ()  # its words are the targets' checks, in one place
