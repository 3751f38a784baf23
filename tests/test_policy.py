"""Today's policy (screening-rules.md, version 2, "Across the day") on an injected clock: the local day, blocking
verdicts that stand, local findings that add up, withdrawal, the journal's own avoids and the resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from unknot import load_catalog, screen
from unknot.contract import intake_from_json, verdict_to_json
from unknot.model import Category, Mode, PainEntry, Quality, ScreenRecord, SessionRecord, SessionStatus
from unknot.policy import day_policy, may_withdraw, resume_decision, step_conflict, subject_of

CATALOG = load_catalog()
TZ = timezone(timedelta(hours=1))  # the user's zone: the local day ends at 23:00 UTC
MORNING = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


def screened(at: datetime, request: dict[str, Any], subject: str = "self", **kw: Any) -> ScreenRecord:
    """A screen as the journal keeps it: the request and the contract's answer to it."""
    request = {"all_others_answered_no": True, **request}
    return ScreenRecord(at, request, verdict_to_json(screen(intake_from_json(request))), subject, **kw)


ALL_NO = {"findings": []}
FEVER = {"findings": ["fever"]}
BRUISE = {"findings": [{"rule": "bruise", "regions": ["scapula_left"]}]}


def policy(now: datetime, screens: list[ScreenRecord], **kw: Any) -> Any:
    return day_policy(CATALOG, now, screens=screens, tz=TZ, **kw)


def test_no_screen_today_allows_nothing_yet() -> None:
    today = policy(MORNING, [])
    assert (today.screened, today.may_massage, today.blocked) == (False, False, False)
    assert "not been taken" in today.explanation


@pytest.mark.parametrize("blocking", ["fever", "chest_pain", "night_pain"])
def test_a_blocking_verdict_stands_for_the_rest_of_the_day(blocking: str) -> None:
    screens = [
        screened(MORNING, {"findings": [blocking]}),
        screened(MORNING + timedelta(hours=8), ALL_NO),  # answered no five times in the evening
    ]
    evening = policy(MORNING + timedelta(hours=9), screens)
    assert evening.blocked and not evening.may_massage
    assert evening.category is CATALOG.rule(blocking).category  # type: ignore[union-attr]
    assert [r["rule"] for r in evening.reasons] == [blocking]
    assert "stands until tomorrow" in evening.explanation


def test_the_local_day_ends_at_midnight_where_the_user_is() -> None:
    late = datetime(2026, 12, 3, 23, 59, tzinfo=TZ)
    screens = [screened(late - timedelta(hours=1), FEVER)]
    assert policy(late, screens).blocked
    after_midnight = datetime(2026, 12, 4, 0, 1, tzinfo=TZ)
    tomorrow = policy(after_midnight, screens)
    assert not tomorrow.screened and not tomorrow.blocked
    # the same instant in UTC is still 3 December: the user's zone decides, not UTC
    assert after_midnight.astimezone(UTC).day == 3


def test_an_uncleared_consult_first_is_lifted_the_same_day_only_by_a_clearance() -> None:
    morning = screened(MORNING, {"findings": ["dvt"]})
    answered_no = screened(MORNING + timedelta(hours=2), ALL_NO)
    assert policy(MORNING + timedelta(hours=3), [morning, answered_no]).category is Category.CONSULT_FIRST
    cleared = screened(MORNING + timedelta(hours=4), {"findings": ["dvt"], "cleared": ["dvt"]})
    later = policy(MORNING + timedelta(hours=5), [morning, answered_no, cleared])
    assert later.category is Category.CAUTION and later.may_massage
    assert set(later.restrictions) == {"light_pressure", "no_tools_point"}


def test_local_findings_and_restrictions_accumulate_over_the_day() -> None:
    screens = [
        screened(MORNING, BRUISE),
        screened(MORNING + timedelta(hours=1), {"findings": ["painkillers_today"]}),
        screened(MORNING + timedelta(hours=9), ALL_NO),
    ]
    evening = policy(MORNING + timedelta(hours=10), screens)
    assert evening.may_massage
    assert evening.avoid_regions == ("scapula_left",)
    assert "bruise" in evening.why_avoided("scapula_left").lower()
    assert evening.restrictions == ("no_firm",)
    assert evening.verdict()["avoid_regions"] == ["scapula_left"]


