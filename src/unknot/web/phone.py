"""The phone as the player of a self routine (issue 15): "Play on my phone" on this machine's player offers a pairing
(``router``: the same one-time QR code, short code and check code as the receiver's remote), and the phone's
player lives under ``/remote/player`` (``phone``), the one place its cookie opens: the page, where the session is,
and the session's events. With ``unknot serve --lan`` the code leads there over the home network. Whether a phone
may pair, and with what, is decided in ``unknot.today`` (``offer_player``, ``player_of``)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from unknot.contract import routine_to_json
from unknot.remote import Pairing
from unknot.session import Event
from unknot.today import offer_player, player_of
from unknot.web.api import EventBody, SessionId
from unknot.web.context import journal_of, live_of
from unknot.web.json_body import StrictJSONRoute
from unknot.web.pages import player_values, render
from unknot.web.remote import OfferBody, phone_base, remotes_of

__all__ = ["phone", "router"]

# Bodies read as strictly as the API's (web/json_body.py): a JSON key given twice is refused.
router = APIRouter(prefix="/api/sessions/{session_id}/phone", tags=["remote"], route_class=StrictJSONRoute)
phone = APIRouter(prefix="/remote/player", include_in_schema=False, route_class=StrictJSONRoute)


@router.post("/pairing", summary="Play a self routine on a phone: a QR code, a short code, a check code")
def post_pairing(request: Request, session_id: SessionId, body: OfferBody | None = None) -> dict[str, Any]:
    import segno

    offer = offer_player(
        journal_of(request), remotes_of(request), session_id, allow_another=bool(body and body.allow_another)
    )
    url = f"{phone_base(request)}/remote/join/{offer.token}"
    return {
        "url": url,
        "short_code": f"{offer.short_code[:4]}-{offer.short_code[4:]}",
        "short_url": f"{phone_base(request)}/remote/join/{offer.short_code}",
        "check_code": offer.check_code,
        "expires_in": round(offer.expires - time.monotonic()),
        "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=4, dark="#000", light="#fff"),
    }


@router.get("", summary="Whether a phone plays the session, and the check codes it shows")
def get_phone(request: Request, session_id: SessionId) -> dict[str, Any]:
    paired = [p for p in remotes_of(request).paired(session_id) if p.player]
    return {"paired": len(paired), "check_codes": sorted({p.check_code for p in paired})}


def pairing_of(request: Request) -> Pairing:
    """The phone's pairing as a player, from its cookie, while its routine is under way (``PairingError``: 403)."""
    cookie = request.app.state.config.keys.remote_cookie
    return player_of(journal_of(request), remotes_of(request), request.cookies.get(cookie))


@phone.get("", response_class=HTMLResponse)
def phone_player(request: Request) -> Response:
    """The player, phone-sized, for the one session the phone is paired with."""
    pairing = pairing_of(request)
    values = player_values(request, pairing.session_id)
    values.update(
        csrf=pairing.csrf,  # the page's changes carry the pairing's token, never this machine's
        api="/remote/player/session",
        after="",
        phone=True,
        handed_over=False,  # this is the phone that plays
        check_code=pairing.check_code,
    )
    return render(request, "player.html", values)


@phone.get("/session")
def get_session(request: Request) -> dict[str, Any]:
    """Where the phone's session is and what comes (as ``GET /api/sessions/{id}`` says it)."""
    pairing = pairing_of(request)
    live = live_of(request).get(pairing.session_id)
    update = live_of(request).catch_up(live)
    return {**live.view(update), "routine": routine_to_json(live.routine)}


@phone.post("/session/events")
def post_event(request: Request, body: EventBody) -> dict[str, Any]:
    """A key or button on the phone, or a step's end (as ``POST /api/sessions/{id}/events`` takes it)."""
    pairing = pairing_of(request)
    live = live_of(request).get(pairing.session_id)
    update = live_of(request).apply(live, Event(body.event), body.at)
    return live.view(update)
