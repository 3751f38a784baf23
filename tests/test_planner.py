"""The planner: every guarantee of the plan contract on random requests, the partner arc, restrictions, doses."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unknot import load_catalog
from unknot.errors import PlanError
from unknot.model import Category, Mode, PlanRequest, Pressure, Routine, Step, Verdict
from unknot.planner import plan

CATALOG = load_catalog()
REGIONS = CATALOG.region_ids
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
BODY = {"hands", "palm", "fingers", "thumb", "knuckle", "elbow", "forearm"}
MUSCLES = {
    f"{m}_{s}"
    for m in ("upper_trapezius", "scapula", "rhomboid", "paraspinal", "lower_trapezius")
    for s in ("left", "right")
}
# The contract's technique table, written out by hand (shared/contracts/README.md).
TABLE: dict[str, tuple[Mode, set[str], bool, set[str]]] = {
    "effleurage": (Mode.PARTNER, {"hands", "palm", "forearm"}, False, set(REGIONS)),
    "petrissage": (Mode.PARTNER, {"hands", "fingers", "palm", "thumb"}, False, MUSCLES),
    "rhomboid_access": (
        Mode.PARTNER,
        {"thumb", "knuckle", "fingers", "palm"},
        True,
        {"rhomboid_left", "rhomboid_right"},
    ),
    "trigger_point": (Mode.PARTNER, {"thumb", "knuckle", "elbow"}, True, MUSCLES),
    "ball_wall": (Mode.SELF, {"tennis_ball", "lacrosse_ball"}, True, MUSCLES),
    "ball_floor": (Mode.SELF, {"tennis_ball", "lacrosse_ball"}, True, MUSCLES),
    "foam_roller": (
        Mode.SELF,
        {"foam_roller"},
        False,
        (MUSCLES - {"upper_trapezius_left", "upper_trapezius_right"}) | {"thoracic_spine"},
    ),
    "hand_kneading": (Mode.SELF, {"hands", "fingers"}, False, {"upper_trapezius_left", "upper_trapezius_right"}),
    "cane": (Mode.SELF, {"massage_cane"}, True, MUSCLES),
}
POINT = {t for t, (_, _, point, _) in TABLE.items() if point}
# Contract v2: seconds per region per routine, per group of techniques (a step counts for each region it covers).
DOSE_CAPS = (
    ({"ball_wall", "ball_floor", "foam_roller", "cane"}, 240),
    ({"hand_kneading", "petrissage"}, 300),
    ({"trigger_point", "rhomboid_access"}, 180),
)
NECK_CUED = {"trigger_point", "ball_wall", "ball_floor", "cane"}
# What each restriction removes, as the contract tables it: (techniques, tools, positions, max pressure, any point).
REMOVES: dict[str, tuple[set[str], set[str], set[str], Pressure | None, bool]] = {
    "light_pressure": ({"trigger_point", "cane"}, {"elbow"}, set(), Pressure.LIGHT, False),  # v2: the cane too
    "no_firm": (set(), set(), set(), Pressure.MEDIUM, False),
    "no_tools_point": (set(), {"elbow"}, set(), None, True),
    "no_spine_rolling": ({"foam_roller"}, set(), set(), None, False),
    "no_floor_ball": ({"ball_floor"}, set(), set(), None, False),
    "no_floor_work": ({"foam_roller", "ball_floor"}, set(), {"supine_floor"}, None, False),
    "no_prone": (set(), set(), {"prone"}, None, False),
}


def faults(request: PlanRequest, routine: Routine, screen: Verdict | None = None) -> list[str]:
    """Every way ``routine`` breaks the plan contract's guarantees for ``request``."""
    out: list[str] = []
    steps = routine.steps
    if routine.shortened is None and routine.total_seconds != request.minutes * 60:
        out.append(f"{routine.total_seconds} s for {request.minutes} min")
    if routine.shortened is not None and (
        routine.shortened.asked_seconds != request.minutes * 60
        or routine.total_seconds > request.minutes * 60
        or not routine.shortened.reason.strip()
    ):
        out.append(f"shortened wrongly: {routine.shortened} for {request.minutes} min, {routine.total_seconds} s")
    avoid = set(request.avoid) | set(screen.avoid_regions if screen else ())
    limits = set(request.restrictions) | set(screen.restrictions if screen else ())
    banned_t = {t for r in limits for t in REMOVES[r][0]} | (POINT if any(REMOVES[r][4] for r in limits) else set())
    banned_tools = {t for r in limits for t in REMOVES[r][1]}
    banned_pos = {p for r in limits for p in REMOVES[r][2]}
    cap = min((REMOVES[r][3].level for r in limits if REMOVES[r][3]), default=Pressure.FIRM.level)
    for i, s in enumerate(steps):
        where = f"step {i} {s.technique or s.name} {s.region}"
        if s.seconds < 5 or not s.cue.strip() or len(s.cue.split()) > 15:
            out.append(f"{where}: {s.seconds} s, cue {s.cue!r}")
        if (s.position or routine.position) in banned_pos:
            out.append(f"{where}: position {s.position}")
        if not s.is_technique:
            continue
        mode, tools, _, regions = TABLE[s.technique]
        covered = s.regions or (s.region,)
        if mode is not request.mode:
            out.append(f"{where}: a {mode} technique")
        if s.region not in covered or not set(covered) <= regions or set(covered) & avoid:
            out.append(f"{where}: regions {covered}")
        if s.tool not in tools or (s.tool not in BODY and s.tool not in request.tools) or s.tool in banned_tools:
            out.append(f"{where}: tool {s.tool}")
        if s.technique in banned_t:
            out.append(f"{where}: technique removed by {sorted(limits)}")
        if s.pressure is None or s.pressure.level > cap:
            out.append(f"{where}: pressure {s.pressure}")
        if s.technique == "trigger_point" and s.hold_seconds is None:
            out.append(f"{where}: no hold")
        if s.hold_seconds is not None and not 0 < s.hold_seconds <= min(30, s.seconds):
            out.append(f"{where}: hold {s.hold_seconds} s")
        if s.hold_seconds is not None and "light_pressure" in limits:
            out.append(f"{where}: a sustained hold under light_pressure")
        if s.technique in NECK_CUED and s.region.startswith("upper_trapezius") and "neck" not in s.cue.lower():
            out.append(f"{where}: the cue does not say to keep off the neck: {s.cue!r}")
    work = [s for s in steps if s.is_technique]
    dose: Counter[tuple[int, str]] = Counter()
    for s in work:
        for g, (group, _) in enumerate(DOSE_CAPS):
            if s.technique in group:
                dose.update({(g, r): s.seconds for r in s.regions or (s.region,)})
    out += [f"{n} s on {r} over the cap" for (g, r), n in dose.items() if n > DOSE_CAPS[g][1]]
    if request.mode is Mode.SELF and work and work[0].technique in POINT and work[0].pressure is not Pressure.LIGHT:
        out.append(f"a self routine opens with {work[0].technique} at {work[0].pressure}, not a warm-up")
    visits = Counter(s.region for s in work if s.technique in POINT)
    if visits and max(visits.values()) > 3:
        out.append(f"more than 3 point-pressure steps on one spot: {visits.most_common(1)}")
    if request.mode is Mode.PARTNER and work:
        names = [s.technique for s in work]
        if names[0] != "effleurage" or names[-1] != "effleurage":
            out.append("partner routine does not open and close with effleurage")
        if "trigger_point" in names and (
            "petrissage" not in names or names.index("petrissage") > names.index("trigger_point")
        ):
            out.append("trigger points before kneading")
    if routine.focus:
        on = sum(s.seconds for s in work if s.region in routine.focus)
        capped = all(any(dose[(g, r)] >= 0.9 * cap for g, (_, cap) in enumerate(DOSE_CAPS)) for r in routine.focus)
        if on < 0.5 * sum(s.seconds for s in work) and not capped:  # v2: a focus worked up to a cap had its share
            out.append(f"only {on} s on the focus {routine.focus}")
    return out


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    avoid = draw(st.lists(st.sampled_from(REGIONS), max_size=6, unique=True))
    focus = draw(st.lists(st.sampled_from([r for r in REGIONS if r not in avoid] or REGIONS), max_size=3, unique=True))
    return PlanRequest(
        mode=draw(st.sampled_from(list(Mode))),
        minutes=draw(st.integers(3, 60)),
        tools=tuple(draw(st.lists(st.sampled_from(TOOLS), unique=True))),
        focus=tuple(r for r in focus if r not in avoid),
        avoid=tuple(avoid),
        restrictions=tuple(draw(st.lists(st.sampled_from(sorted(REMOVES)), max_size=3, unique=True))),
        seed=draw(st.integers(0, 2**31)),
    )


