"""A busy journal (issue 14, item 9): another writer holds it past the wait, and no rating a person typed is lost.
The API answers 503 with Retry-After and ``{"error": {"code": "journal_busy"}}``; the web's log form comes back
with what was typed, and the same save works once the other writer lets go.

The app runs under uvicorn on a loopback port in this process, so its journal's wait can be short (``WebConfig
.journal_wait``: 0.5 s, not the 30 s a user's server waits); the other writer is a plain sqlite3 connection
holding SQLite's write lock (``BEGIN IMMEDIATE``), as an import in another process does.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.requests import Request

from unknot.errors import JournalBusyError
from unknot.web.app import WebConfig, _unknot_error, create_app
from unknot.web.security import Keys

TYPED = {"region": "rhomboid_left", "score": "6", "quality": "tight", "note": "after the long drive"}


def test_a_busy_journal_is_a_503_with_retry_after() -> None:
    request = Request({"type": "http", "method": "POST", "path": "/api/pain", "headers": [], "query_string": b""})
    # A thread of its own: a browser test earlier in the run may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(lambda: asyncio.run(_unknot_error(request, JournalBusyError("busy")))).result()
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(JournalBusyError.retry_after)


@dataclass
class Running:
    base: str
    keys: Keys
    db: Path


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """The app under uvicorn on a free loopback port, its journal waiting 0.5 s for another writer."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    keys = Keys("busy-journal-key-0123456789", cookie=f"unknot_session_{port}")
    db = tmp_path / "journal.db"
    config = WebConfig(db=f"sqlite:///{db}", keys=keys, hosts=(f"127.0.0.1:{port}",), journal_wait=0.5)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    yield Running(f"http://127.0.0.1:{port}", keys, db)
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


def _held(db: Path) -> sqlite3.Connection:
    """Another writer: SQLite's write lock taken and kept until the connection commits."""
    holder = sqlite3.connect(db, isolation_level=None, timeout=10)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_the_api_answers_503_with_retry_after_and_keeps_nothing_half(running: Running) -> None:
    headers = {"authorization": f"Bearer {running.keys.key}"}
    with httpx.Client(base_url=running.base, headers=headers, timeout=30) as program:
        program.get("/api/entries").raise_for_status()  # the journal made and migrated before the lock is taken
        holder = _held(running.db)
        try:
            busy = program.post("/api/entries", json={"region": "rhomboid_left", "score": 6})
        finally:
            holder.rollback()
            holder.close()
        assert busy.status_code == 503 and busy.headers["retry-after"] == str(JournalBusyError.retry_after)
        assert busy.json()["error"]["code"] == "journal_busy"
        assert program.get("/api/entries").json() == []
        again = program.post("/api/entries", json={"region": "rhomboid_left", "score": 6})
        assert again.status_code == 201
        assert [e["score"] for e in program.get("/api/entries").json()] == [6]


def test_the_log_form_on_a_busy_journal_keeps_what_was_typed(running: Running) -> None:
    session = running.keys.spend(running.keys.launch_token())
    assert session is not None
    cookies = {running.keys.cookie: session}
    with httpx.Client(base_url=running.base, cookies=cookies, timeout=30) as browser:
        page = browser.get("/log")
        assert page.status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token
        holder = _held(running.db)
        try:
            answer = browser.post("/log", data={"csrf": token.group(1), **TYPED})
        finally:
            holder.rollback()
            holder.close()
        assert answer.status_code == 503 and answer.headers["retry-after"] == str(JournalBusyError.retry_after)
        assert "is busy" in answer.text and "press Save again" in answer.text
        assert re.search(r'value="rhomboid_left"[^>]*checked', answer.text)
        assert re.search(r'value="6"[^>]*checked', answer.text)
        assert re.search(r'<option value="tight" selected>', answer.text)
        assert "after the long drive</textarea>" in answer.text
        saved = browser.post("/log", data={"csrf": token.group(1), **TYPED})  # Save again, the journal free
        assert saved.status_code == 303
    with httpx.Client(base_url=running.base, headers={"authorization": f"Bearer {running.keys.key}"}) as program:
        kept = program.get("/api/entries").json()
    assert [(e["region"], e["score"], e["note"]) for e in kept] == [("rhomboid_left", 6, "after the long drive")]
