"""The pages: home, start, plan chooser, routine preview, preparation, pain before, the player, pain after, the
journal, logging pain, exports and settings. Server-rendered; the forms work without JavaScript, which only adds
the body map's taps and the player."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unknot.errors import JournalBusyError, NotFoundError, PolicyError, RequestError
from unknot.model import Catalog, Mode, PlanRequest, Routine, SessionRecord, SessionStatus, Step
from unknot.policy import SUBJECTS
from unknot.pressure import routine_guide, spoken_steps, stored_guide
from unknot.settings import Settings
from unknot.today import end_remote, resume_check, todays_routine, withdraw_screen
from unknot.web.cache import drawn
from unknot.web.context import (
    catalog_of,
    current_settings,
    emergency_number_for,
    journal_of,
    policy_for,
    summary_for,
)
from unknot.web.security import Keys, check_form_csrf

if TYPE_CHECKING:
    from unknot.summary import JournalSummary

__all__ = ["base_context", "render", "router"]

router = APIRouter(include_in_schema=False)

TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
POSITIONS = ("prone", "seated")  # where a partner's receiver may be (the seed: face down, or seated leaning forward)
THEMES = ("auto", "light", "dark")


# --- rendering -------------------------------------------------------------------------------------------------


def base_context(request: Request) -> dict[str, Any]:
    """What every page gets: the CSRF token, the theme, the number to call, the path (for the menu)."""
    settings = current_settings(request)
    keys: Keys = request.app.state.config.keys
    return {
        "request": request,
        "csrf": keys.csrf,
        "theme": settings.theme or "auto",
        "emergency_number": emergency_number_for(request),
        "path": request.url.path,
        "settings": settings,
        "region_names": {r.id: r.name for r in catalog_of(request).regions},
        "screen_step": getattr(request.state, "screen_step", None),
        "screen_back": getattr(request.state, "screen_back", None),
    }


def render(request: Request, name: str, values: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """Template ``name`` with the base context and ``values``."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, {**base_context(request), **(values or {})}, status_code=status_code
    )
    response.headers["cache-control"] = "no-store"
    return response


def render_drawn(request: Request, name: str, part: str, values: Callable[[datetime], dict[str, Any]]) -> HTMLResponse:
    """Template ``name`` drawn once per journal stamp, minute, path and query, and settings (``web/cache.py``):
    what else a page shows (the CSRF token, the number to call) stays the same while the server runs."""

    def make(now: datetime) -> bytes:
        return bytes(render(request, name, values(now)).body)

    body = drawn(request, part, make, request.url.path, request.url.query, current_settings(request))
    return HTMLResponse(body, headers={"cache-control": "no-store"})


def svg(name: str) -> str:
    """An SVG picture's markup, to place inline (the body map must be inline to be tapped)."""
    from unknot.pictures import picture

    return picture(name)


def require_csrf(request: Request, csrf: str | None) -> None:
    """A form's token must be this server's (the middleware checks where the request came from)."""
    if not check_form_csrf(request.app.state.config.keys, csrf):
        raise RequestError("this form is out of date or did not come from unknot: reload the page and try again")


# --- home and start ----------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    unfinished = _unfinished(request)
    return render_drawn(request, "home.html", "home", lambda now: {"today": policy_for(request), **unfinished(now)})


def _unfinished(request: Request) -> Callable[[datetime], dict[str, Any]]:
    """What the home page says of an unfinished session: which, how far it went, and why it may not go on today."""

    def make(now: datetime) -> dict[str, Any]:
        journal = journal_of(request)
        unfinished = journal.unfinished_session()
        refused = ""
        if unfinished is not None:
            try:
                resume_check(journal, catalog_of(request), now, unfinished)
            except PolicyError as exc:
                refused = exc.message
        return {
            "unfinished": unfinished,
            "resume_refused": refused,
            "unfinished_steps": len(unfinished.routine.get("steps", [])) if unfinished else 0,
            "unfinished_done": (max((s.index for s in unfinished.steps), default=-1) + 1) if unfinished else 0,
        }

    return make


