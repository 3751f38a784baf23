"""The JSON contracts of ``unknot screen --json`` and ``unknot plan --json`` (``shared/contracts/README.md``).

Pure functions: ``parse_json`` turns text into data (``invalid_json`` with line and column);
``intake_from_json`` and ``plan_request_from_json`` check a request's shape (``invalid_request``: wrong type,
missing or unknown field) and build the core's request; ``screen`` and ``plan`` then check the ids.
``verdict_to_json``, ``routine_to_json`` and ``error_to_json`` build the answers. Fields may be added, never
renamed or dropped.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from typing import Any

from unknot.errors import PlanError, RequestError, RequestFileError, UnknotError
from unknot.model import (
    Answer,
    Category,
    Finding,
    Intake,
    Mistake,
    Mode,
    PlanRequest,
    Pressure,
    Reason,
    Routine,
    Shortened,
    Step,
    Verdict,
)

__all__ = [
    "error_to_json",
    "intake_from_json",
    "parse_json",
    "plan_request_from_json",
    "routine_from_json",
    "routine_to_json",
    "verdict_from_json",
    "verdict_to_json",
]

SCREEN_FIELDS = ("findings", "unsure", "cleared", "all_others_answered_no", "today")
_ITEM_FIELDS = ("rule", "regions")
_CLEARED_FIELDS = ("rule", "on")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would keep the last of two equal keys: a second "findings" would silently drop an emergency.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise RequestError(f"the key {json.dumps(key)} is given twice in one object; give each field once")
        out[key] = value
    return out


def parse_json(text: str, *, name: str = "the request") -> Any:
    """Decode ``text`` as JSON; a ``RequestFileError`` (``invalid_json``) gives the line and column, and an object
    that gives a key twice is an ``invalid_request``."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise RequestFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            code="invalid_json",
        ) from None
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits, or nesting thousands deep
        raise RequestFileError(f"{name} is not JSON unknot can read: {exc}", code="invalid_json") from None


def intake_from_json(data: Any, *, today: date | None = None) -> Intake:
    """Build an ``Intake`` from a decoded screen request, checking the type of every field.

    A request that is not an object of the contract's shape raises ``RequestError``; an item of ``findings``,
    ``unsure`` or ``cleared`` of the wrong shape becomes one of the intake's ``mistakes`` (refused by the
    screen unless an emergency decides it). ``today`` is the date when the request gives none (the local date
    by default, read by the screen).
    """
    if not isinstance(data, dict):
        raise RequestError(f"the request must be a JSON object with the fields {', '.join(SCREEN_FIELDS)}")
    unknown = [k for k in data if k not in SCREEN_FIELDS]
    if unknown:
        raise RequestError(
            f"unknown field '{unknown[0]}' in the screen request; the fields are: {', '.join(SCREEN_FIELDS)}"
        )
    mistakes: list[Mistake] = []
    findings = [*_items(data, "findings", Answer.YES, mistakes), *_items(data, "unsure", Answer.UNSURE, mistakes)]
    cleared, cleared_on = _cleared(data, mistakes)
    complete = data.get("all_others_answered_no", False)
    if not isinstance(complete, bool):
        raise RequestError(f"'all_others_answered_no' must be true or false, not {json.dumps(complete)}")
    if "today" in data:
        today = _date(data["today"], "'today'")
    return Intake(
        findings=tuple(findings),
        cleared=frozenset(cleared),
        complete=complete,
        cleared_on=tuple(sorted(cleared_on.items())),
        today=today,
        mistakes=tuple(mistakes),
    )


def _date(value: Any, where: str) -> date:
    """A day written YYYY-MM-DD; ``RequestError`` naming ``where`` otherwise."""
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
    raise RequestError(f'{where} must be a date written YYYY-MM-DD, such as "2026-11-03", not {json.dumps(value)}')


