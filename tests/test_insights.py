"""Insights: trends by region, and the seek-help rules of screening-rules.md, with an injected time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from unknot import load_catalog
from unknot.insights import seek_help, t_quantile, technique_effects, trends
from unknot.model import (
    Category,
    Mode,
    PainEntry,
    ScreenRecord,
    SessionRecord,
    StepRecord,
    StepStatus,
)

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def daily(region: str, scores: list[int], end: datetime = NOW) -> list[PainEntry]:
    """One entry a day, the last at ``end``."""
    return [PainEntry(end - timedelta(days=len(scores) - 1 - i), region, s) for i, s in enumerate(scores)]


def test_the_seek_help_rules_are_the_specifications() -> None:
    rules = CATALOG.insight_rules
    assert (rules.worse_points, rules.worse_days, rules.no_improvement_days) == (2, 7, 14)
    assert {"NHS-BP", "BUPA", "PP-T", "CKS"} <= set(rules.sources)
    # "At once on any red flag" (screening-rules.md); "says nothing with fewer than 3 sessions" (issue 5).
    assert set(rules.red_flag_categories) == {Category.EMERGENCY, Category.CONSULT_FIRST, Category.SEE_PROFESSIONAL}
    assert rules.red_flag_days == 14
    assert (rules.effect_min_sessions, rules.effect_confidence) == (3, 0.95)


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


@pytest.mark.parametrize(
    ("df", "expected"), [(1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (29, 2.045), (120, 1.980)]
)
def test_t_quantiles_match_the_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


ROUTINE = {
    "steps": [
        {"kind": "technique", "technique": "effleurage", "region": "neck_base", "regions": ["rhomboid_left"]},
        {"kind": "transition", "name": "switch_side"},
        {"kind": "technique", "technique": "petrissage", "region": "upper_trapezius_left"},
    ]
}


def session(before: dict[str, int], after: dict[str, int], skipped: tuple[int, ...] = ()) -> SessionRecord:
    steps = tuple(
        # A skipped step here was skipped at once (one skipped after half its time still worked its area).
        StepRecord(i, StepStatus.SKIPPED, 0.0) if i in skipped else StepRecord(i, StepStatus.DONE, 30.0)
        for i in range(len(ROUTINE["steps"]))
    )
    return SessionRecord(NOW, Mode.PARTNER, ROUTINE, steps=steps, pain_before=before, pain_after=after)


def test_the_technique_effect_is_a_mean_with_a_t_band() -> None:
    sessions = [session({"upper_trapezius_left": b}, {"upper_trapezius_left": 3}) for b in (6, 7, 6, 7)]
    (effect,) = technique_effects(sessions, CATALOG)
    assert (effect.technique, effect.sessions) == ("petrissage", 4)
    assert effect.mean == pytest.approx(-3.5)
    half = 3.182 * (0.57735 / 2)  # t(0.975, 3) * sd / sqrt(4)
    assert effect.low == pytest.approx(-3.5 - half, abs=1e-3) and effect.high == pytest.approx(-3.5 + half, abs=1e-3)


def test_the_technique_effect_says_nothing_below_three_sessions() -> None:
    sessions = [session({"upper_trapezius_left": 6}, {"upper_trapezius_left": 2})] * 2
    (effect,) = technique_effects(sessions, CATALOG)
    assert effect.sessions == 2 and effect.mean is effect.low is effect.high is None


def test_a_session_counts_once_per_technique_over_the_regions_it_worked() -> None:
    # effleurage worked neck_base and rhomboid_left: its change is the mean over both (-4 and -2: -3).
    sessions = [session({"neck_base": 6, "rhomboid_left": 5}, {"neck_base": 2, "rhomboid_left": 3})] * 3
    (effect,) = technique_effects(sessions, CATALOG)
    assert effect.technique == "effleurage" and effect.sessions == 3 and effect.mean == pytest.approx(-3.0)
    assert effect.low == pytest.approx(-3.0) and effect.high == pytest.approx(-3.0)  # no spread, no band


def test_skipped_steps_and_ratings_without_an_after_do_not_count() -> None:
    skipped = [session({"upper_trapezius_left": 6}, {"upper_trapezius_left": 2}, skipped=(2,))] * 3
    no_after = [session({"upper_trapezius_left": 6}, {})] * 3
    assert technique_effects(skipped + no_after, CATALOG) == []


def screen_at(days_ago: float, category: str, rule: str, cleared: bool = False) -> ScreenRecord:
    reason = {"rule": rule, "category": category, "message": f"Because of {rule}.", "cleared": cleared}
    return ScreenRecord(NOW - timedelta(days=days_ago), {}, {"verdict": category, "reasons": [reason]})


def test_a_red_flag_on_a_recent_screen_says_get_help() -> None:
    screens = [
        screen_at(3, "see_professional", "numbness_weakness"),
        screen_at(1, "see_professional", "numbness_weakness"),  # the same rule again: one advice
        screen_at(20, "emergency", "chest_pain"),  # too old
        screen_at(2, "consult_first", "cancer", cleared=True),  # cleared by a professional
        screen_at(2, "avoid_area", "bruise"),  # not a red flag
    ]
    advice = seek_help(CATALOG, [], NOW, screens)
    assert [a.rule for a in advice] == ["red_flag:numbness_weakness"]
    assert "Because of numbness_weakness." in advice[0].message
    assert (NOW - timedelta(days=1)).astimezone().date().isoformat() in advice[0].message
