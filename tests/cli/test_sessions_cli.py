"""`unknot sessions`, `unknot clearance` and the per-technique effect in `unknot insights`, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import RunUnknot
from unknot import load_catalog
from unknot.contract import routine_to_json
from unknot.journal import open_journal, opened_journal
from unknot.model import (
    Mode,
    PlanRequest,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.planner import plan
from unknot.screening import long_date

CATALOG = load_catalog()


def seed_sessions(url: str, count: int, *, before: int = 6, after: int = 3) -> str:
    """``count`` finished partner sessions, every step done, and the first technique's region rated before and
    after; returns that technique's id."""
    routine = routine_to_json(plan(PlanRequest(Mode.PARTNER, 10), catalog=CATALOG))
    first = next(s for s in routine["steps"] if s["kind"] == "technique")
    now = datetime.now(UTC)
    with opened_journal(url) as journal:
        for i in range(count):
            start = now - timedelta(days=count - i)
            record = SessionRecord(start, Mode.PARTNER, routine, pain_before={first["region"]: before + i % 2})
            sid = journal.start_session(record).id
            assert sid is not None
            for index in range(len(routine["steps"])):
                journal.save_step(sid, StepRecord(index, StepStatus.DONE, float(routine["steps"][index]["seconds"])))
            if i == 0:
                journal.add_event(sid, SessionEvent(start, "it_hurts", 3))
            end = start + timedelta(minutes=10)
            journal.finish_session(sid, SessionStatus.FINISHED, end, {first["region"]: after})
    return str(first["technique"])


def test_sessions_lists_what_happened(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert "No guided sessions yet" in unknot("sessions", "--db", url).out
    seed_sessions(url, 2)
    run = unknot("sessions", "--db", url)
    assert run.code == 0, run.err
    assert "Guided sessions (2)" in run.out and "partner" in run.out and "finished" in run.out
    assert "1× it hurts" in run.out and "6 → 3" in run.out
    listed = unknot("sessions", "--json", "--db", url).json()
    assert [s["status"] for s in listed] == ["finished", "finished"]
    assert listed[0]["pain_before"] != {} and listed[0]["pain_after"] != {}


def test_the_technique_effect_needs_three_sessions(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    technique = seed_sessions(url, 2)
    name = CATALOG.technique(technique).name  # type: ignore[union-attr]
    two = unknot("insights", "--db", url).out
    assert name in two and "too few sessions (2 of 3)" in two
    seed_sessions(url, 2)
    four = unknot("insights", "--db", url).out
    assert "too few sessions" not in four.split(name)[1].splitlines()[0]
    # before 6,7,6,7 and after 3: changes -3, -4, -3, -4, mean -3.5
    assert "-3.5 (" in four


def test_a_red_flag_on_a_recent_screen_is_advice(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    with opened_journal(url) as journal:
        verdict = {
            "verdict": "see_professional",
            "may_massage": False,
            "reasons": [{"rule": "numbness_weakness", "category": "see_professional", "message": "See a doctor."}],
        }
        journal.save_screen(datetime.now(UTC) - timedelta(days=2), {}, verdict)
    out = unknot("insights", "--db", url).out
    assert "Get help:" in out and "raised a red flag" in out and "See a doctor." in out


def test_clearances_are_kept_listed_and_withdrawn(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert "No clearances kept" in unknot("clearance", "list", "--db", url).out
    given = date.today() - timedelta(days=3)
    added = unknot("clearance", "add", "dvt", "--on", given.isoformat(), "--db", url)
    assert added.code == 0 and f"dvt cleared on {long_date(given)}" in added.out
    assert "already kept" in unknot("clearance", "add", "dvt", "--on", given.isoformat(), "--db", url).out
    listed = unknot("clearance", "list", "--db", url).out
    assert "dvt" in listed and long_date(given) in listed and "active" in listed
    assert "Withdrawn: dvt" in unknot("clearance", "withdraw", "dvt", "--db", url).out
    assert "No clearances kept" in unknot("clearance", "list", "--db", url).out
    assert "withdrawn" in unknot("clearance", "list", "--all", "--db", url).out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("clearance", "add", "fever"), "'fever' is a stop_today rule"),
        (("clearance", "add", "nonsense"), "'nonsense' is not a rule"),
        (("clearance", "add", "dvt", "--on", "soon"), "'soon' is not a day written YYYY-MM-DD"),
        (("clearance", "add", "dvt", "--on", "2999-01-01"), "is still to come"),
    ],
)
def test_a_wrong_clearance_is_refused_and_nothing_kept(
    unknot: RunUnknot, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    run = unknot(*args, "--db", url)
    assert run.code != 0 and message in run.err and "Traceback" not in run.err
    assert "No clearances kept" in unknot("clearance", "list", "--all", "--db", url).out


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        pytest.param(["start", "--tool", "rope"], {}, "tool 'rope' is not known", id="tool"),
        pytest.param(["start", "--mode", "sideways"], {}, "mode 'sideways' does not exist", id="mode"),
        pytest.param(["start", "--minutes", "99"], {}, "--minutes", id="minutes"),
        pytest.param(["start", "--focus", "lower_back"], {}, "region 'lower_back'", id="focus"),
        pytest.param(["start", "--mode", "self", "--position", "seated"], {}, "position 'seated'", id="position"),
        pytest.param(["start"], {"UNKNOT_TIME_SCALE": "fast"}, "UNKNOT_TIME_SCALE='fast'", id="time-scale"),
        pytest.param(["resume"], {"UNKNOT_TIME_SCALE": "-1"}, "UNKNOT_TIME_SCALE='-1'", id="resume-time-scale"),
        pytest.param(["plan", "--tool", "rope"], {}, "tool 'rope' is not known", id="plan-tool"),
    ],
)
def test_a_wrong_option_is_refused_before_the_screen_and_keeps_nothing(
    unknot: RunUnknot, cli_env: dict[str, str], args: list[str], env: dict[str, str], said: str
) -> None:
    run = unknot(*args, input="n\n" * 5, env=env)
    assert run.code == 2, run.out + run.err
    assert said in run.err and "Traceback" not in run.err
    assert "safety screen" not in run.out.lower(), "refused before the first question"
    journal = open_journal(f"sqlite:///{Path(cli_env['XDG_DATA_HOME'], 'unknot', 'journal.db')}")
    assert journal.sessions() == [] and journal.screens() == []
    journal.close()


