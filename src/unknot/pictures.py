"""The pictures (SVG line art in ``web/static/svg``, drawn by ``scripts/draw_pictures.py``), shared by the web
pages, the player and the PDF report: the body map, one drawing per technique, position and tool."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

__all__ = ["LOW", "PICTURES", "HIGH", "picture", "shade", "shaded_back"]

PICTURES = Path(__file__).resolve().parent / "web" / "static" / "svg"
LOW = (0xEE, 0xF2, 0xF6)  # no pain: the body map's own light grey
HIGH = (0xB0, 0x3A, 0x2E)  # 10 out of 10


@cache
def picture(name: str) -> str:
    """The SVG markup of picture ``name`` (``back``, ``technique-effleurage``...), from its ``<svg`` on."""
    text = (PICTURES / f"{name}.svg").read_text(encoding="utf-8")
    return text[text.index("<svg") :]


def shade(score: float) -> str:
    """The colour of a pain score from 0 (light grey) to 10 (deep red), as ``#rrggbb``."""
    t = min(10.0, max(0.0, score)) / 10
    return "#" + "".join(f"{round(low + (high - low) * t):02x}" for low, high in zip(LOW, HIGH, strict=True))


def shaded_back(levels: Mapping[str, float]) -> str:
    """The body map with each region in ``levels`` (region id to 0-10) filled by its shade."""
    svg = picture("back")
    for region, score in levels.items():
        pattern = re.compile(rf'(<polygon\b[^>]*\bid="region-{re.escape(region)}"[^>]*?\bfill=")[^"]*(")')
        svg = pattern.sub(rf"\g<1>{shade(score)}\g<2>", svg, count=1)
    return svg
