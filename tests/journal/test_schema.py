"""Whose database it is and how it comes to the latest schema (issue 14, items 3 and 4): migrations in one locked
transaction, a kill at any point of one leaves a journal that opens with every row, concurrent first runs, a
journal an older unknot left half-migrated, and other programs' databases left untouched."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RunUnknot
from unknot.errors import JournalError
from unknot.journal.schema import APPLICATION_ID, HEAD, TABLES, TABLES_AT
from unknot.journal.store import MIGRATIONS, SqlJournal
from unknot.journal.tables import Base

ENTRIES, SCREENS = 4000, 400


def test_the_tables_of_the_latest_revision_are_the_models() -> None:
    assert TABLES_AT[HEAD] == TABLES == set(Base.metadata.tables)


def _journal_at_0001(path: Path) -> None:
    """A large journal as the first release left it: revision 0001, thousands of rows, no mark."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = engine
    command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO pain_entries (at, region, score, quality, note) VALUES (?, ?, ?, NULL, ?)",
            [(f"2026-01-01 08:{i % 60:02d}:00.000000", "rhomboid_left", i % 11, f"note {i}") for i in range(ENTRIES)],
        )
        conn.executemany(
            "INSERT INTO screens (at, day, answers, verdict) VALUES (?, '2026-01-01', '{}', '{}')",
            [(f"2026-01-01 09:00:{i % 60:02d}.000000",) for i in range(SCREENS)],
        )
        conn.execute("INSERT INTO clearances (rule, cleared_on) VALUES ('cancer', '2025-12-01')")
    conn.close()


def _assert_whole(path: Path) -> None:
    """The journal opens (finishing any migration), is sound, and holds every row it had."""
    journal = SqlJournal.open(f"sqlite:///{path}")
    entries = journal.entries()
    assert len(entries) == ENTRIES and sorted(e.note for e in entries) == sorted(f"note {i}" for i in range(ENTRIES))
    assert len(journal.screens()) == SCREENS and len(journal.clearances()) == 1
    journal.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


# The child counts SQLite's progress callbacks (every 200 VM steps) and SIGKILLs itself at the given one: kill
# points inside statements, the same on every run, with no timing.
KILLER = """
import os, signal, sys
from sqlalchemy import Engine, event
limit, calls = int(sys.argv[2]), 0
def tick():
    global calls
    calls += 1
    if calls == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0
@event.listens_for(Engine, "connect")
def on_connect(dbapi_connection, record):
    dbapi_connection.set_progress_handler(tick, 200)
from unknot.journal.store import SqlJournal
SqlJournal.open(sys.argv[1]).close()
print(calls)
"""


def _open_in_child(path: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, f"sqlite:///{path}", str(kill_at)],
        capture_output=True,
        text=True,
        timeout=180,  # bounds the test on a busy machine; no assertion on time
    )


def test_a_kill_at_any_point_of_the_upgrade_leaves_a_journal_that_opens_whole(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    _journal_at_0001(template)
    counting = tmp_path / "count.db"
    shutil.copy(template, counting)
    done = _open_in_child(counting, 0)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.strip())
    assert total > 20, "the upgrade is long enough to be killed inside"
    killed = 0
    for i in range(10):
        point = 1 + (total - 1) * i // 9
        path = tmp_path / f"kill{i}.db"
        shutil.copy(template, path)
        run = _open_in_child(path, point)
        killed += run.returncode == -9
        _assert_whole(path)
    assert killed == 10


# The child opens the journal with SQLite's limit on the file's size at what it holds now: the migration's first
# new page answers as a full disk does ("database or disk is full").
FULL = """
import sqlite3, sys
from sqlalchemy import Engine, event
pages = sqlite3.connect(sys.argv[1].removeprefix("sqlite:///")).execute("PRAGMA page_count").fetchone()[0]
@event.listens_for(Engine, "connect")
def on_connect(dbapi_connection, record):
    dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
from unknot.errors import JournalFullError
from unknot.journal.store import SqlJournal
try:
    SqlJournal.open(sys.argv[1])
except JournalFullError as exc:
    print(exc.message)
"""


