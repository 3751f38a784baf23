"""Planner throughput (plans per second on one core, a representative mix) and `unknot plan --json` start-up.

Aims (issue 4): at least 2,000 plans/s; `unknot plan --json` start-up is reported against bare Python.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from benchmarks.harness import Case, Result, compare, table
from unknot.content import load_catalog
from unknot.model import Mode, PlanRequest
from unknot.planner import plan

AIM_PLANS_PER_SECOND = 2000
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
REGIONS = ("upper_trapezius_left", "upper_trapezius_right", "rhomboid_left", "rhomboid_right", "scapula_right")
RESTRICTIONS = ("light_pressure", "no_firm", "no_prone", "no_floor_work", "no_spine_rolling")


def mix(n: int = 400, seed: int = 2026) -> list[PlanRequest]:
    """Requests as people make them: both modes, common tool sets, 5 to 60 minutes, some focus and limits."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        focus = tuple(rng.sample(REGIONS, rng.choice((0, 0, 1, 2))))
        avoid = tuple(r for r in rng.sample(REGIONS, rng.choice((0, 0, 0, 1))) if r not in focus)
        out.append(
            PlanRequest(
                mode=rng.choice((Mode.PARTNER, Mode.SELF)),
                minutes=rng.choice((5, 8, 10, 15, 20, 30, 45, 60)),
                tools=tuple(rng.sample(TOOLS, rng.randint(0, 3))),
                focus=focus,
                avoid=avoid,
                restrictions=tuple(rng.sample(RESTRICTIONS, rng.choice((0, 0, 0, 1, 2)))),
                seed=i,
            )
        )
    return out


def throughput(requests: list[PlanRequest], repeats: int = 9) -> float:
    """Plans per second: the best of ``repeats`` passes over the requests, in this one process (one core)."""
    catalog = load_catalog()
    for request in requests[:20]:  # warm caches
        plan(request, catalog=catalog)
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for request in requests:
            plan(request, catalog=catalog)
        best = max(best, len(requests) / (time.perf_counter() - start))
    return best


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """Throughput against its aim, then `unknot plan --json` start-up against bare Python."""
    rate = throughput(mix())
    ok = "yes" if rate >= AIM_PLANS_PER_SECOND else "NO"
    text = (
        "planner throughput, representative mix of 400 requests, best of 9 passes\n"
        f"  {rate:,.0f} plans/s   aim >= {AIM_PLANS_PER_SECOND:,}/s  {ok}\n\n"
    )
    python = sys.executable
    unknot = str(Path(python).with_name("unknot"))
    request = json.dumps({"mode": "self", "tools": ["tennis_ball", "foam_roller"], "minutes": 15}).encode()
    results = compare(
        Case("python -c pass (baseline)", [python, "-c", "pass"]),
        [Case("unknot plan --json - (self, 15 min)", [unknot, "plan", "--json", "-"], stdin=request)],
        runs=runs,
    )
    text += table(f"plan start-up, median of {runs} interleaved runs (bytecode compiled)", results)
    missed = [] if rate >= AIM_PLANS_PER_SECOND else [Result(Case("throughput", [], aim=1.0), rate, 2.0)]
    return text, results + missed
