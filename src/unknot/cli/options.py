"""Options several commands share, defined once so that they say the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["DB_HELP", "MAX_DAYS", "Days", "Db"]

DB_HELP = (
    "The journal: a database URL or a SQLite file's path (default: UNKNOT_DATABASE_URL, else a SQLite file in your "
    "data directory)."
)
Db = Annotated[str | None, typer.Option("--db", metavar="URL", help=DB_HELP)]

#: A hundred years: the journal's dates reach no further back (and a larger number overflows a date).
MAX_DAYS = 36_500
Days = Annotated[int | None, typer.Option("--days", min=1, max=MAX_DAYS, help="Only the last N days.")]