def reachable_by_hand_or_point(request: PlanRequest) -> set[str]:
    """Regions some technique of the mode reaches by the contract's table, the foam roller left out (it lies
    across the back, so the planner may refuse it next to an avoided region)."""
    limits = set(request.restrictions)
    banned = {t for r in limits for t in REMOVES[r][0]} | (POINT if any(REMOVES[r][4] for r in limits) else set())
    out: set[str] = set()
    for technique, (mode, tools, _, regions) in TABLE.items():
        usable = {t for t in tools if t in BODY or t in request.tools} - {t for r in limits for t in REMOVES[r][1]}
        if mode is request.mode and technique not in banned | {"foam_roller"} and usable:
            out |= regions - set(request.avoid)
    return out


@settings(max_examples=400)
@given(requests())
def test_every_guarantee_holds_and_the_seed_decides(request: PlanRequest) -> None:
    try:
        routine = plan(request)
    except PlanError as err:
        assert err.code == "nothing_to_work", err.message
        assert reachable_by_hand_or_point(request) == set(), f"refused, yet the table reaches: {err.message}"
        return
    assert faults(request, routine) == []
    assert plan(request) == routine


@given(requests(), st.sampled_from(sorted(REMOVES)), st.lists(st.sampled_from(REGIONS), max_size=2, unique=True))
def test_a_screens_limits_are_applied(request: PlanRequest, restriction: str, avoid: list[str]) -> None:
    avoid = [r for r in avoid if r not in request.focus]
    screen = Verdict(Category.CAUTION, True, tuple(avoid), (restriction,), (), "", "", "", "112")
    try:
        routine = plan(request, screen)
    except PlanError as err:
        assert err.code == "nothing_to_work"
        return
    assert faults(request, routine, screen) == []


