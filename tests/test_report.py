"""The PDF report: read back with poppler's tools (text, rendered pages, embedded images), deterministic bytes."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import in_ci
from unknot import load_catalog
from unknot.contract import routine_to_json, verdict_to_json
from unknot.insights import seek_help
from unknot.model import (
    Clearance,
    Finding,
    Intake,
    Mode,
    PainEntry,
    PlanRequest,
    Quality,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.planner import plan
from unknot.report import ReportData, render_pdf
from unknot.screening import screen

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=42)
REGIONS = ("upper_trapezius_left", "rhomboid_right", "neck_base")
NOTE = "après le travail — 肩"


def tool(name: str) -> str:
    """The path of a poppler tool; skips the test when it is missing, except in CI."""
    path = shutil.which(name)
    if path is None:
        if in_ci():
            pytest.fail(f"{name} (poppler-utils) is needed in CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def entries() -> list[PainEntry]:
    """Six weeks of ratings: the left trapezius easing, the right rhomboid flat, the neck rising this last week."""
    out = []
    for day in range(0, 42, 2):
        at = SINCE + timedelta(days=day, hours=9)
        out.append(PainEntry(at, REGIONS[0], max(1, 7 - day // 7), Quality.TIGHT))
        out.append(PainEntry(at + timedelta(hours=1), REGIONS[1], 4 + day % 3))
    for day, score in ((35, 2), (37, 3), (39, 4), (41, 6)):
        out.append(PainEntry(SINCE + timedelta(days=day, hours=19), REGIONS[2], score, Quality.SHARP))
    out.append(PainEntry(NOW - timedelta(days=3), REGIONS[0], 3, Quality.ACHING, note=NOTE))
    return sorted(out, key=lambda e: e.at)


def session(started: datetime, mode: Mode, change: int, *, hurt: bool = False) -> SessionRecord:
    """A session of a real 10-minute plan, every step done but the last (stopped when ``hurt``)."""
    routine = routine_to_json(plan(PlanRequest(mode, 10), catalog=CATALOG))
    count = len(routine["steps"])
    last = StepStatus.STOPPED if hurt else StepStatus.SKIPPED
    steps = tuple(
        StepRecord(i, StepStatus.DONE if i < count - 1 else last, float(s["seconds"]))
        for i, s in enumerate(routine["steps"])
    )
    events = (SessionEvent(started + timedelta(minutes=9), "it_hurts", count - 1),) if hurt else ()
    record = SessionRecord(started, mode, routine, SessionStatus.FINISHED, started + timedelta(minutes=10), steps)
    worked = sorted(record.worked())
    before = {r: 6 for r in worked}
    after = {r: 6 + change for r in worked}
    return SessionRecord(
        started,
        mode,
        routine,
        SessionStatus.STOPPED if hurt else SessionStatus.FINISHED,
        started + timedelta(minutes=10),
        steps,
        events,
        before,
        after,
    )


def screen_at(at: datetime, *rules: str, cleared: frozenset[str] = frozenset()) -> ScreenRecord:
    intake = Intake(tuple(Finding(r) for r in rules), cleared=cleared, complete=True)
    return ScreenRecord(at, {"findings": list(rules)}, verdict_to_json(screen(intake, CATALOG)))


def month() -> ReportData:
    sessions = [session(SINCE + timedelta(days=d, hours=18), Mode.PARTNER, c) for d, c in ((5, -2), (12, -1), (20, -3))]
    sessions.append(session(SINCE + timedelta(days=30, hours=18), Mode.SELF, 1, hurt=True))
    screens = [
        screen_at(SINCE + timedelta(days=1), "high_bp"),
        screen_at(SINCE + timedelta(days=10), "high_bp", cleared=frozenset({"high_bp"})),
        screen_at(NOW - timedelta(days=4), "radiating_arm"),
    ]
    clearances = [Clearance("high_bp", date(2026, 10, 20))]
    return ReportData(NOW, SINCE, NOW, entries(), sessions, screens, clearances)


def empty() -> ReportData:
    return ReportData(NOW, None, None, [], [], [], [])


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "month.pdf"
    path.write_bytes(render_pdf(month(), CATALOG))
    return path


def text_of(path: Path) -> str:
    out = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def flat(text: str) -> str:
    return " ".join(text.split())


def test_it_is_a_pdf(sample: Path) -> None:
    assert sample.read_bytes().startswith(b"%PDF-")


def test_the_text_names_what_a_clinician_needs(sample: Path) -> None:
    text = text_of(sample)
    for region in REGIONS:
        assert CATALOG.region(region).name in text  # type: ignore[union-attr]
    advice = seek_help(CATALOG, month().entries, NOW, month().screens)
    assert {a.rule for a in advice} >= {"worse", "red_flag:radiating_arm"}
    assert "Get help" in text
    for a in advice:
        assert flat(a.message) in text
    assert "0 no pain, 10 worst imaginable" in text
    for record in month().sessions:
        assert record.started_at.astimezone().date().isoformat() in text
    assert "partner" in text and "it_hurts" not in text
    assert "too few sessions (1 of 3)" in text  # the self-mode techniques, used once
    assert "points (" in text  # a partner technique used in 3 sessions, with its band
    assert "Ask a professional first" in text and "See a professional" in text
    assert "cleared by a professional on 2026-10-20" in text
    assert "après le travail — \ufffd" in text  # DejaVu Sans has no CJK: shown as a replacement character


def test_every_page_renders_to_a_non_blank_image(sample: Path, tmp_path: Path) -> None:
    subprocess.run([tool("pdftoppm"), "-r", "50", "-png", str(sample), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert 1 <= len(pages) <= 2
    for page in pages:
        with Image.open(page) as image:
            low, _high = image.convert("L").getextrema()
        assert low < 128, f"{page.name} is blank"


def test_the_charts_are_vector(sample: Path) -> None:
    out = subprocess.run([tool("pdfimages"), "-list", str(sample)], capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["page", "num"]  # the header, then one line per image: none
    assert lines[2:] == []


def test_the_same_input_gives_the_same_bytes() -> None:
    assert render_pdf(month(), CATALOG) == render_pdf(month(), CATALOG)


def test_an_empty_journal_is_one_page_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(render_pdf(empty(), CATALOG))
    assert path.read_bytes().startswith(b"%PDF-")
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    text = text_of(path)
    assert "Nothing in the journal yet" in text
    for line in ("No pain ratings", "No guided sessions", "No sessions with pain rated", "No safety screens"):
        assert line in text
    assert "Get help" not in text


def light_month(*rules: str) -> ReportData:
    """A month whose latest session was planned under today's screen with ``rules`` (and that screen kept)."""
    verdict = screen(Intake(tuple(Finding(r) for r in rules), complete=True), CATALOG)
    routine = routine_to_json(plan(PlanRequest(Mode.SELF, 10, ("tennis_ball",)), verdict, catalog=CATALOG))
    data = month()
    latest = max(data.sessions, key=lambda s: s.started_at)
    kept = SessionRecord(latest.started_at + timedelta(days=1), Mode.SELF, routine, SessionStatus.FINISHED)
    screens = [*data.screens, screen_at(kept.started_at - timedelta(minutes=5), *rules)]
    return ReportData(NOW, SINCE, NOW, data.entries, [*data.sessions, kept], screens, data.clearances)


