"""Security on loopback, against a real server: the Host allow-list, the launch key, cross-site and CSRF refusals,
the Content-Security-Policy on every page, and nothing fetched from elsewhere; a launch link's expiry on the
app's own interface, with its clock injected (no two-minute sleep)."""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import LINK, Server, start_server, stop_server
from unknot.web.app import STATIC, TEMPLATES, WebConfig, create_app
from unknot.web.security import TOKEN_LIFETIME, Keys

PAGES = ["/", "/start", "/screen", "/log", "/journal", "/exports", "/settings"]


def cookie_client(server: Server, **headers: str) -> httpx.Client:
    """A browser that opened the launch link: it holds a session cookie, not the bearer key."""
    with httpx.Client() as opener:
        assert opener.get(server.link).status_code == 303
        cookies = httpx.Cookies(opener.cookies)
    return httpx.Client(base_url=server.base, cookies=cookies, headers=headers, timeout=30)


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/").text
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost:1", "[::1]"])
def test_a_foreign_host_header_is_refused(server: Server, host: str) -> None:
    with server.client(headers={"host": host}) as client:
        response = client.get("/")
    assert response.status_code == 400 and "Bad Host header" in response.text


@pytest.mark.parametrize("path", ["/", "/api/ping", "/static/css/app.css", "/openapi.json", "/journal"])
def test_no_key_no_access(server: Server, path: str) -> None:
    with httpx.Client(base_url=server.base) as anonymous:
        response = anonymous.get(path)
        assert response.status_code == 403 and "open the link" in response.text
        wrong = anonymous.get(path, headers={"authorization": "Bearer not-the-key"})
        assert wrong.status_code == 403
    port = server.base.rsplit(":", 1)[1]
    for name, value in ((f"unknot_session_{port}", "guess"), (f"unknot_session_{port}", server.key)):
        with httpx.Client(base_url=server.base, cookies={name: value}) as guesser:
            assert guesser.get(path).status_code == 403


def test_the_launch_link_sets_the_cookie_and_drops_the_token_from_the_address(server: Server) -> None:
    token = server.link.split("?token=")[1]
    with httpx.Client(base_url=server.base) as browser:
        response = browser.get(f"/journal?token={token}&x=1")
        assert response.status_code == 303 and response.headers["location"] == "/journal?x=1"
        cookie = response.headers["set-cookie"]
        port = server.base.rsplit(":", 1)[1]
        assert cookie.startswith(f"unknot_session_{port}=")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert server.key not in cookie and token not in cookie
        assert browser.get("/journal").status_code == 200  # the cookie now vouches for it
        assert browser.get(f"/journal?token={token}").headers["location"] == "/journal"  # its own reload


def test_a_launch_link_works_once(server: Server) -> None:
    link = server.link
    with httpx.Client() as first, httpx.Client() as second:
        assert first.get(link).status_code == 303
        again = second.get(link)
        assert again.status_code == 403 and "used already" in again.text
        assert second.get(link.replace("?token=", "?token=x")).status_code == 403
        assert second.get(link.split("?")[0] + "?key=" + server.key).status_code == 403  # the key opens no page


@pytest.mark.parametrize("path", ["//evil.example", "/\\evil.example", "//evil.example/x", "/%2F%2Fevil.example"])
def test_the_key_exchange_never_redirects_to_another_host(server: Server, path: str) -> None:
    token = server.link.split("?token=")[1]
    with httpx.Client(base_url=server.base) as browser:
        response = browser.get(f"{server.base}{path}?token={token}")
    location = response.headers["location"]
    assert response.status_code == 303 and location.startswith("/") and not location.startswith(("//", "/\\"))


def test_enter_in_the_terminal_prints_a_fresh_link(server: Server) -> None:
    assert server.process.stdin is not None
    seen = len(server.output)
    server.process.stdin.write("\n")
    server.process.stdin.flush()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("?token=" in line for line in server.output[seen:]):
        time.sleep(0.05)
    fresh = next(line for line in server.output[seen:] if "?token=" in line).split()[-1]
    with httpx.Client() as browser:
        assert browser.get(fresh).status_code == 303


def test_a_cross_site_request_is_refused_even_with_the_cookie_and_token(server: Server) -> None:
    with cookie_client(server) as client:
        token = csrf_of(client)
        for headers in (
            {"origin": "http://evil.example"},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site"},
        ):
            response = client.post("/api/entries", json={"region": "rhomboid_left", "score": 3},
                                   headers={"x-csrf-token": token, **headers})  # fmt: skip
            assert response.status_code == 403 and "another site" in response.text
            form = client.post("/log", data={"csrf": token, "region": "rhomboid_left", "score": "3"}, headers=headers)
            assert form.status_code == 403
        with server.client() as program:
            assert program.get("/api/entries").json() == []  # nothing was written


