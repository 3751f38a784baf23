"""The safety screen in the browser, as the terminal asks it: a group at a time, emergency first (a yes there ends
the screen at once with the number to call), then which ones, then where on the body map for local findings, then
whether a professional has cleared each consult-first finding, and on what day (asked, never filled in as today).
A clearance kept in the journal is offered for the user to confirm it covers the same condition (a no: it does
not count today); an expired one is explained and asked again. "Not sure" counts as yes.

The questions, their order and what each answer does are the core's screen interview (``unknot.interview``,
begun and kept through ``unknot.today``), which the terminal drives too; this module renders each question and
parses each answer. The answers so far travel in the form (``draft``, the interview's JSON), so every page is a
plain form that works without script. Each answer is posted, then the browser is sent to the page that follows
(post, redirect, get): the browser's Back and reload never post an answer again, and each page's own Back link
leads to the step before. The verdict is kept in the journal; ``?for=receiver`` screens the person receiving a
partner massage.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unknot.errors import RequestError
from unknot.interview import Cleared, InterviewError, ScreenInterview, Stage
from unknot.model import Answer, Category, Verdict
from unknot.policy import SUBJECTS, DayPolicy
from unknot.screening import long_date
from unknot.today import keep_interview, start_interview
from unknot.web.context import catalog_of, emergency_number_for, journal_of, policy_for
from unknot.web.pages import render, require_csrf, svg

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _interview(request: Request, subject: str, state: str | None = None) -> ScreenInterview:
    """The interview about ``subject`` (``state``: the answers so far, from the form)."""
    return start_interview(
        journal_of(request),
        catalog_of(request),
        datetime.now().astimezone(),
        subject,
        state=state,
        policy=policy_for(request, subject),
    )


@router.get("/screen", response_class=HTMLResponse)
def first_group(request: Request) -> Response:
    """The first question; ``?for=receiver`` screens the person receiving a partner massage."""
    subject = request.query_params.get("for", "self")
    if subject not in SUBJECTS:
        raise RequestError(f"a screen is for 'self' or 'receiver', not '{subject}'")
    step = secrets.token_urlsafe(12)  # kept too, so that the second question can lead back to it
    request.state.screen_step = step
    response = _ask(request, _interview(request, subject))
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
    """Apply one posted answer to the interview its form carries; the next question, or the verdict once done. A
    wrong answer asks the same question again with what to change; an answer out of step is refused."""
    draft = _str(form.get("draft"))
    if not draft:
        raise RequestError("the screen's answers are missing; start the screen again")
    subject = _subject_of(draft)
    interview = _interview(request, subject, draft)
    stage = _str(form.get("stage"))
    try:
        if stage == Stage.GROUP:
            reply = _str(form.get("answer"))
            if reply not in {a.value for a in Answer}:
                return _ask(request, interview, "Choose Yes, No or Not sure.")
            interview.answer_group(Answer(reply))
        elif stage == Stage.WHICH:
            picked = [r for r in form.getlist("rules") if isinstance(r, str)]
            interview.answer_which(picked)
            if not picked:
                return _ask(request, interview, "None ticked: here is the question again.")
        elif stage == Stage.WHERE:
            places = [r for r in form.getlist("regions") if isinstance(r, str)]
            interview.answer_where(_str(form.get("rule")), places)
        elif stage == Stage.CLEARED:
            reply = _str(form.get("cleared"))
            if reply not in {c.value for c in Cleared}:
                return _ask(request, interview, "Choose one of the answers.")
            interview.answer_cleared(_str(form.get("rule")), Cleared(reply), _str(form.get("cleared_on")))
        else:
            raise RequestError("this step of the screen is not known; start the screen again")
    except InterviewError:
        raise
    except RequestError as exc:  # a wrong answer: nothing kept, the same question again with why
        return _ask(request, interview, f"{exc.message[0].upper()}{exc.message[1:]}.")
    if not interview.done:
        return _ask(request, interview)
    verdict, _record, policy = keep_interview(
        journal_of(request),
        catalog_of(request),
        datetime.now().astimezone(),
        interview,
        emergency_number=emergency_number_for(request),
    )
    return _show_verdict(request, verdict, policy)


def _subject_of(draft: str) -> str:
    """Whom the answers are about, read before they are checked (the journal's clearances and today's policy
    depend on it); ``ScreenInterview.load`` then checks everything."""
    import json

    try:
        subject = json.loads(draft).get("subject", "self")
    except (ValueError, AttributeError, RecursionError):
        raise RequestError("the screen's answers were garbled; start the screen again") from None
    return subject if subject in SUBJECTS else "self"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _ask(request: Request, interview: ScreenInterview, note: str = "") -> HTMLResponse:
    """The interview's next question as a page (``note``: why it is asked again)."""
    catalog = catalog_of(request)
    question = interview.question
    context: dict[str, Any] = {"draft": interview.dump(), "note": note}
    if question.stage in (Stage.GROUP, Stage.WHICH):
        group = question.group
        assert group is not None
        context |= {
            "group": group,
            "rules": list(question.rules),
            "emergency": question.emergency,
        }
        if question.stage is Stage.WHICH:
            assert question.pending is not None
            return render(request, "screen_which.html", context | {"answer": question.pending.value})
        return render(
            request,
            "screen_group.html",
            context
            | {
                "title": group.title_for(interview.subject),
                "prompt": group.prompt_for(interview.subject),
                "reminders": dict(interview.reminders),
                "number": question.number,
                "total": question.total,
            },
        )
    if question.stage is Stage.WHERE:
        context |= {"rule": question.rule, "regions": catalog.regions, "back_svg": svg("back")}
        return render(request, "screen_where.html", context)
    rule = question.rule
    assert question.stage is Stage.CLEARED and rule is not None
    return render(
        request,
        "screen_cleared.html",
        context
        | {
            "rule": rule,
            "today": interview.today.isoformat(),
            "known": long_date(question.known) if question.known else "",
            "holds": question.holds,
            "valid_days": rule.clearance_valid_days,
        },
    )


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
