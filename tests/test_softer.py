"""Softer next time (``unknot.softer``, issue 15): "less" counted per technique over a session's steps, against the
content's threshold; a softened technique a level lighter on every step of it, with a note; already light, or
not in the routine: unchanged, no note. And ``unknot.today.todays_routine`` applies it from the last session of the
same kind in a real journal (SQLite, and PostgreSQL where the tests have one)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.journal.conftest import database_url
from unknot.content import load_catalog
from unknot.contract import routine_to_json
from unknot.journal import Journal, opened_journal
from unknot.model import (
    Feedback,
    Intake,
    Mode,
    PlanRequest,
    Pressure,
    Routine,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.planner import plan
from unknot.softer import asked_less, soften
from unknot.today import take_screen, todays_routine

CATALOG = load_catalog()
T0 = datetime(2027, 1, 20, 18, 0, tzinfo=UTC)
LESS, MORE = Feedback.LESS, Feedback.MORE


def partner_routine() -> Routine:
    return plan(PlanRequest(Mode.PARTNER, 10), catalog=CATALOG)


def pressed(routine: Routine) -> tuple[int, str, Pressure]:
    """The first technique step with a pressure above light: (its index, technique, pressure)."""
    return next(
        (i, s.technique, s.pressure)
        for i, s in enumerate(routine.steps)
        if s.is_technique and s.pressure is not None and s.pressure.level > 0
    )


def record_of(routine: Routine, feedback: dict[int, tuple[Feedback, ...]], mode: Mode = Mode.PARTNER) -> SessionRecord:
    steps = tuple(StepRecord(i, StepStatus.DONE, 30.0, f) for i, f in sorted(feedback.items()))
    return SessionRecord(T0, mode, routine_to_json(routine), steps=steps, status=SessionStatus.FINISHED)


def test_less_is_counted_per_technique_against_the_threshold() -> None:
    routine = partner_routine()
    index, technique, _pressure = pressed(routine)
    threshold = CATALOG.remote.soften_after_less
    assert threshold == 2
    assert asked_less(record_of(routine, {index: (LESS,)}), threshold) == {}
    assert asked_less(record_of(routine, {index: (LESS, MORE, LESS)}), threshold) == {technique: 2}
    same = [i for i, s in enumerate(routine.steps) if s.technique == technique and i != index]
    if same:  # twice over two steps of the technique counts as twice
        assert asked_less(record_of(routine, {index: (LESS,), same[0]: (LESS,)}), threshold) == {technique: 2}
    assert asked_less(record_of(routine, {999: (LESS, LESS)}), threshold) == {}  # no such step: ignored


def test_a_softened_technique_is_a_level_lighter_with_a_note() -> None:
    routine = partner_routine()
    _index, technique, pressure = pressed(routine)
    softer = soften(routine, {technique: 3}, CATALOG)
    lighter = list(Pressure)[pressure.level - 1]
    for before, after in zip(routine.steps, softer.steps, strict=True):
        if before.technique == technique and before.pressure is not None:
            assert after.pressure == (
                before.pressure if before.pressure.level == 0 else list(Pressure)[before.pressure.level - 1]
            )
        else:
            assert after == before
    name = CATALOG.technique(technique).name  # type: ignore[union-attr]
    assert softer.notes[-1] == (
        f'{name} starts lighter this time ({lighter.value}, not {pressure.value}): "less" was asked 3 times on it '
        "last session."
    )
    assert softer.total_seconds == routine.total_seconds


def test_light_or_absent_techniques_are_left_as_they_are() -> None:
    routine = partner_routine()
    _index, technique, _pressure = pressed(routine)
    light = replace(
        routine,
        steps=tuple(replace(s, pressure=Pressure.LIGHT) if s.technique == technique else s for s in routine.steps),
    )
    assert soften(light, {technique: 5}, CATALOG) == light
    assert soften(routine, {"no_such_technique": 5}, CATALOG) == routine


__all__ = ["database_url"]  # the fixture: each journal test on SQLite and on PostgreSQL


@pytest.fixture
def journal(database_url: str) -> Iterator[Journal]:
    with opened_journal(database_url) as opened:
        yield opened


def test_todays_routine_starts_lighter_after_repeated_less_last_time(journal: Journal) -> None:
    later = T0 + timedelta(days=1)
    take_screen(journal, CATALOG, later, Intake(complete=True), subject="receiver")
    request = PlanRequest(Mode.PARTNER, 10)
    before, _policy = todays_routine(journal, CATALOG, later, request)
    index, technique, pressure = pressed(before)

    def kept(feedback: tuple[Feedback, ...], mode: Mode, at: datetime) -> None:
        session = journal.start_session(SessionRecord(at, mode, routine_to_json(before)))
        assert session.id is not None
        journal.save_step(session.id, StepRecord(index, StepStatus.DONE, 30.0, feedback))
        journal.finish_session(session.id, SessionStatus.FINISHED, at + timedelta(minutes=10), {})

    kept((LESS,), Mode.PARTNER, T0)  # once: not repeated
    assert todays_routine(journal, CATALOG, later, request)[0] == before
    kept((LESS, LESS), Mode.SELF, T0 + timedelta(hours=1))  # another kind of session: it does not count
    assert todays_routine(journal, CATALOG, later, request)[0] == before
    kept((LESS, LESS), Mode.PARTNER, T0 + timedelta(hours=2))
    after, _policy = todays_routine(journal, CATALOG, later, request)
    assert after.steps[index].pressure == list(Pressure)[pressure.level - 1]
    assert any("starts lighter this time" in note for note in after.notes)
    kept((), Mode.PARTNER, T0 + timedelta(hours=3))  # the last session asked nothing: back to the plan
    assert todays_routine(journal, CATALOG, later, request)[0] == before