def test_the_content_matches_the_contracts_technique_table() -> None:
    assert {t.id for t in CATALOG.techniques} == set(TABLE)
    for t in CATALOG.techniques:
        mode, tools, point, regions = TABLE[t.id]
        assert (t.mode, t.is_point, set(t.regions)) == (mode, point, regions), t.id
        assert set(t.tools) == tools, t.id


def test_each_restriction_removes_what_the_contract_says() -> None:
    for r in CATALOG.restrictions:
        techniques, tools, positions, cap, point = REMOVES[r.id]
        assert (set(r.techniques), set(r.tools), set(r.positions), r.max_pressure, r.point) == (
            techniques,
            tools,
            positions,
            cap,
            point,
        ), r.id


@pytest.mark.parametrize("restriction", sorted(REMOVES))
def test_each_restriction_removes_exactly_what_it_says(restriction: str) -> None:
    """With the restriction the banned things never appear; without it, on the same requests, they do."""
    techniques, tools, positions, cap, point = REMOVES[restriction]
    banned_t = techniques | (POINT if point else set())
    seen_without: Counter[str] = Counter()
    kits = ((Mode.PARTNER, ()), (Mode.SELF, TOOLS), (Mode.SELF, ("lacrosse_ball", "foam_roller")))
    for mode, kit in (*kits, (Mode.SELF, ("lacrosse_ball",))):  # a lacrosse ball's second round is firm
        for minutes in (20, 45):
            request = PlanRequest(mode, minutes, kit, seed=minutes)
            limited = plan(PlanRequest(mode, minutes, kit, restrictions=(restriction,), seed=minutes))
            free = plan(request)
            assert faults(request, free) == []
            for s in free.steps:
                seen_without.update([s.technique, s.tool, s.position, s.pressure.value if s.pressure else ""])
            for s in limited.steps:
                assert s.technique not in banned_t and s.tool not in tools and s.position not in positions
                assert cap is None or s.pressure is None or s.pressure.level <= cap.level
            kept = {s.technique for s in limited.steps if s.is_technique}
            assert kept, f"{restriction} left nothing in a {mode} routine"
    removed = banned_t | tools | positions | ({p.value for p in Pressure if p.level > cap.level} if cap else set())
    assert any(seen_without[x] for x in removed), f"nothing {restriction} removes ever appears without it"