POISONED_ROUTINES = [
    "[]",
    '"x"',
    '{"mode": "self", "steps": "nope"}',
    '{"steps": [5, {"kind": 3, "seconds": "x", "regions": [1]}, {"kind": "technique", "seconds": 1e308}]}',
]


def poison(path: Path) -> None:
    """A journal an older unknot's import left poisoned (issue 14, item 5): finished sessions whose routines are
    not routines, each with its steps and ratings, written as that import wrote them (no check)."""
    import sqlite3

    with opened_journal(f"sqlite:///{path}") as journal:  # made at the latest schema
        journal.add_entry(journal_entry())
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    with sqlite3.connect(path) as conn:
        for n, routine in enumerate(POISONED_ROUTINES):
            sid = conn.execute(
                "INSERT INTO sessions (started_at, ended_at, mode, status, routine) "
                "VALUES (?, ?, 'self', 'finished', ?)",
                (now, now, routine),
            ).lastrowid
            conn.execute(
                "INSERT INTO session_steps (session_id, idx, status, seconds, feedback) "
                "VALUES (?, ?, 'done', 30, '[]')",
                (sid, n),
            )
            conn.execute(
                "INSERT INTO pain_entries (at, region, score, note, session_id, phase) "
                "VALUES (?, 'neck_base', 5, '', ?, 'before')",
                (now, sid),
            )
    conn.close()


def journal_entry() -> object:
    from unknot.model import PainEntry

    return PainEntry(datetime.now(UTC), "rhomboid_left", 4)


def test_a_journal_an_older_import_poisoned_still_reads(unknot: RunUnknot, tmp_path: Path) -> None:
    """`sessions`, `insights` and the PDF crashed on such a journal; now they read it (the routines as absent)."""
    path = tmp_path / "poisoned.db"
    poison(path)
    db = f"sqlite:///{path}"
    for args in (
        ("sessions",),
        ("insights",),
        ("trends",),
        ("export", "--format", "pdf", "-o", str(tmp_path / "r.pdf")),
    ):
        run = unknot(*args, "--db", db)
        assert run.code == 0 and "internal error" not in run.err, (args, run.err)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert unknot("sessions", "--db", db).out.count("self") >= len(POISONED_ROUTINES)