@pytest.mark.parametrize(
    ("minutes", "allowed"), [(0, True), (14, True), (15, True), (16, False), (60 * 5, False)], ids=str
)
def test_a_screen_may_be_withdrawn_within_15_minutes(minutes: int, allowed: bool) -> None:
    screen = screened(MORNING, FEVER, id=7)
    now = MORNING + timedelta(minutes=minutes)
    assert may_withdraw(CATALOG, screen, now) is allowed
    assert policy(now, [screen]).withdrawable == (7 if allowed else None)


def test_a_withdrawn_screen_does_not_count() -> None:
    wrong = screened(MORNING, FEVER, withdrawn_at=MORNING + timedelta(minutes=3))
    right = screened(MORNING + timedelta(minutes=4), ALL_NO)
    today = policy(MORNING + timedelta(minutes=5), [wrong, right])
    assert today.may_massage and today.category is Category.OK
    assert may_withdraw(CATALOG, wrong, MORNING + timedelta(minutes=5)) is False, "withdrawn once"


def test_a_partner_session_is_governed_by_the_receivers_screens_only() -> None:
    giver = screened(MORNING, ALL_NO, subject="self")
    assert not policy(MORNING + timedelta(minutes=1), [giver], subject=subject_of(Mode.PARTNER)).screened
    receiver = screened(MORNING, {"findings": ["anticoagulants"]}, subject="receiver")
    partner = policy(MORNING + timedelta(minutes=1), [giver, receiver], subject="receiver")
    assert partner.category is Category.CAUTION and "light_pressure" in partner.restrictions
    assert policy(MORNING + timedelta(minutes=1), [giver, receiver]).category is Category.OK


def test_an_area_rated_8_or_more_today_is_left_alone_and_the_screen_asks_again() -> None:
    entries = [
        PainEntry(MORNING - timedelta(days=1), "rhomboid_right", 9),  # yesterday: not today
        PainEntry(MORNING + timedelta(hours=1), "upper_trapezius_left", 9),
        PainEntry(MORNING + timedelta(hours=1), "rhomboid_left", 7),
    ]
    today = policy(MORNING + timedelta(hours=2), [screened(MORNING, ALL_NO)], entries=entries)
    assert today.avoid_regions == ("upper_trapezius_left",)
    assert "9 out of 10" in today.why_avoided("upper_trapezius_left")
    assert [(a.rule, "9 out of 10" in a.shown) for a in today.ask_again] == [("severe_undiagnosed", True)]
    assert today.verdict()["avoid_regions"] == ["upper_trapezius_left"]


def test_an_area_worse_by_2_over_the_week_is_left_alone_until_it_settles() -> None:
    rising = [PainEntry(MORNING - timedelta(days=d), "rhomboid_left", s) for d, s in ((6, 2), (4, 3), (1, 6))]
    today = policy(MORNING, [screened(MORNING, ALL_NO)], entries=rising)
    assert today.avoid_regions == ("rhomboid_left",)
    assert "risen by" in today.why_avoided("rhomboid_left")
    settled = [*rising, PainEntry(MORNING - timedelta(hours=1), "rhomboid_left", 2)]
    assert policy(MORNING, [screened(MORNING, ALL_NO)], entries=settled).avoid_regions == ()


