"""Reading and validating the content files: the slow path behind ``load_catalog`` (PyYAML and pydantic).

Every problem is a ``ContentError`` naming the file, the entry and the field, for example::

    rules.yaml, entry 'chest_pain' (#1), field 'category': Input should be 'emergency', 'stop_today', ...
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

from unknot.errors import ContentError
from unknot.model import (
    PHONE_NUMBER,
    Catalog,
    Category,
    CategoryInfo,
    DayRules,
    Dose,
    DoseCap,
    EmergencyNumbers,
    Hold,
    InsightRules,
    Position,
    PrepItem,
    PressureRules,
    ReferTo,
    Region,
    RemoteRules,
    Restriction,
    Rule,
    ScreenGroup,
    SessionRules,
    ShortenedTexts,
    Source,
    Technique,
    Tool,
    Transition,
    Urgency,
)

T = TypeVar("T")


def build_catalog(directory: Path) -> Catalog:
    """Read every content file in ``directory``, validate each entry and cross-check the references."""
    sources = _entries(directory, "sources.yaml", "sources", Source, id_field="key")
    regions = _entries(directory, "regions.yaml", "regions", Region)
    restrictions = _entries(directory, "restrictions.yaml", "restrictions", Restriction)
    categories = _entries(directory, "categories.yaml", "categories", CategoryInfo)
    rules = _entries(directory, "rules.yaml", "rules", Rule)
    groups = _entries(directory, "groups.yaml", "groups", ScreenGroup)
    tools = _entries(directory, "tools.yaml", "tools", Tool)
    positions = _entries(directory, "positions.yaml", "positions", Position)
    techniques = _entries(directory, "techniques.yaml", "techniques", Technique)
    dose_caps = _entries(directory, "techniques.yaml", "dose_caps", DoseCap)
    shortened = _validated("techniques.yaml", "shortened", directory, ShortenedTexts)
    preparation = _entries(directory, "preparation.yaml", "preparation", PrepItem)
    transitions = _entries(directory, "transitions.yaml", "transitions", Transition)
    notes = _mapping(_read(directory, "categories.yaml"), "categories.yaml", "notes")
    numbers_doc = _read(directory, "emergency_numbers.yaml")

    _check_regions(regions)
    _check_categories(categories)
    _check_rules(rules, {s.key for s in sources}, {r.id for r in restrictions})
    _check_groups(groups, rules)
    source_keys = {s.key for s in sources}
    _check_techniques(techniques, regions, {t.id for t in tools}, {p.id for p in positions}, source_keys)
    _check_dose_caps(dose_caps, techniques, source_keys)
    _check_sourced("tools.yaml", tools, source_keys)
    _check_sourced("positions.yaml", positions, source_keys)
    _check_sourced("preparation.yaml", preparation, source_keys)
    for item in preparation:
        _known(
            f"preparation.yaml, entry '{item.id}'",
            "positions",
            item.positions,
            {p.id for p in positions},
            "positions.yaml",
        )
    _check_transitions(transitions, source_keys)
    _check_restrictions(restrictions, techniques, {p.id for p in positions}, {t.id for t in tools})
    _check_tool_pressures(tools)
    return Catalog(
        regions=tuple(regions),
        rules=tuple(rules),
        sources=tuple(sources),
        categories=tuple(categories),
        restrictions=tuple(restrictions),
        groups=tuple(groups),
        emergency_numbers=_emergency_numbers(numbers_doc),
        unsure_note=_text(notes, "categories.yaml", "notes", "unsure"),
        cleared_note=_text(notes, "categories.yaml", "notes", "cleared"),
        all_avoided_note=_text(notes, "categories.yaml", "notes", "all_avoided"),
        referrals=_referrals(_read(directory, "categories.yaml"), rules),
        clearance_expired_note=_text(notes, "categories.yaml", "notes", "clearance_expired"),
        clearance_future_note=_text(notes, "categories.yaml", "notes", "clearance_future"),
        clearance_unsure_note=_text(notes, "categories.yaml", "notes", "clearance_unsure"),
        techniques=tuple(techniques),
        tools=tuple(tools),
        positions=tuple(positions),
        preparation=tuple(preparation),
        transitions=tuple(transitions),
        insight_rules=_insight_rules(directory, source_keys),
        session=_session_rules(directory, source_keys),
        day=_day_rules(directory, source_keys, {r.id for r in rules}),
        pressure=_pressure_rules(directory, source_keys, {r.id for r in rules}, {r.id for r in restrictions}),
        remote=_remote_rules(directory, source_keys),
        dose_caps=tuple(dose_caps),
        shortened=_stripped(shortened),
    )


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{name}: the content file is missing from {directory}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{name}: cannot be read: {exc}") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(f"{name}: not valid YAML{where}: {problem}") from None


def _mapping(doc: Any, name: str, key: str) -> Mapping[str, Any]:
    if not isinstance(doc, dict) or key not in doc:
        raise ContentError(f"{name}: expected a mapping with a top-level '{key}' key")
    value = doc[key]
    if not isinstance(value, dict):
        raise ContentError(f"{name}: '{key}' must be a mapping, not {type(value).__name__}")
    return value


def _text(doc: Mapping[str, Any], name: str, entry: str, key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{name}, entry '{entry}', field '{key}': a non-empty text is required")
    return value.strip()


def _entries(directory: Path, name: str, key: str, cls: type[T], *, id_field: str = "id") -> list[T]:
    doc = _read(directory, name)
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise ContentError(f"{name}: expected a top-level '{key}' key holding a list of entries")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    adapter = TypeAdapter(cls)
    seen: set[str] = set()
    out: list[T] = []
    for index, raw in enumerate(doc[key]):
        label = f"#{index + 1}"
        if isinstance(raw, dict) and isinstance(raw.get(id_field), str):
            label = f"'{raw[id_field]}' (#{index + 1})"
        where = f"{name}, entry {label}"
        if not isinstance(raw, dict):
            raise ContentError(f"{where}: expected a mapping of fields, got {type(raw).__name__}")
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise ContentError(f"{where}, field '{unknown[0]}': not a known field; the fields are: {', '.join(fields)}")
        try:
            entry = adapter.validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "?"
            raise ContentError(f"{where}, field '{field}': {first['msg']}") from None
        for fname, f in fields.items():
            value = getattr(entry, fname)
            if f.type in ("str", str) and isinstance(value, str) and not value.strip():
                raise ContentError(f"{where}, field '{fname}': must not be empty")
        ident = getattr(entry, id_field)
        if ident in seen:
            raise ContentError(f"{where}, field '{id_field}': duplicate id '{ident}'")
        seen.add(ident)
        out.append(_stripped(entry))
    if not out:
        raise ContentError(f"{name}: '{key}' has no entries")
    return out


def _stripped(entry: T) -> T:
    """Folded YAML text ends with a newline; keep texts tidy."""
    changes = {
        f.name: getattr(entry, f.name).strip()
        for f in dataclasses.fields(entry)  # type: ignore[arg-type]
        if f.init and type(getattr(entry, f.name)) is str
    }
    return dataclasses.replace(entry, **changes)  # type: ignore[type-var]


def _check_regions(regions: list[Region]) -> None:
    numbers = [r.number for r in regions]
    if sorted(numbers) != list(range(1, len(regions) + 1)):
        raise ContentError(
            f"regions.yaml, field 'number': the numbers must run 1..{len(regions)} once each, got {numbers}"
        )
    for r in regions:
        if r.side not in ("left", "right", "midline"):
            raise ContentError(
                f"regions.yaml, entry '{r.id}', field 'side': '{r.side}' is not one of left, right, midline"
            )


def _check_categories(categories: list[CategoryInfo]) -> None:
    got = [c.id for c in categories]
    if got != list(Category):
        raise ContentError(
            "categories.yaml, field 'id': the categories must be, strongest first: "
            f"{', '.join(Category)}; got {', '.join(got)}"
        )
    for c in categories:
        if c.may_massage != c.id.allows_massage:
            raise ContentError(
                f"categories.yaml, entry '{c.id}', field 'may_massage': must be {c.id.allows_massage}"
                " (only caution, avoid_area and ok allow massage)"
            )
    for c in categories:
        wanted = 1 if c.may_massage else 0  # a massage day's advice says today's pressure target (pressure.yaml)
        if c.advice.count("{pressure_target}") != wanted:
            raise ContentError(
                f"categories.yaml, entry '{c.id}', field 'advice': must name {{pressure_target}} {wanted} time(s)"
            )


def _check_rules(rules: list[Rule], source_keys: set[str], restriction_ids: set[str]) -> None:
    for rule in rules:
        where = f"rules.yaml, entry '{rule.id}'"
        if not rule.sources:
            raise ContentError(f"{where}, field 'sources': every rule needs at least one source")
        _known(where, "sources", rule.sources, source_keys, "sources.yaml")
        _known(where, "restrictions", rule.restrictions, restriction_ids, "restrictions.yaml")
        _check_referral(where, rule)
        _check_validity(where, rule)
        if rule.restrictions and rule.category not in (Category.CAUTION, Category.CONSULT_FIRST):
            raise ContentError(
                f"{where}, field 'restrictions': only caution and consult_first rules (once cleared)"
                f" carry restrictions, and this one is {rule.category}"
            )


# Version 2 of the specification ("Clearances expire"): a validity between a week and a year.
CLEARANCE_DAYS = (7, 365)
BLOCKING_REFERRALS = (Category.SEE_PROFESSIONAL, Category.CONSULT_FIRST)


def _check_referral(where: str, rule: Rule) -> None:
    """Who to see and how soon: on every see_professional and consult_first rule, on no other."""
    if rule.category not in BLOCKING_REFERRALS:
        for field in ("refer_to", "urgency"):
            if getattr(rule, field) is not None:
                why = (
                    "an emergency always means emergency_services, now (from its category)"
                    if rule.category is Category.EMERGENCY
                    else "only see_professional and consult_first rules say who to see,"
                    f" and this one is {rule.category}"
                )
                raise ContentError(f"{where}, field '{field}': remove it; {why}")
        return
    for field in ("refer_to", "urgency"):
        if getattr(rule, field) is None:
            raise ContentError(
                f"{where}, field '{field}': a {rule.category} rule must say who to see and how soon"
                " (screening-rules.md, version 2: 'Who to see, and how soon')"
            )
    if rule.refer_to is ReferTo.EMERGENCY_SERVICES or rule.urgency is Urgency.NOW:
        raise ContentError(
            f"{where}, field 'refer_to': emergency_services / now belong to emergency rules only;"
            " choose doctor or physio_or_doctor"
        )
    if (rule.category is Category.CONSULT_FIRST) != (rule.urgency is Urgency.BEFORE_MASSAGE):
        raise ContentError(
            f"{where}, field 'urgency': before_massage is the urgency of every consult_first rule and of no other;"
            f" this {rule.category} rule says {rule.urgency}"
        )


def _check_validity(where: str, rule: Rule) -> None:
    days = rule.clearance_valid_days
    if rule.category is not Category.CONSULT_FIRST:
        if days is not None:
            raise ContentError(
                f"{where}, field 'clearance_valid_days': only consult_first rules are cleared, and this one is"
                f" {rule.category}; remove it"
            )
        return
    low, high = CLEARANCE_DAYS
    if days is None:
        raise ContentError(
            f"{where}, field 'clearance_valid_days': a consult_first rule needs how long a clearance holds,"
            f" {low} to {high} days"
        )
    if not low <= days <= high:
        raise ContentError(f"{where}, field 'clearance_valid_days': {days} is not from {low} to {high} days")


def _referrals(doc: Any, rules: list[Rule]) -> tuple[tuple[ReferTo, Urgency, str], ...]:
    """categories.yaml's ``referrals``: refer_to -> urgency -> the words, for every pair in use."""
    name = "categories.yaml"
    table = _mapping(doc, name, "referrals")
    out: list[tuple[ReferTo, Urgency, str]] = []
    for who, by_urgency in table.items():
        if who not in {r.value for r in ReferTo}:
            raise ContentError(
                f"{name}, entry 'referrals.{who}': not a refer_to; choose one of {', '.join(r.value for r in ReferTo)}"
            )
        if not isinstance(by_urgency, dict):
            raise ContentError(f"{name}, entry 'referrals.{who}': a mapping of urgency to text is required")
        for when in by_urgency:
            if when not in {u.value for u in Urgency}:
                raise ContentError(
                    f"{name}, entry 'referrals.{who}', field '{when}': not an urgency;"
                    f" choose one of {', '.join(u.value for u in Urgency)}"
                )
            out.append((ReferTo(who), Urgency(when), _text(by_urgency, name, f"referrals.{who}", when)))
    needed = {(ReferTo.EMERGENCY_SERVICES, Urgency.NOW)} | {
        (r.refer_to, r.urgency) for r in rules if r.refer_to is not None and r.urgency is not None
    }
    have = {(who, when) for who, when, _ in out}
    for who, when in sorted(needed - have):
        raise ContentError(
            f"{name}, entry 'referrals.{who}', field '{when}': the words for {who} / {when} are missing"
            " (a rule or the emergency category uses this pair)"
        )
    return tuple(out)