def test_a_post_without_the_csrf_token_is_refused(server: Server) -> None:
    with cookie_client(server, origin=server.base) as client:
        response = client.post("/api/entries", json={"region": "rhomboid_left", "score": 3})
        assert response.status_code == 403 and "CSRF" in response.text
        wrong = client.post("/api/entries", json={"region": "rhomboid_left", "score": 3}, headers={"x-csrf-token": "x"})
        assert wrong.status_code == 403
        form = client.post("/log", data={"region": "rhomboid_left", "score": "3"})
        assert form.status_code == 403 and "CSRF" in form.text
        token = csrf_of(client)
        ok = client.post("/api/entries", json={"region": "rhomboid_left", "score": 3}, headers={"x-csrf-token": token})
        assert ok.status_code == 201


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_strict_csp_and_the_other_headers(server: Server, path: str) -> None:
    with server.client() as client:
        response = client.get(path, follow_redirects=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY" and response.headers["referrer-policy"] == "same-origin"
    # No inline script, no inline style, no third-party anything.
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", response.text)
    assert " style=" not in response.text and "<style" not in response.text
    assert not re.search(r"""(src|href)=["']https?://""", response.text)


def test_errors_carry_the_csp_too(server: Server) -> None:
    with server.client() as client:
        for response in (client.get("/player/999999"), client.get("/", headers={"host": "evil.example"})):
            assert response.status_code >= 400 and "content-security-policy" in response.headers


def test_the_assets_fetch_nothing_from_elsewhere() -> None:
    files = [p for p in (*STATIC.rglob("*"), *TEMPLATES.rglob("*")) if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        urls = re.findall(r"https?://[^\s\"'<>)]+", text)
        assert all(u.startswith("http://www.w3.org/") for u in urls), (path.name, urls)


def _other_addresses() -> list[str]:
    """This machine's IPv4 addresses that are not loopback (from `ip`, else `hostname -I`)."""
    import subprocess

    for command in (["ip", "-o", "-4", "addr", "show"], ["hostname", "-I"]):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        found = re.findall(r"\b(\d{1,3}(?:\.\d{1,3}){3})\b", out)
        return [a for a in found if not a.startswith("127.") and not a.endswith(".255")]
    return []


def test_it_listens_on_loopback_only(server: Server) -> None:
    import socket

    assert server.base.startswith("http://127.0.0.1:")
    port = int(server.base.rsplit(":", 1)[1])
    socket.create_connection(("127.0.0.1", port), timeout=2).close()  # there, it answers
    others = _other_addresses()
    if not others:
        pytest.skip("this machine has no address but loopback")
    for address in others:  # anywhere else, nobody is listening
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_static_files_are_named_for_what_they_hold() -> None:
    assert (STATIC / "css" / "app.css").exists() and (STATIC / "js" / "player.js").exists()
    assert Path(STATIC / "icon.svg").read_text().startswith("<svg")


class _Clock:
    """A clock the test moves: seconds, as ``time.monotonic`` counts them."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _open_link(keys: Keys, token: str) -> httpx.Response:
    """Open a launch link on the app (its ASGI interface; the key exchange answers before any handler runs)."""
    app = create_app(WebConfig(keys=keys, hosts=("127.0.0.1:8000",)))

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as browser:
            return await browser.get(f"/journal?token={token}")

    # A thread of its own: a browser test earlier in the run may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, get()).result()


@pytest.mark.parametrize(
    ("after", "opens"),
    [(0.0, True), (TOKEN_LIFETIME - 1, True), (TOKEN_LIFETIME, False), (TOKEN_LIFETIME + 3600, False)],
    ids=["at-once", "a-second-before", "at-two-minutes", "an-hour-later"],
)
def test_a_launch_link_expires_after_about_two_minutes(after: float, opens: bool) -> None:
    """Issue 14, item 2: an unspent launch token is good for about 2 minutes, on the server's clock (injected)."""
    assert 90 <= TOKEN_LIFETIME <= 180
    clock = _Clock()
    keys = Keys("launch-expiry-key-0123456789", clock=clock)
    token = keys.launch_token()
    clock.now += after
    response = _open_link(keys, token)
    if opens:
        assert response.status_code == 303 and response.headers["location"] == "/journal"
        assert response.headers["set-cookie"].startswith("unknot_session=")
    else:
        assert response.status_code == 403 and "over 2 minutes old" in response.text
        assert "set-cookie" not in response.headers
        assert _open_link(keys, keys.launch_token()).status_code == 303  # a fresh link works


def test_the_browser_is_opened_with_a_one_time_link_not_the_key(tmp_path: Path) -> None:
    """Issue 14, item 2: the browser's command line (``ps``, its history) held the key. Now it holds a launch link
    of its own, which opens once, and the key is nowhere in it."""
    said = tmp_path / "browser-argv"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {said}.part && mv {said}.part {said}\n')
    browser.chmod(0o755)
    server = start_server(tmp_path / "home", browser=browser)
    try:
        deadline = time.monotonic() + 30
        while not said.exists():
            assert time.monotonic() < deadline, "unknot serve did not open the browser"
            time.sleep(0.05)
        argv = said.read_text().split()
        printed = LINK.search(server.output[0])
        assert printed is not None
        assert len(argv) == 1 and argv[0].startswith(f"{server.base}/?token=")
        assert server.key not in argv[0] and argv[0] != printed.group(0)  # its own token, not the printed one
        with httpx.Client() as first, httpx.Client() as second:
            assert first.get(argv[0]).status_code == 303
            assert second.get(argv[0]).status_code == 403
    finally:
        stop_server(server)
