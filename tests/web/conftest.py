"""A real ``unknot serve`` on loopback for the web tests (one per test module: each gets its own journal), and
Debian's Chromium driven by Playwright.

The server is the installed console script in a subprocess, as a user runs it; when it dies early, its output is
the failure message. Without Chromium the browser tests skip, except in CI, where they fail.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import in_ci

UNKNOT = Path(sys.executable).with_name("unknot")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LINK = re.compile(r"(http://127\.0\.0\.1:(\d+))/\?token=(\S+)")


@dataclass
class Server:
    """A running ``unknot serve``."""

    base: str
    key: str
    db: str
    process: subprocess.Popen[str]
    home: Path
    output: list[str]

    @property
    def link(self) -> str:
        """A fresh one-time launch link (asked for with the bearer key, as a program may)."""
        with self.client() as client:
            link: str = client.post("/api/launch-link").raise_for_status().json()["link"]
        return link

    def client(self, **kwargs: Any) -> httpx.Client:
        """An HTTP client that holds the key (as a program would: a bearer token, given by UNKNOT_API_KEY)."""
        headers = {"authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30, **kwargs)


def start_server(
    home: Path,
    *,
    scale: float = 1.0,
    extra: dict[str, str] | None = None,
    descriptors: int | None = None,
    browser: Path | None = None,
    args: tuple[str, ...] = (),
) -> Server:
    """Start ``unknot serve`` with its own config and data directories under ``home`` (and ``args`` given to it);
    ``descriptors``: the server's limit of open files (RLIMIT_NOFILE, soft and hard), as a small machine or a
    service manager sets it; ``browser``: the program it opens its link with (``$BROWSER``), else none."""
    db = f"sqlite:///{home / 'journal.db'}"
    key = secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "UNKNOT_"))}
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        LANG="C.UTF-8",
        UNKNOT_TIME_SCALE=str(scale),
        UNKNOT_API_KEY=key,
        **(extra or {}),
    )
    if browser is not None:
        env["BROWSER"] = str(browser)
    # prlimit sets the limit and executes the server in its place (no preexec_fn in a threaded test process).
    limit = [] if descriptors is None else [_need("prlimit"), f"--nofile={descriptors}:{descriptors}"]
    process = subprocess.Popen(
        [*limit, str(UNKNOT), "serve", "--no-browser" if browser is None else "--browser", "--db", db, *args],
        stdin=subprocess.PIPE,  # Enter asks for a fresh launch link
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    seen = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen += line
        match = LINK.search(line)
        if match:
            server = Server(match.group(1), key, db, process, home, [seen])
            threading.Thread(target=_drain, args=(process, server.output), daemon=True).start()
            _wait_until_up(server)
            return server
    process.kill()
    raise AssertionError(f"unknot serve did not start; it printed:\n{seen}{process.stdout.read()}")


def _need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(f"{program} is needed (util-linux)") if in_ci() else pytest.skip(f"{program} is not installed")
    return found


def _drain(process: subprocess.Popen[str], into: list[str]) -> None:
    """Keep reading the server's output (a full pipe would block it), for the failure messages."""
    assert process.stdout is not None
    for line in process.stdout:
        into.append(line)


def _wait_until_up(server: Server) -> None:
    with server.client() as client:
        for _ in range(100):
            try:
                if client.get("/api/ping").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise AssertionError("unknot serve printed its link but does not answer")


def stop_server(server: Server) -> None:
    if server.process.stdin is not None:
        server.process.stdin.close()
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    assert server.process.stdout is not None
    server.process.stdout.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per test module, with a journal of its own."""
    running = start_server(tmp_path_factory.mktemp("serve"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        if in_ci():
            pytest.fail("Chromium is needed in CI (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