def _known(where: str, field: str, values: Iterable[str], known: set[str], file: str) -> None:
    for value in values:
        if value not in known:
            raise ContentError(
                f"{where}, field '{field}': '{value}' is not defined in {file}; known: {', '.join(sorted(known))}"
            )


def _check_groups(groups: list[ScreenGroup], rules: list[Rule]) -> None:
    ids = [r.id for r in rules]
    placed: dict[str, str] = {}
    for group in groups:
        for rule_id in group.rules:
            where = f"groups.yaml, entry '{group.id}', field 'rules'"
            if rule_id not in ids:
                raise ContentError(f"{where}: '{rule_id}' is not a rule of rules.yaml")
            if rule_id in placed:
                raise ContentError(f"{where}: '{rule_id}' is already in group '{placed[rule_id]}'")
            placed[rule_id] = group.id
    missing = [i for i in ids if i not in placed]
    if missing:
        raise ContentError(f"groups.yaml, field 'rules': rules asked in no group: {', '.join(missing)}")
    emergency = {r.id for r in rules if r.category is Category.EMERGENCY}
    if set(groups[0].rules) != emergency:
        raise ContentError(
            f"groups.yaml, entry '{groups[0].id}', field 'rules': the first group must hold exactly the"
            " emergency rules, so the screen can stop at once on a yes"
        )


