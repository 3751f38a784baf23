"""``unknot clearance``: consult-first rules a doctor or physical therapist has cleared you for massage with.

A clearance is kept in the journal with the day the professional gave it; on later screens that rule becomes its
restrictions (for example light pressure only) once you confirm it still covers the same condition, until it
expires (each rule's validity is in docs/safety.md) or you withdraw it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from unknot.cli.options import Db

CLEARANCE_HELP = """Keep, list or withdraw a professional's clearance of a consult-first rule.

A cleared rule still counts on every screen, as its restrictions (such as light pressure only), not as "ask a
professional first". A clearance holds for a number of days from the day it was given (docs/safety.md): after
that the screen asks again. Withdraw it when your situation changes.

\b
Examples:
  unknot clearance list
  unknot clearance add cancer --on 2026-10-20
  unknot clearance withdraw cancer
"""

clearance_app = typer.Typer(help=CLEARANCE_HELP, no_args_is_help=True, rich_markup_mode=None)

Rule = Annotated[str, typer.Argument(metavar="RULE", help="A consult-first rule id (see unknot rules).")]


def register(app: typer.Typer) -> None:
    """Add the ``clearance`` group to ``app``."""
    app.add_typer(clearance_app, name="clearance")


@clearance_app.command("list")
def list_clearances(
    withdrawn: Annotated[bool, typer.Option("--all", help="Withdrawn clearances too.")] = False,
    db: Db = None,
) -> None:
    """List the clearances kept in the journal, and whether each still holds or has expired.

    \b
    Example:
      unknot clearance list --all
    """
    from datetime import date

    from unknot.clearances import describe, holds
    from unknot.content import load_catalog
    from unknot.journal import opened_journal

    catalog = load_catalog()
    with opened_journal(db) as journal:
        found = journal.clearances(active_only=not withdrawn)
    if not found:
        typer.echo("No clearances kept. A screen asks about each consult-first answer.")
        return
    today = date.today()
    for c in found:
        label = r.label if (r := catalog.rule(c.rule)) else c.rule
        state = "active" if holds(catalog, c, today) else "withdrawn" if not c.active else "EXPIRED"
        typer.echo(f"{c.rule:<24} {state:<9} {describe(catalog, c, today)}. {label}")


@clearance_app.command("add")
def add(
    rule: Rule,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The day the professional cleared you, YYYY-MM-DD (required)."),
    ] = None,
    db: Db = None,
) -> None:
    """Keep a professional's clearance of a consult-first rule, with the day it was given.

    The day is required and never assumed to be today. A newer clearance of the same rule replaces the old one.

    \b
    Example:
      unknot clearance add dvt --on 2026-10-20
    """
    from datetime import UTC, date, datetime

    from unknot.clearances import check_clearance, describe, holds, parse_day
    from unknot.content import load_catalog
    from unknot.journal import opened_journal

    catalog = load_catalog()
    today = date.today()
    check_clearance(catalog, rule, today, today)  # the rule first: a wrong one needs no date
    day = parse_day(on, "--on DATE, the day the professional cleared you")
    check_clearance(catalog, rule, day, today)
    with opened_journal(db) as journal:
        kept = [c for c in journal.clearances() if c.rule == rule]
        if any(c.cleared_on == day for c in kept):
            typer.echo(f"{rule} is already kept as cleared on {day.isoformat()}; nothing changed.")
            return
        if kept:
            journal.withdraw_clearance(rule, datetime.now(UTC))
        added = journal.add_clearance(rule, day)
    replaced = " (it replaces the one kept before)" if kept else ""
    then = (
        "Screens now apply its restrictions instead, once you confirm it covers the same condition."
        if holds(catalog, added, today)
        else "It has already expired, so screens still ask you to see your doctor first."
    )
    typer.echo(f"Kept: {rule} {describe(catalog, added, today)}{replaced}. {then}")


@clearance_app.command("withdraw")
def withdraw(rule: Rule, db: Db = None) -> None:
    """Withdraw a clearance: that rule asks again on the next screen.

    \b
    Example:
      unknot clearance withdraw cancer
    """
    from datetime import UTC, datetime

    from unknot.journal import opened_journal

    _consult_first(rule)
    with opened_journal(db) as journal:
        count = journal.withdraw_clearance(rule, datetime.now(UTC))
    if count:
        typer.echo(f"Withdrawn: {rule}. The next screen asks about it again.")
    else:
        typer.echo(f"{rule} had no active clearance; nothing changed.")


def _consult_first(rule_id: str) -> None:
    from datetime import date

    from unknot.clearances import check_clearance
    from unknot.content import load_catalog

    today = date.today()
    check_clearance(load_catalog(), rule_id, today, today)
