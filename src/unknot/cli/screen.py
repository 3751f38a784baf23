"""``unknot screen``: the safety screen, interactive for people and ``--json`` for programs.

The ``--json`` path imports neither Rich nor pydantic: it reads the request, screens it and prints the
contract's JSON (``shared/contracts/README.md``), or the contract's error with exit 2.
"""

from __future__ import annotations

from typing import Any

import typer

from unknot.cli.contract_io import print_answer, read_request, source_name
from unknot.cli.options import DB_HELP
from unknot.errors import ConfigError

HELP = """Answer today's safety questions before you massage.

Asks first whether anything needs emergency help right now (and stops at once if it does), then about today,
your health and your pain, and where on your back anything local is. Answer y (yes), n (no) or ? (not sure);
"not sure" counts as yes. The verdict says whether you may massage today, what to avoid, why, and what to
do next.

With --json FILE (or - for standard input) it reads the answers as JSON and prints the verdict as JSON, for
programs: the format and the error codes are in the contract (docs/contracts.md). Exit status: 0 with a
verdict, 2 when the request is wrong.

\b
Examples:
  unknot screen
  unknot screen --for receiver
  unknot screen --emergency-number 999
  unknot screen --json answers.json
  echo '{"findings": [], "all_others_answered_no": true}' | unknot screen --json -
"""


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``."""
    app.command("screen", help=HELP)(screen_command)


def screen_command(
    json_file: str | None = typer.Option(
        None,
        "--json",
        metavar="FILE|-",
        help="Read the answers from FILE (- for standard input) and print the verdict as JSON.",
    ),
    emergency_number: str | None = typer.Option(
        None,
        "--emergency-number",
        metavar="NUMBER",
        help="The emergency number to show (default: your config file, else your locale's: 112, 999, 911...).",
    ),
    db: str | None = typer.Option(
        None, "--db", metavar="URL", help=f"{DB_HELP} The screen is kept there (not with --json)."
    ),
    subject: str = typer.Option(
        "self",
        "--for",
        metavar="self|receiver",
        help="Whom the screen is about: you (self-massage), or the person receiving a partner massage.",
    ),
) -> None:
    """Run the safety screen."""
    if json_file is not None:
        raise typer.Exit(run_json(json_file, emergency_number))
    if subject not in ("self", "receiver"):
        raise typer.BadParameter(f"'{subject}' is neither self nor receiver", param_hint="--for")
    from unknot.cli.interview import run_interview

    code = run_interview(emergency_number, db, subject)
    raise typer.Exit(_day_still_blocked(db, subject) if code == 0 else code)


def _day_still_blocked(db: str | None, subject: str) -> int:
    """After a screen that allows massage, an earlier screen today that did not still governs the day: say so and
    return 3; else 0."""
    from datetime import datetime, timedelta

    from unknot.cli.console import stdout
    from unknot.cli.plan_view import read_policy
    from unknot.errors import UnknotError
    from unknot.journal import opened_journal

    try:
        with opened_journal(db) as journal:
            recent = journal.screens(since=datetime.now().astimezone() - timedelta(days=1))
            kept = [s for s in recent if s.subject == subject and s.withdrawn_at is None]
    except (UnknotError, OSError):
        return 0  # the screen has warned that it could not be kept
    if not kept or kept[-1].verdict.get("may_massage") is not True:
        return 0  # this screen has said why there is no massage
    today = read_policy(db, subject)
    if today is None or not today.blocked:
        return 0
    stdout().print(f"[bold red]{today.explanation}[/]")
    return 3


def run_json(source: str, emergency_flag: str | None) -> int:
    """Screen the JSON request in ``source`` (a path, or ``-``); print the answer; return the exit status."""
    from unknot.cli.console import print_warning
    from unknot.content import load_catalog
    from unknot.contract import intake_from_json, parse_json, verdict_to_json
    from unknot.screening import screen
    from unknot.settings import emergency_number

    def answer() -> dict[str, Any]:
        intake = intake_from_json(parse_json(read_request(source), name=source_name(source)))
        catalog = load_catalog()
        number: str | None = None
        bad_number: ConfigError | None = None
        try:
            number = emergency_number(catalog, emergency_flag, warn=print_warning)
        except ConfigError as exc:  # a bad flag, reported after the request: the contract checks it first
            bad_number = exc
        verdict = screen(intake, catalog, emergency_number=number)
        if bad_number is not None:
            raise bad_number
        return verdict_to_json(verdict)

    return print_answer(answer)
