"""``unknot prepare`` and ``unknot techniques``: the preparation checklist and the techniques, in full."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from unknot.errors import RequestError

if TYPE_CHECKING:
    from unknot.model import Catalog, Position, Technique
    from unknot.preparation import Checklist

PREPARE_HELP = """Show what to set up before a session: the position, its supports, and a checklist.

Each item says why it matters. --mode partner is for someone else's hands (lying face down unless you give
--position); --mode self is for your own hands and tools, and adds the tips for the tools that position uses.
Without --mode both are shown. With --json a mode gives one checklist object; without --mode, a list of them.

\b
Examples:
  unknot prepare --mode partner
  unknot prepare --mode partner --position seated
  unknot prepare --mode self --position standing_wall
  unknot prepare --mode self --json
"""

TECHNIQUES_HELP = """List the massage techniques unknot uses: who does them, where, with what, for how long.

Give a technique ID to see it in full: how to do it, the pressure and time with their basis, the hold rules,
what to say, common mistakes, when to stop, and the full references. With --json the cues keep their
{region} placeholder.

\b
Examples:
  unknot techniques
  unknot techniques --mode self
  unknot techniques trigger_point
  unknot techniques ball_wall --json
"""


def register(app: typer.Typer) -> None:
    """Add ``prepare`` and ``techniques`` to ``app``."""
    app.command("prepare", help=PREPARE_HELP)(prepare_command)
    app.command("techniques", help=TECHNIQUES_HELP)(techniques_command)


def prepare_command(
    mode: str | None = typer.Option(None, "--mode", "-m", metavar="partner|self", help="Who gives the massage."),
    position: str | None = typer.Option(
        None,
        "--position",
        "-p",
        metavar="POSITION",
        help="prone, seated, standing_wall or supine_floor (partner: prone by default; self: all).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the checklist as JSON."),
) -> None:
    """Show the preparation checklist."""
    from unknot.content import load_catalog
    from unknot.model import Mode
    from unknot.preparation import checklist, mode_positions, parse_mode

    catalog = load_catalog()
    modes = [parse_mode(mode)] if mode is not None else None
    chosen = _position(catalog, position) if position is not None else None
    if modes is None:
        modes = [m for m in Mode if chosen is None or chosen.id in mode_positions(catalog, m)]
    lists = [checklist(catalog, m, chosen) for m in modes]
    if as_json:
        out: Any = [checklist_to_json(c) for c in lists]
        _write_json(out[0] if mode is not None else out)
        return
    from unknot.cli.library_view import show_checklists

    show_checklists(lists)


def techniques_command(
    technique_id: str | None = typer.Argument(None, metavar="[ID]", help="A technique id, such as trigger_point."),
    mode: str | None = typer.Option(
        None, "--mode", "-m", metavar="partner|self", help="Only the techniques of this mode."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the techniques as JSON."),
) -> None:
    """List the techniques, or show one in full."""
    from unknot.content import load_catalog
    from unknot.preparation import parse_mode

    catalog = load_catalog()
    techniques = list(catalog.techniques)
    wanted = parse_mode(mode) if mode is not None else None
    if technique_id is not None:
        technique = catalog.technique(technique_id.strip().lower())
        if technique is None:
            ids = ", ".join(t.id for t in catalog.techniques)
            raise RequestError(f"technique '{technique_id}' does not exist; the techniques are: {ids}")
        if wanted is not None and technique.mode is not wanted:
            raise RequestError(
                f"technique '{technique.id}' is a {technique.mode.value} technique, not {wanted.value}; "
                f"drop --mode or run: unknot techniques --mode {wanted.value}"
            )
        techniques = [technique]
    elif wanted is not None:
        techniques = [t for t in techniques if t.mode is wanted]
    if as_json:
        _write_json([technique_to_json(catalog, t) for t in techniques])
        return
    from unknot.cli.library_view import show_technique, show_techniques

    if technique_id is not None:
        show_technique(catalog, techniques[0])
    else:
        show_techniques(catalog, techniques)


def _position(catalog: Catalog, value: str) -> Position:
    found = catalog.position(value.strip().lower())
    if found is None:
        ids = ", ".join(p.id for p in catalog.positions)
        raise RequestError(f"position '{value}' does not exist; choose one of: {ids}")
    return found


def checklist_to_json(checklist: Checklist) -> dict[str, Any]:
    """A checklist as JSON: ``position`` is null (and ``supports`` empty) when it covers every position."""
    position = checklist.position
    return {
        "mode": checklist.mode.value,
        "position": position.id if position else None,
        "items": [{"id": i.id, "text": i.text, "why": i.why, "positions": list(i.positions)} for i in checklist.items],
        "supports": list(position.supports) if position else [],
    }


def technique_to_json(catalog: Catalog, t: Technique) -> dict[str, Any]:
    """One technique as JSON, with the full references of its sources."""
    hold = t.hold
    return {
        "id": t.id,
        "name": t.name,
        "mode": t.mode.value,
        "kind": t.kind,
        "description": t.description,
        "how": list(t.how),
        "regions": list(t.regions),
        "tools": list(t.tools),
        "positions": list(t.positions),
        "pressures": [p.value for p in t.pressures],
        "pressure": t.pressure.value,
        "seconds": {
            "default": t.seconds.default,
            "min": t.seconds.min,
            "max": t.seconds.max,
            "sources": list(t.seconds.sources),
            "design_choice": t.seconds.design_choice,
        },
        "hold": None
        if hold is None
        else {
            "max_seconds": hold.max_seconds,
            "release_seconds": hold.release_seconds,
            "max_per_spot": hold.max_per_spot,
            "sources": list(hold.sources),
            "design_choice": hold.design_choice,
        },
        "cues": list(t.cues),
        "mistakes": list(t.mistakes),
        "stop_signs": list(t.stop_signs),
        "sources": list(t.sources),
        "references": [catalog.source(k).reference() for k in t.sources],
    }


def _write_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
