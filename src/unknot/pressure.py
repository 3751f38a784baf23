"""How hard to press today, the pressure words explained, and what to expect afterwards (pure).

One place chooses the pressure target (``guide``): from today's restrictions and the rules the screen found, by
the targets of ``content/pressure.yaml`` (a design choice, source key DESIGN). The terminal, the web pages, the
PDF and the spoken pressure checks all show or say what it returns, so that under ``light_pressure`` nothing
speaks of a "good hurt" and, with reduced feeling (``reduced_sensation``), no check asks for a number.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from unknot.content import load_catalog
from unknot.model import Catalog, Pressure, Routine, Step, Verdict

__all__ = ["PAIN_CHECK", "PressureGuide", "guide", "routine_guide", "spoken_steps", "stored_guide", "verdict_guide"]

#: The transition that checks the pressure in (transitions.yaml); its words come from the guide.
PAIN_CHECK = "pain_check"


@dataclass(frozen=True, slots=True)
class PressureGuide:
    """Today's pressure target, what a pressure check says, the pressure words explained, and the aftercare."""

    id: str  # the target's id in pressure.yaml: no_rating, light or usual
    numbers: bool  # whether a pain rating may guide pressure (false: no check asks for one)
    target: str
    checks: tuple[str, ...]
    legend: tuple[tuple[Pressure, str], ...]  # the words a routine explains, lightest first
    aftercare: tuple[str, ...]


def guide(
    restrictions: Collection[str] = (), rules: Collection[str] = (), catalog: Catalog | None = None
) -> PressureGuide:
    """The pressure guide for today's ``restrictions`` and the ``rules`` the screen found (rule ids)."""
    content = (catalog or load_catalog()).pressure
    target = next(
        t
        for t in content.targets
        if any(r in rules for r in t.rules)
        or any(r in restrictions for r in t.restrictions)
        or not (t.rules or t.restrictions)
    )
    words = {
        Pressure.LIGHT: content.legend.light,
        Pressure.MEDIUM: content.legend.medium,
        Pressure.FIRM: content.legend.firm,
    }
    return PressureGuide(
        id=target.id,
        numbers=target.numbers,
        target=target.target,
        checks=target.checks,
        legend=tuple((p, words[p]) for p in Pressure if p in target.legend),
        aftercare=(*content.aftercare, *target.aftercare),
    )


def verdict_guide(verdict: Verdict, catalog: Catalog | None = None) -> PressureGuide:
    """The pressure guide of a screen's verdict."""
    return guide(verdict.restrictions, [r.rule for r in verdict.reasons], catalog)


def routine_guide(routine: Routine, catalog: Catalog | None = None) -> PressureGuide:
    """The pressure guide a routine was planned under."""
    return guide(routine.restrictions, routine.rules, catalog)


def stored_guide(routine: Mapping[str, Any], catalog: Catalog | None = None) -> PressureGuide:
    """The pressure guide of a routine as the journal keeps it (``unknot plan --json``'s answer); what is not a list
    of ids counts as none, so an old or damaged record still gets the aftercare."""

    def ids(key: str) -> list[str]:
        value = routine.get(key, ())
        return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []

    return guide(ids("restrictions"), ids("rules"), catalog)


def spoken_steps(routine: Routine, catalog: Catalog | None = None) -> tuple[Step, ...]:
    """The routine's steps with every pressure check saying what today's guide says.

    A routine planned now already does; one kept in the journal from before (a session resumed) may not.
    """
    checks = routine_guide(routine, catalog).checks
    out: list[Step] = []
    n = 0
    for step in routine.steps:
        if not step.is_technique and step.name == PAIN_CHECK:
            if step.cue not in checks:
                step = replace(step, cue=checks[n % len(checks)])
            n += 1
        out.append(step)
    return tuple(out)
