"""Security for a server on loopback: only this browser, on this origin, with what it was given at launch.

A page on another site, another user of this machine or a DNS-rebinding attack can all reach 127.0.0.1; so:

- ``Host`` must be the address the server was started on (127.0.0.1 or localhost, with its port), else 400;
- the browser is let in by a *launch link*: ``?token=`` a one-time token, spent on first use and void after
  ``TOKEN_LIFETIME`` seconds, exchanged for a session cookie named for the port (``unknot_session_PORT``, as Jupyter
  names its cookie; HttpOnly, SameSite=Strict, Path=/) and a redirect to the same page without it (issue 14,
  items 1 and 2). The cookie holds a random session value, never the key: browsers send cookies to every port of
  a host, so another server on loopback may see it, but it opens nothing there and is no bearer key here;
- programs send ``Authorization: Bearer KEY`` (the key is never in a link, a cookie or a command line); else 403;
- a request that changes anything (any method but GET, HEAD, OPTIONS) must not come from another site
  (``Origin`` and ``Sec-Fetch-Site``), and, when the browser's cookie is what vouches for it, must carry the
  page's CSRF token whatever its content type: the ``X-CSRF-Token`` header, or the ``csrf`` field of a body
  that is exactly a form (checked here, and again by the form's handler: ``check_form_csrf``);
- the receiver's phone (issue 15) is let in by a pairing link (``/remote/join/CODE``, ``unknot.remote``): a one-time
  code exchanged for a cookie of its own (``unknot_remote_PORT``) that opens the remote's routes (``/remote`` and
  below) and the static files, nothing else: on every other route it is no cookie at all (403). Its changes carry
  its pairing's own CSRF token, never the giver's;
- with ``unknot serve --lan`` a second listener answers on the home network (issue 15). What comes through it is
  told apart by the socket (the ASGI scope's ``server`` address), never by a header: there, ``Host`` and ``Origin``
  must be that listener's address, only the routes a pairing code leads to answer (``lan_path``: the remote, the
  phone's player, the pairing link and the static files; anything else is 404), and neither the bearer key, the
  browser's session cookie nor a launch link counts: only a phone's pairing;
- a request body is at most ``BODY_LIMIT`` bytes (413);
- every response carries a strict Content-Security-Policy (no inline script or style, nothing from elsewhere),
  the headers that keep it out of frames and its address out of other sites' logs, and, but for the static
  files, ``Cache-Control: no-store``: pages and the API carry health data.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unknot.errors import PairingError
from unknot.remote import Remotes

__all__ = [
    "BODY_LIMIT",
    "CSP",
    "REMOTE_JOIN",
    "TOKEN_LIFETIME",
    "Keys",
    "SecurityMiddleware",
    "check_form_csrf",
    "lan_path",
    "remote_path",
]

TOKEN_LIFETIME = 120.0  # seconds a launch link stays good, unspent
BODY_LIMIT = 1_000_000  # bytes: no form or JSON request of ours comes near it (a 300 MB body took 1 GB of memory)
FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PATH_SAFE = "/:@!$&'()*+,;=-._~"
REMOTE_JOIN = "/remote/join/"  # + a pairing link's token or short code: the one route open without a cookie
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


class Keys:
    """What one run of the server trusts: the bearer key for programs, the CSRF token of its pages, the one-time
    launch tokens not yet spent, and the browser sessions they were exchanged for (kept in memory: a restart logs
    every browser out)."""

    def __init__(
        self,
        key: str | None = None,
        *,
        cookie: str = "unknot_session",
        remote_cookie: str = "unknot_remote",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key = key or secrets.token_urlsafe(24)
        self.csrf = secrets.token_urlsafe(24)
        self.cookie = cookie
        self.remote_cookie = remote_cookie  # the receiver's phone's (unknot.remote)
        self.clock = clock  # seconds, only ever compared: when a launch token stops being good
        self._tokens: dict[str, float] = {}  # token -> when it stops being good (on ``clock``)
        self._sessions: set[str] = set()
        self._lock = threading.Lock()

    def launch_token(self) -> str:
        """A fresh one-time token for a launch link."""
        token = secrets.token_urlsafe(24)
        now = self.clock()
        with self._lock:
            self._tokens = {t: end for t, end in self._tokens.items() if end > now}
            self._tokens[token] = now + TOKEN_LIFETIME
        return token

    def spend(self, token: str) -> str | None:
        """A new browser session for an unspent, unexpired launch token (spending it), else None."""
        with self._lock:
            end = self._tokens.pop(token, None)
            if end is None or end <= self.clock():
                return None
            session = secrets.token_urlsafe(32)
            self._sessions.add(session)
            return session

    def is_session(self, value: str) -> bool:
        """Whether a cookie's value is a session this server handed out."""
        with self._lock:
            return value in self._sessions


