"""The safety screen: an ``Intake`` (the answers) becomes a ``Verdict``. Pure: no I/O, no front end.

The rules are data (``unknot/content/rules.yaml``, specified by ``shared/clinical/screening-rules.md``); this
module only applies them:

* the verdict is the strongest category among the findings, ``ok`` when there are none;
* "not sure" counts as yes, and the reason says so; a rule answered both yes and not sure counts as yes;
* a ``consult_first`` rule a professional has cleared counts as ``caution`` with its restrictions — not when
  the only answer was "not sure" (a clearance is for a condition one knows one has), and not when the
  clearance is dated more than the rule's ``clearance_valid_days`` before ``today`` or after it (version 2:
  clearances expire; the rule then counts as found and uncleared, and the reason says so);
* every blocking reason says who to see and how soon (``refer_to``, ``urgency``; an emergency: emergency
  services, now);
* every region of a local finding is avoided, whatever the finding's category;
* the restrictions are those of the ``caution`` findings (cleared ones included);
* an incomplete screen gives no verdict, unless an emergency finding decides it on its own;
* an emergency is decisive beside mistakes too: items that cannot be used are then listed in the verdict's
  ``not_understood`` instead of refusing the screen.
"""

from __future__ import annotations

from datetime import date
from typing import NoReturn

from unknot.content import load_catalog
from unknot.errors import IntakeError, RequestError
from unknot.model import (
    Answer,
    Catalog,
    Category,
    Finding,
    Intake,
    Mistake,
    Reason,
    ReferTo,
    Rule,
    Urgency,
    Verdict,
)
from unknot.pressure import guide

