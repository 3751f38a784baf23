"""A routine's steps in words, and the areas a routine works: what every front end shows of a step (its title,
where, how long as m:ss, how to do it on demand, the areas "it hurts" may leave alone) and which areas it asks the
pain of before and after. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from unknot.model import Catalog, Routine, Step
from unknot.planner import area_words

__all__ = ["HowTo", "area_names", "clock", "how_to", "rated_regions", "skip_choice_words", "step_title", "where"]


@dataclass(frozen=True, slots=True)
class HowTo:
    """How to do a technique, in a few key points: what the player shows on demand (its drawing is
    ``technique-{technique}.svg``)."""

    technique: str  # the technique's id
    name: str
    how: tuple[str, ...]  # the steps of the technique, in order (techniques.yaml ``how``)
    tool: str  # the tool's name, when the step uses one with tips of its own ("" for hands)
    tool_tips: tuple[str, ...]  # that tool's safety tips (tools.yaml ``tips``)
    avoid: tuple[str, ...]  # the common mistakes (techniques.yaml ``mistakes``)
    stop_signs: tuple[str, ...]  # stop at once if (techniques.yaml ``stop_signs``)
    upcoming: bool  # the step is a transition: this is the technique that comes next


def clock(seconds: float) -> str:
    """``m:ss``, rounded up, so a countdown reads 0:01 until it is over."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


def step_title(catalog: Catalog, step: Step) -> str:
    """The step's name: the technique's, or the transition's in words."""
    if step.is_technique:
        technique = catalog.technique(step.technique)
        return technique.name if technique else step.technique.replace("_", " ")
    return {
        "get_ready": "Get ready",
        "reposition": "Change position",
        "switch_side": "Switch sides",
        "rest": "Rest",
        "pain_check": "Pressure check",
    }.get(step.name, step.name.replace("_", " ").capitalize())


def where(catalog: Catalog, step: Step) -> str:
    """Where the step works, in words ("whole upper back" for a sweep)."""
    if not step.is_technique:
        position = catalog.position(step.position)
        return position.name if position else ""
    ids = step.regions or (step.region,)
    area = area_words(catalog, ids)
    if area is not None:
        return area[0].upper() + area[1:]
    return " and ".join(r.name if (r := catalog.region(i)) else i for i in ids)


def rated_regions(routine: Routine) -> list[str]:
    """The areas to rate before and after, in the routine's order: those the technique steps work one by one, and
    those a foam roller rolls (a band across the back, felt as much as a ball); not the strokes that sweep the whole
    back, which warm it rather than work an area."""
    regions: list[str] = []
    for step in routine.steps:
        if step.is_technique and (len(step.regions) <= 2 or step.technique == "foam_roller"):
            regions += [r for r in (step.region, *step.regions) if r and r not in regions]
    return regions


def how_to(catalog: Catalog, steps: Sequence[Step], index: int) -> HowTo | None:
    """How to do the technique of step ``index``; during a transition (a change of position, a pressure check),
    the next technique step's (the one being prepared for); None when no technique step is left."""
    if not 0 <= index < len(steps):
        return None
    ahead = [i for i in range(index, len(steps)) if steps[i].is_technique]
    if not ahead:
        return None
    step = steps[ahead[0]]
    technique = catalog.technique(step.technique)
    if technique is None:
        return None
    tool = catalog.tool(step.tool)
    return HowTo(
        technique=technique.id,
        name=technique.name,
        how=technique.how,
        tool=tool.name if tool else "",
        tool_tips=tool.tips if tool else (),
        avoid=technique.mistakes,
        stop_signs=technique.stop_signs,
        upcoming=ahead[0] != index,
    )


def area_names(catalog: Catalog, regions: Sequence[str]) -> str:
    """Regions by name: "Upper trapezius, left and Rhomboid, left"."""
    return " and ".join(r.name if (r := catalog.region(i)) else i for i in regions)


def skip_choice_words(catalog: Catalog, regions: Sequence[str], *, started: bool, ambiguous: bool) -> str:
    """What a choice to leave an area alone after "it hurts" says: the area by name and, when the pain came in a
    step's first seconds (either area may be meant), which one it is."""
    names = area_names(catalog, regions)
    if not ambiguous:
        return f"Skip {names} today"
    return f"Skip {names} today ({'just started' if started else 'worked just before'})"
