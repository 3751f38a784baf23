"""A busy journal answers 503 with Retry-After (issue 14, item 9): the client knows to try again shortly."""

from __future__ import annotations

import asyncio

from starlette.requests import Request

from unknot.errors import JournalBusyError
from unknot.web.app import _unknot_error


def test_a_busy_journal_is_a_503_with_retry_after() -> None:
    request = Request({"type": "http", "method": "POST", "path": "/api/pain", "headers": [], "query_string": b""})
    response = asyncio.run(_unknot_error(request, JournalBusyError("the journal is busy")))
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(JournalBusyError.retry_after)
