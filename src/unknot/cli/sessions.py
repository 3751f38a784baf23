"""``unknot sessions``: the guided sessions kept in the journal, with what happened and the pain before and after."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from unknot.cli.options import Days, Db

if TYPE_CHECKING:
    from unknot.model import Catalog, SessionRecord

SESSIONS_HELP = """List your guided sessions: when, who massaged, how it went, and the pain before and after.

\b
Examples:
  unknot sessions
  unknot sessions --days 30
  unknot sessions --json
"""


def register(app: typer.Typer) -> None:
    """Add ``sessions`` to ``app``."""
    app.command("sessions", help=SESSIONS_HELP)(sessions_command)


def sessions_command(
    days: Days = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the sessions as JSON (as unknot export does).")
    ] = False,
    db: Db = None,
) -> None:
    """List the sessions."""
    from datetime import UTC, datetime, timedelta

    from unknot.content import load_catalog
    from unknot.journal import opened_journal

    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with opened_journal(db) as journal:
        found = journal.sessions(since=since)
    if as_json:
        from unknot.exports import to_json

        sys.stdout.write(json.dumps(to_json([], [], [], found)["sessions"], indent=2, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    from unknot.cli.console import stdout

    console, catalog = stdout(), load_catalog()
    if not found:
        console.print(
            "No guided sessions yet. Start one with [bold]unknot start[/] or plan one with [bold]unknot plan[/]."
        )
        return
    table = Table(title=f"Guided sessions ({len(found)})", title_justify="left")
    table.add_column("when", no_wrap=True)
    table.add_column("session")
    table.add_column("steps")
    table.add_column("pain before → after", no_wrap=True)
    for s in found:
        table.add_row(
            s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            f"{s.mode.value}, {s.minutes:g} min\n{_ending(s)}",
            _steps(s),
            _pain(catalog, s),
        )
    console.print(table)


def _ending(s: SessionRecord) -> str:
    hurts = sum(1 for e in s.events if e.kind == "it_hurts")
    text = {"active": "interrupted (unknot resume)", "finished": "finished", "stopped": "stopped early"}[s.status.value]
    return text + (f"\n{hurts}× it hurts" if hurts else "")


def _steps(s: SessionRecord) -> str:
    counts: dict[str, int] = {}
    for step in s.steps:
        counts[step.status.value] = counts.get(step.status.value, 0) + 1
    spent = sum(step.seconds for step in s.steps)
    parts = [f"{n} {status}" for status, n in counts.items()]
    return "\n".join([*parts, f"{spent / 60:.0f} min spent"]) if parts else "none"


def _pain(catalog: Catalog, s: SessionRecord) -> str:
    lines = []
    for region, before in s.pain_before.items():
        name = r.name if (r := catalog.region(region)) else region
        after = s.pain_after.get(region)
        lines.append(f"{name}: {before} → {after if after is not None else '—'}")
    return "\n".join(lines) or "—"
