"""The journal with 100,000 entries over 10 years (issue 5), on a SQLite file, each figure against a baseline
measured in the same run:

- ``trends`` and ``insights`` (the work of ``unknot trends`` / ``unknot insights`` without drawing: read the rows
  through the journal, compute in Python) against one hand-written SQL aggregate over the same rows (the 90-day
  window, averages per region for 7, 30 and 90 days) on a bare ``sqlite3`` connection. Aim: at most 3x.
- bulk import of the 100,000 entries (``Journal.import_records``, one transaction) into an empty journal. Aim: at
  least 20,000 entries/s; a bare ``sqlite3`` ``executemany`` into the same table is the baseline.
- saving one entry (``Journal.add_entry``: its own transaction, committed with ``synchronous=FULL``), p99 over
  500 saves, against a bare ``sqlite3`` insert and commit with the same pragmas.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.harness import Case, Result
from unknot.content import load_catalog
from unknot.insights import WINDOWS, seek_help, technique_effects, trends
from unknot.journal.store import SqlJournal
from unknot.model import PainEntry

ENTRIES = 100_000
YEARS = 10
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
AIM_RATIO = 3.0
AIM_IMPORT_PER_SECOND = 20_000


def entries(n: int = ENTRIES, seed: int = 5) -> list[PainEntry]:
    """``n`` entries spread evenly over ten years up to ``NOW``, 12 regions, scores drifting like real ones."""
    rng = random.Random(seed)
    regions = [r.id for r in load_catalog().regions]
    span = timedelta(days=365 * YEARS).total_seconds()
    return [
        PainEntry(NOW - timedelta(seconds=span * (n - i) / n), rng.choice(regions), rng.randint(0, 10))
        for i in range(n)
    ]


def _median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _hand_sql(path: Path) -> Callable[[], object]:
    conn = sqlite3.connect(path)
    # SQLAlchemy writes SQLite datetimes as text, 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; compare as text.
    bounds = [(NOW - timedelta(days=d)).strftime("%Y-%m-%d %H:%M:%S.%f") for d in sorted(WINDOWS)]
    query = (
        "SELECT region, AVG(CASE WHEN at >= ? THEN score END), AVG(CASE WHEN at >= ? THEN score END), AVG(score) "
        "FROM pain_entries WHERE at >= ? GROUP BY region"
    )
    return lambda: conn.execute(query, bounds).fetchall()


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """Build the journal, then time import, trends, insights and one save against their baselines."""
    catalog = load_catalog()
    rows = entries()
    lines = [f"journal on SQLite, {ENTRIES:,} entries over {YEARS} years (median of {runs} runs unless said)"]
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.db"
        journal = SqlJournal.open(f"sqlite:///{path}")
        start = time.perf_counter()
        journal.import_records(rows, [], [])
        imported = time.perf_counter() - start
        rate = ENTRIES / imported
        bare = _bare_import(Path(tmp) / "bare.db", rows)
        ok = rate >= AIM_IMPORT_PER_SECOND
        lines.append(
            f"  bulk import (one transaction)          {rate:>10,.0f} entries/s  aim >= {AIM_IMPORT_PER_SECOND:,}/s  "
            f"{'yes' if ok else 'NO'}   (bare sqlite3 executemany {bare:,.0f}/s: {bare / rate:.1f}x faster)"
        )
        results.append(_result("bulk import", 1.0 if ok else 2.0, 1.0))

        min_span = timedelta(days=catalog.insight_rules.min_span_days)

        def trends_work() -> object:
            return trends(journal.entries(since=NOW - timedelta(days=max(WINDOWS))), NOW, min_span)

        def insights_work() -> object:
            recent = journal.entries(since=NOW - timedelta(days=max(WINDOWS)))
            screens = journal.screens(since=NOW - timedelta(days=catalog.insight_rules.red_flag_days))
            return (
                seek_help(catalog, recent, NOW, screens),
                trends(recent, NOW, min_span),
                technique_effects(journal.sessions(), catalog),
            )

        base = _median_ms(_hand_sql(path), runs)
        lines.append(f"  hand-written SQL aggregate (baseline)  {base:>10.1f} ms")
        for name, work in (("trends", trends_work), ("insights", insights_work)):
            ms = _median_ms(work, runs)
            ratio = ms / base
            ok = "yes" if ratio <= AIM_RATIO else "NO"
            lines.append(f"  {name:<38} {ms:>10.1f} ms   {ratio:>5.1f}x   aim <= {AIM_RATIO:g}x  {ok}")
            results.append(_result(name, ratio, AIM_RATIO))

        ours, bare_p99 = _save_p99(journal, Path(tmp) / "bare-save.db")
        lines.append(
            f"  save one entry, p99 of 500             {ours:>10.2f} ms   {ours / bare_p99:>5.1f}x   "
            f"(bare sqlite3 insert + commit, same pragmas: {bare_p99:.2f} ms)"
        )
        journal.close()
    return "\n".join(lines), results


def _result(name: str, ratio: float, aim: float) -> Result:
    return Result(Case(name, [], aim=aim), 0.0, ratio)


def _bare_import(path: Path, rows: list[PainEntry]) -> float:
    """Entries per second for a bare executemany into a table like the journal's, with the same indexes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE pain_entries (id INTEGER PRIMARY KEY, at DATETIME NOT NULL, region VARCHAR(40) NOT NULL, "
        "score INTEGER NOT NULL CHECK (score >= 0 AND score <= 10), quality VARCHAR(20), note TEXT NOT NULL, "
        "session_id INTEGER, phase VARCHAR(10))"
    )
    for column in ("at", "region", "session_id"):
        conn.execute(f"CREATE INDEX ix_{column} ON pain_entries ({column})")
    values = [(e.at.strftime("%Y-%m-%d %H:%M:%S.%f"), e.region, e.score, None, e.note, None, None) for e in rows]
    start = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO pain_entries (at, region, score, quality, note, session_id, phase) VALUES (?,?,?,?,?,?,?)",
            values,
        )
    rate = len(rows) / (time.perf_counter() - start)
    conn.close()
    return rate


def _save_p99(journal: SqlJournal, bare_path: Path, count: int = 500) -> tuple[float, float]:
    """p99 in ms of ``count`` single saves through the journal, and through bare sqlite3 (interleaved)."""
    conn = sqlite3.connect(bare_path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, at TEXT, region TEXT, score INTEGER, note TEXT)")
    ours, bare = [], []
    for i in range(count):
        entry = PainEntry(NOW + timedelta(seconds=i), "rhomboid_left", i % 11)
        start = time.perf_counter()
        journal.add_entry(entry)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO e (at, region, score, note) VALUES (?, ?, ?, '')", (str(entry.at), "r", i % 11))
        conn.execute("COMMIT")
        bare.append(time.perf_counter() - start)
    conn.close()
    return _p99(ours) * 1000, _p99(bare) * 1000


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]
