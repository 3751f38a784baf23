"""``unknot screen``: the safety screen, interactive for people and ``--json`` for programs.

The ``--json`` path imports neither Rich nor pydantic: it reads the request, screens it and prints the
contract's JSON (``shared/contracts/README.md``), or the contract's error with exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from unknot.cli.journal import DB_HELP
from unknot.errors import ConfigError, RequestFileError, UnknotError

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
) -> None:
    """Run the safety screen."""
    if json_file is not None:
        raise typer.Exit(run_json(json_file, emergency_number))
    from unknot.cli.interview import run_interview

    raise typer.Exit(run_interview(emergency_number, db))


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


def print_answer(answer: Callable[[], dict[str, Any]]) -> int:
    """Print ``answer()`` as JSON (exit 0), or the contract's error for an ``UnknotError`` (its exit status)."""
    from unknot.contract import error_to_json

    try:
        out = answer()
    except UnknotError as exc:
        sys.stdout.write(json.dumps(error_to_json(exc), ensure_ascii=False) + "\n")
        sys.stderr.write(f"unknot: error: {exc.message}\n")
        return exc.exit_code
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return 0


def read_request(source: str) -> str:
    """The text of the request file, or of standard input for ``-``; ``RequestFileError`` if unreadable."""
    if source == "-":
        if sys.stdin.isatty():
            sys.stderr.write("unknot: reading JSON from standard input; end it with Ctrl-D\n")
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RequestFileError("standard input is not UTF-8 text", code="invalid_json") from None
        return _not_empty(text, "standard input")
    path = Path(source)
    try:
        return _not_empty(path.read_text(encoding="utf-8-sig"), f"the file '{source}'")
    except FileNotFoundError:
        raise RequestFileError(f"the file '{source}' does not exist; check the path") from None
    except IsADirectoryError:
        raise RequestFileError(f"'{source}' is a directory, not a JSON file") from None
    except PermissionError:
        raise RequestFileError(f"the file '{source}' cannot be read: permission denied") from None
    except UnicodeDecodeError:
        raise RequestFileError(f"the file '{source}' is not UTF-8 text, so not JSON", code="invalid_json") from None
    except OSError as exc:
        raise RequestFileError(f"the file '{source}' cannot be read: {exc.strerror}") from None


def _not_empty(text: str, name: str) -> str:
    if not text.strip():
        raise RequestFileError(f"{name} is empty: it should hold a JSON object", code="invalid_json")
    return text


def source_name(source: str) -> str:
    """How an error names the request's source."""
    return "standard input" if source == "-" else f"the file '{source}'"
