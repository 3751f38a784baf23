"""The JSON contract of ``unknot screen --json`` (``shared/contracts/README.md``), as pure functions.

``parse_json`` turns text into data (``invalid_json`` with line and column), ``intake_from_json`` checks the
request's shape (``invalid_request``: wrong type, unknown field) and builds an ``Intake``; ``screen`` then
checks the ids. ``verdict_to_json`` and ``error_to_json`` build the answers. Fields may be added, never renamed
or dropped.
"""

from __future__ import annotations

import json
from typing import Any

from unknot.errors import RequestError, RequestFileError, UnknotError
from unknot.model import Answer, Finding, Intake, Reason, Verdict

__all__ = ["error_to_json", "intake_from_json", "parse_json", "verdict_to_json"]

SCREEN_FIELDS = ("findings", "unsure", "cleared", "all_others_answered_no")
_ITEM_FIELDS = ("rule", "regions")


def parse_json(text: str, *, name: str = "the request") -> Any:
    """Decode ``text`` as JSON; a ``RequestFileError`` (``invalid_json``) gives the line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            code="invalid_json",
        ) from None


def intake_from_json(data: Any) -> Intake:
    """Build an ``Intake`` from a decoded screen request, checking the type of every field."""
    if not isinstance(data, dict):
        raise RequestError(f"the request must be a JSON object with the fields {', '.join(SCREEN_FIELDS)}")
    unknown = [k for k in data if k not in SCREEN_FIELDS]
    if unknown:
        raise RequestError(
            f"unknown field '{unknown[0]}' in the screen request; the fields are: {', '.join(SCREEN_FIELDS)}"
        )
    findings = [*_items(data, "findings", Answer.YES), *_items(data, "unsure", Answer.UNSURE)]
    cleared = data.get("cleared", [])
    if not isinstance(cleared, list) or not all(isinstance(x, str) for x in cleared):
        raise RequestError("'cleared' must be a list of rule ids, for example [\"cancer\"]")
    complete = data.get("all_others_answered_no", False)
    if not isinstance(complete, bool):
        raise RequestError(f"'all_others_answered_no' must be true or false, not {json.dumps(complete)}")
    return Intake(findings=tuple(findings), cleared=frozenset(cleared), complete=complete)


def _items(data: dict[str, Any], field: str, answer: Answer) -> list[Finding]:
    items = data.get(field, [])
    if not isinstance(items, list):
        raise RequestError(f'\'{field}\' must be a list of rule ids or {{"rule": ..., "regions": [...]}} objects')
    out = []
    for i, item in enumerate(items):
        where = f"'{field}' item {i + 1}"
        if isinstance(item, str):
            out.append(Finding(item, answer))
            continue
        if not isinstance(item, dict):
            raise RequestError(f"{where} must be a rule id or an object, not {json.dumps(item)}")
        extra = [k for k in item if k not in _ITEM_FIELDS]
        if extra:
            raise RequestError(f"{where} has the unknown field '{extra[0]}'; an item has 'rule' and 'regions'")
        rule = item.get("rule")
        if not isinstance(rule, str):
            raise RequestError(f"{where} needs 'rule', a rule id as a string")
        regions = item.get("regions", [])
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            raise RequestError(f"{where}: 'regions' must be a list of region ids, for example [\"rhomboid_left\"]")
        out.append(Finding(rule, answer, tuple(regions)))
    return out


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    """The contract's answer for ``verdict``."""
    out: dict[str, Any] = {
        "verdict": verdict.category.value,
        "may_massage": verdict.may_massage,
        "avoid_regions": list(verdict.avoid_regions),
        "restrictions": list(verdict.restrictions),
        "reasons": [_reason_to_json(r) for r in verdict.reasons],
        "advice": verdict.advice,
        "title": verdict.title,
        "next_step": verdict.next_step,
    }
    if not verdict.may_massage and verdict.category.value == "emergency":
        out["emergency_number"] = verdict.emergency_number
    return out


def _reason_to_json(reason: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": reason.rule,
        "category": reason.category.value,
        "unsure": reason.unsure,
        "cleared": reason.cleared,
    }
    if reason.regions:
        out["regions"] = list(reason.regions)
    if reason.restrictions:
        out["restrictions"] = list(reason.restrictions)
    out["message"] = reason.message
    out["sources"] = [s.key for s in reason.sources]
    out["references"] = [s.reference() for s in reason.sources]
    return out


def error_to_json(error: UnknotError) -> dict[str, Any]:
    """The contract's error answer: ``{"error": {"code": ..., "message": ...}}``."""
    return {"error": {"code": error.code, "message": error.message}}