@pytest.mark.parametrize("minutes", [3, 8, 15, 30, 60])
def test_the_partner_arc(minutes: int) -> None:
    routine = plan(PlanRequest(Mode.PARTNER, minutes, seed=4))
    names = [s.technique for s in routine.steps if s.is_technique]
    assert names[0] == names[-1] == "effleurage"
    arc = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]  # collapse repeats
    first_round = arc[: arc.index("effleurage", 1) + 1] if "effleurage" in arc[1:] else arc
    expected = ["effleurage", "petrissage", "rhomboid_access", "trigger_point", "effleurage"]
    assert [n for n in expected if n in first_round] == [n for n in first_round if n in expected]
    if minutes >= 8:
        assert {"petrissage", "rhomboid_access", "trigger_point"} <= set(names)
        kneads = [s for s in routine.steps if s.technique == "petrissage"]
        assert kneads[0].region.startswith("upper_trapezius"), "kneading starts on the upper trapezius"
    steps = routine.steps
    for i, s in enumerate(steps):
        if s.technique == "trigger_point":
            assert s.hold_seconds is not None and s.hold_seconds <= 30
            following = next(x for x in steps[i + 1 :] if not x.is_technique or x.technique != "trigger_point")
            assert following.name in ("rest", "pain_check"), "a rest or pain check follows every hold"
    holds = Counter(s.region for s in steps if s.technique == "trigger_point")
    assert max(holds.values(), default=0) <= 3, "at most 3 holds per spot"


def test_rhomboid_access_asks_for_the_hand_on_the_small_of_the_back() -> None:
    technique = CATALOG.technique("rhomboid_access")
    assert technique is not None
    text = " ".join((technique.description, *technique.how)).lower()
    assert "small of" in text and "back" in text


@pytest.mark.parametrize(
    "tools", [("tennis_ball", "foam_roller"), ("massage_cane", "lacrosse_ball", "foam_roller"), ()]
)
def test_self_routines_visit_each_position_once_and_keep_sides_even(tools: tuple[str, ...]) -> None:
    routine = plan(PlanRequest(Mode.SELF, 30, tools, seed=1))
    positions = [s.position for s in routine.steps if s.is_technique]
    visits = [p for i, p in enumerate(positions) if i == 0 or p != positions[i - 1]]
    assert len(visits) == len(set(visits)), f"back to a position: {visits}"
    assert visits == sorted(visits, key=("seated", "standing_wall", "supine_floor").index)
    per_side: Counter[tuple[str, str, str]] = Counter()
    for s in routine.steps:
        if s.is_technique and s.region.endswith(("_left", "_right")):
            base, side = s.region.rsplit("_", 1)
            per_side[(s.technique, base, side)] += s.seconds
    for (technique, base, side), seconds in per_side.items():
        if side == "left":
            assert seconds == per_side[(technique, base, "right")], (technique, base)


def test_a_one_sided_focus_gets_more_than_its_mirror() -> None:
    routine = plan(PlanRequest(Mode.SELF, 20, ("tennis_ball",), focus=("rhomboid_left",), seed=2))
    on = Counter(s.region for s in routine.steps if s.is_technique)
    seconds = Counter()
    for s in routine.steps:
        seconds[s.region] += s.seconds if s.is_technique else 0
    assert seconds["rhomboid_left"] > 2 * seconds["rhomboid_right"]
    assert on["rhomboid_left"] >= 2


def test_different_seeds_may_differ_but_each_is_stable() -> None:
    routines = {plan(PlanRequest(Mode.SELF, 10, ("tennis_ball",), seed=s)) for s in range(6)}
    assert len(routines) > 1


def test_cues_do_not_repeat_back_to_back() -> None:
    routine = plan(PlanRequest(Mode.SELF, 45, ("tennis_ball", "foam_roller"), seed=3))
    cues = [s.cue for s in routine.steps if s.is_technique]
    assert all(a != b for a, b in zip(cues, cues[1:], strict=False))


def test_point_pressure_is_capped_per_spot_across_techniques() -> None:
    request = PlanRequest(Mode.PARTNER, 60, focus=("upper_trapezius_left",), seed=2)
    routine = plan(request)
    visits = Counter(s.region for s in routine.steps if s.technique in POINT)
    assert visits["upper_trapezius_left"] == 3  # three 30 s holds: the per-spot cap, within the 180 s dose cap
    assert routine.total_seconds == 3600 and faults(request, routine) == []


def test_when_the_limits_leave_little_the_routine_is_shortened_not_rested() -> None:
    request = PlanRequest(Mode.SELF, 30, ("tennis_ball",), avoid=tuple(r for r in REGIONS if r != "rhomboid_left"))
    routine = plan(request)
    assert faults(request, routine) == []
    assert routine.shortened is not None and routine.total_seconds < 600
    assert not any(s.name == "rest" and s.seconds > 20 for s in routine.steps), "no long rest to pad the time"
    assert "avoid fewer areas" not in routine.shortened.reason  # a self routine names tools and a partner
    assert "a foam roller" in routine.shortened.reason and "partner" in routine.shortened.reason


