"""Before the journal is used: whose database it is, which schema it has, and bringing it to the latest schema.

An unknot journal on SQLite carries a mark (``PRAGMA application_id``) beside Alembic's ``alembic_version``; a
database that is neither empty nor ours is refused before anything is written to it (issue 14, item 4). The
migrations run in one transaction, under a lock (``BEGIN IMMEDIATE`` on SQLite, ``pg_advisory_xact_lock`` on
PostgreSQL), so a kill or a full disk leaves the journal as it was and concurrent first runs wait for each other
(item 3). What an older unknot left half-migrated (its SQLite DDL ran outside a transaction) is finished here.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import pathname2url

from sqlalchemy import Connection, Engine

from unknot.errors import JournalError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
APPLICATION_ID = 0x756E6B74  # "unkt": marks a SQLite file as an unknot journal
HEAD = "0005"
_AT_0001 = frozenset({"pain_entries", "screens", "clearances"})
_AT_0002 = _AT_0001 | {"sessions", "session_steps", "session_events"}
#: The tables each revision has (a new migration adds a line; a test checks the last one against the models).
TABLES_AT: dict[str | None, frozenset[str]] = {
    None: frozenset(),
    "0001": _AT_0001,
    "0002": _AT_0002,
    "0003": _AT_0002,
    "0004": _AT_0002 | {"journal_changes"},
    "0005": _AT_0002 | {"journal_changes", "remote_taps"},
}
TABLES = TABLES_AT[HEAD]
# Children before parents, so a leftover table can be dropped while foreign keys are on.
_DROP_ORDER = (
    "remote_taps",
    "journal_changes",
    "session_events",
    "session_steps",
    "pain_entries",
    "sessions",
    "clearances",
    "screens",
)
_TMP = "_alembic_tmp_"  # Alembic's batch mode copies a table into _alembic_tmp_<name>, then renames it
BEGIN_OPTION = "unknot_begin"  # an execution option naming the statement that opens a SQLite transaction


@dataclass(frozen=True)
class Found:
    """What a database holds, as far as telling whose it is goes."""

    tables: frozenset[str]
    versioned: bool  # an alembic_version table
    revision: str | None
    application_id: int = 0
    markable: bool = False  # SQLite: a file carries the mark; a PostgreSQL schema cannot

    @property
    def leftovers(self) -> frozenset[str]:
        """Tables an interrupted migration made that the recorded revision does not have."""
        expected = TABLES_AT.get(self.revision, TABLES)
        return frozenset(n for n in self.tables if n.startswith(_TMP) or (n in TABLES and n not in expected))


def look_at_file(path: Path, where: str) -> Found | None:
    """What the SQLite file at ``path`` holds, read without writing a byte; None for no file or an empty one."""
    try:
        if not path.exists():
            return None
        if not path.is_file():
            raise JournalError(f"'{where}' is not a regular file; give the path of a journal file (or a new one)")
        if path.stat().st_size == 0:
            return None
    except OSError as exc:
        raise JournalError(f"cannot use '{where}' for the journal ({exc.strerror}); give another path") from None
    options = read_options(path) if is_read_only(path) else {"mode": "ro"}
    try:
        conn = sqlite3.connect(f"file:{pathname2url(str(path))}?{urlencode(options)}", uri=True)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot open the journal '{where}' ({exc}); check the file and its folder") from None
    try:
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        tables = frozenset(
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if r[0][:7] != "sqlite_"
        )
        revision = None
        if "alembic_version" in tables:
            revision = _one_revision(conn.execute("SELECT version_num FROM alembic_version").fetchall())
        return Found(tables - {"alembic_version"}, "alembic_version" in tables, revision, int(application_id), True)
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"'{where}' is not an unknot journal ({exc}); unknot leaves it as it is") from None
    finally:
        conn.close()


def is_read_only(path: Path) -> bool:
    """Whether the SQLite journal at ``path`` exists but cannot be written: a read-only file, folder or filesystem
    (``access`` answers EROFS for the last)."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
    except OSError:
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_options(path: Path) -> dict[str, str]:
    """SQLite URI options that open the journal at ``path`` only to read it (issue 14, item 14: reads work on a
    read-only filesystem). Its write-ahead log needs a ``-shm`` file beside the journal, which a read-only folder
    cannot take: with no log left (a journal closed cleanly) ``immutable=1`` reads the file alone, taking no lock;
    with one (a writer still running, or killed) ``mode=ro`` reads the file and its log."""
    wal = path.with_name(path.name + "-wal")
    try:
        logged = wal.exists() and wal.stat().st_size > 0
    except OSError:
        logged = False
    return {"mode": "ro"} if logged else {"mode": "ro", "immutable": "1"}


