"""Charts for the journal page, drawn on the server as inline SVG (no chart library, no script): one line of daily
average pain for a region over the last days, with the 0-10 scale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from html import escape

from unknot.model import PainEntry

__all__ = ["region_chart"]

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 8, 22


def region_chart(entries: Iterable[PainEntry], now: datetime, *, days: int = 30, title: str = "") -> str:
    """An SVG line chart of the daily average pain in ``entries`` for the ``days`` up to ``now`` (local dates)."""
    today = now.astimezone().date()
    first = today - timedelta(days=days - 1)
    by_day: dict[date, list[int]] = {}
    for e in entries:
        day = e.at.astimezone().date()
        if first <= day <= today:
            by_day.setdefault(day, []).append(e.score)
    width = WIDTH - LEFT - RIGHT
    height = HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + (day - first).days * width / max(1, days - 1)

    def y(score: float) -> float:
        return TOP + height * (1 - score / 10)

    points = [(x(d), y(sum(s) / len(s))) for d, s in sorted(by_day.items())]
    label = escape(title or "Daily average pain, 0 to 10")
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for score in (0, 5, 10):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(score):.1f}" y2="{y(score):.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(score) + 4:.1f}" text-anchor="end">{score}</text>'
        )
    for day, anchor in ((first, "start"), (today, "end")):
        parts.append(f'<text class="axis" x="{x(day):.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}">{day:%d %b}</text>')
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for px, py in points:
        parts.append(f'<circle class="dot" cx="{px:.1f}" cy="{py:.1f}" r="3"/>')
    parts.append("</svg>")
    return "".join(parts)
