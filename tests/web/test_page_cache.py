"""The pages are drawn once per change of the journal (``web/cache.py``), never shown stale: a write by another
process (``unknot log``, ``unknot forget``) right after a page was drawn is on the next page, in the same minute."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import RunUnknot
from tests.web.conftest import Server, start_server, stop_server


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Server]:
    """A server with a journal of its own, screened for today."""
    running = start_server(tmp_path)
    with running.client() as client:
        assert client.post("/api/screen", json={"all_others_answered_no": True}).status_code == 200
    yield running
    stop_server(running)


class Cells(HTMLParser):
    """The text of every table cell of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def cells(page: str) -> list[str]:
    parsed = Cells()
    parsed.feed(page)
    return [" ".join(c.split()) for c in parsed.cells]


def test_a_write_by_another_process_shows_on_the_next_page(fresh: Server, unknot_process: RunUnknot) -> None:
    with fresh.client() as client:
        first = client.get("/journal")
        assert first.status_code == 200
        assert not any("from the terminal" in c for c in cells(first.text))
        insights = client.get("/api/insights").json()
        today = client.get("/api/today").json()
        assert insights["trends"] == [] and today["advice"] == []
        assert client.get("/api/entries").json() == []

        logged = unknot_process("log", "rhomboid_left", "6", "-q", "sharp", "-n", "from the terminal", "--db", fresh.db)
        assert logged.code == 0, logged.err

        assert "from the terminal" in cells(client.get("/journal").text)[3]
        trends = client.get("/api/insights").json()["trends"]
        assert [(t["region"], t["entries"]) for t in trends] == [("rhomboid_left", 1)]
        assert any("rhomboid" in a.lower() for a in client.get("/api/today").json()["advice"])
        entries = client.get("/api/entries").json()
        assert [(e["region"], e["score"], e["note"]) for e in entries] == [("rhomboid_left", 6, "from the terminal")]

        forgot = unknot_process("forget", "--all", "--yes", "--db", fresh.db)
        assert forgot.code == 0, forgot.err
        assert cells(client.get("/journal").text) == []
        assert client.get("/api/insights").json()["trends"] == []
        assert client.get("/api/entries").json() == []
        assert client.get("/api/today").json()["screened"] is False


def test_a_page_drawn_twice_without_a_write_is_the_same(fresh: Server) -> None:
    with fresh.client() as client:
        client.post("/api/entries", json={"region": "rhomboid_left", "score": 4}).raise_for_status()
        query = "/preview?mode=self&minutes=10&tools=tennis_ball"
        for path in ("/", "/journal", query, "/api/insights", "/api/entries"):
            assert client.get(path).text == client.get(path).text, path
        client.post("/api/entries", json={"region": "rhomboid_right", "score": 5}).raise_for_status()
        assert "rhomboid_right" in {t["region"] for t in client.get("/api/insights").json()["trends"]}
        assert {e["region"] for e in client.get("/api/entries?days=1").json()} == {"rhomboid_left", "rhomboid_right"}
