"""Typed domain objects: the content catalog, the screening intake and its verdict.

They are frozen standard-library dataclasses, not pydantic models: importing pydantic alone costs about 14
times a bare Python start-up on our machines, more than the whole budget of ``unknot screen --json``
(issue 3). Pydantic still validates them where data comes in from files (``unknot.content``): its
``TypeAdapter`` validates standard dataclasses directly, so each shape is defined once, here.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "PHONE_NUMBER",
    "Answer",
    "Catalog",
    "Category",
    "Clearance",
    "CategoryInfo",
    "CueTexts",
    "EmergencyNumbers",
    "Finding",
    "Dose",
    "DayRules",
    "DayTexts",
    "DoseCap",
    "Hold",
    "InsightRules",
    "Intake",
    "Mistake",
    "Mode",
    "PainEntry",
    "Position",
    "PrepItem",
    "PlanRequest",
    "Pressure",
    "Quality",
    "RemoteKind",
    "RemoteRules",
    "RemoteTap",
    "Reason",
    "ReferTo",
    "Region",
    "Restriction",
    "Routine",
    "Rule",
    "Scope",
    "SessionRules",
    "ScreenRecord",
    "ScreenGroup",
    "SessionEvent",
    "SessionRecord",
    "SessionStatus",
    "Shortened",
    "ShortenedTexts",
    "StepRecord",
    "StepStatus",
    "Feedback",
    "Source",
    "Step",
    "Technique",
    "Tool",
    "Transition",
    "Urgency",
    "Verdict",
]


#: An emergency phone number: 2 to 6 digits (112, 999, 911, 000...).
PHONE_NUMBER = re.compile(r"^[0-9]{2,6}$")

# Pydantic reads this from standard dataclasses when it validates content: an unknown field is an error.
_STRICT = {"extra": "forbid"}


class Category(StrEnum):
    """Verdict categories, strongest first (the order of ``screening-rules.md``)."""

    EMERGENCY = "emergency"  # call emergency services now
    STOP_TODAY = "stop_today"  # no massage today
    CONSULT_FIRST = "consult_first"  # ask a doctor or physiotherapist before any massage
    SEE_PROFESSIONAL = "see_professional"  # self-treatment is not enough
    CAUTION = "caution"  # massage with restrictions
    AVOID_AREA = "avoid_area"  # massage, but not on the named regions
    OK = "ok"  # go ahead

    @property
    def strength(self) -> int:
        """Larger is stronger: ``ok`` is 0, ``emergency`` is 6."""
        return len(_ORDER) - 1 - _ORDER.index(self)

    @property
    def allows_massage(self) -> bool:
        """Whether a verdict of this category lets the user massage today."""
        return self in (Category.CAUTION, Category.AVOID_AREA, Category.OK)


_ORDER = tuple(Category)


class Scope(StrEnum):
    """A global rule concerns the whole person; a local one a place on the back (it asks *where*)."""

    GLOBAL = "global"
    LOCAL = "local"


class Mode(StrEnum):
    """Who gives the massage."""

    PARTNER = "partner"  # someone else's hands
    SELF = "self"  # your own hands and tools


class Pressure(StrEnum):
    """How hard, lightest first."""

    LIGHT = "light"
    MEDIUM = "medium"
    FIRM = "firm"

    @property
    def level(self) -> int:
        """0 for light, 2 for firm."""
        return _PRESSURE_LEVEL[self]


_PRESSURE_LEVEL = {p: i for i, p in enumerate(Pressure)}


class Quality(StrEnum):
    """How the pain feels, when the user says."""

    ACHING = "aching"
    TIGHT = "tight"
    SHARP = "sharp"
    BURNING = "burning"
    TINGLING = "tingling"


class ReferTo(StrEnum):
    """Who a blocking reason sends the user to (``screening-rules.md``, version 2)."""

    EMERGENCY_SERVICES = "emergency_services"  # every emergency reason (derived from the category)
    DOCTOR = "doctor"
    PHYSIO_OR_DOCTOR = "physio_or_doctor"  # a physical therapist, chiropractor or physician (the seed's list)


class Urgency(StrEnum):
    """How soon a blocking reason sends the user to whom it names."""

    NOW = "now"  # every emergency reason (derived from the category)
    WITHIN_24H = "within_24h"
    WITHIN_DAYS = "within_days"
    ROUTINE = "routine"
    BEFORE_MASSAGE = "before_massage"  # consult_first: before any massage


class Answer(StrEnum):
    """An answer to a screening question. ``unsure`` counts as ``yes``."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Source:
    """A reference the content cites by ``key``."""

    __pydantic_config__ = _STRICT

    key: str
    citation: str
    url: str | None
    mark: str
    note: str

    def reference(self) -> str:
        """The citation with its address, on one line."""
        return f"{self.citation} {self.url}" if self.url else self.citation


