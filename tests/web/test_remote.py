"""The receiver's remote against a real ``unknot serve`` (issue 15): pairing refused without a link, with a spent one
or for a second device; the phone's cookie refused on every other route of the app; taps kept in the journal,
halting the step; the giver's event stream numbered and replayed after a reconnect. The expired link is tested
in-process (the app on its own journal, its pairing clock moved on), since a real server's 2 minutes are real."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.web.conftest import Server
from unknot.journal import opened_journal
from unknot.web.security import remote_path


def partner_session(server: Server) -> int:
    with server.client() as client:
        client.post("/api/screen?subject=receiver", json={"all_others_answered_no": True}).raise_for_status()
        made = client.post("/api/sessions", json={"plan": {"mode": "partner", "minutes": 10}})
        made.raise_for_status()
        session_id: int = made.json()["id"]
        return session_id


def offer(server: Server, session_id: int, **body: Any) -> dict[str, Any]:
    with server.client() as client:
        answer = client.post(f"/api/sessions/{session_id}/remote/pairing", json=body)
        answer.raise_for_status()
        offered: dict[str, Any] = answer.json()
        return offered


@contextmanager
def phone(server: Server, link: str) -> Iterator[httpx.Client]:
    """A phone that opened a pairing link: its cookie, and the CSRF token of its page."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        joined = client.get(link)
        assert joined.status_code == 303 and joined.headers["location"] == "/remote", joined.text
        page = client.get("/remote")
        assert page.status_code == 200
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert match is not None
        client.headers["x-csrf-token"] = match.group(1)
        yield client


@pytest.fixture
def paired(server: Server) -> Iterator[tuple[int, httpx.Client, dict[str, Any]]]:
    session_id = partner_session(server)
    offered = offer(server, session_id)
    with phone(server, offered["url"]) as client:
        yield session_id, client, offered
    with server.client() as giver:
        giver.request("DELETE", f"/api/sessions/{session_id}")


def test_pairing_gives_a_cookie_for_that_session_and_the_same_check_code(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, client, offered = paired
    port = server.base.rsplit(":", 1)[1]
    cookie = client.cookies.get(f"unknot_remote_{port}")
    assert cookie and offered["url"].rsplit("/", 1)[1] not in cookie
    page = client.get("/remote").text
    assert offered["check_code"] in page and re.fullmatch(r"\d{4}", offered["check_code"])
    assert client.get("/remote/state").json()["check_code"] == offered["check_code"]
    with server.client() as giver:
        assert giver.get(f"/api/sessions/{session_id}/remote").json()["check_codes"] == [offered["check_code"]]
    assert offered["qr"].startswith("data:image/svg+xml")


def test_no_link_a_bad_link_and_no_cookie_are_refused(server: Server) -> None:
    with httpx.Client(base_url=server.base) as stranger:
        for path in ("/remote", "/remote/state", "/remote/join/nothing", "/remote/join/", "/remote/join"):
            assert stranger.get(path).status_code == 403, path
        assert stranger.post("/remote/taps", json={"kind": "stop"}).status_code == 403
        stranger.cookies.set(f"unknot_remote_{server.base.rsplit(':', 1)[1]}", "forged")
        assert stranger.get("/remote/state").status_code == 403


def test_a_foreign_host_and_the_givers_own_credentials_open_nothing_of_the_remote(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, client, _offered = paired
    rebinding = {"host": "evil.example"}
    assert client.get("/remote/state", headers=rebinding).status_code == 400
    fresh = offer(server, session_id, allow_another=True)
    with httpx.Client(base_url=server.base) as stranger:
        assert stranger.get(fresh["url"], headers=rebinding).status_code == 400
    with server.client() as giver:  # the key is the giver's, not a phone's
        assert giver.get("/remote/state").status_code == 403
        assert giver.post("/remote/taps", json={"kind": "stop"}).status_code == 403


def test_a_spent_link_and_its_short_code_are_refused(server: Server) -> None:
    session_id = partner_session(server)
    offered = offer(server, session_id)
    with phone(server, offered["url"]), httpx.Client(base_url=server.base) as second:
        assert second.get(offered["url"]).status_code == 403
        assert "used already" in second.get(offered["short_url"]).text
    with server.client() as giver:
        giver.request("DELETE", f"/api/sessions/{session_id}")


def test_the_short_code_pairs_as_the_qr_does(server: Server) -> None:
    session_id = partner_session(server)
    offered = offer(server, session_id)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", offered["short_code"])
    with phone(server, f"/remote/join/{offered['short_code'].lower()}") as client:
        assert client.get("/remote/state").status_code == 200
    with server.client() as giver:
        giver.request("DELETE", f"/api/sessions/{session_id}")


def test_a_second_device_is_refused_unless_the_giver_allows_it(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, _client, _offered = paired
    with server.client() as giver:
        refused = giver.post(f"/api/sessions/{session_id}/remote/pairing", json={})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "pairing_refused"
    allowed = offer(server, session_id, allow_another=True)
    with phone(server, allowed["url"]) as second:
        assert second.get("/remote/state").status_code == 200


def test_a_self_session_has_no_remote(server: Server) -> None:
    with server.client() as giver:
        giver.post("/api/screen", json={"all_others_answered_no": True}).raise_for_status()
        made = giver.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5, "tools": ["tennis_ball"]}})
        refused = giver.post(f"/api/sessions/{made.json()['id']}/remote/pairing", json={})
        assert refused.status_code == 403 and "partner" in refused.json()["error"]["message"]


