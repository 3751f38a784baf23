"""``unknot.pictures``: the shared SVGs, and the body map shaded by pain as the PDF report draws it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.test_report import CATALOG, empty, month, tool
from unknot.model import PainEntry
from unknot.pictures import HIGH, LOW, picture, shade, shaded_back
from unknot.report import ReportData, render_pdf


def fill_of(svg: str, region: str) -> str:
    match = re.search(rf'<polygon\b[^>]*id="region-{region}"[^>]*\bfill="([^"]+)"', svg)
    assert match, region
    return match.group(1)


def test_the_shade_runs_from_no_pain_to_the_worst() -> None:
    assert shade(0) == "#{:02x}{:02x}{:02x}".format(*LOW) and shade(10) == "#{:02x}{:02x}{:02x}".format(*HIGH)
    assert shade(-3) == shade(0) and shade(12) == shade(10)
    reds = [int(shade(s)[1:3], 16) for s in range(11)]
    greens = [int(shade(s)[3:5], 16) for s in range(11)]
    assert reds == sorted(reds, reverse=True) and greens == sorted(greens, reverse=True)  # darker with each point


def test_only_the_regions_given_are_shaded() -> None:
    svg = shaded_back({"rhomboid_left": 10, "neck_base": 5})
    assert fill_of(svg, "rhomboid_left") == shade(10) and fill_of(svg, "neck_base") == shade(5)
    untouched = [r.id for r in CATALOG.regions if r.id not in ("rhomboid_left", "neck_base")]
    assert all(fill_of(svg, r) == fill_of(picture("back"), r) for r in untouched)
    assert shaded_back({}) == picture("back")


def test_the_report_draws_the_shaded_map(tmp_path: Path) -> None:
    at = month().now
    report = ReportData(at, None, None, [PainEntry(at, "rhomboid_left", 10)], [], [], [])
    path = tmp_path / "r.pdf"
    path.write_bytes(render_pdf(report, CATALOG))
    subprocess.run([tool("pdftoppm"), "-r", "100", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")])
    with Image.open(next(tmp_path.glob("p*.png"))) as page:
        rgb = page.convert("RGB")
        pixels = [rgb.getpixel((x, y)) for x in range(0, rgb.width, 2) for y in range(0, rgb.height, 2)]
        deep = sum(1 for pixel in pixels if all(abs(a - b) < 12 for a, b in zip(pixel, HIGH, strict=True)))
    assert deep > 20  # the left rhomboid, in the deepest red (sampled every other pixel)


@pytest.mark.parametrize("report", [pytest.param(month(), id="month"), pytest.param(empty(), id="empty")])
def test_the_pdf_library_is_told_nothing_it_cannot_draw(report: ReportData, caplog: pytest.LogCaptureFixture) -> None:
    render_pdf(report, CATALOG)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fpdf")] == []
