"""What the journal says: per-region trends and when to get help. Pure: entries and a time in, findings out.

The seek-help rules and their wording are content (``insights.yaml``, from ``screening-rules.md``): pain worse by
2 or more points over a week, or not improved after 2 weeks of regular self-care.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from unknot.model import Catalog, PainEntry

__all__ = ["Advice", "Trend", "seek_help", "trends"]

WINDOWS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class Trend:
    """A region's average pain over the last 7, 30 and 90 days, and its slope (points per week, least squares
    over the last 30 days; None with fewer than 2 entries)."""

    region: str
    averages: dict[int, float | None]
    slope_per_week: float | None
    entries: int


@dataclass(frozen=True, slots=True)
class Advice:
    """A reason to get help, with the rule that raised it."""

    region: str
    rule: str
    message: str


def trends(entries: Iterable[PainEntry], now: datetime, min_span: timedelta = timedelta(days=2)) -> list[Trend]:
    """One ``Trend`` per region that has entries in the last 90 days, regions in order of first appearance; the
    slope needs entries at least ``min_span`` apart (content: ``insights.min_span_days``)."""
    by_region: dict[str, list[PainEntry]] = {}
    for e in entries:
        if now - timedelta(days=max(WINDOWS)) <= e.at <= now:
            by_region.setdefault(e.region, []).append(e)
    out = []
    for region, rows in by_region.items():
        averages: dict[int, float | None] = {}
        for days in WINDOWS:
            scores = [e.score for e in rows if e.at >= now - timedelta(days=days)]
            averages[days] = sum(scores) / len(scores) if scores else None
        recent = [e for e in rows if e.at >= now - timedelta(days=30)]
        out.append(Trend(region, averages, _slope(recent, now, min_span), len(rows)))
    return out


def _slope(rows: list[PainEntry], now: datetime, min_span: timedelta) -> float | None:
    if len(rows) < 2 or max(e.at for e in rows) - min(e.at for e in rows) < min_span:
        return None  # ratings close together say nothing about a trend
    xs = [(e.at - now).total_seconds() / (7 * 86400) for e in rows]  # weeks
    ys = [float(e.score) for e in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


def seek_help(catalog: Catalog, entries: Iterable[PainEntry], now: datetime) -> list[Advice]:
    """The reasons, per region, to stop self-care and see a professional."""
    rules = catalog.insight_rules
    by_region: dict[str, list[PainEntry]] = {}
    for e in sorted(entries, key=lambda e: e.at):
        if e.at <= now:
            by_region.setdefault(e.region, []).append(e)
    out: list[Advice] = []
    for region, rows in by_region.items():
        name = r.spoken if (r := catalog.region(region)) else region
        span_needed = timedelta(days=rules.min_span_days)
        week = [e for e in rows if e.at >= now - timedelta(days=rules.worse_days)]
        rise = _change(week) if week and week[-1].at - week[0].at >= span_needed else None
        if rise is not None and rise >= rules.worse_points:
            points = round(rise, 1)
            message = rules.worse_message.format(region=name, points=f"{points:g}")
            out.append(Advice(region, "worse", message))
            continue
        span = [e for e in rows if e.at >= now - timedelta(days=rules.no_improvement_days)]
        regular = len(span) >= rules.regular_entries
        covers = bool(span) and (span[-1].at - span[0].at) >= timedelta(days=rules.no_improvement_days * 0.75)
        change = _change(span)
        if regular and covers and change is not None and change >= 0:
            out.append(Advice(region, "no_improvement", rules.no_improvement_message.format(region=name)))
    return out


def _change(rows: list[PainEntry]) -> float | None:
    """The average of the last third of ``rows`` minus that of the first third (None with fewer than 2)."""
    if len(rows) < 2:
        return None
    third = max(1, len(rows) // 3)
    first = [e.score for e in rows[:third]]
    last = [e.score for e in rows[-third:]]
    return sum(last) / len(last) - sum(first) / len(first)