def test_a_full_disk_during_the_upgrade_leaves_the_old_schema_whole(tmp_path: Path) -> None:
    """Issue 14, item 3: a full disk during 0001→0002 left "table sessions already exists" on every later run, even
    after space was freed. Now the upgrade says the disk is full, the journal is still at 0001 with every row, and
    once there is room it opens whole."""
    path = tmp_path / "full.db"
    _journal_at_0001(path)
    run = subprocess.run([sys.executable, "-c", FULL, f"sqlite:///{path}"], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert "is full; nothing was written" in run.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert names - {"alembic_version"} == TABLES_AT["0001"]
        assert conn.execute("SELECT count(*) FROM pain_entries").fetchone() == (ENTRIES,)
    conn.close()
    _assert_whole(path)  # room again: it opens at the latest schema, every row there


def _half_migrated(path: Path) -> None:
    """What an older unknot left when killed inside 0001→0002 (its DDL committed one statement at a time): the
    new tables made, the copy of pain_entries begun, the revision still 0001."""
    _journal_at_0001(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_at DATETIME NOT NULL)")
        conn.execute("CREATE INDEX ix_sessions_started_at ON sessions (started_at)")
        conn.execute("CREATE TABLE session_steps (id INTEGER PRIMARY KEY, session_id INTEGER)")
        conn.execute("CREATE TABLE _alembic_tmp_pain_entries (id INTEGER PRIMARY KEY, note TEXT)")
    conn.close()


def test_db_upgrade_finishes_a_journal_an_older_version_left_half_migrated(tmp_path: Path, unknot: RunUnknot) -> None:
    path = tmp_path / "half.db"
    _half_migrated(path)
    with sqlite3.connect(path) as conn:  # the fault: running 0002 again fails on the table already made
        with pytest.raises(sqlite3.OperationalError, match="already exists"):
            conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY)")
    conn.close()
    run = unknot("db", "upgrade", "--db", f"sqlite:///{path}")
    assert run.code == 0, run.err
    assert "up to date" in run.out
    _assert_whole(path)


def test_leftover_rows_are_never_dropped(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    _half_migrated(path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO sessions (started_at) VALUES ('2026-01-01')")
    conn.close()
    with pytest.raises(JournalError, match="sessions holds rows"):
        SqlJournal.open(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone() == (1,)
    conn.close()


WRITER = """
import sys
from datetime import UTC, datetime
from unknot.journal.store import SqlJournal
from unknot.model import PainEntry
journal = SqlJournal.open(sys.argv[1])
for i in range(5):
    journal.add_entry(PainEntry(datetime(2026, 1, 1, 8, i, tzinfo=UTC), "rhomboid_left", i, note=sys.argv[2]))
journal.close()
"""


def test_four_first_runs_at_once_on_a_new_journal_keep_every_entry(database_url: str) -> None:
    children = [
        subprocess.Popen([sys.executable, "-c", WRITER, database_url, f"p{n}"], stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    for child in children:
        _, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
    journal = SqlJournal.open(database_url)
    entries = journal.entries()
    journal.close()
    assert len(entries) == 20
    assert sorted({e.note for e in entries}) == ["p0", "p1", "p2", "p3"]


# --- another program's database -------------------------------------------------------------------------------


def _foreign(path: Path, *statements: str) -> tuple[bytes, int]:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param(
            ("CREATE TABLE sessions (token TEXT)", "CREATE TABLE users (name TEXT)", "INSERT INTO users VALUES ('a')"),
            id="unrelated-sessions-table",
        ),
        pytest.param(("CREATE TABLE sessions (token TEXT)",), id="only-a-sessions-table"),
        pytest.param(("PRAGMA application_id = 1234", "CREATE TABLE pain_entries (x)"), id="another-application-id"),
        pytest.param(
            (
                "CREATE TABLE alembic_version (version_num TEXT)",
                "INSERT INTO alembic_version VALUES ('abc123')",
                "CREATE TABLE orders (id INTEGER)",
            ),
            id="another-alembic-app",
        ),
    ],
)
def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path, statements: tuple[str, ...]) -> None:
    path = tmp_path / "other.db"
    before = _foreign(path, *statements)
    with pytest.raises(JournalError, match="not an unknot journal|belongs to another program"):
        SqlJournal.open(f"sqlite:///{path}")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, no -shm


def test_another_schema_on_postgresql_is_refused(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite files are above")
    from sqlalchemy import create_engine, inspect

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE sessions (token TEXT)")
        conn.exec_driver_sql("CREATE TABLE users (name TEXT)")
    with pytest.raises(JournalError, match="not an unknot journal"):
        SqlJournal.open(database_url)
    with engine.connect() as conn:
        assert sorted(inspect(conn).get_table_names()) == ["sessions", "users"]
    engine.dispose()


def test_a_journal_of_an_earlier_version_is_ours_and_gets_marked(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _journal_at_0001(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (0,)
    conn.close()
    _assert_whole(path)  # migrated, and marked