@router.get("/start", response_class=HTMLResponse)
def start(request: Request) -> Response:
    """Whom the massage is for first (the screen is about the person receiving it); then that person's screen of
    today, if there is one that allows massage (asking whether anything changed), else the screen."""
    subject = _subject(request)
    if subject is None:
        return render(
            request, "start_who.html", {"self": policy_for(request), "receiver": policy_for(request, "receiver")}
        )
    today = policy_for(request, subject)
    if not today.screened:
        return RedirectResponse(f"/screen?for={subject}", status_code=303)
    return render(request, "start.html", {"today": today, "subject": subject})


@router.post("/screens/{screen_id}/withdraw")
async def withdraw_screen_page(request: Request, screen_id: int) -> Response:
    """Take back a screen answered by mistake (within the minutes the day policy allows), then screen again."""
    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    subject = _text(form.get("for")) or "self"
    if subject not in SUBJECTS:
        raise RequestError(f"a session is for 'self' or 'receiver', not '{subject}'")
    withdraw_screen(journal_of(request), catalog_of(request), datetime.now().astimezone(), screen_id, subject)
    return RedirectResponse(f"/screen?for={subject}", status_code=303)


def _subject(request: Request) -> str | None:
    """``?for=self|receiver``: whom today's screen and routine are about; None when not said."""
    value = request.query_params.get("for")
    if value is None:
        return None
    if value not in SUBJECTS:
        raise RequestError(f"a session is for 'self' or 'receiver', not '{value}'")
    return value


# --- choosing and previewing a routine --------------------------------------------------------------------------


def plan_request(
    mode: str | None,
    minutes: str | int | None,
    tools: list[str],
    focus: list[str],
    avoid: list[str],
    seed: str | int,
    position: str | None = None,
) -> PlanRequest:
    """A plan request from form fields; ``RequestError`` naming what is wrong. ``position`` (prone or seated) is where
    a partner's receiver is: a self routine leaves it out, as a partner routine leaves out the tools."""
    from unknot.preparation import parse_mode

    if not mode:
        raise RequestError("choose who gives the massage: a partner, or you yourself")
    chosen = parse_mode(mode)
    try:
        count = int(minutes) if minutes is not None and str(minutes).strip() else 10
        number = int(seed) if str(seed).strip() else 0
    except ValueError:
        raise RequestError("minutes and seed are whole numbers; minutes from 3 to 60") from None
    if not 3 <= count <= 60:
        raise RequestError(f"{count} minutes is out of range; choose 3 to 60")
    where = position or None
    if where is not None and where not in POSITIONS:
        raise RequestError(f"position '{where}' is not known; the receiver lies face down (prone) or sits (seated)")
    return PlanRequest(
        chosen,
        count,
        tuple(tools) if chosen is Mode.SELF else (),
        tuple(focus),
        tuple(avoid),
        seed=number,
        position=where if chosen is Mode.PARTNER else None,
    )


def request_query(request: PlanRequest) -> str:
    """The plan request as a query string, carried from page to page."""
    pairs: list[tuple[str, str]] = [("mode", request.mode.value), ("minutes", str(request.minutes))]
    pairs += [("tools", t) for t in request.tools] + [("focus", r) for r in request.focus]
    pairs += [("avoid", r) for r in request.avoid] + [("seed", str(request.seed))]
    if request.position is not None:
        pairs.append(("position", request.position))
    return urlencode(pairs)


def routine_for(request: Request, wanted: PlanRequest) -> Routine:
    """The routine under today's policy for whoever receives it (a partner massage: the receiver's screens), planned
    once per request, journal stamp and minute; a clear error when there is no screen or it forbids massage."""

    def make(now: datetime) -> Routine:
        routine, _today = todays_routine(journal_of(request), catalog_of(request), now, wanted)
        return routine

    return drawn(request, "routine", make, wanted)


