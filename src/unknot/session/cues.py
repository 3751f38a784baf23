"""What a guided session says, and when: the cue schedule of each step (pure).

Every step opens with its own cue (the routine's ``cue``). Within a step, by the rules of ``session.yaml``:

- a hold (``hold_seconds``): "find a tight spot and hold" when the hold starts after the step does, a 3-2-1 and
  "now release, slowly" when the hold ends, which leaves the technique's release time before the step ends;
- "half-way" (or "half-way, switch sides" for a step over a left and right pair) in long technique steps;
- "10 seconds left" in long steps, and a 3-2-1 before the end of technique steps.

Cues never overlap: each has an estimated speaking time (its words at the speaking rate, with a margin), and where
two would overlap the more important one stays (the step's own cue, then the release, the hold, the countdown,
switch sides, the warning, half-way). The same schedule drives the terminal player and the browser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from unknot.model import Catalog, SessionRules, Step

__all__ = ["PRIORITY", "Cue", "CueKind", "PlannedCue", "lead_in_cues", "routine_cues", "speaking_seconds", "step_cues"]

#: Added to every estimate: the silence a speech engine leaves around an utterance.
PAUSE_SECONDS = 0.4
#: Speech runs longer than words at the nominal rate (long words, numbers): kept on the safe side.
MARGIN = 1.2
#: A comma, semicolon or full stop inside a cue is a short pause.
BREATH_SECONDS = 0.25
_WORD = re.compile(r"[A-Za-z0-9']+")  # "half-way" is two words to a speech engine
_BREATH = re.compile(r"[,;:.!?](?=\s+\S)")


class CueKind(StrEnum):
    """Why a cue is said."""

    LEAD_IN = "lead_in"  # the get-ready countdown before the first step
    START = "start"  # a step's own cue
    HOLD = "hold"  # a hold begins
    RELEASE = "release"  # a hold ends
    COUNTDOWN = "countdown"  # 3, 2, 1
    SWITCH_SIDES = "switch_sides"  # half-way through a step over both sides
    HALFWAY = "halfway"
    WARNING = "warning"  # 10 seconds left
    # Said at once, in answer to the user (they interrupt whatever is being said):
    PAUSED = "paused"
    RESUMED = "resumed"
    FEEDBACK = "feedback"
    HURTS = "hurts"
    SKIP_REGION = "skip_region"
    FINISHED = "finished"
    STOPPED = "stopped"


# When two planned cues would overlap, the higher keeps its place.
PRIORITY = {
    CueKind.START: 100,
    CueKind.LEAD_IN: 100,
    CueKind.RELEASE: 90,
    CueKind.HOLD: 80,
    CueKind.COUNTDOWN: 70,
    CueKind.SWITCH_SIDES: 60,
    CueKind.WARNING: 50,
    CueKind.HALFWAY: 40,
}


@dataclass(frozen=True, slots=True)
class PlannedCue:
    """A cue of a step's schedule: said ``offset`` seconds into the step, for about ``seconds``."""

    offset: float
    kind: CueKind
    text: str
    seconds: float

    @property
    def end(self) -> float:
        """When it has been said, in seconds into the step."""
        return self.offset + self.seconds


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue as a session says it: at ``at`` (the session clock's seconds), for about ``seconds``.

    ``step`` is the routine's step it belongs to (None for the lead-in and the session's own words); ``chime``
    marks the start of a step (a soft sound before the words); ``interrupt`` means it answers the user and cuts off
    whatever is being said; ``due`` is when the schedule wanted it (a cue waits while another is said, or comes
    with a late tick): what identifies a scheduled cue, wherever and whenever it is said.
    """

    at: float
    kind: CueKind
    text: str
    seconds: float
    step: int | None = None
    chime: bool = False
    interrupt: bool = False
    due: float | None = None  # None: said in answer to the user, due when said

    @property
    def scheduled(self) -> float:
        """When it was due: ``due``, or ``at`` for a cue that answers the user."""
        return self.at if self.due is None else self.due


def speaking_seconds(text: str, words_per_minute: int) -> float:
    """An upper estimate of how long ``text`` takes to say at ``words_per_minute``."""
    words = len(_WORD.findall(text))
    return PAUSE_SECONDS + words * 60.0 / words_per_minute * MARGIN + BREATH_SECONDS * len(_BREATH.findall(text))


def step_cues(step: Step, catalog: Catalog, words_per_minute: int | None = None) -> tuple[PlannedCue, ...]:
    """The cues of ``step``, by offset, none overlapping another, every one but the step's own within the step."""
    rules = catalog.session
    wpm = words_per_minute or rules.words_per_minute
    texts = rules.texts

    def cue(offset: float, kind: CueKind, text: str) -> PlannedCue:
        return _planned(offset, kind, text, wpm)

    seconds = step.seconds
    wanted = [cue(0.0, CueKind.START, step.cue)]
    if step.is_technique:
        if step.hold_seconds:
            technique = catalog.technique(step.technique)
            release = technique.hold.release_seconds if technique and technique.hold else seconds - step.hold_seconds
            release_at = max(float(step.hold_seconds), float(seconds - release))
            hold_at = release_at - step.hold_seconds
            if hold_at > 0:
                wanted.append(cue(hold_at, CueKind.HOLD, texts.hold))
            wanted += _countdown(release_at, rules, wpm)
            wanted.append(cue(release_at, CueKind.RELEASE, texts.release))
        elif seconds >= rules.halfway_min_seconds:
            if _left_right_pair(step):
                wanted.append(cue(seconds / 2, CueKind.SWITCH_SIDES, texts.switch_sides))
            else:
                wanted.append(cue(seconds / 2, CueKind.HALFWAY, texts.halfway))
        if seconds >= rules.countdown_min_seconds:
            wanted += _countdown(float(seconds), rules, wpm)
    if seconds >= rules.warning_min_seconds:
        warning = texts.warning.format(seconds=rules.warning_seconds)
        wanted.append(cue(float(seconds - rules.warning_seconds), CueKind.WARNING, warning))
    return _fit(wanted, float(seconds))


