"""How a verdict looks in the terminal: a panel coloured by category, the reasons, sources and next step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from unknot.model import Catalog, Category, Verdict

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

STYLE = {
    Category.EMERGENCY: "bold white on red",
    Category.STOP_TODAY: "red",
    Category.CONSULT_FIRST: "dark_orange",
    Category.SEE_PROFESSIONAL: "magenta",
    Category.CAUTION: "yellow",
    Category.AVOID_AREA: "cyan",
    Category.OK: "green",
}
LABEL = {
    Category.EMERGENCY: "EMERGENCY",
    Category.STOP_TODAY: "NO MASSAGE TODAY",
    Category.CONSULT_FIRST: "CONSULT FIRST",
    Category.SEE_PROFESSIONAL: "SEE A PROFESSIONAL",
    Category.CAUTION: "CAUTION",
    Category.AVOID_AREA: "AVOID AREAS",
    Category.OK: "OK",
}


def render_verdict(console: Console, verdict: Verdict, catalog: Catalog) -> None:
    """Print ``verdict``: an emergency fills the width; any other verdict is a coloured panel."""
    if verdict.category is Category.EMERGENCY:
        render_emergency(console, verdict, catalog)
        return
    from rich.panel import Panel

    style = STYLE[verdict.category]
    console.print()
    console.print(
        Panel(
            _body(verdict, catalog),
            title=f"[bold]{LABEL[verdict.category]}[/] · {verdict.title}",
            title_align="left",
            border_style=style,
            padding=(1, 2),
        )
    )


def render_emergency(console: Console, verdict: Verdict, catalog: Catalog) -> None:
    """The emergency stop: the number to call, full width, then why."""
    from rich.align import Align
    from rich.panel import Panel
    from rich.text import Text

    headline = Text(f"CALL {verdict.emergency_number} NOW", style="bold white on red", justify="center")
    lines = Text(justify="center", style="white on red")
    lines.append("\n")
    lines.append_text(headline)
    lines.append("\n\n")
    lines.append(verdict.advice, style="bold white on red")
    lines.append("\n")
    console.print()
    console.print(Panel(Align.center(lines), style="white on red", border_style="bold white on red", expand=True))
    console.print(_body(verdict, catalog, with_advice=False))


def _body(verdict: Verdict, catalog: Catalog, *, with_advice: bool = True) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = []
    if with_advice:
        parts.append(Text(verdict.advice))
    referrals = list(dict.fromkeys(r.referral for r in verdict.reasons if r.referral and not r.cleared))
    if referrals and verdict.category is not Category.EMERGENCY:
        parts.append(Text.assemble(("\nWho to see, and how soon: ", "bold"), " ".join(referrals)))
    if verdict.avoid_regions:
        names = "; ".join(_region_name(catalog, r) for r in verdict.avoid_regions)
        parts.append(Text.assemble(("\nKeep away from: ", "bold"), names))
    if verdict.restrictions:
        parts.append(Text("\nLimits today:", style="bold"))
        parts.append(_bullets([Text(_meaning(catalog, rid)) for rid in verdict.restrictions]))
    if verdict.reasons:
        parts.append(Text("\nWhy:", style="bold"))
        items = []
        for reason in verdict.reasons:
            rule = catalog.rule(reason.rule)
            item = Text()
            item.append(f"[{LABEL[reason.category].lower()}] ", style=STYLE[reason.category])
            item.append(rule.label if rule else reason.rule, style="bold")
            if reason.regions:
                item.append(f" ({'; '.join(_region_name(catalog, r) for r in reason.regions)})")
            if reason.unsure:
                item.append(" (not sure)", style="italic")
            if reason.clearance_expired:
                item.append(" (clearance expired)", style="italic")
            item.append(f"\n{reason.message}")
            if reason.referral:
                item.append(f"\n{reason.referral}", style="bold")
            item.append(f"\nSources: {', '.join(s.key for s in reason.sources)}", style="dim")
            items.append(item)
        parts.append(_bullets(items))
        keys = list(dict.fromkeys(s for r in verdict.reasons for s in r.sources))
        parts.append(Text("\nSources:", style="bold dim"))
        parts.append(
            _bullets([Text(f"{s.key}: {s.reference()}", style="dim", overflow="fold") for s in keys], bullet=" ")
        )
    parts.append(Text.assemble(("\nWhat to do next: ", "bold"), verdict.next_step))
    return Group(*parts)


def _bullets(items: list[Text], bullet: str = "•") -> RenderableType:
    """A list whose wrapped lines stay indented under their first line."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()
    for item in items:
        grid.add_row(bullet, item)
    return grid


def _meaning(catalog: Catalog, restriction_id: str) -> str:
    restriction = catalog.restriction(restriction_id)
    return restriction.meaning if restriction else restriction_id


def _region_name(catalog: Catalog, region_id: str) -> str:
    region = catalog.region(region_id)
    return region.name if region else region_id