def test_the_first_cue_of_a_technique_sets_it_up() -> None:
    routine = plan(PlanRequest(Mode.PARTNER, 15, seed=5))
    first = next(s for s in routine.steps if s.technique == "rhomboid_access")
    assert "hand behind their back" in first.cue.lower()


def test_the_roller_never_presses_on_an_avoided_region() -> None:
    routine = plan(PlanRequest(Mode.SELF, 20, ("foam_roller",), avoid=("rhomboid_left",), seed=0))
    for s in routine.steps:
        if s.technique == "foam_roller":
            assert "rhomboid_left" not in s.regions and s.regions


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        pytest.param(PlanRequest(Mode.SELF, 2), "minutes_out_of_range", id="minutes-low"),
        pytest.param(PlanRequest(Mode.SELF, 61), "minutes_out_of_range", id="minutes-high"),
        pytest.param(PlanRequest(Mode.SELF, 10, ("rope",)), "unknown_tool", id="unknown_tool"),
        pytest.param(PlanRequest(Mode.SELF, 10, focus=("lower_back",)), "unknown_region", id="unknown_region"),
        pytest.param(PlanRequest(Mode.SELF, 10, restrictions=("gentle",)), "unknown_restriction", id="unknown_restr"),
        pytest.param(
            PlanRequest(Mode.SELF, 10, focus=("scapula_left",), avoid=("scapula_left",)), "focus_avoided", id="focus"
        ),
        pytest.param(
            PlanRequest(Mode.SELF, 10, avoid=("upper_trapezius_left", "upper_trapezius_right")),
            "nothing_to_work",
            id="nothing_to_work",
        ),
        pytest.param(PlanRequest(Mode.PARTNER, 10, avoid=REGIONS), "nothing_to_work", id="all-avoided"),
    ],
)
def test_wrong_requests_raise_with_their_code(request_: PlanRequest, code: str) -> None:
    with pytest.raises(PlanError) as err:
        plan(request_)
    assert err.value.code == code and err.value.exit_code == 2


def test_a_screen_that_forbids_massage_exits_3() -> None:
    screen = Verdict(Category.STOP_TODAY, False, (), (), (), "", "No massage today.", "", "112")
    with pytest.raises(PlanError) as err:
        plan(PlanRequest(Mode.SELF, 10, ("tennis_ball",)), screen)
    assert (err.value.code, err.value.exit_code) == ("screen_forbids", 3)


def test_nothing_to_work_says_what_to_change() -> None:
    with pytest.raises(PlanError, match="add a tool .* or avoid fewer regions"):
        plan(PlanRequest(Mode.SELF, 10, avoid=("upper_trapezius_left", "upper_trapezius_right")))


def test_every_dose_has_a_source_or_a_design_choice() -> None:
    doses = [(t.id, t.seconds) for t in CATALOG.techniques]
    doses += [(f"{t.id} hold", t.hold) for t in CATALOG.techniques if t.hold is not None]
    doses += [(t.id, t.seconds) for t in CATALOG.transitions]
    assert len(doses) >= 9 + 4 + 5
    for name, dose in doses:
        assert dose.sources or dose.design_choice.strip(), name
        for key in dose.sources:
            assert CATALOG.source(key), (name, key)


def test_the_trigger_point_hold_is_the_articles_30_seconds() -> None:
    technique = CATALOG.technique("trigger_point")
    assert technique is not None and technique.hold is not None
    assert technique.hold.max_seconds == 30 and "SEED" in technique.hold.sources
    assert technique.hold.max_per_spot == 3


def step_sum(steps: tuple[Step, ...]) -> int:
    return sum(s.seconds for s in steps)


@pytest.mark.parametrize("minutes", [3, 4, 7, 33, 59, 60])
@pytest.mark.parametrize("mode", list(Mode))
def test_time_is_allocated_exactly(minutes: int, mode: Mode) -> None:
    routine = plan(PlanRequest(mode, minutes, TOOLS, seed=minutes))
    if routine.shortened is None:
        assert step_sum(routine.steps) == routine.total_seconds == minutes * 60
    else:  # every tool at hand, yet the dose caps cannot fill the hour of a self routine
        assert mode is Mode.SELF and minutes > 40
        assert step_sum(routine.steps) == routine.total_seconds < minutes * 60