def _emergency_numbers(doc: Any) -> EmergencyNumbers:
    name = "emergency_numbers.yaml"
    if not isinstance(doc, dict):
        raise ContentError(f"{name}: expected a mapping with 'default', 'note' and 'by_country'")
    default = doc.get("default")
    if not isinstance(default, str) or not PHONE_NUMBER.match(default):
        raise ContentError(f"{name}, field 'default': a number of 2 to 6 digits, in quotes, is required")
    by_country = doc.get("by_country")
    if not isinstance(by_country, dict):
        raise ContentError(f"{name}, field 'by_country': a mapping of country code to number is required")
    pairs: list[tuple[str, str]] = []
    for country, number in by_country.items():
        if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country)):
            raise ContentError(f"{name}, entry '{country}': a two-letter upper-case country code is required")
        if not (isinstance(number, str) and PHONE_NUMBER.match(number)):
            raise ContentError(f"{name}, entry '{country}', field 'number': 2 to 6 digits, in quotes")
        pairs.append((country, number))
    note = doc.get("note")
    if not isinstance(note, str) or not note.strip():
        raise ContentError(f"{name}, field 'note': a non-empty text is required")
    return EmergencyNumbers(default=default, by_country=tuple(pairs), note=note.strip())


BODY_PARTS = ("hands", "palm", "fingers", "thumb", "knuckle", "elbow", "forearm")
TRANSITIONS = ("get_ready", "reposition", "switch_side", "rest", "pain_check")
# A spoken cue stays short enough to follow with oily hands or lying on a roller (issue 4).
MAX_CUE_WORDS = 15


