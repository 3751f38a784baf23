"""A PDF report of the journal that a clinician can read in a minute: the reasons to get help first, then pain by
region (a vector chart of daily averages, the 7/30/90-day averages and the weekly slope), the guided sessions, the
effect of each technique, and the screens with their red flags.

The report shows the records it is handed (the caller selects the period); the trends and the get-help rules are
read at the end of the period. Dates are the user's local dates. The same input gives the same bytes: the PDF's
creation date is ``ReportData.now`` and its file id a hash of its content. Text is set in DejaVu Sans (vendored in
``fonts/`` with its licence), which covers Latin, Greek and Cyrillic notes; fpdf2 embeds only the glyphs used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace

from unknot._version import __version__
from unknot.insights import Advice, Effect, Trend, seek_help, technique_effects, trends
from unknot.model import (
    Catalog,
    Category,
    Clearance,
    PainEntry,
    ScreenRecord,
    SessionRecord,
    StepStatus,
)
from unknot.pressure import stored_guide

__all__ = ["ReportData", "render_pdf"]

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FLAGGED = (Category.EMERGENCY, Category.CONSULT_FIRST, Category.SEE_PROFESSIONAL)
NOTES_PER_REGION = 3
STEADY = 0.25  # points a week

INK = (20, 20, 20)
MUTED = (100, 100, 100)
GRID = (200, 200, 200)
LINE = (30, 90, 160)
ALERT = (190, 30, 30)
ALERT_FILL = (253, 236, 236)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


@dataclass(frozen=True, slots=True)
class ReportData:
    """What a report covers: when it was made, the period (None: open-ended) and the journal's records."""

    now: datetime
    since: datetime | None
    until: datetime | None
    entries: list[PainEntry]
    sessions: list[SessionRecord]
    screens: list[ScreenRecord]
    clearances: list[Clearance]


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"unknot pain report · page {self.page_no()} of {{nb}}", align="C")


def render_pdf(report: ReportData, catalog: Catalog) -> bytes:
    """The report as the bytes of an A4 PDF (one or two pages for a typical month)."""
    end = _end(report)
    pdf = _new_pdf(report)
    _header(pdf, report)
    here = (pdf.get_x(), pdf.get_y())
    below = _body_map(pdf, report)
    pdf.set_xy(here[0], max(here[1], below))
    _get_help(pdf, seek_help(catalog, report.entries, end, report.screens))
    _regions(pdf, report, catalog, end)
    _sessions(pdf, report, catalog)
    _effects(pdf, report, catalog)
    _screens(pdf, report, catalog)
    return bytes(pdf.output())


def _end(report: ReportData) -> datetime:
    return min(report.until, report.now) if report.until else report.now


def _day(moment: datetime) -> date:
    return moment.astimezone().date()


def _short(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def _span(report: ReportData) -> tuple[date, date] | None:
    """The first and last day the report covers, or None when there is nothing in it."""
    moments = [e.at for e in report.entries] + [s.started_at for s in report.sessions] + [x.at for x in report.screens]
    if report.since is None and not moments:
        return None
    first = _day(report.since) if report.since else _day(min(moments))
    return first, max(first, _day(_end(report)))


def _new_pdf(report: ReportData) -> _Pdf:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(report.now)
    pdf.set_title("unknot pain report")
    pdf.set_creator(f"unknot {__version__}")
    pdf.set_lang("en")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 9.5, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, title: str, room: float = 20) -> None:
    """A section title, on a new page when fewer than ``room`` millimetres would follow it."""
    if pdf.will_page_break(room + 10):
        pdf.add_page()
    pdf.ln(4)
    _text(pdf, title, size=12.5, bold=True)
    pdf.ln(1)


def _header(pdf: FPDF, report: ReportData) -> None:
    _text(pdf, "unknot pain report", size=18, bold=True)
    pdf.ln(1)
    span = _span(report)
    period = f"{span[0].isoformat()} to {span[1].isoformat()}" if span else "nothing recorded yet"
    generated = report.now.astimezone().strftime("%Y-%m-%d %H:%M")
    _text(pdf, f"Period: {period}    Generated: {generated}")
    _text(pdf, "Pain ratings are self-reported on a 0-10 scale (0 no pain, 10 worst imaginable).", color=MUTED)
    if not (report.entries or report.sessions or report.screens):
        pdf.ln(2)
        _text(pdf, "Nothing in the journal yet for this period: no pain ratings, sessions or screens.", bold=True)


