"""The JSON API the pages use (``/api``), described by ``/openapi.json``.

Requests are checked twice: their shape here (pydantic), their meaning in the core (unknown regions, rules,
tools...), which raises ``RequestError`` and becomes ``{"error": {"code", "message"}}`` with status 400 (409 when
the state refuses: a screen that forbids massage, an event the session cannot take now).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from unknot.contract import (
    plan_request_from_json,
    routine_to_json,
    verdict_from_json,
    verdict_to_json,
)
from unknot.errors import RequestError
from unknot.model import SessionRecord, SessionStatus, Verdict
from unknot.pain import make_entry
from unknot.policy import subject_of
from unknot.session import Event
from unknot.today import end_remote, policy_to_json, todays_routine, withdraw_screen
from unknot.web.cache import drawn
from unknot.web.context import catalog_of, journal_of, live_of, policy_for, save_screen, summary_for
from unknot.web.json_body import StrictJSONRoute

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"], route_class=StrictJSONRoute)  # no JSON key given twice

RegionId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
Score = Annotated[int, Field(ge=0, le=10)]
# A journal row id. One no database holds (beyond 64 bits, or not positive) is a session that is not there: 404.
SessionId = int
SessionTime = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingItem(Strict):
    rule: Annotated[str, Field(min_length=1, max_length=40)]
    regions: list[RegionId] = Field(default_factory=list, max_length=12)


Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")]


class ClearedItem(Strict):
    rule: Annotated[str, Field(min_length=1, max_length=40)]
    on: Day  # the day the professional cleared it


class ScreenBody(Strict):
    """The screen contract's request (``docs/contracts.md``)."""

    findings: list[str | FindingItem] = Field(default_factory=list, max_length=60)
    unsure: list[str | FindingItem] = Field(default_factory=list, max_length=60)
    cleared: list[Annotated[str, Field(max_length=40)] | ClearedItem] = Field(default_factory=list, max_length=60)
    all_others_answered_no: bool = False
    today: Day | None = None  # default: the server's local date


class PlanBody(Strict):
    """A routine request; the screen is today's, kept in the journal."""

    mode: Literal["partner", "self"]
    minutes: Annotated[int, Field(ge=3, le=60)] = 10
    tools: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=4)
    focus: list[RegionId] = Field(default_factory=list, max_length=12)
    avoid: list[RegionId] = Field(default_factory=list, max_length=12)
    seed: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    position: Literal["prone", "seated"] | None = None  # partner: where the receiver is (default prone)


class SessionBody(Strict):
    plan: PlanBody
    pain_before: dict[RegionId, Score] = Field(default_factory=dict, max_length=12)


class EventBody(Strict):
    event: Literal[
        "tick", "pause", "resume", "next", "back", "repeat", "more", "less", "good", "it_hurts", "skip_region",
        "skip_started_region", "stop",
    ]  # fmt: skip
    at: SessionTime | None = None  # the browser's session time; None: the server's estimate


class FinishBody(Strict):
    pain_after: dict[RegionId, Score] = Field(default_factory=dict, max_length=12)
    status: Literal["finished", "stopped"] | None = None


class EntryBody(Strict):
    region: RegionId
    score: Score
    quality: Literal["aching", "tight", "sharp", "burning", "tingling"] | None = None
    note: Annotated[str, Field(max_length=1000)] = ""


def todays_verdict(request: Request) -> Verdict | None:
    """The verdict of today's last screen (the user's local day), or None."""
    stored = journal_of(request).screen_of(date.today())
    if stored is None:
        return None
    try:
        return verdict_from_json(stored)
    except RequestError:
        return None


def plan_for(request: Request, body: PlanBody) -> dict[str, Any]:
    """The routine for ``body`` under today's policy; ``PlanError`` when there is no screen or it forbids massage."""
    plan_request, _ = plan_request_from_json(body.model_dump())
    now = datetime.now().astimezone()
    policy = policy_for(request, subject_of(plan_request.mode))  # drawn once per change of the journal
    routine, _policy = todays_routine(journal_of(request), catalog_of(request), now, plan_request, policy=policy)
    return routine_to_json(routine)


Subject = Annotated[Literal["self", "receiver"], Query(description="whom the screen is about")]


@router.get("/ping", summary="Is the server up")
def ping() -> dict[str, bool]:
    return {"ok": True}


@router.post("/launch-link", summary="A fresh one-time launch link for a browser (good once, within 2 minutes)")
def launch_link(request: Request) -> dict[str, str]:
    keys = request.app.state.config.keys
    return {"link": f"http://{request.headers['host']}/?token={keys.launch_token()}"}


@router.get("/regions", summary="The regions of the upper back")
def regions(request: Request) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name, "side": r.side, "number": r.number} for r in catalog_of(request).regions]


@router.post("/screen", summary="Answer the safety screen; it is kept, and today's policy follows")
def post_screen(request: Request, body: ScreenBody, subject: Subject = "self") -> dict[str, Any]:
    verdict, policy = save_screen(request, body.model_dump(exclude_none=True), subject)
    return {**verdict_to_json(verdict), "today": policy_to_json(policy)}


@router.get("/screen/today", summary="Today's last screen, or null")
def get_todays_screen(request: Request) -> dict[str, Any] | None:
    return journal_of(request).screen_of(date.today())


@router.get("/today", summary="What today allows: every screen of the day and what the journal says")
def get_today(request: Request, subject: Subject = "self") -> dict[str, Any]:
    return policy_to_json(policy_for(request, subject))


