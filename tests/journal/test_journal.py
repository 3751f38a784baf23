"""The journal on a real SQLite file and a real PostgreSQL (``database_url`` runs each test on both)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from unknot import load_catalog
from unknot.errors import JournalError, RequestError
from unknot.journal import open_journal
from unknot.journal.store import SqlJournal
from unknot.model import PainEntry, Quality
from unknot.pain import make_entry

CATALOG = load_catalog()
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_entries_round_trip_in_time_order(database_url: str) -> None:
    journal = open_journal(database_url)
    later = journal.add_entry(PainEntry(T0 + timedelta(hours=2), "rhomboid_left", 4, Quality.TIGHT, "after work"))
    first = journal.add_entry(PainEntry(T0, "rhomboid_left", 7))
    journal.add_entry(PainEntry(T0 + timedelta(days=1), "upper_trapezius_right", 2))
    assert first.id is not None and later.id is not None and first.id != later.id
    got = journal.entries(region="rhomboid_left")
    assert [(e.at, e.score, e.quality, e.note) for e in got] == [
        (T0, 7, None, ""),
        (T0 + timedelta(hours=2), 4, Quality.TIGHT, "after work"),
    ]
    assert all(e.at.tzinfo is not None for e in got)
    window = journal.entries(since=T0 + timedelta(hours=1), until=T0 + timedelta(days=1))
    assert [e.score for e in window] == [4]
    journal.close()


def test_a_reopened_journal_keeps_everything(database_url: str) -> None:
    journal = open_journal(database_url)
    journal.add_entry(PainEntry(T0, "scapula_left", 5))
    journal.close()
    again = open_journal(database_url)  # migrations run again: nothing lost, nothing doubled
    assert [(e.region, e.score) for e in again.entries()] == [("scapula_left", 5)]
    again.close()


def test_todays_screen_is_the_last_one_of_the_day(database_url: str) -> None:
    journal = open_journal(database_url)
    day = date(2026, 11, 1)
    journal.save_screen(T0, {"findings": []}, {"verdict": "ok", "may_massage": True})
    journal.save_screen(
        T0 + timedelta(hours=3), {"findings": ["fever"]}, {"verdict": "stop_today", "may_massage": False}
    )
    assert journal.screen_of(day) == {"verdict": "stop_today", "may_massage": False}
    assert journal.screen_of(day + timedelta(days=1)) is None
    journal.close()


def test_a_screen_keeps_whom_it_was_about_and_a_withdrawal(database_url: str) -> None:
    journal = open_journal(database_url)
    day = date(2026, 11, 1)
    first = journal.save_screen(T0, {"findings": []}, {"verdict": "ok", "may_massage": True})
    wrong = journal.save_screen(
        T0 + timedelta(hours=1), {"findings": ["fever"]}, {"verdict": "stop_today"}, subject="receiver"
    )
    assert first.id is not None and wrong.id is not None and first.id != wrong.id
    assert journal.withdraw_screen(wrong.id, T0 + timedelta(hours=1, minutes=5))
    assert not journal.withdraw_screen(wrong.id, T0 + timedelta(hours=1, minutes=6)), "withdrawn once"
    assert not journal.withdraw_screen(wrong.id + 1000, T0), "no such screen"
    kept = journal.screens()
    assert [(x.subject, x.withdrawn_at) for x in kept] == [
        ("self", None),
        ("receiver", T0 + timedelta(hours=1, minutes=5)),
    ]
    assert journal.screen_of(day) == {"verdict": "ok", "may_massage": True}, "a withdrawn screen is not today's"
    journal.close()


def test_clearances_last_until_withdrawn(database_url: str) -> None:
    journal = open_journal(database_url)
    journal.add_clearance("cancer", date(2026, 10, 1))
    journal.add_clearance("dvt", date(2026, 10, 2))
    assert [c.rule for c in journal.clearances()] == ["cancer", "dvt"]
    assert journal.withdraw_clearance("cancer", T0) == 1
    assert journal.withdraw_clearance("cancer", T0) == 0
    assert [c.rule for c in journal.clearances()] == ["dvt"]
    everything = journal.clearances(active_only=False)
    assert [(c.rule, c.active) for c in everything] == [("cancer", False), ("dvt", True)]
    journal.close()


def test_the_database_refuses_a_score_out_of_range(database_url: str) -> None:
    journal = open_journal(database_url)
    with pytest.raises(Exception):  # noqa: B017 - the CHECK constraint, whatever the driver calls it
        journal.add_entry(PainEntry(T0, "rhomboid_left", 11))
    assert journal.entries() == []
    journal.close()


@pytest.mark.parametrize(
    ("region", "score", "quality", "code"),
    [
        ("lower_back", 3, None, "unknown_region"),
        ("rhomboid_left", 11, None, "bad_score"),
        ("rhomboid_left", -1, None, "bad_score"),
        ("rhomboid_left", "six", None, "bad_score"),
        ("rhomboid_left", True, None, "bad_score"),
        ("rhomboid_left", 3, "throbbing", "bad_quality"),
    ],
)
def test_bad_entries_are_refused_before_the_journal(region: str, score: object, quality: str | None, code: str) -> None:
    with pytest.raises(RequestError) as err:
        make_entry(CATALOG, region, score, quality)
    assert err.value.code == code


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list")
    with pytest.raises(JournalError, match="is not an unknot journal"):
        open_journal(f"sqlite:///{path}")
    assert path.read_text() == "shopping list"


def test_a_database_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table invoices (id integer)")
    with pytest.raises(JournalError, match="not an unknot journal"):
        open_journal(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert tables == {"invoices"}, "nothing was written"


def test_an_unreachable_server_is_one_clear_error() -> None:
    start = time.monotonic()
    with pytest.raises(JournalError, match="cannot reach the database"):
        open_journal("postgresql+psycopg://unknot:secret@127.0.0.1:1/journal")
    assert time.monotonic() - start < 20


def test_the_password_never_appears_in_an_error() -> None:
    with pytest.raises(JournalError) as err:
        open_journal("postgresql+psycopg://unknot:secret@127.0.0.1:1/journal")
    assert "secret" not in err.value.message


def test_sqlite_runs_with_wal_full_sync_and_foreign_keys(sqlite_url: str) -> None:
    journal = SqlJournal.open(sqlite_url)
    with journal.engine.connect() as conn:
        pragmas = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "synchronous", "foreign_keys")
        }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    journal.close()


WRITER = """
import sys
from datetime import UTC, datetime
from unknot.journal import open_journal
from unknot.model import PainEntry
journal = open_journal(sys.argv[1])
for i in range(100000):
    saved = journal.add_entry(PainEntry(datetime.now(UTC), "rhomboid_left", i % 11, note=str(i)))
    print(saved.id, flush=True)  # printed only once committed
"""


def test_a_killed_writer_loses_no_committed_entry(sqlite_url: str) -> None:
    open_journal(sqlite_url).close()  # migrate first
    proc = subprocess.Popen([sys.executable, "-c", WRITER, sqlite_url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    committed: list[int] = []
    while len(committed) < 300:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        committed.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)  # mid-way through a stream of commits
    proc.wait()
    committed += [int(x) for x in proc.stdout.read().split()]
    proc.stdout.close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = {r[0] for r in conn.execute("select id from pain_entries")}
    assert set(committed) <= kept
