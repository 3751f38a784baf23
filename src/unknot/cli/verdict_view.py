"""How a verdict looks in the terminal: a panel coloured by category, the reasons, sources and next step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from unknot.model import Catalog, Category, Verdict

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

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
    if verdict.avoid_regions:
        names = ", ".join(_region_name(catalog, r) for r in verdict.avoid_regions)
        parts.append(Text.assemble(("\nKeep away from: ", "bold"), names))
    if verdict.restrictions:
        limits = Text("\nLimits today:", style="bold")
        for rid in verdict.restrictions:
            restriction = catalog.restriction(rid)
            limits.append(f"\n  • {restriction.meaning if restriction else rid}", style="")
        parts.append(limits)
    if verdict.reasons:
        why = Text("\nWhy:", style="bold")
        for reason in verdict.reasons:
            rule = catalog.rule(reason.rule)
            tag = LABEL[reason.category].lower()
            why.append(f"\n  • [{tag}] ", style=STYLE[reason.category])
            why.append(rule.label if rule else reason.rule, style="bold")
            if reason.regions:
                why.append(f" ({', '.join(_region_name(catalog, r) for r in reason.regions)})")
            if reason.unsure:
                why.append(" (not sure)", style="italic")
            why.append(f"\n    {reason.message}")
            why.append(f"\n    Sources: {', '.join(s.key for s in reason.sources)}", style="dim")
        parts.append(why)
        keys = list(dict.fromkeys(s for r in verdict.reasons for s in r.sources))
        refs = Text("\nSources:", style="bold dim")
        for source in keys:
            refs.append(f"\n  {source.key}: {source.reference()}", style="dim")
        parts.append(refs)
    parts.append(Text.assemble(("\nWhat to do next: ", "bold"), verdict.next_step))
    return Group(*parts)


def _region_name(catalog: Catalog, region_id: str) -> str:
    region = catalog.region(region_id)
    return region.name.lower() if region else region_id
