"""``unknot serve --lan`` against a real server (issue 15): a second listener on 127.0.0.2 plays the home network
(any loopback address but 127.0.0.1 is a listener of its own). From there only the pairing link, the phone's routes
and the static files answer; every other route of the app's table is 404 whatever credentials come with it; the
Host and Origin must be the LAN listener's; a launch link is never spent there; the pairing code leads there."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import Server, start_server, stop_server
from tests.web.test_remote import app_routes, offer, partner_session
from unknot.web.security import lan_path

LAN_HOST = "127.0.0.2"
LAN_LINE = re.compile(r"at (http://127\.0\.0\.2:\d+) \(plain HTTP")


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-lan"), args=("--lan-host", LAN_HOST))
    yield running
    stop_server(running)


def lan_base(server: Server) -> str:
    """The LAN listener's address, as ``unknot serve --lan`` printed it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        match = LAN_LINE.search("".join(server.output))
        if match:
            return match.group(1)
        time.sleep(0.05)
    raise AssertionError(f"--lan printed no address:\n{''.join(server.output)}")


def lan_routes() -> list[tuple[str, str]]:
    """Every route of the app's table that the LAN listener must not serve."""
    return [(m, p) for m, p in app_routes() if not lan_path(p)]


def test_lan_prints_its_address_and_says_it_is_plain_http(lan_server: Server) -> None:
    base = lan_base(lan_server)
    assert base.startswith(f"http://{LAN_HOST}:")
    assert "anyone on this network can see that traffic" in "".join(lan_server.output)


def test_the_route_table_has_routes_the_lan_must_not_serve() -> None:
    found = lan_routes()
    assert ("GET", "/") in found and ("GET", "/api/sessions/1/remote/events") in found and len(found) > 40
    assert ("POST", "/remote/taps") not in found and ("GET", "/remote/join/1") not in found


def giver_cookie(server: Server) -> tuple[str, str]:
    """The browser session a launch link gives on loopback: (cookie name, value)."""
    with httpx.Client(timeout=30) as browser:
        answer = browser.get(server.link)
        assert answer.status_code == 303
        name = f"unknot_session_{server.base.rsplit(':', 1)[1]}"
        value = answer.cookies.get(name)
        assert value
        return name, value


@pytest.mark.parametrize(("method", "path"), lan_routes())
def test_the_lan_serves_no_other_route_whatever_comes_with_it(lan_server: Server, method: str, path: str) -> None:
    name, value = giver_cookie(lan_server)
    base = lan_base(lan_server)
    as_giver = {"authorization": f"Bearer {lan_server.key}", "cookie": f"{name}={value}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        for headers in ({}, as_giver):
            answer = client.request(method, path, json={}, headers=headers)
            assert answer.status_code == 404, (method, path, headers.keys(), answer.status_code, answer.text[:200])
    with lan_server.client() as loopback:  # the same key on loopback: the route is there
        assert loopback.get("/api/ping").status_code == 200


def test_the_lan_refuses_a_foreign_host_and_origin_and_loopback_refuses_the_lans(lan_server: Server) -> None:
    base = lan_base(lan_server)
    lan_host = base.removeprefix("http://")
    loopback_host = lan_server.base.removeprefix("http://")
    with httpx.Client(base_url=base, timeout=30) as client:
        for host in ("evil.example", loopback_host, f"localhost:{loopback_host.rsplit(':', 1)[1]}"):
            assert client.get("/remote", headers={"host": host}).status_code == 400, host
        assert client.get("/remote").status_code == 403  # its own Host: on to the pairing check (none here)
    with lan_server.client() as loopback:
        assert loopback.get("/api/ping", headers={"host": lan_host}).status_code == 400


def test_a_launch_link_is_not_spent_from_the_lan(lan_server: Server) -> None:
    link = lan_server.link
    token = link.split("token=", 1)[1]
    with httpx.Client(base_url=lan_base(lan_server), timeout=30) as client:
        for path in (f"/remote?token={token}", f"/?token={token}"):
            assert client.get(path).status_code in (403, 404), path
            assert "set-cookie" not in client.get(path).headers
    with httpx.Client(timeout=30) as browser:  # still good on loopback
        assert browser.get(link).status_code == 303


def test_a_phone_pairs_over_the_lan_and_reaches_only_its_remote(lan_server: Server) -> None:
    session_id = partner_session(lan_server)
    offered = offer(lan_server, session_id)
    base = lan_base(lan_server)
    assert offered["url"].startswith(f"{base}/remote/join/") and offered["short_url"].startswith(base)
    with httpx.Client(base_url=base, timeout=30) as phone:
        joined = phone.get(offered["url"])
        assert joined.status_code == 303 and joined.headers["location"] == "/remote"
        page = phone.get("/remote")
        assert page.status_code == 200 and offered["check_code"] in page.text
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert match is not None
        phone.headers["x-csrf-token"] = match.group(1)
        foreign = phone.post("/remote/taps", json={"kind": "less"}, headers={"origin": lan_server.base})
        assert foreign.status_code == 403  # loopback's own origin is another site to the LAN listener
        assert phone.post("/remote/taps", json={"kind": "less"}, headers={"origin": base}).status_code == 200
        for path in ("/", "/journal", f"/api/sessions/{session_id}", f"/api/sessions/{session_id}/remote"):
            assert phone.get(path).status_code == 404, path
    with lan_server.client() as giver:
        taps = giver.get(f"/api/sessions/{session_id}/remote").json()["taps"]
        assert [t["kind"] for t in taps] == ["less"]
        giver.request("DELETE", f"/api/sessions/{session_id}")


def test_without_lan_the_second_address_is_not_listened_on(server: Server) -> None:
    port = server.base.rsplit(":", 1)[1]
    with httpx.Client(timeout=5) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://{LAN_HOST}:{port}/remote")


@pytest.mark.parametrize(
    ("given", "why"),
    [
        pytest.param("0.0.0.0", "a listener of its own", id="unspecified"),
        pytest.param("127.0.0.1", "a listener of its own", id="loopback-itself"),
        pytest.param("192.168.1", "not an IPv4 address", id="not-an-address"),
        pytest.param("fe80::1", "not an IPv4 address", id="ipv6"),
    ],
)
def test_a_lan_host_that_cannot_be_the_home_networks_listener_is_refused(given: str, why: str) -> None:
    from unknot.errors import ConfigError
    from unknot.web.server import lan_address

    with pytest.raises(ConfigError, match=why):
        lan_address(given)
    assert lan_address("192.168.1.20") == "192.168.1.20"
