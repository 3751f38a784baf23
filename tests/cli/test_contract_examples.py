"""The shared contract checker passes every `screen-*` example, and every `plan-*` one under contract 1 and 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, UNKNOT, in_ci

CHECKER = SHARED / "contracts" / "check_examples.py"


def test_the_shared_checker_passes_the_screen_examples(tmp_path: Path) -> None:
    if not CHECKER.exists():
        if in_ci():
            pytest.fail(f"{CHECKER} is missing: CI runs with shared/ beside the clone")
        pytest.skip("shared/ is not beside this checkout")
    examples = sorted((SHARED / "contracts" / "examples").glob("screen-*.json"))
    assert len(examples) >= 2
    for example in examples:
        shutil.copy(example, tmp_path / example.name)
    proc = subprocess.run(
        [sys.executable, str(CHECKER), "--dir", str(tmp_path), "--cli", str(UNKNOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(examples) // 2} passed, 0 failed" in proc.stdout


@pytest.mark.parametrize("contract", [1, 2])
def test_the_shared_checker_passes_the_plan_examples(tmp_path: Path, contract: int) -> None:
    """Every `plan-*` example, and with `--contract 2` the version-2 ones in `v2/` and every v2 guarantee."""
    if not CHECKER.exists():
        if in_ci():
            pytest.fail(f"{CHECKER} is missing: CI runs with shared/ beside the clone")
        pytest.skip("shared/ is not beside this checkout")
    folder = SHARED / "contracts" / "examples"
    examples = sorted(folder.glob("plan-*.json"))
    for example in examples:
        shutil.copy(example, tmp_path / example.name)
    if contract == 2:
        (tmp_path / "v2").mkdir()
        for example in sorted((folder / "v2").glob("plan-*.json")):
            shutil.copy(example, tmp_path / "v2" / example.name)
            examples.append(example)
    assert len(examples) >= 6
    proc = subprocess.run(
        [sys.executable, str(CHECKER), "--dir", str(tmp_path), "--cli", str(UNKNOT), "--contract", str(contract)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(examples) // 2} passed, 0 failed" in proc.stdout
