"""The guided session: a state machine over a routine (``Session``), its cue schedule and its clocks (pure).

The terminal player and the web app drive the same ``Session``; only their clock and their voice differ.
"""

from __future__ import annotations

from unknot.session.clock import TIME_SCALE_VARIABLE, Clock, ManualClock, SystemClock, time_scale
from unknot.session.cues import Cue, CueKind, PlannedCue, lead_in_cues, routine_cues, speaking_seconds, step_cues
from unknot.session.state import ACCEPTS, Event, Progress, Session, SkipChoice, State, Update
from unknot.session.timeline import Phase, Timeline, planned_cues, timeline, timeline_to_json

__all__ = [
    "ACCEPTS",
    "TIME_SCALE_VARIABLE",
    "Clock",
    "Cue",
    "CueKind",
    "Event",
    "Phase",
    "ManualClock",
    "PlannedCue",
    "Progress",
    "Session",
    "SkipChoice",
    "State",
    "SystemClock",
    "Timeline",
    "Update",
    "lead_in_cues",
    "planned_cues",
    "routine_cues",
    "speaking_seconds",
    "step_cues",
    "time_scale",
    "timeline",
    "timeline_to_json",
]