def _check_dose(where: str, dose: Dose | Hold, source_keys: set[str]) -> None:
    if not dose.sources and not dose.design_choice.strip():
        raise ContentError(f"{where}: every dose needs its sources or a design_choice saying why")
    _known(where, "sources", dose.sources, source_keys, "sources.yaml")
    if isinstance(dose, Dose) and not (5 <= dose.min <= dose.default <= dose.max):
        raise ContentError(f"{where}: seconds must satisfy 5 <= min <= default <= max, got {dose}")
    if isinstance(dose, Hold) and not (5 <= dose.max_seconds <= 30 and dose.release_seconds >= 1):
        raise ContentError(f"{where}: a hold lasts 5 to 30 s (SEED) and needs a release, got {dose}")


def _check_techniques(
    techniques: list[Technique], regions: list[Region], tools: set[str], positions: set[str], source_keys: set[str]
) -> None:
    # A cue is checked with the longest name it may speak of its regions, so every real cue stays within the limit.
    by_id = {r.id: r for r in regions}

    def longest(t: Technique, ids: Iterable[str]) -> str:
        names = [(r.muscle or r.spoken) if t.names_muscle else r.spoken for i in ids if (r := by_id.get(i))]
        return max(names, key=lambda n: len(n.split()), default="muscles left of the spine")

    for t in techniques:
        where = f"techniques.yaml, entry '{t.id}'"
        _known(where, "regions", t.regions, {r.id for r in regions}, "regions.yaml")
        _known(where, "first_regions", t.first_regions, set(t.regions), "its own regions")
        _known(where, "tools", t.tools, tools | set(BODY_PARTS), "tools.yaml (or a body part)")
        _known(where, "positions", t.positions, positions, "positions.yaml")
        _known(where, "sources", t.sources, source_keys, "sources.yaml")
        if t.kind not in ("broad", "point"):
            raise ContentError(f"{where}, field 'kind': '{t.kind}' is not broad or point")
        if t.pressure not in t.pressures:
            raise ContentError(f"{where}, field 'pressure': the default {t.pressure} is not one of its pressures")
        _check_dose(f"{where}, field 'seconds'", t.seconds, source_keys)
        if t.hold is not None:
            _check_dose(f"{where}, field 'hold'", t.hold, source_keys)
            if t.hold.max_seconds + t.hold.release_seconds > t.seconds.max and t.hold.max_seconds > t.seconds.max:
                raise ContentError(f"{where}, field 'hold': a hold must fit in a step")
        if len(t.cues) < 2:
            raise ContentError(f"{where}, field 'cues': give at least two variants, so a routine does not repeat")
        for cue in t.cues:
            _check_cue(where, cue, placeholder="{region}", longest=longest(t, t.regions))
        on_the_shoulder = any(r.startswith("upper_trapezius") for r in t.regions)
        if t.is_point and on_the_shoulder and len(t.neck_cues) < 2:
            raise ContentError(
                f"{where}, field 'neck_cues': a point technique on the upper trapezius needs at least two cues"
                " that say to keep off the neck"
            )
        for cue in t.neck_cues:
            _check_cue(
                where, cue, "{region}", "neck_cues", longest(t, (r for r in t.regions if r.startswith("upper_trap")))
            )
            if "neck" not in cue.lower():
                raise ContentError(f"{where}, field 'neck_cues': '{cue}' must say to keep off the neck")


