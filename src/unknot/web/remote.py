"""The receiver's remote on the web (issue 15): the giver's side under ``/api/sessions/{id}/remote`` (``router``) and
the phone's pages under ``/remote`` (``phone``).

The giver's player offers a pairing (a QR code drawn here with segno, as SVG, a short code and a check code); the
phone opens ``/remote/join/CODE``, which spends it for a cookie scoped to that session (``web/security.py`` lets
that cookie reach ``/remote`` and the static files only). The phone posts each tap; the giver's page listens on
Server-Sent Events, numbered by the taps' numbers, and replays from ``Last-Event-ID`` after a reconnect. What a tap
does, and whether a pairing may be made, is decided in ``unknot.today``; this module parses, calls and renders.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from unknot.errors import PairingError, SessionStateError
from unknot.model import RemoteTap
from unknot.remote import KINDS, Pairing, Remotes
from unknot.session import Event
from unknot.today import (
    acknowledge_alarm,
    join_remote,
    offer_pairing,
    rate_after_remote,
    remote_log,
    remote_of,
    remote_rating,
    remote_tap,
    split_tap,
)
from unknot.web.api import RegionId, Score, SessionId, Strict
from unknot.web.context import catalog_of, journal_of, live_of
from unknot.web.json_body import StrictJSONRoute
from unknot.web.live import LiveSession

__all__ = ["Bell", "phone", "router"]

# Bodies read as strictly as the API's (web/json_body.py): a JSON key given twice is refused.
router = APIRouter(prefix="/api/sessions/{session_id}/remote", tags=["remote"], route_class=StrictJSONRoute)
phone = APIRouter(prefix="/remote", include_in_schema=False, route_class=StrictJSONRoute)

WAIT = 1.0  # seconds an event stream sleeps unless rung: it looks at the phone's link and the client this often
HEARTBEAT = 5.0  # seconds: a comment line keeps the connection (and the giver page's "connected") alive
STREAM_SECONDS = 60.0  # an event stream ends after this; the page reconnects at once and replays what it missed


class Bell:
    """Wakes the event streams of a session at once when something happened to its remote (a tap, a pairing): the
    handlers run on worker threads, the streams on the event loop, so the wake-up crosses over by
    ``call_soon_threadsafe``. (Polling every 100 ms cost a tap 50 ms on average before the giver saw it.)"""

    def __init__(self) -> None:
        self._waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._lock = threading.Lock()

    def ring(self, session_id: int) -> None:
        """Wake every stream of ``session_id``."""
        with self._lock:
            waiters = list(self._waiters.get(session_id, ()))
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    @contextmanager
    def listen(self, session_id: int) -> Iterator[asyncio.Event]:
        """An event set when ``session_id`` is rung, for as long as the ``with`` block lasts (on the event loop)."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.setdefault(session_id, set()).add(waiter)
        try:
            yield waiter[1]
        finally:
            with self._lock:
                self._waiters[session_id].discard(waiter)
                if not self._waiters[session_id]:
                    del self._waiters[session_id]


def bell_of(request: Request) -> Bell:
    """The app's bell."""
    bell: Bell = request.app.state.bell
    return bell


class OfferBody(Strict):
    allow_another: bool = False  # a second device, although one is paired already


class SeenBody(Strict):
    seq: Annotated[int, Field(ge=0, le=1_000_000)]


class TapBody(Strict):
    kind: Annotated[str, Field(max_length=10)]


class PainBody(Strict):
    pain_after: dict[RegionId, Score] = Field(max_length=12)


def remotes_of(request: Request) -> Remotes:
    """The pairings and taps of this server run."""
    remotes: Remotes = request.app.state.remotes
    return remotes


def _now() -> datetime:
    return datetime.now().astimezone()


def tap_json(request: Request, tap: RemoteTap) -> dict[str, Any]:
    """A tap as the pages get it: its number, kind, words, whether it is an alarm, and whether it was acknowledged."""
    kind = next(k for k in catalog_of(request).remote.kinds if k.id == tap.kind)
    return {
        "seq": tap.seq,
        "kind": tap.kind,
        "label": kind.label,
        "spoken": kind.spoken,
        "alarm": kind.alarm,
        "step": tap.step,
        "at": tap.at.isoformat(),
        "acknowledged": tap.acknowledged_at is not None,
    }


# --- the giver's side -------------------------------------------------------------------------------------------


@router.post("/pairing", summary="Offer a pairing to the receiver's phone: a QR code, a short code, a check code")
def post_pairing(request: Request, session_id: SessionId, body: OfferBody | None = None) -> dict[str, Any]:
    import segno

    offer = offer_pairing(
        journal_of(request), remotes_of(request), session_id, allow_another=bool(body and body.allow_another)
    )
    base = phone_base(request)
    url = f"{base}/remote/join/{offer.token}"
    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=4, dark="#000", light="#fff")
    return {
        "url": url,
        "short_code": f"{offer.short_code[:4]}-{offer.short_code[4:]}",
        "short_url": f"{base}/remote/join/{offer.short_code}",
        "check_code": offer.check_code,
        "expires_in": round(offer.expires - time.monotonic()),
        "qr": qr,  # an SVG as a data: address (the page's policy allows images from data:, and nothing else)
    }