@dataclass(frozen=True, slots=True)
class Region:
    """A region of the upper back (``shared/clinical/regions.md``); ids are a public contract."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    where: str
    side: str
    techniques: str
    number: int
    spoken: str
    muscle: str | None = None  # how a kneading cue names it when ``spoken`` is a bone ("muscles over the left …")


@dataclass(frozen=True, slots=True)
class Restriction:
    """A limit a ``caution`` finding puts on the routine, such as ``light_pressure``.

    What it removes is data (``restrictions.yaml``, tabled in the plan contract): ``techniques``, ``tools``
    (tools or body parts) and ``positions`` by id, every point technique when ``point`` is true, every sustained
    hold (``hold_seconds``) when ``no_holds`` is true, and any pressure above ``max_pressure``.
    """

    __pydantic_config__ = _STRICT

    id: str
    meaning: str
    techniques: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    point: bool = False
    no_holds: bool = False
    max_pressure: Pressure | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One screening question and what a *yes* to it means."""

    __pydantic_config__ = _STRICT

    id: str
    category: Category
    scope: Scope
    label: str
    question: str
    why: str
    message: str
    restrictions: tuple[str, ...]
    sources: tuple[str, ...]
    refer_to: ReferTo | None = None  # see_professional and consult_first rules: who to see
    urgency: Urgency | None = None  # ... and how soon
    clearance_valid_days: int | None = None  # consult_first rules: how long a professional's clearance holds

    @property
    def is_local(self) -> bool:
        """Whether the rule asks *where* (a region of the back)."""
        return self.scope is Scope.LOCAL


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """What a verdict category means for the user."""

    __pydantic_config__ = _STRICT

    id: Category
    may_massage: bool
    title: str
    advice: str
    next_step: str


@dataclass(frozen=True, slots=True)
class ScreenGroup:
    """Questions asked together ("Do any of these apply today?"), details only for what was ticked."""

    __pydantic_config__ = _STRICT

    id: str
    title: str
    prompt: str
    receiver_title: str
    receiver_prompt: str
    rules: tuple[str, ...]

    def title_for(self, subject: str) -> str:
        """The group's title for a screen about ``subject`` (``self``, or the ``receiver`` of a partner massage)."""
        return self.receiver_title if subject == "receiver" else self.title

    def prompt_for(self, subject: str) -> str:
        """The group's question for a screen about ``subject``."""
        return self.receiver_prompt if subject == "receiver" else self.prompt


@dataclass(frozen=True, slots=True)
class EmergencyNumbers:
    """The number to call by country (ISO 3166 alpha-2), and the number used when the country is unknown."""

    default: str
    by_country: tuple[tuple[str, str], ...]
    note: str

    def for_country(self, country: str | None) -> str:
        """The emergency number of ``country`` (``"GB"``), or the default one."""
        if country:
            for code, number in self.by_country:
                if code == country.upper():
                    return number
        return self.default


@dataclass(frozen=True, slots=True)
class Dose:
    """A duration in seconds, with its basis: source keys, or a design choice said in words."""

    __pydantic_config__ = _STRICT

    default: int
    min: int
    max: int
    sources: tuple[str, ...] = ()
    design_choice: str = ""


@dataclass(frozen=True, slots=True)
class Hold:
    """How a compression is held: at most ``max_seconds``, released over ``release_seconds``."""

    __pydantic_config__ = _STRICT

    max_seconds: int
    release_seconds: int
    max_per_spot: int
    sources: tuple[str, ...] = ()
    design_choice: str = ""


