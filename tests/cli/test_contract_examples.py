"""The shared contract checker passes every public example, screen and plan, under contract 1 and contract 2
(``--contract 2`` adds the examples in ``v2/`` and checks every version-2 guarantee on every example)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED, UNKNOT, in_ci

CHECKER = SHARED / "contracts" / "check_examples.py"
EXAMPLES = SHARED / "contracts" / "examples"


@pytest.mark.parametrize("contract", [1, 2])
def test_the_shared_checker_passes_every_public_example(contract: int) -> None:
    if not CHECKER.exists():
        if in_ci():
            pytest.fail(f"{CHECKER} is missing: CI runs with shared/ beside the clone")
        pytest.skip("shared/ is not beside this checkout")
    examples = [p for p in EXAMPLES.glob("*.in.json") if contract >= 2 or "-v2" not in p.name]
    if contract >= 2:
        examples += list((EXAMPLES / "v2").glob("*.in.json"))
    assert {p.name.split("-")[0] for p in examples} == {"screen", "plan"}
    proc = subprocess.run(
        [sys.executable, str(CHECKER), "--dir", str(EXAMPLES), "--cli", str(UNKNOT), "--contract", str(contract)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(examples)} passed, 0 failed" in proc.stdout
