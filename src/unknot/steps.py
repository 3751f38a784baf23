"""A routine's steps in words, and the areas a routine works: what every front end shows of a step (its title,
where, how long as m:ss) and which areas it asks the pain of before and after. Pure."""

from __future__ import annotations

from unknot.model import Catalog, Routine, Step
from unknot.planner import area_words

__all__ = ["clock", "rated_regions", "step_title", "where"]


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
