"""Write the generated docs: `uv run python docs/generate.py` (a test checks they are fresh).

- docs/cli.md: the command-line reference, from each command's own --help;
- docs/safety.md: every screening rule with its question, category, restrictions and sources, from the content.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from unknot.cli.app import app
from unknot.content import load_catalog
from unknot.model import Catalog, Category

HERE = Path(__file__).resolve().parent
OUT = HERE / "cli.md"
SAFETY = HERE / "safety.md"


def commands() -> Iterator[tuple[str, ...]]:
    """Every command path, the root first: (), ("screen",), ("config",), ("config", "set"), ..."""
    root = typer.main.get_command(app)

    def walk(cmd: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():  # a group (Typer vendors Click's classes)
            yield from walk(sub, (*path, name))

    yield from walk(root, ())


def help_text(path: tuple[str, ...]) -> str:
    """The --help of one command, as a user sees it at 100 columns."""
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="unknot", terminal_width=100)
    if result.exit_code != 0:
        raise RuntimeError(f"unknot {' '.join(path)} --help failed: {result.output}")
    return result.output


def render() -> str:
    """The whole reference, one section per command."""
    parts = [
        "# Command-line reference\n\n",
        "Generated from each command's `--help` by `uv run python docs/generate.py`; do not edit by hand.\n",
    ]
    for path in commands():
        title = " ".join(("unknot", *path))
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(path).rstrip()}\n```\n")
    return "".join(parts)


def render_safety() -> str:
    """Every rule, category by category, with its sources resolved to full references."""
    catalog = load_catalog()
    out = [
        "# Safety: what the screen asks, and why\n\n",
        "Generated from `src/unknot/content/` by `uv run python docs/generate.py`; do not edit by hand. The\n",
        "specification is `shared/clinical/screening-rules.md`; before a release a clinician should review it.\n\n",
        "The verdict is the strongest category among the answers; *not sure* counts as *yes*. A local finding\n",
        "removes its regions; a `caution` finding adds its restrictions; a `consult_first` rule cleared by a\n",
        "professional counts as `caution` with the restrictions listed for it.\n\n",
        "Every blocking reason says who to see and how soon (*see*, below); an emergency always means emergency\n",
        "services, now. A professional's clearance of a `consult_first` rule holds for the days listed\n",
        "(*clearance*): these validities are a design choice of ours (source key DESIGN), not a sourced value, for a\n",
        "clinician to review. Past them, or dated after today, a clearance does not apply and the screen says it has\n",
        "expired.\n",
    ]
    for info in catalog.categories:
        rules = [r for r in catalog.rules if r.category is info.id]
        out.append(f"\n## `{info.id}`: {info.title}\n\n")
        advice = info.advice.format(
            emergency_number="112 / 999 / 911", pressure_target="*(Today's pressure target: see below.)*"
        )
        out.append(f"May massage today: **{'yes' if info.may_massage else 'no'}**. {advice}\n\n")
        if not rules:
            out.append("No rule; the verdict when nothing else applies.\n")
            continue
        referring = info.id in (Category.SEE_PROFESSIONAL, Category.CONSULT_FIRST)
        clearing = info.id is Category.CONSULT_FIRST
        extra = (" see |" if referring else "") + (" clearance |" if clearing else "")
        out.append(f"| rule | question | why we ask | restrictions |{extra} sources |\n")
        out.append("|---|---|---|---|" + "---|" * (referring + clearing) + "---|\n")
        for r in rules:
            scope = " (asks where)" if r.is_local else ""
            restrictions = ", ".join(f"`{x}`" for x in r.restrictions) or "—"
            cells = f"| `{r.id}`{scope} | {r.question} | {r.why} | {restrictions} |"
            if referring:
                cells += f" {catalog.referral(r.refer_to, r.urgency)} (`{r.refer_to}`, `{r.urgency}`) |"
            if clearing:
                cells += f" {r.clearance_valid_days} days (DESIGN) |"
            out.append(f"{cells} {', '.join(r.sources)} |\n")
    out.append("\n## Restrictions\n\n| id | meaning |\n|---|---|\n")
    for restriction in catalog.restrictions:
        out.append(f"| `{restriction.id}` | {restriction.meaning} |\n")
    out.append(_pressure_section(catalog))
    out.append(
        "\n## Dose per area, per routine\n\nThe most seconds one region may have in one routine, per group of"
        " techniques (a step counts for every region it covers). When the tools at hand cannot fill the minutes"
        " within these, the routine is shorter and says why.\n\n| techniques | seconds per region | why | sources |\n"
        "|---|---|---|---|\n"
    )
    for cap in catalog.dose_caps:
        names = ", ".join(f"`{t}`" for t in cap.techniques)
        out.append(f"| {names} | {cap.seconds} | {cap.design_choice} | {', '.join(cap.sources)} |\n")
    out.append("\n## Sources\n\n| key | reference | mark | note |\n|---|---|---|---|\n")
    for s in catalog.sources:
        out.append(f"| {s.key} | {s.reference()} | {s.mark} | {s.note} |\n")
    out.append(
        "\nMarks: S, the page itself was read; S\\*, seen only through a copy or quotation; K, known but not seen;"
        " low, a low-authority page used only where nothing better was found.\n"
    )
    return "".join(out)


def _pressure_section(catalog: Catalog) -> str:
    """The pressure targets by restriction, the pressure words and the aftercare (content: pressure.yaml)."""
    p = catalog.pressure
    out = [
        "\n## Pressure targets, the pressure words, and aftercare\n\n",
        f"A design choice (sources: {', '.join(p.sources)}): {p.design_choice} The first target that applies is",
        " today's; every front end (terminal, web, PDF, the spoken pressure checks) shows or says it.\n\n",
        "| target | when | what the user is told | a pressure check says | the pressure words shown |\n",
        "|---|---|---|---|---|\n",
    ]
    for t in p.targets:
        when = ", ".join([*(f"rule `{r}`" for r in t.rules), *(f"`{r}`" for r in t.restrictions)]) or "otherwise"
        checks = "<br>".join(f"“{c}”" for c in t.checks)
        words = ", ".join(t.legend)
        numbers = "" if t.numbers else " (no check asks for a number)"
        out.append(f"| `{t.id}` | {when} | {t.target}{numbers} | {checks} | {words} |\n")
    out.append(
        f"\nThe pressure words: {p.legend.light}; {p.legend.medium}; {p.legend.firm}. Under a target that shows"
        " only *light*, only that line is shown.\n\n"
    )
    out.append(f"Aftercare, shown where a session ends (sources: {', '.join(p.aftercare_sources)}):\n\n")
    out.extend(f"- {line}\n" for line in p.aftercare)
    for t in p.targets:
        out.extend(f"- Under `{t.id}`, also: {line}\n" for line in t.aftercare)
    return "".join(out)


GENERATED = {OUT: render, SAFETY: render_safety}


if __name__ == "__main__":
    for path, make in GENERATED.items():
        path.write_text(make(), encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
