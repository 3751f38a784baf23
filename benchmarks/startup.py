"""Start-up time of the CLI against the venv's bare `python -c pass`, with the venv's entry point (issue 3).

Aims: `unknot --help` within 12x the bare interpreter, `unknot screen --json` within 15x.
"""

from __future__ import annotations

import compileall
import sys
from pathlib import Path

from benchmarks.harness import Case, Result, compare, table

ROOT = Path(__file__).resolve().parent.parent
OK_REQUEST = b'{"findings": [], "all_others_answered_no": true}'


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """Time the cases; return the table and the results."""
    # An installed unknot has its bytecode compiled (pip and uv compile wheels at install; dependencies here
    # through `compile-bytecode` in pyproject.toml). The editable source is not, and where
    # PYTHONDONTWRITEBYTECODE is set Python would compile it from source on every start: compile it once.
    compileall.compile_dir(str(ROOT / "src" / "unknot"), quiet=1)
    python = sys.executable
    unknot = str(Path(python).with_name("unknot"))
    baseline = Case("python -c pass (baseline)", [python, "-c", "pass"])
    cases = [
        Case("unknot --help", [unknot, "--help"], aim=12),
        Case("unknot --version", [unknot, "--version"]),
        Case("unknot screen --json - (ok request)", [unknot, "screen", "--json", "-"], aim=15, stdin=OK_REQUEST),
    ]
    results = compare(baseline, cases, runs=runs)
    return table(f"start-up, median of {runs} interleaved runs (bytecode compiled)", results), results