def app_routes() -> list[tuple[str, str]]:
    """Every route of the app as its route table holds it: (method, path with a 1 for each parameter). FastAPI
    keeps an included router as one entry of ``app.routes`` (its routes are hidden behind it), so each is opened
    to its own router's routes."""
    from unknot.web.app import WebConfig, create_app

    def walk(routes: list[Any]) -> Iterator[tuple[str, str]]:
        for route in routes:
            if isinstance(route, Mount):
                yield "GET", f"{route.path}/css/app.css"  # the static files: the phone may have them
            elif isinstance(route, APIRoute | Route):
                for method in sorted(route.methods or ()):
                    yield method, re.sub(r"\{[^}]+\}", "1", route.path)
            else:
                included = getattr(route, "original_router", None)
                assert included is not None, f"a route of a kind the test does not know: {route!r}"
                yield from walk(included.routes)

    return sorted(set(walk(create_app(WebConfig()).routes)))


def routes() -> list[tuple[str, str]]:
    """The app's routes but the phone's own (``/remote``) and the static files."""
    return [(m, p) for m, p in app_routes() if not remote_path(p) and not p.startswith("/static/")]


def test_the_route_table_holds_every_page_and_api_route() -> None:
    found = app_routes()
    for expected in [("GET", "/"), ("GET", "/journal"), ("POST", "/api/sessions/1/events"), ("GET", "/remote")]:
        assert expected in found
    assert ("GET", "/api/sessions/1/remote/events") in routes() and ("POST", "/remote/taps") not in routes()
    assert len(routes()) > 40


@pytest.mark.parametrize(("method", "path"), routes())
def test_the_phones_cookie_opens_no_other_route(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]], method: str, path: str
) -> None:
    session_id, client, _offered = paired
    path = path.replace("/sessions/1", f"/sessions/{session_id}")
    answer = client.request(method, path, json={})
    assert answer.status_code == 403, (method, path, answer.status_code, answer.text[:200])
    assert client.get("/remote/state").status_code == 200  # still paired: only that route refused it


