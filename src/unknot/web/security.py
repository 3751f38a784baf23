"""Security for a server on loopback: only this browser, on this origin, with the key it was given.

A page on another site, another user of this machine or a DNS-rebinding attack can all reach 127.0.0.1; so, as
Jupyter does, ``unknot serve`` makes a key at launch and prints a link holding it:

- ``Host`` must be the address the server was started on (127.0.0.1 or localhost, with its port), else 400;
- the key must come with every request: the launch link's ``?key=`` (answered with a cookie and a redirect to
  the same page without it), the ``unknot_key`` cookie (HttpOnly, SameSite=Strict), or ``Authorization: Bearer``
  for programs; else 403;
- a request that changes anything (any method but GET, HEAD, OPTIONS) must not come from another site
  (``Origin`` and ``Sec-Fetch-Site``), and, when the browser's cookie is what vouches for it, must carry the
  page's CSRF token (the ``X-CSRF-Token`` header; HTML forms send it as the ``csrf`` field, checked by the
  form's handler: ``check_form_csrf``);
- every response carries a strict Content-Security-Policy (no inline script or style, nothing from elsewhere),
  and the headers that keep it out of frames and its address out of other sites' logs.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["COOKIE", "CSP", "Keys", "SecurityMiddleware", "check_form_csrf"]

COOKIE = "unknot_key"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make form posts say "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


@dataclass(frozen=True)
class Keys:
    """The launch key (in the link and the cookie) and the CSRF token of one run of the server."""

    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def check_form_csrf(keys: Keys, value: str | None) -> bool:
    """Whether a form's ``csrf`` field is this server's token."""
    return value is not None and hmac.compare_digest(value.encode(), keys.csrf.encode())


class SecurityMiddleware:
    """The rules of the module docstring, as ASGI middleware around the whole app."""

    def __init__(self, app: ASGIApp, *, keys: Keys, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.keys = keys
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(f"http://{h}" for h in self.hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if headers.get("host", "").lower() not in self.hosts:
            await _plain(send, 400, "Bad Host header: unknot answers only at the address it printed.")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        given = query.get("key")
        if given is not None and _same(given, self.keys.key):
            rest = urlencode([(k, v) for k, v in query.items() if k != "key"])
            await _login(send, scope["path"] + (f"?{rest}" if rest else ""), self.keys.key)
            return
        bearer = headers.get("authorization", "")
        by_bearer = bearer.startswith("Bearer ") and _same(bearer[7:].strip(), self.keys.key)
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is only "no cookie"
            cookie = SimpleCookie()
        by_cookie = COOKIE in cookie and _same(cookie[COOKIE].value, self.keys.key)
        if not (by_bearer or by_cookie):
            await _plain(
                send,
                403,
                "unknot needs its key: open the link that `unknot serve` printed (it ends in ?key=...).",
            )
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            site = headers.get("sec-fetch-site")
            if (origin is not None and origin.lower() not in self.origins) or site not in (None, "same-origin", "none"):
                await _plain(send, 403, "Refused: a request from another site cannot change anything here.")
                return
            is_form = headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            )
            token = headers.get("x-csrf-token")
            if not by_bearer and not is_form and (token is None or not _same(token, self.keys.csrf)):
                await _plain(send, 403, "Refused: the request has no valid CSRF token (X-CSRF-Token).")
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw += [(name, value) for name, value in HEADERS if name not in present]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _login(send: Send, location: str, key: str) -> None:
    cookie = f"{COOKIE}={key}; HttpOnly; SameSite=Strict; Path=/"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode()),
                (b"set-cookie", cookie.encode()),
                (b"content-length", b"0"),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
