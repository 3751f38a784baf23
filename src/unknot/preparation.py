"""The preparation for a session: what to set up for a mode and a position (the checklist), from the content.

Pure; the terminal (``unknot prepare``, the journey) and the web's preparation page show the same checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from unknot.errors import RequestError
from unknot.model import Catalog, Mode, Position, PrepItem, Tool

__all__ = ["Checklist", "checklist", "mode_positions", "parse_mode"]


@dataclass(frozen=True, slots=True)
class Checklist:
    """The preparation for one mode: its positions (one, or every one the mode uses), items and tools."""

    mode: Mode
    position: Position | None
    positions: tuple[Position, ...]
    items: tuple[PrepItem, ...]
    tools: tuple[Tool, ...]


def parse_mode(value: str) -> Mode:
    """The mode named by ``value`` (any case); ``RequestError`` naming the modes otherwise."""
    try:
        return Mode(value.strip().lower())
    except ValueError:
        raise RequestError(
            f"mode '{value}' does not exist; choose one of: {', '.join(m.value for m in Mode)}"
        ) from None


_MASSAGE = {"partner": "partner massage", "self": "self-massage"}


def mode_positions(catalog: Catalog, mode: Mode) -> tuple[str, ...]:
    """The ids of the positions the techniques of ``mode`` use, in the order of ``positions.yaml``."""
    used = {p for t in catalog.techniques if t.mode is mode for p in t.positions}
    return tuple(p.id for p in catalog.positions if p.id in used)


def checklist(catalog: Catalog, mode: Mode, position: Position | None) -> Checklist:
    """What to prepare for ``mode`` in ``position``; partner defaults to prone, self to all its positions.

    ``RequestError`` when no technique of ``mode`` uses ``position``.
    """
    allowed = mode_positions(catalog, mode)
    if position is not None and position.id not in allowed:
        raise RequestError(
            f"position '{position.id}' is not used in {_MASSAGE[mode]}; "
            f"for --mode {mode.value} choose one of: {', '.join(allowed)}"
        )
    if position is None and mode is Mode.PARTNER:
        # The partner arc starts lying face down, as the planner does when nothing rules it out.
        position = catalog.position("prone") or catalog.position(allowed[0])
    wanted = (position.id,) if position is not None else allowed
    items = tuple(
        item
        for item in catalog.preparation
        if (not item.modes or mode in item.modes) and (not item.positions or set(item.positions) & set(wanted))
    )
    tool_ids = {
        tool
        for t in catalog.techniques
        if mode is Mode.SELF and t.mode is mode and set(t.positions) & set(wanted)
        for tool in t.tools
    }
    positions = tuple(p for p in catalog.positions if p.id in wanted)
    tools = tuple(tool for tool in catalog.tools if tool.id in tool_ids)
    return Checklist(mode, position, positions, items, tools)