__all__ = ["clearance_applies", "long_date", "screen", "validate_intake"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """A day as people write it, the same in every locale: ``3 March 2024``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def clearance_applies(rule: Rule, cleared_on: date | None, today: date) -> bool:
    """Whether a professional's clearance of ``rule`` given on ``cleared_on`` still holds on ``today``.

    An undated clearance applies (the caller vouches for it); a dated one from ``today`` back to the rule's
    ``clearance_valid_days`` (that day included), never one dated after ``today``.
    """
    if rule.category is not Category.CONSULT_FIRST:
        return False
    if cleared_on is None:
        return True
    if cleared_on > today:
        return False
    return rule.clearance_valid_days is None or (today - cleared_on).days <= rule.clearance_valid_days


def screen(intake: Intake, catalog: Catalog | None = None, *, emergency_number: str | None = None) -> Verdict:
    """Screen ``intake`` against the rules of ``catalog`` (the shipped content by default).

    ``emergency_number`` is the number the advice tells the user to call (the catalog's default otherwise).
    Dated clearances are judged on ``intake.today`` (the local date when it is not given).
    Raises ``IntakeError`` for unknown rules or regions, misplaced regions, a rule cleared that cannot be,
    and an incomplete screen without an emergency finding — except that when the findings name a valid
    emergency rule, the verdict is that emergency and the faulty items are listed in ``not_understood``.
    """
    catalog = catalog or load_catalog()
    findings, mistakes = _checked(intake, catalog)
    if mistakes and not any(rule.category is Category.EMERGENCY for rule, _ in findings):
        _raise(mistakes[0])
    today = intake.today or date.today()
    dates = dict(intake.cleared_on)
    reasons = [_reason(catalog, rule, finding, intake.cleared, dates.get(rule.id), today) for rule, finding in findings]
    if not intake.complete and not any(r.category is Category.EMERGENCY for r in reasons):
        raise IntakeError(
            "the screen is incomplete: answer every other question and set all_others_answered_no to true"
            " (only an emergency finding gives a verdict on its own)",
            code="incomplete_screen",
        )
    rule_order = {rule_id: i for i, rule_id in enumerate(catalog.rule_ids)}
    reasons.sort(key=lambda r: (-r.category.strength, rule_order[r.rule]))
    category = reasons[0].category if reasons else Category.OK
    info = catalog.category(category)
    number = emergency_number or catalog.emergency_numbers.default
    avoid = {region for r in reasons for region in r.regions}
    restrictions = {x for r in reasons if r.category is Category.CAUTION for x in r.restrictions}
    target = guide(restrictions, [r.rule for r in reasons], catalog).target  # never the usual band under a caution
    advice = info.advice.format(emergency_number=number, pressure_target=target)
    if category.allows_massage and len(avoid) == len(catalog.regions):
        advice = catalog.all_avoided_note
    return Verdict(
        category=category,
        may_massage=category.allows_massage,
        avoid_regions=tuple(r for r in catalog.region_ids if r in avoid),
        restrictions=tuple(r.id for r in catalog.restrictions if r.id in restrictions),
        reasons=tuple(reasons),
        title=info.title,
        advice=advice,
        next_step=info.next_step.format(emergency_number=number),
        emergency_number=number,
        not_understood=tuple(mistakes),
    )


def validate_intake(intake: Intake, catalog: Catalog) -> list[tuple[Rule, Finding]]:
    """Check every id of ``intake`` against ``catalog``; merge repeated findings of one rule.

    A rule found both *yes* and *not sure* counts as yes; its regions are the union of both. Raises the first
    ``IntakeError`` (or the request's own first mistake).
    """
    findings, mistakes = _checked(intake, catalog)
    if mistakes:
        _raise(mistakes[0])
    return findings


def _raise(mistake: Mistake) -> NoReturn:
    if mistake.code == RequestError.code:
        raise RequestError(mistake.message)
    raise IntakeError(mistake.message, code=mistake.code)


def _checked(intake: Intake, catalog: Catalog) -> tuple[list[tuple[Rule, Finding]], list[Mistake]]:
    """The usable findings, merged by rule, and every item that cannot be used (the request's own first)."""
    mistakes = list(intake.mistakes)
    merged: dict[str, Finding] = {}
    rules: dict[str, Rule] = {}
    for finding in intake.findings:
        item = finding.given if finding.given is not None else _item(finding)
        try:
            rule = _rule(catalog, finding.rule)
            regions = _regions(catalog, rule, finding)
        except IntakeError as exc:
            mistakes.append(Mistake(item, exc.code, exc.message))
            if not (rule_of := catalog.rule(finding.rule)) or rule_of.category is not Category.EMERGENCY:
                continue
            rule, regions = rule_of, ()  # a wrong region beside an emergency rule: the emergency still counts
        if finding.answer is Answer.NO:
            continue
        finding = Finding(rule.id, finding.answer, regions)
        before = merged.get(rule.id)
        if before is not None:
            answer = Answer.YES if Answer.YES in (before.answer, finding.answer) else Answer.UNSURE
            finding = Finding(rule.id, answer, tuple(dict.fromkeys(before.regions + finding.regions)))
        merged[rule.id] = finding
        rules[rule.id] = rule
    dates = dict(intake.cleared_on)
    for rule_id in sorted(intake.cleared):
        item = {"rule": rule_id, "on": dates[rule_id].isoformat()} if rule_id in dates else rule_id
        try:
            rule = _rule(catalog, rule_id)
        except IntakeError as exc:
            mistakes.append(Mistake(item, exc.code, exc.message))
            continue
        if rule.category is not Category.CONSULT_FIRST:
            clearable = [r.id for r in catalog.rules if r.category is Category.CONSULT_FIRST]
            message = (
                f"rule '{rule_id}' is {rule.category}, not consult_first, so a professional's clearance does not"
                f" change it; only these can be cleared: {', '.join(clearable)}"
            )
            mistakes.append(Mistake(item, "not_clearable", message))
    return [(rules[rule_id], finding) for rule_id, finding in merged.items()], mistakes


def _item(finding: Finding) -> object:
    """A finding as the screen contract writes it."""
    return {"rule": finding.rule, "regions": list(finding.regions)} if finding.regions else finding.rule


def _regions(catalog: Catalog, rule: Rule, finding: Finding) -> tuple[str, ...]:
    if finding.answer is Answer.NO:
        return ()
    if rule.is_local and not finding.regions:
        raise IntakeError(
            f"rule '{rule.id}' asks where: give its regions, for example "
            f'{{"rule": "{rule.id}", "regions": ["{catalog.region_ids[1]}"]}}',
            code="regions_required",
        )
    if not rule.is_local and finding.regions:
        raise IntakeError(
            f"rule '{rule.id}' concerns the whole person, not a region: give it without regions",
            code="regions_not_allowed",
        )
    for region in finding.regions:
        if catalog.region(region) is None:
            raise IntakeError(
                f"region '{region}' is not an upper-back region; choose one of: {', '.join(catalog.region_ids)}",
                code="unknown_region",
            )
    return finding.regions


def _rule(catalog: Catalog, rule_id: str) -> Rule:
    rule = catalog.rule(rule_id)
    if rule is None:
        raise IntakeError(
            f"rule '{rule_id}' does not exist; the rules are: {', '.join(catalog.rule_ids)}",
            code="unknown_rule",
        )
    return rule


def _reason(
    catalog: Catalog,
    rule: Rule,
    finding: Finding,
    cleared: frozenset[str],
    cleared_on: date | None,
    today: date,
) -> Reason:
    unsure = finding.answer is Answer.UNSURE
    offered = rule.category is Category.CONSULT_FIRST and rule.id in cleared
    # A clearance is for a condition one knows one has: never for a rule answered only "not sure".
    is_cleared = offered and not unsure and clearance_applies(rule, cleared_on, today)
    expired = offered and not unsure and not is_cleared
    category = Category.CAUTION if is_cleared else rule.category
    message = rule.message
    if is_cleared:
        limits = [r.meaning for x in rule.restrictions if (r := catalog.restriction(x)) is not None]
        message = catalog.cleared_note + (f" Limits: {' '.join(limits)}" if limits else "")
    elif expired and cleared_on is not None:
        note = catalog.clearance_future_note if cleared_on > today else catalog.clearance_expired_note
        message = f"{message} {note.format(cleared_on=long_date(cleared_on), days=rule.clearance_valid_days)}"
    if unsure:
        message = f"{message} {catalog.unsure_note}"
        if offered:
            message = f"{message} {catalog.clearance_unsure_note}"
    refer_to, urgency = rule.refer_to, rule.urgency
    if category is Category.EMERGENCY:
        refer_to, urgency = ReferTo.EMERGENCY_SERVICES, Urgency.NOW
    elif category not in (Category.SEE_PROFESSIONAL, Category.CONSULT_FIRST):
        refer_to, urgency = None, None
    regions = tuple(r for r in catalog.region_ids if r in finding.regions)
    return Reason(
        rule=rule.id,
        category=category,
        message=message,
        sources=tuple(catalog.source(key) for key in rule.sources),
        unsure=unsure,
        cleared=is_cleared,
        regions=regions,
        restrictions=rule.restrictions if category is Category.CAUTION else (),
        refer_to=refer_to,
        urgency=urgency,
        referral=catalog.referral(refer_to, urgency),
        clearance_expired=expired,
        cleared_on=cleared_on if offered and not unsure else None,
    )
