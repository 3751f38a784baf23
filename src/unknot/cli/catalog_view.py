"""Rich views of the content: the rule table, one rule in full, the regions with the picture of the back."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unknot.cli.backmap import back_picture
from unknot.cli.console import stdout
from unknot.cli.verdict_view import STYLE
from unknot.model import Catalog, Rule


def show_rules(catalog: Catalog, rules: list[Rule]) -> None:
    """A table of ``rules`` and, under it, the full reference of every source they cite."""
    console = stdout()
    if console.width < WIDE:
        _rule_list(console, rules)
    else:
        _rule_table(console, rules)
    keys = list(dict.fromkeys(k for r in rules for k in r.sources))
    console.print("\n[bold]Sources[/]")
    console.print(_sources(catalog, keys))
    console.print(
        "\n[dim]Marks: S read; S* seen only through a copy; K known, not seen; D our design choice. "
        "`unknot rules RULE` for one rule.[/]"
    )


#: Below this many columns the rules are a list, not a table (a table's label column would wrap a word a line).
WIDE = 110


def _rule_list(console: Console, rules: list[Rule]) -> None:
    """Each rule in two or three lines: id, category and scope; what it asks; restrictions and sources."""
    console.print(f"[bold]Screening rules ({len(rules)})[/]")
    for rule in rules:
        head = Text.assemble(
            (rule.id, "bold"), "  ", (rule.category.value, STYLE[rule.category]), f"  {rule.scope.value}"
        )
        console.print(head)
        console.print(Padding(Text(rule.label), (0, 0, 0, 2)))
        extra = f"sources: {', '.join(rule.sources)}"
        if rule.restrictions:
            extra = f"restrictions: {', '.join(rule.restrictions)}; {extra}"
        console.print(Padding(Text(extra, style="dim"), (0, 0, 0, 2)))


def _rule_table(console: Console, rules: list[Rule]) -> None:
    table = Table(title=f"Screening rules ({len(rules)})", title_justify="left", show_lines=False, expand=False)
    table.add_column("rule", style="bold", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("scope")
    table.add_column("asks about")
    table.add_column("restrictions")
    table.add_column("sources")
    for rule in rules:
        table.add_row(
            rule.id,
            Text(rule.category.value, style=STYLE[rule.category]),
            rule.scope.value,
            escape(rule.label),
            ", ".join(rule.restrictions) or "—",
            ", ".join(rule.sources),
        )
    console.print(table)


def show_rule(catalog: Catalog, rule: Rule) -> None:
    """One rule in full."""
    body = Text()
    body.append("Question: ", style="bold")
    body.append(rule.question + "\n")
    body.append("Why we ask: ", style="bold")
    body.append(rule.why + "\n")
    body.append("If yes: ", style="bold")
    body.append(f"{rule.category.value} — {rule.message}\n")
    body.append("Scope: ", style="bold")
    body.append("asks where on the back (local)\n" if rule.is_local else "the whole person (global)\n")
    if rule.restrictions:
        body.append("Restrictions when allowed or cleared: ", style="bold")
        body.append(", ".join(rule.restrictions) + "\n")
    body.append("Sources:", style="bold")
    panel = Group(body, _sources(catalog, rule.sources))
    stdout().print(Panel(panel, title=f"[bold]{rule.id}[/]", title_align="left", border_style=STYLE[rule.category]))


def _sources(catalog: Catalog, keys: Iterable[str]) -> Table:
    """Source keys and their full references; wrapped lines stay under the reference."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for key in keys:
        source = catalog.source(key)
        grid.add_row(f"  {key}", f"[{source.mark}]", source.reference())
    return grid


def show_regions(catalog: Catalog) -> None:
    """The picture of the back and a table of the regions."""
    console = stdout()
    console.print(back_picture(catalog))
    table = Table(title="Regions of the upper back (seen from behind)", title_justify="left")
    table.add_column("#", justify="right", style="cyan")
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("name")
    table.add_column("where")
    for region in catalog.regions:
        table.add_row(str(region.number), region.id, escape(region.name), escape(region.where))
    console.print(table)
    console.print(
        "[dim]Never worked by unknot: the front and sides of the neck, the lower back below the ribs, the armpit.[/]"
    )
