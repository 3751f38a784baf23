"""``unknot plan``: a routine for today, as a timeline for people and as JSON for programs."""

from __future__ import annotations

import json
import sys

import typer

from unknot.errors import UnknotError

HELP = """Build a timed massage routine for who is there, what is at hand and how long you have.

For programs, --json FILE (or - for standard input) reads the request as JSON and prints the routine as JSON
(the format and error codes: docs/contracts.md). It applies the "screen" in the request when there is one and
refuses a routine when that screen does not allow massage (exit 3). Without a "screen" it does not screen:
the calling program is then responsible for screening the person first.

\b
Examples:
  unknot plan --json request.json
  echo '{"mode": "self", "tools": ["tennis_ball"], "minutes": 10}' | unknot plan --json -
"""


def register(app: typer.Typer) -> None:
    """Add the ``plan`` command to ``app``."""
    app.command("plan", help=HELP)(plan_command)


def plan_command(
    json_file: str | None = typer.Option(
        None, "--json", metavar="FILE|-", help="Read the request from FILE (- for standard input); print JSON."
    ),
) -> None:
    """Build a routine."""
    if json_file is not None:
        raise typer.Exit(run_json(json_file))
    raise typer.Exit(2)


def run_json(source: str) -> int:
    """Plan the JSON request in ``source``; print the routine or the error; return the exit status."""
    from unknot.cli.screen import read_request, source_name
    from unknot.contract import error_to_json, parse_json, plan_request_from_json, routine_to_json
    from unknot.planner import plan

    try:
        request, screen = plan_request_from_json(parse_json(read_request(source), name=source_name(source)))
        routine = plan(request, screen)
    except UnknotError as exc:
        sys.stdout.write(json.dumps(error_to_json(exc), ensure_ascii=False) + "\n")
        sys.stderr.write(f"unknot: error: {exc.message}\n")
        return exc.exit_code
    sys.stdout.write(json.dumps(routine_to_json(routine), indent=2, ensure_ascii=False) + "\n")
    return 0
