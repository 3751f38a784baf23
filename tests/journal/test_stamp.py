"""The journal's stamp (SQLite and PostgreSQL): it changes with every kind of write, whoever writes, and only then.
The web app draws a page again when, and only when, it changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from unknot import load_catalog
from unknot.contract import routine_to_json
from unknot.journal import Journal, open_journal
from unknot.model import (
    Clearance,
    Mode,
    PainEntry,
    PlanRequest,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.planner import plan

CATALOG = load_catalog()
T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
ROUTINE = routine_to_json(plan(PlanRequest(Mode.PARTNER, 10), catalog=CATALOG))
SESSION = SessionRecord(T0, Mode.PARTNER, ROUTINE, pain_before={"rhomboid_left": 4})
VERDICT = {"category": "allowed", "reasons": []}


@pytest.fixture
def journal(database_url: str) -> Iterator[Journal]:
    opened = open_journal(database_url)
    yield opened
    opened.close()


def _session(journal: Journal) -> int:
    started = journal.start_session(SESSION)
    assert started.id is not None
    return started.id


def _screen(journal: Journal) -> int:
    return journal.save_screen(T0, {}, VERDICT).id or 0


WRITES: dict[str, Callable[[Journal], object]] = {
    "entry": lambda j: j.add_entry(PainEntry(T0, "rhomboid_left", 3)),
    "screen": _screen,
    "withdrawn screen": lambda j: j.withdraw_screen(_screen(j), T0),
    "clearance": lambda j: j.add_clearance("recent_surgery", date(2026, 11, 1)),
    "withdrawn clearance": lambda j: j.withdraw_clearance("recent_surgery", T0),
    "session": _session,
    "step": lambda j: j.save_step(_session(j), StepRecord(0, StepStatus.DONE, 60.0, (), T0)),
    "event": lambda j: j.add_event(_session(j), SessionEvent(T0, "pause", 0, "")),
    "finished session": lambda j: j.finish_session(_session(j), SessionStatus.FINISHED, T0, {}),
    "forgotten session": lambda j: j.delete_session(_session(j)),
    "import": lambda j: j.import_records(
        [PainEntry(T0 - timedelta(days=1), "rhomboid_right", 5)],
        [ScreenRecord(T0 - timedelta(days=1), {}, VERDICT)],
        [Clearance("recent_surgery", date(2026, 10, 1))],
        [replace(SESSION, started_at=T0 - timedelta(days=2))],
    ),
    "forget": lambda j: j.forget_all(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_changes_the_stamp(journal: Journal, write: Callable[[Journal], object]) -> None:
    journal.add_clearance("recent_surgery", date(2026, 10, 1))  # something to withdraw, forget or skip
    before = journal.stamp()
    write(journal)
    assert journal.stamp() != before


def test_a_step_saved_again_changes_the_stamp(journal: Journal) -> None:
    session_id = _session(journal)
    journal.save_step(session_id, StepRecord(0, StepStatus.DONE, 60.0, (), T0))
    before = journal.stamp()
    journal.save_step(session_id, StepRecord(0, StepStatus.STOPPED, 12.0, (), T0))  # replaces the first
    assert journal.stamp() != before


def test_reading_leaves_the_stamp_alone(journal: Journal) -> None:
    journal.add_entry(PainEntry(T0, "rhomboid_left", 3))
    before = journal.stamp()
    journal.entries()
    journal.screens()
    journal.sessions()
    journal.clearances(active_only=False)
    journal.unfinished_session()
    assert journal.stamp() == before


def test_a_write_through_another_connection_changes_the_stamp(journal: Journal, database_url: str) -> None:
    before = journal.stamp()
    other = open_journal(database_url)  # its own engine and connections, as another process has
    try:
        other.add_entry(PainEntry(T0, "rhomboid_left", 3))
    finally:
        other.close()
    assert journal.stamp() != before


def test_forgetting_everything_never_brings_an_earlier_stamp_back(journal: Journal) -> None:
    seen = {journal.stamp()}
    journal.add_entry(PainEntry(T0, "rhomboid_left", 3))
    seen.add(journal.stamp())
    journal.forget_all()
    assert journal.stamp() not in seen
