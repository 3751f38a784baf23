"""Softer next time (issue 15, pure): a technique the receiver asked "less" on repeatedly in the last session of the
same kind starts a level lighter in the next routine, and the routine's notes say so.

"Less" is the player's own button or the receiver's remote (both go into the step's feedback). The threshold is
content (``remote.yaml`` ``soften_after_less``, a design choice); the level is one step down the pressure words
(firm to medium, medium to light); a technique already light stays light and gets no note.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from unknot.model import Catalog, Feedback, Pressure, Routine, SessionRecord

__all__ = ["asked_less", "soften"]


def asked_less(record: SessionRecord, threshold: int) -> dict[str, int]:
    """Technique id to how many times "less" was asked on its steps in ``record``, for those asked ``threshold``
    times or more."""
    planned = record.routine.get("steps", [])
    counts: Counter[str] = Counter()
    for step in record.steps:
        if not 0 <= step.index < len(planned):
            continue
        technique = planned[step.index].get("technique") or ""
        if technique:
            counts[technique] += sum(1 for f in step.feedback if f is Feedback.LESS)
    return {technique: n for technique, n in counts.items() if n >= threshold}


def soften(routine: Routine, less: dict[str, int], catalog: Catalog) -> Routine:
    """``routine`` with each technique of ``less`` a pressure level lighter on every step of it, and a note per
    technique softened (none for a technique already light, or not in this routine)."""
    levels = list(Pressure)
    notes: list[str] = []
    steps = list(routine.steps)
    for technique, count in sorted(less.items()):
        lowered: tuple[Pressure, Pressure] | None = None
        for i, step in enumerate(steps):
            if step.technique != technique or step.pressure is None or step.pressure.level == 0:
                continue
            lighter = levels[step.pressure.level - 1]
            lowered = lowered or (step.pressure, lighter)
            steps[i] = replace(step, pressure=lighter)
        if lowered is not None:
            found = catalog.technique(technique)
            name = found.name if found else technique
            notes.append(
                f"{name} starts lighter this time ({lowered[1].value}, not {lowered[0].value}): "
                f'"less" was asked {count} times on it last session.'
            )
    return replace(routine, steps=tuple(steps), notes=(*routine.notes, *notes)) if notes else routine