def _check_dose_caps(caps: list[DoseCap], techniques: list[Technique], source_keys: set[str]) -> None:
    seen: set[str] = set()
    for cap in caps:
        where = f"techniques.yaml, dose cap '{cap.id}'"
        _known(where, "techniques", cap.techniques, {t.id for t in techniques}, "techniques.yaml")
        _known(where, "sources", cap.sources, source_keys, "sources.yaml")
        if not cap.sources and not cap.design_choice.strip():
            raise ContentError(f"{where}: a dose cap needs its sources or a design_choice saying why")
        if cap.seconds < 30:
            raise ContentError(f"{where}, field 'seconds': at least 30, got {cap.seconds}")
        twice = seen & set(cap.techniques)
        if twice:
            raise ContentError(f"{where}, field 'techniques': '{sorted(twice)[0]}' is already in another cap")
        seen |= set(cap.techniques)


def _check_tool_pressures(tools: list[Tool]) -> None:
    for tool in tools:
        if tool.later_pressure is not None and tool.pressure is None:
            raise ContentError(f"tools.yaml, entry '{tool.id}', field 'later_pressure': give 'pressure' first")


def _check_cue(
    where: str, cue: str, placeholder: str | None, field: str = "cues", longest: str = "muscles left of the spine"
) -> None:
    if placeholder is not None and cue.count(placeholder) != 1:
        raise ContentError(f"{where}, field '{field}': '{cue}' must name {placeholder} exactly once")
    words = cue.replace("{region}", longest).split()
    if len(words) > MAX_CUE_WORDS:
        raise ContentError(f"{where}, field '{field}': '{cue}' has {len(words)} words; keep cues to {MAX_CUE_WORDS}")


