"""The terminal player on a real clock, for ``benchmarks.session``: run as a child on a pseudo-terminal.

``python -m benchmarks.session_driver OUT.json``: plays a two-minute routine in real time (Rich Live screen, silent
voice, a real SQLite journal keeping every step), then writes what it measured to OUT.json:

- ``end_error_ms``: when the routine really ended against when it should have (its start, the lead-in and its
  120 s), on the session's own monotonic clock;
- ``step_cpu``: the CPU time of this process over each step of 30 s or more, as a share of a core;
- ``run_cpu``: the same over the whole run;
- ``baseline_late_ms``: how late a bare ``select`` wakes for a deadline on this machine, measured just before.
"""

from __future__ import annotations

import json
import resource
import select
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from unknot.cli.player import play
from unknot.cli.voice import Silent
from unknot.content import load_catalog
from unknot.contract import routine_to_json
from unknot.journal.store import SqlJournal
from unknot.model import Mode, PlanRequest, Routine, SessionRecord
from unknot.planner import plan
from unknot.session import CueKind, Session, SystemClock, Update

SECONDS = 120


def two_minute_routine() -> Routine:
    """A partner routine cut to exactly two minutes (the planner's shortest is three)."""
    catalog = load_catalog()
    steps, total = [], 0
    for step in plan(PlanRequest(Mode.PARTNER, 3), catalog=catalog).steps:
        if total + step.seconds >= SECONDS:
            steps.append(replace(step, seconds=SECONDS - total))
            break
        steps.append(step)
        total += step.seconds
    routine = plan(PlanRequest(Mode.PARTNER, 3), catalog=catalog)
    return replace(routine, steps=tuple(steps))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def baseline_lateness(count: int = 40, gap: float = 0.25) -> float:
    """Median lateness (ms) of ``select`` waking for a deadline ``gap`` seconds ahead."""
    late = []
    for _ in range(count):
        deadline = time.monotonic() + gap
        select.select([], [], [], deadline - time.monotonic())
        late.append(time.monotonic() - deadline)
    late.sort()
    return late[len(late) // 2] * 1000


def main(out: Path) -> None:
    catalog = load_catalog()
    baseline = baseline_lateness()
    routine = two_minute_routine()
    assert routine.total_seconds == SECONDS
    with tempfile.TemporaryDirectory() as tmp:
        journal = SqlJournal.open(f"sqlite:///{Path(tmp) / 'journal.db'}")
        record = journal.start_session(SessionRecord(datetime.now(UTC), routine.mode, routine_to_json(routine)))
        assert record.id is not None
        session_id = record.id
        clock = SystemClock(1.0)
        session = Session(routine, catalog, clock)
        planned_end = session.started + catalog.session.lead_in_seconds + SECONDS
        marks: list[tuple[int, float, float]] = []  # step index ended, clock time, CPU time
        ended: list[float] = []
        run_start_cpu, run_start = cpu(), clock.monotonic()

        def keep(update: Update) -> None:
            now = clock.monotonic()
            for step in update.steps:
                journal.save_step(session_id, step)
                marks.append((step.index, now, cpu()))
            if any(c.kind is CueKind.FINISHED for c in update.cues):
                ended.append(now)

        console = Console(force_terminal=True, width=100, height=40)
        play(session, catalog=catalog, voice=Silent(), console=console, title="benchmark", on_update=keep)
        run_cpu = (cpu() - run_start_cpu) / (clock.monotonic() - run_start)
        journal.close()
    step_cpu = []
    previous = (run_start, run_start_cpu)
    for index, at, used in marks:
        if routine.steps[index].seconds >= 30:
            step_cpu.append((used - previous[1]) / (at - previous[0]))
        previous = (at, used)
    out.write_text(
        json.dumps(
            {
                "end_error_ms": (ended[0] - planned_end) * 1000,
                "step_cpu": step_cpu,
                "run_cpu": run_cpu,
                "baseline_late_ms": baseline,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
