"""A professional's clearance of a ``consult_first`` rule: checked before it is kept, and whether it still holds.

Every front end keeps clearances through these functions, so the same rules hold everywhere (contract version 2,
"Clearances expire"): only a ``consult_first`` rule can be cleared; the day it was given is said by the user,
never assumed to be today, and is not one still to come; a clearance holds for its rule's
``clearance_valid_days`` from that day. Pure: ``today`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from unknot.errors import RequestError
from unknot.model import Catalog, Category, Clearance, Rule
from unknot.screening import clearance_applies, long_date

__all__ = ["check_clearance", "describe", "expires_on", "holds", "in_force", "parse_day"]


def parse_day(text: str | None, what: str = "the day the professional cleared you") -> date:
    """A day written ``YYYY-MM-DD``; a ``RequestError`` naming the value and the fix otherwise (an empty
    answer included: the day is asked, never assumed)."""
    value = (text or "").strip()
    if not value:
        raise RequestError(f"give {what}, written YYYY-MM-DD (such as 2026-11-03); it is never assumed to be today")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise RequestError(f"'{value}' is not a day written YYYY-MM-DD; give {what}, such as 2026-11-03")


def check_clearance(catalog: Catalog, rule_id: str, cleared_on: date, today: date) -> Rule:
    """The rule a new clearance is for, once checked: a ``consult_first`` rule, and a day not after ``today``.

    Raises ``RequestError`` saying what to change.
    """
    rule = catalog.rule(rule_id)
    allowed = ", ".join(r.id for r in catalog.rules if r.category is Category.CONSULT_FIRST)
    if rule is None:
        raise RequestError(f"'{rule_id}' is not a rule; only these consult-first rules are cleared: {allowed}")
    if rule.category is not Category.CONSULT_FIRST:
        raise RequestError(
            f"'{rule_id}' is a {rule.category.value} rule, and a professional's clearance does not change it; only"
            f" these consult-first rules are cleared: {allowed}"
        )
    if cleared_on > today:
        raise RequestError(
            f"{cleared_on.isoformat()} is still to come; give the day the professional cleared you (today or before)"
        )
    return rule


def expires_on(rule: Rule, cleared_on: date) -> date | None:
    """The last day a clearance given on ``cleared_on`` holds (None when the rule sets no validity)."""
    if rule.clearance_valid_days is None:
        return None
    return cleared_on + timedelta(days=rule.clearance_valid_days)


def holds(catalog: Catalog, clearance: Clearance, today: date) -> bool:
    """Whether ``clearance`` is active and still within its rule's validity on ``today``."""
    rule = catalog.rule(clearance.rule)
    return clearance.active and rule is not None and clearance_applies(rule, clearance.cleared_on, today)


def in_force(clearances: Iterable[Clearance]) -> dict[str, date]:
    """The active clearances as a screen takes them, rule to the day given (the latest, when a rule has several);
    the screen itself then decides whether each still holds."""
    out: dict[str, date] = {}
    for c in clearances:
        if c.active and (c.rule not in out or c.cleared_on > out[c.rule]):
            out[c.rule] = c.cleared_on
    return out


def describe(catalog: Catalog, clearance: Clearance, today: date) -> str:
    """One line about a kept clearance: when it was given and whether it still holds."""
    given = long_date(clearance.cleared_on)
    if not clearance.active and clearance.withdrawn_at is not None:
        return f"cleared on {given}, withdrawn"
    rule = catalog.rule(clearance.rule)
    last = expires_on(rule, clearance.cleared_on) if rule else None
    if holds(catalog, clearance, today):
        return f"cleared on {given}, holds until {long_date(last)}" if last else f"cleared on {given}"
    if clearance.cleared_on > today:
        return f"dated {given}, a day still to come: it does not count"
    return f"cleared on {given}, expired after {long_date(last)}: ask again" if last else f"cleared on {given}"
