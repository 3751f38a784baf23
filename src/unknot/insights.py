"""What the journal says: per-region trends, per-technique effect and when to get help. Pure: records and a time
in, findings out.

The seek-help rules and their wording are content (``insights.yaml``, from ``screening-rules.md``): pain worse by
2 or more points over a week, not improved after 2 weeks of regular self-care, or a red flag on a recent screen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from unknot.model import Catalog, PainEntry, ScreenRecord, SessionRecord

__all__ = ["Advice", "Effect", "Trend", "seek_help", "t_quantile", "technique_effects", "trends", "worse_regions"]

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


def seek_help(
    catalog: Catalog, entries: Iterable[PainEntry], now: datetime, screens: Iterable[ScreenRecord] = ()
) -> list[Advice]:
    """The reasons to stop self-care and see a professional: red flags on recent screens first, then per region."""
    rules = catalog.insight_rules
    out = _red_flags(catalog, screens, now)
    by_region = _by_region(entries, now)
    worse = _worse(catalog, by_region, now)
    for region, rows in by_region.items():
        name = r.spoken if (r := catalog.region(region)) else region
        if region in worse:
            points = round(worse[region], 1)
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


def worse_regions(catalog: Catalog, entries: Iterable[PainEntry], now: datetime) -> dict[str, float]:
    """Regions whose pain rose by ``worse_points`` or more over the last ``worse_days`` (region to the rise), in
    order of first entry: the day policy leaves them alone until they settle."""
    return _worse(catalog, _by_region(entries, now), now)


def _by_region(entries: Iterable[PainEntry], now: datetime) -> dict[str, list[PainEntry]]:
    by_region: dict[str, list[PainEntry]] = {}
    for e in sorted(entries, key=lambda e: e.at):
        if e.at <= now:
            by_region.setdefault(e.region, []).append(e)
    return by_region


def _worse(catalog: Catalog, by_region: dict[str, list[PainEntry]], now: datetime) -> dict[str, float]:
    rules = catalog.insight_rules
    span_needed = timedelta(days=rules.min_span_days)
    out: dict[str, float] = {}
    for region, rows in by_region.items():
        week = [e for e in rows if e.at >= now - timedelta(days=rules.worse_days)]
        rise = _change(week) if week and week[-1].at - week[0].at >= span_needed else None
        if rise is not None and rise >= rules.worse_points:
            out[region] = rise
    return out


def _change(rows: list[PainEntry]) -> float | None:
    """The average of the last third of ``rows`` minus that of the first third (None with fewer than 2)."""
    if len(rows) < 2:
        return None
    third = max(1, len(rows) // 3)
    first = [e.score for e in rows[:third]]
    last = [e.score for e in rows[-third:]]
    return sum(last) / len(last) - sum(first) / len(first)


def _red_flags(catalog: Catalog, screens: Iterable[ScreenRecord], now: datetime) -> list[Advice]:
    """One advice per red-flag rule raised (and not cleared) by a screen of the last ``red_flag_days``, newest
    screen first."""
    rules = catalog.insight_rules
    flagged = {c.value for c in rules.red_flag_categories}
    seen: set[str] = set()
    out: list[Advice] = []
    recent = [x for x in screens if now - timedelta(days=rules.red_flag_days) <= x.at <= now]
    for screen in sorted(recent, key=lambda x: x.at, reverse=True):
        for reason in screen.verdict.get("reasons", []):
            rule_id = str(reason.get("rule", ""))
            if reason.get("category") not in flagged or reason.get("cleared") or rule_id in seen:
                continue
            seen.add(rule_id)
            rule = catalog.rule(rule_id)
            message = rules.red_flag_message.format(
                day=screen.at.astimezone().date().isoformat(),
                label=rule.label if rule else rule_id,
                message=str(reason.get("message", "")).strip(),
            )
            out.append(Advice("", f"red_flag:{rule_id}", message.strip()))
    return out


@dataclass(frozen=True, slots=True)
class Effect:
    """How pain changed (after minus before, negative is better) in the sessions that used a technique.

    ``mean``, ``low`` and ``high`` (the confidence band) are None below the minimum number of sessions: too few to
    say anything."""

    technique: str
    sessions: int
    mean: float | None
    low: float | None
    high: float | None


def technique_effects(sessions: Iterable[SessionRecord], catalog: Catalog) -> list[Effect]:
    """One ``Effect`` per technique used in a session with pain rated before and after on a region it worked;
    techniques in the catalog's order. A session counts once per technique: its change is the mean over the
    regions that technique worked."""
    rules = catalog.insight_rules
    changes: dict[str, list[float]] = {}
    for session in sessions:
        per_technique: dict[str, list[int]] = {}
        for region, techniques in session.worked().items():
            if region in session.pain_before and region in session.pain_after:
                for technique in techniques:
                    per_technique.setdefault(technique, []).append(
                        session.pain_after[region] - session.pain_before[region]
                    )
        for technique, deltas in per_technique.items():
            changes.setdefault(technique, []).append(sum(deltas) / len(deltas))
    order = {t.id: i for i, t in enumerate(catalog.techniques)}
    out = []
    for technique in sorted(changes, key=lambda t: (order.get(t, len(order)), t)):
        values = changes[technique]
        n = len(values)
        if n < rules.effect_min_sessions:
            out.append(Effect(technique, n, None, None, None))
            continue
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        half = t_quantile((1 + rules.effect_confidence) / 2, n - 1) * sd / math.sqrt(n)
        out.append(Effect(technique, n, mean, mean - half, mean + half))
    return out


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom (0.5 < p < 1), by bisection
    on its distribution function (the regularised incomplete beta function)."""
    if not 0.5 < p < 1 or df < 1:
        raise ValueError("t_quantile needs 0.5 < p < 1 and df >= 1")
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if _t_cdf(mid, df) < p else (low, mid)
    return (low + high) / 2


def _t_cdf(t: float, df: int) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _beta_inc(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def _beta_inc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return result
