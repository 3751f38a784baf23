"""The contracts' round trips: a routine the journal kept comes back exactly (its ``shortened`` too; anything else
is a clear error), a screen request with dated clearances too, and the plan request's optional ``position``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot import load_catalog
from unknot.contract import plan_request_from_json, routine_from_json, routine_to_json
from unknot.errors import RequestError
from unknot.model import Mode, PlanRequest, SessionRecord
from unknot.planner import plan

CATALOG = load_catalog()
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")


@given(
    mode=st.sampled_from(Mode),
    minutes=st.integers(3, 60),
    tools=st.lists(st.sampled_from(TOOLS), unique=True),
    seed=st.integers(0, 1000),
)
def test_a_routine_survives_the_round_trip(mode: Mode, minutes: int, tools: list[str], seed: int) -> None:
    routine = plan(PlanRequest(mode, minutes, tuple(tools), seed=seed), catalog=CATALOG)
    assert routine_from_json(routine_to_json(routine)) == routine


def _broken(change: str) -> dict[str, Any]:
    data = routine_to_json(plan(PlanRequest(Mode.PARTNER, 10), catalog=CATALOG))
    if change == "no-steps":
        data["steps"] = []
    elif change == "bad-kind":
        data["steps"][0]["kind"] = "dance"
    elif change == "bad-seconds":
        data["steps"][1]["seconds"] = -5
    elif change == "bad-pressure":
        data["steps"][1]["pressure"] = "crushing"
    elif change == "missing-mode":
        del data["mode"]
    return data


@pytest.mark.parametrize("change", ["no-steps", "bad-kind", "bad-seconds", "bad-pressure", "missing-mode"])
def test_what_is_not_a_routine_is_refused(change: str) -> None:
    with pytest.raises(RequestError, match="routine"):
        routine_from_json(_broken(change))


def test_a_screen_request_with_dated_clearances_survives_the_round_trip() -> None:
    from unknot.contract import intake_from_json, intake_to_json

    request = {
        "findings": ["dvt", {"rule": "bruise", "regions": ["scapula_left"]}],
        "unsure": ["fever"],
        "cleared": ["cancer", {"rule": "dvt", "on": "2026-11-03"}],
        "all_others_answered_no": True,
        "today": "2026-12-03",
    }
    intake = intake_from_json(request)
    assert intake.cleared_on == (("dvt", date(2026, 11, 3)),) and intake.today == date(2026, 12, 3)
    assert intake_to_json(intake) == request
    assert intake_from_json(intake_to_json(intake)) == intake


def test_a_shortened_routine_keeps_its_reason_through_the_json_and_the_journal(tmp_path: Path) -> None:
    from unknot.journal import open_journal

    routine = plan(PlanRequest(Mode.SELF, 30, ("foam_roller",)), catalog=CATALOG)
    assert routine.shortened is not None
    data = routine_to_json(routine)
    assert data["shortened"] == {"asked_seconds": 1800, "reason": routine.shortened.reason}
    assert routine_from_json(data) == routine
    journal = open_journal(f"sqlite:///{tmp_path / 'journal.db'}")
    kept = journal.start_session(SessionRecord(datetime.now().astimezone(), routine.mode, data))
    again = journal.session(kept.id) if kept.id is not None else None
    assert again is not None and routine_from_json(again.routine).shortened == routine.shortened
    assert "shortened" not in routine_to_json(plan(PlanRequest(Mode.SELF, 10, ("foam_roller",)), catalog=CATALOG))


@pytest.mark.parametrize(
    "shortened", [{"asked_seconds": "long", "reason": "x"}, {"reason": "x"}, {"asked_seconds": True, "reason": "x"}]
)
def test_a_broken_shortened_is_refused(shortened: dict[str, Any]) -> None:
    data = routine_to_json(plan(PlanRequest(Mode.SELF, 30, ("foam_roller",)), catalog=CATALOG))
    data["shortened"] = shortened
    with pytest.raises(RequestError, match="routine"):
        routine_from_json(data)


@pytest.mark.parametrize(
    ("position", "result"),
    [
        (None, "prone"),
        ("seated", "seated"),
        ("prone", "prone"),
        (3, "invalid_request"),
        ("upside_down", "invalid_request"),
    ],
)
def test_the_plan_request_takes_an_optional_position(position: object, result: str) -> None:
    data: dict[str, Any] = {"mode": "partner", "minutes": 10}
    if position is not None:
        data["position"] = position
    try:
        request, screen = plan_request_from_json(data)
        routine = plan(request, screen, catalog=CATALOG)
    except RequestError as err:
        assert err.code == result, err.message
        return
    assert routine.position == result
