"""The journal summary: what the journal page, ``GET /api/insights`` and ``unknot insights`` / ``unknot trends``
show, made once here over one time window (the last 90 days), so every front end only renders it.

``summarize`` is pure (records, today's policy and a time in); ``journal_summary`` reads the window through the
``Journal`` port and today's policy (``unknot.today``) and hands them to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from unknot.insights import WINDOWS, Advice, Effect, Trend, seek_help, technique_effects, trends
from unknot.model import Catalog, PainEntry, ScreenRecord, SessionRecord
from unknot.policy import DayPolicy
from unknot.today import journal_advice, todays_policy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from unknot.journal import Journal

__all__ = ["RECENT_DAYS", "WINDOW", "JournalSummary", "journal_summary", "summarize"]

#: The one window the summary reads: the longest trend window.
WINDOW = timedelta(days=max(WINDOWS))
#: Recent sessions are those of the last 30 days (at most ``RECENT_SESSIONS``), newest first; the charts cover as
#: many days.
RECENT_DAYS = 30
RECENT_SESSIONS = 10
RECENT_ENTRIES = 20


@dataclass(frozen=True, slots=True)
class JournalSummary:
    """What the journal says at ``now``, from the records of [``since``, ``now``].

    ``advice`` is in the one order every front end shows: today's policy's journal advice first, then the
    seek-help rules (``unknot.today.journal_advice``). ``entries`` are the window's pain ratings, oldest first (the
    charts draw them); ``sessions`` the recent ones, newest first."""

    now: datetime
    since: datetime
    trends: tuple[Trend, ...]
    advice: tuple[Advice, ...]
    effects: tuple[Effect, ...]
    sessions: tuple[SessionRecord, ...]
    entries: tuple[PainEntry, ...]

    @property
    def recent_entries(self) -> tuple[PainEntry, ...]:
        """The latest entries, newest first."""
        return tuple(reversed(self.entries[-RECENT_ENTRIES:]))

    def entries_of(self, region: str) -> list[PainEntry]:
        """The window's entries for ``region``, oldest first."""
        return [e for e in self.entries if e.region == region]


def summarize(
    catalog: Catalog,
    now: datetime,
    policy: DayPolicy,
    *,
    entries: Iterable[PainEntry],
    screens: Iterable[ScreenRecord],
    sessions: Iterable[SessionRecord],
) -> JournalSummary:
    """The summary at ``now`` under today's ``policy``; records before the window are left out, so handing more
    than the window changes nothing."""
    since = now - WINDOW
    rules = catalog.insight_rules
    kept = tuple(sorted((e for e in entries if e.at >= since), key=lambda e: (e.at, e.id or 0)))
    screened = [x for x in screens if x.at >= since]
    held = [s for s in sessions if s.started_at >= since]
    month = now - timedelta(days=RECENT_DAYS)
    recent = [s for s in sorted(held, key=lambda s: (s.started_at, s.id or 0), reverse=True) if s.started_at >= month]
    return JournalSummary(
        now=now,
        since=since,
        trends=tuple(trends(kept, now, timedelta(days=rules.min_span_days))),
        advice=tuple(journal_advice(catalog, policy, seek_help(catalog, kept, now, screened))),
        effects=tuple(technique_effects(held, catalog)),
        sessions=tuple(recent[:RECENT_SESSIONS]),
        entries=kept,
    )


def journal_summary(
    journal: Journal, catalog: Catalog, now: datetime, *, subject: str = "self", tz: tzinfo | None = None
) -> JournalSummary:
    """The summary of ``journal`` at ``now``: the window read once through the index on time, and today's policy
    for ``subject``."""
    since = now - WINDOW
    return summarize(
        catalog,
        now,
        todays_policy(journal, catalog, now, subject, tz),
        entries=journal.entries(since=since),
        screens=journal.screens(since=since),
        sessions=journal.sessions(since=since),
    )
