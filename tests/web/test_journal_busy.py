"""A busy journal answers 503 with Retry-After (issue 14, item 9): the client knows to try again shortly."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request

from unknot.errors import JournalBusyError
from unknot.web.app import _unknot_error


def test_a_busy_journal_is_a_503_with_retry_after() -> None:
    request = Request({"type": "http", "method": "POST", "path": "/api/pain", "headers": [], "query_string": b""})
    # A thread of its own: a browser test earlier in the run may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(lambda: asyncio.run(_unknot_error(request, JournalBusyError("busy")))).result()
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(JournalBusyError.retry_after)
