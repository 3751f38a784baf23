"""The pictures (``src/unknot/web/static/svg/``): one per region (the body map), technique, position and tool of the
content, safe under the web app's strict Content-Security-Policy, small, embeddable in a PDF by fpdf2, and exactly
what ``scripts/draw_pictures.py`` draws.

The body map's regions are ``<polygon>``s so that their overlap can be checked here on a grid of points.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from fpdf import FPDF

from tests.conftest import ROOT
from unknot import load_catalog
from unknot.model import Region

CATALOG = load_catalog()
SVG_DIR = ROOT / "src" / "unknot" / "web" / "static" / "svg"
GENERATOR = ROOT / "scripts" / "draw_pictures.py"
NS = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 12 * 1024

ALLOWED = {
    "svg", "g", "path", "polygon", "polyline", "line", "circle", "ellipse", "rect",
    "text", "title", "desc", "defs", "marker",
}  # fmt: skip
COLOURS = {"#1f2933", "#1b6fb5", "#ffffff", "white", "none", "#eef2f6", "#d9e2ec"}
LABELS = {"L", "R", "30 s", "≤ 30 s"}
# fpdf2 draws neither titles nor descriptions and says so in its log; anything else it skips is a missing line.
SKIPPED_BY_FPDF = re.compile(r"Ignoring unsupported SVG tag: <(title|desc)>")

# (file, title, viewBox) for every picture the content needs
PICTURES = [
    ("back.svg", "The upper back seen from behind", "0 0 400 460"),
    *((f"technique-{t.id}.svg", t.name, "0 0 400 300") for t in CATALOG.techniques),
    *((f"position-{p.id}.svg", p.name, "0 0 400 240") for p in CATALOG.positions),
    *((f"tool-{t.id}.svg", t.name, "0 0 120 120") for t in CATALOG.tools),
]
NAMES = [name for name, _, _ in PICTURES]


def parse(name: str) -> ET.Element:
    return ET.parse(SVG_DIR / name).getroot()


def local(tag: str) -> str:
    return tag.removeprefix(NS)


def shapes(root: ET.Element) -> dict[str, ET.Element]:
    """The body map's region shapes by region id (``data-region``)."""
    found: dict[str, ET.Element] = {}
    for node in root.iter():
        if (
            node.get("class") == "region"
            or node.get("data-region") is not None
            or node.get("id", "").startswith("region-")
        ):
            region = node.get("data-region", "")
            assert region not in found, f"two shapes for {region!r}"
            found[region] = node
    return found


def polygon(node: ET.Element) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.split(r"[\s,]+", node.get("points", "").strip()) if n]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    """Even-odd rule: a ray to the right crosses the edges an odd number of times."""
    result = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def distance_to_edge(x: float, y: float, poly: list[tuple[float, float]]) -> float:
    best = math.inf
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / ((dx * dx + dy * dy) or 1.0)))
        best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best


# --- every picture the content needs, and no others ------------------------------------------------------------


def test_the_folder_holds_exactly_the_pictures_of_the_content() -> None:
    assert sorted(p.name for p in SVG_DIR.glob("*.svg")) == sorted(NAMES)


@pytest.mark.parametrize(("name", "title", "view_box"), PICTURES, ids=NAMES)
def test_picture_is_an_accessible_svg_image(name: str, title: str, view_box: str) -> None:
    assert (SVG_DIR / name).exists(), f"no picture {name}: draw it in scripts/draw_pictures.py"
    root = parse(name)
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox") == view_box
    assert root.get("role") == "img"
    titles = {t.get("id"): t for t in root.findall(f"{NS}title")}
    assert root.get("aria-labelledby") in titles, "aria-labelledby names the picture's <title>"
    assert (titles[root.get("aria-labelledby")].text or "").strip() == title
    desc = root.find(f"{NS}desc")
    assert desc is not None and (desc.text or "").strip().endswith(".")
    if root.get("aria-describedby"):
        assert root.get("aria-describedby") == desc.get("id")