def _cleared(data: dict[str, Any], mistakes: list[Mistake]) -> tuple[list[str], dict[str, date]]:
    items = data.get("cleared", [])
    if not isinstance(items, list):
        raise RequestError(
            '\'cleared\' must be a list of rule ids or {"rule": ..., "on": "YYYY-MM-DD"} objects,'
            ' for example ["cancer", {"rule": "dvt", "on": "2026-11-03"}]'
        )
    rules: list[str] = []
    dates: dict[str, date] = {}
    for i, item in enumerate(items):
        where = f"'cleared' item {i + 1}"
        try:
            if isinstance(item, str):
                rules.append(item)
                continue
            rule = _item_rule(item, where, _CLEARED_FIELDS, "'rule' and 'on'")
            if "on" in item:
                day = _date(item["on"], f"{where}: 'on' (the day the professional cleared it)")
                if rule in dates and dates[rule] != day:
                    raise RequestError(f"{where}: '{rule}' is cleared twice, on different days; give it once")
                dates[rule] = day
            rules.append(rule)
        except RequestError as exc:
            mistakes.append(Mistake(item, exc.code, exc.message))
    return rules, dates


def intake_to_json(intake: Intake) -> dict[str, Any]:
    """The screen request that ``intake_from_json`` reads back as ``intake`` (how the journal keeps answers)."""

    def item(f: Finding) -> str | dict[str, Any]:
        return {"rule": f.rule, "regions": list(f.regions)} if f.regions else f.rule

    dates = dict(intake.cleared_on)
    out: dict[str, Any] = {
        "findings": [item(f) for f in intake.findings if f.answer is Answer.YES],
        "unsure": [item(f) for f in intake.findings if f.answer is Answer.UNSURE],
        "cleared": [{"rule": r, "on": dates[r].isoformat()} if r in dates else r for r in sorted(intake.cleared)],
        "all_others_answered_no": intake.complete,
    }
    if intake.today is not None:
        out["today"] = intake.today.isoformat()
    return out


def _items(data: dict[str, Any], field: str, answer: Answer, mistakes: list[Mistake]) -> list[Finding]:
    items = data.get(field, [])
    if not isinstance(items, list):
        raise RequestError(f'\'{field}\' must be a list of rule ids or {{"rule": ..., "regions": [...]}} objects')
    out = []
    for i, item in enumerate(items):
        try:
            out.append(_item(item, f"'{field}' item {i + 1}", answer))
        except RequestError as exc:
            mistakes.append(Mistake(item, exc.code, exc.message))
    return out


def _item(item: Any, where: str, answer: Answer) -> Finding:
    if isinstance(item, str):
        return Finding(item, answer, given=item)
    rule = _item_rule(item, where, _ITEM_FIELDS, "'rule' and 'regions'")
    regions = item.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise RequestError(f"{where}: 'regions' must be a list of region ids, for example [\"rhomboid_left\"]")
    return Finding(rule, answer, tuple(regions), given=item)


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
    if verdict.category is Category.EMERGENCY:
        out["emergency_number"] = verdict.emergency_number
    if verdict.not_understood:
        out["not_understood"] = [{"item": m.item, "code": m.code, "message": m.message} for m in verdict.not_understood]
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
    if reason.refer_to is not None and reason.urgency is not None:
        out["refer_to"] = reason.refer_to.value
        out["urgency"] = reason.urgency.value
        out["referral"] = reason.referral
    if reason.clearance_expired:
        out["clearance_expired"] = True
    if reason.cleared_on is not None:
        out["cleared_on"] = reason.cleared_on.isoformat()
    out["message"] = reason.message
    out["sources"] = [s.key for s in reason.sources]
    out["references"] = [s.reference() for s in reason.sources]
    return out


def error_to_json(error: UnknotError) -> dict[str, Any]:
    """The contract's error answer: ``{"error": {"code": ..., "message": ...}}``."""
    return {"error": {"code": error.code, "message": error.message}}


PLAN_FIELDS = ("mode", "tools", "minutes", "focus", "avoid", "restrictions", "screen", "seed", "position")