@router.post("/screens/{screen_id}/withdraw", summary="Withdraw a screen answered by mistake (within 15 minutes)")
def post_withdraw(request: Request, screen_id: int, subject: Subject = "self") -> dict[str, Any]:
    policy = withdraw_screen(journal_of(request), catalog_of(request), datetime.now().astimezone(), screen_id, subject)
    return policy_to_json(policy)


@router.post("/plan", summary="A routine under today's screen")
def post_plan(request: Request, body: PlanBody) -> dict[str, Any]:
    return plan_for(request, body)


@router.post("/sessions", status_code=201, summary="Start a guided session")
def start_session(request: Request, body: SessionBody) -> dict[str, Any]:
    catalog = catalog_of(request)
    for region in body.pain_before:
        make_entry(catalog, region, 0)  # the region must exist
    routine = plan_for(request, body.plan)
    record = SessionRecord(
        datetime.now().astimezone(), routine_mode(routine), routine, pain_before=dict(body.pain_before)
    )
    live = live_of(request).start(record)  # its clock starts with the first event posted (the player's Start)
    return {**live.view(), "routine": routine}


def routine_mode(routine: dict[str, Any]) -> Any:
    from unknot.model import Mode

    return Mode(routine["mode"])


@router.get("/sessions/{session_id}", summary="A session under way: where it is and what comes")
def get_session(request: Request, session_id: SessionId) -> dict[str, Any]:
    live = live_of(request).get(session_id)
    update = live_of(request).catch_up(live)
    return {**live.view(update), "routine": routine_to_json(live.routine)}


@router.post("/sessions/{session_id}/events", summary="Something happened: a key, a button, a step's end")
def post_event(request: Request, session_id: SessionId, body: EventBody) -> dict[str, Any]:
    live = live_of(request).get(session_id)
    update = live_of(request).apply(live, Event(body.event), body.at)
    return live.view(update)


@router.post("/sessions/{session_id}/finish", summary="Close a session with the pain after")
def finish_session(request: Request, session_id: SessionId, body: FinishBody) -> dict[str, Any]:
    catalog = catalog_of(request)
    for region in body.pain_after:
        make_entry(catalog, region, 0)
    journal = journal_of(request)
    record = journal.session(session_id)
    if record is not None and record.status is not SessionStatus.ACTIVE:  # sent again: the same answer, no new rows
        if body.pain_after:
            ended = record.ended_at or record.started_at
            journal.finish_session(session_id, record.status, ended, dict(body.pain_after))
        return {"id": session_id, "status": record.status.value}
    live = live_of(request).get(session_id)
    from unknot.session import State

    with live.lock:
        if not live.session.over:  # closing early: the steps still to come are kept as skipped
            update = live.session.handle(Event.STOP)
            live_of(request).keep(live, update)
        status = SessionStatus.FINISHED if live.session.state is State.FINISHED else SessionStatus.STOPPED
    if body.pain_after:
        journal_of(request).finish_session(session_id, status, datetime.now().astimezone(), dict(body.pain_after))
    live_of(request).end(live)
    end_remote(request.app.state.remotes, session_id)
    return {"id": session_id, "status": status.value}


@router.delete("/sessions/{session_id}", status_code=204, summary="Discard a session")
def discard_session(request: Request, session_id: SessionId) -> Response:
    live = live_of(request).get(session_id)
    journal_of(request).delete_session(session_id)
    live_of(request).end(live)
    end_remote(request.app.state.remotes, session_id)
    return Response(status_code=204)


@router.get("/entries", summary="Pain entries of the last days")
def get_entries(request: Request, days: Annotated[int, Query(ge=1, le=3650)] = 30) -> list[dict[str, Any]]:
    # Read once per change of the journal and minute, as the pages are (web/cache.py).
    def make(now: datetime) -> list[dict[str, Any]]:
        since = now.astimezone(UTC) - timedelta(days=days)
        return [
            {
                "at": e.at.isoformat(),
                "region": e.region,
                "score": e.score,
                "quality": e.quality.value if e.quality else None,
                "note": e.note,
                "phase": e.phase,
            }
            for e in journal_of(request).entries(since=since)
        ]

    return drawn(request, "api-entries", make, days)


@router.post("/entries", status_code=201, summary="Write down a pain rating")
def post_entry(request: Request, body: EntryBody) -> dict[str, Any]:
    entry = make_entry(catalog_of(request), body.region, body.score, body.quality, body.note)
    kept = journal_of(request).add_entry(entry)
    return {"id": kept.id, "at": kept.at.isoformat(), "region": kept.region, "score": kept.score}


@router.get("/insights", summary="Trends, when to get help, and what helps")
def get_insights(request: Request) -> dict[str, Any]:
    summary = summary_for(request)
    return {
        "advice": [{"region": a.region, "rule": a.rule, "message": a.message} for a in summary.advice],
        "trends": [
            {
                "region": t.region,
                "averages": {str(k): _finite(v) for k, v in t.averages.items()},
                "slope_per_week": _finite(t.slope_per_week),
                "entries": t.entries,
            }
            for t in summary.trends
        ],
        "effects": [
            {
                "technique": e.technique,
                "sessions": e.sessions,
                "mean": _finite(e.mean),
                "low": _finite(e.low),
                "high": _finite(e.high),
            }
            for e in summary.effects
        ],
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 3)