@pytest.mark.parametrize("name", NAMES)
def test_picture_keeps_to_the_safe_subset(name: str) -> None:
    raw = (SVG_DIR / name).read_text(encoding="utf-8")
    assert "<!" not in raw and "<?xml-stylesheet" not in raw, "no DOCTYPE, entities, CDATA or stylesheets"
    assert len(raw.encode()) < MAX_BYTES
    root = parse(name)
    for node in root.iter():
        tag = local(node.tag)
        assert node.tag.startswith(NS) and tag in ALLOWED, f"<{tag}> is not allowed"
        for attr, value in node.attrib.items():
            attr = local(attr)
            assert attr != "style" and not attr.startswith("on"), f"{attr} on <{tag}>"
            assert "href" not in attr and "url(" not in value and "@import" not in value, f"{attr}={value!r}"
            if attr in {"fill", "stroke"}:
                assert value in COLOURS, f"{attr}={value!r} on <{tag}>"
            if attr == "stroke-width":
                assert 2 <= float(value) <= 3, f"stroke-width {value} on <{tag}>"
        if tag == "text":
            assert node.get("font-family") == "sans-serif"
            assert "".join(node.itertext()).strip() in LABELS


@pytest.mark.parametrize("name", NAMES)
def test_picture_embeds_in_a_pdf(name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pdf = FPDF()
    pdf.add_page()
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        pdf.image(str(SVG_DIR / name), x=10, y=10, w=100)
        out = tmp_path / "picture.pdf"
        pdf.output(str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 500
    skipped = [r.getMessage() for r in caplog.records if not SKIPPED_BY_FPDF.search(r.getMessage())]
    assert not skipped, "fpdf2 left something out"


# --- the body map ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", CATALOG.regions, ids=[r.id for r in CATALOG.regions])
def test_every_region_is_one_titled_shape(region: Region) -> None:
    root = parse("back.svg")
    node = shapes(root).get(region.id)
    assert node is not None, f"no shape for {region.id} in back.svg: draw it in scripts/draw_pictures.py"
    assert local(node.tag) in {"polygon", "path"}
    assert node.get("id") == f"region-{region.id}"
    assert node.get("class") == "region"
    title = node.find(f"{NS}title")
    assert title is not None and title.text == region.name
    if region.side in {"left", "right"}:
        xs = [x for x, _ in polygon(node)]
        centre = sum(xs) / len(xs)
        assert (centre < 200) == (region.side == "left"), "the person's left is on the left of the picture"


def test_the_body_map_draws_only_the_regions_of_the_content() -> None:
    root = parse("back.svg")
    assert set(shapes(root)) == set(CATALOG.region_ids)
    groups = {g.get("class"): g for g in root.iter(f"{NS}g")}
    assert set(groups) >= {"outline", "regions"}
    assert {n.get("data-region") for n in groups["regions"]} == set(CATALOG.region_ids)
    assert not [n for n in groups["outline"].iter() if n.get("class") == "region"]
    for node in groups["outline"].iter():
        assert node.get("fill") in {None, "none"}, "the outline is lines only"
    labels = {
        "".join(t.itertext()): float(t.get("x", "0")) for t in root.iter(f"{NS}text") if t.get("class") == "side-label"
    }
    assert set(labels) == {"L", "R"} and labels["L"] < 200 < labels["R"]


def test_no_two_regions_of_the_body_map_overlap() -> None:
    """Sample a grid of points (every pixel centre): none may be inside two regions, each region holds many."""
    polygons = {region: polygon(node) for region, node in shapes(parse("back.svg")).items()}
    for region, poly in polygons.items():
        assert len(poly) >= 3, f"{region} must be a <polygon> so that this test can check it"
    owner: dict[tuple[int, int], str] = {}
    count = dict.fromkeys(polygons, 0)
    for region, poly in polygons.items():
        xs, ys = [x for x, _ in poly], [y for _, y in poly]
        for gx in range(math.floor(min(xs)), math.ceil(max(xs))):
            for gy in range(math.floor(min(ys)), math.ceil(max(ys))):
                x, y = gx + 0.5, gy + 0.5
                # A point on a shared edge belongs to both shapes: only count points clearly inside.
                if inside(x, y, poly) and distance_to_edge(x, y, poly) > 0.5:
                    assert (gx, gy) not in owner, f"{region} overlaps {owner[gx, gy]} at ({x}, {y})"
                    owner[gx, gy] = region
                    count[region] += 1
    for region, n in count.items():
        assert n >= 200, f"{region} is too small to tap ({n} px)"


# --- the generator ---------------------------------------------------------------------------------------------


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("draw_pictures", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_pictures_are_what_the_generator_draws() -> None:
    drawn: dict[str, str] = generator().pictures()
    assert sorted(drawn) == sorted(NAMES)
    stale = [name for name, text in drawn.items() if (SVG_DIR / name).read_text(encoding="utf-8") != text]
    assert not stale, f"out of date, run `uv run python scripts/draw_pictures.py`: {stale}"
