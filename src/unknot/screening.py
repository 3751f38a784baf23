"""The safety screen: an ``Intake`` (the answers) becomes a ``Verdict``. Pure: no I/O, no front end.

The rules are data (``unknot/content/rules.yaml``, specified by ``shared/clinical/screening-rules.md``); this
module only applies them:

* the verdict is the strongest category among the findings, ``ok`` when there are none;
* "not sure" counts as yes, and the reason says so;
* a ``consult_first`` rule a professional has cleared counts as ``caution`` with its restrictions (not when
  the answer was "not sure": a clearance is for a condition one knows one has);
* every region of a local finding is avoided, whatever the finding's category;
* the restrictions are those of the ``caution`` findings (cleared ones included);
* an incomplete screen gives no verdict, unless an emergency finding decides it on its own.
"""

from __future__ import annotations

from unknot.content import load_catalog
from unknot.errors import IntakeError
from unknot.model import Answer, Catalog, Category, Finding, Intake, Reason, Rule, Verdict
from unknot.pressure import guide

__all__ = ["screen", "validate_intake"]


def screen(intake: Intake, catalog: Catalog | None = None, *, emergency_number: str | None = None) -> Verdict:
    """Screen ``intake`` against the rules of ``catalog`` (the shipped content by default).

    ``emergency_number`` is the number the advice tells the user to call (the catalog's default otherwise).
    Raises ``IntakeError`` for unknown rules or regions, misplaced regions, a rule cleared that cannot be,
    and an incomplete screen without an emergency finding.
    """
    catalog = catalog or load_catalog()
    findings = validate_intake(intake, catalog)
    doubted = {f.rule for f in intake.findings if f.answer is Answer.UNSURE}
    cleared = intake.cleared - doubted
    reasons = [_reason(catalog, catalog_rule, finding, cleared) for catalog_rule, finding in findings]
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
    )


def validate_intake(intake: Intake, catalog: Catalog) -> list[tuple[Rule, Finding]]:
    """Check every id of ``intake`` against ``catalog``; merge repeated findings of one rule.

    A rule found both *yes* and *not sure* counts as yes; its regions are the union of both.
    """
    merged: dict[str, Finding] = {}
    rules: dict[str, Rule] = {}
    for finding in intake.findings:
        rule = _rule(catalog, finding.rule)
        if finding.answer is Answer.NO:
            continue
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
        before = merged.get(rule.id)
        if before is not None:
            answer = Answer.YES if Answer.YES in (before.answer, finding.answer) else Answer.UNSURE
            finding = Finding(rule.id, answer, tuple(dict.fromkeys(before.regions + finding.regions)))
        merged[rule.id] = finding
        rules[rule.id] = rule
    for rule_id in sorted(intake.cleared):
        rule = _rule(catalog, rule_id)
        if rule.category is not Category.CONSULT_FIRST:
            clearable = [r.id for r in catalog.rules if r.category is Category.CONSULT_FIRST]
            raise IntakeError(
                f"rule '{rule_id}' is {rule.category}, not consult_first, so a professional's clearance does not"
                f" change it; only these can be cleared: {', '.join(clearable)}",
                code="not_clearable",
            )
    return [(rules[rule_id], finding) for rule_id, finding in merged.items()]


def _rule(catalog: Catalog, rule_id: str) -> Rule:
    rule = catalog.rule(rule_id)
    if rule is None:
        raise IntakeError(
            f"rule '{rule_id}' does not exist; the rules are: {', '.join(catalog.rule_ids)}",
            code="unknown_rule",
        )
    return rule


def _reason(catalog: Catalog, rule: Rule, finding: Finding, cleared: frozenset[str]) -> Reason:
    is_cleared = rule.category is Category.CONSULT_FIRST and rule.id in cleared
    category = Category.CAUTION if is_cleared else rule.category
    message = rule.message
    if is_cleared:
        limits = [r.meaning for x in rule.restrictions if (r := catalog.restriction(x)) is not None]
        message = catalog.cleared_note + (f" Limits: {' '.join(limits)}" if limits else "")
    unsure = finding.answer is Answer.UNSURE
    if unsure:
        message = f"{message} {catalog.unsure_note}"
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
    )
