"""A routine's steps in words: how to do a technique on demand (the player's "How?") and the words of the choices
after "it hurts"."""

from __future__ import annotations

import pytest

from unknot.content import load_catalog
from unknot.model import Mode, PlanRequest
from unknot.planner import plan
from unknot.steps import how_to, skip_choice_words

CATALOG = load_catalog()


def test_how_to_the_foam_roller_has_its_safety_tips() -> None:
    routine = plan(PlanRequest(Mode.SELF, 5, ("foam_roller",)), catalog=CATALOG)
    index = next(i for i, s in enumerate(routine.steps) if s.technique == "foam_roller")
    how = how_to(CATALOG, routine.steps, index)
    assert how is not None and how.technique == "foam_roller" and not how.upcoming
    assert "Keep it off your lower back and your neck." in how.tool_tips  # tools.yaml
    assert "Rolling down onto the lower back or up into the neck." in how.avoid  # techniques.yaml mistakes
    assert how.stop_signs and how.how[0].startswith("Sit on the mat")


def test_how_to_effleurage_says_the_direction() -> None:
    routine = plan(PlanRequest(Mode.PARTNER, 10, ()), catalog=CATALOG)
    index = next(i for i, s in enumerate(routine.steps) if s.technique == "effleurage")
    how = how_to(CATALOG, routine.steps, index)
    assert how is not None
    assert "Glide with flat hands from the base of the neck down to the shoulder blades." in how.how
    assert how.tool_tips == ()  # hands: no tool of its own


def test_during_a_transition_how_to_is_the_next_techniques() -> None:
    routine = plan(PlanRequest(Mode.PARTNER, 10, ()), catalog=CATALOG)
    index = next(i for i, s in enumerate(routine.steps) if not s.is_technique and i + 1 < len(routine.steps))
    how = how_to(CATALOG, routine.steps, index)
    following = next(s for s in routine.steps[index:] if s.is_technique)
    assert how is not None and how.upcoming and how.technique == following.technique
    assert how_to(CATALOG, routine.steps, len(routine.steps)) is None


@pytest.mark.parametrize(
    ("started", "ambiguous", "words"),
    [
        (False, False, "Skip Rhomboid, left today"),
        (False, True, "Skip Rhomboid, left today (worked just before)"),
        (True, True, "Skip Rhomboid, left today (just started)"),
    ],
)
def test_skip_choice_words_say_which_area(started: bool, ambiguous: bool, words: str) -> None:
    assert skip_choice_words(CATALOG, ("rhomboid_left",), started=started, ambiguous=ambiguous) == words
