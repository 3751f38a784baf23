"""Rich views of the preparation checklist and the techniques: a table of them, one in full."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from unknot.cli.console import stdout
from unknot.model import Catalog, Mode, Position, PrepItem, Technique, Tool
from unknot.preparation import Checklist

MODE_STYLE = {Mode.PARTNER: "cyan", Mode.SELF: "green"}
MODE_TITLE = {Mode.PARTNER: "Partner massage", Mode.SELF: "Self-massage"}
MODE_MEANS = {Mode.PARTNER: "partner: someone else's hands", Mode.SELF: "self: your own hands and tools"}
KIND_MEANS = {"point": "point: pressure on one spot", "broad": "broad: strokes, kneading or rolling"}


def show_checklists(checklists: Sequence[Checklist]) -> None:
    """Each checklist under a heading for its mode: position, numbered items, tool tips."""
    console = stdout()
    for index, checklist in enumerate(checklists):
        if index:
            console.print()
        console.print(_checklist(checklist))
    if any(c.position is None for c in checklists):
        console.print(
            "\n[dim]Using only one position? Name it to see only what it needs, for example:\n"
            "  unknot prepare --mode self --position standing_wall[/]"
        )


def _checklist(checklist: Checklist) -> RenderableType:
    style = MODE_STYLE[checklist.mode]
    heading = Text(MODE_TITLE[checklist.mode], style=f"bold {style}")
    if checklist.position is None:
        heading.append(" · every position", style="")
    parts: list[RenderableType] = [Rule(heading, align="left", style=style)]
    if checklist.position is not None:
        parts.append(_position(checklist.position))
        parts.append(Text("\nChecklist", style="bold"))
        parts.append(_checkboxes(checklist.items, 1))
    else:
        # Every position of the mode: what is always needed, then what each position adds.
        common = [i for i in checklist.items if not i.positions]
        parts.append(Text("Wherever you work", style="bold"))
        parts.append(_checkboxes(common, 1))
        number = 1 + len(common)
        for position in checklist.positions:
            items = [i for i in checklist.items if position.id in i.positions]
            parts.append(Text(""))
            parts.append(_position(position, _checkboxes(items, number) if items else None))
            number += len(items)
    if checklist.tools:
        parts.append(Text("\nTool tips", style="bold"))
        parts.append(_tool_tips(checklist.tools))
    return Group(*parts)


def _position(position: Position, checkboxes: RenderableType | None = None) -> RenderableType:
    """The position's name and flag, what it is, its spoken cue, its supports and what to prepare for it."""
    head = Text.assemble((position.name, "bold"), (f"  --position {position.id}", "dim"))
    body = Text(position.description)
    body.append("\nCue: ", style="bold")
    body.append(f"“{position.cue}”", style="italic")
    body.append("\nSupports:", style="bold")
    parts: list[RenderableType] = [body, _bullets([Text(s) for s in position.supports])]
    if checkboxes is not None:
        parts += [Text("Checklist:", style="bold"), checkboxes]
    return Group(head, Padding(Group(*parts), (0, 0, 0, 2)))