def remote_path(path: str) -> bool:
    """Whether ``path`` is one of the receiver's remote (``/remote`` and below), which only a paired phone opens."""
    return path == "/remote" or path.startswith("/remote/")


def lan_path(path: str) -> bool:
    """Whether ``path`` answers on the home network's listener: the phone's routes (the pairing link, the remote,
    the phone's player) and the static files they need."""
    return remote_path(path) or path.startswith("/static/")


def check_form_csrf(keys: Keys, value: str | None) -> bool:
    """Whether a form's ``csrf`` field is this server's token."""
    return value is not None and hmac.compare_digest(value.encode(), keys.csrf.encode())


class SecurityMiddleware:
    """The rules of the module docstring, as ASGI middleware around the whole app."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: Keys,
        hosts: tuple[str, ...],
        remotes: Remotes | None = None,
        lan: str | None = None,
        lan_hosts: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.keys = keys
        self.remotes = remotes
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(f"http://{h}" for h in self.hosts)
        # The home network's listener ("address:port"), its Host and Origin: for the phones' routes only.
        self.lan = (lan.rsplit(":", 1)[0], int(lan.rsplit(":", 1)[1])) if lan else None
        self.lan_hosts = frozenset(h.lower() for h in lan_hosts or ((lan,) if lan else ()))
        self.lan_origins = frozenset(f"http://{h}" for h in self.lan_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        server = scope.get("server")
        from_lan = self.lan is not None and server is not None and (server[0], server[1]) == self.lan
        hosts, origins = (self.lan_hosts, self.lan_origins) if from_lan else (self.hosts, self.origins)
        if headers.get("host", "").lower() not in hosts:
            await _plain(send, 400, "Bad Host header: unknot answers only at the address it printed.")
            return
        path = scope["path"]
        if from_lan and not lan_path(path):
            await _plain(
                send,
                404,
                "Not found: on the home network unknot opens only what a pairing code leads to (the remote, the "
                "phone's player).",
            )
            return
        bearer = headers.get("authorization", "")
        by_bearer = bearer.startswith("Bearer ") and _same(bearer[7:].strip(), self.keys.key)
        session = _cookie(headers.get("cookie", ""), self.keys.cookie)
        by_cookie = session is not None and self.keys.is_session(session)
        if from_lan:  # the key and the browser's session are this machine's: only a phone's pairing counts here
            by_bearer = by_cookie = False
        # The receiver's phone: its pairing's CSRF token when its cookie is good, on its own routes and the static
        # files only; the pairing link itself needs no cookie (its handler spends it or refuses it).
        remote_csrf = self._remote_csrf(headers) if remote_path(path) or path.startswith("/static/") else None
        joining = path.startswith(REMOTE_JOIN) and len(path) > len(REMOTE_JOIN) and scope["method"] in ("GET", "HEAD")
        if remote_path(path):  # only the phone's own credentials count here
            by_bearer = by_cookie = False
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        token = next((v for k, v in query if k == "token"), None)
        if token is not None and not from_lan:  # a launch link is never spent from the home network
            # Only ever a path on this server: "//evil.example" would be another host to the browser.
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = "/" + quote(scope["path"].lstrip("/\\"), safe=PATH_SAFE) + (f"?{rest}" if rest else "")
            new = self.keys.spend(token)
            if new is not None:
                await _login(send, location, self.keys.cookie, new)
                return
            if by_cookie:  # a spent link opened again by its own browser (a reload, history)
                await _redirect(send, location)
                return
            await _plain(
                send,
                403,
                "This launch link was used already or is over 2 minutes old: press Enter in the terminal where "
                "`unknot serve` runs for a fresh one.",
            )
            return
        if not (by_bearer or by_cookie or remote_csrf is not None or joining):
            await _plain(
                send,
                403,
                "unknot needs its launch link: open the link that `unknot serve` printed (press Enter there for a "
                "fresh one).",
            )
            return
        body, receive = await _buffer(receive)
        if body is None:
            await _json(send, 413, "too_large", f"the request body is over {BODY_LIMIT:,} bytes")
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            site = headers.get("sec-fetch-site")
            if (origin is not None and origin.lower() not in origins) or site not in (None, "same-origin", "none"):
                await _plain(send, 403, "Refused: a request from another site cannot change anything here.")
                return
            if remote_csrf is not None and not by_cookie and not by_bearer:
                given = headers.get("x-csrf-token")
                if given is None or not _same(given, remote_csrf):
                    await _plain(send, 403, "Refused: the request has no valid CSRF token (X-CSRF-Token).")
                    return
            elif not by_bearer and not await self._csrf_given(scope, headers, body):
                await _plain(send, 403, "Refused: the request has no valid CSRF token (X-CSRF-Token).")
                return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(n, v) for n, v in message.get("headers", []) if static or n.lower() != b"cache-control"]
                present = {name.lower() for name, _ in raw}
                raw += [(name, value) for name, value in HEADERS if name not in present]
                if not static:
                    raw.append((b"cache-control", b"no-store"))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _remote_csrf(self, headers: Headers) -> str | None:
        """The CSRF token of the phone's pairing, when the request carries a paired phone's cookie; else None."""
        device = _cookie(headers.get("cookie", ""), self.keys.remote_cookie)
        if self.remotes is None or device is None:
            return None
        try:
            return self.remotes.pairing(device).csrf
        except PairingError:
            return None

    async def _csrf_given(self, scope: Scope, headers: Headers, body: bytes) -> bool:
        """The CSRF token in the header, or in the ``csrf`` field of a body that is exactly a form; any other
        content type (``application/x-www-form-urlencoded+json`` too) needs the header (issue 14, item 12)."""
        given = headers.get("x-csrf-token")
        if given is not None:
            return _same(given, self.keys.csrf)
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in FORMS:
            return False

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, replay).form()
        except Exception:  # a form that cannot be read carries no token
            return False
        try:
            field = form.get("csrf")
            return isinstance(field, str) and _same(field, self.keys.csrf)
        finally:
            await form.close()


async def _buffer(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole request body (None past ``BODY_LIMIT``) and a ``receive`` that hands it to the app again."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", receive  # the client went away: the app sees it as it would have
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > BODY_LIMIT:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, again


def _cookie(header: str, name: str) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # a malformed Cookie header is only "no cookie"
        return None
    return cookie[name].value if name in cookie else None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *headers,
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *HEADERS,
            ],  # fmt: skip
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, text: str) -> None:
    await _respond(send, status, [(b"content-type", b"text/plain; charset=utf-8")], text.encode())


async def _json(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await _respond(send, status, [(b"content-type", b"application/json")], body)


async def _redirect(send: Send, location: str) -> None:
    await _respond(send, 303, [(b"location", location.encode())], b"")


async def _login(send: Send, location: str, name: str, session: str) -> None:
    cookie = f"{name}={session}; HttpOnly; SameSite=Strict; Path=/"
    await _respond(send, 303, [(b"location", location.encode()), (b"set-cookie", cookie.encode())], b"")