def lead_in_cues(rules: SessionRules, words_per_minute: int | None = None) -> tuple[PlannedCue, ...]:
    """The get-ready countdown's cues: "Starting in 5 seconds", then 3-2-1."""
    wpm = words_per_minute or rules.words_per_minute
    text = rules.texts.lead_in.format(seconds=rules.lead_in_seconds)
    seconds = float(rules.lead_in_seconds)
    return _fit([_planned(0.0, CueKind.LEAD_IN, text, wpm), *_countdown(seconds, rules, wpm)], seconds)


def routine_cues(
    steps: tuple[Step, ...], catalog: Catalog, words_per_minute: int | None = None
) -> tuple[tuple[PlannedCue, ...], ...]:
    """The schedule of every step, in order (what the browser plays)."""
    return tuple(step_cues(step, catalog, words_per_minute) for step in steps)


def _planned(offset: float, kind: CueKind, text: str, words_per_minute: int) -> PlannedCue:
    return PlannedCue(offset, kind, text, speaking_seconds(text, words_per_minute))


def _countdown(end: float, rules: SessionRules, words_per_minute: int) -> list[PlannedCue]:
    """3, 2, 1: the last ``countdown_from`` whole seconds before ``end``."""
    words = rules.texts.countdown
    return [
        _planned(end - n, CueKind.COUNTDOWN, words[n - 1], words_per_minute) for n in range(rules.countdown_from, 0, -1)
    ]


def _left_right_pair(step: Step) -> bool:
    """Whether the step covers one muscle on both sides, and nothing else."""
    regions = step.regions
    if len(regions) != 2:
        return False
    stems = {r.rsplit("_", 1)[0] for r in regions}
    sides = {r.rsplit("_", 1)[-1] for r in regions}
    return len(stems) == 1 and sides == {"left", "right"}


def _fit(wanted: list[PlannedCue], seconds: float) -> tuple[PlannedCue, ...]:
    """The cues that fit, most important first: none overlaps another; all but the step's own end in the step."""
    kept: list[PlannedCue] = []
    for candidate in sorted(wanted, key=lambda c: (-PRIORITY[c.kind], c.offset)):
        opener = candidate.kind in (CueKind.START, CueKind.LEAD_IN)
        if candidate.offset < 0 or (not opener and candidate.end > seconds):
            continue
        if all(candidate.end <= k.offset or k.end <= candidate.offset for k in kept):
            kept.append(candidate)
    return tuple(sorted(kept, key=lambda c: c.offset))
