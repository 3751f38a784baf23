"""The web app: FastAPI with server-rendered pages (Jinja), a JSON API under ``/api``, and local static files.

``create_app(WebConfig(...))`` builds it around one journal and one ``LiveSessions``; ``unknot serve`` runs it on
127.0.0.1 behind ``SecurityMiddleware``. The pages and the API call the same core as the command line: the screen,
the planner, the session's rules and the journal; no rule lives in JavaScript.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from unknot._version import __version__
from unknot.content import load_catalog
from unknot.errors import JournalBusyError, UnknotError
from unknot.journal import open_journal
from unknot.remote import Remotes
from unknot.web.cache import PageCache
from unknot.web.live import LiveSessions
from unknot.web.security import Keys, SecurityMiddleware

__all__ = ["STATIC", "TEMPLATES", "WebConfig", "create_app"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
THREADS = 8


@dataclass(frozen=True)
class WebConfig:
    """One run of the server: where the journal is, its keys, the addresses it answers at, the clock's speed."""

    db: str | None = None
    keys: Keys = field(default_factory=Keys)
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    time_scale: float = 1.0
    emergency_number: str | None = None  # --emergency-number; else the settings, the locale, the default
    journal_wait: float | None = None  # seconds a write waits for another writer (None: the journal's 30 s)
    lan: str | None = None  # --lan: the home network's listener, "address:port" (phones paired by a code only)
    lan_hosts: tuple[str, ...] = ()  # the Host values it answers to (--lan-name's first: the pairing links use it)


def create_app(config: WebConfig) -> FastAPI:
    """The whole app, wrapped in the security middleware."""
    catalog = load_catalog()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        # Few threads for the handlers: Python runs one at a time anyway, and fewer of them contend less.
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        journal = open_journal(config.db, wait=config.journal_wait)
        app.state.journal = journal
        app.state.live = LiveSessions(journal, catalog, config.time_scale)
        try:
            yield
        finally:
            journal.close()

    app = FastAPI(
        title="unknot",
        version=__version__,
        description="Guided upper-back massage: the safety screen, routines, guided sessions and the pain journal.",
        lifespan=lifespan,
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is there for programs
        redoc_url=None,
    )
    app.state.config = config
    app.state.catalog = catalog
    app.state.templates = templates()
    app.state.page_cache = PageCache()
    app.state.remotes = Remotes(catalog.remote)  # the receiver's phones paired with this run's sessions
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from unknot.web import api, clearance_pages, pages, phone, remote, screen_flow

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(screen_flow.router)
    app.include_router(clearance_pages.router)
    app.include_router(remote.router)
    app.state.bell = remote.Bell()  # wakes the giver's event stream when its receiver taps
    app.include_router(remote.phone)
    app.include_router(phone.router)  # "Play on my phone": a self routine's player on the phone (issue 15)
    app.include_router(phone.phone)
    app.add_exception_handler(UnknotError, _unknot_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # FastAPI's own 404, 405...: no {"detail"}
    app.add_middleware(
        SecurityMiddleware,
        keys=config.keys,
        hosts=config.hosts,
        remotes=app.state.remotes,
        lan=config.lan,
        lan_hosts=config.lan_hosts or ((config.lan,) if config.lan else ()),
    )
    return app


def templates() -> Jinja2Templates:
    """The Jinja environment: autoescaped, with the helpers the templates use."""
    env = Jinja2Templates(directory=TEMPLATES)
    env.env.globals["version"] = __version__
    return env


def _status(error: UnknotError) -> int:
    return error.http_status


async def _unknot_error(request: Request, exc: Exception) -> Response:
    """The contract's error object for the API; a page with the message for a person."""
    assert isinstance(exc, UnknotError)
    status = _status(exc)
    # A busy journal (another writer held it past the wait) works again shortly: say when to try.
    retry = {"Retry-After": str(exc.retry_after)} if isinstance(exc, JournalBusyError) else {}
    message = _printable(exc.message)  # it may echo a lone surrogate the request held
    if request.url.path.startswith("/api/"):
        body = {"error": {"code": exc.code, "message": message}}
        return JSONResponse(body, status_code=status, headers=retry)
    from unknot.web.pages import render

    response = render(request, "error.html", {"message": message, "status": status}, status_code=status)
    response.headers.update(retry)
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    """A request of the wrong shape: FastAPI's ``detail`` list, and the message a person can read."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "the request"
    message = f"{where}: {first.get('msg', 'invalid')}"
    if not request.url.path.startswith("/api/"):
        from unknot.web.pages import render

        return render(request, "error.html", {"message": message, "status": 422}, status_code=422)
    detail = [{k: _printable(v) for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]
    return JSONResponse(
        {"error": {"code": "invalid_request", "message": _printable(message), "details": detail}}, status_code=422
    )


CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, a method it does not take) in the contract's shape, or a page."""
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "there is no such page or route", 405: f"{request.method} is not allowed here"}.get(
        exc.status_code, str(exc.detail)
    )
    headers = dict(exc.headers or {})
    if not request.url.path.startswith("/api/") and exc.status_code == 404:
        from unknot.web.pages import render

        return render(request, "error.html", {"message": message, "status": 404}, status_code=404)
    code = CODES.get(exc.status_code, "invalid_request")
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=exc.status_code, headers=headers)


def _printable(value: object) -> object:
    """A value with any lone surrogate replaced: JSON out must be UTF-8 (issue 14, items 10 and 13)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value
