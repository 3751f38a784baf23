"""The web pages under each pressure target, from a real `unknot serve`: the routine preview, the checklist, the
player (its page and the timeline it speaks) and the page after a session never give the usual "good hurt" band
under light pressure, ask for no number with reduced feeling, and still give it without restrictions."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.web.conftest import Server, start_server, stop_server

FORBIDDEN = ["good hurt", "4 to 6", "4-6", "4–6", "four to six"]
PLAN = {"mode": "self", "minutes": 8, "tools": ["tennis_ball"]}
QUERY = "mode=self&minutes=8&tools=tennis_ball"
NUMBER = re.compile(r"\d+ out of 10|ask for a number|how strong, out of", re.IGNORECASE)


@dataclass
class Parsed(HTMLParser):
    """A page's visible text, and the items of its pressure legend and its aftercare (by their classes)."""

    text: list[str] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    aftercare: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    _open: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("ul", "section", "p", "li", "script"):
            self._open.append(next((c for c in classes if c.startswith(("pressure-", "aftercare"))), tag))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "section", "p", "li", "script") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        words = " ".join(data.split())
        if not words or "script" in self._open:
            return
        self.text.append(words)
        if "li" in self._open and "pressure-legend" in self._open:
            self.legend.append(words)
        if "li" in self._open and "aftercare" in self._open:
            self.aftercare.append(words)
        if "pressure-target" in self._open:
            self.target.append(words)


def parse(page: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(page)
    return parsed


def pages_under(server: Server, findings: list[str]) -> dict[str, Any]:
    """Screen with ``findings``, then every page of a session under it, as the server sends them."""
    with server.client() as client:
        answered = client.post("/api/screen", json={"findings": findings, "all_others_answered_no": True})
        assert answered.status_code == 200, answered.text
        out: dict[str, Any] = {"verdict": answered.text}
        for name in ("preview", "prepare"):
            page = client.get(f"/{name}?{QUERY}")
            assert page.status_code == 200, page.text
            out[name] = page.text
        started = client.post("/api/sessions", json={"plan": PLAN})
        assert started.status_code == 201, started.text
        session = started.json()
        out["routine"] = session["routine"]
        out["timeline"] = json.dumps(session["timeline"], ensure_ascii=False)
        for name, path in (("player", f"/player/{session['id']}"), ("after", f"/sessions/{session['id']}/after")):
            page = client.get(path)
            assert page.status_code == 200, page.text
            out[name] = page.text
        return out


def pages_on_a_journal_of_their_own(factory: pytest.TempPathFactory, findings: list[str]) -> dict[str, Any]:
    """Each case on its own journal: the screens of one day add up (today's policy), so cases must not share one."""
    server = start_server(factory.mktemp("pressure"))
    try:
        return pages_under(server, findings)
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return pages_on_a_journal_of_their_own(tmp_path_factory, ["fragile_skin"])


@pytest.fixture(scope="module")
def reduced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return pages_on_a_journal_of_their_own(tmp_path_factory, ["reduced_sensation"])


@pytest.fixture(scope="module")
def usual(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return pages_on_a_journal_of_their_own(tmp_path_factory, [])


PAGES = ["verdict", "preview", "prepare", "player", "after", "timeline"]


@pytest.mark.parametrize("word", FORBIDDEN)
@pytest.mark.parametrize("name", PAGES)
def test_under_light_pressure_no_page_and_nothing_spoken_says(
    light: dict[str, Any], reduced: dict[str, Any], name: str, word: str
) -> None:
    for pages in (light, reduced):
        assert word not in html.unescape(pages[name]).lower()


@pytest.mark.parametrize("name", ["preview", "prepare", "player"])
def test_under_light_pressure_the_legend_explains_light_only(light: dict[str, Any], name: str) -> None:
    page = parse(light[name])
    assert page.legend == ["light: comfortable, no pain"]


@pytest.mark.parametrize("name", ["preview", "prepare"])
def test_the_target_is_the_light_one(light: dict[str, Any], name: str) -> None:
    assert "at most about 3 out of 10" in " ".join(parse(light[name]).target)


def test_with_reduced_feeling_no_pressure_check_asks_for_a_number(reduced: dict[str, Any]) -> None:
    checks = [s["cue"] for s in reduced["routine"]["steps"] if s.get("name") == "pain_check"]
    assert checks, "the routine checks the pressure in"
    assert reduced["routine"]["rules"] == ["reduced_sensation"]
    spoken = json.loads(reduced["timeline"])
    for text in [*checks, *re.findall(r'"text": "([^"]*)"', json.dumps(spoken))]:
        assert not NUMBER.search(text), text
    assert any("redness" in line for line in parse(reduced["after"]).aftercare)


def test_without_restrictions_the_usual_target_and_the_three_words(usual: dict[str, Any]) -> None:
    preview = parse(usual["preview"])
    assert preview.legend == [
        "light: comfortable, no pain",
        'medium: a "good hurt" of about 4 to 6 out of 10',
        "firm: up to 7 out of 10, never more",
    ]
    assert "never above 7" in " ".join(preview.target)
    assert "good hurt" in html.unescape(usual["verdict"])
    checks = [s["cue"] for s in usual["routine"]["steps"] if s.get("name") == "pain_check"]
    assert any("4 to 6" in c or "good hurt" in c for c in checks)


@pytest.mark.parametrize("fixture", ["light", "usual"])
def test_the_page_after_a_session_and_the_checklist_give_the_aftercare(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    pages = request.getfixturevalue(fixture)
    for name in ("after", "prepare"):
        lines = " ".join(parse(pages[name]).aftercare)
        assert "48 hours" in lines and "bruise" in lines and "72 hours" in lines, name
