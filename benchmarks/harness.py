"""Timing helpers shared by the benchmarks: interleaved runs, medians, and a ratio table."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One command to time, with the aim for its ratio to the baseline (None: report only)."""

    name: str
    argv: Sequence[str]
    aim: float | None = None
    stdin: bytes | None = None
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Result:
    """The median wall time of a case, and its ratio to the baseline of the same run."""

    case: Case
    median_ms: float
    ratio: float

    @property
    def meets_aim(self) -> bool | None:
        """Whether the ratio is within the aim (None when there is no aim)."""
        return None if self.case.aim is None else self.ratio <= self.case.aim


def time_once(case: Case) -> float:
    """Wall time of one run of ``case``, in seconds; a failing command is an error, not a fast result."""
    start = time.perf_counter()
    env = {**os.environ, **case.env} if case.env else None
    proc = subprocess.run(case.argv, input=case.stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{case.name} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def compare(baseline: Case, cases: Sequence[Case], runs: int = 21, warmup: int = 2) -> list[Result]:
    """Time the baseline and every case ``runs`` times, interleaved round-robin, and return medians."""
    everyone = [baseline, *cases]
    for case in everyone:
        for _ in range(warmup):
            time_once(case)
    samples: dict[str, list[float]] = {c.name: [] for c in everyone}
    for _ in range(runs):
        for case in everyone:
            samples[case.name].append(time_once(case))
    base = statistics.median(samples[baseline.name])
    return [
        Result(case, statistics.median(samples[case.name]) * 1000, statistics.median(samples[case.name]) / base)
        for case in everyone
    ]


def table(title: str, results: Sequence[Result]) -> str:
    """A plain-text table of results."""
    lines = [title, f"  {'case':<44} {'median':>10} {'ratio':>8} {'aim':>6}  ok"]
    for r in results:
        aim = f"{r.case.aim:g}x" if r.case.aim is not None else "-"
        ok = {None: "", True: "yes", False: "NO"}[r.meets_aim]
        lines.append(f"  {r.case.name:<44} {r.median_ms:>8.1f}ms {r.ratio:>7.1f}x {aim:>6}  {ok}")
    return "\n".join(lines)