def _check_sourced(name: str, entries: list[Tool] | list[Position] | list[PrepItem], source_keys: set[str]) -> None:
    for entry in entries:
        _known(f"{name}, entry '{entry.id}'", "sources", entry.sources, source_keys, "sources.yaml")


def _check_restrictions(
    restrictions: list[Restriction], techniques: list[Technique], positions: set[str], tools: set[str]
) -> None:
    for r in restrictions:
        where = f"restrictions.yaml, entry '{r.id}'"
        _known(where, "techniques", r.techniques, {t.id for t in techniques}, "techniques.yaml")
        _known(where, "positions", r.positions, positions, "positions.yaml")
        _known(where, "tools", r.tools, tools | set(BODY_PARTS), "tools.yaml (or a body part)")
        # trigger_point needs its hold (the contract): a restriction that removes holds removes it too
        if r.no_holds and "trigger_point" not in r.techniques:
            raise ContentError(f"{where}, field 'techniques': no_holds must also remove trigger_point")


def _check_transitions(transitions: list[Transition], source_keys: set[str]) -> None:
    ids = [t.id for t in transitions]
    if sorted(ids) != sorted(TRANSITIONS):
        raise ContentError(f"transitions.yaml: expected exactly {', '.join(TRANSITIONS)}; got {', '.join(ids)}")
    for t in transitions:
        where = f"transitions.yaml, entry '{t.id}'"
        _check_dose(f"{where}, field 'seconds'", t.seconds, source_keys)
        if t.id == "pain_check":  # its words depend on today's pressure target: pressure.yaml's checks
            if t.cues:
                raise ContentError(
                    f"{where}, field 'cues': leave it empty; a pressure check says pressure.yaml's checks"
                )
            continue
        if not t.cues:
            raise ContentError(f"{where}, field 'cues': at least one cue is required")
        for cue in t.cues:
            _check_cue(where, cue, "{side}" if t.id == "switch_side" else None)


