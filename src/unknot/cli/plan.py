"""``unknot plan``: a routine for today, as a timeline for people and as JSON for programs.

A person never gets a routine without a screen: the interactive command uses today's screen (kept by
``unknot screen``), or the one given with ``--screen FILE``, or runs the screen first.
"""

from __future__ import annotations

from typing import Any

import typer

from unknot.cli.options import DB_HELP, Avoid, Focus, Minutes, ModeOption, NoTools, Position, Seed, Tools

HELP = """Build a timed massage routine for who is there, what is at hand and how long you have.

Asks for whatever the options do not say. Today's safety screen comes first: the one you answered today, the one
given with --screen, or a new one. Then the routine as a timeline: every step, where, with what, how hard, for
how long, and what the voice will say.

For programs, --json FILE (or - for standard input) reads the request as JSON and prints the routine as JSON
(the format and error codes: docs/contracts.md). It applies the "screen" in the request when there is one and
refuses a routine when that screen does not allow massage (exit 3). Without a "screen" it does not screen:
the calling program is then responsible for screening the person first.

\b
Examples:
  unknot plan
  unknot plan --mode self --tool tennis_ball --tool foam_roller --minutes 15
  unknot plan --mode partner --minutes 20 --focus rhomboid_left --focus rhomboid_right
  unknot plan --mode partner --position seated --minutes 15
  unknot plan --json request.json
  echo '{"mode": "self", "tools": ["tennis_ball"], "minutes": 10}' | unknot plan --json -
"""


def register(app: typer.Typer) -> None:
    """Add the ``plan`` command to ``app``."""
    app.command("plan", help=HELP)(plan_command)


def plan_command(
    mode: ModeOption = None,
    tools: Tools = None,
    minutes: Minutes = None,
    focus: Focus = None,
    avoid: Avoid = None,
    seed: Seed = 0,
    position: Position = None,
    screen_file: str | None = typer.Option(
        None, "--screen", metavar="FILE", help="Use this screen (the JSON `unknot screen --json` printed)."
    ),
    no_tools: NoTools = False,
    json_file: str | None = typer.Option(
        None, "--json", metavar="FILE|-", help="Read the request from FILE (- for standard input); print JSON."
    ),
    db: str | None = typer.Option(None, "--db", metavar="URL", help=DB_HELP),
) -> None:
    """Build a routine."""
    if json_file is not None:
        raise typer.Exit(run_json(json_file))
    from unknot.cli.plan_view import plan_interactively

    raise typer.Exit(
        plan_interactively(
            mode, tools or [], minutes, focus or [], avoid or [], seed, screen_file, no_tools, db, position
        )
    )


def run_json(source: str) -> int:
    """Plan the JSON request in ``source``; print the routine or the error; return the exit status."""
    from unknot.cli.contract_io import print_answer, read_request, source_name
    from unknot.contract import parse_json, plan_request_from_json, routine_to_json
    from unknot.planner import plan

    def answer() -> dict[str, Any]:
        request, screen = plan_request_from_json(parse_json(read_request(source), name=source_name(source)))
        return routine_to_json(plan(request, screen))

    return print_answer(answer)


__all__ = ["register", "run_json"]
