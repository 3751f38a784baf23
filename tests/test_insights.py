"""Insights: trends by region, and the seek-help rules of screening-rules.md, with an injected time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from unknot import load_catalog
from unknot.insights import seek_help, trends
from unknot.model import PainEntry

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def daily(region: str, scores: list[int], end: datetime = NOW) -> list[PainEntry]:
    """One entry a day, the last at ``end``."""
    return [PainEntry(end - timedelta(days=len(scores) - 1 - i), region, s) for i, s in enumerate(scores)]


def test_the_seek_help_rules_are_the_specifications() -> None:
    rules = CATALOG.insight_rules
    assert (rules.worse_points, rules.worse_days, rules.no_improvement_days) == (2, 7, 14)
    assert {"NHS-BP", "BUPA", "PP-T", "CKS"} <= set(rules.sources)


def test_averages_and_slope() -> None:
    rows = daily("rhomboid_left", [8, 7, 6, 5, 4, 3, 2])
    (trend,) = trends(rows, NOW)
    assert trend.averages[7] == pytest.approx(5.0)
    assert trend.slope_per_week == pytest.approx(-7.0)
    old = [PainEntry(NOW - timedelta(days=60), "rhomboid_left", 9)]
    (trend,) = trends(rows + old, NOW)
    assert trend.averages[7] == pytest.approx(5.0) and trend.averages[90] == pytest.approx(44 / 8)


def test_worse_by_two_points_in_a_week_says_get_help() -> None:
    (advice,) = seek_help(CATALOG, daily("upper_trapezius_left", [3, 3, 4, 4, 5, 5, 6]), NOW)
    assert advice.rule == "worse" and "left upper trapezius" in advice.message and "2.5 points" in advice.message


def test_no_improvement_over_two_weeks_of_regular_care() -> None:
    rows = daily("scapula_right", [5] * 15)
    (advice,) = seek_help(CATALOG, rows, NOW)
    assert advice.rule == "no_improvement" and "not improved" in advice.message


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(daily("rhomboid_left", [7, 6, 6, 5, 5, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1]), id="improving"),
        pytest.param(daily("rhomboid_left", [5, 5, 5]), id="too-few-days"),
        pytest.param(daily("rhomboid_left", [5, 6]), id="one-point-worse"),
        pytest.param([], id="no-entries"),
    ],
)
def test_no_advice_when_the_rules_do_not_apply(rows: list[PainEntry]) -> None:
    assert seek_help(CATALOG, rows, NOW) == []


def test_entries_after_now_are_ignored() -> None:
    future = daily("rhomboid_left", [1, 2, 3, 4, 5, 6, 9], end=NOW + timedelta(days=10))
    assert seek_help(CATALOG, future, NOW) == []


def test_ratings_minutes_apart_are_not_a_trend() -> None:
    rows = [PainEntry(NOW - timedelta(minutes=m), "rhomboid_left", s) for m, s in ((3, 3), (2, 4), (1, 5), (0, 6))]
    assert seek_help(CATALOG, rows, NOW) == []
    (trend,) = trends(rows, NOW)
    assert trend.slope_per_week is None
