"""The pain journal: a port the core is handed (``Journal``) and its SQL implementation (``SqlJournal``).

SQLite in the user's data directory by default; any SQLAlchemy URL (PostgreSQL through psycopg 3) with ``--db URL``
or ``UNKNOT_DATABASE_URL``. Migrations (Alembic) run on first use and by ``unknot db upgrade``. SQLAlchemy and
Alembic are imported only here, so commands that do not touch the journal never load them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol

from unknot.model import (
    Clearance,
    Imported,
    PainEntry,
    RemoteTap,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
)

__all__ = ["Journal", "open_journal", "opened_journal"]


class Journal(Protocol):
    """What the core needs from a journal; ``SqlJournal`` is the implementation."""

    def add_entry(self, entry: PainEntry) -> PainEntry:
        """Keep a pain rating; returns it with its id."""
        ...

    def entries(
        self, *, region: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[PainEntry]:
        """Pain ratings, oldest first, optionally for one region and a time range [since, until)."""
        ...

    def save_screen(
        self, at: datetime, answers: dict[str, Any], verdict: dict[str, Any], subject: str = "self"
    ) -> ScreenRecord:
        """Keep a screen's answers and verdict (as the JSON contract writes them), about ``subject`` (``self``, or
        the ``receiver`` of a partner massage); returns it with its id."""
        ...

    def screen_of(self, day: date) -> dict[str, Any] | None:
        """The verdict of the last screen taken on ``day`` (not withdrawn), or None."""
        ...

    def withdraw_screen(self, screen_id: int, at: datetime) -> bool:
        """Mark a screen as answered by mistake (the journal keeps it); False when there is none to withdraw."""
        ...

    def add_clearance(self, rule: str, cleared_on: date) -> Clearance:
        """Record that a professional cleared a consult-first rule."""
        ...

    def clearances(self, *, active_only: bool = True) -> list[Clearance]:
        """Clearances, oldest first."""
        ...

    def withdraw_clearance(self, rule: str, at: datetime) -> int:
        """Withdraw the active clearances of ``rule``; returns how many."""
        ...

    def screens(self, *, since: datetime | None = None) -> list[ScreenRecord]:
        """The screens kept (taken at or after ``since``, if given), oldest first, withdrawn ones included."""
        ...

    def import_records(
        self,
        entries: list[PainEntry],
        screens: list[ScreenRecord],
        clearances: list[Clearance],
        sessions: Sequence[SessionRecord] = (),
    ) -> Imported:
        """Add records (from an export) in one transaction, all of them or none, skipping those the journal has
        already (the same time and content); what was added and skipped."""
        ...

    def start_session(self, record: SessionRecord) -> SessionRecord:
        """Keep a new guided session with its pain-before ratings; returns it with its id."""
        ...

    def save_step(self, session_id: int, step: StepRecord) -> None:
        """Keep what happened to one step (saved after every step, so an interruption loses at most one)."""
        ...

    def add_event(self, session_id: int, event: SessionEvent) -> None:
        """Keep a stop, "it hurts", pause or resume."""
        ...

    def add_tap(self, session_id: int, tap: RemoteTap) -> None:
        """Keep a tap of the receiver's remote."""
        ...

    def acknowledge_tap(self, session_id: int, seq: int, at: datetime) -> bool:
        """Mark an alarm tap acknowledged by the giver (the first time stays); False when there is no such tap."""
        ...

    def finish_session(
        self, session_id: int, status: SessionStatus, ended_at: datetime, pain_after: dict[str, int]
    ) -> None:
        """Close a session as finished or stopped, with the pain-after ratings (once: a second call keeps the
        first ratings)."""
        ...

    def delete_session(self, session_id: int) -> None:
        """Forget one session, with its steps, events and pain ratings."""
        ...

    def sessions(self, *, since: datetime | None = None, until: datetime | None = None) -> list[SessionRecord]:
        """Sessions started in [since, until), oldest first."""
        ...

    def session(self, session_id: int) -> SessionRecord | None:
        """One session, or None."""
        ...

    def unfinished_session(self) -> SessionRecord | None:
        """The latest session still under way, or None."""
        ...

    def forget_all(self) -> None:
        """Delete every record (the schema stays)."""
        ...

    def stamp(self) -> int:
        """A number that changes with every write to the journal, from this process or another: a reader that
        saw the same stamp twice saw the same journal (the web app draws a page again only when it changes)."""
        ...

    def close(self) -> None:
        """Release the connection pool."""
        ...


def open_journal(url: str | None = None, *, wait: float | None = None) -> Journal:
    """Open (and create or migrate, if needed) the journal at ``url`` or the default one; a write waits up to
    ``wait`` seconds (default: ``UNKNOT_JOURNAL_WAIT``, else 30) for another writer before the journal is busy."""
    from unknot.journal.store import SqlJournal, wait_from_environment

    return SqlJournal.open(url, wait=wait_from_environment() if wait is None else wait)


@contextmanager
def opened_journal(url: str | None = None) -> Iterator[Journal]:
    """``with opened_journal(url) as journal:`` opens the journal and always closes it."""
    journal = open_journal(url)
    try:
        yield journal
    finally:
        journal.close()