def _checkboxes(items: Iterable[PrepItem], first: int) -> RenderableType:
    """Numbered ☐ lines, each with its reason dimmed beneath it; wrapped lines stay under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(width=1)
    grid.add_column()
    for number, item in enumerate(items, first):
        grid.add_row(f"{number}.", "☐", Text.assemble(item.text, "\n", (item.why, "dim")))
    return grid


def _tool_tips(tools: Iterable[Tool]) -> RenderableType:
    parts: list[RenderableType] = []
    for tool in tools:
        parts.append(Padding(Text(tool.name, style="bold"), (0, 0, 0, 2)))
        parts.append(Padding(_bullets([Text(tip) for tip in tool.tips]), (0, 0, 0, 2)))
    return Group(*parts)


#: Below this width the table's columns get too narrow to read: each technique becomes a short block instead.
TABLE_MIN_WIDTH = 90


def show_techniques(catalog: Catalog, techniques: Sequence[Technique]) -> None:
    """``techniques`` with who, what kind, where, with what and for how long: a table, or blocks when narrow."""
    console = stdout()
    title = Text(f"Techniques ({len(techniques)})", style="italic")
    if console.width >= TABLE_MIN_WIDTH:
        console.print(_technique_table(catalog, techniques, title))
    else:
        console.print(Group(title, *(_technique_block(catalog, t) for t in techniques)))
    console.print(
        "[dim]Where: a muscle with a left and a right is worked on both sides.\n"
        "Seconds: one step's default, and its shortest–longest.\n"
        "One technique in full: unknot techniques ID[/]"
    )


def _technique_table(catalog: Catalog, techniques: Sequence[Technique], title: Text) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("technique", min_width=max((len(t.id) for t in techniques), default=0))
    table.add_column("mode", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("where")
    table.add_column("tools")
    table.add_column("seconds", justify="right", no_wrap=True)
    for t in techniques:
        table.add_row(
            Text.assemble((t.id, "bold"), "\n", (t.name, "dim")),
            Text(t.mode.value, style=MODE_STYLE[t.mode]),
            Text(t.kind),
            Text(where(catalog, t.regions, grouped=False)),
            Text(", ".join(tool_names(catalog, t.tools))),
            Text(f"{t.seconds.default}\n{t.seconds.min}–{t.seconds.max}"),
        )
    return table


def _technique_block(catalog: Catalog, t: Technique) -> RenderableType:
    head = Text.assemble(
        "\n",
        (t.id, "bold"),
        "  ",
        (t.mode.value, MODE_STYLE[t.mode]),
        f" · {t.kind} · {t.seconds.default} s ({t.seconds.min}–{t.seconds.max})",
    )
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("Where:", Text(where(catalog, t.regions, grouped=False)))
    facts.add_row("Tools:", Text(", ".join(tool_names(catalog, t.tools))))
    return Group(head, Padding(Group(Text(t.name, style="dim"), facts), (0, 0, 0, 2)))


def show_technique(catalog: Catalog, t: Technique) -> None:
    """One technique in full: what, how, where, with what, how hard and long, what to say, when to stop."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("Who", Text(MODE_MEANS[t.mode]))
    facts.add_row("Kind", Text(KIND_MEANS.get(t.kind, t.kind)))
    facts.add_row("Where", Text(where(catalog, t.regions)))
    facts.add_row("Tools", Text(", ".join(tool_names(catalog, t.tools))))
    facts.add_row("Position", Text("; ".join(_position_name(catalog, p) for p in t.positions)))
    facts.add_row("Pressure", _pressures(t))
    dose = t.seconds
    facts.add_row(
        "Time",
        _with_basis(f"{dose.default} s a step, from {dose.min} to {dose.max} s", dose.sources, dose.design_choice),
    )
    if t.hold is not None:
        hold = t.hold
        rule = (
            f"at most {hold.max_seconds} s on a spot, then release slowly over {hold.release_seconds} s; "
            f"at most {hold.max_per_spot} holds on one spot"
        )
        facts.add_row("Hold", _with_basis(rule, hold.sources, hold.design_choice))

    example = _example_region(catalog, t)
    cues = [Text(f"“{cue.replace('{region}', example)}”", style="italic") for cue in t.cues]
    body: list[RenderableType] = [
        Text(t.description),
        Text("\nHow", style="bold"),
        _numbered([Text(step) for step in t.how]),
        Text(""),
        facts,
        Text.assemble(("\nWhat unknot says", "bold"), (f" (for the {example})", "dim")),
        _bullets(cues),
        Text("\nCommon mistakes", style="bold"),
        _bullets([Text(m) for m in t.mistakes]),
        Text("\nStop at once if", style="bold red"),
        _bullets([Text(s) for s in t.stop_signs], style="red"),
        Text("\nSources", style="bold"),
        _sources(catalog, t.sources),
    ]
    title = Text.assemble((t.name, "bold"), f" · {t.id}")
    stdout().print(Panel(Group(*body), title=title, title_align="left", border_style=MODE_STYLE[t.mode]))