def test_no_spoken_cue_asks_for_more_pressure_than_the_step_shows() -> None:
    """A step's pressure is shown beside it and may be limited by today's screen (light pressure only), so no cue
    says how hard to press: a "firmly" would contradict a light step."""
    strong = ("firm", "deeper", "harder", "hard ")
    for technique in CATALOG.techniques:
        for cue in technique.cues:
            assert not any(word in cue.lower() for word in strong), (technique.id, cue)


@pytest.mark.parametrize("mode", [Mode.PARTNER, Mode.SELF])
def test_a_sweep_that_leaves_areas_out_never_says_the_whole_upper_back(mode: Mode) -> None:
    from unknot.cli.player_view import where
    from unknot.planner import area_words

    avoid = ("rhomboid_right", "scapula_left")
    tools = ("foam_roller", "tennis_ball") if mode is Mode.SELF else ()
    routine = plan(PlanRequest(mode=mode, minutes=15, tools=tools, avoid=avoid), catalog=CATALOG)
    broad = [s for s in routine.steps if s.is_technique and len(s.regions) > 3]
    assert broad  # the sweeps (partner) and the roller (self)
    for step in broad:
        assert not set(step.regions) & set(avoid)
        assert "whole" not in step.cue and "whole" not in where(CATALOG, step).lower(), step
    if mode is Mode.PARTNER:
        assert where(CATALOG, broad[0]) == "Upper back, not the right rhomboid or left shoulder blade"
        assert "(around the avoided areas)" in broad[0].cue
    whole = plan(PlanRequest(mode=Mode.PARTNER, minutes=15), catalog=CATALOG)
    sweep = next(s for s in whole.steps if s.technique == "effleurage")
    assert where(CATALOG, sweep) == "Whole upper back" and "whole upper back" in sweep.cue
    assert area_words(CATALOG, ("thoracic_spine", "scapula_left", "scapula_right", "rhomboid_left", "rhomboid_right"))
    assert area_words(CATALOG, ("rhomboid_left",)) is None


# --- contract version 2 (issue 13) ------------------------------------------------------------------------------


def test_light_pressure_removes_the_cane_and_every_sustained_hold() -> None:
    for tools in (("massage_cane",), ("lacrosse_ball", "massage_cane"), TOOLS):
        free = plan(PlanRequest(Mode.SELF, 10, tools, seed=1))
        assert any(s.technique == "cane" for s in free.steps) and any(s.hold_seconds for s in free.steps)
        request = PlanRequest(Mode.SELF, 10, tools, restrictions=("light_pressure",), seed=1)
        light = plan(request)
        assert faults(request, light) == []
        assert not any(s.technique == "cane" or s.hold_seconds is not None for s in light.steps), tools
        assert all(s.pressure is Pressure.LIGHT for s in light.steps if s.is_technique)
    restriction = CATALOG.restriction("light_pressure")
    assert restriction is not None and restriction.no_holds and "cane" in restriction.techniques
    assert "cane" in restriction.meaning and "hold" in restriction.meaning


def test_the_lacrosse_light_example_is_full_length() -> None:
    """shared/contracts/examples/v2/plan-v2-lacrosse-light: the balls and hands fill 10 minutes at light pressure."""
    request = PlanRequest(Mode.SELF, 10, ("lacrosse_ball", "massage_cane"), restrictions=("light_pressure",))
    routine = plan(request)
    assert routine.shortened is None and routine.total_seconds == 600 and faults(request, routine) == []


def test_a_lacrosse_ball_asks_for_medium_and_firm_only_after_the_first_round() -> None:
    routine = plan(PlanRequest(Mode.SELF, 30, ("lacrosse_ball",), seed=0))
    balls = [s for s in routine.steps if s.tool == "lacrosse_ball"]
    first = {s.region: s for s in reversed(balls)}  # each region's first ball step
    assert {s.pressure for s in first.values()} <= {Pressure.LIGHT, Pressure.MEDIUM}
    assert any(s.pressure is Pressure.FIRM for s in balls), "its second round may go firm when nothing caps it"
    for limit in ("no_firm", "light_pressure", "no_floor_ball"):
        limited = plan(PlanRequest(Mode.SELF, 30, ("lacrosse_ball",), restrictions=(limit,), seed=0))
        firm = [s for s in limited.steps if s.pressure is Pressure.FIRM]
        assert not firm or limit == "no_floor_ball"  # only a pressure cap removes firm
    tool = CATALOG.tool("lacrosse_ball")
    assert tool is not None and tool.pressure is Pressure.MEDIUM and tool.later_pressure is Pressure.FIRM
    tennis = plan(PlanRequest(Mode.SELF, 30, ("tennis_ball",), seed=0))
    assert not any(s.pressure is Pressure.FIRM for s in tennis.steps)


