"""``unknot rules`` and ``unknot regions``: the content the screen uses, so that it can be audited."""

from __future__ import annotations

import json
import sys

import typer

from unknot.errors import RequestError

RULES_HELP = """List every screening rule with its category, scope, restrictions and sources.

Give a RULE id to see that rule in full: the question, why we ask, what a yes means, and the full references.
Rules are listed strongest category first, as the screen weighs them.

\b
Examples:
  unknot rules
  unknot rules --category emergency
  unknot rules bruise
  unknot rules --json
"""

REGIONS_HELP = """Show the regions of the upper back that unknot knows, on a picture of the back.

Their ids are what the screen, the JSON contract and (later) the planner and journal use.

\b
Examples:
  unknot regions
  unknot regions --json
"""


def register(app: typer.Typer) -> None:
    """Add ``rules`` and ``regions`` to ``app``."""
    app.command("rules", help=RULES_HELP)(rules_command)
    app.command("regions", help=REGIONS_HELP)(regions_command)


def rules_command(
    rule_id: str | None = typer.Argument(None, metavar="[RULE]", help="A rule id, such as bruise."),
    category: str | None = typer.Option(
        None,
        "--category",
        "-c",
        metavar="CATEGORY",
        help="Only the rules of this category, such as emergency.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rules as JSON."),
) -> None:
    """List the screening rules."""
    from unknot.content import load_catalog
    from unknot.model import Category

    catalog = load_catalog()
    rules = list(catalog.rules)
    if rule_id is not None:
        rule = catalog.rule(rule_id)
        if rule is None:
            raise RequestError(f"rule '{rule_id}' does not exist; the rules are: {', '.join(catalog.rule_ids)}")
        rules = [rule]
    if category is not None:
        category = category.lower()
        if category not in {c.value for c in Category}:
            raise RequestError(
                f"category '{category}' does not exist; choose one of: {', '.join(c.value for c in Category)}"
            )
        rules = [r for r in rules if r.category == category]
        if rule_id is not None and not rules:
            rule = catalog.rule(rule_id)
            raise RequestError(f"rule '{rule_id}' is {rule.category if rule else '?'}, not {category}")
    rules.sort(key=lambda r: -r.category.strength)
    if as_json:
        out = [
            {
                "id": r.id,
                "category": r.category.value,
                "scope": r.scope.value,
                "question": r.question,
                "why": r.why,
                "message": r.message,
                "restrictions": list(r.restrictions),
                "sources": list(r.sources),
                "references": [catalog.source(k).reference() for k in r.sources],
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    from unknot.cli.catalog_view import show_rule, show_rules

    if rule_id is not None:
        show_rule(catalog, rules[0])
    else:
        show_rules(catalog, rules)


def regions_command(as_json: bool = typer.Option(False, "--json", help="Print the regions as JSON.")) -> None:
    """Show the regions of the upper back."""
    from unknot.content import load_catalog

    catalog = load_catalog()
    if as_json:
        out = [
            {
                "id": r.id,
                "number": r.number,
                "name": r.name,
                "side": r.side,
                "where": r.where,
                "techniques": r.techniques,
            }
            for r in catalog.regions
        ]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    from unknot.cli.catalog_view import show_regions

    show_regions(catalog)