def where(catalog: Catalog, region_ids: Iterable[str], *, grouped: bool = True) -> str:
    """Region names, a left and right pair named once.

    Grouped: "both sides: upper trapezius, rhomboid; midline: thoracic spine". Not grouped: "upper trapezius,
    rhomboid, thoracic spine", with "(left only)" or "(right only)" after a region worked on one side.
    """
    sides: dict[str, set[str]] = {}
    for region in (r for r in (catalog.region(i) for i in region_ids) if r is not None):
        sides.setdefault(_lower_first(_base_name(region.name, region.side)), set()).add(region.side)
    named: dict[str, str] = {}
    for name, found in sides.items():
        lateral = found & {"left", "right"}
        named[name] = "both sides" if len(lateral) == 2 else f"{lateral.pop()} only" if lateral else "midline"
    if not grouped:
        return ", ".join(f"{n} ({g})" if g.endswith(" only") else n for n, g in named.items())
    groups: dict[str, list[str]] = {}
    for name, group in named.items():
        groups.setdefault(group, []).append(name)
    return "; ".join(f"{group}: {', '.join(names)}" for group, names in groups.items())


def tool_names(catalog: Catalog, tool_ids: Iterable[str]) -> list[str]:
    """Tools by name, and body parts (palm, thumb) as they are."""
    names = []
    for tool_id in tool_ids:
        tool = catalog.tool(tool_id)
        names.append(_lower_first(tool.name) if tool else tool_id.replace("_", " "))
    return names


def _base_name(name: str, side: str) -> str:
    suffix = f", {side}"
    return name[: -len(suffix)] if side in ("left", "right") and name.endswith(suffix) else name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _position_name(catalog: Catalog, position_id: str) -> str:
    position = catalog.position(position_id)
    return f"{position.name} ({position_id})" if position else position_id


def _pressures(t: Technique) -> Text:
    text = Text()
    for index, pressure in enumerate(t.pressures):
        if index:
            text.append(", ")
        if pressure is t.pressure:
            text.append(f"{pressure.value} (default)", style="bold")
        else:
            text.append(pressure.value)
    return text


def _with_basis(value: str, sources: Sequence[str], design_choice: str) -> Text:
    """A value and, dimmed beneath it, its sources and the design choice behind it."""
    basis = []
    if sources:
        basis.append(f"Sources: {', '.join(sources)}.")
    if design_choice:
        basis.append(design_choice if sources else f"Design choice: {design_choice}")
    text = Text(value)
    if basis:
        text.append("\n" + " ".join(basis), style="dim")
    return text


def _example_region(catalog: Catalog, t: Technique) -> str:
    """The spoken name a sample cue uses: the technique's first region."""
    region = catalog.region(t.regions[0]) if t.regions else None
    return region.spoken if region else "upper back"


def _numbered(items: Sequence[Text]) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()
    for number, item in enumerate(items, 1):
        grid.add_row(f"{number}.", item)
    return grid


def _bullets(items: Sequence[Text], style: str = "") -> RenderableType:
    """A list whose wrapped lines stay indented under their first line."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right", style=style)
    grid.add_column(style=style)
    for item in items:
        grid.add_row("•", item)
    return grid


def _sources(catalog: Catalog, keys: Iterable[str]) -> RenderableType:
    """Source keys with their marks and full references; wrapped lines stay under the reference."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for key in keys:
        source = catalog.source(key)
        grid.add_row("", key, Text(f"[{source.mark}]"), Text(source.reference()))
    return grid
