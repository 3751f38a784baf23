"""Run every benchmark and print one table each: `uv run python -m benchmarks [--runs N]`."""

from __future__ import annotations

import argparse
import sys

from benchmarks import journal, planner, remote, session, startup, web


def main() -> int:
    """Run the benchmarks; exit 1 if any aim is missed (the figures still print)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="runs per case (default 21)")
    args = parser.parse_args()
    missed = 0
    for module in (startup, planner, journal, session, web, remote):
        text, results = module.run(runs=args.runs)
        print(text)
        print()
        missed += sum(1 for r in results if r.meets_aim is False)
    print("every aim met" if not missed else f"{missed} aim(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
