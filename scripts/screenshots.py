"""Screenshots of every page of the web app at phone (390×844) and laptop (1280×800) sizes, into docs/screenshots/.

    uv run python scripts/screenshots.py [--out docs/screenshots]

It starts a real ``unknot serve`` on a journal filled with six weeks of sample entries and three guided sessions,
walks the pages in Debian's Chromium as a person would, and saves one PNG per page, size and theme where it
matters. Nothing is mocked: the pictures are what a user sees.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, Server, start_server, stop_server  # noqa: E402

from unknot.content import load_catalog  # noqa: E402
from unknot.contract import routine_to_json  # noqa: E402
from unknot.journal import opened_journal  # noqa: E402
from unknot.model import Mode, PainEntry, PlanRequest, SessionRecord, SessionStatus, StepRecord, StepStatus  # noqa: E402
from unknot.planner import plan  # noqa: E402

SIZES = {"phone": (390, 844), "laptop": (1280, 800)}


def seed(db: str) -> None:
    """Six weeks of entries for three regions and three finished partner sessions with pain before and after."""
    catalog = load_catalog()
    rng = random.Random(7)
    now = datetime.now(UTC)
    entries = []
    for day in range(42, 0, -1):
        at = now - timedelta(days=day, hours=rng.randint(0, 8))
        entries.append(PainEntry(at, "upper_trapezius_left", max(1, 7 - (42 - day) // 8 + rng.randint(-1, 1))))
        if day % 2 == 0:
            entries.append(PainEntry(at, "rhomboid_right", 4 + rng.randint(-1, 1)))
        if day % 3 == 0:
            entries.append(PainEntry(at, "neck_base", 3 + rng.randint(0, 2)))
    routine = routine_to_json(plan(PlanRequest(Mode.PARTNER, 10), catalog=catalog))
    with opened_journal(db) as journal:
        for entry in entries:
            journal.add_entry(entry)
        for i, change in enumerate((-2, -1, -3)):
            started = now - timedelta(days=20 - 6 * i)
            steps = tuple(StepRecord(n, StepStatus.DONE, float(s["seconds"])) for n, s in enumerate(routine["steps"]))
            record = journal.start_session(
                SessionRecord(started, Mode.PARTNER, routine, steps=steps, pain_before={"upper_trapezius_left": 6})
            )
            assert record.id is not None
            journal.finish_session(
                record.id, SessionStatus.FINISHED, started + timedelta(minutes=10), {"upper_trapezius_left": 6 + change}
            )


def shoot(page: Page, out: Path, name: str) -> None:
    from PIL import Image  # Pillow comes with fpdf2

    page.wait_for_load_state("networkidle")
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as shot:  # 256 colours are plenty for flat pages, and a third of the size in git
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    print(f"  {name}.png")


def walk(page: Page, server: Server, out: Path, size: str) -> None:
    """Every page, in the order of a journey."""
    base = server.base

    def at(path: str, name: str, before: Callable[[], None] | None = None) -> None:
        page.goto(base + path)
        if before:
            before()
        shoot(page, out, f"{name}-{size}")

    page.goto(server.link)
    shoot(page, out, f"home-{size}")
    at("/screen", "screen")
    page.get_by_role("button", name="Yes").click()
    shoot(page, out, f"screen-which-{size}")
    at("/screen", "screen-where", lambda: _to_where(page))
    page.locator("#region-rhomboid_left").click()
    page.get_by_role("button", name="Continue").click()
    shoot(page, out, f"verdict-avoid-area-{size}")
    page.goto(base + "/screen")
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("Chest pain", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    shoot(page, out, f"emergency-{size}")
    page.goto(base + "/screen")
    for _ in range(5):
        page.get_by_role("button", name="No", exact=True).click()
    shoot(page, out, f"verdict-ok-{size}")
    at("/plan", "plan", lambda: page.get_by_text("Favour or leave alone").click())
    query = "mode=partner&minutes=10&seed=0"
    at(f"/preview?{query}", "preview")
    at(f"/prepare?{query}", "prepare")
    at(f"/before?{query}", "pain-before")
    page.locator("label:has(input[name='pain-upper_trapezius_left'][value='6'])").click()
    page.get_by_role("button", name="Start the routine").click()
    page.wait_for_url("**/player/*")
    shoot(page, out, f"player-ready-{size}")
    page.get_by_role("button", name="Start").click()
    page.wait_for_timeout(2500)
    shoot(page, out, f"player-running-{size}")
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    shoot(page, out, f"player-paused-{size}")
    page.get_by_role("button", name="Resume").click()
    page.wait_for_timeout(500)
    page.keyboard.press("h")
    page.wait_for_timeout(300)
    shoot(page, out, f"player-it-hurts-{size}")
    page.get_by_role("button", name="Stop the session").click()
    page.wait_for_url("**/after")
    shoot(page, out, f"pain-after-{size}")
    at("/journal", "journal")
    at("/log", "log")
    at("/exports", "exports")
    at("/settings", "settings")


def _to_where(page: Page) -> None:
    for _ in range(4):
        page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("A bruise").check()
    page.get_by_role("button", name="Continue").click()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        home = Path(tmp)
        seed(f"sqlite:///{home / 'journal.db'}")
        server = start_server(home, scale=10)
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                print(size)
                context = browser.new_context(viewport={"width": width, "height": height})
                walk(context.new_page(), server, args.out, size)
                context.close()
            dark = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
            page = dark.new_page()
            page.goto(server.link)
            shoot(page, args.out, "home-laptop-dark")
            page.goto(server.base + "/journal")
            shoot(page, args.out, "journal-laptop-dark")
            browser.close()
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