@pytest.mark.parametrize(
    ("group", "cap"), [pytest.param(group, cap, id="-".join(sorted(group))) for group, cap in DOSE_CAPS]
)
def test_each_dose_cap_holds_per_region_per_routine(group: set[str], cap: int) -> None:
    caps = {frozenset(c.techniques): c.seconds for c in CATALOG.dose_caps}
    assert caps[frozenset(group)] == cap  # the content says what the contract says
    reached = 0
    for mode, kit in ((Mode.PARTNER, ()), (Mode.SELF, TOOLS), (Mode.SELF, ("foam_roller",)), (Mode.SELF, ())):
        for minutes in (10, 30, 60):
            for focus in ((), ("rhomboid_left",), ("upper_trapezius_right",)):
                routine = plan(PlanRequest(mode, minutes, kit, focus=focus, seed=minutes))
                dose: Counter[str] = Counter()
                for s in routine.steps:
                    if s.technique in group:
                        dose.update({r: s.seconds for r in s.regions or (s.region,)})
                assert max(dose.values(), default=0) <= cap, (mode, kit, minutes, focus, dose.most_common(2))
                reached = max(reached, *dose.values(), 0)
    assert reached >= 0.9 * cap, "some routine works a region up to its cap"


def test_a_foam_roller_alone_for_30_minutes_is_shortened_and_says_why() -> None:
    """shared/contracts/examples/v2/plan-v2-roller-only-long."""
    request = PlanRequest(Mode.SELF, 30, ("foam_roller",))
    routine = plan(request)
    assert faults(request, routine) == []
    assert routine.shortened is not None and routine.shortened.asked_seconds == 1800
    assert routine.total_seconds < 1800
    reason = routine.shortened.reason
    assert "foam roller" in reason and f"about {round(routine.total_seconds / 60)} minutes" in reason
    assert "tennis ball" in reason and "massage cane" in reason, "it names what would make a longer routine"
    rolled = sum(s.seconds for s in routine.steps if s.technique == "foam_roller")
    assert rolled <= 240, "every roller band crosses the spine: 240 s of rolling in all"


def test_a_shortened_routine_never_names_a_tool_a_restriction_rules_out() -> None:
    request = PlanRequest(Mode.SELF, 40, ("foam_roller",), restrictions=("no_tools_point",))
    routine = plan(request)
    assert routine.shortened is not None and faults(request, routine) == []
    assert "ball" not in routine.shortened.reason and "cane" not in routine.shortened.reason
    assert "partner" in routine.shortened.reason


def test_without_shortened_the_time_is_exact_and_with_it_never_longer() -> None:
    for minutes in (3, 10, 25, 45, 60):
        for kit in ((), ("tennis_ball",), ("foam_roller",), TOOLS):
            routine = plan(PlanRequest(Mode.SELF, minutes, kit, seed=minutes))
            if routine.shortened is None:
                assert routine.total_seconds == minutes * 60
            else:
                assert routine.total_seconds < minutes * 60 == routine.shortened.asked_seconds


@pytest.mark.parametrize("tools", [("tennis_ball",), ("lacrosse_ball",), ("massage_cane",), TOOLS, ()])
def test_a_self_routine_warms_up_first(tools: tuple[str, ...]) -> None:
    for minutes in (3, 5, 12, 30):
        for avoid in ((), ("upper_trapezius_left", "upper_trapezius_right")):
            try:
                routine = plan(PlanRequest(Mode.SELF, minutes, tools, avoid=avoid, seed=minutes))
            except PlanError:
                continue  # hands only with both shoulders avoided: nothing to work
            first = next(s for s in routine.steps if s.is_technique)
            assert first.technique in ("hand_kneading", "foam_roller") or first.pressure is Pressure.LIGHT, first


def test_point_steps_on_the_upper_trapezius_say_to_keep_off_the_neck() -> None:
    seen = set()
    kits = ((Mode.PARTNER, ()), (Mode.SELF, TOOLS), (Mode.SELF, ("tennis_ball",)))
    for mode, kit in (*kits, (Mode.SELF, ("tennis_ball", "foam_roller"))):  # with a roller, a floor ball too
        for minutes in (10, 30):
            routine = plan(PlanRequest(mode, minutes, kit, focus=("upper_trapezius_left",), seed=minutes))
            for s in routine.steps:
                if s.technique in NECK_CUED and s.region.startswith("upper_trapezius"):
                    assert "neck" in s.cue.lower() and len(s.cue.split()) <= 15, s
                    seen.add(s.technique)
    assert seen == NECK_CUED
    for t in CATALOG.techniques:
        assert all("neck" in cue.lower() for cue in t.neck_cues), t.id


