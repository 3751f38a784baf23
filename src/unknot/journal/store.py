"""``SqlJournal``: the journal on SQLite (default) or PostgreSQL, through SQLAlchemy 2 and Alembic migrations."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.request import pathname2url

from sqlalchemy import Connection, Engine, create_engine, delete, event, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from unknot.errors import (
    ConfigError,
    JournalBusyError,
    JournalError,
    JournalFullError,
    JournalReadOnlyError,
    JournalValueError,
    NotFoundError,
)
from unknot.journal.schema import (
    BEGIN_OPTION,
    MIGRATIONS,
    TABLES,
    check_ours,
    is_read_only,
    look_at_file,
    prepare,
    read_options,
)
from unknot.journal.tables import (
    ChangeRow,
    ClearanceRow,
    PainEntryRow,
    RemoteTapRow,
    ScreenRow,
    SessionEventRow,
    SessionRow,
    SessionStepRow,
)
from unknot.model import (
    Clearance,
    Feedback,
    Imported,
    Mode,
    PainEntry,
    Quality,
    RemoteTap,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)

__all__ = [
    "MIGRATIONS",
    "TABLES",
    "WAIT_VARIABLE",
    "SqlJournal",
    "default_url",
    "journal_error",
    "safe_url",
    "wait_from_environment",
]

BEFORE, AFTER = "before", "after"


def default_url(environ: dict[str, str] | None = None) -> str:
    """``UNKNOT_DATABASE_URL``, else a SQLite file in the user's data directory."""
    from unknot.settings import user_dir

    env = os.environ if environ is None else environ
    url = env.get("UNKNOT_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{user_dir('data', env) / 'journal.db'}"


WAIT = 30.0  # seconds a write waits for another writer (an import) before saying the journal is busy
WAIT_VARIABLE = "UNKNOT_JOURNAL_WAIT"


def wait_from_environment(environ: dict[str, str] | None = None) -> float:
    """Seconds a write waits for another writer: ``UNKNOT_JOURNAL_WAIT`` (0 to 3600; a script that would rather
    hear at once that the journal is busy sets 0), else ``WAIT``."""
    env = os.environ if environ is None else environ
    text = env.get(WAIT_VARIABLE, "").strip()
    if not text:
        return WAIT
    try:
        wait = float(text)
    except ValueError:
        wait = -1.0
    if not 0 <= wait <= 3600:  # NaN too
        raise ConfigError(f"{WAIT_VARIABLE} is {text!r}; give the seconds a write may wait, from 0 to 3600")
    return wait


P = ParamSpec("P")
R = TypeVar("R")


def _sqlite_setup(wait: float) -> Callable[[Any, Any], None]:
    def setup(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling runs DDL outside any transaction, so a migration killed half-way was left
        # half done (issue 14): unknot issues BEGIN itself (``_sqlite_begin``) and every statement is in it.
        dbapi_connection.isolation_level = None
        # WAL for readers beside a writer, FULL so a committed entry survives a crash, and a busy timeout so two
        # unknot processes wait for each other instead of failing.
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={int(wait * 1000)}"):
            try:
                cursor.execute(f"PRAGMA {pragma}")
            except Exception:  # WAL on a read-only file: it is read as it is
                if not pragma.startswith("journal_mode"):
                    raise
        cursor.close()

    return setup


def _postgres_setup(wait: float) -> Callable[[Any, Any], None]:
    def setup(dbapi_connection: Any, _record: Any) -> None:
        # A write waits for a lock at most ``wait`` (an import holding the write counter's row), then says busy.
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{int(wait * 1000)}ms'")
        dbapi_connection.commit()

    return setup


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get(BEGIN_OPTION, "BEGIN"))


def _guarded(method: Callable[Concatenate[SqlJournal, P], R]) -> Callable[Concatenate[SqlJournal, P], R]:
    """Run a journal method, again while another writer holds the lock (up to the journal's ``wait``), and turn a
    database failure into a ``JournalError`` that says what happened and what to do."""

    @functools.wraps(method)
    def run(self: SqlJournal, /, *args: P.args, **kwargs: P.kwargs) -> R:
        deadline = time.monotonic() + self.wait
        pause = 0.05
        while True:
            try:
                return method(self, *args, **kwargs)
            except OperationalError as exc:
                # A transaction refused the lock is rolled back whole: running it again writes it once.
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise journal_error(exc, self.where, self.wait) from None
            except DBAPIError as exc:
                raise journal_error(exc, self.where, self.wait) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    return run


def _busy(exc: Exception) -> bool:
    text = _first_line(exc).lower()
    return any(s in text for s in ("database is locked", "database is busy", "table is locked", "lock timeout"))


def journal_error(exc: Exception, where: str, wait: float = WAIT) -> JournalError:
    """The ``JournalError`` for a failure of the database at ``where``: what happened and what to do."""
    cause = _first_line(exc)
    text = cause.lower()
    if _busy(exc):
        return JournalBusyError(
            f"the journal '{where}' is busy: another program (an import, another unknot) has held it for over "
            f"{wait:g} s; nothing was written; try again in a moment"
        )
    if "disk is full" in text or "no space left" in text:
        return JournalFullError(
            f"the disk holding the journal '{where}' is full; nothing was written. Free some space, then try again"
        )
    if "readonly database" in text or "read-only" in text:
        return JournalReadOnlyError(
            f"the journal '{where}' is read-only ({cause}): it can be read, not written. Make the file and its "
            "folder writable, or give another journal with --db"
        )
    if "unable to open database file" in text:
        return JournalError(
            f"cannot open the journal '{where}' ({cause}); check that its folder exists and can be written"
        )
    return JournalError(f"the journal '{where}' failed: {cause}")


def _text(value: str, what: str) -> str:
    """``value``, which a journal can keep: PostgreSQL refuses a NUL character, so SQLite refuses it too."""
    if "\x00" in value:
        raise JournalValueError(f"the {what} holds a NUL character (\\x00), which a journal cannot keep; remove it")
    return value


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite hands back naive datetimes, which the journal always wrote in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlJournal:
    """The journal in a SQL database. Open it with ``SqlJournal.open(url)``."""

    def __init__(self, engine: Engine, *, where: str = "", wait: float = WAIT) -> None:
        self.engine = engine
        self.where = where or safe_url(str(engine.url))
        self.wait = wait
        # For a transaction that must hold the write lock from its first statement (SQLite's BEGIN IMMEDIATE).
        self._writer = engine.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})
        # The largest id the id columns hold: PostgreSQL's integer is 32 bits, SQLite's 64.
        self.max_id = 2**31 - 1 if engine.dialect.name == "postgresql" else 2**63 - 1

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, wait: float = WAIT) -> SqlJournal:
        """Connect, check it is an unknot journal (or empty), and bring it to the latest schema. A write waits up to
        ``wait`` seconds for another writer before ``JournalBusyError``."""
        url = url or default_url()
        if "://" not in url:  # a plain file path: the SQLite journal in that file
            url = f"sqlite:///{Path(url).expanduser().absolute()}"
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise JournalError(
                f"'{url}' is not a database URL; use sqlite:///path/to/journal.db or "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        where = safe_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        read_only = False
        if sqlite:
            _check_sqlite_file(parsed.database, parsed.query, where)
            read_only = parsed.database is not None and is_read_only(Path(parsed.database).expanduser())
            if read_only and parsed.database:  # opened only to read (issue 14, item 14)
                path = Path(parsed.database).expanduser()
                parsed = parsed.set(
                    database=f"file:{pathname2url(str(path.absolute()))}", query={**read_options(path), "uri": "true"}
                )
        try:
            # A pool as large as the web server's busiest moment (20 clients at once), so none waits for a connection.
            engine = create_engine(
                parsed,
                connect_args={"connect_timeout": 5} if not sqlite else {},
                pool_size=20,
                max_overflow=20,
            )
        except Exception as exc:  # an unknown driver or a bad option: one line, not a traceback
            raise JournalError(f"cannot use the database '{where}': {exc}") from None
        if sqlite:
            event.listen(engine, "connect", _sqlite_setup(wait))
            event.listen(engine, "begin", _sqlite_begin)
        elif parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _postgres_setup(wait))
        journal = cls(engine, where=where, wait=wait)
        try:
            prepare(engine, where, migrate=migrate)
        except OperationalError as exc:
            engine.dispose()
            if read_only:
                raise JournalReadOnlyError(
                    f"the journal '{where}' is read-only and was written by an older unknot: its schema must be "
                    f"brought up to date before this one can read it ({_first_line(exc)}). Make the file and its "
                    "folder writable and run unknot once (or unknot db upgrade)"
                ) from None
            if sqlite or _busy(exc):
                raise journal_error(exc, where, wait) from None
            raise JournalError(f"cannot reach the database '{where}': {_first_line(exc)}") from None
        except DBAPIError as exc:
            engine.dispose()
            raise JournalError(f"'{where}' is not an unknot journal ({_first_line(exc)})") from None
        except JournalError:
            engine.dispose()
            raise
        return journal

    def upgrade(self) -> None:
        """Apply the migrations that are missing, in one transaction (never loses data: migrations only add or
        transform)."""
        prepare(self.engine, self.where, migrate=True)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    @_guarded
    def stamp(self) -> int:
        """The write counter: it changes with every write, from this process or another (one light query)."""
        # Plain SQL: a page asks on every request, and building the statement cost more than running it.
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT n FROM journal_changes WHERE id = 1").scalar() or 0)

    # --- pain entries ---------------------------------------------------------------------------------------

    @_guarded
    def add_entry(self, entry: PainEntry) -> PainEntry:
        """Keep a pain rating (committed before this returns); returns it with its id."""
        with self.engine.begin() as conn:  # a Core insert: one round trip, no ORM unit of work
            new_id = conn.execute(
                insert(PainEntryRow).values(**_entry_values(entry)).returning(PainEntryRow.id)
            ).scalar_one()
            conn.execute(_BUMP)
        return replace(entry, id=new_id)

    @_guarded
    def entries(
        self, *, region: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[PainEntry]:
        """Pain ratings, oldest first, optionally for one region and a time range [since, until)."""
        # Reads go through Core, not the ORM: no unit of work to set up, no objects to track (a page shows its
        # entries several times faster).
        table = PainEntryRow.__table__
        query = select(*table.c).order_by(table.c.at, table.c.id)
        if region is not None:
            query = query.where(table.c.region == region)
        if since is not None:
            query = query.where(table.c.at >= _utc(since))
        if until is not None:
            query = query.where(table.c.at < _utc(until))
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query)]

    # --- screens and clearances -----------------------------------------------------------------------------

    @_guarded
    def save_screen(
        self, at: datetime, answers: dict[str, Any], verdict: dict[str, Any], subject: str = "self"
    ) -> ScreenRecord:
        """Keep a screen's answers and verdict, about ``subject``; returns it with its id."""
        with Session(self.engine) as session, session.begin():
            row = ScreenRow(at=_utc(at), day=at.date(), answers=answers, verdict=verdict, subject=subject)
            session.add(row)
            session.flush()
            session.execute(_BUMP)
            return ScreenRecord(_utc(at), answers, verdict, subject, None, row.id)

    @_guarded
    def screen_of(self, day: date) -> dict[str, Any] | None:
        """The verdict of the last screen taken on ``day`` (not withdrawn), or None."""
        table = ScreenRow.__table__
        query = (
            select(table.c.verdict)
            .where(table.c.day == day, table.c.withdrawn_at.is_(None))
            .order_by(table.c.at.desc(), table.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            verdict = conn.execute(query).scalar()
            return dict(verdict) if verdict is not None else None

    @_guarded
    def screens(self, *, since: datetime | None = None) -> list[ScreenRecord]:
        """The screens kept (taken at or after ``since``, if given), oldest first, withdrawn ones included."""
        table = ScreenRow.__table__
        query = select(
            table.c.at, table.c.answers, table.c.verdict, table.c.subject, table.c.withdrawn_at, table.c.id
        ).order_by(table.c.at, table.c.id)
        if since is not None:
            query = query.where(table.c.at >= _utc(since))
        with self.engine.connect() as conn:
            return [
                ScreenRecord(
                    _utc(r.at),
                    dict(r.answers),
                    dict(r.verdict),
                    r.subject,
                    _utc(r.withdrawn_at) if r.withdrawn_at else None,
                    r.id,
                )
                for r in conn.execute(query)
            ]

    @_guarded
    def withdraw_screen(self, screen_id: int, at: datetime) -> bool:
        """Mark a screen as answered by mistake (it is kept); False when there is no such screen not yet
        withdrawn."""
        table = ScreenRow.__table__
        if not 0 < screen_id <= self.max_id:
            return False
        with self.engine.begin() as conn:
            done = conn.execute(
                update(ScreenRow)
                .where(table.c.id == screen_id, table.c.withdrawn_at.is_(None))
                .values(withdrawn_at=_utc(at))
            )
            conn.execute(_BUMP)
            return bool(done.rowcount)

    @_guarded
    def import_records(
        self,
        entries: list[PainEntry],
        screens: list[ScreenRecord],
        clearances: list[Clearance],
        sessions: Sequence[SessionRecord] = (),
    ) -> Imported:
        """Add records (from an export) in one transaction, all of them or none, skipping those the journal has
        already (the same time and content); what was added and skipped."""
        with Session(self.engine) as session, session.begin():
            session.execute(_BUMP)
            have = _entry_keys(session, entries)
            new_entries = []
            for e in entries:
                values = _entry_values(e)
                key = _entry_key(values)
                if key not in have:
                    have.add(key)
                    new_entries.append(values)
            if new_entries:  # a bulk insert: an import of years of entries takes seconds, not minutes
                session.execute(insert(PainEntryRow), new_entries)
            rows = session.execute(select(SessionRow.started_at, SessionRow.mode))
            started = {(_utc(at), mode) for at, mode in rows}
            new_sessions = [r for r in sessions if (_utc(r.started_at), r.mode.value) not in started]
            for record in new_sessions:
                _add_session(session, record)
            taken = {_utc(at) for at in session.execute(select(ScreenRow.at)).scalars()}
            new_screens = [x for x in screens if _utc(x.at) not in taken]
            session.add_all(
                ScreenRow(
                    at=_utc(x.at),
                    day=x.at.date(),
                    answers=x.answers,
                    verdict=x.verdict,
                    subject=x.subject,
                    withdrawn_at=_utc(x.withdrawn_at) if x.withdrawn_at else None,
                )
                for x in new_screens
            )
            cleared = {
                (rule, on, _utc(out) if out else None)
                for rule, on, out in session.execute(
                    select(ClearanceRow.rule, ClearanceRow.cleared_on, ClearanceRow.withdrawn_at)
                )
            }
            new_clearances = [
                c
                for c in clearances
                if (c.rule, c.cleared_on, _utc(c.withdrawn_at) if c.withdrawn_at else None) not in cleared
            ]
            session.add_all(
                ClearanceRow(
                    rule=c.rule,
                    cleared_on=c.cleared_on,
                    withdrawn_at=_utc(c.withdrawn_at) if c.withdrawn_at else None,
                )
                for c in new_clearances
            )
        ratings = sum(len(r.pain_before) + len(r.pain_after) for r in new_sessions)
        added = len(new_entries) + len(new_sessions) + len(new_screens) + len(new_clearances)
        offered = len(entries) + len(sessions) + len(screens) + len(clearances)
        return Imported(
            len(new_entries) + ratings, len(new_sessions), len(new_screens), len(new_clearances), offered - added
        )

    @_guarded
    def forget_all(self) -> None:
        """Delete every record (the schema stays)."""
        with Session(self.engine) as session, session.begin():
            for table in (
                RemoteTapRow, SessionEventRow, SessionStepRow, PainEntryRow, SessionRow, ScreenRow, ClearanceRow,
            ):  # fmt: skip
                session.execute(delete(table))
            session.execute(_BUMP)  # the counter stays and goes on: an empty journal is a change too

    @_guarded
    def add_clearance(self, rule: str, cleared_on: date) -> Clearance:
        """Record that a professional cleared a consult-first rule on ``cleared_on``."""
        with Session(self.engine) as session, session.begin():
            row = ClearanceRow(rule=rule, cleared_on=cleared_on)
            session.add(row)
            session.flush()
            session.execute(_BUMP)
            return Clearance(rule, cleared_on, None, row.id)

    @_guarded
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

    @_guarded
    def withdraw_clearance(self, rule: str, at: datetime) -> int:
        """Withdraw the active clearances of ``rule``; returns how many."""
        stmt = (
            update(ClearanceRow)
            .where(ClearanceRow.rule == rule, ClearanceRow.withdrawn_at.is_(None))
            .values(withdrawn_at=_utc(at))
        )
        with Session(self.engine) as session, session.begin():
            session.execute(_BUMP)
            return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    # --- guided sessions -------------------------------------------------------------------------------------

    @_guarded
    def start_session(self, record: SessionRecord) -> SessionRecord:
        """Keep a new session (with its pain-before ratings, and any steps and events it holds); returns it with
        its id."""
        with Session(self.engine) as session, session.begin():
            new_id = _add_session(session, record)
            session.execute(_BUMP)
        return replace(record, id=new_id)

    @_guarded
    def save_step(self, session_id: int, step: StepRecord) -> None:
        """Keep what happened to a step (committed before this returns); a step saved again replaces the first."""
        with Session(self.engine) as session, session.begin():
            _session_row(session, session_id, self.max_id)
            row = session.scalars(
                select(SessionStepRow).where(SessionStepRow.session_id == session_id, SessionStepRow.idx == step.index)
            ).first()
            session.execute(_BUMP)
            if row is None:
                session.add(_step_row(session_id, step))
            else:
                row.status, row.seconds = step.status.value, step.seconds
                row.feedback = [f.value for f in step.feedback]
                row.ended_at = _utc(step.ended_at) if step.ended_at else None

    @_guarded
    def add_event(self, session_id: int, event: SessionEvent) -> None:
        """Keep a stop, "it hurts", pause or resume."""
        with Session(self.engine) as session, session.begin():
            _session_row(session, session_id, self.max_id)
            session.add(_event_row(session_id, event))
            session.execute(_BUMP)

    @_guarded
    def add_tap(self, session_id: int, tap: RemoteTap) -> None:
        """Keep a tap of the receiver's remote (committed before this returns)."""
        with Session(self.engine) as session, session.begin():
            _session_row(session, session_id, self.max_id)
            session.add(_tap_row(session_id, tap))
            session.execute(_BUMP)

    @_guarded
    def acknowledge_tap(self, session_id: int, seq: int, at: datetime) -> bool:
        """Mark the tap ``seq`` of a session as acknowledged by the giver (once: a second call keeps the first
        time); False when there is no such tap."""
        with Session(self.engine) as session, session.begin():
            row = session.scalars(
                select(RemoteTapRow).where(RemoteTapRow.session_id == session_id, RemoteTapRow.seq == seq)
            ).first()
            if row is None:
                return False
            if row.acknowledged_at is None:
                row.acknowledged_at = _utc(at)
                session.execute(_BUMP)
            return True

    @_guarded
    def finish_session(
        self, session_id: int, status: SessionStatus, ended_at: datetime, pain_after: dict[str, int]
    ) -> None:
        """Close a session as finished or stopped, with the pain-after ratings (once: a second call keeps the
        first ratings)."""
        if status is SessionStatus.ACTIVE:
            raise JournalError("a session is finished or stopped, not active, when it ends")
        # The session's row locked before the look for ratings (issue 14, item 11): a second finish at the same
        # moment waits for this one, then sees its rows. SQLite: the write lock from BEGIN IMMEDIATE; PostgreSQL:
        # SELECT ... FOR UPDATE (an UPDATE alone locked nothing when the status and end were already these).
        with Session(self._writer) as session, session.begin():
            row = _session_row(session, session_id, self.max_id, lock=True)
            row.status, row.ended_at = status.value, _utc(ended_at)
            # Idempotent (issue 14, item 11): a form sent twice keeps the first pain-after ratings, once.
            kept = session.scalar(
                select(PainEntryRow.id)
                .where(PainEntryRow.session_id == session_id, PainEntryRow.phase == AFTER)
                .limit(1)
            )
            if kept is None:
                session.add_all(_pain_rows(session_id, AFTER, ended_at, pain_after))
            session.execute(_BUMP)

    @_guarded
    def delete_session(self, session_id: int) -> None:
        """Forget one session: its steps, events and the pain ratings it asked for (the user discarded it)."""
        with Session(self.engine) as session, session.begin():
            _session_row(session, session_id, self.max_id)
            for table in (RemoteTapRow, SessionEventRow, SessionStepRow, PainEntryRow):
                session.execute(delete(table).where(table.session_id == session_id))
            session.execute(delete(SessionRow).where(SessionRow.id == session_id))
            session.execute(_BUMP)

    @_guarded
    def sessions(self, *, since: datetime | None = None, until: datetime | None = None) -> list[SessionRecord]:
        """Sessions started in [since, until), oldest first, with their steps, events and pain ratings."""
        query = select(SessionRow).order_by(SessionRow.started_at, SessionRow.id)
        if since is not None:
            query = query.where(SessionRow.started_at >= _utc(since))
        if until is not None:
            query = query.where(SessionRow.started_at < _utc(until))
        return self._load_sessions(query)

    @_guarded
    def session(self, session_id: int) -> SessionRecord | None:
        """One session, or None."""
        if not 0 < session_id <= self.max_id:
            return None  # an id no database holds: none such, rather than an overflow
        found = self._load_sessions(select(SessionRow).where(SessionRow.id == session_id))
        return found[0] if found else None

    @_guarded
    def unfinished_session(self) -> SessionRecord | None:
        """The latest session still under way (interrupted), or None."""
        table = SessionRow.__table__
        latest = (
            select(table.c.id)
            .where(table.c.status == SessionStatus.ACTIVE.value)
            .order_by(table.c.started_at.desc(), table.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:  # most of the time there is none: one light query says so
            session_id = conn.execute(latest).scalar()
        return None if session_id is None else self.session(session_id)

    def _load_sessions(self, query: Any) -> list[SessionRecord]:
        """Sessions selected by ``query`` (a select of ``SessionRow``), with their steps, events and pain; read
        through Core (rows, not tracked objects): four queries whatever the number of sessions."""
        steps_t, events_t, pain_t = SessionStepRow.__table__, SessionEventRow.__table__, PainEntryRow.__table__
        taps_t = RemoteTapRow.__table__
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
            ids = [r.id for r in rows]
            if not ids:
                return []
            steps: dict[int, list[StepRecord]] = {}
            for s in conn.execute(select(*steps_t.c).where(steps_t.c.session_id.in_(ids)).order_by(steps_t.c.idx)):
                steps.setdefault(s.session_id, []).append(
                    StepRecord(
                        s.idx,
                        StepStatus(s.status),
                        s.seconds,
                        tuple(Feedback(f) for f in s.feedback),
                        _utc(s.ended_at) if s.ended_at else None,
                    )
                )
            events: dict[int, list[SessionEvent]] = {}
            for e in conn.execute(
                select(*events_t.c).where(events_t.c.session_id.in_(ids)).order_by(events_t.c.at, events_t.c.id)
            ):
                events.setdefault(e.session_id, []).append(SessionEvent(_utc(e.at), e.kind, e.step, e.detail))
            taps: dict[int, list[RemoteTap]] = {}
            for t in conn.execute(select(*taps_t.c).where(taps_t.c.session_id.in_(ids)).order_by(taps_t.c.seq)):
                acknowledged = _utc(t.acknowledged_at) if t.acknowledged_at else None
                taps.setdefault(t.session_id, []).append(RemoteTap(_utc(t.at), t.kind, t.seq, t.step, acknowledged))
            pain: dict[tuple[int, str], dict[str, int]] = {}
            for p in conn.execute(
                select(pain_t.c.session_id, pain_t.c.phase, pain_t.c.region, pain_t.c.score)
                .where(pain_t.c.session_id.in_(ids))
                .order_by(pain_t.c.id)
            ):
                pain.setdefault((p.session_id or 0, p.phase or ""), {})[p.region] = p.score
        return [
            SessionRecord(
                started_at=_utc(r.started_at),
                mode=Mode(r.mode),
                routine=_readable_routine(r.routine),
                status=SessionStatus(r.status),
                ended_at=_utc(r.ended_at) if r.ended_at else None,
                steps=tuple(steps.get(r.id, ())),
                events=tuple(events.get(r.id, ())),
                pain_before=pain.get((r.id, BEFORE), {}),
                pain_after=pain.get((r.id, AFTER), {}),
                id=r.id,
                taps=tuple(taps.get(r.id, ())),
            )
            for r in rows
        ]


_STEP_TEXTS = ("kind", "technique", "region", "title")


def _readable_routine(value: Any) -> dict[str, Any]:
    """A kept routine in the shape its readers expect: an object whose steps are objects, with numbers for seconds
    and text for kind, technique and regions. An older unknot imported routines unchecked (issue 14, item 5): a
    value of another shape is read as absent (a step as ``{}``, keeping the steps' places), so one such row cannot
    break the journal page, insights, the PDF or ``unknot sessions``; the row itself is left as it is."""
    routine = dict(value) if isinstance(value, dict) else {}
    steps = routine.get("steps")
    if not isinstance(steps, list):
        routine["steps"] = []
        return routine
    readable: list[dict[str, Any]] = []
    for step in steps:
        if not isinstance(step, dict):
            readable.append({})
            continue
        step = dict(step)
        seconds = step.get("seconds", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 86_400:
            step.pop("seconds", None)
        for key in _STEP_TEXTS:
            if key in step and not isinstance(step[key], str):
                del step[key]
        regions = step.get("regions")
        if regions is not None and not (isinstance(regions, list) and all(isinstance(x, str) for x in regions)):
            del step["regions"]
        readable.append(step)
    routine["steps"] = readable
    return routine


def _entry(r: Any) -> PainEntry:
    """A pain entry from a row of ``pain_entries`` (an ORM object or a Core row: the same attributes)."""
    quality = Quality(r.quality) if r.quality else None
    return PainEntry(_utc(r.at), r.region, r.score, quality, r.note, r.id, r.session_id, r.phase)


def _entry_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return (_utc(values["at"]), values["region"], values["score"], values["quality"], values["note"] or "")


def _entry_keys(session: Session, entries: list[PainEntry]) -> set[tuple[Any, ...]]:
    """The keys of the journal's own entries (not a session's ratings) in the time the import spans."""
    if not entries:
        return set()
    times = [_utc(e.at) for e in entries]
    t = PainEntryRow.__table__.c
    query = select(t.at, t.region, t.score, t.quality, t.note).where(
        t.session_id.is_(None), t.at >= min(times), t.at <= max(times)
    )
    return {_entry_key(dict(row._mapping)) for row in session.execute(query)}


def _entry_values(e: PainEntry) -> dict[str, Any]:
    return {
        "at": _utc(e.at),
        "region": e.region,
        "score": e.score,
        "quality": e.quality.value if e.quality else None,
        "note": _text(e.note, "note"),
    }


# Raised in the transaction of every write (``stamp``): a reader that saw the same number saw the same journal.
_BUMP = update(ChangeRow).where(ChangeRow.id == 1).values(n=ChangeRow.n + 1)


def _check_sqlite_file(database: str | None, query: Any, where: str) -> None:
    """Refuse what is not a journal file (a device, ``?uri=true``) or not ours, before a byte is written."""
    if "uri" in query:
        raise JournalError(
            f"'{where}': unknot does not take SQLite URI options (uri=...); give the file's path, "
            "sqlite:///path/to/journal.db"
        )
    if not database or database == ":memory:":
        return
    path = Path(database).expanduser()
    found = look_at_file(path, where)
    if found is not None:
        check_ours(found, where)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(
            f"cannot make the folder {path.parent} for the journal ({exc.strerror}); give another path"
        ) from None


def _session_row(session: Session, session_id: int, max_id: int, *, lock: bool = False) -> SessionRow:
    row = session.get(SessionRow, session_id, with_for_update=lock) if 0 < session_id <= max_id else None
    if row is None:
        raise NotFoundError(f"there is no session {session_id} in the journal")
    return row


def _pain_rows(session_id: int, phase: str, at: datetime, scores: dict[str, int]) -> list[PainEntryRow]:
    return [
        PainEntryRow(at=_utc(at), region=region, score=score, note="", session_id=session_id, phase=phase)
        for region, score in scores.items()
    ]


def _step_row(session_id: int, step: StepRecord) -> SessionStepRow:
    return SessionStepRow(
        session_id=session_id,
        idx=step.index,
        status=step.status.value,
        seconds=step.seconds,
        feedback=[f.value for f in step.feedback],
        ended_at=_utc(step.ended_at) if step.ended_at else None,
    )


def _event_row(session_id: int, event: SessionEvent) -> SessionEventRow:
    return SessionEventRow(
        session_id=session_id, at=_utc(event.at), kind=event.kind, step=event.step, detail=_text(event.detail, "detail")
    )


def _tap_row(session_id: int, tap: RemoteTap) -> RemoteTapRow:
    return RemoteTapRow(
        session_id=session_id,
        at=_utc(tap.at),
        kind=_text(tap.kind, "kind"),
        step=tap.step,
        seq=tap.seq,
        acknowledged_at=_utc(tap.acknowledged_at) if tap.acknowledged_at else None,
    )


def _add_session(session: Session, record: SessionRecord) -> int:
    """Insert ``record`` whole (in the caller's transaction); returns its id."""
    row = SessionRow(
        started_at=_utc(record.started_at),
        ended_at=_utc(record.ended_at) if record.ended_at else None,
        mode=record.mode.value,
        status=record.status.value,
        routine=record.routine,
    )
    session.add(row)
    session.flush()
    session.add_all(_pain_rows(row.id, BEFORE, record.started_at, record.pain_before))
    if record.pain_after:
        session.add_all(_pain_rows(row.id, AFTER, record.ended_at or record.started_at, record.pain_after))
    session.add_all(_step_row(row.id, s) for s in record.steps)
    session.add_all(_event_row(row.id, e) for e in record.events)
    session.add_all(_tap_row(row.id, t) for t in record.taps)
    return row.id


def safe_url(url: str) -> str:
    """The URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
