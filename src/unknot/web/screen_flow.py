"""The safety screen in the browser, as the terminal asks it: a group at a time, emergency first (a yes there ends
the screen at once with the number to call), then which ones, then where on the body map for local findings, then
whether a professional has cleared each consult-first finding, and on what day (asked, never filled in as today).
A clearance kept in the journal is offered for the user to confirm it covers the same condition (a no: it does
not count today); an expired one is explained and asked again. "Not sure" counts as yes.

The answers so far travel in the form (``draft``, JSON), so every page is a plain form that works without script.
Each answer is posted, then the browser is sent to the page that follows (post, redirect, get): the browser's Back
and reload never post an answer again, and each page's own Back link leads to the step before. The verdict is kept
in the journal; ``?for=receiver`` screens the person receiving a partner massage.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unknot.clearances import check_clearance, in_force, parse_day
from unknot.contract import intake_from_json
from unknot.errors import RequestError
from unknot.model import Answer, Catalog, Category, Rule, ScreenGroup, Verdict
from unknot.policy import SUBJECTS, DayPolicy
from unknot.screening import clearance_applies, long_date, screen
from unknot.web.context import catalog_of, journal_of, policy_for, save_screen
from unknot.web.pages import render, require_csrf, svg

__all__ = ["Draft", "router"]

router = APIRouter(include_in_schema=False)


@dataclass
class Draft:
    """The answers so far."""

    group: int = 0  # the next group to ask
    ticked: dict[str, str] = field(default_factory=dict)  # rule -> "yes" or "unsure"
    regions: dict[str, list[str]] = field(default_factory=dict)  # local rule -> where
    cleared: dict[str, str] = field(default_factory=dict)  # consult-first rule -> the date it was cleared
    asked_cleared: list[str] = field(default_factory=list)
    new_cleared: list[str] = field(default_factory=list)  # clearances said during this screen: to keep
    subject: str = "self"  # whom the screen is about: the user, or the receiver of a partner massage

    def dump(self) -> str:
        return json.dumps(self.__dict__, separators=(",", ":"))

    @classmethod
    def load(cls, text: str | None, catalog: Catalog) -> Draft:
        """A draft from a form; anything malformed is a clear error, not a crash."""
        if not text:
            return cls()
        try:
            data = json.loads(text, parse_constant=_no_constant)  # Infinity or NaN: garbled, not a crash
            draft = cls(
                group=int(data.get("group", 0)),
                ticked={str(k): str(v) for k, v in dict(data.get("ticked", {})).items()},
                regions={str(k): [str(r) for r in v] for k, v in dict(data.get("regions", {})).items()},
                cleared={str(k): str(v) for k, v in dict(data.get("cleared", {})).items()},
                asked_cleared=[str(r) for r in data.get("asked_cleared", [])],
                new_cleared=[str(r) for r in data.get("new_cleared", [])],
                subject=str(data.get("subject", "self")),
            )
            for day in draft.cleared.values():
                date.fromisoformat(day)
        except (ValueError, TypeError, AttributeError, OverflowError):
            raise RequestError("the screen's answers were garbled; start the screen again") from None
        if any(catalog.rule(r) is None or a not in ("yes", "unsure") for r, a in draft.ticked.items()):
            raise RequestError("the screen's answers name an unknown rule; start the screen again")
        if not 0 <= draft.group <= len(catalog.groups) or draft.subject not in SUBJECTS:
            raise RequestError("the screen's answers were garbled; start the screen again")
        return draft


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a screen holds")


def _rules(catalog: Catalog, group: ScreenGroup) -> list[Rule]:
    return [r for rid in group.rules if (r := catalog.rule(rid)) is not None]


@router.get("/screen", response_class=HTMLResponse)
def first_group(request: Request) -> Response:
    """The first question; ``?for=receiver`` screens the person receiving a partner massage."""
    subject = request.query_params.get("for", "self")
    if subject not in SUBJECTS:
        raise RequestError(f"a screen is for 'self' or 'receiver', not '{subject}'")
    step = secrets.token_urlsafe(12)  # kept too, so that the second question can lead back to it
    request.state.screen_step = step
    response = _ask_group(request, Draft(subject=subject))
    _keep_page(request, step, bytes(response.body))
    return response


@router.get("/screen/{step}", response_class=HTMLResponse)
def shown_step(request: Request, step: str) -> Response:
    """A step of the screen as it was shown (after each answer the browser is sent here, so that its Back and
    reload never post an answer again)."""
    page = _pages(request).get(step)
    if page is None:
        return RedirectResponse("/screen", status_code=303)  # forgotten (a restart, or long ago): start again
    return HTMLResponse(page, headers={"cache-control": "no-store"})


@router.post("/screen", response_class=HTMLResponse)
async def answer(request: Request) -> Response:
    """One answer of the screen: the next question or the verdict, shown at a page of its own (post, redirect,
    get)."""
    form = await request.form()
    require_csrf(request, _str(form.get("csrf")))
    previous = _str(form.get("step"))
    step = secrets.token_urlsafe(12)
    request.state.screen_step = step
    request.state.screen_back = f"/screen/{previous}" if previous in _pages(request) else None
    response = await _answer(request, form)
    if response.status_code != 200 or not isinstance(response, HTMLResponse):
        return response
    _keep_page(request, step, bytes(response.body))
    return RedirectResponse(f"/screen/{step}", status_code=303)


#: How many shown steps the server keeps for Back (a few screens' worth; the oldest go first).
KEPT_STEPS = 400


def _pages(request: Request) -> OrderedDict[str, bytes]:
    pages: OrderedDict[str, bytes] | None = getattr(request.app.state, "screen_pages", None)
    if pages is None:
        pages = request.app.state.screen_pages = OrderedDict()
    return pages


def _keep_page(request: Request, step: str, body: bytes) -> None:
    pages = _pages(request)
    pages[step] = body
    while len(pages) > KEPT_STEPS:
        pages.popitem(last=False)


async def _answer(request: Request, form: Any) -> Response:
    catalog = catalog_of(request)
    draft = Draft.load(_str(form.get("draft")), catalog)
    stage = _str(form.get("stage"))
    if stage == "group":
        return _after_group(request, draft, _str(form.get("answer")))
    if stage == "which":
        picked = [r for r in form.getlist("rules") if isinstance(r, str)]
        return _after_which(request, draft, _str(form.get("answer")), picked)
    if stage == "where":
        rule = _str(form.get("rule"))
        places = [r for r in form.getlist("regions") if isinstance(r, str)]
        return _after_where(request, draft, rule, places)
    if stage == "cleared":
        rule = _str(form.get("rule"))
        return _after_cleared(request, draft, rule, _str(form.get("cleared")), _str(form.get("cleared_on")))
    raise RequestError("this step of the screen is not known; start the screen again")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _ask_group(request: Request, draft: Draft, note: str = "") -> Response:
    catalog = catalog_of(request)
    group = catalog.groups[draft.group]
    return render(
        request,
        "screen_group.html",
        {
            "draft": draft.dump(),
            "group": group,
            "title": group.title_for(draft.subject),
            "prompt": group.prompt_for(draft.subject),
            "reminders": _reminders(request, draft.subject),
            "number": draft.group + 1,
            "total": len(catalog.groups),
            "rules": _rules(catalog, group),
            "emergency": draft.group == 0,
            "note": note,
        },
    )


def _after_group(request: Request, draft: Draft, reply: str) -> Response:
    catalog = catalog_of(request)
    if draft.group >= len(catalog.groups):
        return _details(request, draft)
    group = catalog.groups[draft.group]
    if reply == "no":
        draft.group += 1
        return _next(request, draft)
    if reply not in ("yes", "unsure"):
        return _ask_group(request, draft, "Choose Yes, No or Not sure.")
    rules = _rules(catalog, group)
    if len(rules) == 1:
        return _after_which(request, draft, reply, [rules[0].id])
    return render(
        request,
        "screen_which.html",
        {"draft": draft.dump(), "group": group, "rules": rules, "answer": reply, "emergency": draft.group == 0},
    )


def _after_which(request: Request, draft: Draft, reply: str, picked: list[str]) -> Response:
    catalog = catalog_of(request)
    group = catalog.groups[min(draft.group, len(catalog.groups) - 1)]
    known = {r.id for r in _rules(catalog, group)}
    chosen = [r for r in picked if r in known]
    if reply not in ("yes", "unsure"):
        return _ask_group(request, draft)
    if not chosen:
        return _ask_group(request, draft, "None ticked: here is the question again.")
    for rule in chosen:
        draft.ticked[rule] = reply
    if draft.group == 0:  # the emergency group: decisive on its own, at once
        return _verdict(request, draft, complete=False)
    draft.group += 1
    return _next(request, draft)


def _next(request: Request, draft: Draft) -> Response:
    if draft.group < len(catalog_of(request).groups):
        return _ask_group(request, draft)
    return _details(request, draft)


def _details(request: Request, draft: Draft) -> Response:
    """Where for each local finding, then cleared-or-not for each consult-first yes, then the verdict."""
    catalog = catalog_of(request)
    for rule_id in draft.ticked:
        rule = catalog.rule(rule_id)
        if rule is not None and rule.is_local and not draft.regions.get(rule_id):
            return render(
                request,
                "screen_where.html",
                {"draft": draft.dump(), "rule": rule, "regions": catalog.regions, "back_svg": svg("back"), "note": ""},
            )
    known = in_force(journal_of(request).clearances())
    for rule_id, reply in draft.ticked.items():
        rule = catalog.rule(rule_id)
        if rule is None or rule.category is not Category.CONSULT_FIRST or reply != "yes":
            continue
        if rule_id not in draft.asked_cleared:
            return _ask_cleared(request, draft, rule, known.get(rule_id))
    return _verdict(request, draft, complete=True)


def _ask_cleared(request: Request, draft: Draft, rule: Rule, known: date | None, note: str = "") -> Response:
    """Has a professional cleared this? With a clearance kept: is it the same condition (or has it expired)?"""
    holds = known is not None and clearance_applies(rule, known, date.today())
    return render(
        request,
        "screen_cleared.html",
        {
            "draft": draft.dump(),
            "rule": rule,
            "today": date.today().isoformat(),
            "note": note,
            "known": long_date(known) if known else "",
            "holds": holds,
            "valid_days": rule.clearance_valid_days,
        },
    )


def _after_where(request: Request, draft: Draft, rule_id: str, places: list[str]) -> Response:
    catalog = catalog_of(request)
    rule = catalog.rule(rule_id)
    if rule is None or rule_id not in draft.ticked:
        raise RequestError("that finding is not in this screen; start the screen again")
    chosen = [r for r in places if catalog.region(r) is not None]
    if not chosen:
        return render(
            request,
            "screen_where.html",
            {
                "draft": draft.dump(),
                "rule": rule,
                "regions": catalog.regions,
                "back_svg": svg("back"),
                "note": "Tap or tick at least one area.",
            },
        )
    draft.regions[rule_id] = chosen
    return _details(request, draft)


def _after_cleared(request: Request, draft: Draft, rule_id: str, reply: str, cleared_on: str) -> Response:
    catalog = catalog_of(request)
    rule = catalog.rule(rule_id)
    if rule is None or rule_id not in draft.ticked:
        raise RequestError("that finding is not in this screen; start the screen again")
    known = in_force(journal_of(request).clearances()).get(rule_id)
    today = date.today()
    if reply == "same" and known is not None and clearance_applies(rule, known, today):
        draft.cleared[rule_id] = known.isoformat()
    elif reply == "yes":
        try:
            day = parse_day(cleared_on)
            check_clearance(catalog, rule_id, day, today)
        except RequestError as exc:  # refused: nothing kept, the question again with why
            return _ask_cleared(request, draft, rule, known, f"{exc.message[0].upper()}{exc.message[1:]}.")
        draft.cleared[rule_id] = day.isoformat()
        draft.new_cleared.append(rule_id)
    elif known is not None and not clearance_applies(rule, known, today):
        draft.cleared[rule_id] = known.isoformat()  # offered, so the verdict says it has expired and since when
    draft.asked_cleared.append(rule_id)
    return _details(request, draft)


def _verdict(request: Request, draft: Draft, *, complete: bool) -> Response:
    catalog = catalog_of(request)
    findings: list[Any] = []
    unsure: list[Any] = []
    for rule_id, reply in draft.ticked.items():
        rule = catalog.rule(rule_id)
        assert rule is not None
        item: Any = {"rule": rule_id, "regions": draft.regions.get(rule_id, [])} if rule.is_local else rule_id
        (findings if reply == Answer.YES.value else unsure).append(item)
    journal = journal_of(request)
    today = date.today()
    answers = {
        "findings": findings,
        "unsure": unsure,
        "cleared": [{"rule": r, "on": d} for r, d in sorted(draft.cleared.items())],
        "all_others_answered_no": complete,
        "today": today.isoformat(),
    }
    # A screen it would refuse keeps nothing, clearances included (issue 14, item 13): screened before any write.
    screen(intake_from_json(answers), catalog)
    new = {rule_id: parse_day(draft.cleared.get(rule_id)) for rule_id in dict.fromkeys(draft.new_cleared)}
    for rule_id, day in new.items():
        check_clearance(catalog, rule_id, day, today)  # a clearance the server refuses is never kept
    for rule_id, day in new.items():
        if any(c.rule == rule_id for c in journal.clearances()):  # the new one replaces the one kept before
            journal.withdraw_clearance(rule_id, datetime.now(UTC))
        journal.add_clearance(rule_id, day)
    verdict, policy = save_screen(request, answers, draft.subject)
    return _show_verdict(request, verdict, policy)


def _reminders(request: Request, subject: str) -> dict[str, str]:
    """What today's policy asks again (rule to what the journal showed), said under the question."""
    return {a.rule: a.shown for a in policy_for(request, subject).ask_again}


def _show_verdict(request: Request, verdict: Verdict, today: DayPolicy) -> Response:
    catalog = catalog_of(request)
    template = "emergency.html" if verdict.category is Category.EMERGENCY else "verdict.html"
    return render(
        request,
        template,
        {
            "verdict": verdict,
            "today": today,
            "subject": today.subject,
            "labels": {r.id: r.label for r in catalog.rules},
            "region_names": {r.id: r.name for r in catalog.regions},
            "restrictions": {r.id: r.meaning for r in catalog.restrictions},
            "referrals": list(dict.fromkeys(r.referral for r in verdict.reasons if r.referral and not r.cleared)),
            "clearable": any(
                r.cleared or r.category is Category.CONSULT_FIRST or r.clearance_expired for r in verdict.reasons
            ),
        },
    )
