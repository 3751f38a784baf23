"""The journal summary: one window, one advice order, recent sessions; pure, on an injected time. And the same
summary read from a real journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from unknot import load_catalog
from unknot.journal import opened_journal
from unknot.model import Mode, PainEntry, Quality, SessionRecord, SessionStatus, StepRecord, StepStatus
from unknot.policy import day_policy
from unknot.summary import RECENT_SESSIONS, WINDOW, JournalSummary, journal_summary, summarize

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
TECHNIQUE = CATALOG.techniques[0].id
ROUTINE = {"steps": [{"kind": "technique", "technique": TECHNIQUE, "region": "rhomboid_left", "seconds": 60}]}


def daily(region: str, scores: list[int], quality: Quality | None = None) -> list[PainEntry]:
    """One entry a day, the last at NOW."""
    return [PainEntry(NOW - timedelta(days=len(scores) - 1 - i), region, s, quality) for i, s in enumerate(scores)]


def session(days_ago: float, before: int = 6, after: int = 3) -> SessionRecord:
    at = NOW - timedelta(days=days_ago)
    return SessionRecord(
        at,
        Mode.PARTNER,
        ROUTINE,
        SessionStatus.FINISHED,
        at + timedelta(minutes=10),
        steps=(StepRecord(0, StepStatus.DONE, 60.0),),
        pain_before={"rhomboid_left": before},
        pain_after={"rhomboid_left": after},
    )


def summary_of(entries: list[PainEntry], sessions: tuple[SessionRecord, ...] = ()) -> JournalSummary:
    policy = day_policy(CATALOG, NOW, screens=(), entries=entries, sessions=sessions)
    return summarize(CATALOG, NOW, policy, entries=entries, screens=(), sessions=sessions)


def test_only_the_window_counts() -> None:
    recent = daily("rhomboid_left", [8, 7, 6, 5, 4, 3, 2])
    old = [PainEntry(NOW - WINDOW - timedelta(days=1), "rhomboid_left", 9)]
    with_old = summary_of(recent + old)
    assert with_old == summary_of(recent)
    (trend,) = with_old.trends
    assert trend.averages[7] == pytest.approx(5.0) and trend.slope_per_week == pytest.approx(-7.0)
    assert with_old.entries == tuple(recent)
    assert [e.score for e in with_old.recent_entries] == [2, 3, 4, 5, 6, 7, 8]


def test_the_days_journal_advice_comes_before_the_seek_help_rules() -> None:
    rising = daily("upper_trapezius_left", [3, 3, 4, 4, 5, 5, 6])
    sharp = [PainEntry(NOW - timedelta(hours=1), "rhomboid_right", 4, Quality.SHARP)]
    found = summary_of(rising + sharp)
    rules = [a.rule for a in found.advice]
    assert rules == ["journal", "worse"]
    assert "rhomboid" in found.advice[0].message.lower()


def test_effects_and_recent_sessions() -> None:
    sessions = [session(d) for d in (1, 2, 3, 40, 100)]
    found = summary_of([], tuple(sessions))
    (effect,) = found.effects
    assert effect.technique == TECHNIQUE and effect.sessions == 4 and effect.mean == pytest.approx(-3.0)
    assert [s.started_at for s in found.sessions] == [NOW - timedelta(days=d) for d in (1, 2, 3)]
    many = summary_of([], tuple(session(d / 2) for d in range(RECENT_SESSIONS + 5)))
    assert len(many.sessions) == RECENT_SESSIONS


def test_the_summary_of_a_journal_is_the_summary_of_its_records(tmp_path: Path) -> None:
    entries = daily("rhomboid_left", [6, 5, 4]) + [PainEntry(NOW - WINDOW - timedelta(days=3), "rhomboid_left", 9)]
    sessions = [session(2), session(200)]
    with opened_journal(f"sqlite:///{tmp_path / 'j.db'}") as journal:
        for e in entries:
            journal.add_entry(e)
        kept = [journal.start_session(s) for s in sessions]
        found = journal_summary(journal, CATALOG, NOW)
        all_entries = journal.entries()
    policy = day_policy(CATALOG, NOW, screens=(), entries=all_entries, sessions=kept)
    assert found == summarize(CATALOG, NOW, policy, entries=all_entries, screens=(), sessions=kept)
    assert [s.id for s in found.sessions] == [kept[0].id]