@dataclass(frozen=True, slots=True)
class Technique:
    """A massage technique: who does it, where it may go, with what, for how long, and what to say."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    mode: Mode
    kind: str
    positions: tuple[str, ...]
    regions: tuple[str, ...]
    tools: tuple[str, ...]
    pressures: tuple[Pressure, ...]
    pressure: Pressure
    seconds: Dose
    description: str
    how: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    stop_signs: tuple[str, ...]
    sources: tuple[str, ...]
    hold: Hold | None = None
    neck_cues: tuple[str, ...] = ()  # used on the upper trapezius instead of ``cues``: each says to keep off the neck
    names_muscle: bool = False  # kneading: its cues name the muscle (``Region.muscle``), never a bone
    first_regions: tuple[str, ...] = ()  # worked first, in this order (the cane: the mid-back, as the article offers)

    @property
    def is_point(self) -> bool:
        """Point pressure (ball, cane, thumb, knuckle, elbow) rather than broad strokes."""
        return self.kind == "point"


@dataclass(frozen=True, slots=True)
class Tool:
    """Something held or leaned on: a ball, a foam roller, a cane."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    firmness: str
    description: str
    tips: tuple[str, ...]
    sources: tuple[str, ...]
    pressure: Pressure | None = None  # the instruction for its steps, when it differs from the technique's
    later_pressure: Pressure | None = None  # from the second round on, when no restriction caps the pressure


@dataclass(frozen=True, slots=True)
class DoseCap:
    """The most seconds one region may have, in one routine, of a group of techniques (a step counts for every
    region it covers)."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    techniques: tuple[str, ...]
    seconds: int
    sources: tuple[str, ...] = ()
    design_choice: str = ""


@dataclass(frozen=True, slots=True)
class ShortenedTexts:
    """How a routine the dose caps cut short says why, and what would make a longer one possible."""

    __pydantic_config__ = _STRICT

    reason: str  # {have}, {minutes}, {more}
    reason_no_more: str  # {have}, {minutes}
    hands: str
    partner_hands: str
    add_tools: str  # {tools}
    partner: str
    fewer_avoided: str


@dataclass(frozen=True, slots=True)
class Position:
    """How the receiver is placed, and what supports the head and chest."""

    __pydantic_config__ = _STRICT

    id: str
    name: str
    description: str
    supports: tuple[str, ...]
    on_floor: bool
    cue: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PrepItem:
    """One line of the preparation checklist; empty ``modes`` or ``positions`` means every one."""

    __pydantic_config__ = _STRICT

    id: str
    text: str
    why: str
    modes: tuple[Mode, ...] = ()
    positions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Transition:
    """A step between techniques: get ready, reposition, switch side, rest, pain check."""

    __pydantic_config__ = _STRICT

    id: str
    seconds: Dose
    cues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InsightRules:
    """When the journal says to get help (content: ``insights.yaml``)."""

    __pydantic_config__ = _STRICT

    worse_points: int
    worse_days: int
    min_span_days: int
    no_improvement_days: int
    regular_entries: int
    sources: tuple[str, ...]
    design_choice: str
    worse_message: str
    no_improvement_message: str
    worse_today_message: str
    red_flag_days: int
    red_flag_categories: tuple[Category, ...]
    red_flag_message: str
    effect_min_sessions: int
    effect_confidence: float


@dataclass(frozen=True, slots=True)
class CueTexts:
    """What the voice says besides each step's own cue (content: ``session.yaml``)."""

    __pydantic_config__ = _STRICT

    lead_in: str
    halfway: str
    switch_sides: str
    warning: str
    countdown: tuple[str, ...]  # countdown[n - 1] is said n seconds before the end
    hold: str
    release: str
    paused: str
    resumed: str
    more: str
    more_at_limit: str  # "more" on a step already at the most pressure today's screen allows
    less: str
    good: str
    hurts: str
    skip_region: str
    finished: str
    stopped: str