@router.get("/plan", response_class=HTMLResponse)
def chooser(request: Request) -> Response:
    """The routine's choices for whoever today's screen was about: a partner massage for a receiver's screen,
    self-massage for one's own."""
    subject = _subject(request)
    if subject is None:  # the last screen taken today that allows massage decides
        allowed = [s for s in SUBJECTS if policy_for(request, s).may_massage]
        if not allowed:
            return RedirectResponse("/start", status_code=303)
        settings_mode = current_settings(request).mode
        subject = "receiver" if settings_mode == "partner" and "receiver" in allowed else allowed[0]
    today = policy_for(request, subject)
    if not today.may_massage:
        return RedirectResponse(f"/start?for={subject}", status_code=303)
    settings = current_settings(request)
    catalog = catalog_of(request)
    return render(
        request,
        "plan.html",
        {
            "today": today,
            "subject": subject,
            "mode": "partner" if subject == "receiver" else "self",
            "minutes": settings.minutes or 10,
            "chosen_tools": settings.tools or (),
            "tools": [catalog.tool(t) for t in TOOLS],
            "positions": [catalog.position(p) for p in POSITIONS],
            "regions": catalog.regions,
            "avoided": set(today.avoid_regions),
            "back_svg": svg("back"),
        },
    )


def _wanted(request: Request) -> PlanRequest:
    """The plan request carried in the page's query string (``request_query``)."""
    q = request.query_params

    def listed(name: str) -> list[str]:
        return [v for v in q.getlist(name) if v]

    return plan_request(
        q.get("mode"),
        q.get("minutes"),
        listed("tools"),
        listed("focus"),
        listed("avoid"),
        q.get("seed", "0"),
        q.get("position"),
    )


@router.get("/preview", response_class=HTMLResponse)
def preview(request: Request) -> Response:
    wanted = _wanted(request)
    catalog = catalog_of(request)

    def make(now: datetime) -> dict[str, Any]:
        routine = routine_for(request, wanted)
        return {"routine": routine, "rows": timeline_rows(catalog, routine), "guide": routine_guide(routine, catalog)}

    _remember(request, wanted)
    return render_drawn(
        request, "preview.html", "preview", lambda now: {**make(now), "query": request_query(wanted), "wanted": wanted}
    )


def _remember(request: Request, wanted: PlanRequest) -> None:
    """Offer these choices next time (a config file that cannot be written only costs that); the file is written
    only when they differ from what it holds."""
    from unknot.errors import ConfigError
    from unknot.settings import load_settings, save_settings, update_settings

    held = current_settings(request)
    if (held.mode, held.tools or (), held.minutes) == (wanted.mode.value, wanted.tools, wanted.minutes):
        return
    try:
        save_settings(
            update_settings(load_settings(), mode=wanted.mode.value, tools=wanted.tools, minutes=wanted.minutes)
        )
    except ConfigError:
        pass


def step_name(catalog: Catalog, step: Step) -> str:
    """The step's name in words."""
    from unknot.steps import step_title

    return step_title(catalog, step)


def timeline_rows(catalog: Catalog, routine: Routine) -> list[dict[str, Any]]:
    """The routine as rows for a page: when, what, where, with what, how long, the cue."""
    from unknot.steps import clock, where

    rows, at = [], 0
    for step in routine.steps:
        rows.append(
            {
                "at": clock(at),
                "name": step_name(catalog, step),
                "where": where(catalog, step),
                "technique": step.technique,
                "tool": step.tool.replace("_", " ") if step.is_technique else "",
                "pressure": step.pressure.value if step.pressure else "",
                "seconds": clock(step.seconds),
                "hold": step.hold_seconds,
                "cue": step.cue,
                "is_technique": step.is_technique,
            }
        )
        at += step.seconds
    return rows


