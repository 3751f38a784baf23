"""``unknot log``, ``unknot history`` and ``unknot db``: the pain journal from the terminal."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from unknot.cli.options import Days, Db

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from unknot.insights import Effect
    from unknot.model import Catalog, PainEntry
    from unknot.summary import JournalSummary


LOG_HELP = """Write down how much a region hurts now, from 0 (none) to 10 (the worst imaginable).

Any number of entries a day. Without REGION and SCORE it asks, with a picture of the back.

\b
Examples:
  unknot log upper_trapezius_left 6 --quality tight --note "after a long meeting"
  unknot log rhomboid_right 3
  unknot log
"""

HISTORY_HELP = """Show the pain entries you wrote down, newest last.

\b
Examples:
  unknot history
  unknot history --region upper_trapezius_left --days 30
  unknot history --json
"""

DB_GROUP_HELP = """Look after the journal's database.

\b
Examples:
  unknot db upgrade
  unknot db path
"""

db_app = typer.Typer(help=DB_GROUP_HELP, no_args_is_help=True, rich_markup_mode=None)


TRENDS_HELP = """Show how each region's pain has moved: 7, 30 and 90-day averages, the weekly slope, a 30-day chart.

\b
Examples:
  unknot trends
  unknot trends --db sqlite:///journal.db
"""

INSIGHTS_HELP = """Say whether the journal shows a reason to get help (pain worse by 2 points in a week, or no better
after two weeks of regular self-care), and how each region is going.

\b
Examples:
  unknot insights
"""

EXPORT_HELP = """Export the journal. Writes to standard output (or -o -), or to FILE with -o: whole or not at all, and
never over an existing file unless you add --force. Nothing leaves this machine unless you send the file.