@dataclass(frozen=True, slots=True)
class SessionRules:
    """When a guided session speaks, and the advice when something hurts (content: ``session.yaml``)."""

    __pydantic_config__ = _STRICT

    lead_in_seconds: int
    words_per_minute: int
    halfway_min_seconds: int
    warning_seconds: int
    warning_min_seconds: int
    countdown_from: int
    countdown_min_seconds: int
    stale_seconds: float
    hurt_grace_seconds: float
    sources: tuple[str, ...]
    design_choice: str
    texts: CueTexts
    stop_advice: str
    stop_advice_sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DayTexts:
    """The sentences of the day policy (content: ``day.yaml``, ``texts``)."""

    __pydantic_config__ = _STRICT

    no_screen: str
    blocked: str
    lifted_by_clearance: str
    avoid_screen: str
    avoid_rating: str
    avoid_worse_week: str
    avoid_worse_session: str
    entry_advice: str
    ask_again: str
    ask_again_rating: str
    resume_blocked: str
    resume_step_skipped: str
    step_avoided: str
    step_restricted: str
    withdrawn_late: str
    receiver: str


@dataclass(frozen=True, slots=True)
class DayRules:
    """How what the journal knows governs the rest of the day (content: ``day.yaml``)."""

    __pydantic_config__ = _STRICT

    sources: tuple[str, ...]
    severe_rating: int
    withdraw_minutes: int
    worse_after_session_points: int
    worse_after_session_days: int
    ask_again: dict[Quality, str]
    design_choice: str
    texts: DayTexts


@dataclass(frozen=True, slots=True)
class PressureTarget:
    """How hard to press when its ``rules`` (found today) or ``restrictions`` apply (content: ``pressure.yaml``).

    ``numbers`` is false when a pain rating cannot guide pressure: then no check asks for one.
    """

    __pydantic_config__ = _STRICT

    id: str
    rules: tuple[str, ...]
    restrictions: tuple[str, ...]
    numbers: bool
    target: str
    checks: tuple[str, ...]  # what a pressure check-in (the pain_check step) says
    legend: tuple[Pressure, ...]  # the pressure words a routine explains under this target
    aftercare: tuple[str, ...]  # added to the common aftercare


@dataclass(frozen=True, slots=True)
class PressureLegend:
    """The three pressure words, in plain words."""

    __pydantic_config__ = _STRICT

    light: str
    medium: str
    firm: str


@dataclass(frozen=True, slots=True)
class PressureRules:
    """Pressure targets by restriction, the pressure legend and the aftercare (content: ``pressure.yaml``)."""

    __pydantic_config__ = _STRICT

    sources: tuple[str, ...]
    design_choice: str
    targets: tuple[PressureTarget, ...]  # the first that applies is today's; the last is the usual one
    legend: PressureLegend
    aftercare_sources: tuple[str, ...]
    aftercare: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoteKind:
    """One button of the receiver's remote (content: ``remote.yaml``): what it says on the phone, what the giver
    hears, whether it is an alarm (the step halts and a notice stays until the giver acknowledges it), and the
    session event it applies (``unknot.session.Event``)."""

    __pydantic_config__ = _STRICT

    id: str
    label: str
    spoken: str
    alarm: bool
    event: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoteRules:
    """The receiver's remote (content: ``remote.yaml``): how long a pairing link stays good, how many digits the
    check code has, the buttons, and the words of the alarm."""

    __pydantic_config__ = _STRICT

    sources: tuple[str, ...]
    design_choice: str
    token_seconds: int
    check_digits: int
    silence_seconds: int  # a paired phone not heard from for this long is disconnected
    rate_minutes: int  # how long after the routine the receiver may rate their pain on the phone
    soften_after_less: int  # "less" this many times on a technique: it starts a level lighter next time
    kinds: tuple[RemoteKind, ...]
    alarm_title: str
    alarm_advice: str
    acknowledge: str