@router.get("/prepare", response_class=HTMLResponse)
def prepare(request: Request) -> Response:
    from unknot.preparation import checklist

    wanted = _wanted(request)
    routine = routine_for(request, wanted)
    catalog = catalog_of(request)
    used = list(dict.fromkeys(step.position for step in routine.steps))
    positions = [p for p in catalog.positions if p.id in used]
    items: dict[str, Any] = {}
    for position in positions:
        for item in checklist(catalog, routine.mode, position).items:
            items[item.id] = item
    return render(
        request,
        "prepare.html",
        {
            "positions": positions,
            "items": list(items.values()),
            "query": request_query(wanted),
            "guide": routine_guide(routine, catalog),
        },
    )


@router.get("/before", response_class=HTMLResponse)
def before(request: Request) -> Response:
    from unknot.steps import rated_regions

    wanted = _wanted(request)
    routine = routine_for(request, wanted)
    catalog = catalog_of(request)
    regions = [catalog.region(r) for r in rated_regions(routine)]
    return render(
        request,
        "pain.html",
        {
            "title": "How much does it hurt now?",
            "intro": "Before you start: rate each area the routine works, 0 for no pain, 10 for the worst you can "
            "imagine. Leave an area out if you are not sure.",
            "regions": regions,
            "action": "/sessions",
            "button": "Start the routine",
            "hidden": wanted,
            "before": {},
            "back_svg": svg("back"),
        },
    )


def _scores(form: dict[str, Any], catalog: Catalog) -> dict[str, int]:
    """``pain-<region>`` fields, 0-10; empty ones left out."""
    out: dict[str, int] = {}
    for region in catalog.region_ids:
        value = str(form.get(f"pain-{region}", "")).strip()
        if not value:
            continue
        if not (value.isascii() and value.isdigit() and 0 <= int(value) <= 10):
            raise RequestError(f"pain '{value}' is not 0 to 10")
        out[region] = int(value)
    return out


@router.post("/sessions")
async def create_session(request: Request) -> Response:
    from unknot.contract import routine_to_json

    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    wanted = plan_request(
        _text(form.get("mode")), _text(form.get("minutes")), [_text(v) for v in form.getlist("tools")],
        [_text(v) for v in form.getlist("focus")], [_text(v) for v in form.getlist("avoid")],
        _text(form.get("seed")) or "0", _text(form.get("position")),
    )  # fmt: skip
    routine = routine_for(request, wanted)
    pain = _scores(dict(form), catalog_of(request))
    record = SessionRecord(datetime.now().astimezone(), routine.mode, routine_to_json(routine), pain_before=pain)
    live = request.app.state.live.start(record)
    return RedirectResponse(f"/player/{live.id}", status_code=303)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- the player and after ---------------------------------------------------------------------------------------


@router.get("/player/{session_id}", response_class=HTMLResponse)
def player(request: Request, session_id: int) -> Response:
    return render(request, "player.html", player_values(request, session_id))