def phone_base(request: Request) -> str:
    """Where the phone opens a pairing link: the home network's listener with ``--lan`` (by ``--lan-name`` if
    given), else this page's own address (a second browser on the same machine)."""
    config = request.app.state.config
    if config.lan:
        return f"http://{config.lan_hosts[0] if config.lan_hosts else config.lan}"
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


@router.get("", summary="The remote of a session: phones paired, alarms waiting, the last tap the page has shown")
def get_remote(request: Request, session_id: SessionId) -> dict[str, Any]:
    remotes = remotes_of(request)
    taps = remote_log(journal_of(request), remotes, session_id)
    paired = remotes.paired(session_id)
    return {
        "paired": len(paired),
        "check_codes": sorted({p.check_code for p in paired}),
        "alarms": [tap_json(request, t) for t in remotes.alarms(session_id)],
        "taps": [tap_json(request, t) for t in taps],
        "seen": remotes.seen(session_id),
        "connected": remotes.connected(session_id),
    }


@router.post("/seen", summary="The giver's page has shown the taps up to this number")
def post_seen(request: Request, session_id: SessionId, body: SeenBody) -> dict[str, int]:
    return {"seen": remotes_of(request).see(session_id, body.seq)}


@router.post("/alarms/{seq}/acknowledge", summary="I've stopped: the giver acknowledges a Stop or an 'It hurts'")
def post_acknowledge(request: Request, session_id: SessionId, seq: int) -> dict[str, Any]:
    tap = acknowledge_alarm(journal_of(request), remotes_of(request), session_id, seq, _now())
    return tap_json(request, tap)