def _validated(name: str, key: str, directory: Path, cls: type[T]) -> T:
    """The single mapping ``key`` of file ``name``, validated as ``cls``."""
    doc = _mapping(_read(directory, name), name, key)
    try:
        return TypeAdapter(cls).validate_python(dict(doc))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "?"
        raise ContentError(f"{name}, field '{field}': {first['msg']}") from None


def _insight_rules(directory: Path, source_keys: set[str]) -> InsightRules:
    name = "insights.yaml"
    rules = _validated(name, "insights", directory, InsightRules)
    _known(name, "sources", rules.sources, source_keys, "sources.yaml")
    if not rules.sources:
        raise ContentError(f"{name}, field 'sources': the seek-help thresholds need their sources")
    if not 0.5 < rules.effect_confidence < 1:
        raise ContentError(f"{name}, field 'effect_confidence': a level between 0.5 and 1, such as 0.95")
    if rules.effect_min_sessions < 2:
        raise ContentError(f"{name}, field 'effect_min_sessions': at least 2 (a band needs two sessions)")
    return _stripped(rules)


def _day_rules(directory: Path, source_keys: set[str], rule_ids: set[str]) -> DayRules:
    name = "day.yaml"
    rules = _validated(name, "day", directory, DayRules)
    _known(name, "sources", rules.sources, source_keys, "sources.yaml")
    if not rules.sources or not rules.design_choice.strip():
        raise ContentError(f"{name}: the day policy needs its sources and a design_choice saying what is ours")
    if not 1 <= rules.severe_rating <= 10:
        raise ContentError(f"{name}, field 'severe_rating': a pain rating from 1 to 10, got {rules.severe_rating}")
    if not 1 <= rules.withdraw_minutes <= 60:
        raise ContentError(f"{name}, field 'withdraw_minutes': 1 to 60 minutes, got {rules.withdraw_minutes}")
    for quality, rule_id in rules.ask_again.items():
        if rule_id not in rule_ids:
            raise ContentError(f"{name}, field 'ask_again.{quality}': '{rule_id}' is not a rule of rules.yaml")
    return _stripped(rules)


def _session_rules(directory: Path, source_keys: set[str]) -> SessionRules:
    name = "session.yaml"
    rules = _validated(name, "session", directory, SessionRules)
    if not rules.sources and not rules.design_choice.strip():
        raise ContentError(f"{name}: the session timings need their sources or a design_choice saying why")
    _known(name, "sources", rules.sources, source_keys, "sources.yaml")
    if not rules.stop_advice_sources:
        raise ContentError(f"{name}, field 'stop_advice_sources': the stop advice needs its sources")
    _known(name, "stop_advice_sources", rules.stop_advice_sources, source_keys, "sources.yaml")
    if not 3 <= rules.lead_in_seconds <= 30:
        raise ContentError(f"{name}, field 'lead_in_seconds': 3 to 30 seconds, got {rules.lead_in_seconds}")
    if not 80 <= rules.words_per_minute <= 450:
        raise ContentError(f"{name}, field 'words_per_minute': 80 to 450, got {rules.words_per_minute}")
    if not 1 <= rules.countdown_from <= len(rules.texts.countdown):
        raise ContentError(
            f"{name}, field 'countdown_from': 1 to the {len(rules.texts.countdown)} words of texts.countdown"
        )
    if not 0 < rules.warning_seconds < rules.warning_min_seconds:
        raise ContentError(f"{name}, field 'warning_seconds': more than 0 and less than warning_min_seconds")
    if rules.stale_seconds <= 0:
        raise ContentError(f"{name}, field 'stale_seconds': more than 0")
    if not 0 <= rules.hurt_grace_seconds <= 10:
        raise ContentError(f"{name}, field 'hurt_grace_seconds': 0 to 10 seconds")
    texts = rules.texts
    for field in texts.__dataclass_fields__:
        value = getattr(texts, field)
        for text in value if isinstance(value, tuple) else (value,):
            if not text.strip():
                raise ContentError(f"{name}, field 'texts.{field}': a cue cannot be empty")
            placeholder = "{seconds}" if field in ("lead_in", "warning") else None
            _check_cue(name, text, placeholder, f"texts.{field}")
    return _stripped(rules)