def player_values(request: Request, session_id: int) -> dict[str, Any]:
    """What the player's page shows of a session under way (this machine's page, or the phone's: web/phone.py)."""
    from unknot.steps import how_to, where

    live = request.app.state.live.get(session_id)
    record = journal_of(request).session(session_id)
    if record is not None:  # today's policy governs a session going on, as it governs a new one
        now = datetime.now().astimezone()
        decision = resume_check(journal_of(request), catalog_of(request), now, record)
        live.skip_for_today(decision.skipped)
    settings = current_settings(request)
    catalog = catalog_of(request)
    steps = spoken_steps(live.routine, catalog)
    how = [how_to(catalog, steps, i) for i in range(len(steps))]  # how to do each step's technique, on demand
    return {
        "id": session_id,
        "routine": live.routine,
        "how": list({h.technique: h for h in how if h is not None}.values()),
        "steps": [
            {
                "name": step_name(catalog, s),
                "where": where(catalog, s),
                "technique": s.technique,
                "regions": list(s.regions or ((s.region,) if s.region else ())),
                "seconds": s.seconds,
                "tool": s.tool.replace("_", " "),
                "pressure": s.pressure.value if s.pressure else "",
                "hold": s.hold_seconds,
                "cue": s.cue,
                "how": h.technique if h else None,
            }
            for s, h in zip(steps, how, strict=True)
        ],
        "guide": routine_guide(live.routine, catalog),
        "scale": request.app.state.config.time_scale,
        "voice": settings.voice is not False,
        "rate": settings.voice_rate or catalog.session.words_per_minute,
        "language": settings.voice_language or "en",
        "stop_advice": catalog.session.stop_advice,
        "back_svg": svg("back"),
        "base_rate": catalog.session.words_per_minute,
        "partner": live.routine.mode is Mode.PARTNER,  # the receiver's remote (issue 15)
        "remote": catalog.remote,
        "api": f"/api/sessions/{session_id}",  # where the page asks and tells the session
        "after": f"/sessions/{session_id}/after",
        "phone": False,  # the phone's player (web/phone.py): no way to the rest of the app
        # A phone plays this routine: this machine's page keeps quiet (and a reload of it does not pause it).
        "handed_over": any(p.player for p in request.app.state.remotes.paired(session_id)),
    }


@router.get("/sessions/{session_id}/after", response_class=HTMLResponse)
def after(request: Request, session_id: int) -> Response:
    record = journal_of(request).session(session_id)
    if record is None:
        raise NotFoundError(f"there is no session {session_id}")
    catalog = catalog_of(request)
    worked = record.worked()
    rated = [r for r in record.pain_before if r in worked] or sorted(worked, key=catalog.region_ids.index)
    return render(
        request,
        "pain.html",
        {
            "title": "How much does it hurt now?",
            "intro": "After the session: rate the same areas again. Sharp pain, new tingling or numbness is not "
            "normal: stop, and get it checked.",
            "guide": stored_guide(record.routine, catalog),
            "regions": [catalog.region(r) for r in rated],
            "action": f"/sessions/{session_id}/after",
            "button": "Save",
            "hidden": None,
            "before": record.pain_before,
            "back_svg": svg("back"),
        },
    )


@router.post("/sessions/{session_id}/after")
async def save_after(request: Request, session_id: int) -> Response:
    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    pain = _scores(dict(form), catalog_of(request))
    journal = journal_of(request)
    record = journal.session(session_id)
    if record is None:
        raise NotFoundError(f"there is no session {session_id}")
    if record.status is SessionStatus.ACTIVE:  # left before its end: what was not done is kept as skipped
        from unknot.session import Event

        live = request.app.state.live.get(session_id)
        with live.lock:
            if not live.session.over:
                request.app.state.live.keep(live, live.session.handle(Event.STOP))  # closes it in the journal
        request.app.state.live.end(live)
        record = journal.session(session_id) or record
    end_remote(request.app.state.remotes, session_id)
    if pain:
        journal.finish_session(session_id, record.status, datetime.now().astimezone(), pain)
    return RedirectResponse(f"/journal?saved={session_id}", status_code=303)


# --- journal, logging, exports, settings -----------------------------------------------------------------------


@router.get("/journal", response_class=HTMLResponse)
def journal_page(request: Request) -> Response:
    catalog = catalog_of(request)
    return render_drawn(
        request,
        "journal.html",
        "journal",
        lambda _now: {
            **_journal_view(catalog, summary_for(request)),
            "need": catalog.insight_rules.effect_min_sessions,
            "regions": {r.id: r.name for r in catalog.regions},
            "saved": request.query_params.get("saved"),
        },
    )


def _journal_view(catalog: Catalog, summary: JournalSummary) -> dict[str, Any]:
    """The journal summary as the journal page shows it: a chart per area, what helps, the recent records."""
    from unknot.summary import RECENT_DAYS
    from unknot.web.charts import region_chart

    charts = [
        {
            "region": catalog.region(t.region),
            "trend": t,
            "svg": region_chart(summary.entries_of(t.region), summary.now, days=RECENT_DAYS),
        }
        for t in summary.trends
    ]
    return {
        "advice": summary.advice,
        "charts": charts,
        "effects": [(catalog.technique(e.technique), e) for e in summary.effects],
        "entries": summary.recent_entries,
        "sessions": summary.sessions,
    }


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request) -> Response:
    return _log_form(request, {})


