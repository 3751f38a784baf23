"""Start-up time of the CLI against the venv's bare `python -c pass`, with the venv's entry point (issue 3).

Aims: `unknot --help` within 12x the bare interpreter, `unknot screen --json` within 15x.
"""

from __future__ import annotations

import compileall
import sys
import sysconfig
from pathlib import Path

from benchmarks.harness import Case, Result, compare, table

ROOT = Path(__file__).resolve().parent.parent
OK_REQUEST = b'{"findings": [], "all_others_answered_no": true}'


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """Time the cases; return the table and the results."""
    # A user's unknot runs from bytecode: pip compiles at install, and Python caches .pyc on first import.
    # Where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) nothing is ever cached and every start
    # compiles Typer and unknot from source (~100 ms), so compile the venv and the editable source once.
    for folder in (sysconfig.get_paths()["purelib"], str(ROOT / "src" / "unknot")):
        compileall.compile_dir(folder, quiet=2, workers=0)
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