\b
Formats:
  json  everything (pain entries, sessions, screens, clearances); unknot import reads it back
  csv   the pain entries: at, region, score, quality, note, phase (a note starting with = + - @ gets a leading ')
  fhir  the pain entries as a FHIR R4B Bundle of Observations (LOINC 72514-3), for a clinic's system
  pdf   a report for your physical therapist or doctor: charts per region, sessions, screens, insights

\b
Examples:
  unknot export --format json -o journal.json
  unknot export --format csv --from 2026-10-01 --to 2026-11-01 -o october.csv
  unknot export --format pdf --from 2026-10-01 -o report.pdf
"""

IMPORT_HELP = """Read a JSON export back into the journal (all of it, or nothing if any record is wrong).

\b
Examples:
  unknot import journal.json
"""

FORGET_HELP = """Delete everything in the journal: pain entries, screens and clearances. Asks first.

\b
Examples:
  unknot forget --all
  unknot forget --all --yes
"""

SPARK = " ▁▂▃▄▅▆▇█"


def register(app: typer.Typer) -> None:
    """Add ``log``, ``history``, ``trends``, ``insights`` and ``db`` to ``app``."""
    # A negative score (-1) is an argument, so that it gets the range message rather than "no such option".
    app.command("log", help=LOG_HELP, context_settings={"ignore_unknown_options": True})(log_command)
    app.command("history", help=HISTORY_HELP)(history_command)
    app.command("trends", help=TRENDS_HELP)(trends_command)
    app.command("insights", help=INSIGHTS_HELP)(insights_command)
    app.command("export", help=EXPORT_HELP)(export_command)
    app.command("import", help=IMPORT_HELP)(import_command)
    app.command("forget", help=FORGET_HELP)(forget_command)
    app.add_typer(db_app, name="db")


def _day(value: str | None, flag: str) -> datetime | None:
    from datetime import UTC, datetime

    from unknot.errors import RequestError

    if value is None:
        return None
    from unknot.exports import YEARS

    try:
        moment = datetime.fromisoformat(value)
        moment = moment.replace(tzinfo=UTC) if len(value) == 10 else moment.astimezone(UTC)
    except ValueError:
        raise RequestError(f"{flag} '{value}' is not a date; give one such as 2026-11-01") from None
    except OverflowError:  # 0001-01-01T00:00+05:00 or 9999-12-31T23:00-05:00: before or after every date
        moment = datetime.min.replace(tzinfo=UTC)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise RequestError(f"{flag} '{value}' is out of range; give a day from {YEARS[0]} to {YEARS[1]}")
    return moment


FORMATS = ("json", "csv", "fhir", "pdf")  # unknot.exports.FORMATS, without importing it for --help


def export_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="|".join(FORMATS), help="What to write (see above).")
    ] = "json",
    since: Annotated[str | None, typer.Option("--from", metavar="DATE", help="From this day (included).")] = None,
    until: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Up to this day (excluded).")] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (- for standard output).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    db: Db = None,
) -> None:
    """Export the journal."""
    from datetime import UTC, datetime

    from unknot.cli.console import counted
    from unknot.errors import RequestError
    from unknot.journal import opened_journal

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise RequestError(f"format '{fmt}' is not one unknot writes; choose {', '.join(FORMATS)}")
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise RequestError("a PDF is not for the terminal: give -o FILE, for example -o report.pdf")
    start, end = _day(since, "--from"), _day(until, "--to")
    if output not in (None, "-"):
        _check_target(output, force)
    with opened_journal(db) as journal:
        entries = journal.entries(since=start, until=end)
        screens = [x for x in journal.screens() if (start is None or x.at >= start) and (end is None or x.at < end)]
        clearances = journal.clearances(active_only=False)
        sessions = journal.sessions(since=start, until=end)
    from unknot.content import load_catalog
    from unknot.exports import JournalData, export_bytes

    records = JournalData(entries, screens, clearances, sessions)
    data = export_bytes(fmt, records, load_catalog(), now=datetime.now(UTC), since=start, until=end)
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _write_whole(output, data, force)
    what = counted(len(entries), "entry", "entries")
    if fmt in ("json", "pdf"):
        what += f" and {counted(len(sessions), 'session')}"
    typer.echo(f"Wrote {what} to {output}.", err=True)


def _check_target(output: str, force: bool) -> None:
    """Refuse, before the export is made, a FILE that is a folder or that exists without ``--force``."""
    import os

    from unknot.errors import RequestError

    if os.path.isdir(output):
        raise RequestError(f"'{output}' is a folder; give a file name, such as {os.path.join(output, 'journal.json')}")
    if os.path.lexists(output) and not force:
        raise RequestError(f"'{output}' exists; give --force to replace it, or another file name")


def _write_whole(output: str, data: bytes, force: bool) -> None:
    """Write ``data`` to ``output`` whole or not at all: a temporary file in the same folder, flushed to the disk,
    then renamed over it (issue 14: a full disk must never destroy the earlier export)."""
    import os
    import tempfile

    from unknot.errors import RequestError

    _check_target(output, force)  # again: the file may have appeared while the journal was read
    folder = os.path.dirname(os.path.abspath(output))
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(output)}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, output)
        temporary = None
    except OSError as exc:
        hint = "; free some space and export again" if exc.errno == 28 else ""  # ENOSPC
        raise RequestError(
            f"cannot write '{output}': {exc.strerror or exc}{hint} (any earlier file there is untouched)"
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def import_command(
    source: Annotated[str, typer.Argument(metavar="FILE", help="A JSON export (- for standard input).")],
    db: Db = None,
) -> None:
    """Import an export."""
    from datetime import date

    from unknot.cli.console import counted
    from unknot.cli.contract_io import read_request, source_name
    from unknot.content import load_catalog
    from unknot.contract import parse_json
    from unknot.exports import from_json
    from unknot.journal import opened_journal

    text = read_request(source)
    data = from_json(load_catalog(), parse_json(text, name=source_name(source)), today=date.today())
    with opened_journal(db) as journal:
        done = journal.import_records(*data)
    added = (
        f"Imported {counted(done.entries, 'pain rating')}, {counted(done.sessions, 'session')}, "
        f"{counted(done.screens, 'screen')} and {counted(done.clearances, 'clearance')}"
    )
    skipped = f"; skipped {done.skipped} already in the journal" if done.skipped else ""
    typer.echo(f"{added}{skipped}.")


def forget_command(
    everything: Annotated[bool, typer.Option("--all", help="Everything in the journal (required).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: Db = None,
) -> None:
    """Delete the journal's records."""
    from unknot.errors import RequestError
    from unknot.journal import opened_journal

    if not everything:
        raise RequestError("say --all to delete everything in the journal (nothing else can be forgotten yet)")
    question = "Delete every pain entry, guided session, screen and clearance in the journal?"
    if not yes and not typer.confirm(question, default=False):
        typer.echo("Nothing was deleted.")
        raise typer.Exit(1)
    with opened_journal(db) as journal:
        journal.forget_all()
    typer.echo("The journal is empty.")


def _summary(db: str | None, catalog: Catalog) -> JournalSummary:
    """What trends and insights show: the journal summary of the last 90 days (read through the index)."""
    from datetime import datetime

    from unknot.journal import opened_journal
    from unknot.summary import journal_summary

    with opened_journal(db) as journal:
        return journal_summary(journal, catalog, datetime.now().astimezone())


def _chart(entries: list[PainEntry], region: str, now: datetime, days: int = 30) -> str:
    """One character a day for the last ``days`` days: the day's average pain, blank without an entry."""
    from datetime import timedelta

    by_day: dict[object, list[int]] = {}
    for e in entries:
        if e.region == region:
            by_day.setdefault(e.at.astimezone().date(), []).append(e.score)
    cells = []
    for back in range(days - 1, -1, -1):
        scores = by_day.get((now - timedelta(days=back)).astimezone().date())
        cells.append(SPARK[round(sum(scores) / len(scores) * (len(SPARK) - 1) / 10)] if scores else "·")
    return "".join(cells)


def trends_command(db: Db = None) -> None:
    """Show the trends."""
    from rich.table import Table

    from unknot.cli.console import stdout
    from unknot.content import load_catalog

    catalog, console = load_catalog(), stdout()
    summary = _summary(db, catalog)
    found, entries, now = summary.trends, list(summary.entries), summary.now
    if not found:
        console.print("No entries in the last 90 days. Write one down with [bold]unknot log REGION SCORE[/].")
        return
    # The numbers never truncate: the region wraps, and the chart shows as many of the last 30 days as fit
    # (a table's borders and padding take 3 columns a cell; the region keeps at least 11).
    days = max(7, min(30, console.width - (1 + 3 * 6 + 11 + 4 * 5)))
    table = Table(title="Pain by region (0-10)", title_justify="left")
    table.add_column("region", ratio=1, min_width=11)
    for column in ("7d", "30d", "90d", "/week"):
        table.add_column(column, justify="right", no_wrap=True, min_width=4)
    table.add_column(f"last {days} days", no_wrap=True, min_width=days)
    for t in found:
        name = r.name if (r := catalog.region(t.region)) else t.region
        cells = [f"{a:.1f}" if a is not None else "—" for a in t.averages.values()]
        slope = f"{t.slope_per_week:+.1f}" if t.slope_per_week is not None else "—"
        table.add_row(name, *cells, slope, _chart(entries, t.region, now, days))
    console.print(table)
    console.print(
        "[dim]Per week: the 30-day slope, negative is better. The chart: one mark a day, · without an entry.[/]"
    )


def insights_command(db: Db = None) -> None:
    """Show the insights."""
    from unknot.cli.console import stdout
    from unknot.content import load_catalog

    catalog, console = load_catalog(), stdout()
    summary = _summary(db, catalog)
    for a in summary.advice:
        console.print(f"[bold red]Get help:[/] {a.message}")
    for t in summary.trends:
        name = r.name if (r := catalog.region(t.region)) else t.region
        if t.slope_per_week is None:
            continue
        way = "easing" if t.slope_per_week < -0.25 else "rising" if t.slope_per_week > 0.25 else "steady"
        console.print(f"{name}: {way} ({t.slope_per_week:+.1f} a week over the last 30 days, {t.entries} entries).")
    if not summary.advice:
        console.print("Nothing in your journal says to stop self-care. Screen before every session all the same.")
    _print_effects(console, catalog, list(summary.effects))


def _print_effects(console: Console, catalog: Catalog, effects: list[Effect]) -> None:
    from rich.table import Table

    if not effects:
        console.print(
            "[dim]Which technique helps most shows once guided sessions with pain before and after are kept.[/]"
        )
        return
    need = catalog.insight_rules.effect_min_sessions
    level = round(catalog.insight_rules.effect_confidence * 100)
    table = Table(title="Pain change per technique (after minus before; negative is better)", title_justify="left")
    table.add_column("technique")
    table.add_column("sessions", justify="right")
    table.add_column(f"change ({level} % band)", justify="right")
    for e in effects:
        name = t.name if (t := catalog.technique(e.technique)) else e.technique
        if e.mean is None or e.low is None or e.high is None:
            change = f"[dim]too few sessions ({e.sessions} of {need})[/]"
        else:
            change = f"{e.mean:+.1f} ({e.low:+.1f} to {e.high:+.1f})"
        table.add_row(name, str(e.sessions), change)
    console.print(table)


def log_command(
    region: Annotated[
        str | None,
        typer.Argument(
            metavar="[REGION]",
            help="A region: its id (rhomboid_left), its number on the map (unknot regions) or its name.",
        ),
    ] = None,
    score: Annotated[str | None, typer.Argument(metavar="[SCORE]", help="0 (none) to 10 (worst).")] = None,
    quality: Annotated[
        str | None,
        typer.Option("--quality", "-q", help="How it feels: aching, tight, sharp, burning or tingling."),
    ] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="A few words: what you were doing, what helped.")] = "",
    db: Db = None,
) -> None:
    """Write down a pain rating."""
    from unknot.cli.console import stdout
    from unknot.content import load_catalog
    from unknot.journal import opened_journal
    from unknot.pain import make_entry

    catalog = load_catalog()
    console = stdout()
    if region is not None:
        region = _region_id(catalog, region)
    if region is None or score is None:
        region, score = _ask(console, catalog, region)
    entry = make_entry(catalog, region, score, quality, note)  # checked before the journal is even opened
    with opened_journal(db) as journal:
        saved = journal.add_entry(entry)
    name = r.name if (r := catalog.region(saved.region)) else saved.region
    how = f", {saved.quality.value}" if saved.quality else ""
    console.print(f"Saved: [bold]{name}[/] {saved.score}/10{how}.")
    if saved.quality is not None and saved.quality.value in ("sharp", "tingling"):
        console.print(
            "[yellow]Sharp pain or tingling is a reason to stop massage and see a professional if it persists"
            " or spreads (run unknot screen).[/]"
        )


