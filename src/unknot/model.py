"""Typed domain objects: the content catalog, the screening intake and its verdict.

They are frozen standard-library dataclasses, not pydantic models: importing pydantic alone costs about 14
times a bare Python start-up on our machines, more than the whole budget of ``unknot screen --json``
(issue 3). Pydantic still validates them where data comes in from files (``unknot.content``): its
``TypeAdapter`` validates standard dataclasses directly, so each shape is defined once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Answer",
    "Catalog",
    "Category",
    "CategoryInfo",
    "EmergencyNumbers",
    "Finding",
    "Intake",
    "Reason",
    "Region",
    "Restriction",
    "Rule",
    "Scope",
    "ScreenGroup",
    "Source",
    "Verdict",
]


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


class Answer(StrEnum):
    """An answer to a screening question. ``unsure`` counts as ``yes``."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Source:
    """A reference the content cites by ``key``."""

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

    id: str
    name: str
    where: str
    side: str
    techniques: str
    number: int


@dataclass(frozen=True, slots=True)
class Restriction:
    """A limit a ``caution`` finding puts on the routine, such as ``light_pressure``."""

    id: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One screening question and what a *yes* to it means."""

    id: str
    category: Category
    scope: Scope
    label: str
    question: str
    why: str
    message: str
    restrictions: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def is_local(self) -> bool:
        """Whether the rule asks *where* (a region of the back)."""
        return self.scope is Scope.LOCAL


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """What a verdict category means for the user."""

    id: Category
    may_massage: bool
    title: str
    advice: str
    next_step: str


@dataclass(frozen=True, slots=True)
class ScreenGroup:
    """Questions asked together ("Do any of these apply today?"), details only for what was ticked."""

    id: str
    title: str
    prompt: str
    rules: tuple[str, ...]


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
    _rules: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _regions: dict[str, Region] = field(init=False, repr=False, compare=False)
    _sources: dict[str, Source] = field(init=False, repr=False, compare=False)
    _categories: dict[Category, CategoryInfo] = field(init=False, repr=False, compare=False)
    _restrictions: dict[str, Restriction] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the look-up tables are derived once, here.
        object.__setattr__(self, "_rules", {r.id: r for r in self.rules})
        object.__setattr__(self, "_regions", {r.id: r for r in self.regions})
        object.__setattr__(self, "_sources", {s.key: s for s in self.sources})
        object.__setattr__(self, "_categories", {c.id: c for c in self.categories})
        object.__setattr__(self, "_restrictions", {r.id: r for r in self.restrictions})

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


@dataclass(frozen=True, slots=True)
class Intake:
    """The answers to one screen.

    ``findings`` holds the rules answered yes or not sure; a rule not listed was answered no when
    ``complete`` is true (every question was asked), and was not asked otherwise. ``cleared`` holds the
    ``consult_first`` rules a professional has cleared for massage.
    """

    findings: tuple[Finding, ...] = ()
    cleared: frozenset[str] = frozenset()
    complete: bool = True


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
