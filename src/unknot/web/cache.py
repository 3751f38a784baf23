"""What pages draw from the journal, kept until the journal changes: the page cache.

A part of a page (today's policy, the journal summary and its charts, the home page's session, a planned
routine) is made once per journal stamp (``Journal.stamp``: it changes with every write, whichever process wrote)
and local minute, not once per request. The minute is in the key because what the journal says also depends on
the time: the local day (today's screen), the rolling windows of trends and advice, and the quarter of an hour a
screen may be withdrawn in; so a cached part is never more than a minute behind the clock, and never behind the
journal. Cached values are frozen (shared by the handler threads). The cache holds at most ``SIZE`` parts, the
least recently used going first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Request

__all__ = ["SIZE", "PageCache", "drawn"]

SIZE = 128
T = TypeVar("T")


class PageCache:
    """A bounded map from keys to what was made for them (least recently used out first); thread-safe."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._parts: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """What was made for ``key``, or ``make()`` kept for it (made outside the lock: a slow part never holds
        up the others; two threads may both make it once)."""
        with self._lock:
            if key in self._parts:
                self._parts.move_to_end(key)
                found: T = self._parts[key]
                return found
        made = make()
        with self._lock:
            self._parts[key] = made
            self._parts.move_to_end(key)
            while len(self._parts) > self.size:
                self._parts.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._parts)


def drawn(request: Request, part: str, make: Callable[[datetime], T], *key: Hashable) -> T:
    """``make(now)`` for ``part`` (and ``key``), made again only when the journal or the local minute changed. The
    stamp is read before ``make`` reads the journal, so a write between the two only makes the part once more."""
    now = datetime.now().astimezone()
    stamp = request.app.state.journal.stamp()
    minute = now.replace(second=0, microsecond=0)
    cache: PageCache = request.app.state.page_cache
    return cache.get((part, stamp, minute.isoformat(), *key), lambda: make(now))
