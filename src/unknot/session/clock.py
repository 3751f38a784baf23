"""The clocks a guided session runs on: the system's (optionally sped up) and a hand-driven one for tests.

A session reads two things from its clock: ``monotonic()``, seconds of routine time whose differences time the steps
(never the time of day, which jumps), and ``wall()``, the time of day that goes into the journal.

``SystemClock(scale)`` runs routine time ``scale`` times faster than real time: ``UNKNOT_TIME_SCALE=60`` makes a
minute-long step last one real second, for demonstrations and the end-to-end tests. It is the same code path at
any scale: nothing else in unknot knows the clock is fast.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from unknot.errors import ConfigError

__all__ = ["TIME_SCALE_VARIABLE", "Clock", "ManualClock", "SystemClock", "time_scale"]

TIME_SCALE_VARIABLE = "UNKNOT_TIME_SCALE"


class Clock(Protocol):
    """Where a session gets the time."""

    def monotonic(self) -> float:
        """Seconds of routine time since an arbitrary start; never goes back."""
        ...

    def wall(self) -> datetime:
        """The time of day (time-zone aware), for the journal."""
        ...

    def real_seconds(self, routine_seconds: float) -> float:
        """How long ``routine_seconds`` of routine time last in real time (for waiting)."""
        ...


class SystemClock:
    """The machine's monotonic clock, ``scale`` times faster (1: real time)."""

    def __init__(self, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ConfigError(f"time scale {scale} must be more than 0 (1 is real time)")
        self.scale = scale
        self._origin = time.monotonic()

    def monotonic(self) -> float:
        """Seconds of routine time since the clock was made."""
        return (time.monotonic() - self._origin) * self.scale

    def wall(self) -> datetime:
        """The real time of day, whatever the scale: the journal never holds a time still to come."""
        return datetime.now(UTC)

    def real_seconds(self, routine_seconds: float) -> float:
        """``routine_seconds`` divided by the scale."""
        return routine_seconds / self.scale


class ManualClock:
    """A clock that moves only when told: ``clock.advance(10)``. Its wall time follows its routine time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = 0.0
        self.start = start or datetime(2026, 1, 5, 18, 0, tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        if seconds < 0:
            raise ValueError(f"a clock does not go back ({seconds} s)")
        self.now += seconds

    def monotonic(self) -> float:
        """Seconds since the clock was made, as advanced."""
        return self.now

    def wall(self) -> datetime:
        """``start`` plus the seconds advanced."""
        return self.start + timedelta(seconds=self.now)

    def real_seconds(self, routine_seconds: float) -> float:
        """The same: a manual clock has no speed."""
        return routine_seconds


def time_scale(environ: dict[str, str] | None = None) -> float:
    """The speed-up set by ``UNKNOT_TIME_SCALE`` (1 when unset); ``ConfigError`` for a value that is not a positive
    number."""
    value = (environ if environ is not None else dict(os.environ)).get(TIME_SCALE_VARIABLE, "").strip()
    if not value:
        return 1.0
    try:
        scale = float(value)
    except ValueError:
        raise ConfigError(
            f"{TIME_SCALE_VARIABLE}={value!r} is not a number; give a speed-up such as 60, or unset it"
        ) from None
    if not 0 < scale <= 10_000:
        raise ConfigError(f"{TIME_SCALE_VARIABLE}={value!r} must be more than 0 and at most 10000 (1 is real time)")
    return scale