@pytest.mark.parametrize(("quality", "rule"), [(Quality.SHARP, "sharp_pain"), (Quality.TINGLING, "radiating_arm")])
def test_a_sharp_or_tingling_entry_brings_advice_and_is_asked_again(quality: Quality, rule: str) -> None:
    entry = PainEntry(MORNING + timedelta(hours=1), "rhomboid_left", 4, quality)
    today = policy(MORNING + timedelta(hours=2), [screened(MORNING, ALL_NO)], entries=[entry])
    message = CATALOG.rule(rule).message  # type: ignore[union-attr]
    assert len(today.advice) == 1 and message in today.advice[0] and quality.value in today.advice[0]
    assert [a.rule for a in today.ask_again] == [rule]
    # a screen after the entry has asked it: not asked again, but the advice stands in the journal
    again = policy(MORNING + timedelta(hours=4), [screened(MORNING + timedelta(hours=3), ALL_NO)], entries=[entry])
    assert again.ask_again == () and again.advice == today.advice


def session(started: datetime, before: dict[str, int], after: dict[str, int], **kw: Any) -> SessionRecord:
    return SessionRecord(
        started,
        Mode.SELF,
        {"steps": []},
        SessionStatus.FINISHED,
        started + timedelta(minutes=10),
        pain_before=before,
        pain_after=after,
        id=1,
        **kw,
    )


def test_an_area_a_session_made_worse_is_named_first_and_left_alone() -> None:
    worse = session(
        MORNING - timedelta(days=1), {"rhomboid_left": 3, "scapula_left": 5}, {"rhomboid_left": 6, "scapula_left": 5}
    )
    sharp = PainEntry(MORNING - timedelta(hours=1), "scapula_left", 3, Quality.SHARP)
    today = policy(MORNING, [screened(MORNING, ALL_NO)], sessions=[worse], entries=[sharp])
    assert today.avoid_regions == ("rhomboid_left",)
    assert "3 to 6" in today.advice[0] and len(today.advice) == 2, "the worse area first, then the sharp entry"
    settled = PainEntry(MORNING - timedelta(hours=2), "rhomboid_left", 3)
    assert policy(MORNING, [], sessions=[worse], entries=[settled]).avoid_regions == ()


ROUTINE = {
    "position": "supine_floor",
    "steps": [
        {"kind": "transition", "name": "get_ready", "seconds": 10, "cue": "Ready."},
        {"kind": "technique", "technique": "hand_kneading", "region": "upper_trapezius_left", "tool": "hands",
         "pressure": "medium", "seconds": 60, "cue": "Knead."},
        {"kind": "technique", "technique": "ball_floor", "region": "rhomboid_left", "tool": "tennis_ball",
         "pressure": "medium", "seconds": 60, "cue": "Roll."},
        {"kind": "technique", "technique": "foam_roller", "region": "thoracic_spine", "tool": "foam_roller",
         "regions": ["thoracic_spine", "scapula_left", "scapula_right"], "pressure": "medium", "seconds": 60,
         "cue": "Roll."},
    ],
}  # fmt: skip


def test_resume_is_refused_after_a_blocking_verdict() -> None:
    today = policy(MORNING + timedelta(hours=1), [screened(MORNING, FEVER)])
    decision = resume_decision(CATALOG, today, ROUTINE, 1)
    assert not decision.allowed and "cannot go on today" in decision.why


def test_resume_skips_the_steps_that_now_break_today() -> None:
    screens = [screened(MORNING, BRUISE), screened(MORNING + timedelta(hours=1), {"findings": ["osteoporosis"]})]
    today = policy(MORNING + timedelta(hours=2), screens)
    decision = resume_decision(CATALOG, today, ROUTINE, 1)
    assert decision.allowed
    assert set(decision.skipped) == {1, 2, 3}, "medium pressure, a floor ball and the roller are out today"
    assert "Step 4" in decision.skipped[3]
    assert resume_decision(CATALOG, today, ROUTINE, 3).skipped.keys() == {3}, "steps done already are not judged"


def test_a_step_that_sweeps_an_avoided_area_conflicts() -> None:
    step = ROUTINE["steps"][3]  # type: ignore[index]
    assert step_conflict(CATALOG, step, "supine_floor", (), {"scapula_right": "bruise"})
    assert step_conflict(CATALOG, step, "supine_floor", (), {"rhomboid_left": "bruise"}) is None
