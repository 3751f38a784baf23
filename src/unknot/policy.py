"""Today's policy: what the journal knows governs the rest of the day. Pure: records and a time in, a decision out.

Specification: ``shared/clinical/screening-rules.md``, "Version 2 → Across the day"; thresholds and sentences are
content (``day.yaml``). Every front end, the resume of an unfinished session and any future client ask this one
function, so they cannot drift apart:

1. A blocking verdict stands for the rest of the local day. After ``emergency``, ``stop_today`` or
   ``see_professional`` a later screen the same day only adds findings; an uncleared ``consult_first`` rule is
   lifted the same day only by a later screen on which a professional's clearance of that rule applies. A screen
   withdrawn as answered by mistake does not count (the journal keeps it, marked).
2. Local findings accumulate over the day, and so do the restrictions of the day's screens (a design choice).
3. An unfinished session resumes only under today's policy (``resume_decision``).
4. The pain journal feeds the policy: an area rated ``severe_rating`` or more today is left alone today, and the
   next screen asks ``severe_undiagnosed`` again; an area whose pain rose over the last week (``insights``) is left
   alone until it settles; a ``sharp`` or ``tingling`` entry brings its rule's advice at once and the next screen
   asks that rule again.
5. An area a session made worse is named first, and left alone until a later rating shows it settled.
6. Screens are about one person: ``self``, or the ``receiver`` of a partner massage; a partner session is governed
   by the receiver's screens only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from unknot.insights import worse_regions
from unknot.model import (
    Catalog,
    Category,
    Mode,
    PainEntry,
    Pressure,
    ScreenRecord,
    SessionRecord,
    SessionStatus,
)

__all__ = [
    "SUBJECTS",
    "AskAgain",
    "AvoidedArea",
    "DayPolicy",
    "ResumeDecision",
    "day_policy",
    "local_day",
    "may_withdraw",
    "resume_decision",
    "step_conflict",
    "subject_of",
]

SUBJECTS = ("self", "receiver")


@dataclass(frozen=True, slots=True)
class AvoidedArea:
    """A region left alone today, and why, in words for the user. ``cause``: ``screen``, ``rating``,
    ``worse_week`` or ``worse_session``."""

    region: str
    why: str
    cause: str


@dataclass(frozen=True, slots=True)
class AskAgain:
    """A rule the next screen asks again, with what the journal showed (an entry or a rating)."""

    rule: str
    shown: str


@dataclass(frozen=True, slots=True)
class DayPolicy:
    """What today allows, for one person, from every screen of the day and what the journal holds.

    ``category`` is the day's standing verdict (None before any screen today); ``reasons`` are the contract's
    reason objects that stand, strongest first; ``advice`` holds what the journal says at once (an area a session
    made worse first, then sharp or tingling entries)."""

    day: date
    subject: str
    category: Category | None
    title: str
    reasons: tuple[dict[str, Any], ...]
    restrictions: tuple[str, ...]
    avoided: tuple[AvoidedArea, ...]
    advice: tuple[str, ...]
    ask_again: tuple[AskAgain, ...]
    explanation: str
    withdrawable: int | None = None  # the id of today's last screen while it may still be withdrawn

    @property
    def screened(self) -> bool:
        """Whether a screen (not withdrawn) was taken today."""
        return self.category is not None

    @property
    def may_massage(self) -> bool:
        """Whether today's screens allow massage."""
        return self.category is not None and self.category.allows_massage

    @property
    def blocked(self) -> bool:
        """Whether a screen today said no massage (as opposed to no screen yet)."""
        return self.category is not None and not self.category.allows_massage

    @property
    def avoid_regions(self) -> tuple[str, ...]:
        """Every region left alone today, in the order found."""
        return tuple(dict.fromkeys(a.region for a in self.avoided))

    def why_avoided(self, region: str) -> str:
        """The first reason ``region`` is left alone today ('' when it is not)."""
        return next((a.why for a in self.avoided if a.region == region), "")

    def verdict(self) -> dict[str, Any]:
        """Today as the screen contract's answer, for the planner: ``may_massage``, ``avoid_regions`` (the
        journal's too) and ``restrictions``."""
        return {
            "verdict": self.category.value if self.category else "incomplete",
            "may_massage": self.may_massage,
            "avoid_regions": list(self.avoid_regions),
            "restrictions": list(self.restrictions),
            "reasons": [dict(r) for r in self.reasons],
        }


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of ``moment`` where the user is (``tz``; None: this machine's zone)."""
    return moment.astimezone(tz).date()


def subject_of(mode: Mode | str) -> str:
    """Whom the screen is about for a routine of ``mode``: a partner massage is screened for its receiver."""
    return "receiver" if Mode(mode) is Mode.PARTNER else "self"


def may_withdraw(catalog: Catalog, screen: ScreenRecord, now: datetime) -> bool:
    """Whether ``screen`` may still be withdrawn as answered by mistake (within ``withdraw_minutes``)."""
    age = now - screen.at
    return screen.withdrawn_at is None and timedelta(0) <= age <= timedelta(minutes=catalog.day.withdraw_minutes)


def day_policy(
    catalog: Catalog,
    now: datetime,
    *,
    screens: Iterable[ScreenRecord],
    entries: Iterable[PainEntry] = (),
    sessions: Iterable[SessionRecord] = (),
    subject: str = "self",
    tz: tzinfo | None = None,
) -> DayPolicy:
    """Today's policy for ``subject`` at ``now``. ``screens``, ``entries`` and ``sessions`` may hold more than
    today (a week or two of the journal is enough); what is not today is left out here."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {SUBJECTS}, got {subject!r}")
    texts = catalog.day.texts
    today = local_day(now, tz)
    all_screens = sorted((s for s in screens if s.at <= now), key=lambda s: s.at)
    own = [s for s in all_screens if s.subject == subject and s.withdrawn_at is None]
    todays = [s for s in own if local_day(s.at, tz) == today]
    category, reasons, restrictions, avoided = _screens_of_the_day(catalog, todays)
    entries = sorted((e for e in entries if e.at <= now), key=lambda e: e.at)
    sessions = [s for s in sessions if s.started_at <= now]
    avoided += _rated_today(catalog, entries, today, tz)
    avoided += _worse_this_week(catalog, entries, now)
    worse_sessions = _worse_after_sessions(catalog, sessions, entries, now, tz)
    avoided += [area for area, _advice in worse_sessions]
    last_screen = own[-1].at if own else None
    advice = tuple(dict.fromkeys([a for _area, a in worse_sessions] + _entry_advice(catalog, entries, now, tz)))
    ask_again = _ask_again(catalog, entries, last_screen, today, tz)
    if category is None:
        title, explanation = "", texts.no_screen
    else:
        title = catalog.category(category).title
        explanation = texts.blocked.format(title=title) if not category.allows_massage else ""
    withdrawable = todays[-1].id if todays and may_withdraw(catalog, todays[-1], now) else None
    return DayPolicy(
        day=today,
        subject=subject,
        category=category,
        title=title,
        reasons=tuple(reasons),
        restrictions=tuple(restrictions),
        avoided=tuple(_first_per_region(avoided)),
        advice=advice,
        ask_again=tuple(ask_again),
        explanation=explanation,
        withdrawable=withdrawable,
    )


def _screens_of_the_day(
    catalog: Catalog, todays: Sequence[ScreenRecord]
) -> tuple[Category | None, list[dict[str, Any]], list[str], list[AvoidedArea]]:
    """Every screen of the day, oldest first, folded into one standing verdict (items 1 and 2)."""
    if not todays:
        return None, [], [], []
    standing: dict[str, dict[str, Any]] = {}  # emergency, stop_today, see_professional: never lifted today
    consult: dict[str, dict[str, Any]] = {}  # uncleared consult_first: lifted by a later clearance of the rule
    allowed: dict[str, dict[str, Any]] = {}  # caution (cleared rules included) and avoid_area
    restrictions: dict[str, None] = {}
    avoided: list[AvoidedArea] = []
    for screen in todays:
        verdict = screen.verdict
        for reason in verdict.get("reasons", []):
            rule_id = str(reason.get("rule", ""))
            try:
                category = Category(str(reason.get("category", "")))
            except ValueError:
                continue
            if category is Category.CONSULT_FIRST:
                consult[rule_id] = reason
            elif category.allows_massage:
                allowed[rule_id] = reason
                if reason.get("cleared"):
                    consult.pop(rule_id, None)
            else:
                standing.setdefault(rule_id, reason)
            rule = catalog.rule(rule_id)
            for region in reason.get("regions", []) or []:
                finding = rule.label if rule else rule_id
                avoided.append(
                    AvoidedArea(str(region), catalog.day.texts.avoid_screen.format(finding=finding), "screen")
                )
        for region in verdict.get("avoid_regions", []) or []:
            if not any(a.region == region for a in avoided):
                avoided.append(AvoidedArea(str(region), catalog.day.texts.avoid_screen.format(finding="It"), "screen"))
        restrictions.update(dict.fromkeys(str(r) for r in verdict.get("restrictions", []) or []))
    reasons = [*standing.values(), *consult.values(), *allowed.values()]
    reasons.sort(key=lambda r: -Category(str(r["category"])).strength)
    if reasons:
        category = Category(str(reasons[0]["category"]))
    else:
        category = Category.OK
    if category is Category.OK and restrictions:
        category = Category.CAUTION
    if category is Category.OK and avoided:
        category = Category.AVOID_AREA
    return category, reasons, list(restrictions), avoided


def _region_name(catalog: Catalog, region: str) -> str:
    found = catalog.region(region)
    return found.spoken if found else region


def _rated_today(catalog: Catalog, entries: Sequence[PainEntry], today: date, tz: tzinfo | None) -> list[AvoidedArea]:
    texts, limit = catalog.day.texts, catalog.day.severe_rating
    out = []
    for e in entries:
        if e.score >= limit and local_day(e.at, tz) == today:
            out.append(AvoidedArea(e.region, texts.avoid_rating.format(score=e.score), "rating"))
    return out


def _worse_this_week(catalog: Catalog, entries: Sequence[PainEntry], now: datetime) -> list[AvoidedArea]:
    texts = catalog.day.texts
    return [
        AvoidedArea(region, texts.avoid_worse_week.format(points=f"{round(points, 1):g}"), "worse_week")
        for region, points in worse_regions(catalog, entries, now).items()
    ]


def _worse_after_sessions(
    catalog: Catalog, sessions: Sequence[SessionRecord], entries: Sequence[PainEntry], now: datetime, tz: tzinfo | None
) -> list[tuple[AvoidedArea, str]]:
    """Areas a recent session made worse (after at least ``worse_after_session_points`` above before), newest
    session first, unless a later rating is back at or below the rating before it."""
    rules = catalog.day
    since = now - timedelta(days=rules.worse_after_session_days)
    out: list[tuple[AvoidedArea, str]] = []
    for session in sorted(sessions, key=lambda s: s.started_at, reverse=True):
        if session.started_at < since or session.status is SessionStatus.ACTIVE:
            continue
        ended = session.ended_at or session.started_at
        for region, after in session.pain_after.items():
            before = session.pain_before.get(region)
            if before is None or after - before < rules.worse_after_session_points:
                continue
            settled = any(
                e.region == region and e.at > ended and e.session_id != session.id and e.score <= before
                for e in entries
            )
            if settled:
                continue
            day = local_day(session.started_at, tz).isoformat()
            why = rules.texts.avoid_worse_session.format(day=day, before=before, after=after)
            name = _region_name(catalog, region)
            advice = catalog.insight_rules.worse_today_message.format(region=name, before=before, after=after)
            out.append((AvoidedArea(region, why, "worse_session"), advice))
    return out


def _entry_advice(catalog: Catalog, entries: Sequence[PainEntry], now: datetime, tz: tzinfo | None) -> list[str]:
    """The advice of ``sharp_pain`` / ``radiating_arm`` for sharp or tingling entries of the last
    ``red_flag_days``, newest first."""
    since = now - timedelta(days=catalog.insight_rules.red_flag_days)
    out: list[str] = []
    for e in reversed(entries):
        rule_id = catalog.day.ask_again.get(e.quality) if e.quality else None
        rule = catalog.rule(rule_id) if rule_id else None
        if rule is None or e.at < since:
            continue
        out.append(
            catalog.day.texts.entry_advice.format(
                quality=e.quality,
                region=_region_name(catalog, e.region),
                day=local_day(e.at, tz).isoformat(),
                message=rule.message,
            )
        )
    return out


def _ask_again(
    catalog: Catalog, entries: Sequence[PainEntry], last_screen: datetime | None, today: date, tz: tzinfo | None
) -> list[AskAgain]:
    """The rules the next screen asks again: each sharp or tingling entry logged since the last screen, and
    ``severe_undiagnosed`` for an area rated ``severe_rating`` or more today; one per rule, the newest entry."""
    texts = catalog.day.texts
    found: dict[str, AskAgain] = {}
    for e in entries:
        rule_id = catalog.day.ask_again.get(e.quality) if e.quality else None
        if rule_id and (last_screen is None or e.at > last_screen):
            shown = texts.ask_again.format(
                quality=e.quality, region=_region_name(catalog, e.region), day=local_day(e.at, tz).isoformat()
            )
            found[rule_id] = AskAgain(rule_id, shown)
        if e.score >= catalog.day.severe_rating and local_day(e.at, tz) == today:
            shown = texts.ask_again_rating.format(region=_region_name(catalog, e.region), score=e.score)
            found["severe_undiagnosed"] = AskAgain("severe_undiagnosed", shown)
    return list(found.values())


def _first_per_region(avoided: Iterable[AvoidedArea]) -> list[AvoidedArea]:
    out: dict[str, AvoidedArea] = {}
    for area in avoided:
        out.setdefault(area.region, area)
    return list(out.values())


# --- resuming a session ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResumeDecision:
    """Whether an unfinished session may go on today, and which of its remaining steps are skipped and why
    (step index to the sentence for the user)."""

    allowed: bool
    why: str
    skipped: Mapping[int, str]


def step_conflict(
    catalog: Catalog,
    step: Mapping[str, Any],
    routine_position: str,
    restrictions: Iterable[str],
    avoided: Mapping[str, str] | DayPolicy,
) -> str | None:
    """Why ``step`` (a step of the plan contract's JSON) breaks today's restrictions or avoided areas, or None.

    ``avoided`` maps a region to why it is left alone (or is today's policy)."""
    if step.get("kind") != "technique":
        return None
    why_avoided = avoided.why_avoided if isinstance(avoided, DayPolicy) else (lambda r: avoided.get(r, ""))
    texts = catalog.day.texts
    for region in [step.get("region", ""), *(step.get("regions") or [])]:
        if region and why_avoided(str(region)):
            return texts.step_avoided.format(region=_region_name(catalog, str(region)))
    technique = catalog.technique(str(step.get("technique", "")))
    position = str(step.get("position") or routine_position)
    pressure = step.get("pressure")
    for restriction_id in restrictions:
        restriction = catalog.restriction(restriction_id)
        if restriction is None:
            continue
        broken = (
            str(step.get("technique", "")) in restriction.techniques
            or str(step.get("tool", "")) in restriction.tools
            or position in restriction.positions
            or (restriction.point and technique is not None and technique.is_point)
            or (
                restriction.max_pressure is not None
                and pressure in Pressure.__members__.values()
                and Pressure(str(pressure)).level > restriction.max_pressure.level
            )
        )
        if broken:
            return texts.step_restricted.format(meaning=restriction.meaning)
    return None


def resume_decision(catalog: Catalog, policy: DayPolicy, routine: Mapping[str, Any], start: int) -> ResumeDecision:
    """Whether a session with ``routine`` may go on from step ``start`` under ``policy``: not at all unless today
    allows massage; otherwise with every remaining step that now breaks a restriction or an avoided area skipped."""
    texts = catalog.day.texts
    if not policy.may_massage:
        why = policy.explanation or texts.no_screen
        return ResumeDecision(False, texts.resume_blocked.format(why=why), {})
    steps = list(routine.get("steps", []))
    position = str(routine.get("position", ""))
    skipped: dict[int, str] = {}
    for index in range(max(0, start), len(steps)):
        conflict = step_conflict(catalog, steps[index], position, policy.restrictions, policy)
        if conflict:
            skipped[index] = texts.resume_step_skipped.format(number=index + 1, why=conflict)
    return ResumeDecision(True, "", skipped)
