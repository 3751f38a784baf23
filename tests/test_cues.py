"""The cue schedule of each step and of the lead-in: in order, never overlapping, within the step, and by the rules
of session.yaml; at a slow speaking rate, the less important cues give way rather than overlap. The kinds of cue, and
the priority that both the schedule and a session (several cues due at once) go by."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unknot.content import load_catalog
from unknot.model import CueTexts, Mode, PlanRequest, Routine, Step
from unknot.planner import plan
from unknot.session import CueKind, PlannedCue, lead_in_cues, routine_cues, speaking_seconds, step_cues
from unknot.session.cues import PRIORITY

CATALOG = load_catalog()
RULES = CATALOG.session
TEXTS = RULES.texts
DEFAULT = RULES.words_per_minute
# The order in which cues keep their place when two would overlap (the module docstring of session/cues.py): the
# step's own cue, then the release, the hold, the countdown, switch sides, the warning, half-way.
RANK = [
    {CueKind.START, CueKind.LEAD_IN},
    {CueKind.RELEASE},
    {CueKind.HOLD},
    {CueKind.COUNTDOWN},
    {CueKind.SWITCH_SIDES},
    {CueKind.WARNING},
    {CueKind.HALFWAY},
]
IMPORTANCE = {kind: len(RANK) - n for n, kinds in enumerate(RANK) for kind in kinds}
OPENERS = {CueKind.START, CueKind.LEAD_IN}
# Said by a session at once, in answer to the user or at its end; each from its text in session.yaml.
ANSWERS = {
    CueKind.PAUSED: ("paused",),
    CueKind.RESUMED: ("resumed",),
    CueKind.FEEDBACK: ("more", "less", "good"),
    CueKind.HURTS: ("hurts",),
    CueKind.SKIP_REGION: ("skip_region",),
    CueKind.FINISHED: ("finished",),
    CueKind.STOPPED: ("stopped",),
}
EPS = 1e-9


@cache
def routine(mode: Mode, minutes: int, tools: tuple[str, ...], seed: int) -> Routine:
    return plan(PlanRequest(mode, minutes, tools, seed=seed), catalog=CATALOG)


KITS = [(), ("tennis_ball",), ("massage_cane",), ("foam_roller", "tennis_ball"), ("foam_roller", "lacrosse_ball")]
PLANNED = {
    f"{mode.value}-{'+'.join(kit) or 'hands'}-{minutes}min-s{seed}": routine(mode, minutes, kit, seed)
    for mode in Mode
    for kit in (KITS if mode is Mode.SELF else [()])
    for minutes, seed in [(3, 0), (5, 1), (10, 2), (20, 3), (30, 4), (60, 5)]
}
ROUTINES = [pytest.param(r, id=name) for name, r in PLANNED.items()]
RATES = [pytest.param(rate, id=f"{rate}wpm") for rate in (DEFAULT, 120, 60, 30)]


def wanted(step: Step, words_per_minute: int = DEFAULT) -> list[PlannedCue]:
    """Every cue session.yaml asks for in ``step``, before any gives way to another (written from the rules)."""

    def cue(offset: float, kind: CueKind, text: str) -> PlannedCue:
        return PlannedCue(offset, kind, text, speaking_seconds(text, words_per_minute))

    def countdown(end: float) -> list[PlannedCue]:
        return [
            cue(end - 3, CueKind.COUNTDOWN, "Three."),
            cue(end - 2, CueKind.COUNTDOWN, "Two."),
            cue(end - 1, CueKind.COUNTDOWN, "One."),
        ]

    seconds = float(step.seconds)
    out = [cue(0.0, CueKind.START, step.cue)]
    if step.is_technique and step.hold_seconds:
        technique = CATALOG.technique(step.technique)
        assert technique is not None and technique.hold is not None
        hold = technique.hold
        release = seconds - hold.release_seconds  # the hold ends there, leaving the release before the step ends
        assert release - step.hold_seconds >= 0, step
        if release - step.hold_seconds > 0:
            out.append(cue(release - step.hold_seconds, CueKind.HOLD, TEXTS.hold))
        out += [*countdown(release), cue(release, CueKind.RELEASE, TEXTS.release)]
    elif step.is_technique and seconds >= RULES.halfway_min_seconds:
        sides = {r.rsplit("_", 1)[-1] for r in step.regions}
        muscles = {r.rsplit("_", 1)[0] for r in step.regions}
        if len(step.regions) == 2 and sides == {"left", "right"} and len(muscles) == 1:
            out.append(cue(seconds / 2, CueKind.SWITCH_SIDES, TEXTS.switch_sides))
        else:
            out.append(cue(seconds / 2, CueKind.HALFWAY, TEXTS.halfway))
    if step.is_technique and seconds >= RULES.countdown_min_seconds:
        out += countdown(seconds)
    if seconds >= RULES.warning_min_seconds:
        left = RULES.warning_seconds
        out.append(cue(seconds - left, CueKind.WARNING, TEXTS.warning.format(seconds=left)))
    return out


def overlap(a: PlannedCue, b: PlannedCue) -> bool:
    return a.offset < b.end - EPS and b.offset < a.end - EPS


def faults(cues: tuple[PlannedCue, ...], seconds: float, where: str, words_per_minute: int = DEFAULT) -> list[str]:
    """Every way a schedule breaks its guarantees: its own cue first at 0, in order, no overlap, within the step,
    each cue as long as its words take at the rate."""
    out: list[str] = []
    if not cues or cues[0].offset != 0 or cues[0].kind not in OPENERS:
        out.append(f"{where}: does not open with its own cue at 0: {cues[:1]}")
    if sum(c.kind in OPENERS for c in cues) != 1:
        out.append(f"{where}: {sum(c.kind in OPENERS for c in cues)} opening cues")
    for a, b in zip(cues, cues[1:], strict=False):
        if a.offset > b.offset:
            out.append(f"{where}: {b} before {a}")
        if a.end > b.offset + EPS:
            out.append(f"{where}: {a} overlaps {b}")
    for c in cues:
        if c.offset < 0 or (c.kind not in OPENERS and c.end > seconds + EPS):
            out.append(f"{where}: {c} outside the step of {seconds} s")
        if c.seconds != speaking_seconds(c.text, words_per_minute):
            out.append(f"{where}: {c} is not timed at {words_per_minute} words a minute")
    return out


def gave_way_faults(cues: tuple[PlannedCue, ...], asked: Iterable[PlannedCue], seconds: float, where: str) -> list[str]:
    """The schedule holds only cues the rules ask for, each where they ask; one left out either would not fit in
    the step or overlaps a kept cue at least as important."""
    out: list[str] = []
    asked = list(asked)
    key = {(c.offset, c.kind, c.text) for c in asked}
    for c in cues:
        if (c.offset, c.kind, c.text) not in key:
            out.append(f"{where}: {c} is not asked for by session.yaml")
    kept = {(c.offset, c.kind, c.text) for c in cues}
    for c in asked:
        if (c.offset, c.kind, c.text) in kept:
            continue
        outside = c.offset < 0 or (c.kind not in OPENERS and c.end > seconds + EPS)
        blocked = [k for k in cues if overlap(k, c) and IMPORTANCE[k.kind] >= IMPORTANCE[c.kind]]
        if not outside and not blocked:
            out.append(f"{where}: {c} was left out though nothing more important is in its way")
    return out


@pytest.mark.parametrize("words_per_minute", RATES)
@pytest.mark.parametrize("r", ROUTINES)
def test_every_schedule_is_in_order_apart_and_within_its_step(r: Routine, words_per_minute: int) -> None:
    schedules = routine_cues(r.steps, CATALOG, words_per_minute)
    assert len(schedules) == len(r.steps)
    found: list[str] = []
    for i, (step, cues) in enumerate(zip(r.steps, schedules, strict=True)):
        where = f"step {i} {step.technique or step.name} {step.seconds} s"
        assert cues == step_cues(step, CATALOG, words_per_minute)
        assert cues[0].text == step.cue and cues[0].kind is CueKind.START
        found += faults(cues, step.seconds, where, words_per_minute)
    assert found == []


@pytest.mark.parametrize("words_per_minute", RATES)
@pytest.mark.parametrize("r", ROUTINES)
def test_every_schedule_follows_the_rules_of_session_yaml(r: Routine, words_per_minute: int) -> None:
    found: list[str] = []
    for i, step in enumerate(r.steps):
        where = f"step {i} {step.technique or step.name} {step.seconds} s"
        cues = step_cues(step, CATALOG, words_per_minute)
        found += gave_way_faults(cues, wanted(step, words_per_minute), step.seconds, where)
    assert found == []


@pytest.mark.parametrize("r", ROUTINES)
def test_at_the_default_rate_the_step_and_the_hold_cues_are_always_kept(r: Routine) -> None:
    for i, step in enumerate(r.steps):
        kinds = [c.kind for c in step_cues(step, CATALOG)]
        assert kinds.count(CueKind.START) == 1, i
        if step.hold_seconds:
            assert kinds.count(CueKind.RELEASE) == 1, i
            release = kinds.index(CueKind.RELEASE)
            assert kinds[release - 3 : release] == [CueKind.COUNTDOWN] * 3, i  # 3-2-1, then release
        if step.is_technique and not step.hold_seconds and step.seconds >= RULES.halfway_min_seconds:
            assert {CueKind.HALFWAY, CueKind.SWITCH_SIDES} & set(kinds), i


ALL_STEPS = sorted({step for r in PLANNED.values() for step in r.steps}, key=lambda s: (s.seconds, s.cue, s.region))


@pytest.mark.parametrize(
    ("kind", "applies"),
    [
        pytest.param(
            CueKind.HALFWAY,
            lambda s: s.is_technique and not s.hold_seconds and s.seconds >= RULES.halfway_min_seconds,
            id="halfway-in-long-technique-steps-without-a-hold",
        ),
        pytest.param(CueKind.WARNING, lambda s: s.seconds >= RULES.warning_min_seconds, id="warning-in-long-steps"),
        pytest.param(CueKind.HOLD, lambda s: s.is_technique and bool(s.hold_seconds), id="hold-in-hold-steps"),
        pytest.param(CueKind.RELEASE, lambda s: s.is_technique and bool(s.hold_seconds), id="release-in-hold-steps"),
        pytest.param(
            CueKind.COUNTDOWN,
            lambda s: s.is_technique and (s.seconds >= RULES.countdown_min_seconds or bool(s.hold_seconds)),
            id="countdown-in-technique-steps",
        ),
    ],
)
def test_a_cue_only_where_its_rule_applies(kind: CueKind, applies: Callable[[Step], bool]) -> None:
    seen = 0
    for step in ALL_STEPS:
        kinds = {c.kind for c in step_cues(step, CATALOG)}
        if kind in kinds:
            seen += 1
            assert applies(step), step
    assert seen, f"no step of the test routines has a {kind} cue"


def test_the_warning_says_the_seconds_it_warns_of() -> None:
    step = next(s for s in ALL_STEPS if s.seconds >= RULES.warning_min_seconds and not s.hold_seconds)
    warning = next(c for c in step_cues(step, CATALOG) if c.kind is CueKind.WARNING)
    assert warning.text == f"{RULES.warning_seconds} seconds left."
    assert warning.offset == step.seconds - RULES.warning_seconds


def _over(regions: tuple[str, ...], seconds: int = 60, hold: int | None = None) -> Step:
    return Step(
        "technique",
        seconds,
        "Knead both sides.",
        "prone",
        technique="petrissage",
        region=regions[0],
        regions=regions,
        hold_seconds=hold,
    )


@pytest.mark.parametrize(
    ("step", "kind"),
    [
        pytest.param(_over(("rhomboid_left", "rhomboid_right")), CueKind.SWITCH_SIDES, id="both-sides-of-one-muscle"),
        pytest.param(_over(("rhomboid_left", "scapula_right")), CueKind.HALFWAY, id="two-muscles"),
        pytest.param(_over(("rhomboid_left", "rhomboid_left")), CueKind.HALFWAY, id="one-side-twice"),
        pytest.param(_over(("rhomboid_left", "rhomboid_right", "scapula_left")), CueKind.HALFWAY, id="three-regions"),
        pytest.param(_over(("rhomboid_left", "rhomboid_right"), 39), None, id="too-short"),
    ],
)
def test_half_way_says_switch_sides_in_a_step_over_both_sides_of_one_muscle(step: Step, kind: CueKind | None) -> None:
    halfway = [c for c in step_cues(step, CATALOG) if c.kind in (CueKind.HALFWAY, CueKind.SWITCH_SIDES)]
    assert [(c.kind, c.offset) for c in halfway] == ([(kind, step.seconds / 2)] if kind else [])
    if kind:
        assert halfway[0].text == (TEXTS.switch_sides if kind is CueKind.SWITCH_SIDES else TEXTS.halfway)


# --- steps the planner does not make, to reach the edges ---------------------------------------------------------

WORDS = st.lists(st.sampled_from(["ease", "into", "the", "ball", "slowly", "left", "upper", "trapezius"]), min_size=1)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    technique = draw(st.sampled_from(["", "effleurage", "petrissage", "trigger_point", "ball_wall", "cane"]))
    held = technique in {"trigger_point", "ball_wall", "cane"}
    side = draw(st.sampled_from(["upper_trapezius", "rhomboid", "scapula"]))
    return Step(
        kind="technique" if technique else "transition",
        seconds=draw(st.integers(5, 180)),
        cue=" ".join(draw(WORDS.map(lambda w: w[:15]))) + ".",
        position="prone",
        name="" if technique else draw(st.sampled_from(["switch_side", "rest", "pain_check"])),
        technique=technique,
        region=f"{side}_left" if technique else "",
        regions=draw(st.sampled_from([(), (f"{side}_left", f"{side}_right")])) if technique and not held else (),
        hold_seconds=draw(st.integers(5, 30)) if held else None,
    )


@settings(max_examples=300)
@given(step=steps(), words_per_minute=st.integers(20, 300))
def test_any_step_at_any_rate_gets_a_schedule_in_order_apart_and_within_it(step: Step, words_per_minute: int) -> None:
    cues = step_cues(step, CATALOG, words_per_minute)
    assert faults(cues, step.seconds, str(step), words_per_minute) == []
    assert cues[0].text == step.cue
    kinds = [c.kind for c in cues]
    assert (CueKind.HALFWAY in kinds or CueKind.SWITCH_SIDES in kinds) <= (
        step.is_technique and not step.hold_seconds and step.seconds >= RULES.halfway_min_seconds
    )
    assert (CueKind.WARNING in kinds) <= (step.seconds >= RULES.warning_min_seconds)
    assert (CueKind.COUNTDOWN in kinds) <= step.is_technique
    assert (CueKind.RELEASE in kinds) <= bool(step.hold_seconds)


# --- the speaking rate ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("r", ROUTINES)
def test_a_slow_rate_drops_the_less_important_cues_rather_than_overlap_or_move(r: Routine) -> None:
    dropped = 0
    for i, step in enumerate(r.steps):
        fast = step_cues(step, CATALOG)
        slow = step_cues(step, CATALOG, 40)
        where = f"step {i} {step.technique or step.name} {step.seconds} s"
        assert faults(slow, step.seconds, where, 40) == []
        # Only dropped, never moved or added: every slow cue is a default-rate one (same time, same words).
        assert {(c.offset, c.kind, c.text) for c in slow} <= {(c.offset, c.kind, c.text) for c in wanted(step)}
        assert len(slow) <= len(fast)
        left_out = [
            c for c in wanted(step, 40) if (c.offset, c.kind, c.text) not in {(k.offset, k.kind, k.text) for k in slow}
        ]
        for c in left_out:  # each gave way to something at least as important, or would not fit
            assert c.end > step.seconds + EPS or any(
                overlap(k, c) and IMPORTANCE[k.kind] >= IMPORTANCE[c.kind] for k in slow
            ), (where, c)
        dropped += len(fast) - len(slow)
    assert dropped > 0


def test_a_slow_rate_keeps_three_of_a_countdown_only_as_far_as_they_fit() -> None:
    step = next(s for s in ALL_STEPS if s.technique == "effleurage" and s.seconds >= RULES.halfway_min_seconds)
    fast = [c.text for c in step_cues(step, CATALOG) if c.kind is CueKind.COUNTDOWN]
    slow = [c.text for c in step_cues(step, CATALOG, 40) if c.kind is CueKind.COUNTDOWN]
    assert fast == ["Three.", "Two.", "One."]
    # "Three." takes more than a second at 40 words a minute: the earlier keeps its place, the others give way.
    assert speaking_seconds("Three.", 40) > 1
    assert slow == ["Three."]


@pytest.mark.parametrize(
    ("short", "long"),
    [
        pytest.param("One.", "Two, one.", id="more-words"),
        pytest.param("Half way.", "Half-way. Switch sides.", id="more-sentences"),
        pytest.param("Ease off", "Ease off, completely", id="a-comma"),
    ],
)
@pytest.mark.parametrize("words_per_minute", [pytest.param(rate, id=f"{rate}wpm") for rate in (60, DEFAULT, 250)])
def test_speaking_time_grows_with_the_words_and_shrinks_with_the_rate(
    short: str, long: str, words_per_minute: int
) -> None:
    assert speaking_seconds(long, words_per_minute) > speaking_seconds(short, words_per_minute)
    assert speaking_seconds(long, words_per_minute * 2) < speaking_seconds(long, words_per_minute)
    # An upper estimate: never less than the words at the nominal rate.
    words = len(long.replace("-", " ").split())
    assert speaking_seconds(long, words_per_minute) > words * 60 / words_per_minute


# --- the lead-in ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("words_per_minute", RATES)
def test_the_lead_in_counts_down_to_the_first_step(words_per_minute: int) -> None:
    cues = lead_in_cues(RULES, words_per_minute)
    seconds = float(RULES.lead_in_seconds)
    assert faults(cues, seconds, "lead-in", words_per_minute) == []
    assert cues[0] == PlannedCue(
        0.0,
        CueKind.LEAD_IN,
        f"Starting in {RULES.lead_in_seconds}.",
        speaking_seconds(f"Starting in {RULES.lead_in_seconds}.", words_per_minute),
    )
    countdown = [(c.offset, c.text) for c in cues[1:]]
    full = [(seconds - 3, "Three."), (seconds - 2, "Two."), (seconds - 1, "One.")]
    assert all(c.kind is CueKind.COUNTDOWN for c in cues[1:])
    assert set(countdown) <= set(full)
    if words_per_minute == DEFAULT:
        assert countdown == full


# --- the kinds of cue and their order ---------------------------------------------------------------------------


def test_the_kinds_are_the_planned_ones_and_the_answers() -> None:
    planned = set().union(*RANK)
    assert set(CueKind) == planned | set(ANSWERS) and not planned & set(ANSWERS)
    # Repeat, back and skipped were never said: gone, with their texts.
    assert not {"repeat", "back", "skipped"} & ({k.value for k in CueKind} | {f.name for f in fields(CueTexts)})
    for words in ANSWERS.values():
        assert all(getattr(TEXTS, name).strip() for name in words)


def test_the_priorities_rank_the_planned_cues_as_the_docstring_says() -> None:
    """``PRIORITY`` is what both the schedule (two cues would overlap) and a session (two are due at once, after a
    late tick) go by: the openers alike, then strictly down the docstring's order; answers have none."""
    assert set(PRIORITY) == set().union(*RANK)
    assert len({PRIORITY[kind] for kind in OPENERS}) == 1
    for higher, lower in zip(RANK, RANK[1:], strict=False):
        assert min(PRIORITY[k] for k in higher) > max(PRIORITY[k] for k in lower), (higher, lower)
