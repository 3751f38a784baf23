"""``unknot clearance``: consult-first rules a doctor or physical therapist has cleared you for massage with.

A clearance is kept in the journal; on later screens that rule asks no more and becomes its restrictions (for
example light pressure only), until you withdraw it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from unknot.cli.options import Db

CLEARANCE_HELP = """Keep, list or withdraw a professional's clearance of a consult-first rule.

A cleared rule still counts on every screen, as its restrictions (such as light pressure only), not as "ask a
professional first". Withdraw it when your situation changes.

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
    """List the clearances kept in the journal.

    \b
    Example:
      unknot clearance list --all
    """
    from unknot.content import load_catalog
    from unknot.journal import opened_journal

    catalog = load_catalog()
    with opened_journal(db) as journal:
        found = journal.clearances(active_only=not withdrawn)
    if not found:
        typer.echo("No clearances kept. A screen asks about each consult-first answer.")
        return
    for c in found:
        label = r.label if (r := catalog.rule(c.rule)) else c.rule
        state = f"withdrawn {c.withdrawn_at.astimezone().date().isoformat()}" if c.withdrawn_at else "active"
        typer.echo(f"{c.rule:<24} cleared {c.cleared_on.isoformat()}  {state:<20} {label}")


@clearance_app.command("add")
def add(
    rule: Rule,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="When it was cleared (default today).")] = None,
    db: Db = None,
) -> None:
    """Keep a professional's clearance of a consult-first rule.

    \b
    Example:
      unknot clearance add dvt --on 2026-10-20
    """
    from datetime import date

    from unknot.errors import RequestError
    from unknot.journal import opened_journal

    _consult_first(rule)
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise RequestError(f"--on '{on}' is not a date; give one such as 2026-11-01") from None
    if day > date.today():
        raise RequestError(f"--on {day.isoformat()} is still to come; give the day it was cleared")
    with opened_journal(db) as journal:
        if any(c.rule == rule for c in journal.clearances()):
            typer.echo(f"{rule} is already cleared; nothing changed.")
            return
        journal.add_clearance(rule, day)
    typer.echo(f"Kept: {rule} cleared on {day.isoformat()}. Screens now apply its restrictions instead.")


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
    from unknot.content import load_catalog
    from unknot.errors import RequestError
    from unknot.model import Category

    catalog = load_catalog()
    rule = catalog.rule(rule_id)
    allowed = [r.id for r in catalog.rules if r.category is Category.CONSULT_FIRST]
    if rule is None or rule.category is not Category.CONSULT_FIRST:
        what = "not a rule" if rule is None else f"a {rule.category.value} rule"
        raise RequestError(f"'{rule_id}' is {what}; only consult-first rules are cleared: {', '.join(allowed)}")
