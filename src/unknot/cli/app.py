"""The Typer application: the root command and the registration of each command group.

Help is rendered by Click's plain formatter (``rich_markup_mode=None``): Typer's Rich help formatting alone
costs about 30 times a bare Python start-up here, and ``unknot --help`` must stay under 12 (issue 3).
"""

from __future__ import annotations

import typer

from unknot._version import __version__
from unknot.cli import clearance, config, journal, library, plan, reference, screen, serve, sessions, start

app = typer.Typer(
    name="unknot",
    help="""Guides you safely through upper-back massage for pain relief.

A safety screen comes before every session; then a routine fitted to who is there and what is at hand, a
timer that talks you through it hands-free, and a pain journal. Everything stays on this machine.

\b
Examples:
  unknot                 start here: the whole guided session, step by step
  unknot start --minutes 15 --mode self   the same, with answers given in advance
  unknot resume          go on with an interrupted session
  unknot serve           the same in your browser, with pictures
  unknot screen          answer the safety questions for today
  unknot rules           every screening rule with its category and sources
  unknot prepare         what to set up before a session
  unknot techniques      every technique: where, with what, how long
""",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unknot {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show unknot's version and exit."
    ),
) -> None:
    """unknot: upper-back massage, safely."""
    if ctx.invoked_subcommand is None:
        import sys

        if sys.stdin.isatty() and sys.stdout.isatty():
            from unknot.cli.journey import JourneyOptions, run_journey

            raise typer.Exit(run_journey(JourneyOptions()))
        from unknot.cli.welcome import show_welcome

        show_welcome()


screen.register(app)
plan.register(app)
reference.register(app)
config.register(app)
journal.register(app)
clearance.register(app)
sessions.register(app)
start.register(app)
serve.register(app)
library.register(app)
