"""An import is checked as strictly as new records (issue 14, items 5 and 14): a record that would poison the journal,
or that one database would keep and the other refuse, is refused before the database, and nothing is imported."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from unknot import load_catalog
from unknot.contract import routine_to_json
from unknot.errors import RequestError
from unknot.exports import from_json
from unknot.journal import open_journal
from unknot.model import Category, Mode, PlanRequest
from unknot.planner import plan
from unknot.today import todays_policy

CATALOG = load_catalog()
ROUTINE = routine_to_json(plan(PlanRequest(Mode.SELF, 5, tools=("tennis_ball",)), catalog=CATALOG))
SESSION: dict[str, Any] = {
    "started_at": "2026-11-01T09:00:00+00:00",
    "ended_at": "2026-11-01T09:05:00+00:00",
    "mode": "self",
    "status": "finished",
    "routine": ROUTINE,
    "steps": [{"index": 0, "status": "done", "seconds": 30, "feedback": [], "ended_at": None}],
    "events": [{"at": "2026-11-01T09:01:00+00:00", "kind": "it_hurts", "step": 0, "detail": "sharp"}],
    "pain_before": {"neck_base": 3},
    "pain_after": {"neck_base": 2},
}
ENTRY = {"at": "2026-11-01T09:00:00+00:00", "region": "neck_base", "score": 3, "quality": None, "note": ""}


def export(**records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "unknot-journal", "version": 2, "entries": [], "screens": [], "clearances": [], **records}


def test_an_imported_screen_is_screened_again_from_its_answers(database_url: str) -> None:
    """A file whose answers hold chest_pain but whose verdict says ok must not make today a massage day."""
    now = datetime.now(UTC)
    answers = {"findings": ["chest_pain"], "all_others_answered_no": True, "today": now.astimezone().date().isoformat()}
    lie = {"verdict": "ok", "may_massage": True, "avoid_regions": [], "restrictions": [], "reasons": []}
    data = export(screens=[{"at": now.isoformat(), "answers": answers, "verdict": lie, "subject": "self"}])
    journal = open_journal(database_url)
    journal.import_records(*from_json(CATALOG, data))
    kept = journal.screens()[0]
    assert kept.verdict["verdict"] == "emergency" and kept.verdict["may_massage"] is False
    policy = todays_policy(journal, CATALOG, now)
    assert policy.category is Category.EMERGENCY
    journal.close()


def test_an_imported_screen_whose_answers_are_not_a_screen_is_refused() -> None:
    bad = {"at": "2026-11-01T09:00:00+00:00", "answers": {"findings": ["nope"]}, "verdict": {"verdict": "ok"}}
    with pytest.raises(RequestError, match="screens item 1: its answers are not a screen"):
        from_json(CATALOG, export(screens=[bad]))


def _with(path: str, value: Any) -> dict[str, Any]:
    """SESSION with the value at ``path`` (dotted; a number is a list index) replaced."""
    session = copy.deepcopy(SESSION)
    *parents, last = path.split(".")
    node: Any = session
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[int(last) if last.isdigit() else last] = value
    return session


@pytest.mark.parametrize(
    ("session", "message"),
    [
        pytest.param(_with("routine", {"steps": [{"kind": "technique"}]}), "'routine' must be a routine", id="no-step"),
        pytest.param(_with("routine.steps.1.technique", "nope"), "technique 'nope'", id="technique"),
        pytest.param(_with("routine.steps.1.region", "lower_back"), "region 'lower_back'", id="region"),
        pytest.param(_with("routine.steps.1.region", ["x"]), "region", id="region-list"),
        pytest.param(_with("routine.steps.1.tool", "hammer"), "tool 'hammer'", id="tool"),
        pytest.param(_with("routine.steps.1.seconds", "60"), "seconds", id="seconds-text"),
        pytest.param(_with("routine.steps.0.name", "dance"), "transition 'dance'", id="transition"),
        pytest.param(_with("routine.steps.0.position", "upside_down"), "position 'upside_down'", id="position"),
        pytest.param(_with("routine.focus", [1]), "must hold text", id="focus"),
        pytest.param(_with("routine.steps.1.cue", "a\x00b"), "NUL", id="cue-nul"),
        pytest.param(_with("events.0.step", 2**40), "'step' must be the number", id="event-step-huge"),
        pytest.param(_with("events.0.detail", {"a": 1}), "'detail' must be text", id="event-detail-object"),
        pytest.param(_with("events.0.kind", "k" * 21), "'kind' has 21 characters", id="event-kind-long"),
        pytest.param(_with("steps.0.seconds", 1e308), "'seconds' must be", id="step-seconds-huge"),
        pytest.param(_with("pain_after", {"neck_base": "ten"}), "pain_after", id="pain-after-text"),
    ],
)
def test_a_session_that_would_poison_the_journal_is_refused(
    database_url: str, session: dict[str, Any], message: str
) -> None:
    journal = open_journal(database_url)
    with pytest.raises(RequestError, match=message):
        journal.import_records(*from_json(CATALOG, export(sessions=[session])))
    assert journal.sessions() == []
    journal.close()


@pytest.mark.parametrize(
    ("records", "message"),
    [
        pytest.param({"entries": [{**ENTRY, "note": "a\x00b"}]}, "NUL", id="note-nul"),
        pytest.param({"entries": [{**ENTRY, "note": "x" * 1001}]}, "1001 characters", id="note-long"),
        pytest.param({"entries": [{**ENTRY, "note": "\ud800"}]}, "surrogate", id="note-surrogate"),
        pytest.param({"entries": [{**ENTRY, "note": ["a"]}]}, "'note' must be text", id="note-list"),
        pytest.param({"entries": [{**ENTRY, "note": 5}]}, "'note' must be text", id="note-number"),
        pytest.param({"entries": [{**ENTRY, "quality": 5}]}, "'quality' must be text", id="quality-number"),
        pytest.param({"entries": [{**ENTRY, "quality": ["dull"]}]}, "'quality' must be text", id="quality-list"),
        pytest.param({"entries": [{**ENTRY, "at": "0001-01-01T00:00:00+05:00"}]}, "from 1900", id="at-year-1"),
        pytest.param({"entries": [{**ENTRY, "at": "9999-12-31T23:59:59-05:00"}]}, "from 1900", id="at-year-9999"),
        pytest.param({"clearances": [{"rule": "chest_pain", "cleared_on": "2026-10-01"}]}, "emergency", id="emergency"),
        pytest.param({"clearances": [{"rule": "nope", "cleared_on": "2026-10-01"}]}, "not a rule", id="no-rule"),
        pytest.param({"clearances": [{"rule": "dvt", "cleared_on": "2999-10-01"}]}, "still to come", id="future"),
    ],
)
def test_what_one_database_would_refuse_is_refused_on_both(
    database_url: str, records: dict[str, Any], message: str
) -> None:
    journal = open_journal(database_url)
    with pytest.raises(RequestError, match=message):
        journal.import_records(*from_json(CATALOG, json.loads(json.dumps(export(**records)))))
    assert journal.entries() == [] and journal.clearances(active_only=False) == []
    journal.close()


def test_a_sound_session_still_imports(database_url: str) -> None:
    journal = open_journal(database_url)
    done = journal.import_records(*from_json(CATALOG, export(sessions=[SESSION], entries=[ENTRY])))
    assert (done.sessions, done.entries) == (1, 3)
    assert journal.sessions()[0].routine == ROUTINE
    assert journal.entries()[0].at - datetime(2026, 11, 1, 9, tzinfo=UTC) < timedelta(minutes=6)
    journal.close()
