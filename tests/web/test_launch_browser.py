"""The launch link and the session cookie in Debian's Chromium (issue 14, items 1 and 2): another server on
another loopback port, visited by the same browser, receives no key; a second unknot's link does not log the
browser out of the first; a launch link opens once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Server, start_server, stop_server

pytestmark = pytest.mark.browser


class Recorder(BaseHTTPRequestHandler):
    """Another user's server on loopback: it keeps every request's headers."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = b"<!doctype html><title>another server</title><p>another server</p>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_server() -> Iterator[str]:
    Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(20_000)
    yield context
    context.close()


def test_another_loopback_server_receives_no_key(server: Server, other_server: str, context: Any) -> None:
    tab = context.new_page()
    link = server.link
    tab.goto(link)
    assert "token=" not in tab.url and tab.locator("main").count() == 1
    tab.goto(other_server + "/")
    tab.get_by_text("another server").wait_for()
    assert Recorder.seen
    cookies = " ".join(h.get("cookie", "") for h in Recorder.seen)
    token = link.split("?token=")[1]
    assert server.key not in cookies and token not in cookies and "unknot_key" not in cookies
    assert all(server.key not in value for h in Recorder.seen for value in h.values())


def test_a_second_servers_link_does_not_log_the_first_out(server: Server, context: Any, tmp_path: Path) -> None:
    second = start_server(tmp_path)
    try:
        tab = context.new_page()
        tab.goto(server.link)
        tab.goto(second.link)
        assert tab.goto(second.base + "/journal").status == 200
        assert tab.goto(server.base + "/journal").status == 200  # still in
        names = {c["name"] for c in context.cookies()}
        assert names == {f"unknot_session_{s.base.rsplit(':', 1)[1]}" for s in (server, second)}
    finally:
        stop_server(second)


def test_a_launch_link_opens_once(server: Server, browser: Any) -> None:
    link = server.link
    first, second = browser.new_context(), browser.new_context()
    try:
        assert first.new_page().goto(link).status == 200
        again = second.new_page()
        assert again.goto(link).status == 403
        assert "used already" in again.content()
    finally:
        first.close()
        second.close()