def look(conn: Connection) -> Found:
    """What the database behind ``conn`` holds (in its transaction)."""
    from sqlalchemy import inspect

    names = frozenset(n for n in inspect(conn).get_table_names() if not n.startswith("sqlite_"))
    revision = None
    if "alembic_version" in names:
        revision = _one_revision(conn.exec_driver_sql("SELECT version_num FROM alembic_version").all())
    application_id, sqlite = 0, conn.dialect.name == "sqlite"
    if sqlite:
        application_id = int(conn.exec_driver_sql("PRAGMA application_id").scalar() or 0)
    return Found(names - {"alembic_version"}, "alembic_version" in names, revision, application_id, sqlite)


def _one_revision(rows: Any) -> str | None:
    return str(rows[0][0]) if len(rows) == 1 else None


def check_ours(found: Found, where: str) -> None:
    """Refuse a database that is neither empty nor an unknot journal (nothing has been written to it)."""
    if found.application_id == APPLICATION_ID:
        return
    fix = "unknot leaves it as it is; give another file or database (--db, or UNKNOT_DATABASE_URL)"
    if found.application_id != 0:
        raise JournalError(
            f"'{where}' belongs to another program (its application id is {found.application_id:#x}); {fix}"
        )
    if not found.tables and not found.versioned:
        return  # empty: a new journal
    others = sorted(n for n in found.tables if n not in TABLES and not n.startswith(_TMP))
    if found.versioned and not others:
        return  # a journal an earlier unknot made (before the mark), or began
    shown = ", ".join(others[:5] or sorted(found.tables)[:5])
    raise JournalError(f"'{where}' is not an unknot journal: it holds other tables ({shown}); {fix}")


def needs_work(found: Found) -> bool:
    """Whether opening must write: migrations to run, leftovers to clear or the mark to set."""
    unmarked = found.markable and found.application_id == 0
    return found.revision != HEAD or bool(found.leftovers) or unmarked


def prepare(engine: Engine, where: str, *, migrate: bool) -> None:
    """Check the database is ours (or empty); with ``migrate``, bring it to the latest schema in one locked
    transaction, finishing a migration an older unknot left half done, and mark it."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        found = look(conn)
    check_ours(found, where)
    if not migrate or not needs_work(found):
        return
    if found.revision not in TABLES_AT:
        raise JournalError(
            f"the journal '{where}' was written by a newer unknot (schema {found.revision}); update unknot to use it"
        )
    if sqlite and found.revision == HEAD and not found.leftovers:
        _mark_if_writable(engine)  # an earlier unknot's journal, up to date: mark it, read-only or not
        return
    with engine.connect() as conn:
        conn.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})  # the write lock from the first statement
        with conn.begin():
            if not sqlite:
                # One migrator per schema at a time; released with the transaction.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('unknot journal ' || current_schema()))")
            found = look(conn)  # again, under the lock: another process may have done the work meanwhile
            check_ours(found, where)
            _clear_leftovers(conn, found, where)
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            _upgrade(conn)


def _mark_if_writable(engine: Engine) -> None:
    from sqlalchemy.exc import OperationalError

    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    except OperationalError:
        pass  # a read-only journal stays readable; it is marked when it can be written


def _clear_leftovers(conn: Connection, found: Found, where: str) -> None:
    """Drop the tables an interrupted migration made (empty: no unknot ever wrote to them), so it runs again."""
    leftovers = found.leftovers
    for name in sorted(n for n in leftovers if n.startswith(_TMP)):
        if name[len(_TMP) :] not in found.tables:
            raise JournalError(
                f"the journal '{where}' holds {name} without its original table; "
                "restore it from a backup or an export (unknot export)"
            )
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
    for name in (n for n in _DROP_ORDER if n in leftovers):
        if conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar():
            raise JournalError(
                f"the journal '{where}' records schema {found.revision} but its table {name} holds rows; "
                "unknot will not guess: restore it from a backup or an export (unknot export)"
            )
        conn.exec_driver_sql(f'DROP TABLE "{name}"')


def _upgrade(conn: Connection) -> None:
    """Apply the missing migrations on ``conn``, inside its transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