@dataclass(frozen=True, slots=True)
class Catalog:
    """All of unknot's content, validated and cross-checked. Look-ups by id are methods."""

    regions: tuple[Region, ...]
    rules: tuple[Rule, ...]
    sources: tuple[Source, ...]
    categories: tuple[CategoryInfo, ...]
    restrictions: tuple[Restriction, ...]
    groups: tuple[ScreenGroup, ...]
    emergency_numbers: EmergencyNumbers
    unsure_note: str
    cleared_note: str
    all_avoided_note: str
    techniques: tuple[Technique, ...]
    tools: tuple[Tool, ...]
    positions: tuple[Position, ...]
    preparation: tuple[PrepItem, ...]
    transitions: tuple[Transition, ...]
    insight_rules: InsightRules
    session: SessionRules
    day: DayRules
    pressure: PressureRules
    remote: RemoteRules
    dose_caps: tuple[DoseCap, ...]
    shortened: ShortenedTexts
    # (refer_to, urgency, what the user is told), for every pair a rule uses and for emergency_services/now
    referrals: tuple[tuple[ReferTo, Urgency, str], ...] = ()
    clearance_expired_note: str = ""  # {cleared_on} and {days}
    clearance_future_note: str = ""  # {cleared_on}
    clearance_unsure_note: str = ""
    _rules: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _regions: dict[str, Region] = field(init=False, repr=False, compare=False)
    _sources: dict[str, Source] = field(init=False, repr=False, compare=False)
    _categories: dict[Category, CategoryInfo] = field(init=False, repr=False, compare=False)
    _restrictions: dict[str, Restriction] = field(init=False, repr=False, compare=False)
    _techniques: dict[str, Technique] = field(init=False, repr=False, compare=False)
    _tools: dict[str, Tool] = field(init=False, repr=False, compare=False)
    _positions: dict[str, Position] = field(init=False, repr=False, compare=False)
    _transitions: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the look-up tables are derived once, here.
        object.__setattr__(self, "_rules", {r.id: r for r in self.rules})
        object.__setattr__(self, "_regions", {r.id: r for r in self.regions})
        object.__setattr__(self, "_sources", {s.key: s for s in self.sources})
        object.__setattr__(self, "_categories", {c.id: c for c in self.categories})
        object.__setattr__(self, "_restrictions", {r.id: r for r in self.restrictions})
        object.__setattr__(self, "_techniques", {t.id: t for t in self.techniques})
        object.__setattr__(self, "_tools", {t.id: t for t in self.tools})
        object.__setattr__(self, "_positions", {p.id: p for p in self.positions})
        object.__setattr__(self, "_transitions", {t.id: t for t in self.transitions})

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, or None."""
        return self._rules.get(rule_id)

    def region(self, region_id: str) -> Region | None:
        """The region with this id, or None."""
        return self._regions.get(region_id)

    def source(self, key: str) -> Source:
        """The source cited as ``key`` (every key in the catalog resolves: the loader checks)."""
        return self._sources[key]

    def category(self, category: Category) -> CategoryInfo:
        """What ``category`` means for the user."""
        return self._categories[category]

    def restriction(self, restriction_id: str) -> Restriction | None:
        """The restriction with this id, or None."""
        return self._restrictions.get(restriction_id)

    def pressure_cap(self, restriction_ids: Collection[str]) -> Pressure | None:
        """The most pressure these restrictions allow (the lowest of their caps); None when none of them caps it."""
        caps = [r.max_pressure for r in self.restrictions if r.id in restriction_ids and r.max_pressure is not None]
        return min(caps, key=lambda p: p.level, default=None)

    def technique(self, technique_id: str) -> Technique | None:
        """The technique with this id, or None."""
        return self._techniques.get(technique_id)

    def tool(self, tool_id: str) -> Tool | None:
        """The tool with this id, or None."""
        return self._tools.get(tool_id)

    def position(self, position_id: str) -> Position | None:
        """The position with this id, or None."""
        return self._positions.get(position_id)

    def transition(self, transition_id: str) -> Transition:
        """The transition with this id (the loader checks that every one the planner uses exists)."""
        return self._transitions[transition_id]

    def referral(self, refer_to: ReferTo | None, urgency: Urgency | None) -> str:
        """What the user is told about whom to see and how soon ("See a doctor within a few days"); "" for none."""
        for who, when, text in self.referrals:
            if who is refer_to and when is urgency:
                return text
        return ""

    @property
    def region_ids(self) -> tuple[str, ...]:
        """Every region id, in the order of ``regions.md``."""
        return tuple(r.id for r in self.regions)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule id, in the order of ``screening-rules.md``."""
        return tuple(r.id for r in self.rules)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule answered *yes* or *not sure*, with the regions it concerns for a local rule."""

    rule: str
    answer: Answer = Answer.YES
    regions: tuple[str, ...] = ()
    given: Any = field(default=None, compare=False)  # the item as a JSON request gave it, to name it back


@dataclass(frozen=True, slots=True)
class Mistake:
    """An item of a request that could not be understood (``code`` as in the contract's error table), reported
    beside an emergency verdict rather than refusing it: an emergency is decisive beside mistakes."""

    item: Any
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Intake:
    """The answers to one screen.

    ``findings`` holds the rules answered yes or not sure; a rule not listed was answered no when
    ``complete`` is true (every question was asked), and was not asked otherwise. ``cleared`` holds the
    ``consult_first`` rules a professional has cleared for massage, and ``cleared_on`` the day each dated one
    was given (an undated clearance applies; a dated one only within its rule's validity, up to ``today``,
    the local date when not given). ``complete`` defaults to false: only a caller that really asked every
    question may say the rest were answered no. ``mistakes`` are items a JSON request got wrong (reported beside
    an emergency, else refused).
    """

    findings: tuple[Finding, ...] = ()
    cleared: frozenset[str] = frozenset()
    complete: bool = False
    cleared_on: tuple[tuple[str, date], ...] = ()
    today: date | None = None
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the verdict is what it is: one per finding."""

    rule: str
    category: Category
    message: str
    sources: tuple[Source, ...]
    unsure: bool = False
    cleared: bool = False
    regions: tuple[str, ...] = ()
    restrictions: tuple[str, ...] = ()
    refer_to: ReferTo | None = None  # blocking reasons: who to see
    urgency: Urgency | None = None  # ... and how soon
    referral: str = ""  # ... in the user's words ("See a doctor within a few days")
    clearance_expired: bool = False  # a clearance was given but no longer holds (too old, or dated after today)
    cleared_on: date | None = None  # the day the clearance (applied or expired) was given, when known


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a screen: whether and how the user may massage today."""

    category: Category
    may_massage: bool
    avoid_regions: tuple[str, ...]
    restrictions: tuple[str, ...]
    reasons: tuple[Reason, ...]
    title: str
    advice: str
    next_step: str
    emergency_number: str
    not_understood: tuple[Mistake, ...] = ()  # beside an emergency only: the items that could not be used


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What a routine is built for: who is there, what is at hand, how long, and what to favour or avoid."""

    mode: Mode
    minutes: int
    tools: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    restrictions: tuple[str, ...] = ()
    seed: int = 0
    position: str | None = None  # partner: where the receiver is (prone or seated); None: prone unless restricted


@dataclass(frozen=True, slots=True)
class Step:
    """One timed step of a routine: a technique on a region, or a transition (``name``) between them."""

    kind: str
    seconds: int
    cue: str
    position: str
    name: str = ""
    technique: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()
    tool: str = ""
    pressure: Pressure | None = None
    hold_seconds: int | None = None

    @property
    def is_technique(self) -> bool:
        """Whether this step works a region (rather than moving between steps)."""
        return self.kind == "technique"


@dataclass(frozen=True, slots=True)
class Shortened:
    """Why a routine is shorter than asked: the time asked, and what would make a longer routine possible."""

    asked_seconds: int
    reason: str


@dataclass(frozen=True, slots=True)
class Routine:
    """A timed routine: its steps sum to ``total_seconds``; ``notes`` say what was adapted and why."""

    mode: Mode
    position: str
    steps: tuple[Step, ...]
    avoid: tuple[str, ...] = ()
    restrictions: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # the rules today's screen found: some change how pressure is judged (pressure.py)
    shortened: Shortened | None = None  # the dose caps could not fill the minutes asked

    @property
    def total_seconds(self) -> int:
        """The length of the routine, in seconds."""
        return sum(step.seconds for step in self.steps)


@dataclass(frozen=True, slots=True)
class PainEntry:
    """One pain rating: a region, 0 (none) to 10 (worst imaginable), when, and optionally how it feels."""

    at: datetime
    region: str
    score: int
    quality: Quality | None = None
    note: str = ""
    id: int | None = None
    session_id: int | None = None  # set when a guided session asked for it,
    phase: str | None = None  # "before" or "after" that session


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import added (the pain ratings of its sessions counted in ``entries``) and how many records it
    skipped because the journal already had them (an export imported twice adds nothing the second time)."""

    entries: int = 0
    sessions: int = 0
    screens: int = 0
    clearances: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Clearance:
    """A consult-first rule a professional cleared for massage on ``cleared_on``, until the user withdraws it."""

    rule: str
    cleared_on: date
    withdrawn_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        """Whether it still counts on screens."""
        return self.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class ScreenRecord:
    """A screen kept in the journal: when, the answers and the verdict, as the JSON contract writes them; who it
    was about (``self``, or the ``receiver`` of a partner massage), and when it was withdrawn as answered by
    mistake (the journal keeps it, marked)."""

    at: datetime
    answers: dict[str, Any]
    verdict: dict[str, Any]
    subject: str = "self"
    withdrawn_at: datetime | None = None
    id: int | None = None


class StepStatus(StrEnum):
    """How a step of a guided session ended."""

    DONE = "done"  # ran to its end
    SKIPPED = "skipped"  # passed over (next, or a region the user chose to skip)
    STOPPED = "stopped"  # cut short ("it hurts", stop)


class Feedback(StrEnum):
    """Pressure feedback during a step."""

    MORE = "more"
    LESS = "less"
    GOOD = "good"


class SessionStatus(StrEnum):
    """Where a guided session is: under way (it can be resumed), finished, or stopped early."""

    ACTIVE = "active"
    FINISHED = "finished"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """What happened to one step of a session's routine (``index`` is its place in the routine)."""

    index: int
    status: StepStatus
    seconds: float  # the time actually spent in it
    feedback: tuple[Feedback, ...] = ()
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something the user did or said during a session: ``stop``, ``it_hurts``, ``pause``, ``resume``..."""

    at: datetime
    kind: str
    step: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RemoteTap:
    """A tap on the receiver's remote during a partner session (``unknot.remote``): its kind (``more``, ``less``,
    ``good``, ``stop``, ``hurts``), the step it came in (None before the first), its number in the session (1, 2...,
    the number of its Server-Sent Event), and, for an alarm, when the giver acknowledged it ("I've stopped")."""

    at: datetime
    kind: str
    seq: int
    step: int | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A guided session kept in the journal: its routine (as ``unknot plan --json`` writes it), what happened to
    each step, the events, and the pain before and after per worked region (region id to 0-10)."""

    started_at: datetime
    mode: Mode
    routine: dict[str, Any]
    status: SessionStatus = SessionStatus.ACTIVE
    ended_at: datetime | None = None
    steps: tuple[StepRecord, ...] = ()
    events: tuple[SessionEvent, ...] = ()
    pain_before: dict[str, int] = field(default_factory=dict)
    pain_after: dict[str, int] = field(default_factory=dict)
    id: int | None = None
    taps: tuple[RemoteTap, ...] = ()  # the receiver's remote, in order (a partner session)

    @property
    def minutes(self) -> float:
        """The planned length of the routine, in minutes."""
        return sum(int(s.get("seconds", 0)) for s in self.routine.get("steps", ())) / 60

    def worked(self) -> dict[str, set[str]]:
        """Region id to the techniques that worked it: the routine's technique steps that were done or stopped
        (time was spent on them), and those skipped (Next) after at least half their planned time; not those
        skipped sooner or never reached."""
        planned = self.routine.get("steps", [])
        out: dict[str, set[str]] = {}
        for record in self.steps:
            if not 0 <= record.index < len(planned):
                continue
            step = planned[record.index]
            if step.get("kind") != "technique":
                continue
            # Design choice (issue 12): Next near a step's end still worked the area; "most of its time" is half.
            half = float(step.get("seconds", 0)) / 2
            if record.status is StepStatus.SKIPPED and (record.seconds <= 0 or record.seconds < half):
                continue
            for region in [step.get("region", ""), *step.get("regions", [])]:
                if region:
                    out.setdefault(region, set()).add(str(step.get("technique", "")))
        return out