def _region_id(catalog: Catalog, given: str) -> str:
    """The region id for what was typed: an id, the map's number, or the name ("Mid-back, left"), any case."""
    wanted = given.strip().lower()
    for r in catalog.regions:
        if wanted in (r.id, str(r.number), r.name.lower(), r.spoken.lower()):
            return r.id
    return given  # make_entry names the regions there are


def _ask(console: Console, catalog: Catalog, region: str | None) -> tuple[str, str]:
    from unknot.cli.backmap import regions_beside_picture

    try:
        if region is None:
            console.print(regions_beside_picture(catalog, width=console.width))
            by_number = {str(r.number): r.id for r in catalog.regions}
            while True:
                reply = console.input("Which region? Its number › ").strip()
                if reply in by_number:
                    region = by_number[reply]
                    break
                console.print(f"[yellow]Type a number from 1 to {len(by_number)}.[/]")
        score = console.input("How much does it hurt now, 0 (none) to 10 (worst)? › ").strip()
    except EOFError:
        from unknot.errors import RequestError

        raise RequestError("the input ended before the entry was complete; nothing was saved") from None
    return region, score


def history_command(
    region: Annotated[str | None, typer.Option("--region", "-r", metavar="REGION", help="Only this region.")] = None,
    days: Days = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
    db: Db = None,
) -> None:
    """Show the pain entries."""
    from datetime import UTC, datetime, timedelta

    from unknot.content import load_catalog
    from unknot.errors import RequestError
    from unknot.journal import opened_journal

    catalog = load_catalog()
    if region is not None and catalog.region(region) is None:
        raise RequestError(
            f"region '{region}' is not an upper-back region; choose one of: {', '.join(catalog.region_ids)}"
        )
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with opened_journal(db) as journal:
        entries = journal.entries(region=region, since=since)
    if as_json:
        out = [
            {
                "at": e.at.isoformat(),
                "region": e.region,
                "score": e.score,
                "quality": e.quality.value if e.quality else None,
                "note": e.note,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    from unknot.cli.console import stdout

    console = stdout()
    if not entries:
        console.print("No entries yet. Write one down with [bold]unknot log REGION SCORE[/].")
        return
    table = Table(title=f"Pain entries ({len(entries)})", title_justify="left")
    table.add_column("when", no_wrap=True)
    table.add_column("region")
    table.add_column("pain", justify="right")
    table.add_column("quality")
    table.add_column("note")
    for e in entries:
        name = r.name if (r := catalog.region(e.region)) else e.region
        when = e.at.astimezone().strftime("%Y-%m-%d %H:%M")
        table.add_row(when, name, f"{e.score}/10", e.quality.value if e.quality else "", e.note)
    console.print(table)


@db_app.command("upgrade")
def upgrade(db: Db = None) -> None:
    """Bring the journal's database to the latest schema (unknot also does it on first use).

    \b
    Example:
      unknot db upgrade
    """
    from unknot.journal.store import SqlJournal, default_url, safe_url

    url = db or default_url()
    journal = SqlJournal.open(url)
    journal.close()
    typer.echo(f"The journal at {safe_url(url)} is up to date.")


@db_app.command("path")
def path(db: Db = None) -> None:
    """Print where the journal is.

    \b
    Example:
      unknot db path
    """
    from unknot.journal.store import default_url, safe_url

    typer.echo(safe_url(db or default_url()))