def _log_form(request: Request, typed: dict[str, str], note: str = "", status_code: int = 200) -> HTMLResponse:
    """The pain form, with what was ``typed`` filled in again (after a refusal nothing a person typed is lost)."""
    return render(
        request,
        "log.html",
        {
            "regions": catalog_of(request).regions,
            "back_svg": svg("back"),
            "qualities": _qualities(),
            "typed": typed,
            "note": note,
        },
        status_code=status_code,
    )


def _qualities() -> list[str]:
    from unknot.model import Quality

    return [q.value for q in Quality]


@router.post("/log")
async def log_entry(request: Request) -> Response:
    from unknot.pain import make_entry

    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    typed = {k: _text(form.get(k)) for k in ("region", "score", "quality", "note")}
    try:
        entry = make_entry(
            catalog_of(request), typed["region"], typed["score"], typed["quality"] or None, typed["note"]
        )
        journal_of(request).add_entry(entry)
    except JournalBusyError as exc:  # nothing typed is lost: the form comes back filled in, to save again
        response = _log_form(request, typed, f"{exc.message} Your rating is still here: press Save again.", 503)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except RequestError as exc:
        return _log_form(request, typed, exc.message, exc.http_status)
    return RedirectResponse("/journal?logged=1", status_code=303)


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request) -> Response:
    return render(request, "exports.html", {})


_DOWNLOADS = {
    "journal.csv": ("csv", "text/csv; charset=utf-8"),
    "journal.json": ("json", "application/json"),
    "journal-fhir.json": ("fhir", "application/fhir+json"),
    "report.pdf": ("pdf", "application/pdf"),
}


@router.get("/exports/{name}")
def download(request: Request, name: str) -> Response:
    from unknot.exports import JournalData, export_bytes

    if name not in _DOWNLOADS:
        raise RequestError(f"'{name}' is not an export; choose one of: {', '.join(_DOWNLOADS)}")
    fmt, media = _DOWNLOADS[name]
    journal = journal_of(request)
    data = JournalData(journal.entries(), journal.screens(), journal.clearances(active_only=False), journal.sessions())
    body = export_bytes(fmt, data, catalog_of(request), now=datetime.now(UTC))
    stamp = date.today().isoformat()
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="unknot-{stamp}-{name}"', "cache-control": "no-store"},
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> Response:
    catalog = catalog_of(request)
    return render(
        request,
        "settings.html",
        {
            "themes": THEMES,
            "default_rate": catalog.session.words_per_minute,
            "saved": request.query_params.get("saved"),
        },
    )


@router.post("/settings")
async def save_settings_page(request: Request) -> Response:
    from unknot.errors import ConfigError
    from unknot.settings import load_settings, save_settings, update_settings, validate_setting

    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    changes: dict[str, object] = {"voice": _text(form.get("voice")) == "on"}
    rate = _text(form.get("voice_rate")).strip()
    changes["voice_rate"] = validate_setting("voice_rate", rate) if rate else None
    number = _text(form.get("emergency_number")).strip()
    changes["emergency_number"] = validate_setting("emergency_number", number) if number else None
    theme = _text(form.get("theme")) or "auto"
    if theme not in THEMES:
        raise RequestError(f"theme '{theme}' is not one of: {', '.join(THEMES)}")
    changes["theme"] = None if theme == "auto" else theme
    try:
        current = load_settings()
    except ConfigError:
        current = Settings()  # a broken file is replaced by what the user just chose
    save_settings(update_settings(current, **changes))
    return RedirectResponse("/settings?saved=1", status_code=303)
