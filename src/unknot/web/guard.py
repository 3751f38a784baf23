"""A guard against slow and flooding clients (issue 14, item 8): uvicorn's h11 protocol with a bound on open
connections and on the time a request's headers may take.

Slowloris needs no key: 1,100 half-open connections at a 1,024 descriptor limit stopped the server accepting,
and asyncio wrote a traceback for every refused accept (81,880 of them in 12 s). Here, past ``MAX_CONNECTIONS``
open at once, the oldest connection still waiting for its first request head is closed (a keep-alive one that was
answered goes only after every such one); one that has not sent a whole request head within ``HEADER_SECONDS`` (of
opening, or of its last answer) is closed; and a flood is logged once a minute with a count, not per connection.
The bound sits far below any descriptor limit, so accept() never fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_SECONDS", "MAX_CONNECTIONS", "GuardedH11Protocol"]

MAX_CONNECTIONS = 200  # one person's browser opens a handful; the descriptor limit is 1,024 or more
HEADER_SECONDS = 10.0
LOG_EVERY = 60.0

logger = logging.getLogger("unknot.web")


class _Flood:
    """Counts refused connections and says so at most once every ``LOG_EVERY`` seconds."""

    def __init__(self) -> None:
        self.refused = 0
        self.said_at: float | None = None

    def refuse(self, why: str) -> None:
        self.refused += 1
        now = time.monotonic()
        if self.said_at is None or now - self.said_at >= LOG_EVERY:
            logger.warning(
                "closed %d connection(s) (%s): a flood of slow or idle connections? Said once a minute at most.",
                self.refused,
                why,
            )
            self.said_at, self.refused = now, 0


FLOOD = _Flood()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, bounded in open connections and in the time a request head may take."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._opened = 0.0
        self._answered = 0  # requests answered on this connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = time.monotonic()
        self._arm()
        if len(self.connections) > MAX_CONNECTIONS:
            # A connection waiting for its request head goes: first the oldest that never sent a whole request (a
            # flood's), and only then an idle keep-alive one that did (the user's browser, between two requests);
            # never the newest, which may be the browser too. With none waiting, the new one is refused.
            waiting = [c for c in self.connections if isinstance(c, GuardedH11Protocol) and c._waiting()]
            victim = min(waiting, key=lambda c: (c._answered > 0, c._opened), default=self)
            FLOOD.refuse(f"more than {MAX_CONNECTIONS} open at once")
            victim.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._answered += 1
        super().on_response_complete()
        self._arm()  # the next request's head has its own time

    def _arm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(HEADER_SECONDS, self._too_slow)

    def _too_slow(self) -> None:
        """No whole request head since the deadline was set, and no request under way: close it."""
        self._head_deadline = None
        if self._waiting():
            FLOOD.refuse(f"no request within {HEADER_SECONDS:g} s")
            self.transport.abort()

    def _waiting(self) -> bool:
        """Open, with no request under way and no whole request head received since the last answer."""
        idle = self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)
        return idle and not self.transport.is_closing()