def test_the_phone_reaches_the_static_files_and_nothing_under_another_name(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    _session_id, client, _offered = paired
    assert client.get("/static/js/remote.js").status_code == 200
    for path in ("/openapi.json", "/docs", "/nothing", "/remote/../journal", "/api/ping"):
        assert client.get(path).status_code == 403, path


def test_a_tap_needs_the_phones_own_csrf_token_and_a_known_button(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    _session_id, client, _offered = paired
    assert client.post("/remote/taps", json={"kind": "less"}, headers={"x-csrf-token": "wrong"}).status_code == 403
    foreign = client.post("/remote/taps", json={"kind": "less"}, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    unknown = client.post("/remote/taps", json={"kind": "harder"})
    assert unknown.status_code == 400 and "more, less, good, stop, hurts" in unknown.text


def test_taps_are_kept_in_the_journal_and_a_stop_halts_the_step(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, client, _offered = paired
    with server.client() as giver:  # the giver presses Start; the routine plays
        giver.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 0}).raise_for_status()
        assert client.post("/remote/taps", json={"kind": "less"}).json() == {
            "seq": 1,
            "kind": "less",
            "delivered": True,
        }
        assert giver.get(f"/api/sessions/{session_id}").json()["state"] == "get_ready"  # less does not halt
        assert client.post("/remote/taps", json={"kind": "stop"}).json()["seq"] == 2
        assert giver.get(f"/api/sessions/{session_id}").json()["state"] == "paused"  # the step halted
        assert client.get("/remote/state").json()["state"] == "paused"
        remote = giver.get(f"/api/sessions/{session_id}/remote").json()
        assert [a["seq"] for a in remote["alarms"]] == [2]
        assert giver.post(f"/api/sessions/{session_id}/remote/alarms/1/acknowledge").status_code == 400  # no alarm
        acknowledged = giver.post(f"/api/sessions/{session_id}/remote/alarms/2/acknowledge")
        assert acknowledged.json()["acknowledged"] is True
        assert giver.get(f"/api/sessions/{session_id}/remote").json()["alarms"] == []
    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None
        assert [(t.seq, t.kind, t.step) for t in record.taps] == [(1, "less", 0), (2, "stop", 0)]
        assert record.taps[0].acknowledged_at is None and record.taps[1].acknowledged_at is not None


def test_a_tap_before_start_is_kept_but_moves_nothing(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, client, _offered = paired
    client.post("/remote/taps", json={"kind": "hurts"}).raise_for_status()
    with server.client() as giver:
        view = giver.get(f"/api/sessions/{session_id}").json()
        assert (view["started"], view["state"]) == (False, "get_ready")
        assert [a["kind"] for a in giver.get(f"/api/sessions/{session_id}/remote").json()["alarms"]] == ["hurts"]


def events(response: httpx.Response, count: int) -> list[dict[str, str]]:
    """The first ``count`` events of a stream with an id (its taps), read as they come."""
    out: list[dict[str, str]] = []
    event: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "id" in event:
                out.append(event)
                if len(out) == count:
                    return out
            event = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(": ")
        event[name] = value
    return out


def test_the_giver_hears_taps_numbered_and_missed_ones_are_replayed(
    server: Server, paired: tuple[int, httpx.Client, dict[str, Any]]
) -> None:
    session_id, client, _offered = paired
    stream = f"/api/sessions/{session_id}/remote/events"
    with server.client() as giver:
        client.post("/remote/taps", json={"kind": "more"}).raise_for_status()
        with giver.stream("GET", stream) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            first = events(response, 1)
        assert [(e["id"], e["event"]) for e in first] == [("1", "tap")]
        # The connection dropped (closed above); taps go on meanwhile.
        client.post("/remote/taps", json={"kind": "less"}).raise_for_status()
        client.post("/remote/taps", json={"kind": "good"}).raise_for_status()
        with giver.stream("GET", stream, headers={"last-event-id": "1"}) as response:
            missed = events(response, 2)
        assert [(e["id"], json.loads(e["data"])["kind"]) for e in missed] == [("2", "less"), ("3", "good")]
        assert json.loads(missed[0]["data"])["spoken"] == "A little less pressure, please."
        assert giver.post(f"/api/sessions/{session_id}/remote/seen", json={"seq": 3}).json() == {"seen": 3}
    assert client.get("/remote/state").json()["seen"] == 3


def test_the_giver_hears_when_the_phone_goes_silent(server: Server) -> None:
    """The phone asks every second; one silent for 5 seconds is "disconnected" on the giver's stream (a real wait of
    5 seconds, for the server's own clock: no race)."""
    session_id = partner_session(server)
    with phone(server, offer(server, session_id)["url"]), server.client() as giver:
        stream = f"/api/sessions/{session_id}/remote/events"
        with giver.stream("GET", stream) as response:
            seen: list[tuple[str, str]] = []
            event: dict[str, str] = {}
            for line in response.iter_lines():
                if line.startswith(("event", "data")):
                    name, _, value = line.partition(": ")
                    event[name] = value
                elif not line and event:
                    seen.append((event.get("event", ""), event.get("data", "")))
                    event = {}
                    if seen[-1][0] == "link" and json.loads(seen[-1][1]) == {"connected": False}:
                        break
        links = [json.loads(data)["connected"] for name, data in seen if name == "link"]
        assert links == [True, False]
        assert giver.get(f"/api/sessions/{session_id}/remote").json()["connected"] is False
        giver.request("DELETE", f"/api/sessions/{session_id}")


def test_after_the_routine_the_receiver_rates_their_pain_on_the_phone_once(server: Server) -> None:
    session_id = partner_session(server)
    with server.client() as giver:
        with phone(server, offer(server, session_id)["url"]) as client:
            giver.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 0}).raise_for_status()
            assert client.get("/remote/state").json()["over"] is False
            assert client.post("/remote/pain", json={"pain_after": {"rhomboid_left": 2}}).status_code == 403
            ended = giver.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 5000})
            assert ended.json()["state"] == "finished"  # the whole routine played
            state = client.get("/remote/state").json()
            assert state["over"] is True and state["rate"]
            area = state["rate"][0]["region"]
            assert client.post("/remote/taps", json={"kind": "stop"}).status_code == 403  # no more taps
            wrong = client.post("/remote/pain", json={"pain_after": {"lower_back": 2}})
            assert wrong.status_code == 400
            saved = client.post("/remote/pain", json={"pain_after": {area: 3}})
            assert saved.json() == {"saved": True, "pain_after": {area: 3}}
            assert client.get("/remote/state").status_code == 403  # rated: unpaired
            assert client.post("/remote/pain", json={"pain_after": {area: 5}}).status_code == 403
        # The giver's after page comes second: the receiver's own rating stays.
        giver.post(f"/api/sessions/{session_id}/finish", json={"pain_after": {area: 7}}).raise_for_status()
    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None and record.pain_after == {area: 3}