def _get_help(pdf: FPDF, advice: list[Advice]) -> None:
    if not advice:
        return
    pdf.ln(3)
    messages = [f"• {a.message}" for a in advice]
    width = pdf.epw - 8
    pdf.set_font(FONT, "", 9.5)
    height = 6 + 6 + sum(4.5 * _lines(pdf, width, m) + 1 for m in messages)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_draw_color(*ALERT)
    pdf.set_fill_color(*ALERT_FILL)
    pdf.set_line_width(0.6)
    pdf.rect(x, y, pdf.epw, height, style="DF")
    pdf.set_xy(x + 4, y + 3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*ALERT)
    pdf.cell(width, 6, "Get help", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*INK)
    for message in messages:
        pdf.multi_cell(width, 4.5, message, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(pdf.get_y() + 1)
        pdf.set_x(x + 4)
    pdf.set_xy(pdf.l_margin, y + height)


def _lines(pdf: FPDF, width: float, text: str) -> int:
    """How many lines ``text`` takes at the current font in a cell ``width`` wide."""
    lines = pdf.multi_cell(width, 4.5, text, align="L", dry_run=True, output=MethodReturnValue.LINES)
    return len(lines) if isinstance(lines, list) else 1


def _body_map(pdf: FPDF, report: ReportData) -> float:
    """The body map in the top right corner, each region shaded by its average pain over the period; returns
    where (mm from the top) the page is free again below it."""
    import io

    from unknot.pictures import shaded_back

    scores: dict[str, list[int]] = {}
    for e in report.entries:
        scores.setdefault(e.region, []).append(e.score)
    levels = {region: sum(s) / len(s) for region, s in scores.items()}
    x, y, width = pdf.w - pdf.r_margin - 28, 6, 28
    # fpdf2 draws the shapes and would log that it skips the picture's <title> and <desc> (for screen readers).
    svg = re.sub(r"<(title|desc)\b[^>]*>.*?</\1>", "", shaded_back(levels), flags=re.DOTALL)
    pdf.image(io.BytesIO(svg.encode()), x=x, y=y, w=width)
    pdf.set_xy(x - 8, y + width * 460 / 400)
    pdf.set_font(FONT, size=6.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(width + 16, 3, "average pain: darker is worse", align="C")
    pdf.set_text_color(*INK)
    return y + width * 460 / 400 + 4


def _regions(pdf: FPDF, report: ReportData, catalog: Catalog, end: datetime) -> None:
    _heading(pdf, "Pain by region", room=50)
    span = _span(report)
    min_span = timedelta(days=catalog.insight_rules.min_span_days)
    by_region = {t.region: t for t in trends(report.entries, end, min_span)}
    order = {r: i for i, r in enumerate(catalog.region_ids)}
    regions = sorted({e.region for e in report.entries}, key=lambda r: (order.get(r, len(order)), r))
    if not regions or span is None:
        _text(pdf, "No pain ratings in this period.")
        return
    for region in regions:
        rows = sorted((e for e in report.entries if e.region == region), key=lambda e: e.at)
        _region(pdf, _region_name(catalog, region), rows, by_region.get(region), span)


def _region_name(catalog: Catalog, region: str) -> str:
    found = catalog.region(region)
    return found.name if found else region


def _region(pdf: FPDF, name: str, rows: list[PainEntry], trend: Trend | None, span: tuple[date, date]) -> None:
    notes = [e for e in rows if e.note.strip()][-NOTES_PER_REGION:]
    if pdf.will_page_break(48 + 4 * len(notes)):
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, name, size=10.5, bold=True)
    top = pdf.get_y()
    daily: dict[date, list[int]] = {}
    for e in rows:
        daily.setdefault(_day(e.at), []).append(e.score)
    averages = {day: sum(scores) / len(scores) for day, scores in daily.items()}
    _chart(pdf, pdf.l_margin, top, 118, 38, averages, span)
    _stats(pdf, pdf.l_margin + 124, top + 1, trend, len(rows))
    pdf.set_xy(pdf.l_margin, top + 40)
    for e in notes:
        quality = f", {e.quality.value}" if e.quality else ""
        note = _shown(pdf, " ".join(e.note.split()))
        _text(pdf, f"{_day(e.at).isoformat()}, pain {e.score}{quality}: {note}", size=8.5, color=MUTED)


def _shown(pdf: FPDF, text: str) -> str:
    """``text`` with each character DejaVu Sans lacks (CJK, for one) replaced by U+FFFD, so that the reader sees
    that something is not shown rather than a blank."""
    font = pdf.fonts.get(FONT.lower())
    covered = getattr(font, "cmap", None)
    if not isinstance(covered, dict):
        return text
    return "".join(c if ord(c) in covered or c in "\n\t" else "\ufffd" for c in text)


def _chart(pdf: FPDF, x: float, y: float, w: float, h: float, days: dict[date, float], span: tuple[date, date]) -> None:
    """Daily average pain as a line with a dot per day rated, on a 0-10 axis with gridlines at 0, 5 and 10."""
    left, right, top, bottom = x + 7, x + w - 3, y + 2, y + h - 6
    first, last = span
    length = max((last - first).days, 1)

    def at(day: date, value: float) -> tuple[float, float]:
        return left + (right - left) * (day - first).days / length, bottom - (bottom - top) * value / 10

    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    for value in (0, 5, 10):
        pdf.line(left, at(first, value)[1], right, at(first, value)[1])
        pdf.text(left - 1.5 - pdf.get_string_width(str(value)), at(first, value)[1] + 1.2, str(value))
    for day in _ticks(first, last):
        tick_x = at(day, 0)[0]
        pdf.line(tick_x, bottom, tick_x, bottom + 1)
        label = _short(day)
        pdf.text(tick_x - pdf.get_string_width(label) / 2, bottom + 4, label)
    points = [at(day, value) for day, value in sorted(days.items()) if first <= day <= last]
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(*LINE)
    pdf.set_line_width(0.5)
    if len(points) > 1:
        pdf.polyline(points)
    for px, py in points:
        pdf.circle(px, py, 0.7, style="F")


def _ticks(first: date, last: date) -> list[date]:
    """Up to 7 evenly spaced dates from ``first`` to ``last``, whole weeks apart when the span allows."""
    length = (last - first).days
    step = max(1, -(-length // 6))
    if step > 3:
        step = -(-step // 7) * 7
    days = [first + timedelta(days=d) for d in range(0, length + 1, step)]
    if (last - days[-1]).days * 3 > step:
        days.append(last)
    return days


def _stats(pdf: FPDF, x: float, y: float, trend: Trend | None, count: int) -> None:
    lines = [f"{count} rating{'s' if count != 1 else ''}"]
    if trend:
        for days, value in trend.averages.items():
            lines.append(f"Last {days} days: {_score(value)}")
        lines.append(f"Trend: {_slope(trend.slope_per_week)}")
    else:
        lines.append("No ratings in the 90 days to the end of the period")
    pdf.set_xy(x, y)
    for i, line in enumerate(lines):
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*(MUTED if i == 0 else INK))
        pdf.multi_cell(pdf.w - pdf.r_margin - x, 4.6, line, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _score(value: float | None) -> str:
    return "no ratings" if value is None else f"{value:.1f} / 10"


def _slope(value: float | None) -> str:
    if value is None:
        return "too few ratings"
    # Within a quarter point a week either way reads as steady (our choice): 1 point a month is below what a 0-10
    # self-rating resolves.
    direction = "worse" if value > STEADY else "better" if value < -STEADY else "steady"
    return f"{_signed(value)} points a week ({direction})"


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _sessions(pdf: FPDF, report: ReportData, catalog: Catalog) -> None:
    _heading(pdf, "Guided sessions")
    if not report.sessions:
        _text(pdf, "No guided sessions in this period.")
        return
    _text(pdf, "Pain before and after: the average over the regions rated both times.", size=8, color=MUTED)
    pdf.ln(1)
    rows = [_session_row(s) for s in sorted(report.sessions, key=lambda s: s.started_at)]
    head = ("Date", "Who", "Planned", "Status", "Steps done / skipped / stopped", "Pain before → after", "Hurts / stop")
    _table(pdf, head, rows, (24, 17, 18, 20, 37, 38, 26))
    _pressure(pdf, max(report.sessions, key=lambda s: s.started_at), catalog)


def _pressure(pdf: FPDF, latest: SessionRecord, catalog: Catalog) -> None:
    """The latest session's pressure target, its pressure words and the aftercare (unknot.pressure chooses them)."""
    guide = stored_guide(latest.routine, catalog)
    _text(pdf, f"Pressure target of the latest session: {guide.target}", size=8.5)
    _text(pdf, "Pressure words: " + "; ".join(line for _, line in guide.legend) + ".", size=8, color=MUTED)
    _text(pdf, "Afterwards: " + " ".join(guide.aftercare), size=8, color=MUTED)


def _session_row(session: SessionRecord) -> tuple[str, ...]:
    status = Counter(step.status for step in session.steps)
    steps = " / ".join(str(status[s]) for s in (StepStatus.DONE, StepStatus.SKIPPED, StepStatus.STOPPED))
    events = Counter(event.kind for event in session.events)
    rated = [r for r in session.pain_before if r in session.pain_after]
    if rated:
        before = sum(session.pain_before[r] for r in rated) / len(rated)
        after = sum(session.pain_after[r] for r in rated) / len(rated)
        regions = f"{len(rated)} region{'s' if len(rated) != 1 else ''}"
        pain = f"{before:.1f} → {after:.1f} ({regions})"
    else:
        pain = "not rated"
    return (
        _day(session.started_at).isoformat(),
        session.mode.value,
        f"{session.minutes:.0f} min",
        session.status.value,
        steps,
        pain,
        f"{events['it_hurts']} / {events['stop']}",
    )


def _table(pdf: FPDF, head: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[float]) -> None:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        text_align="LEFT",
        line_height=4.4,
        padding=(0.8, 1.2),
        headings_style=HEADINGS,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for values in [head, *rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(1)


def _effects(pdf: FPDF, report: ReportData, catalog: Catalog) -> None:
    _heading(pdf, "Effect of each technique")
    effects = technique_effects(report.sessions, catalog)
    if not effects:
        _text(pdf, "No sessions with pain rated before and after yet.")
        return
    _text(
        pdf,
        "Change: pain after minus before on the regions the technique worked; negative means less pain. "
        "Self-reported and uncontrolled: a guide for discussion, not evidence of effect.",
        size=8,
        color=MUTED,
    )
    pdf.ln(1)
    level = f"{catalog.insight_rules.effect_confidence:.0%}"
    rows = [_effect_row(e, catalog) for e in effects]
    _table(pdf, ("Technique", "Sessions", f"Mean change in pain ({level} band)"), rows, (75, 20, 85))


def _effect_row(effect: Effect, catalog: Catalog) -> tuple[str, str, str]:
    found = catalog.technique(effect.technique)
    name = found.name if found else effect.technique
    if effect.mean is None or effect.low is None or effect.high is None:
        needed = catalog.insight_rules.effect_min_sessions
        return name, str(effect.sessions), f"too few sessions ({effect.sessions} of {needed})"
    band = f"{_signed(effect.low)} to {_signed(effect.high)}"
    return name, str(effect.sessions), f"{_signed(effect.mean)} points ({band})"


def _screens(pdf: FPDF, report: ReportData, catalog: Catalog) -> None:
    _heading(pdf, "Screens and red flags")
    screens = sorted(report.screens, key=lambda x: x.at)
    if screens:
        rows = [(_day(x.at).isoformat(), _verdict(x, catalog), _flags(x, catalog)) for x in screens]
        _table(pdf, ("Date", "Verdict", "Red flags (rule: message)"), rows, (24, 42, 114))
    else:
        _text(pdf, "No safety screens in this period.")
    active = [c for c in report.clearances if c.active]
    pdf.ln(1)
    if not active:
        _text(pdf, "No rules cleared by a professional.")
    for clearance in sorted(active, key=lambda c: c.cleared_on):
        rule = catalog.rule(clearance.rule)
        label = rule.label if rule else clearance.rule
        _text(pdf, f"{label}: cleared by a professional on {clearance.cleared_on.isoformat()}.")


def _verdict(screen: ScreenRecord, catalog: Catalog) -> str:
    value = str(screen.verdict.get("verdict", ""))
    if value in {c.value for c in Category}:
        return catalog.category(Category(value)).title
    return str(screen.verdict.get("title", "")) or value or "unknown"


def _flags(screen: ScreenRecord, catalog: Catalog) -> str:
    lines = []
    for reason in screen.verdict.get("reasons", []):
        if reason.get("category") not in FLAGGED:
            continue
        rule = catalog.rule(str(reason.get("rule", "")))
        label = rule.label if rule else str(reason.get("rule", ""))
        cleared = " (cleared by a professional)" if reason.get("cleared") else ""
        lines.append(f"{label}{cleared}: {str(reason.get('message', '')).strip()}")
    return "\n".join(lines) or "none"
