"""``SqlJournal``: the journal on SQLite (default) or PostgreSQL, through SQLAlchemy 2 and Alembic migrations."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session

from unknot.errors import JournalError
from unknot.journal.tables import ClearanceRow, PainEntryRow, ScreenRow
from unknot.model import Clearance, PainEntry, Quality, ScreenRecord

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
TABLES = {"pain_entries", "screens", "clearances"}


def default_url(environ: dict[str, str] | None = None) -> str:
    """``UNKNOT_DATABASE_URL``, else a SQLite file in the user's data directory."""
    from unknot.screen_store import data_dir

    env = os.environ if environ is None else environ
    url = env.get("UNKNOT_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir(env) / 'journal.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL for readers beside a writer, FULL so a committed entry survives a crash, and a busy timeout so two
    # unknot processes wait for each other instead of failing.
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite hands back naive datetimes, which the journal always wrote in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlJournal:
    """The journal in a SQL database. Open it with ``SqlJournal.open(url)``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> SqlJournal:
        """Connect, check it is an unknot journal (or empty), and bring it to the latest schema."""
        url = url or default_url()
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise JournalError(
                f"'{url}' is not a database URL; use sqlite:///path/to/journal.db or "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and parsed.database:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(parsed, connect_args={"connect_timeout": 5} if not sqlite else {})
        except Exception as exc:  # an unknown driver or a bad option: one line, not a traceback
            raise JournalError(f"cannot use the database '{safe_url(url)}': {exc}") from None
        if sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        journal = cls(engine)
        journal._check(url)
        if migrate:
            journal.upgrade()
        return journal

    def _check(self, url: str) -> None:
        try:
            with self.engine.connect() as conn:
                names = set(inspect(conn).get_table_names())
        except OperationalError as exc:
            raise JournalError(f"cannot reach the database '{safe_url(url)}': {_first_line(exc)}") from None
        except DatabaseError as exc:
            raise JournalError(f"'{safe_url(url)}' is not an unknot journal ({_first_line(exc)})") from None
        if names and not (names & TABLES or "alembic_version" in names):
            raise JournalError(
                f"'{safe_url(url)}' holds other tables ({', '.join(sorted(names)[:5])}), not an unknot journal; "
                "give another file or database"
            )

    def upgrade(self) -> None:
        """Apply the migrations that are missing (never loses data: migrations only add or transform)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # --- pain entries ---------------------------------------------------------------------------------------

    def add_entry(self, entry: PainEntry) -> PainEntry:
        """Keep a pain rating (committed before this returns); returns it with its id."""
        row = PainEntryRow(
            at=_utc(entry.at),
            region=entry.region,
            score=entry.score,
            quality=entry.quality.value if entry.quality else None,
            note=entry.note,
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            new_id = row.id
        return PainEntry(entry.at, entry.region, entry.score, entry.quality, entry.note, new_id)

    def entries(
        self, *, region: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[PainEntry]:
        """Pain ratings, oldest first, optionally for one region and a time range [since, until)."""
        query = select(PainEntryRow).order_by(PainEntryRow.at, PainEntryRow.id)
        if region is not None:
            query = query.where(PainEntryRow.region == region)
        if since is not None:
            query = query.where(PainEntryRow.at >= _utc(since))
        if until is not None:
            query = query.where(PainEntryRow.at < _utc(until))
        with Session(self.engine) as session:
            return [
                PainEntry(_utc(r.at), r.region, r.score, Quality(r.quality) if r.quality else None, r.note, r.id)
                for r in session.scalars(query)
            ]

    # --- screens and clearances -----------------------------------------------------------------------------

    def save_screen(self, at: datetime, answers: dict[str, Any], verdict: dict[str, Any]) -> None:
        """Keep a screen's answers and verdict."""
        with Session(self.engine) as session, session.begin():
            session.add(ScreenRow(at=_utc(at), day=at.date(), answers=answers, verdict=verdict))

    def screen_of(self, day: date) -> dict[str, Any] | None:
        """The verdict of the last screen taken on ``day``, or None."""
        query = select(ScreenRow).where(ScreenRow.day == day).order_by(ScreenRow.at.desc(), ScreenRow.id.desc())
        with Session(self.engine) as session:
            row = session.scalars(query.limit(1)).first()
            return dict(row.verdict) if row is not None else None

    def screens(self) -> list[ScreenRecord]:
        """Every screen kept, oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(ScreenRow).order_by(ScreenRow.at, ScreenRow.id))
            return [ScreenRecord(_utc(r.at), dict(r.answers), dict(r.verdict)) for r in rows]

    def import_records(
        self, entries: list[PainEntry], screens: list[ScreenRecord], clearances: list[Clearance]
    ) -> None:
        """Add records (from an export) in one transaction: all of them or none."""
        with Session(self.engine) as session, session.begin():
            session.add_all(
                PainEntryRow(
                    at=_utc(e.at),
                    region=e.region,
                    score=e.score,
                    quality=e.quality.value if e.quality else None,
                    note=e.note,
                )
                for e in entries
            )
            session.add_all(
                ScreenRow(at=_utc(x.at), day=x.at.date(), answers=x.answers, verdict=x.verdict) for x in screens
            )
            session.add_all(
                ClearanceRow(
                    rule=c.rule,
                    cleared_on=c.cleared_on,
                    withdrawn_at=_utc(c.withdrawn_at) if c.withdrawn_at else None,
                )
                for c in clearances
            )

    def forget_all(self) -> None:
        """Delete every record (the schema stays)."""
        with Session(self.engine) as session, session.begin():
            for table in (PainEntryRow, ScreenRow, ClearanceRow):
                session.execute(delete(table))

    def add_clearance(self, rule: str, cleared_on: date) -> Clearance:
        """Record that a professional cleared a consult-first rule on ``cleared_on``."""
        with Session(self.engine) as session, session.begin():
            row = ClearanceRow(rule=rule, cleared_on=cleared_on)
            session.add(row)
            session.flush()
            return Clearance(rule, cleared_on, None, row.id)

    def clearances(self, *, active_only: bool = True) -> list[Clearance]:
        """Clearances, oldest first."""
        query = select(ClearanceRow).order_by(ClearanceRow.cleared_on, ClearanceRow.id)
        if active_only:
            query = query.where(ClearanceRow.withdrawn_at.is_(None))
        with Session(self.engine) as session:
            return [
                Clearance(r.rule, r.cleared_on, _utc(r.withdrawn_at) if r.withdrawn_at else None, r.id)
                for r in session.scalars(query)
            ]

    def withdraw_clearance(self, rule: str, at: datetime) -> int:
        """Withdraw the active clearances of ``rule``; returns how many."""
        stmt = (
            update(ClearanceRow)
            .where(ClearanceRow.rule == rule, ClearanceRow.withdrawn_at.is_(None))
            .values(withdrawn_at=_utc(at))
        )
        with Session(self.engine) as session, session.begin():
            return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def safe_url(url: str) -> str:
    """The URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
