"""Logging pain in the browser: a refused rating comes back filled in (issue 14: nothing a person typed is lost)."""

from __future__ import annotations

import re

from tests.web.conftest import Server


def test_a_refused_rating_keeps_what_was_typed(server: Server) -> None:
    with server.client() as client:
        page = client.get("/log").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token
        typed = {"region": "rhomboid_left", "score": "11", "quality": "tight", "note": "after the long drive"}
        answer = client.post("/log", data={"csrf": token.group(1), **typed})
        assert answer.status_code == 400 and "pain score 11 is out of range" in answer.text
        assert re.search(r'value="rhomboid_left"[^>]*checked', answer.text)
        assert re.search(r'<option value="tight" selected>', answer.text)
        assert "after the long drive</textarea>" in answer.text
        assert client.get("/api/entries").json() == [], "nothing kept"
