"""The routine planner: a ``PlanRequest`` (and today's verdict) becomes a timed ``Routine``. Pure and deterministic.

How a routine is built:

1. *What may be used*: the techniques of the mode, less those a restriction removes, each with the tools at hand,
   a position that is allowed, a pressure under the cap, and the regions that are not avoided.
2. *Blocks*, in the order of the routine: a technique on a pair of mirrored regions (left and right share one time
   slot, so the sides stay even) or on one region. Partner routines follow the seed article's arc: warm-up
   effleurage, petrissage of the upper trapezius, rhomboid access, trigger-point holds (a rest between, a pain check
   after), closing effleurage; when time is short the arc comes first (kneading the upper trapezius, rhomboid
   access, holds on the upper trapezius and rhomboids), then kneading the rest. Self routines go seated, then at the
   wall, then on the floor, so the user gets up and down once. More rounds are added until the blocks can fill the
   time; trigger-point holds stop at the per-spot cap of the content, and every step at the dose caps per region
   (content: ``dose_caps``): its longest is cut to the room left, and a block with no room is not built. When
   the blocks cannot fill the time, the routine is shorter and says why (``Routine.shortened``), never padded.
3. *Fit*: the blocks of lowest priority go (later rounds first, then the regions a desk worker needs least, never
   the opening and closing strokes) until the rest fit at their default durations (fewer steps near their dose
   beat many short ones), and always until they fit at their minimums. With a focus, the fewest blocks away from
   it go (found by bisection) for it to hold more than half the time, in a shorter routine if only that lets it.
4. *Time*: the seconds left after the transitions are shared by weight (each technique's default duration,
   three times as much on focus regions) within each step's minimum and maximum, then rounded to whole
   seconds so that the steps sum exactly to the minutes asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial

from unknot.content import load_catalog
from unknot.errors import PlanError
from unknot.model import (
    Catalog,
    Mode,
    PlanRequest,
    Pressure,
    Routine,
    Shortened,
    Step,
    Technique,
    Verdict,
)
from unknot.pressure import PAIN_CHECK, guide

__all__ = ["MAX_MINUTES", "MIN_MINUTES", "area_words", "check_request", "plan"]

MIN_MINUTES = 3
MAX_MINUTES = 60
BODY_PARTS = frozenset({"hands", "palm", "fingers", "thumb", "knuckle", "elbow", "forearm"})

# Design choices (not doses): the order in which muscles are offered, most often knotted by desk work first.
MUSCLES = ("upper_trapezius", "rhomboid", "scapula", "paraspinal", "lower_trapezius")
# A roller lies across the back: it presses on everything at its level, so a band with an avoided region is out.
ROLLER_BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("upper back", ("thoracic_spine", "rhomboid_left", "rhomboid_right", "paraspinal_left", "paraspinal_right")),
    ("shoulder blades", ("thoracic_spine", "scapula_left", "scapula_right", "rhomboid_left", "rhomboid_right")),
    (
        "mid-back",
        ("thoracic_spine", "lower_trapezius_left", "lower_trapezius_right", "paraspinal_left", "paraspinal_right"),
    ),
)
# Effleurage sweeps from the lower neck down to the shoulder blades and out to the shoulders (SEED).
SWEEP = (
    "neck_base",
    "upper_trapezius_left",
    "upper_trapezius_right",
    "thoracic_spine",
    "rhomboid_left",
    "rhomboid_right",
    "scapula_left",
    "scapula_right",
    "paraspinal_left",
    "paraspinal_right",
    "lower_trapezius_left",
    "lower_trapezius_right",
)
AROUND_AVOIDED = "upper back (around the avoided areas)"  # a sweep that leaves some areas out, as spoken
SELF_POSITIONS = ("seated", "standing_wall", "supine_floor")  # up and down once
FOCUS_WEIGHT = 3.0
FOCUS_SHARE = 0.55  # the contract asks for half; keep a margin for rounding
MANDATORY = 1_000_000
MAX_CUE_WORDS = 15  # a spoken cue stays short (issue 4); the content loader checks every cue against it


@dataclass(frozen=True, slots=True)
class Usable:
    """A technique as today allows it: tools at hand, position, pressure, regions not avoided."""

    technique: Technique
    tools: tuple[str, ...]
    position: str
    pressure: Pressure  # the technique's default, under today's cap
    strongest: Pressure  # the most today allows for it
    regions: tuple[str, ...]
    holds: bool = True  # False when a restriction removes sustained holds (light_pressure)


@dataclass(slots=True)
class Item:
    """A step in the making: a technique step with its bounds, or a transition of fixed length."""

    technique: str = ""
    name: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()
    spoken: str = ""
    tool: str = ""
    position: str = ""
    pressure: Pressure | None = None
    low: int = 5
    high: int = 5
    aim: int = 5  # the technique's default duration: blocks are dropped until these fit
    weight: float = 1.0
    unit: int = -1  # technique steps of one unit get the same seconds; -1: a transition of fixed length
    hold_max: int = 0
    release: int = 0
    focus: bool = False
    side: str = ""
    seconds: int = 0
    base: str = ""  # the region without its side: mirrored steps share it

    def mirrors(self, other: Item) -> bool:
        """Whether ``other`` is the same technique on the other side."""
        return bool(self.base) and self.base == other.base and self.region != other.region


@dataclass
class Block:
    """Steps kept or dropped together; the block of lowest ``priority`` is dropped first."""

    key: tuple[object, ...]
    items: list[Item]
    priority: int
    focus: bool = False
    kneads: bool = False  # petrissage: trigger points may only follow one
    presses: bool = False  # trigger points
    sums: tuple[int, int, int] | None = None  # (low, aim, high) of its items and the switches inside it
    ends: tuple[Item, Item] | None = None  # its first and last technique steps


@dataclass
class Plan:
    """The state of one planning run."""

    catalog: Catalog
    request: PlanRequest
    avoid: frozenset[str]
    restrictions: frozenset[str]
    rng: random.Random
    usable: dict[str, Usable] = field(default_factory=dict)
    focus: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    right_first: bool = False
    focus_rounds: bool = True  # later rounds repeat only the focus (while that can fill the time)
    units: int = 0
    lengths: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # transition: (min, default, max)
    words: dict[str, tuple[str, str]] = field(default_factory=dict)  # region: (spoken name, name without side)
    muscles: dict[str, str] = field(default_factory=dict)  # region: how a kneading cue names it
    splits: dict[tuple[tuple[str, ...], ...], list[tuple[str, ...]]] = field(default_factory=dict)  # _split, per plan
    checks: tuple[str, ...] = ()  # what a pressure check says under today's target (pressure.py)
    caps: dict[str, tuple[str, int]] = field(default_factory=dict)  # technique: (dose cap id, seconds per region)
    dose: dict[tuple[str, str], int] = field(default_factory=dict)  # (cap id, region): the most seconds built so far
    free_pressure: bool = True  # no restriction caps the pressure today
    shortened: Shortened | None = None
    exhausted: bool = False  # the last build stopped early: the dose caps allow no more rounds

    def unit(self) -> int:
        """A new allocation unit id (0 is the get-ready step's)."""
        self.units += 1
        return self.units


Builder = Callable[[Plan, int], list[Block]]


def plan(request: PlanRequest, screen: Verdict | None = None, catalog: Catalog | None = None) -> Routine:
    """Build the routine for ``request``, within what ``screen`` (today's verdict, if given) allows.

    Raises ``PlanError``: ``unknown_*`` and ``minutes_out_of_range`` for a wrong request, ``focus_avoided`` when
    a region is both focused and avoided, ``screen_forbids`` (exit 3) when the screen allows no massage, and
    ``nothing_to_work`` when no technique can reach a region with the tools given.
    """
    catalog = catalog or load_catalog()
    _check_request(request, catalog)
    if screen is not None:  # a screen's ids are checked like the request's: a typo must not unmask a region
        _check_ids(catalog, screen.avoid_regions, screen.restrictions)
    avoid = frozenset(request.avoid) | frozenset(screen.avoid_regions if screen else ())
    restrictions = frozenset(request.restrictions) | frozenset(screen.restrictions if screen else ())
    both = [r for r in request.focus if r in avoid]
    if both:
        raise PlanError(
            f"region '{both[0]}' is both a focus and avoided (by the request or today's screen); drop it from focus",
            code="focus_avoided",
        )
    if screen is not None and not (screen.may_massage and screen.category.allows_massage):
        raise PlanError(
            f"today's screen ({screen.category.value}) does not allow massage: {screen.advice or 'no routine today'}",
            code="screen_forbids",
        )
    state = Plan(catalog, request, avoid, restrictions, random.Random(request.seed))
    rules = tuple(dict.fromkeys(r.rule for r in screen.reasons)) if screen else ()
    state.checks = guide(restrictions, rules, catalog).checks
    state.words = {
        r.id: (r.spoken, r.id.rsplit("_", 1)[0] if r.id.endswith(("_left", "_right")) else "") for r in catalog.regions
    }
    state.caps = {t: (cap.id, cap.seconds) for cap in catalog.dose_caps for t in cap.techniques}
    state.free_pressure = catalog.pressure_cap(restrictions) is None
    state.muscles = {r.id: r.muscle for r in catalog.regions if r.muscle}
    state.usable = _usable(state)
    state.lengths = {t.id: (t.seconds.min, t.seconds.default, t.seconds.max) for t in catalog.transitions}
    for name, (_, length, _) in list(state.lengths.items()):
        if name != "get_ready":  # only the get-ready step stretches; the others last their default
            state.lengths[name] = (length, length, length)
    reachable = {r for u in state.usable.values() for r in u.regions}
    if not reachable:
        raise PlanError(_nothing_to_work(state), code="nothing_to_work")
    state.focus = frozenset(r for r in request.focus if r in reachable)
    for region in request.focus:
        if region not in reachable:
            state.notes.append(f"focus {region}: no technique reaches it with the tools given, so it is not favoured")
    steps = _fit(state, _partner_blocks if request.mode is Mode.PARTNER else _self_blocks)
    first = next(s for s in steps if s.is_technique)
    return Routine(
        mode=request.mode,
        position=first.position,
        steps=tuple(steps),
        avoid=tuple(r for r in catalog.region_ids if r in avoid),
        restrictions=tuple(r.id for r in catalog.restrictions if r.id in restrictions),
        focus=tuple(r for r in catalog.region_ids if r in state.focus),
        notes=tuple(state.notes),
        rules=rules,
        shortened=state.shortened,
    )


def check_request(request: PlanRequest, catalog: Catalog | None = None) -> None:
    """``PlanError`` naming what is wrong with ``request`` (minutes, tools, regions, restrictions, position), before
    any screen: a front end checks the options it was given before it asks anything."""
    _check_request(request, catalog or load_catalog())


def _check_request(request: PlanRequest, catalog: Catalog) -> None:
    if not MIN_MINUTES <= request.minutes <= MAX_MINUTES:
        raise PlanError(
            f"minutes must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}, not {request.minutes}",
            code="minutes_out_of_range",
        )
    tools = [t.id for t in catalog.tools]
    for tool in request.tools:
        if tool not in tools:
            raise PlanError(
                f"tool '{tool}' is not known; the tools are: {', '.join(tools)} (hands are always there)",
                code="unknown_tool",
            )
    _check_ids(catalog, (*request.focus, *request.avoid), request.restrictions)
    if request.position is not None:
        if request.mode is not Mode.PARTNER:
            raise PlanError(
                f"position '{request.position}' is for a partner routine (where the receiver is); a self routine"
                " chooses its own positions: leave position out",
                code="invalid_request",
            )
        known = list(dict.fromkeys(p for t in catalog.techniques if t.mode is Mode.PARTNER for p in t.positions))
        if request.position not in known:
            raise PlanError(
                f"position '{request.position}' is not a position for the receiver; choose one of: {', '.join(known)}",
                code="invalid_request",
            )


def _check_ids(catalog: Catalog, regions: tuple[str, ...], restrictions: tuple[str, ...]) -> None:
    for region in regions:
        if catalog.region(region) is None:
            raise PlanError(
                f"region '{region}' is not an upper-back region; choose one of: {', '.join(catalog.region_ids)}",
                code="unknown_region",
            )
    for restriction in restrictions:
        if catalog.restriction(restriction) is None:
            known = ", ".join(r.id for r in catalog.restrictions)
            raise PlanError(
                f"restriction '{restriction}' is not known; choose from: {known}", code="unknown_restriction"
            )


def _usable(state: Plan) -> dict[str, Usable]:
    catalog, request = state.catalog, state.request
    limits = [r for r in catalog.restrictions if r.id in state.restrictions]
    no_tech = {t for r in limits for t in r.techniques}
    no_tools = {t for r in limits for t in r.tools}
    no_positions = {p for r in limits for p in r.positions}
    no_point = any(r.point for r in limits)
    holds = not any(r.no_holds for r in limits)
    cap = (catalog.pressure_cap(state.restrictions) or Pressure.FIRM).level
    usable: dict[str, Usable] = {}
    for t in catalog.techniques:
        if t.mode is not request.mode or t.id in no_tech or (no_point and t.is_point):
            continue
        tools = tuple(x for x in t.tools if (x in BODY_PARTS or x in request.tools) and x not in no_tools)
        positions = [p for p in t.positions if p not in no_positions]
        if request.position in positions:  # the receiver's chosen position, unless a restriction removes it
            positions.remove(request.position)
            positions.insert(0, request.position)
        allowed = [p for p in t.pressures if p.level <= cap]
        pressures = [p for p in allowed if p.level <= t.pressure.level]
        regions = tuple(r for r in t.regions if r not in state.avoid)
        if t.id == "foam_roller":
            rolled = {r for _, band in _bands(state) for r in band}
            regions = tuple(r for r in regions if r in rolled)
        if tools and positions and pressures and regions:
            usable[t.id] = Usable(t, tools, positions[0], pressures[-1], allowed[-1], regions, holds)
    return usable


def _bands(state: Plan) -> list[tuple[str, tuple[str, ...]]]:
    return [(name, band) for name, band in ROLLER_BANDS if not any(r in state.avoid for r in band)]


def _nothing_to_work(state: Plan) -> str:
    have = ", ".join(state.request.tools) or "hands only"
    limits = ", ".join(sorted(state.restrictions)) or "none"
    avoided = ", ".join(r for r in state.catalog.region_ids if r in state.avoid) or "none"
    change = "avoid fewer regions"
    missing = [t.id for t in state.catalog.tools if t.id not in state.request.tools]
    if state.request.mode is Mode.SELF and missing and "no_tools_point" not in state.restrictions:
        change = f"add a tool ({', '.join(missing)}), or {change}"
    elif state.request.mode is Mode.SELF:
        change = f"ask a partner for broad strokes (mode partner), or {change}"
    return (
        f"nothing left to work: with {have}, today's limits ({limits}) and the avoided regions ({avoided}), no "
        f"{state.request.mode.value} technique reaches a region; {change}"
    )


# --- blocks ---------------------------------------------------------------------------------------------------


def area_words(catalog: Catalog, regions: tuple[str, ...]) -> str | None:
    """How a step over many regions names where it works: a roller's band ("across the shoulder blades"), the
    whole upper back, or the upper back but for the areas left out ("upper back, not the rhomboid (right)").
    None for a step on one to three regions, named region by region."""
    band = next((name for name, band in ROLLER_BANDS if set(band) == set(regions)), None)
    if band is not None:
        return f"across the {band}"
    if len(regions) <= 3:
        return None
    missed = [r for r in SWEEP if r not in regions]
    if not missed:
        return "whole upper back"
    names = [region.spoken if (region := catalog.region(r)) else r for r in missed]
    return "upper back, not the " + " or ".join(names)


@cache
def _pairs(regions: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The regions as mirrored pairs (or singles), most-needed muscles first, midline regions last."""
    out: list[tuple[str, ...]] = []
    for muscle in MUSCLES:
        pair = tuple(r for r in (f"{muscle}_left", f"{muscle}_right") if r in regions)
        if pair:
            out.append(pair)
    out += [(r,) for r in regions if not r.endswith(("_left", "_right"))]
    return tuple(out)


def _item(state: Plan, use: Usable, region: str, *, tool: str = "", regions: tuple[str, ...] = ()) -> Item:
    t = use.technique
    seconds = t.seconds
    focus = region in state.focus
    spoken, base = state.words[region]
    if t.names_muscle:  # kneading takes muscle in the hands: the muscles over the shoulder blade, never the bone
        spoken = state.muscles.get(region, spoken)
    hold = t.hold if use.holds else None
    return Item(
        t.id,
        "",
        region,
        regions,
        spoken,
        tool or use.tools[0],
        use.position,
        use.pressure,
        seconds.min,
        seconds.max,
        seconds.default,
        seconds.default * (FOCUS_WEIGHT if focus else 1.0),
        -1,
        hold.max_seconds if hold else 0,
        hold.release_seconds if hold else 0,
        focus,
        "",
        0,
        base,
    )


def _split(state: Plan, pairs: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Pairs whose sides differ in focus become two singles, the focused side first: only it is repeated."""
    key = tuple(pairs)
    known = state.splits.get(key)
    if known is not None:
        return known
    out: list[tuple[str, ...]] = []
    for pair in pairs:
        focused = [r for r in pair if r in state.focus]
        if len(pair) == 2 and len(focused) == 1:
            out += [(focused[0],), tuple(r for r in pair if r not in state.focus)]
        else:
            out.append(pair)
    state.splits[key] = out
    return out


def _pair_block(state: Plan, use: Usable, pair: tuple[str, ...], priority: int, round_: int, tool: str = "") -> Block:
    """A technique on one region or a mirrored pair; a pair with the same focus shares one time unit."""
    items = [_item(state, use, region, tool=tool) for region in _sided(state, pair)]
    if len(items) == 2 and items[0].focus == items[1].focus:
        items[0].unit = items[1].unit = state.unit()
    else:
        for it in items:
            it.unit = state.unit()
    focus = any(it.focus for it in items)
    return Block((round_, use.technique.id, pair), items, priority + (500 if focus else 0), focus=focus)


def _sided(state: Plan, pair: tuple[str, ...]) -> tuple[str, ...]:
    """Left first or right first: the seed decides, once per routine."""
    if len(pair) == 2 and state.right_first:
        return (pair[1], pair[0])
    return pair


def _transition(state: Plan, name: str, position: str, side: str = "") -> Item:
    length = state.catalog.transition(name).seconds.default
    return Item(name=name, position=position, low=length, high=length, aim=length, side=side)


def _skip(state: Plan, regions: tuple[str, ...], round_: int) -> bool:
    """Whether to leave a block on ``regions`` out of this round: later rounds repeat only the focus (while that
    can fill the time), so a block away from it is not even built."""
    return bool(round_ and state.focus and state.focus_rounds and not any(r in state.focus for r in regions))


def _partner_blocks(state: Plan, rounds: int) -> list[Block]:
    u = state.usable
    sweep = u.get("effleurage")
    if sweep is None:  # effleurage is broad and no restriction removes it; guarded all the same
        raise PlanError(_nothing_to_work(state), code="nothing_to_work")
    covered = tuple(r for r in SWEEP if r in sweep.regions)
    main = next((r for r in covered if r in state.focus), covered[0])

    def stroke(key: tuple[object, ...], priority: int, pressure: Pressure) -> Block:
        it = _item(state, sweep, main, regions=covered)
        if len(covered) > 3:  # never "the whole upper back" when part of it is to be left alone
            it.spoken = "whole upper back" if len(covered) == len(SWEEP) else AROUND_AVOIDED
        it.pressure = pressure
        it.unit = state.unit()
        return Block(key, [it], priority, focus=it.focus)

    firmer = Pressure.MEDIUM if Pressure.MEDIUM.level <= sweep.strongest.level else sweep.pressure
    state.dose = {}
    blocks = [stroke(("open",), MANDATORY, sweep.pressure)]  # warm-up, light
    visits: dict[str, int] = {}  # point-pressure steps per region this session, whatever the technique
    cap = _visit_cap(state)
    kneaded = False
    for n in range(rounds):
        base = 400 - 100 * n
        candidates: list[Block] = []
        if "petrissage" in u:
            pairs = _pairs(u["petrissage"].regions)
            for i, pair in enumerate(_split(state, _arc_first(state, pairs))):
                if _skip(state, pair, n) or not _room(state, "petrissage", pair, u["petrissage"].technique.seconds.min):
                    continue
                b = _pair_block(state, u["petrissage"], pair, base + 35 - 5 * i, n)
                if not _dosed(state, b.items):
                    continue
                b.kneads = True
                if not kneaded:  # the first kneading stays while any trigger point does
                    b.priority = MANDATORY - 1
                    kneaded = True
                candidates.append(b)
        if "rhomboid_access" in u:
            for pair in _split(state, _pairs(u["rhomboid_access"].regions)):
                low = u["rhomboid_access"].technique.seconds.min
                if _skip(state, pair, n) or not _room(state, "rhomboid_access", pair, low):
                    continue
                b = _pair_block(state, u["rhomboid_access"], pair, base + 48, n)
                if _dosed(state, b.items, partial(_visit, visits, pair, cap)):
                    candidates.append(b)
        tp = u.get("trigger_point")
        if tp is not None and tp.technique.hold is not None:
            for i, pair in enumerate(_split(state, _pairs(tp.regions))):
                if _skip(state, pair, n) or not _room(state, "trigger_point", pair, tp.technique.seconds.min):
                    continue
                b = _pair_block(state, tp, pair, base + (46 - 3 * i if i < 2 else 20 - 5 * i), n)
                if not _dosed(state, b.items, partial(_visit, visits, pair, cap)):
                    continue
                for it in b.items:
                    it.tool = _press_tool(tp)
                b.presses = True
                b.items = _with_checks(state, b.items, tp.position)
                candidates.append(b)
        # A flush between rounds; a round the dose caps leave empty adds nothing, unless the flush is the focus.
        if n and (candidates or (state.focus_rounds and main in state.focus)):
            flush = stroke(("flush", n), base + 60, firmer)
            flush.focus = True  # it carries the routine between focus rounds
            candidates.insert(0, flush)
        elif n and not candidates:
            state.exhausted = True
            break  # the dose caps leave nothing for another round
        blocks += candidates
    blocks.append(stroke(("close",), MANDATORY, sweep.pressure))
    return blocks


def _arc_first(state: Plan, pairs: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """The upper trapezius first (the seed article's arc), then the focus, then the rest."""
    head = [p for p in pairs if p[0].startswith("upper_trapezius")]
    focus = [p for p in pairs if p not in head and any(r in state.focus for r in p)]
    return head + focus + [p for p in pairs if p not in head and p not in focus]


def _press_tool(use: Usable) -> str:
    # The thumb for a lay partner; the elbow stays possible in the content, but it is not the default beside the
    # neck (design choice, from review: easy to overdo on the upper trapezius).
    return "thumb" if "thumb" in use.tools else use.tools[0]


def _with_checks(state: Plan, items: list[Item], position: str) -> list[Item]:
    """Holds on a pair: a rest between the two sides, a pain check after (screening-rules.md: check-ins)."""
    out: list[Item] = []
    for i, it in enumerate(items):
        if i:
            out.append(_transition(state, "rest", position))
        out.append(it)
    out.append(_transition(state, "pain_check", position))
    return out


def _self_blocks(state: Plan, rounds: int) -> list[Block]:
    u = state.usable
    balls = [t for t in ("tennis_ball", "lacrosse_ball") if t in state.request.tools]
    order = {p: i for i, p in enumerate(SELF_POSITIONS)}
    # Broad work takes its dose first (the roller before a ball); the blocks are then grouped by position.
    techniques = sorted(u, key=lambda t: (u[t].technique.is_point, order.get(u[t].position, len(order))))
    by_position: dict[str, list[Block]] = {}
    visits: dict[str, int] = {}  # point-pressure steps per region this session, whatever the technique
    cap = _visit_cap(state)
    state.dose = {}
    built: list[Block] = []
    # Without a focus the dose goes in the order of building (earlier rounds, broad work first); with one, to the
    # most needed blocks first, once all are built (below).
    greedy = not state.focus
    for n in range(rounds):
        base = 400 - 100 * n
        before = len(built)
        for tid in techniques:
            use = u[tid]
            low = use.technique.seconds.min
            tier = 40 if tid in ("ball_wall", "foam_roller", "cane") else 0
            if tid == "ball_floor" and "ball_wall" in u and "foam_roller" not in u:
                continue  # the wall does the same without getting down on the floor
            found: list[Block] = []
            if tid == "foam_roller":
                for i, (name, band) in enumerate(_bands(state)):
                    if _skip(state, band, n) or (greedy and not _room(state, tid, band, low)):
                        continue
                    region = next((r for r in band if r in state.focus), band[0])
                    it = _item(state, use, region, regions=band)
                    it.spoken = name
                    it.unit = state.unit()
                    priority = base + tier - 5 * i + (500 if it.focus else 0)
                    if not greedy or _dosed(state, [it]):
                        found.append(Block((n, tid, band), [it], priority, focus=it.focus))
            else:
                tool = balls[min(n, len(balls) - 1)] if balls and tid.startswith("ball") else ""
                pressure = _tool_pressure(state, use, tool, n)
                for i, pair in enumerate(_split(state, _first(use, _pairs(use.regions)))):
                    if _skip(state, pair, n) or (greedy and not _room(state, tid, pair, low)):
                        continue
                    b = _pair_block(state, use, pair, base + tier - 5 * i, n, tool=tool)
                    for it in b.items:
                        it.pressure = pressure
                    if (not use.technique.is_point or _visit(visits, pair, cap)) and (
                        not greedy or _dosed(state, b.items)
                    ):
                        found.append(b)
            by_position.setdefault(use.position, []).extend(found)
            built += found
        if greedy and n and len(built) == before:
            state.exhausted = True
            break  # the dose caps leave nothing for another round
    if greedy:
        return _checked_in(state, [b for position in SELF_POSITIONS for b in by_position.get(position, [])])
    # The dose caps go to the most needed blocks first (the focus, then earlier rounds): a ball on a neighbour must
    # not take the room a roller on the focus needs, when the roller's band shares that neighbour.
    admitted = {id(b) for b in sorted(built, key=lambda b: -b.priority) if _dosed(state, b.items)}
    blocks = [b for position in SELF_POSITIONS for b in by_position.get(position, []) if id(b) in admitted]
    return _checked_in(state, blocks)


def _tool_pressure(state: Plan, use: Usable, tool: str, round_: int) -> Pressure:
    """The pressure to ask for: the tool's own instruction where it has one (a lacrosse ball: medium, "lean in with
    less weight"; firmer only after the first round and only when nothing caps the pressure), within today's cap."""
    found = state.catalog.tool(tool) if tool else None
    if found is None or found.pressure is None:
        return use.pressure
    wanted = found.pressure
    if round_ and found.later_pressure is not None and state.free_pressure:
        wanted = found.later_pressure
    return wanted if wanted.level <= use.strongest.level else use.strongest


def _first(use: Usable, pairs: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The technique's first regions first (content: the article offers the cane for the mid-back), then the rest."""
    first = use.technique.first_regions
    if not first:
        return pairs
    head = tuple(p for p in pairs if any(r in first for r in p))
    head = tuple(sorted(head, key=lambda p: min(first.index(r) for r in p if r in first)))
    return head + tuple(p for p in pairs if p not in head)


def _room(state: Plan, technique: str, regions: tuple[str, ...], low: int) -> bool:
    """Whether every one of ``regions`` has room for ``low`` more seconds of ``technique`` (a cheap check before
    building a block the dose caps would refuse)."""
    capped = state.caps.get(technique)
    if capped is None:
        return True
    group, seconds = capped
    dose = state.dose
    for r in regions:
        if seconds - dose.get((group, r), 0) < low:
            return False
    return True


def _dosed(state: Plan, items: list[Item], visit: Callable[[], bool] | None = None) -> bool:
    """Whether the technique steps of ``items`` fit within today's dose caps (and ``visit``, the per-spot count,
    allows them); if so, each step's longest is cut to the room left and the room is taken.

    A step counts for every region it covers; a mirrored pair shares one time unit, so both sides get the smaller
    room. A step without room for its minimum is not built (content: techniques.yaml ``dose_caps``)."""
    room: dict[int, int] = {}  # unit: the most seconds it may last
    caps, dose = state.caps, state.dose
    for it in items:
        if not it.technique:
            continue
        capped = caps.get(it.technique)
        if capped is None:
            continue
        group, seconds = capped
        left = seconds
        for r in it.regions or (it.region,):
            used = dose.get((group, r), 0)
            if seconds - used < left:
                left = seconds - used
        if left < it.low:
            return False
        room[it.unit] = min(room.get(it.unit, it.high), left)
    if visit is not None and not visit():
        return False
    for it in items:
        if it.technique and it.unit in room:
            it.high = min(it.high, room[it.unit])
            it.aim = min(it.aim, it.high)
            group = state.caps[it.technique][0]
            for r in it.regions or (it.region,):
                state.dose[(group, r)] = state.dose.get((group, r), 0) + it.high
    return True


def _visit_cap(state: Plan) -> int:
    """Point-pressure steps one spot may have in a session, whatever the technique (content: hold.max_per_spot)."""
    caps = [t.hold.max_per_spot for t in state.catalog.techniques if t.hold is not None]
    return min(caps, default=3)


def _visit(visits: dict[str, int], pair: tuple[str, ...], cap: int) -> bool:
    """Count a point-pressure visit to every region of ``pair``, unless one of them has had ``cap`` already."""
    if any(visits.get(r, 0) >= cap for r in pair):
        return False
    for r in pair:
        visits[r] = visits.get(r, 0) + 1
    return True


def _checked_in(state: Plan, blocks: list[Block]) -> list[Block]:
    """A pain check after the first point-pressure block at each position, and after every third one after it."""
    seen: dict[str, int] = {}
    for b in blocks:
        first = b.items[0]
        t = state.catalog.technique(first.technique)
        if t is not None and t.is_point:
            count = seen.get(first.position, 0)
            seen[first.position] = count + 1
            if count % 3 == 0:
                b.items = [*b.items, _transition(state, "pain_check", first.position)]
    return blocks


# --- fitting the time -----------------------------------------------------------------------------------------

MAX_ROUNDS = 60


def _fit(state: Plan, build: Builder) -> list[Step]:
    """Choose the rounds and the blocks, then share the seconds; see the module's docstring."""
    total = state.request.minutes * 60
    state.right_first = state.rng.random() < 0.5
    built = _enough_rounds(state, build, total)
    reach = _measure(state, built)[2]
    if reach < total:  # the dose caps cannot fill the time: a shorter routine, never more pressure
        state.shortened = Shortened(total, _shortened_reason(state, reach))
        total = reach
    spare = sorted(
        (i for i, b in enumerate(built) if b.priority < MANDATORY - 1 and not b.focus),
        key=lambda i: (built[i].priority, -i),
    )

    def without(k: int) -> list[Block]:
        gone = set(spare[:k])
        return [b for i, b in enumerate(built) if i not in gone]

    def attempt(k: int, seconds: int = total) -> tuple[list[Item], bool]:
        """The routine without the ``k`` least-needed blocks away from the focus, and whether the focus holds."""
        items = _assemble(state, _drop_until_fits(state, without(k), seconds))
        if not _allocate(items, seconds):  # pragma: no cover - the rounds leave room, the drops leave enough
            raise PlanError(f"cannot share {seconds} s among the steps", code="nothing_to_work")
        return items, _focus_holds(state, items)

    def shorter(k: int) -> tuple[list[Item], bool]:
        """``attempt(k)`` within what the blocks left can fill: shorter than asked when they cannot fill it."""
        return attempt(k, min(total, _measure(state, without(k))[2]))

    def fewest(lo: int, hi: int, holds: Callable[[int], bool]) -> int:
        """The fewest blocks away from the focus to drop, from ``lo`` to ``hi``, for it to hold half the time."""
        while lo < hi:
            mid = (lo + hi) // 2
            if holds(mid):
                hi = mid
            else:
                lo = mid + 1
        return hi

    items, holds = attempt(0)
    if not holds and spare:
        lo, hi = 0, len(spare)  # the most blocks away from the focus that may go with the time still filled
        if _measure(state, without(hi))[2] >= total:
            lo = hi
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _measure(state, without(mid))[2] >= total:
                lo = mid
            else:
                hi = mid - 1
        most = lo
        while most and _measure(state, without(most))[2] < total:
            most -= 1
        if most and attempt(most)[1]:
            items, holds = attempt(fewest(1, most, lambda k: attempt(k)[1]))  # the last attempt sets the seconds
        elif shorter(len(spare))[1]:  # the focus holds only in a shorter routine: shorter, not padded with rest
            k = fewest(most + 1, len(spare), lambda k: shorter(k)[1])
            items, holds = shorter(k)
            worked = sum(it.seconds for it in items)
            if worked < state.request.minutes * 60:
                state.shortened = Shortened(state.request.minutes * 60, _shortened_reason(state, worked))
        else:
            items, holds = attempt(most)
            state.notes.append(
                "the focus has had the most the dose per area allows today, so other regions share the time"
            )
    _warm_up_first(state, items)
    return _steps(state, items)


def _warm_up_first(state: Plan, items: list[Item]) -> None:
    """A self routine opens broad or light (as the seed does for a partner): a point technique first goes light."""
    if state.request.mode is not Mode.SELF:
        return
    work = [it for it in items if it.technique]
    first = work[0]
    if not state.usable[first.technique].technique.is_point:
        return
    for it in work[:2]:
        if it is first or (it.technique == first.technique and it.mirrors(first)):
            it.pressure = Pressure.LIGHT


def _shortened_reason(state: Plan, reach: int) -> str:
    """Why the routine is shorter than asked, naming what would make a longer one possible (content's words)."""
    texts, catalog, request = state.catalog.shortened, state.catalog, state.request
    minutes = max(1, round(reach / 60))
    if request.mode is Mode.PARTNER:
        have = texts.partner_hands
        more = [texts.fewer_avoided] if state.avoid else []
    else:
        names = [_a(tool.name) for tool in catalog.tools if tool.id in request.tools]
        have = _joined([*names, texts.hands], "and")
        limits = [r for r in catalog.restrictions if r.id in state.restrictions]
        removed = {t for r in limits for t in r.techniques}
        extra = [
            _a(tool.name)
            for tool in catalog.tools
            if tool.id not in request.tools
            and any(
                tool.id in t.tools
                and t.mode is Mode.SELF
                and t.id not in removed
                and not (t.is_point and any(r.point for r in limits))
                and any(p not in {p for r in limits for p in r.positions} for p in t.positions)
                and any(r not in state.avoid for r in t.regions)
                for t in catalog.techniques
            )
        ]
        more = [texts.add_tools.format(tools=_joined(extra, "or"))] if extra else []
        more.append(texts.partner)
    if not more:
        return texts.reason_no_more.format(have=have, minutes=minutes)
    return texts.reason.format(have=have, minutes=minutes, more=", or ".join(more))


def _a(name: str) -> str:
    """ "Foam roller" as said in a sentence: "a foam roller"."""
    return f"a {name[0].lower()}{name[1:]}"


def _joined(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _enough_rounds(state: Plan, build: Builder, total: int) -> list[Block]:
    """The blocks of as many rounds as fill ``total`` at their longest. Round one has every region; later rounds
    repeat only the focus (as many as its per-spot cap allows, when point work caps it). When that cannot fill
    the time every region takes its turn again; when nothing more may be added (the dose caps), the routine will
    be shorter."""
    while True:
        rounds = _estimate_rounds(state, total)
        if state.focus and state.focus_rounds and _focus_capacity(state) < total:
            rounds = _visit_cap(state)  # every visit the focus may have; round one brings every other region
        elif state.focus:
            rounds = max(rounds, _visit_cap(state))
        previous = -1
        for _ in range(8):
            state.units = 0
            state.exhausted = False
            blocks = build(state, rounds)
            reach = _measure(state, blocks)[2]
            if reach >= total:
                return blocks
            if reach == previous or rounds == MAX_ROUNDS or state.exhausted:
                break  # more rounds add nothing: every spot has had all the pressure it may have today
            previous, rounds = reach, min(MAX_ROUNDS, rounds * 2)
        if state.focus and state.focus_rounds:
            state.focus_rounds = False
            state.notes.append("the focus alone cannot fill the time, so the other regions share it")
            continue
        return blocks  # every spot has had the most the dose caps allow: the routine will be shorter


def _focus_capacity(state: Plan) -> float:
    """The most time the focus can take today: each technique group's dose cap per region (and point work's
    per-spot cap); broad work outside every cap (effleurage) has no limit."""
    cap = _visit_cap(state)
    most: dict[tuple[str, str], float] = {}
    for tid, use in state.usable.items():
        on = [r for r in use.regions if r in state.focus]
        if not on:
            continue
        capped = state.caps.get(tid)
        if capped is None and not use.technique.is_point:
            return float("inf")
        per_spot = cap * use.technique.seconds.max if use.technique.is_point else float("inf")
        for r in on:
            key = (capped[0] if capped else tid, r)
            most[key] = min(most.get(key, 0.0) + per_spot, capped[1] if capped else per_spot)
    return sum(most.values())


def _estimate_rounds(state: Plan, total: int) -> int:
    """A first guess of the rounds needed, from the longest each usable technique may last on its regions
    (only the focus, when later rounds repeat only it); the build is measured afterwards all the same."""
    per_round = 0
    for tid, use in state.usable.items():
        regions = use.regions
        if state.focus and state.focus_rounds:
            regions = tuple(r for r in regions if r in state.focus)
        if tid == "foam_roller":
            per_round += use.technique.seconds.max * sum(1 for _, band in _bands(state) if set(band) & set(regions))
        elif tid == "effleurage":
            per_round += use.technique.seconds.max  # the flush between rounds
        else:
            per_round += use.technique.seconds.max * len(regions)
    return max(1, min(MAX_ROUNDS, -(-total // max(per_round, 1))))


def _measure(state: Plan, blocks: list[Block]) -> tuple[int, int, int]:
    """(low, aim, high) of the blocks with the transitions ``_assemble`` would add, without building them."""
    lengths = state.lengths
    low = aim = high = 0
    last: Item | None = None
    ends_on_last = False
    for b in blocks:
        sums = b.sums
        if sums is None:
            sums = b.sums = _inner(state, b)
            work = [it for it in b.items if it.technique]
            b.ends = (work[0], work[-1]) if work else None
        ends = b.ends
        if ends is not None:
            first = ends[0]
            if last is None:
                n = lengths["get_ready"]
            elif first.position != last.position:
                n = lengths["reposition"]
            elif ends_on_last and b.items[0] is first and first.technique == last.technique and first.mirrors(last):
                n = lengths["switch_side"]
            elif ends_on_last and b.items[0] is first and first.region == last.region:
                n = lengths["rest"]
            else:
                n = (0, 0, 0)
            last = ends[1]
            ends_on_last = b.items[-1] is last
            low += n[0] + sums[0]
            aim += n[1] + sums[1]
            high += n[2] + sums[2]
        else:
            low += sums[0]
            aim += sums[1]
            high += sums[2]
    return low, aim, high


def _inner(state: Plan, block: Block) -> tuple[int, int, int]:
    """A block's own (low, aim, high): its items and the switch-side steps between them."""
    low = aim = high = 0
    previous: Item | None = None
    for it in block.items:
        if it.technique and previous is not None and previous.technique == it.technique and it.mirrors(previous):
            n = state.lengths["switch_side"]
            low, aim, high = low + n[0], aim + n[1], high + n[2]
        low, aim, high = low + it.low, aim + it.aim, high + it.high
        previous = it
    return low, aim, high


def _drop_until_fits(state: Plan, blocks: list[Block], total: int) -> list[Block]:
    """Keep the blocks that fit at their default durations, dropping the lowest priority (the later of equals).

    Fewer steps near their default dose beat many short ones (about 90 s per area is the useful minimum for a
    ball or roller, HUGH). If that leaves too little to fill the time, the last dropped come back. The order of
    dropping depends only on priorities, so how many to drop is found by bisection.
    """
    order = sorted(
        (i for i, b in enumerate(blocks) if b.priority < MANDATORY - 1),
        key=lambda i: (blocks[i].priority, -i),
    )

    rank = [len(order)] * len(blocks)  # the step at which a block is dropped; mandatory ones never are
    for step, i in enumerate(order):
        rank[i] = step

    def without(k: int) -> list[Block]:
        return [b for b, r in zip(blocks, rank, strict=True) if r >= k]

    def fewest(which: int, start: int) -> int:
        lo, hi = start, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            if _measure(state, without(mid))[which] <= total:
                hi = mid
            else:
                lo = mid + 1
        return lo

    k = fewest(1, 0)  # the default durations fit
    while k and _measure(state, without(k))[2] < total:
        k -= 1  # too little left to fill the time: the last dropped come back
    k = fewest(0, k)  # the minimum durations fit
    kept = without(k)
    if not any(b.kneads for b in kept):  # trigger points only after kneading
        kept = [b for b in kept if not b.presses]
    return kept


def _assemble(state: Plan, blocks: list[Block]) -> list[Item]:
    """The blocks' items in order, with get-ready, reposition and switch-side transitions between them."""
    out: list[Item] = []
    last: Item | None = None
    for b in blocks:
        for it in b.items:
            if it.technique:
                if last is None:
                    out.append(_ready(state, it.position))
                elif it.position != last.position:
                    out.append(_transition(state, "reposition", it.position))
                elif it.technique == last.technique and it.mirrors(last) and out[-1] is last:
                    out.append(_transition(state, "switch_side", it.position, side=it.region.rsplit("_", 1)[1]))
                elif it.region == last.region and out[-1] is last:
                    out.append(_transition(state, "rest", it.position))  # the same spot again: let it recover
                last = it
            out.append(it)
    return out


def _ready(state: Plan, position: str) -> Item:
    """The get-ready step; it takes the odd seconds a pair of sides cannot."""
    t = state.catalog.transition("get_ready")
    return Item(
        name="get_ready",
        position=position,
        low=t.seconds.min,
        high=t.seconds.max,
        aim=t.seconds.default,
        weight=0.01,
        unit=0,
    )


def _allocate(items: list[Item], total: int) -> bool:
    """Share ``total`` seconds exactly: transitions fixed, the units by weight within their bounds."""
    fixed = sum(it.low for it in items if it.unit < 0)
    units: dict[int, list[Item]] = {}
    for it in items:
        if it.unit >= 0:
            units.setdefault(it.unit, []).append(it)
    groups = list(units.values())
    budget = total - fixed
    if not sum(len(g) * g[0].low for g in groups) <= budget <= sum(len(g) * g[0].high for g in groups):
        return False
    value = _water_fill(groups, float(budget))
    whole = [int(v) for v in value]
    left = budget - sum(len(g) * w for g, w in zip(groups, whole, strict=True))
    by_remainder = sorted(range(len(groups)), key=lambda i: value[i] - whole[i], reverse=True)
    while left:  # hand out the whole seconds left, as many as fit at once (pairs take two at a time)
        moved = False
        for i in by_remainder:
            size, bound = len(groups[i]), groups[i][0]
            if left > 0:
                step = min(bound.high - whole[i], left // size)
            else:
                step = -min(whole[i] - bound.low, -left // size)
            if step:
                whole[i] += step
                left -= step * size
                moved = True
                if not left:
                    break
        if not moved:
            return False
    for g, w in zip(groups, whole, strict=True):
        for it in g:
            it.seconds = w
    for it in items:
        if it.unit < 0:
            it.seconds = it.low
    return True


def _water_fill(groups: list[list[Item]], budget: float) -> list[float]:
    """Seconds per unit in proportion to weight, each held within its bounds, summing to ``budget``."""
    value: dict[int, float] = {}
    free = list(range(len(groups)))
    while free:
        weight = sum(len(groups[i]) * groups[i][0].weight for i in free)
        share = budget / weight
        low = [i for i in free if share * groups[i][0].weight < groups[i][0].low]
        high = [] if low else [i for i in free if share * groups[i][0].weight > groups[i][0].high]
        if not low and not high:
            for i in free:
                value[i] = share * groups[i][0].weight
            break
        for i in low:
            value[i] = groups[i][0].low
        for i in high:
            value[i] = groups[i][0].high
        budget -= sum(len(groups[i]) * value[i] for i in (*low, *high))
        free = [i for i in free if i not in value]
    return [value[i] for i in range(len(groups))]


def _focus_holds(state: Plan, items: list[Item]) -> bool:
    if not state.focus:
        return True
    work = [it for it in items if it.technique]
    on = sum(it.seconds for it in work if it.region in state.focus)
    return on >= FOCUS_SHARE * sum(it.seconds for it in work)


def _steps(state: Plan, items: list[Item]) -> list[Step]:
    counters: dict[str, int] = {}
    offset = state.rng.randrange(1_000)
    usable, catalog = state.usable, state.catalog
    steps: list[Step] = []
    append = steps.append
    for it in items:
        seconds = it.seconds
        name = it.technique
        if name:
            technique = usable[name].technique
            if technique.neck_cues and it.region.startswith("upper_trapezius"):  # beside the neck: say to keep off it
                cue = _pick(technique.neck_cues, counters, f"{name} neck", offset).format(region=it.spoken)
            else:
                cue = _pick(technique.cues, counters, name, offset).format(region=it.spoken)
            hold = None
            if it.hold_max:
                hold = (
                    max(5, min(it.hold_max, seconds - it.release))
                    if name == "trigger_point"
                    else min(it.hold_max, seconds)
                )
            regions = it.regions if len(it.regions) > 1 else ()
            # Positional: kind, seconds, cue, position, name, technique, region, regions, tool, pressure, hold.
            append(
                Step("technique", seconds, cue, it.position, "", name, it.region, regions, it.tool, it.pressure, hold)
            )
        else:
            variants = state.checks if it.name == PAIN_CHECK else catalog.transition(it.name).cues
            cue = _pick(variants, counters, it.name, offset).format(side=it.side)
            if it.name in ("get_ready", "reposition"):
                position = catalog.position(it.position)
                if position is not None:  # the opener and how to get into the position, within 15 words
                    joined = f"{cue} {position.cue}"
                    cue = joined if len(joined.split()) <= MAX_CUE_WORDS else position.cue
            append(Step("transition", seconds, cue, it.position, it.name))
    return steps


def _pick(variants: tuple[str, ...], counters: dict[str, int], key: str, offset: int) -> str:
    """The first variant the first time (it sets the technique up), then the others in turn from ``offset``."""
    n = counters.get(key, 0)
    counters[key] = n + 1
    if n == 0 or len(variants) == 1:
        return variants[0]
    return variants[1 + (offset + n - 1) % (len(variants) - 1)]