def test_the_upper_trapezius_is_the_top_of_the_shoulder_never_the_side_of_the_neck() -> None:
    for side in ("left", "right"):
        region = CATALOG.region(f"upper_trapezius_{side}")
        assert region is not None
        assert "from where the neck meets the shoulder outwards" in region.where
        assert "side of the neck" not in region.where
    for t in CATALOG.techniques:
        for text in (t.description, *t.how, *t.cues, *t.neck_cues):
            assert "side of the neck out" not in text and "from the neck out" not in text, (t.id, text)


def test_the_cane_works_the_mid_back_first() -> None:
    for tools in (("massage_cane",), TOOLS):
        routine = plan(PlanRequest(Mode.SELF, 15, tools, seed=3))
        caned = [s.region for s in routine.steps if s.technique == "cane"]
        assert caned and caned[0].startswith(("lower_trapezius", "paraspinal")), caned
        first_other = next((i for i, r in enumerate(caned) if not r.startswith(("lower_trapezius", "paraspinal"))), 9)
        assert all(r.startswith(("lower_trapezius", "paraspinal")) for r in caned[:first_other])
    avoided = plan(PlanRequest(Mode.SELF, 15, ("massage_cane",), avoid=("lower_trapezius_left",), seed=3))
    assert next(s.region for s in avoided.steps if s.technique == "cane").startswith(("lower_trapezius", "paraspinal"))


def test_kneading_cues_name_muscles_not_bones() -> None:
    for mode, kit in ((Mode.PARTNER, ()), (Mode.SELF, ())):
        routine = plan(PlanRequest(mode, 30, kit, focus=("scapula_left", "scapula_right"), seed=2))
        kneads = [s for s in routine.steps if s.technique in ("petrissage", "hand_kneading")]
        assert kneads
        for s in kneads:
            if s.region.startswith("scapula"):
                assert "muscles over the" in s.cue and "shoulder blade" in s.cue, s.cue
            assert not any(f"{verb} the {side} shoulder blade" in s.cue.lower() for verb in ("knead", "roll", "along")
                           for side in ("left", "right")), s.cue  # fmt: skip
    assert any(s.region.startswith("scapula") for s in plan(PlanRequest(Mode.PARTNER, 30, seed=2)).steps)


@pytest.mark.parametrize("minutes", [5, 20])
def test_a_seated_partner_session(minutes: int) -> None:
    seated = plan(PlanRequest(Mode.PARTNER, minutes, position="seated", seed=1))
    assert seated.position == "seated" and {s.position for s in seated.steps} == {"seated"}
    prone = plan(PlanRequest(Mode.PARTNER, minutes, seed=1))
    assert prone.position == "prone"
    assert plan(PlanRequest(Mode.PARTNER, minutes, position="prone", seed=1)) == prone


def test_no_prone_still_seats_the_receiver_who_asked_to_lie_down() -> None:
    routine = plan(PlanRequest(Mode.PARTNER, 10, position="prone", restrictions=("no_prone",)))
    assert routine.position == "seated" and all(s.position != "prone" for s in routine.steps)


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        pytest.param(PlanRequest(Mode.SELF, 10, ("tennis_ball",), position="seated"), "partner", id="self"),
        pytest.param(PlanRequest(Mode.PARTNER, 10, position="standing_wall"), "prone, seated", id="unknown"),
    ],
)
def test_a_wrong_position_is_refused_with_what_to_change(request_: PlanRequest, words: str) -> None:
    with pytest.raises(PlanError, match=words) as err:
        plan(request_)
    assert err.value.code == "invalid_request" and err.value.exit_code == 2


def test_no_step_cue_names_the_numeric_pressure_target() -> None:
    """Under light_pressure the target is comfortable: no cue may say "good hurt" or "4 to 6" (contract v2)."""
    forbidden = ("good hurt", "4 to 6", "4-6", "4–6", "four to six")
    texts = [c for t in CATALOG.techniques for c in (*t.cues, *t.neck_cues)]
    texts += [c for t in CATALOG.transitions for c in t.cues]
    assert not [c for c in texts if any(w in c.lower() for w in forbidden)]
