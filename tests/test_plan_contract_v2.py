"""Contract version 2, plan side: 10,000 random requests through the shared checker's own ``plan_faults``.

The routine is built in-process exactly as ``unknot plan --json`` builds it (``unknot.contract`` in, the planner,
``unknot.contract`` out), so the run takes seconds. The random seed is fixed: the same 10,000 requests every run.
"""

from __future__ import annotations

import importlib.util
import random
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SHARED, in_ci
from unknot import load_catalog
from unknot.contract import plan_request_from_json, routine_to_json
from unknot.errors import PlanError
from unknot.planner import plan

CHECKER = SHARED / "contracts" / "check_examples.py"
CATALOG = load_catalog()
REGIONS = CATALOG.region_ids
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
RESTRICTIONS = tuple(r.id for r in CATALOG.restrictions)
REQUESTS = 10_000


def checker() -> ModuleType:
    """The shared checker, imported from ``shared/contracts`` with ``V2`` on."""
    if not CHECKER.exists():
        if in_ci():
            pytest.fail(f"{CHECKER} is missing: CI runs with shared/ beside the clone")
        pytest.skip("shared/ is not beside this checkout")
    spec = importlib.util.spec_from_file_location("check_examples", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.V2 = True
    return module


def random_request(rng: random.Random, i: int) -> dict[str, Any]:
    """Both modes, any tool subset, 3-60 minutes, focus, avoid, each restriction alone and combined, a seed."""
    mode = rng.choice(("self", "partner"))
    avoid = rng.sample(REGIONS, rng.choice((0, 0, 0, 1, 2, 4, 8)))
    focus = [r for r in rng.sample(REGIONS, rng.choice((0, 0, 1, 2, 3))) if r not in avoid]
    if i < 2 * len(RESTRICTIONS):  # each restriction alone, in both modes, first
        restrictions = [RESTRICTIONS[i // 2]]
        mode = ("self", "partner")[i % 2]
    else:
        restrictions = rng.sample(RESTRICTIONS, rng.choice((0, 0, 1, 1, 2, 3, len(RESTRICTIONS))))
    request: dict[str, Any] = {
        "mode": mode,
        "tools": rng.sample(TOOLS, rng.randint(0, len(TOOLS))),
        "minutes": rng.randint(3, 60),
        "focus": focus,
        "avoid": avoid,
        "restrictions": restrictions,
        "seed": rng.randrange(2**31),
    }
    if mode == "partner" and rng.random() < 0.3:
        request["position"] = rng.choice(("prone", "seated"))
    if rng.random() < 0.1:
        moved = restrictions[:1]
        request["restrictions"] = restrictions[1:]
        request["screen"] = {"verdict": "caution", "may_massage": True, "avoid_regions": [], "restrictions": moved}
    return request


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """What `unknot plan --json` prints for ``request`` (exit 0), or raises ``PlanError``."""
    parsed, screen = plan_request_from_json(request)
    return routine_to_json(plan(parsed, screen, catalog=CATALOG))


def test_ten_thousand_random_requests_meet_every_v2_guarantee() -> None:
    check = checker()
    rng = random.Random(20261203)
    faults: list[str] = []
    planned = shortened = 0
    for i in range(REQUESTS):
        request = random_request(rng, i)
        try:
            out = answer(request)
        except PlanError as err:
            assert err.code == "nothing_to_work", (request, err.message)
            continue
        planned += 1
        shortened += "shortened" in out
        for fault in check.plan_faults(request, out, {}):
            faults.append(f"{request}: {fault}")
        if i % 50 == 0:  # the same request gives the same routine
            assert answer(request) == out, request
    assert faults == [], f"{len(faults)} faults, first: {faults[:5]}"
    assert planned > 0.9 * REQUESTS and 0 < shortened < planned  # the run covers both kinds of routine


def test_the_checker_finds_a_broken_routine() -> None:
    """The property test can fail: a routine with a cane step under light_pressure, or over a dose cap, is caught."""
    check = checker()
    request = {"mode": "self", "tools": ["massage_cane"], "minutes": 10, "restrictions": ["light_pressure"]}
    out = answer({**request, "restrictions": []})
    assert any(s.get("technique") == "cane" for s in out["steps"])
    assert check.plan_faults(request, out, {})
    long_cane = {
        "mode": "self",
        "position": "seated",
        "total_seconds": 600,
        "steps": [
            {"kind": "technique", "technique": "cane", "region": "rhomboid_left", "tool": "massage_cane",
             "seconds": 300, "pressure": "light", "cue": "Pull gently."},
            {"kind": "transition", "name": "rest", "seconds": 300, "cue": "Rest."},
        ],
    }  # fmt: skip
    assert any("cap 240 s" in f for f in check.plan_faults({**request, "restrictions": []}, long_cane, {}))
