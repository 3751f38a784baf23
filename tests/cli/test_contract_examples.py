"""The shared contract checker passes every `screen-*` example (the planner's come with issue 4)."""

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
