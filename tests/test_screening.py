"""The screen: one test per rule row against a hand-written table, and the properties of a verdict."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot import Answer, Category, Finding, Intake, IntakeError, load_catalog, screen
from unknot.model import Catalog, Rule, Verdict
from unknot.screening import long_date

CATALOG = load_catalog()
full = partial(Intake, complete=True)  # every question asked; the rest answered no

# Written by hand from shared/clinical/screening-rules.md, so that a content edit cannot silently move a rule.
EXPECTED: dict[str, Category] = {
    "chest_pain": Category.EMERGENCY,
    "tearing_pain": Category.EMERGENCY,
    "breathless": Category.EMERGENCY,
    "major_trauma": Category.EMERGENCY,
    "cauda_signs": Category.EMERGENCY,
    "both_legs_neuro": Category.EMERGENCY,
    "stroke_signs": Category.EMERGENCY,
    "cancer_neuro": Category.EMERGENCY,
    "fever": Category.STOP_TODAY,
    "contagious": Category.STOP_TODAY,
    "severe_undiagnosed": Category.STOP_TODAY,
    "intoxicated": Category.STOP_TODAY,
    "dvt": Category.CONSULT_FIRST,
    "high_bp": Category.CONSULT_FIRST,
    "cancer": Category.CONSULT_FIRST,
    "bleeding_disorder": Category.CONSULT_FIRST,
    "heart_condition": Category.CONSULT_FIRST,
    "recent_surgery_fracture": Category.CONSULT_FIRST,
    "cancer_history_new_pain": Category.SEE_PROFESSIONAL,
    "sharp_pain": Category.SEE_PROFESSIONAL,
    "radiating_arm": Category.SEE_PROFESSIONAL,
    "numbness_weakness": Category.SEE_PROFESSIONAL,
    "night_pain": Category.SEE_PROFESSIONAL,
    "weight_loss_unwell": Category.SEE_PROFESSIONAL,
    "age_new_onset": Category.SEE_PROFESSIONAL,
    "new_unassessed_pain": Category.SEE_PROFESSIONAL,
    "cough_worse": Category.SEE_PROFESSIONAL,
    "fragility_fracture": Category.SEE_PROFESSIONAL,
    "infection_risk": Category.SEE_PROFESSIONAL,
    "no_improvement": Category.SEE_PROFESSIONAL,
    "lump": Category.SEE_PROFESSIONAL,
    "recent_strain": Category.AVOID_AREA,
    "open_wound": Category.AVOID_AREA,
    "bruise": Category.AVOID_AREA,
    "inflammation": Category.AVOID_AREA,
    "skin_condition": Category.AVOID_AREA,
    "surgical_site": Category.AVOID_AREA,
    "anticoagulants": Category.CAUTION,
    "osteoporosis": Category.CAUTION,
    "pregnancy": Category.CAUTION,
    "reduced_sensation": Category.CAUTION,
    "painkillers_today": Category.CAUTION,
    "connective_tissue": Category.CAUTION,
    "controlled_bp": Category.CAUTION,
    "scoliosis": Category.CAUTION,
    "pregnancy_complications": Category.CONSULT_FIRST,
    "floor_difficulty": Category.CAUTION,
    "fragile_skin": Category.CAUTION,
    "inflammatory_spine": Category.CAUTION,
}
# Restrictions a caution rule puts on the routine, and a consult-first rule once cleared (same source).
EXPECTED_RESTRICTIONS: dict[str, tuple[str, ...]] = {
    "dvt": ("light_pressure", "no_tools_point"),
    "cancer": ("light_pressure", "no_spine_rolling"),
    "recent_surgery_fracture": ("light_pressure", "no_spine_rolling", "no_floor_ball"),
    "pregnancy_complications": ("no_prone", "no_floor_work", "light_pressure"),
    "floor_difficulty": ("no_floor_work",),
    "fragile_skin": ("light_pressure",),
    "inflammatory_spine": ("no_spine_rolling", "no_firm"),
    "bleeding_disorder": ("light_pressure", "no_tools_point"),
    "anticoagulants": ("light_pressure", "no_tools_point"),
    "osteoporosis": ("light_pressure", "no_spine_rolling", "no_floor_ball"),
    "pregnancy": ("no_prone", "no_floor_work"),
    "reduced_sensation": ("light_pressure",),
    "painkillers_today": ("no_firm",),
    "connective_tissue": ("no_firm",),
    "scoliosis": ("no_firm",),
}


def finding(rule: Rule, answer: Answer = Answer.YES, regions: tuple[str, ...] = ("rhomboid_left",)) -> Finding:
    return Finding(rule.id, answer, regions if rule.is_local else ())


def test_the_table_names_every_rule_of_the_content() -> None:
    assert set(EXPECTED) == set(CATALOG.rule_ids)


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda r: r.id)
def test_a_yes_gives_the_rules_category(rule: Rule) -> None:
    verdict = screen(full((finding(rule),)))
    assert verdict.category is EXPECTED[rule.id]
    assert verdict.may_massage is (EXPECTED[rule.id] in {Category.CAUTION, Category.AVOID_AREA, Category.OK})
    assert [r.rule for r in verdict.reasons] == [rule.id]
    assert verdict.reasons[0].sources, "every reason cites its sources"
    if rule.is_local:
        assert verdict.avoid_regions == ("rhomboid_left",)
    if EXPECTED[rule.id] is Category.CAUTION:
        assert set(verdict.restrictions) == set(EXPECTED_RESTRICTIONS.get(rule.id, ()))
    else:
        assert verdict.restrictions == ()


@pytest.mark.parametrize("rule", [r for r in CATALOG.rules if r.category is Category.CONSULT_FIRST], ids=lambda r: r.id)
def test_a_cleared_consult_first_rule_counts_as_caution_with_its_restrictions(rule: Rule) -> None:
    verdict = screen(full((finding(rule),), cleared=frozenset({rule.id})))
    assert verdict.category is Category.CAUTION
    assert verdict.may_massage
    assert set(verdict.restrictions) == set(EXPECTED_RESTRICTIONS.get(rule.id, ()))
    assert verdict.reasons[0].cleared


def test_no_findings_is_ok() -> None:
    verdict = screen(full())
    assert (verdict.category, verdict.may_massage, verdict.reasons) == (Category.OK, True, ())


def test_a_clearance_for_a_rule_not_found_changes_nothing() -> None:
    assert screen(full(cleared=frozenset({"dvt"}))).category is Category.OK


def test_a_blocking_rule_lists_no_restrictions_of_its_own() -> None:
    verdict = screen(full((Finding("bleeding_disorder"), Finding("painkillers_today"))))
    assert verdict.category is Category.CONSULT_FIRST
    assert verdict.restrictions == ("no_firm",)


def test_a_lump_blocks_and_also_avoids_its_region() -> None:
    verdict = screen(full((Finding("lump", regions=("scapula_right",)),)))
    assert (verdict.category, verdict.may_massage) == (Category.SEE_PROFESSIONAL, False)
    assert verdict.avoid_regions == ("scapula_right",)


def test_repeated_findings_merge_and_yes_beats_not_sure() -> None:
    verdict = screen(
        full(
            (
                Finding("bruise", Answer.UNSURE, ("scapula_left",)),
                Finding("bruise", Answer.YES, ("rhomboid_left",)),
            )
        )
    )
    (reason,) = verdict.reasons
    assert not reason.unsure
    assert reason.regions == ("rhomboid_left", "scapula_left")  # the order of regions.md


def test_reasons_come_strongest_first() -> None:
    verdict = screen(full((Finding("bruise", regions=("scapula_left",)), Finding("fever"), Finding("scoliosis"))))
    assert [r.category for r in verdict.reasons] == [Category.STOP_TODAY, Category.CAUTION, Category.AVOID_AREA]


def test_not_sure_says_so_in_the_message() -> None:
    (reason,) = screen(full((Finding("fever", Answer.UNSURE),))).reasons
    assert reason.unsure
    assert "not sure" in reason.message


def test_the_advice_gives_the_number_to_call() -> None:
    verdict = screen(full((Finding("chest_pain"),)), emergency_number="999")
    assert "999" in verdict.advice
    assert verdict.emergency_number == "999"


def test_an_incomplete_screen_is_refused() -> None:
    with pytest.raises(IntakeError) as err:
        screen(full((Finding("bruise", regions=("scapula_left",)),), complete=False))
    assert err.value.code == "incomplete_screen"


@pytest.mark.parametrize("answer", [Answer.YES, Answer.UNSURE])
def test_an_emergency_decides_an_incomplete_screen(answer: Answer) -> None:
    verdict = screen(full((Finding("tearing_pain", answer),), complete=False))
    assert verdict.category is Category.EMERGENCY


@pytest.mark.parametrize(
    ("intake", "code"),
    [
        pytest.param(full((Finding("sore_knee"),)), "unknown_rule", id="unknown_rule"),
        pytest.param(full((Finding("bruise", regions=("lower_back",)),)), "unknown_region", id="unknown_region"),
        pytest.param(full((Finding("bruise"),)), "regions_required", id="regions_required"),
        pytest.param(full((Finding("fever", regions=("scapula_left",)),)), "regions_not_allowed", id="not_allowed"),
        pytest.param(full(cleared=frozenset({"fever"})), "not_clearable", id="not_clearable"),
        pytest.param(full(cleared=frozenset({"nope"})), "unknown_rule", id="unknown_cleared_rule"),
    ],
)
def test_bad_intakes_raise_with_their_code(intake: Intake, code: str) -> None:
    with pytest.raises(IntakeError) as err:
        screen(intake)
    assert err.value.code == code
    assert err.value.exit_code == 2


def test_an_unknown_region_lists_the_valid_ones() -> None:
    with pytest.raises(IntakeError, match="choose one of: neck_base, upper_trapezius_left"):
        screen(full((Finding("bruise", regions=("lower_back",)),)))


# --- properties --------------------------------------------------------------------------------------------

CONSULT = [r.id for r in CATALOG.rules if r.category is Category.CONSULT_FIRST]


@st.composite
def findings(draw: st.DrawFn, catalog: Catalog = CATALOG) -> Finding:
    rule = draw(st.sampled_from(catalog.rules))
    answer = draw(st.sampled_from([Answer.YES, Answer.UNSURE]))
    regions: tuple[str, ...] = ()
    if rule.is_local:
        regions = tuple(draw(st.lists(st.sampled_from(catalog.region_ids), min_size=1, max_size=4, unique=True)))
    return Finding(rule.id, answer, regions)


intakes = st.builds(
    Intake,
    findings=st.lists(findings(), max_size=6).map(tuple),
    cleared=st.frozensets(st.sampled_from(CONSULT), max_size=3),
    complete=st.just(True),
)


def effective(intake: Intake) -> list[Category]:
    """Each rule's category as the rules say: a clearance turns a consult-first rule into caution, unless it was only
    answered not sure (version 2: yes and not sure together count as yes, for the clearance too)."""
    said_yes = {f.rule for f in intake.findings if f.answer is Answer.YES}
    doubted = {f.rule for f in intake.findings if f.answer is Answer.UNSURE} - said_yes
    out = []
    for rule_id in {f.rule for f in intake.findings}:
        rule = CATALOG.rule(rule_id)
        assert rule is not None
        cleared = rule_id in intake.cleared and rule_id not in doubted and rule.category is Category.CONSULT_FIRST
        out.append(Category.CAUTION if cleared else rule.category)
    return out


@given(intakes, findings())
def test_adding_a_finding_never_weakens_the_verdict(intake: Intake, extra: Finding) -> None:
    before = screen(intake)
    after = screen(full((*intake.findings, extra), intake.cleared))
    assert after.category.strength >= before.category.strength
    assert not (after.may_massage and not before.may_massage)
    assert set(before.avoid_regions) <= set(after.avoid_regions)


@given(intakes, st.sampled_from([r for r in CATALOG.rules if r.category is Category.AVOID_AREA]), st.data())
def test_an_avoid_area_finding_never_blocks(intake: Intake, rule: Rule, data: st.DataObject) -> None:
    regions = tuple(data.draw(st.lists(st.sampled_from(CATALOG.region_ids), min_size=1, unique=True)))
    before = screen(intake)
    after = screen(full((*intake.findings, Finding(rule.id, regions=regions)), intake.cleared))
    assert after.may_massage == before.may_massage
    assert after.category.strength == max(before.category.strength, Category.AVOID_AREA.strength)
    assert set(regions) <= set(after.avoid_regions)


@given(intakes)
def test_the_verdict_is_the_strongest_category(intake: Intake) -> None:
    verdict = screen(intake)
    categories = effective(intake)
    expected = max(categories, key=lambda c: c.strength, default=Category.OK)
    assert verdict.category is expected
    assert verdict.may_massage is expected.allows_massage
    local = {r for f in intake.findings for r in f.regions}
    assert set(verdict.avoid_regions) == local


@given(intakes)
def test_not_sure_is_the_same_as_yes(intake: Intake) -> None:
    yes = full(tuple(Finding(f.rule, Answer.YES, f.regions) for f in intake.findings))
    unsure = full(tuple(Finding(f.rule, Answer.UNSURE, f.regions) for f in intake.findings))
    a, b = screen(yes), screen(unsure)
    assert (a.category, a.may_massage, a.avoid_regions, a.restrictions) == (
        b.category,
        b.may_massage,
        b.avoid_regions,
        b.restrictions,
    )
    assert all(r.unsure for r in b.reasons)


@given(intakes)
def test_with_a_clearance_not_sure_is_never_weaker_than_yes(intake: Intake) -> None:
    yes = full(tuple(Finding(f.rule, Answer.YES, f.regions) for f in intake.findings), intake.cleared)
    unsure = full(tuple(Finding(f.rule, Answer.UNSURE, f.regions) for f in intake.findings), intake.cleared)
    a, b = screen(yes), screen(unsure)
    assert b.category.strength >= a.category.strength
    assert not (b.may_massage and not a.may_massage)


def test_a_clearance_does_not_cover_a_not_sure() -> None:
    verdict = screen(full((Finding("dvt", Answer.UNSURE),), frozenset({"dvt"})))
    assert verdict.category is Category.CONSULT_FIRST and not verdict.reasons[0].cleared


def test_the_library_default_is_an_incomplete_screen() -> None:
    with pytest.raises(IntakeError) as err:
        screen(Intake((Finding("fever"),)))
    assert err.value.code == "incomplete_screen"


def test_every_region_avoided_says_there_is_nothing_left() -> None:
    verdict = screen(full((Finding("bruise", regions=CATALOG.region_ids),)))
    assert verdict.may_massage and "nothing left to massage" in verdict.advice


# --- version 2: who to see and how soon; clearances expire --------------------------------------------------------

# Written by hand from screening-rules.md, version 2, "Who to see, and how soon".
REFERRAL: dict[str, tuple[str, str]] = {
    "cancer_history_new_pain": ("doctor", "within_24h"),
    "night_pain": ("doctor", "within_days"),
    "weight_loss_unwell": ("doctor", "within_days"),
    "age_new_onset": ("doctor", "within_days"),
    "new_unassessed_pain": ("doctor", "within_days"),
    "cough_worse": ("doctor", "within_days"),
    "fragility_fracture": ("doctor", "within_days"),
    "infection_risk": ("doctor", "within_days"),
    "lump": ("doctor", "within_days"),
    "numbness_weakness": ("doctor", "within_days"),
    "sharp_pain": ("physio_or_doctor", "within_days"),
    "radiating_arm": ("physio_or_doctor", "within_days"),
    "no_improvement": ("physio_or_doctor", "routine"),
    "dvt": ("doctor", "before_massage"),
    "high_bp": ("doctor", "before_massage"),
    "cancer": ("doctor", "before_massage"),
    "bleeding_disorder": ("doctor", "before_massage"),
    "heart_condition": ("doctor", "before_massage"),
    "recent_surgery_fracture": ("doctor", "before_massage"),
    "pregnancy_complications": ("doctor", "before_massage"),
}
# "Clearances expire": days a professional's clearance holds (a design choice, DESIGN).
VALID_DAYS: dict[str, int] = {
    "recent_surgery_fracture": 42,
    "dvt": 90,
    "cancer": 90,
    "heart_condition": 90,
    "pregnancy_complications": 90,
    "high_bp": 180,
    "bleeding_disorder": 180,
}
TODAY = date(2026, 12, 3)
CONSULT_FIRST = [r for r in CATALOG.rules if r.category is Category.CONSULT_FIRST]


def test_the_referral_table_names_every_blocking_rule() -> None:
    blocking = {r.id for r in CATALOG.rules if r.category in (Category.SEE_PROFESSIONAL, Category.CONSULT_FIRST)}
    assert set(REFERRAL) == blocking
    assert set(VALID_DAYS) == {r.id for r in CONSULT_FIRST}


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda r: r.id)
def test_a_reason_says_who_to_see_and_how_soon(rule: Rule) -> None:
    reason = screen(full((finding(rule),))).reasons[0]
    if rule.category is Category.EMERGENCY:
        expected: tuple[str | None, str | None] = ("emergency_services", "now")
    else:
        expected = REFERRAL.get(rule.id, (None, None))
    assert (reason.refer_to, reason.urgency) == expected
    if expected[0] is not None:
        assert reason.referral == CATALOG.referral(reason.refer_to, reason.urgency) != ""
        assert "_" not in reason.referral, "plain words, never an id"
    else:
        assert reason.referral == ""


@pytest.mark.parametrize("rule", CONSULT_FIRST, ids=lambda r: r.id)
def test_a_clearance_holds_for_its_rules_validity(rule: Rule) -> None:
    days = VALID_DAYS[rule.id]
    assert rule.clearance_valid_days == days

    def cleared_since(age: int) -> Verdict:
        on = TODAY - timedelta(days=age)
        return screen(full((finding(rule),), frozenset({rule.id}), cleared_on=((rule.id, on),), today=TODAY))

    for age in (0, days - 1, days):
        reason = cleared_since(age).reasons[0]
        assert (reason.category, reason.cleared, reason.clearance_expired) == (Category.CAUTION, True, False), age
    late = cleared_since(days + 1)
    reason = late.reasons[0]
    assert (late.category, late.may_massage) == (Category.CONSULT_FIRST, False)
    assert (reason.cleared, reason.clearance_expired) == (False, True)
    assert (reason.refer_to, reason.urgency) == ("doctor", "before_massage")
    given = long_date(TODAY - timedelta(days=days + 1))
    assert "expired" in reason.message and given in reason.message
    assert late.restrictions == ()


@pytest.mark.parametrize("rule", CONSULT_FIRST, ids=lambda r: r.id)
def test_a_clearance_dated_after_today_does_not_apply(rule: Rule) -> None:
    tomorrow = TODAY + timedelta(days=1)
    verdict = screen(full((finding(rule),), frozenset({rule.id}), cleared_on=((rule.id, tomorrow),), today=TODAY))
    assert verdict.category is Category.CONSULT_FIRST
    assert verdict.reasons[0].clearance_expired and long_date(tomorrow) in verdict.reasons[0].message


def test_an_undated_clearance_applies() -> None:
    verdict = screen(full((Finding("dvt"),), frozenset({"dvt"}), today=TODAY))
    assert verdict.category is Category.CAUTION and verdict.reasons[0].cleared


def test_yes_and_not_sure_of_one_rule_count_as_yes_for_the_clearance_too() -> None:
    both = (Finding("dvt", Answer.UNSURE), Finding("dvt", Answer.YES))
    for findings in (both, both[::-1]):
        verdict = screen(full(findings, frozenset({"dvt"})))
        assert verdict.category is Category.CAUTION
        assert (verdict.reasons[0].cleared, verdict.reasons[0].unsure) == (True, False)


def test_a_clearance_of_a_rule_answered_only_not_sure_says_why_it_does_not_apply() -> None:
    verdict = screen(full((Finding("cancer", Answer.UNSURE),), frozenset({"cancer"})))
    reason = verdict.reasons[0]
    assert (verdict.category, reason.unsure, reason.cleared, reason.clearance_expired) == (
        Category.CONSULT_FIRST,
        True,
        False,
        False,
    )
    assert CATALOG.clearance_unsure_note in reason.message


def test_an_emergency_is_decisive_beside_mistakes() -> None:
    findings = (Finding("tearing_pain"), Finding("headache"), Finding("bruise"), Finding("fever", regions=("x",)))
    verdict = screen(Intake(findings, frozenset({"fever", "nope"})))
    assert verdict.category is Category.EMERGENCY
    codes = {(m.item if isinstance(m.item, str) else m.item["rule"], m.code) for m in verdict.not_understood}
    assert codes == {
        ("headache", "unknown_rule"),
        ("bruise", "regions_required"),
        ("fever", "regions_not_allowed"),
        ("fever", "not_clearable"),
        ("nope", "unknown_rule"),
    }


def test_without_an_emergency_a_mistake_is_still_refused() -> None:
    with pytest.raises(IntakeError) as err:
        screen(full((Finding("fever"), Finding("headache"))))
    assert err.value.code == "unknown_rule"


def test_long_dates_read_the_same_everywhere() -> None:
    assert long_date(date(2024, 3, 3)) == "3 March 2024"
    assert long_date(date(2026, 11, 30)) == "30 November 2026"