def test_ending_the_session_unpairs_the_phone(server: Server) -> None:
    session_id = partner_session(server)
    with phone(server, offer(server, session_id)["url"]) as client:
        assert client.get("/remote/state").status_code == 200
        with server.client() as giver:
            giver.post(f"/api/sessions/{session_id}/finish", json={}).raise_for_status()
        assert client.get("/remote/state").status_code == 403
        assert client.post("/remote/taps", json={"kind": "stop"}).status_code == 403
        with server.client() as giver:
            assert giver.post(f"/api/sessions/{session_id}/remote/pairing", json={}).status_code == 403


def test_an_expired_link_is_refused(tmp_path: Path) -> None:
    """In-process: the app on a journal of its own (its lifespan run), its pairing clock (injected) moved past the
    2 minutes."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from unknot.web.app import WebConfig, create_app
    from unknot.web.security import Keys

    keys = Keys("k" * 32)
    db = f"sqlite:///{tmp_path / 'journal.db'}"
    app = create_app(WebConfig(db=db, keys=keys, hosts=("testserver",)))
    moments = [1000.0]
    app.state.remotes.clock = lambda: moments[0]

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        bearer = {"authorization": f"Bearer {keys.key}"}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=bearer) as giver,
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as late,
        ):
            screened = await giver.post("/api/screen?subject=receiver", json={"all_others_answered_no": True})
            screened.raise_for_status()
            made = await giver.post("/api/sessions", json={"plan": {"mode": "partner", "minutes": 10}})
            offered = await giver.post(f"/api/sessions/{made.json()['id']}/remote/pairing", json={})
            moments[0] += 120
            return await late.get(offered.json()["url"])

    # A thread of its own: Playwright's sync API may hold this thread's event loop (a browser test ran before).
    with ThreadPoolExecutor(1) as pool:
        refused = pool.submit(asyncio.run, run()).result()
    assert refused.status_code == 403 and "over 2 minutes old" in refused.text


def test_the_split_view_taps_from_the_givers_own_screen_as_a_phone_would(server: Server) -> None:
    session_id = partner_session(server)
    with server.client() as giver:
        giver.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 0}).raise_for_status()
        taps = f"/api/sessions/{session_id}/remote/taps"
        assert giver.post(taps, json={"kind": "less"}).json() == {"seq": 1, "kind": "less", "delivered": True}
        assert giver.post(taps, json={"kind": "stop"}).json()["seq"] == 2
        assert giver.get(f"/api/sessions/{session_id}").json()["state"] == "paused"  # the step halted
        assert [a["seq"] for a in giver.get(f"/api/sessions/{session_id}/remote").json()["alarms"]] == [2]
        assert giver.post(taps, json={"kind": "harder"}).status_code == 400
        giver.post("/api/screen", json={"all_others_answered_no": True}).raise_for_status()
        alone = giver.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5, "tools": ["tennis_ball"]}})
        refused = giver.post(f"/api/sessions/{alone.json()['id']}/remote/taps", json={"kind": "stop"})
        assert refused.status_code == 403 and "partner" in refused.json()["error"]["message"]
    with httpx.Client(base_url=server.base) as stranger:  # no key, no cookie: nothing
        assert stranger.post(taps, json={"kind": "stop"}).status_code == 403
    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None and [(t.seq, t.kind) for t in record.taps] == [(1, "less"), (2, "stop")]
    with server.client() as giver:
        giver.request("DELETE", f"/api/sessions/{session_id}")