@pytest.mark.parametrize("word", ["good hurt", "4 to 6", "4-6", "4–6", "four to six"])
@pytest.mark.parametrize("rule", ["fragile_skin", "reduced_sensation"])
def test_after_a_light_pressure_session_the_pdf_never_says(rule: str, word: str, tmp_path: Path) -> None:
    path = tmp_path / "light.pdf"
    path.write_bytes(render_pdf(light_month(rule), CATALOG))
    text = text_of(path)
    assert "Pressure target of the latest session" in text and "48 hours" in text
    assert word not in text.lower()


def test_with_reduced_feeling_the_pdf_says_to_look_at_the_skin_and_asks_no_number(tmp_path: Path) -> None:
    path = tmp_path / "reduced.pdf"
    path.write_bytes(render_pdf(light_month("reduced_sensation"), CATALOG))
    text = text_of(path)
    assert "a pain number cannot tell you" in text and "redness" in text


def test_without_restrictions_the_pdf_gives_the_usual_target_and_the_aftercare(sample: Path) -> None:
    text = text_of(sample)
    assert 'Pressure target of the latest session: Aim for a "good hurt" of about 4 to 6 out of 10' in text
    assert "firm: up to 7 out of 10, never more" in text
    assert "48 hours" in text and "bruise" in text and "72 hours" in text
