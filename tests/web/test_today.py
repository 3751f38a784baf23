"""Today's policy through the web API, on a fresh journal with a bearer key and no browser (issue 12's acceptance):
a blocking screen stands for the day, a resume obeys it, the journal's ratings and entries change the routine and
the advice, and ids no database holds are 404."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Server, start_server, stop_server

ALL_NO = {"all_others_answered_no": True}


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Server]:
    """A server with a journal of its own for each test: the day's policy depends on everything kept."""
    running = start_server(tmp_path)
    yield running
    stop_server(running)


def technique_regions(routine: dict[str, object]) -> set[str]:
    steps = routine["steps"]
    assert isinstance(steps, list)
    return {r for s in steps if s["kind"] == "technique" for r in [s["region"], *s.get("regions", [])]}


def start_a_session(client: httpx.Client) -> int:
    started = client.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5}, "pain_before": {}})
    assert started.status_code == 201, started.text
    session_id = int(started.json()["id"])
    assert client.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 0}).status_code == 200
    assert client.post(f"/api/sessions/{session_id}/events", json={"event": "pause", "at": 20}).status_code == 200
    return session_id


def test_after_a_fever_screen_no_resume_and_no_routine_all_day(fresh: Server) -> None:
    with fresh.client() as client:
        assert client.post("/api/screen", json=ALL_NO).json()["may_massage"] is True
        session_id = start_a_session(client)
        fever = client.post("/api/screen", json={**ALL_NO, "findings": ["fever"]}).json()
        assert fever["verdict"] == "stop_today" and fever["today"]["may_massage"] is False
        resumed = client.post(f"/api/sessions/{session_id}/events", json={"event": "resume", "at": 20})
        assert resumed.status_code == 409, resumed.text
        assert resumed.json()["error"]["code"] == "resume_refused"
        assert "stands until tomorrow" in resumed.json()["error"]["message"]
        later = client.post("/api/screen", json=ALL_NO).json()  # answered no five times, the same day
        assert later["verdict"] == "ok", "this screen's own answers"
        assert later["today"]["verdict"] == "stop_today" and later["today"]["may_massage"] is False
        assert client.get("/api/today").json()["verdict"] == "stop_today"
        refused = client.post("/api/plan", json={"mode": "self", "minutes": 10})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "screen_forbids"
        before = client.get("/api/sessions/" + str(session_id)).json()
        new = client.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5}, "pain_before": {}})
        assert new.status_code == 409, "no new session starts either"
        assert client.get("/api/sessions/" + str(session_id + 1)).status_code == 404
        assert before["state"] == "paused"


def test_a_screen_answered_by_mistake_can_be_withdrawn(fresh: Server) -> None:
    with fresh.client() as client:
        wrong = client.post("/api/screen", json={**ALL_NO, "findings": ["fever"]}).json()
        screen_id = wrong["today"]["withdrawable"]
        assert isinstance(screen_id, int)
        today = client.post(f"/api/screens/{screen_id}/withdraw")
        assert today.status_code == 200 and today.json()["screened"] is False
        again = client.post(f"/api/screens/{screen_id}/withdraw")
        assert again.status_code == 409 and again.json()["error"]["code"] == "withdraw_too_late"
        assert client.post("/api/screen", json=ALL_NO).json()["today"]["may_massage"] is True


def test_an_area_rated_9_today_is_left_out_of_the_routine_and_the_answer_says_why(fresh: Server) -> None:
    request = {"mode": "partner", "minutes": 20}
    with fresh.client() as client:
        client.post("/api/screen", params={"subject": "receiver"}, json=ALL_NO)  # a partner massage's screen
        assert "upper_trapezius_left" in technique_regions(client.post("/api/plan", json=request).json())
        assert client.post("/api/entries", json={"region": "upper_trapezius_left", "score": 9}).status_code == 201
        routine = client.post("/api/plan", json=request).json()
        assert "upper_trapezius_left" not in technique_regions(routine)
        assert "upper_trapezius_left" in routine["avoid"]
        assert any("9 out of 10" in note and "Upper trapezius, left" in note for note in routine["notes"])
        today = client.get("/api/today").json()
        assert [a["rule"] for a in today["ask_again"]] == ["severe_undiagnosed"]


def test_a_tingling_entry_brings_advice_in_the_insights(fresh: Server) -> None:
    with fresh.client() as client:
        entry = {"region": "rhomboid_left", "score": 4, "quality": "tingling"}
        assert client.post("/api/entries", json=entry).status_code == 201
        advice = [a["message"] for a in client.get("/api/insights").json()["advice"]]
        assert advice and "tingling" in advice[0] and "Rhomboid" in advice[0].title()


@pytest.mark.parametrize("session_id", ["99999999999999999999999", "9223372036854775808", "0", "-1"])
def test_a_session_id_no_database_holds_is_404(server: Server, session_id: str) -> None:
    with server.client() as client:
        assert client.get(f"/api/sessions/{session_id}").status_code == 404
        assert client.post(f"/api/screens/{session_id}/withdraw").status_code == 409


def test_a_partner_routine_needs_the_receivers_screen(fresh: Server) -> None:
    """The giver's own screen never starts a partner session (screening-rules.md, version 2, item 6)."""
    with fresh.client() as client:
        client.post("/api/screen", json=ALL_NO)  # the giver's answers about themselves
        refused = client.post("/api/plan", json={"mode": "partner", "minutes": 10})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "screen_required"
        assert "receiving the massage" in refused.json()["error"]["message"]
        assert client.post("/api/plan", json={"mode": "self", "minutes": 10}).status_code == 200
        client.post("/api/screen", params={"subject": "receiver"}, json={**ALL_NO, "findings": ["anticoagulants"]})
        partner = client.post("/api/plan", json={"mode": "partner", "minutes": 10}).json()
        assert "light_pressure" in partner["restrictions"], "the receiver's answers govern the partner routine"
        assert client.post("/api/plan", json={"mode": "self", "minutes": 10}).json()["restrictions"] == []
