"""The phone as the player of a self routine against a real ``unknot serve --lan`` (issue 15): "Play on my phone"
offers a one-time code for that session only, which leads over the LAN listener to ``/remote/player``; the phone's
cookie there opens that session's player, its state and its events (with the pairing's own CSRF token), and
nothing else: not the remote, not another session, not the app. A partner session has no phone player, and a
remote's cookie opens no player; ending the session unpairs the phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.web.conftest import Server
from tests.web.test_lan import lan_base, lan_server
from tests.web.test_remote import offer, partner_session

__all__ = ["lan_server"]  # the fixture, used here


def self_session(server: Server) -> int:
    with server.client() as giver:
        giver.post("/api/screen", json={"all_others_answered_no": True}).raise_for_status()
        made = giver.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5, "tools": ["tennis_ball"]}})
        session_id: int = made.raise_for_status().json()["id"]
        return session_id


def offer_player(server: Server, session_id: int, **body: Any) -> httpx.Response:
    with server.client() as giver:
        return giver.post(f"/api/sessions/{session_id}/phone/pairing", json=body)


@contextmanager
def phone_player(server: Server, link: str) -> Iterator[httpx.Client]:
    """A phone on the LAN that opened a player's pairing link, holding its page's CSRF token."""
    with httpx.Client(base_url=lan_base(server), timeout=30) as client:
        joined = client.get(link)
        assert joined.status_code == 303 and joined.headers["location"] == "/remote/player", joined.text
        page = client.get("/remote/player")
        assert page.status_code == 200, page.text[:300]
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert match is not None
        client.headers["x-csrf-token"] = match.group(1)
        yield client


def test_the_phone_plays_that_session_only_over_the_lan(lan_server: Server) -> None:
    session_id = self_session(lan_server)
    offered = offer_player(lan_server, session_id).raise_for_status().json()
    assert offered["url"].startswith(f"{lan_base(lan_server)}/remote/join/") and offered["qr"].startswith("data:")
    with phone_player(lan_server, offered["url"]) as phone:
        page = phone.get("/remote/player").text
        assert 'data-api="/remote/player/session"' in page and offered["check_code"] in page
        assert 'href="/"' not in page  # no way to the rest of the app
        assert phone.get("/remote/player/session").json()["state"] == "get_ready"
        started = phone.post("/remote/player/session/events", json={"event": "tick", "at": 0})
        assert started.status_code == 200 and started.json()["started"] is True
        paused = phone.post("/remote/player/session/events", json={"event": "pause"})
        assert paused.json()["state"] == "paused"
        refused = phone.post("/remote/player/session/events", json={"event": "resume"}, headers={"x-csrf-token": "x"})
        assert refused.status_code == 403
        for path in ("/remote", "/remote/state", f"/api/sessions/{session_id}", f"/player/{session_id}"):
            assert phone.get(path).status_code in (403, 404), path
        assert phone.post("/remote/taps", json={"kind": "stop"}).status_code == 403  # it is no remote
    with lan_server.client() as giver:
        assert giver.get(f"/api/sessions/{session_id}").json()["state"] == "paused"  # the phone's pause, kept
        assert giver.get(f"/api/sessions/{session_id}/phone").json()["check_codes"] == [offered["check_code"]]
        assert giver.get("/remote/player").status_code == 403  # the key is no phone's


def test_the_link_is_spent_on_first_use_and_the_session_end_unpairs(lan_server: Server) -> None:
    session_id = self_session(lan_server)
    offered = offer_player(lan_server, session_id).raise_for_status().json()
    with phone_player(lan_server, offered["url"]) as phone:
        with httpx.Client(base_url=lan_base(lan_server), timeout=30) as second:
            assert second.get(offered["url"]).status_code == 403
        with lan_server.client() as giver:
            giver.request("DELETE", f"/api/sessions/{session_id}").raise_for_status()
        assert phone.get("/remote/player").status_code == 403
        assert phone.get("/remote/player/session").status_code == 403


def test_a_partner_session_has_no_phone_player_and_a_remote_opens_no_player(lan_server: Server) -> None:
    session_id = partner_session(lan_server)
    refused = offer_player(lan_server, session_id)
    assert refused.status_code == 403 and "receiver's remote" in refused.json()["error"]["message"]
    remote = offer(lan_server, session_id)
    with httpx.Client(base_url=lan_base(lan_server), timeout=30) as phone:
        assert phone.get(remote["url"]).headers["location"] == "/remote"
        assert phone.get("/remote/state").status_code == 200
        assert phone.get("/remote/player").status_code == 403
        assert phone.get("/remote/player/session").status_code == 403
    with lan_server.client() as giver:
        giver.request("DELETE", f"/api/sessions/{session_id}")