def plan_request_from_json(data: Any) -> tuple[PlanRequest, Verdict | None]:
    """Build a ``PlanRequest`` (and the screen's verdict, when the request carries one) from decoded JSON."""
    if not isinstance(data, dict):
        raise RequestError(f"the request must be a JSON object with the fields {', '.join(PLAN_FIELDS)}")
    unknown = [k for k in data if k not in PLAN_FIELDS]
    if unknown:
        raise RequestError(
            f"unknown field '{unknown[0]}' in the plan request; the fields are: {', '.join(PLAN_FIELDS)}"
        )
    for required in ("mode", "minutes"):
        if required not in data:
            raise RequestError(f'the plan request needs \'{required}\'; for example {{"mode": "self", "minutes": 10}}')
    mode = data["mode"]
    if not isinstance(mode, str):
        raise RequestError(f'\'mode\' must be "partner" or "self", not {json.dumps(mode)}')
    if mode not in {m.value for m in Mode}:
        raise PlanError(f"mode '{mode}' is not known; choose partner or self", code="unknown_mode")
    minutes = data["minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int | float):
        raise RequestError(f"'minutes' must be a whole number from 3 to 60, not {json.dumps(minutes)}")
    if not isinstance(minutes, int):
        raise PlanError(f"minutes must be a whole number from 3 to 60, not {minutes}", code="minutes_out_of_range")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise RequestError(f"'seed' must be a whole number, not {json.dumps(seed)}")
    position = data.get("position")
    if position is not None and not isinstance(position, str):
        raise RequestError(f'\'position\' must be "prone" or "seated", not {json.dumps(position)}')
    request = PlanRequest(
        mode=Mode(mode),
        minutes=minutes,
        tools=_ids(data, "tools"),
        focus=_ids(data, "focus"),
        avoid=_ids(data, "avoid"),
        restrictions=_ids(data, "restrictions"),
        seed=seed,
        position=position,
    )
    return request, verdict_from_json(data.get("screen"))


def _ids(data: dict[str, Any], field: str) -> tuple[str, ...]:
    value = data.get(field, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise RequestError(f"'{field}' must be a list of ids, for example [\"rhomboid_left\"]")
    return tuple(dict.fromkeys(value))


def verdict_from_json(screen: Any) -> Verdict | None:
    """A screen's verdict from its JSON answer: what the planner uses is checked; unknown fields are ignored."""
    if screen is None:
        return None
    if not isinstance(screen, dict):
        raise RequestError("'screen' must be the JSON object `unknot screen --json` printed")
    category: Category | None = None
    if "verdict" in screen:
        if not isinstance(screen["verdict"], str) or screen["verdict"] not in {c.value for c in Category}:
            raise RequestError(f"'screen.verdict' {json.dumps(screen['verdict'])} is not a verdict category")
        category = Category(screen["verdict"])
    may_massage = screen.get("may_massage", category.allows_massage if category else None)
    if not isinstance(may_massage, bool):
        raise RequestError("'screen' needs 'may_massage' (true or false), as `unknot screen --json` prints it")
    avoid = screen.get("avoid_regions", [])
    restrictions = screen.get("restrictions", [])
    for name, value in (("avoid_regions", avoid), ("restrictions", restrictions)):
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise RequestError(f"'screen.{name}' must be a list of ids")

    def text(key: str) -> str:
        value = screen.get(key, "")
        return value if isinstance(value, str) else ""

    reasons = screen.get("reasons", [])
    if not isinstance(reasons, list):
        raise RequestError("'screen.reasons' must be a list, as `unknot screen --json` prints it")
    # Only the rule ids are used (they choose today's pressure target); a reason that names none is skipped.
    rules = [r["rule"] for r in reasons if isinstance(r, dict) and isinstance(r.get("rule"), str)]

    return Verdict(
        category=category or (Category.OK if may_massage else Category.STOP_TODAY),
        may_massage=may_massage,
        avoid_regions=tuple(avoid),
        restrictions=tuple(restrictions),
        reasons=tuple(Reason(rule, category or Category.OK, "", ()) for rule in rules),
        title=text("title"),
        advice=text("advice"),
        next_step=text("next_step"),
        emergency_number=text("emergency_number"),
    )


def routine_to_json(routine: Routine) -> dict[str, Any]:
    """The contract's answer for ``routine``."""
    out: dict[str, Any] = {
        "mode": routine.mode.value,
        "position": routine.position,
        "total_seconds": routine.total_seconds,
        "steps": [_step_to_json(s) for s in routine.steps],
        "focus": list(routine.focus),
        "avoid": list(routine.avoid),
        "restrictions": list(routine.restrictions),
        "notes": list(routine.notes),
        # Added with the pressure targets: the screen's rules that change how pressure is judged (reduced_sensation).
        **({"rules": list(routine.rules)} if routine.rules else {}),
    }
    if routine.shortened is not None:
        out["shortened"] = {"asked_seconds": routine.shortened.asked_seconds, "reason": routine.shortened.reason}
    return out


def _step_to_json(step: Step) -> dict[str, Any]:
    if not step.is_technique:
        return {
            "kind": "transition",
            "name": step.name,
            "seconds": step.seconds,
            "position": step.position,
            "cue": step.cue,
        }
    out: dict[str, Any] = {
        "kind": "technique",
        "technique": step.technique,
        "region": step.region,
    }
    if step.regions:
        out["regions"] = list(step.regions)
    out.update(tool=step.tool, position=step.position, seconds=step.seconds)
    out["pressure"] = step.pressure.value if step.pressure else "light"
    if step.hold_seconds is not None:
        out["hold_seconds"] = step.hold_seconds
    out["cue"] = step.cue
    return out


def routine_from_json(data: Any) -> Routine:
    """A routine from the contract's answer (as the journal keeps it, to resume a session); ``RequestError`` when it
    is not one."""
    try:
        steps = tuple(_step_from_json(step) for step in data["steps"])
        routine = Routine(
            mode=Mode(data["mode"]),
            position=str(data["position"]),
            steps=steps,
            avoid=tuple(data.get("avoid", ())),
            restrictions=tuple(data.get("restrictions", ())),
            focus=tuple(data.get("focus", ())),
            notes=tuple(data.get("notes", ())),
            rules=tuple(str(r) for r in data.get("rules", ())),
            shortened=_shortened_from_json(data.get("shortened")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RequestError(f"this is not a routine unknot wrote ({type(exc).__name__}: {exc})") from None
    if not steps:
        raise RequestError("this routine has no steps")
    return routine


def _shortened_from_json(data: Any) -> Shortened | None:
    if data is None:
        return None
    asked = data["asked_seconds"]
    if isinstance(asked, bool) or not isinstance(asked, int):
        raise ValueError(f"shortened.asked_seconds must be a whole number, not {asked!r}")
    return Shortened(asked, str(data["reason"]))


def _step_from_json(data: dict[str, Any]) -> Step:
    seconds = data["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
        raise ValueError(f"a step's seconds must be a positive whole number, not {seconds!r}")
    if data["kind"] == "transition":
        return Step("transition", seconds, str(data["cue"]), str(data["position"]), name=str(data["name"]))
    if data["kind"] != "technique":
        raise ValueError(f"a step is a technique or a transition, not {data['kind']!r}")
    hold = data.get("hold_seconds")
    return Step(
        "technique",
        seconds,
        str(data["cue"]),
        str(data["position"]),
        technique=str(data["technique"]),
        region=str(data["region"]),
        regions=tuple(data.get("regions", ())),
        tool=str(data["tool"]),
        pressure=Pressure(data["pressure"]),
        hold_seconds=int(hold) if hold is not None else None,
    )


def _item_rule(item: Any, where: str, fields: Collection[str], described: str) -> str:
    """The rule id of an object item of a request (``where`` names it); ``RequestError`` for anything else."""
    if not isinstance(item, dict):
        raise RequestError(f"{where} must be a rule id or an object, not {json.dumps(item)}")
    extra = [k for k in item if k not in fields]
    if extra:
        raise RequestError(f"{where} has the unknown field '{extra[0]}'; an item has {described}")
    rule = item.get("rule")
    if not isinstance(rule, str):
        raise RequestError(f"{where} needs 'rule', a rule id as a string")
    return rule
