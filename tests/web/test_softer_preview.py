"""Softer next time on the web (issue 15), against a real ``unknot serve``: a partner session in which "less" is
asked twice on a technique pressed above light; the next plan and the preview page start that technique a level
lighter and say so."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.web.conftest import Server

LEVELS = ["light", "medium", "firm"]


class Notes(HTMLParser):
    """The text of each item of the page's ``<ul class="notes">``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.notes: list[str] = []
        self._in_notes = False
        self._item: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul" and "notes" in (dict(attrs).get("class") or "").split():
            self._in_notes = True
        elif tag == "li" and self._in_notes:
            self._item = []

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._item is not None:
            self.notes.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag == "ul":
            self._in_notes = False


def test_repeated_less_lowers_the_starting_pressure_next_time_and_the_preview_says_so(server: Server) -> None:
    with server.client() as giver:
        giver.post("/api/screen?subject=receiver", json={"all_others_answered_no": True}).raise_for_status()
        made = giver.post("/api/sessions", json={"plan": {"mode": "partner", "minutes": 10}}).raise_for_status()
        session_id, steps = made.json()["id"], made.json()["routine"]["steps"]
        target = next(i for i, s in enumerate(steps) if s.get("technique") and s.get("pressure") in ("medium", "firm"))
        technique, pressure = steps[target]["technique"], steps[target]["pressure"]
        events = f"/api/sessions/{session_id}/events"
        view = giver.post(events, json={"event": "tick", "at": 0}).json()
        while view["index"] < target:
            view = giver.post(events, json={"event": "next"}).json()
        for _ in range(2):
            giver.post(events, json={"event": "less"}).raise_for_status()
        giver.post(f"/api/sessions/{session_id}/finish", json={"pain_after": {}}).raise_for_status()

        planned = giver.post("/api/plan", json={"mode": "partner", "minutes": 10}).raise_for_status().json()
        lighter = LEVELS[LEVELS.index(pressure) - 1]
        assert {s["pressure"] for s in planned["steps"] if s.get("technique") == technique} <= {lighter, "light"}
        note = next(n for n in planned["notes"] if "starts lighter this time" in n)
        assert f"({lighter}, not {pressure})" in note and '"less" was asked 2 times' in note

        page = giver.get("/preview?mode=partner&minutes=10")
        assert page.status_code == 200, page.text[:300]
        notes = Notes(page.text).notes
        assert any("starts lighter this time" in n and f"({lighter}, not {pressure})" in n for n in notes), notes