#: The remote's buttons (unknot.remote.KINDS) and the session events a button may apply.
_REMOTE_KINDS = ("more", "less", "good", "stop", "hurts")
_REMOTE_EVENTS = ("more", "less", "good", "pause", "it_hurts")


def _remote_rules(directory: Path, source_keys: set[str]) -> RemoteRules:
    name = "remote.yaml"
    rules = _validated(name, "remote", directory, RemoteRules)
    _known(name, "sources", rules.sources, source_keys, "sources.yaml")
    if not rules.sources or not rules.design_choice.strip():
        raise ContentError(f"{name}: the remote's values need their sources and a design_choice saying why")
    if not 30 <= rules.token_seconds <= 600:
        raise ContentError(f"{name}, field 'token_seconds': between 30 and 600 seconds (about 2 minutes)")
    if not 2 <= rules.silence_seconds <= 30:
        raise ContentError(f"{name}, field 'silence_seconds': from 2 to 30 seconds (the phone asks every second)")
    if not 5 <= rules.rate_minutes <= 120:
        raise ContentError(f"{name}, field 'rate_minutes': from 5 to 120 minutes")
    if not 4 <= rules.check_digits <= 6:
        raise ContentError(f"{name}, field 'check_digits': from 4 to 6 digits")
    if tuple(k.id for k in rules.kinds) != _REMOTE_KINDS:
        raise ContentError(f"{name}, field 'kinds': exactly {', '.join(_REMOTE_KINDS)}, in that order")
    for kind in rules.kinds:
        where = f"{name}, entry '{kind.id}'"
        _known(where, "sources", kind.sources, source_keys, "sources.yaml")
        if not kind.sources:
            raise ContentError(f"{where}, field 'sources': name a source, or DESIGN for our own choice")
        if kind.event not in _REMOTE_EVENTS:
            raise ContentError(f"{where}, field 'event': one of {', '.join(_REMOTE_EVENTS)}")
        if kind.alarm != (kind.event in ("pause", "it_hurts")):
            raise ContentError(f"{where}, field 'alarm': an alarm halts the step (pause or it_hurts), and only it")
        _check_cue(where, kind.spoken, None, "spoken")
    return _stripped(rules)


def _pressure_rules(
    directory: Path, source_keys: set[str], rule_ids: set[str], restriction_ids: set[str]
) -> PressureRules:
    name = "pressure.yaml"
    rules = _validated(name, "pressure", directory, PressureRules)
    _known(name, "sources", rules.sources, source_keys, "sources.yaml")
    _known(name, "aftercare_sources", rules.aftercare_sources, source_keys, "sources.yaml")
    if not rules.sources or not rules.design_choice.strip():
        raise ContentError(f"{name}: the pressure targets need their sources and a design_choice saying why")
    if not rules.aftercare or not rules.aftercare_sources:
        raise ContentError(f"{name}, field 'aftercare': the aftercare needs its lines and its sources")
    if not rules.targets or rules.targets[-1].rules or rules.targets[-1].restrictions:
        raise ContentError(
            f"{name}, field 'targets': the last target must be the usual one (no rules, no restrictions)"
        )
    for target in rules.targets:
        where = f"{name}, entry '{target.id}'"
        _known(where, "rules", target.rules, rule_ids, "rules.yaml")
        _known(where, "restrictions", target.restrictions, restriction_ids, "restrictions.yaml")
        if not target.checks or not target.legend or not target.target.strip():
            raise ContentError(f"{where}: a target needs its text, its checks and its legend")
        for check in target.checks:
            _check_cue(where, check, None, "checks")
            if not target.numbers and any(ch.isdigit() for ch in check):
                raise ContentError(f"{where}, field 'checks': '{check}' asks for a number, but numbers is false")
    return _stripped(rules)
