"""``unknot serve``: the local web app on 127.0.0.1, opened by a one-time launch link."""

from __future__ import annotations

import typer

from unknot.cli.options import Db

SERVE_HELP = """Run the web app on this machine and open it in your browser.

It listens on 127.0.0.1 (a free port unless --port), prints a one-time link and opens another in the
browser; each works once, within 2 minutes, and keeps other users of this machine and other web pages out. Press
Enter for a fresh link. Programs set UNKNOT_API_KEY and send it as a bearer token. Everything works offline:
nothing is fetched from anywhere. Stop it with Ctrl-C.

--lan also listens on the home network, so that a phone can be the receiver's remote or play a self-massage:
a phone comes in only through the pairing code the player shows (good once, within 2 minutes), and nothing
else of the app answers there. It is plain HTTP: others on the same network can see that traffic, and the
phone's browser keeps its screen awake less reliably (docs/web.md: HTTPS through a reverse proxy, if you want it).

UNKNOT_TIME_SCALE=30 (or --time-scale 30) runs the guided sessions' clock 30 times faster, to try a routine out.

\b
Examples:
  unknot serve
  unknot serve --port 8765 --no-browser
  unknot serve --lan
  unknot serve --db postgresql+psycopg://me@localhost/unknot
"""


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve", help=SERVE_HELP)(serve_command)


def serve_command(
    port: int = typer.Option(0, "--port", "-p", min=0, max=65535, help="The port (default: a free one)."),
    browser: bool = typer.Option(True, "--browser/--no-browser", help="Open the link in your browser."),
    time_scale: float | None = typer.Option(
        None, "--time-scale", min=0.01, max=10000, help="Run session clocks this many times faster (default 1)."
    ),
    emergency_number: str | None = typer.Option(
        None, "--emergency-number", metavar="NUMBER", help="The number to call in an emergency (default: settings)."
    ),
    db: Db = None,
    lan: bool = typer.Option(
        False, "--lan", help="Also listen on the home network, for phones paired by the player's code (plain HTTP)."
    ),
    lan_host: str | None = typer.Option(
        None,
        "--lan-host",
        metavar="ADDRESS",
        help="This machine's address to listen on for --lan (default: found; implies --lan).",
    ),
    lan_name: str | None = typer.Option(
        None,
        "--lan-name",
        metavar="NAME",
        help="A name phones reach this machine by (mylaptop.local, a tailnet name); the codes use it. Implies --lan.",
    ),
) -> None:
    """Serve the web app."""
    from unknot.journal import open_journal
    from unknot.web.server import run

    open_journal(db).close()  # a journal that cannot be used says so before a link is printed (issue 14)

    raise typer.Exit(
        run(
            port=port,
            open_browser=browser,
            time_scale=time_scale,
            emergency_number=emergency_number,
            db=db,
            lan=lan,
            lan_host=lan_host,
            lan_as=lan_name,
        )
    )
