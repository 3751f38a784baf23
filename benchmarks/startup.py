"""Start-up time of the CLI against the venv's bare `python -c pass`, with the venv's entry point (issue 3).

Aims: `unknot --help` within 12x the bare interpreter, `unknot screen --json` within 15x.
"""

from __future__ import annotations

import compileall
import sys
import sysconfig
import tempfile
from pathlib import Path

from benchmarks.harness import Case, Result, compare, table

ROOT = Path(__file__).resolve().parent.parent
OK_REQUEST = b'{"findings": [], "all_others_answered_no": true}'


def cases(env: dict[str, str] | None = None, aims: bool = True) -> tuple[Case, list[Case]]:
    """The baseline and the cases, with the venv's entry point (not `uv run`)."""
    python = sys.executable
    unknot = str(Path(python).with_name("unknot"))
    baseline = Case("python -c pass (baseline)", [python, "-c", "pass"], env=env)
    return baseline, [
        Case("unknot --help", [unknot, "--help"], aim=12 if aims else None, env=env),
        Case("unknot --version", [unknot, "--version"], env=env),
        Case(
            "unknot screen --json - (ok request)",
            [unknot, "screen", "--json", "-"],
            aim=15 if aims else None,
            stdin=OK_REQUEST,
            env=env,
        ),
    ]


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """Time the cases warm (bytecode compiled, as installed) and cold (no bytecode at all); aims apply warm."""
    # A user's unknot runs from bytecode: pip compiles at install, and Python caches .pyc on first import.
    # Where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) nothing is ever cached and every start
    # compiles Typer and unknot from source (~100 ms), so compile the venv and the editable source once.
    for folder in (sysconfig.get_paths()["purelib"], str(ROOT / "src" / "unknot")):
        compileall.compile_dir(folder, quiet=2, workers=0)
    baseline, warm = cases()
    results = compare(baseline, warm, runs=runs)
    text = table(f"start-up, median of {runs} interleaved runs (bytecode compiled, as installed)", results)
    with tempfile.TemporaryDirectory() as empty:
        # Python looks for bytecode under an empty prefix and may not write any: everything compiles from source.
        cold_env = {"PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}
        baseline, cold = cases(cold_env, aims=False)
        text += "\n\n" + table(
            f"start-up, cold: no bytecode cache at all (median of {runs})", compare(baseline, cold, runs)
        )
    return text, results
