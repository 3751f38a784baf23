"""What the journal says when the database cannot do what was asked (issue 14, items 9, 13 and 14): a writer holding
the lock, a full disk, a read-only journal, a NUL character, ids beyond a column, paths that are not journal files.
Each is a ``JournalError`` with a message, never a database error; no rating is written half."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event

from unknot import load_catalog
from unknot.errors import (
    JournalBusyError,
    JournalError,
    JournalFullError,
    JournalReadOnlyError,
    JournalValueError,
    NotFoundError,
    RequestError,
)
from unknot.journal.store import SqlJournal
from unknot.model import PainEntry, SessionEvent, StepRecord, StepStatus
from unknot.pain import make_entry

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _hold_write_lock(url: str) -> tuple[Any, Any]:
    """Another program's transaction holding the journal's write lock (an import): SQLite's lock, or the write
    counter's row on PostgreSQL."""
    engine = create_engine(url.split("?")[0] if url.startswith("sqlite") else url)
    conn = engine.connect()
    if url.startswith("sqlite"):
        conn.exec_driver_sql("UPDATE journal_changes SET n = n + 1")  # pysqlite's BEGIN: the write lock
    else:
        conn.exec_driver_sql("UPDATE journal_changes SET n = n + 1")
    return engine, conn


def test_a_writer_holding_the_lock_past_the_wait_gives_a_busy_error_not_a_lost_entry(database_url: str) -> None:
    journal = SqlJournal.open(database_url, wait=1)
    engine, holder = _hold_write_lock(database_url)
    try:
        with pytest.raises(JournalBusyError, match="busy") as caught:
            journal.add_entry(PainEntry(T0, "rhomboid_left", 6))
        assert caught.value.http_status == 503 and caught.value.retry_after > 0
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    journal.add_entry(PainEntry(T0, "rhomboid_left", 6))  # the lock gone, the same write works
    assert [e.score for e in journal.entries()] == [6]
    journal.close()


def test_a_writer_that_lets_go_within_the_wait_loses_nothing(database_url: str) -> None:
    journal = SqlJournal.open(database_url, wait=60)
    engine, holder = _hold_write_lock(database_url)
    held = threading.Event()

    def release() -> None:
        held.wait(60)
        holder.commit()  # the import finishes
        holder.close()

    letting_go = threading.Timer(1.5, lambda: held.set())
    releaser = threading.Thread(target=release)
    letting_go.start()
    releaser.start()
    try:
        journal.add_entry(PainEntry(T0, "rhomboid_left", 7, note="typed during an import"))
    finally:
        releaser.join(60)
        engine.dispose()
    assert [e.note for e in journal.entries()] == ["typed during an import"]
    journal.close()


def test_a_full_disk_says_so_and_writes_nothing(sqlite_url: str) -> None:
    journal = SqlJournal.open(sqlite_url)
    journal.add_entry(PainEntry(T0, "rhomboid_left", 3))
    pages = int(sqlite3.connect(sqlite_url.removeprefix("sqlite:///")).execute("PRAGMA page_count").fetchone()[0])

    # SQLite's own limit on the file's size answers exactly as a full disk does: "database or disk is full".
    @event.listens_for(journal.engine, "connect")
    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    journal.engine.dispose()
    with pytest.raises(JournalFullError, match="is full; nothing was written"):
        journal.add_entry(PainEntry(T0, "rhomboid_left", 4, note="x" * 200_000))
    event.remove(journal.engine, "connect", limit)
    journal.engine.dispose()
    assert [e.score for e in journal.entries()] == [3]
    journal.close()


def test_a_read_only_journal_reads_and_refuses_writes_clearly(database_url: str, tmp_path: Path) -> None:
    journal = SqlJournal.open(database_url)
    journal.add_entry(PainEntry(T0, "neck_base", 2))
    journal.close()
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        path.chmod(0o444)
        tmp_path.chmod(0o555)
        if os.access(path, os.W_OK):
            tmp_path.chmod(0o755)
            pytest.skip("running as root: a file mode does not make a file read-only")
        read_only = database_url
    else:
        read_only = database_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20")
    try:
        again = SqlJournal.open(read_only)
        assert [e.score for e in again.entries()] == [2]
        with pytest.raises(JournalReadOnlyError, match="read-only"):
            again.add_entry(PainEntry(T0, "neck_base", 3))
        again.close()
    finally:
        tmp_path.chmod(0o755)


def test_a_nul_character_is_refused_the_same_on_both_databases(database_url: str) -> None:
    with pytest.raises(RequestError, match="NUL"):
        make_entry(load_catalog(), "neck_base", 3, note="a\x00b")
    journal = SqlJournal.open(database_url)
    with pytest.raises(JournalValueError, match="NUL") as caught:
        journal.add_entry(PainEntry(T0, "neck_base", 3, note="a\x00b"))
    assert caught.value.http_status == 400
    assert journal.entries() == []
    journal.close()


@pytest.mark.parametrize("session_id", [2**31, 2**63, -1, 0], ids=["2^31", "2^63", "negative", "zero"])
def test_an_id_beyond_the_column_is_none_not_a_database_error(database_url: str, session_id: int) -> None:
    journal = SqlJournal.open(database_url)
    assert journal.session(session_id) is None
    assert journal.withdraw_screen(session_id, T0) is False
    with pytest.raises(NotFoundError):
        journal.save_step(session_id, StepRecord(0, StepStatus.DONE, 30.0, (), T0))
    with pytest.raises(NotFoundError):
        journal.add_event(session_id, SessionEvent(T0, "stop", 0, ""))
    journal.close()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        pytest.param("sqlite:////dev/null", "not a regular file", id="dev-null"),
        pytest.param("sqlite:////proc/self/status", "cannot open the journal", id="proc-file"),
        pytest.param("sqlite:////proc/nowhere/journal.db", "cannot make the folder", id="proc-folder"),
        pytest.param("sqlite:///{tmp}/journal.db?uri=true", "URI options", id="uri-true"),
    ],
)
def test_a_path_that_is_no_journal_file_is_refused(
    url: str, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(JournalError, match=says):
        SqlJournal.open(url.format(tmp=tmp_path))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("file:")]


def test_serve_with_a_bad_journal_says_so_before_any_link(unknot: Any) -> None:
    run = unknot("serve", "--no-browser", "--db", "sqlite:////dev/null")
    assert run.code != 0
    assert "not a regular file" in run.err + run.out
    assert "running at" not in run.out
