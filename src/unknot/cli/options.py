"""Options several commands share, defined once so that they say the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = [
    "DB_HELP",
    "MAX_DAYS",
    "Avoid",
    "Days",
    "Db",
    "Focus",
    "Minutes",
    "ModeOption",
    "NoTools",
    "Position",
    "Seed",
    "Tools",
]

DB_HELP = (
    "The journal: a database URL or a SQLite file's path (default: UNKNOT_DATABASE_URL, else a SQLite file in your "
    "data directory)."
)
Db = Annotated[str | None, typer.Option("--db", metavar="URL", help=DB_HELP)]

#: A hundred years: the journal's dates reach no further back (and a larger number overflows a date).
MAX_DAYS = 36_500
Days = Annotated[int | None, typer.Option("--days", min=1, max=MAX_DAYS, help="Only the last N days.")]

# What a routine is asked for: `unknot plan` and `unknot start` take the same options, said the same way.
ModeOption = Annotated[str | None, typer.Option("--mode", "-m", metavar="partner|self", help="Who gives the massage.")]
Tools = Annotated[
    list[str] | None,
    typer.Option(
        "--tool",
        "-t",
        metavar="TOOL",
        help="A tool at hand (repeat): tennis_ball, lacrosse_ball, foam_roller, massage_cane.",
    ),
]
NoTools = Annotated[bool, typer.Option("--no-tools", help="Hands only: do not ask about tools.")]
Minutes = Annotated[int | None, typer.Option("--minutes", metavar="3-60", min=3, max=60, help="How long, in minutes.")]
Focus = Annotated[list[str] | None, typer.Option("--focus", metavar="REGION", help="A region to favour (repeat).")]
Avoid = Annotated[list[str] | None, typer.Option("--avoid", metavar="REGION", help="A region to leave alone (repeat).")]
Seed = Annotated[int, typer.Option("--seed", help="Another seed gives another, equally valid, routine.")]
Position = Annotated[
    str | None,
    typer.Option(
        "--position",
        metavar="prone|seated",
        help="Partner mode: the receiver lies face down (prone, the default) or sits leaning forward (seated).",
    ),
]
