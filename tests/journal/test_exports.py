"""Exports: JSON round trips losslessly (on SQLite and PostgreSQL), CSV has its documented columns."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from unknot import load_catalog
from unknot.contract import intake_from_json, intake_to_json, routine_to_json, verdict_to_json
from unknot.errors import RequestError
from unknot.exports import CSV_COLUMNS, from_json, to_csv, to_json
from unknot.journal import Journal, open_journal
from unknot.model import (
    Feedback,
    Mode,
    PainEntry,
    PlanRequest,
    Quality,
    RemoteTap,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.planner import plan
from unknot.screening import screen

CATALOG = load_catalog()
T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def fill(journal: Journal) -> None:
    journal.add_entry(PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, 'after "the" meeting, long'))
    journal.add_entry(PainEntry(T0 + timedelta(days=1), "neck_base", 0))
    intake = intake_from_json({"findings": [], "all_others_answered_no": True}, today=T0.date())
    journal.save_screen(T0, intake_to_json(intake), verdict_to_json(screen(intake, CATALOG)))
    journal.add_clearance("cancer", date(2026, 10, 20))
    journal.add_clearance("dvt", date(2026, 10, 21))
    journal.withdraw_clearance("dvt", T0)
    routine = routine_to_json(plan(PlanRequest(Mode.SELF, 5, tools=("tennis_ball",)), catalog=CATALOG))
    started = T0 + timedelta(hours=8)
    record = SessionRecord(started, Mode.SELF, routine, pain_before={"rhomboid_left": 5, "neck_base": 2})
    sid = journal.start_session(record).id
    assert sid is not None
    journal.save_step(sid, StepRecord(0, StepStatus.DONE, 59.75, (), started + timedelta(minutes=1)))
    journal.save_step(sid, StepRecord(1, StepStatus.STOPPED, 3.0, (Feedback.MORE, Feedback.GOOD), None))
    journal.add_event(sid, SessionEvent(started + timedelta(minutes=2), "it_hurts", 1, "sharp"))
    journal.add_tap(sid, RemoteTap(started + timedelta(seconds=30), "less", 1, 0))
    journal.add_tap(sid, RemoteTap(started + timedelta(minutes=2), "stop", 2, 1))
    assert journal.acknowledge_tap(sid, 2, started + timedelta(minutes=2, seconds=4))
    journal.finish_session(sid, SessionStatus.STOPPED, started + timedelta(minutes=3), {"rhomboid_left": 3})
    journal.start_session(SessionRecord(started + timedelta(days=1), Mode.SELF, routine))  # still under way


def export(journal: Journal) -> str:
    data = to_json(journal.entries(), journal.screens(), journal.clearances(active_only=False), journal.sessions())
    return json.dumps(data, indent=2)


def test_json_export_import_export_is_identical(database_url: str) -> None:
    source = open_journal(database_url)
    fill(source)
    first = export(source)
    assert len(json.loads(first)["sessions"]) == 2
    assert len(json.loads(first)["entries"]) == 2  # the session's ratings are inside the session
    source.forget_all()
    assert source.entries() == [] and source.screens() == [] and source.clearances(active_only=False) == []
    source.import_records(*from_json(CATALOG, json.loads(first)))
    assert export(source) == first
    assert len(source.entries()) == 5  # 2 by hand, 2 before and 1 after the session
    source.close()


def test_importing_an_export_twice_adds_it_once(database_url: str) -> None:
    """A second import of the same file (or of an export into the journal it came from) skips what is there:
    duplicates would double every chart and fake a narrow band for the per-technique effect."""
    journal = open_journal(database_url)
    fill(journal)
    first = export(journal)
    data = json.loads(first)
    again = journal.import_records(*from_json(CATALOG, data))
    assert (again.entries, again.sessions, again.screens, again.clearances) == (0, 0, 0, 0)
    assert again.skipped == 2 + 2 + 1 + 2  # entries, sessions, the screen, the clearances
    assert export(journal) == first
    data["entries"].append({**data["entries"][0], "score": 7})  # one new rating at the same time: it is new
    journal.forget_all()
    fresh = journal.import_records(*from_json(CATALOG, data))
    assert (fresh.entries, fresh.sessions, fresh.screens, fresh.clearances, fresh.skipped) == (6, 2, 1, 2, 0)
    assert journal.import_records(*from_json(CATALOG, data)).skipped == 3 + 2 + 1 + 2
    assert len(journal.entries()) == 6  # 3 by hand, the session's 3 ratings
    journal.close()


def test_a_version_1_export_is_still_read() -> None:
    data = {"format": "unknot-journal", "version": 1, "entries": [], "screens": [], "clearances": []}
    assert from_json(CATALOG, data).sessions == []


def test_a_bad_record_imports_nothing(database_url: str) -> None:
    journal = open_journal(database_url)
    fill(journal)
    data = json.loads(export(journal))
    journal.forget_all()
    data["entries"][1]["score"] = 12
    with pytest.raises(RequestError, match="pain score 12 is out of range"):
        journal.import_records(*from_json(CATALOG, data))
    assert journal.entries() == []
    journal.close()


def test_csv_has_the_documented_columns() -> None:
    entries = [PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, 'a "quoted", note'), PainEntry(T0, "neck_base", 1)]
    rows = list(csv.reader(io.StringIO(to_csv(entries))))
    entries.append(PainEntry(T0, "neck_base", 4, session_id=7, phase="after"))
    rows = list(csv.reader(io.StringIO(to_csv(entries))))
    assert tuple(rows[0]) == CSV_COLUMNS == ("at", "region", "score", "quality", "note", "phase")
    assert rows[1] == ["2026-11-01T09:30:00+00:00", "rhomboid_left", "6", "tight", 'a "quoted", note', ""]
    assert rows[2][3] == ""
    assert rows[3][5] == "after"


SESSION = {
    "started_at": "2026-11-01T09:00:00+00:00",
    "mode": "self",
    "status": "finished",
    "routine": routine_to_json(plan(PlanRequest(Mode.SELF, 5, tools=("tennis_ball",)), catalog=CATALOG)),
}


TAP = {"at": "2026-11-01T09:00:00+00:00", "kind": "less", "seq": 1, "step": 0, "acknowledged_at": None}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something"}, "not an unknot journal export"),
        ({"version": 9}, "version 9"),
        ({"entries": [{"at": "2026-11-01T09:00:00", "region": "neck_base", "score": 1}]}, "with its zone"),
        ({"entries": [{"at": "2026-11-01T09:00:00+00:00", "region": "lower_back", "score": 1}]}, "lower_back"),
        ({"clearances": [{"rule": "dvt", "cleared_on": "soon"}]}, "must be a date"),
        ({"sessions": [{**SESSION, "mode": "robot"}]}, "'mode' 'robot' is not one of partner, self"),
        ({"sessions": [{**SESSION, "started_at": "yesterday"}]}, "'started_at' must be a time"),
        ({"sessions": [{**SESSION, "routine": []}]}, "'routine' must be a routine"),
        ({"sessions": [{**SESSION, "steps": [{"index": 99, "status": "done", "seconds": 1}]}]}, "'index' must be"),
        ({"sessions": [{**SESSION, "steps": [{"index": 0, "status": "done", "seconds": -1}]}]}, "'seconds'"),
        ({"sessions": [{**SESSION, "steps": [{"index": 0, "status": "ok", "seconds": 1}]}]}, "'status' 'ok'"),
        ({"sessions": [{**SESSION, "pain_after": {"neck_base": 11}}]}, "out of range"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "kind": "harder"}]}]}, "'kind' 'harder' is not one of more"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "seq": 2}]}]}, "'seq' must be 1"),
        ({"sessions": [{**SESSION, "taps": [TAP, TAP]}]}, "taps item 2: 'seq' must be 2"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "step": 99}]}]}, "'step' must be the number of a step"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "at": "now"}]}]}, "taps item 1: 'at' must be a time"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "acknowledged_at": 5}]}]}, "'acknowledged_at' must be a time"),
        ({"sessions": [{**SESSION, "taps": [{**TAP, "extra": 1}]}]}, "unknown field 'extra'"),
        ({"sessions": [{**SESSION, "taps": {}}]}, "'taps' must be a list of objects"),
    ],
)
def test_a_wrong_export_is_refused_with_its_reason(change: dict[str, object], message: str) -> None:
    data = {"format": "unknot-journal", "version": 2, "entries": [], "screens": [], "clearances": [], **change}
    with pytest.raises(RequestError, match=message):
        from_json(CATALOG, data)
