"""Accessibility in Chromium: axe-core finds nothing at WCAG 2.2 A/AA on any page or player state, light or dark;
every interactive target is at least 44×44 px (WCAG 2.5.8 asks 24; we ask what a thumb needs), and the player's
controls at least 64 px, for oily hands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.web.conftest import Server, start_server, stop_server

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TARGETS = """
() => {
  const out = [];
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]';
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    const label = el.closest("label");
    if (label) {  // a tick box or radio inside its label: the label is what a finger hits
      const outer = label.getBoundingClientRect();
      if (outer.width * outer.height > box.width * box.height) box = outer;
    }
    const hidden = el.closest("[hidden]") || style.visibility === "hidden" || box.width === 0 || box.right < 0;
    if (hidden) continue;
    out.push({ what: el.outerHTML.slice(0, 90), width: box.width, height: box.height,
               control: el.classList.contains("control") });
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("a11y"), scale=5)
    with running.client() as client:  # a journal with something in it, so the journal page shows its charts
        for score in (6, 5, 4):
            client.post("/api/entries", json={"region": "upper_trapezius_left", "score": score})
    yield running
    stop_server(running)


def _axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
    ]


def _targets(page: Any) -> list[dict[str, Any]]:
    small = []
    for t in page.evaluate(TARGETS):
        need = 64 if t["control"] else 44
        if t["width"] < need - 0.5 or t["height"] < need - 0.5:
            small.append(t)
    return small


def check(page: Any, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert _axe(page) == [], where
    assert _targets(page) == [], where


def _screen_no(page: Any, server: Server, times: int = 5, subject: str = "self") -> None:
    page.goto(f"{server.base}/screen?for={subject}")
    for _ in range(times):
        page.get_by_role("button", name="No", exact=True).click()


STEPS: list[tuple[str, Callable[[Any, Server], None]]] = [
    ("home", lambda page, s: page.goto(f"{s.base}/")),
    ("screen-group", lambda page, s: page.goto(f"{s.base}/screen")),
    ("screen-which", lambda page, s: (page.goto(f"{s.base}/screen"), page.get_by_role("button", name="Yes").click())),
    ("verdict-ok", lambda page, s: _screen_no(page, s)),
    ("start", lambda page, s: page.goto(f"{s.base}/start")),
    ("plan", lambda page, s: (page.goto(f"{s.base}/plan"), page.get_by_text("Favour or leave alone").click())),
    ("preview", lambda page, s: page.goto(f"{s.base}/preview?mode=self&minutes=5&tools=tennis_ball")),
    ("prepare", lambda page, s: page.goto(f"{s.base}/prepare?mode=self&minutes=5&tools=tennis_ball")),
    ("before", lambda page, s: page.goto(f"{s.base}/before?mode=self&minutes=5&tools=tennis_ball")),
    ("journal", lambda page, s: page.goto(f"{s.base}/journal")),
    ("log", lambda page, s: page.goto(f"{s.base}/log")),
    ("exports", lambda page, s: page.goto(f"{s.base}/exports")),
    ("settings", lambda page, s: page.goto(f"{s.base}/settings")),
    ("clearances", lambda page, s: page.goto(f"{s.base}/clearances")),
    ("error", lambda page, s: page.goto(f"{s.base}/exports/nothing.txt")),
]


def _tab(browser: Any, server: Server, scheme: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(server.link)
    yield tab
    context.close()


@pytest.fixture(params=["light", "dark"])
def page(request: pytest.FixtureRequest, browser: Any, server: Server) -> Iterator[Any]:
    yield from _tab(browser, server, request.param)


def test_every_page(page: Any, server: Server) -> None:
    for name, go in STEPS:
        go(page, server)
        check(page, name)


@pytest.fixture
def fresh_server(tmp_path: Any) -> Iterator[Server]:
    """A journal of its own: a consult-first and an emergency screen govern the rest of that journal's day."""
    running = start_server(tmp_path, scale=5)
    yield running
    stop_server(running)


@pytest.fixture(params=["light", "dark"])
def fresh_page(request: pytest.FixtureRequest, browser: Any, fresh_server: Server) -> Iterator[Any]:
    yield from _tab(browser, fresh_server, request.param)


def test_the_screens_other_pages(fresh_page: Any, fresh_server: Server) -> None:
    page, server = fresh_page, fresh_server
    _screen_no(page, server, 4)
    page.get_by_role("button", name="Yes").click()
    check(page, "screen-which-local")
    page.get_by_label("A bruise").check()
    page.get_by_role("button", name="Continue").click()
    check(page, "screen-where")
    page.get_by_label("Rhomboid, left").check()
    page.get_by_role("button", name="Continue").click()
    check(page, "verdict-avoid-area")
    page.goto(f"{server.base}/screen")
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("A blood clot (DVT or PE)", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="No", exact=True).click()
    check(page, "screen-cleared")
    page.get_by_role("button", name="No", exact=True).click()
    check(page, "verdict-consult-first")
    page.goto(f"{server.base}/screen")
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("Chest pain", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    check(page, "emergency")


def test_every_player_state(page: Any, server: Server) -> None:
    _screen_no(page, server, subject="receiver")  # a partner session: the receiver's screen
    page.goto(f"{server.base}/before?mode=partner&minutes=5")
    page.get_by_role("button", name="Start the routine").click()
    page.wait_for_url("**/player/*")
    check(page, "player-ready")
    page.get_by_role("button", name="Start", exact=True).click()
    page.locator("#state", has_text="Now").wait_for()
    check(page, "player-running")
    page.get_by_role("button", name="How?").click()
    page.locator("#how").wait_for()
    check(page, "player-how")
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_role("dialog", name="Stop the session?").wait_for()
    check(page, "player-stop-question")
    page.get_by_role("button", name="No, carry on").click()
    page.locator("#state", has_text="Now").wait_for()
    page.keyboard.press("Space")
    page.locator("#state", has_text="Paused").wait_for()
    check(page, "player-paused")
    page.keyboard.press("Space")
    page.locator("#state", has_text="Now").wait_for()
    page.keyboard.press("h")
    page.get_by_role("heading", name="It hurts: that step has stopped").wait_for()
    check(page, "player-it-hurts")
    page.get_by_role("button", name="Stop the session").click()
    page.wait_for_url("**/after")
    check(page, "pain-after")