@router.get("/events", include_in_schema=False)
async def get_events(request: Request, session_id: SessionId) -> StreamingResponse:
    """Server-Sent Events: each tap as ``id: SEQ``, ``event: tap``; ``event: paired`` when a phone pairs;
    ``event: link`` when the phone goes silent (``connected: false``) or is heard again. Replays
    the taps after ``Last-Event-ID`` (or ``?last_event_id=``, for a page that reconnects by itself)."""
    given = request.headers.get("last-event-id") or request.query_params.get("last_event_id") or "0"
    last = int(given) if given.isdigit() and len(given) < 10 else 0
    remotes = remotes_of(request)
    # Taken up from the journal after a restart; the journal's calls block, so not on the event loop's thread.
    await run_in_threadpool(remote_log, journal_of(request), remotes, session_id)

    async def stream() -> AsyncIterator[str]:
        nonlocal last
        yield "retry: 1000\n\n"
        paired = -1
        link: bool | None = None
        started = beat = time.monotonic()
        with bell_of(request).listen(session_id) as rung:
            while time.monotonic() - started < STREAM_SECONDS:
                rung.clear()  # before looking: a ring while this looks is not lost
                connected = remotes.connected(session_id)
                if connected is not None and connected != link:  # the phone went silent, or was heard again
                    link = connected
                    yield f"event: link\ndata: {json.dumps({'connected': connected})}\n\n"
                now_paired = remotes.paired(session_id)
                if len(now_paired) != paired:
                    paired = len(now_paired)
                    codes = sorted({p.check_code for p in now_paired})
                    yield f"event: paired\ndata: {json.dumps({'paired': paired, 'check_codes': codes})}\n\n"
                for tap in remotes.taps(session_id, last):
                    last = tap.seq
                    yield f"id: {tap.seq}\nevent: tap\ndata: {json.dumps(tap_json(request, tap))}\n\n"
                if time.monotonic() - beat > HEARTBEAT:
                    beat = time.monotonic()
                    yield ": still here\n\n"
                if await request.is_disconnected():
                    return
                try:
                    await asyncio.wait_for(rung.wait(), WAIT)
                except TimeoutError:
                    pass

    headers = {"x-accel-buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


# --- the phone ----------------------------------------------------------------------------------------------------


def pairing_of(request: Request) -> Pairing:
    """The phone's pairing, from its cookie, while its session is under way (``PairingError``: 403)."""
    cookie = request.app.state.config.keys.remote_cookie
    return remote_of(journal_of(request), remotes_of(request), request.cookies.get(cookie))


@phone.get("/join/{code}")
def join(request: Request, code: str) -> Response:
    """Spend a pairing link: the phone's cookie, and the remote without the code in its address."""
    pairing = join_remote(journal_of(request), remotes_of(request), code[:100])
    bell_of(request).ring(pairing.session_id)
    cookie = request.app.state.config.keys.remote_cookie
    response = RedirectResponse("/remote/player" if pairing.player else "/remote", status_code=303)
    response.set_cookie(cookie, pairing.device, httponly=True, samesite="strict", path="/")
    return response


@phone.get("", response_class=HTMLResponse)
def remote_page(request: Request) -> Response:
    try:
        pairing = pairing_of(request)
        state = phone_state(request, pairing)
    except PairingError:  # the routine has ended: the page asks the pain after, if it may
        state = rating_state(request)
        pairing = remotes_of(request).pairing(request.cookies.get(request.app.state.config.keys.remote_cookie))
    values = {
        "request": request,
        "csrf": pairing.csrf,
        "check_code": pairing.check_code,
        "kinds": list(catalog_of(request).remote.kinds),
        "state": state,
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(request, "remote.html", values)
    return response


@phone.get("/state")
def get_state(request: Request) -> dict[str, Any]:
    """Where the session is; once it has ended, the areas the receiver may rate (or 403 when there is none)."""
    try:
        return phone_state(request, pairing_of(request))
    except PairingError:
        return rating_state(request)


def rating_state(request: Request) -> dict[str, Any]:
    """After the routine: the areas to rate on the phone (``PairingError`` when the phone may not rate)."""
    cookie = request.app.state.config.keys.remote_cookie
    catalog = catalog_of(request)
    pairing, _record, rated = remote_rating(
        journal_of(request), remotes_of(request), request.cookies.get(cookie), _now()
    )
    return {
        "check_code": pairing.check_code,
        "over": True,
        "started": True,
        "rate": [{"region": r, "name": found.name if (found := catalog.region(r)) else r} for r in rated],
        "seen": remotes_of(request).seen(pairing.session_id),
    }


@phone.post("/pain")
def post_pain(request: Request, body: PainBody) -> dict[str, Any]:
    """The receiver's pain after the routine, rated on the phone; then the phone is unpaired."""
    cookie = request.app.state.config.keys.remote_cookie
    record = rate_after_remote(
        journal_of(request), catalog_of(request), remotes_of(request), request.cookies.get(cookie),
        dict(body.pain_after), _now(),
    )  # fmt: skip
    return {"saved": True, "pain_after": record.pain_after}


@phone.post("/taps")
def post_tap(request: Request, body: TapBody) -> dict[str, Any]:
    """A tap: kept, numbered, and applied to the session when it takes it (a Stop halts the step)."""
    pairing = pairing_of(request)
    return _tap(request, pairing.session_id, body.kind, pairing)


@router.post("/taps", summary="The split view: a tap of the receiver's buttons on the giver's own screen")
def post_split_tap(request: Request, session_id: SessionId, body: TapBody) -> dict[str, Any]:
    """A couple sharing one laptop (no phone): the receiver's buttons on the giver's page, kept and heard as a
    phone's taps are."""
    return _tap(request, session_id, body.kind, None)


def _tap(request: Request, session_id: int, kind: str, pairing: Pairing | None) -> dict[str, Any]:
    lives = live_of(request)
    live = lives.get(session_id)
    with live.lock:
        state, step = live.session.state, live.session.progress().index

    def apply(event: Event) -> None:
        try:
            lives.apply(live, event, live.estimate())
        except SessionStateError:  # the giver's page changed the state in between: the tap is kept all the same
            pass

    journal, remotes, now = journal_of(request), remotes_of(request), _now()
    if pairing is not None:
        outcome = remote_tap(journal, remotes, pairing, kind, step, state, now, playing=live.started, apply=apply)
    else:
        outcome = split_tap(journal, remotes, session_id, kind, step, state, now, playing=live.started, apply=apply)
    bell_of(request).ring(session_id)
    return {"seq": outcome.tap.seq, "kind": outcome.kind.id, "delivered": True}


def phone_state(request: Request, pairing: Pairing) -> dict[str, Any]:
    """What the phone shows: the step, the area, the time left, and which of its taps the giver's page has shown."""
    from unknot.pressure import spoken_steps
    from unknot.steps import step_title, where

    remotes = remotes_of(request)
    live: LiveSession = live_of(request).get(pairing.session_id)
    catalog = catalog_of(request)
    with live.lock:
        progress = live.session.progress()
        estimate = live.estimate()
        over = live.session.over
    steps = spoken_steps(live.routine, catalog)
    step = steps[min(progress.index, len(steps) - 1)] if steps else None
    running = estimate - live.clock.at
    return {
        "check_code": pairing.check_code,
        "state": progress.state.value,
        "started": live.started,
        "over": over,
        "step": progress.index + 1,
        "steps": len(steps),
        "name": step_title(catalog, step) if step else "",
        "where": where(catalog, step) if step else "",
        "remaining": max(0.0, progress.remaining - running),
        "seen": remotes.seen(pairing.session_id),
        "kinds": list(KINDS),
    }
