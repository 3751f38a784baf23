"""The API's JSON bodies, read as strictly as the JSON contracts read theirs (issue 14, item 10): an object that
gives a key twice is refused (``invalid_request``, 400), never read as its last value, which would let a second
``"findings": []`` drop an emergency.

FastAPI reads a body through ``Request.json()``; ``StrictJSONRoute`` hands its handlers a request whose ``json()``
refuses a key given twice. Anything else malformed goes on to FastAPI's own error (422, ``json_invalid``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

__all__ = ["StrictJSONRequest", "StrictJSONRoute"]


class _KeyTwice(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _KeyTwice(key)
        out[key] = value
    return out


class StrictJSONRequest(Request):
    """A request whose JSON body may not give a key twice in one object."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body, object_pairs_hook=_no_key_twice)
            except _KeyTwice as twice:
                # The key as JSON writes it: a lone surrogate stays its escape, so the answer can be encoded.
                raise HTTPException(
                    400, f"the key {json.dumps(twice.key)} is given twice in one object; give each field once"
                ) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """An API route whose handler reads the body through ``StrictJSONRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
