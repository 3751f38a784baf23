"""Options several commands share, defined once so that they say the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["DB_HELP", "Db"]

DB_HELP = (
    "The journal: a database URL or a SQLite file's path (default: UNKNOT_DATABASE_URL, else a SQLite file in your "
    "data directory)."
)
Db = Annotated[str | None, typer.Option("--db", metavar="URL", help=DB_HELP)]
