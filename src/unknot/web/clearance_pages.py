"""The clearances in the browser: those kept (holding, expired, withdrawn), a form to keep a new one (the day it
was given is asked, never filled in as today) and a button to withdraw each. The rules are the core's
(``unknot.clearances``): a clearance the server refuses is never kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unknot.clearances import check_clearance, describe, holds, parse_day
from unknot.errors import RequestError
from unknot.model import Category
from unknot.web.context import catalog_of, journal_of
from unknot.web.pages import render, require_csrf

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _page(request: Request, note: str = "", status_code: int = 200, chosen: str = "") -> Response:
    catalog = catalog_of(request)
    today = date.today()
    kept = [
        {
            "rule": c.rule,
            "label": r.label if (r := catalog.rule(c.rule)) else c.rule,
            "state": "holds" if holds(catalog, c, today) else "withdrawn" if not c.active else "expired",
            "text": describe(catalog, c, today),
        }
        for c in journal_of(request).clearances(active_only=False)
    ]
    return render(
        request,
        "clearances.html",
        {
            "kept": kept,
            "rules": [r for r in catalog.rules if r.category is Category.CONSULT_FIRST],
            "today": today.isoformat(),
            "note": note,
            "chosen": chosen,
            "done": request.query_params.get("done", ""),
        },
        status_code=status_code,
    )


@router.get("/clearances", response_class=HTMLResponse)
def clearances_page(request: Request) -> Response:
    return _page(request)


@router.post("/clearances")
async def add_clearance(request: Request) -> Response:
    """Keep a clearance: a consult-first rule and the day it was given, checked before anything is kept."""
    form = await request.form()
    require_csrf(request, _str(form.get("csrf")))
    catalog = catalog_of(request)
    rule_id = _str(form.get("rule"))
    today = date.today()
    try:
        day = parse_day(_str(form.get("cleared_on")))
        check_clearance(catalog, rule_id, day, today)
    except RequestError as exc:
        return _page(request, f"Not kept: {exc.message}.", status_code=400, chosen=rule_id)
    journal = journal_of(request)
    if any(c.rule == rule_id for c in journal.clearances()):  # the new one replaces the one kept before
        journal.withdraw_clearance(rule_id, datetime.now(UTC))
    journal.add_clearance(rule_id, day)
    return RedirectResponse("/clearances?done=added", status_code=303)


@router.post("/clearances/withdraw")
async def withdraw_clearance(request: Request) -> Response:
    form = await request.form()
    require_csrf(request, _str(form.get("csrf")))
    rule_id = _str(form.get("rule"))
    if catalog_of(request).rule(rule_id) is None:
        raise RequestError(f"'{rule_id}' is not a rule; choose a clearance from the list")
    journal_of(request).withdraw_clearance(rule_id, datetime.now(UTC))
    return RedirectResponse("/clearances?done=withdrawn", status_code=303)
