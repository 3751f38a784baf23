"""Today, for every front end: the application layer over the journal port and today's policy.

The terminal, the web pages, the web API and the receiver's remote ask these functions, never the journal
and the policy separately, so they decide the same things the same way: what today allows (``todays_policy``),
today's routine under it (``todays_routine``), the screen as an interview (``start_interview``, then
``keep_interview`` once it is done), taking and withdrawing a screen (``take_screen``, ``withdraw_screen``), and
whether an unfinished session may go on (``resume_check``), and the receiver's remote: a pairing offered and
joined (``offer_pairing``, ``join_remote``), a phone's pairing while its session is under way (``remote_of``), a
tap kept and what it does (``remote_tap``), an alarm acknowledged (``acknowledge_alarm``). Each is handed the journal,
the catalog and the time (an injected clock in tests); refusals are ``PlanError`` or ``PolicyError``, each with
its exit status and HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from unknot.errors import PairingError, PlanError, PolicyError, RequestError
from unknot.insights import Advice
from unknot.interview import ScreenInterview
from unknot.journal import Journal
from unknot.model import (
    Catalog,
    Intake,
    Mode,
    PlanRequest,
    RemoteKind,
    RemoteTap,
    Routine,
    ScreenRecord,
    SessionRecord,
    SessionStatus,
    Verdict,
)
from unknot.policy import (
    DayPolicy,
    ResumeDecision,
    day_policy,
    local_day,
    may_withdraw,
    resume_decision,
    subject_of,
)
from unknot.remote import Offer, Pairing, Remotes
from unknot.session import Event, State

__all__ = [
    "LOOKBACK",
    "TapOutcome",
    "acknowledge_alarm",
    "end_remote",
    "join_remote",
    "journal_advice",
    "keep_interview",
    "offer_pairing",
    "offer_player",
    "player_of",
    "policy_to_json",
    "rate_after_remote",
    "remote_log",
    "remote_of",
    "remote_rating",
    "remote_tap",
    "split_tap",
    "resume_check",
    "start_interview",
    "take_screen",
    "todays_policy",
    "todays_routine",
    "withdraw_screen",
]

#: How far back the journal is read for today's policy: the week of a rising trend and the 14 days a sharp or
#: tingling entry's advice stands (``insights.yaml``, ``red_flag_days``), with a day to spare.
LOOKBACK = timedelta(days=15)


def todays_policy(
    journal: Journal, catalog: Catalog, now: datetime, subject: str = "self", tz: tzinfo | None = None
) -> DayPolicy:
    """What today allows for ``subject`` (``self``, or the ``receiver`` of a partner massage)."""
    since = now - LOOKBACK
    return day_policy(
        catalog,
        now,
        screens=journal.screens(since=since),
        entries=journal.entries(since=since),
        sessions=journal.sessions(since=since),
        subject=subject,
        tz=tz,
    )


def todays_routine(
    journal: Journal,
    catalog: Catalog,
    now: datetime,
    request: PlanRequest,
    *,
    subject: str | None = None,
    policy: DayPolicy | None = None,
    tz: tzinfo | None = None,
) -> tuple[Routine, DayPolicy]:
    """The routine for ``request`` under today's policy for whoever it is for (``subject``; None: the receiver of
    a partner massage, else the user): every area the day leaves alone is avoided (and out of focus), every
    restriction of the day applies, and the routine's notes say why. A technique asked "less" on repeatedly in the
    last session of the same kind starts a level lighter (``unknot.softer``), and a note says so.

    ``policy`` is today's policy for that person when the caller holds it already (a front end's cache).

    Raises ``PlanError`` ``screen_required`` before today's screen and ``screen_forbids`` after a blocking one."""
    from unknot.planner import plan
    from unknot.softer import asked_less, soften

    whom = subject or subject_of(request.mode)
    if policy is None or policy.subject != whom:
        policy = todays_policy(journal, catalog, now, whom, tz)
    if not policy.screened:
        who = catalog.day.texts.receiver if policy.subject == "receiver" else "you"
        raise PlanError(f"take today's safety screen first (for {who})", code="screen_required")
    if not policy.may_massage:
        raise PlanError(policy.explanation, code="screen_forbids")
    from unknot.contract import verdict_from_json

    focus = tuple(r for r in request.focus if r not in policy.avoid_regions)
    # The day as one verdict: its areas, its restrictions and the rules found (they choose the pressure target).
    day = verdict_from_json(policy.verdict())
    routine = plan(replace(request, focus=focus), day, catalog=catalog)
    notes = [_left_alone(catalog, region, policy.why_avoided(region)) for region in policy.avoid_regions]
    routine = replace(routine, notes=(*notes, *routine.notes))
    last = _last_session(journal, request.mode, now)
    if last is not None:  # repeated "less" on a technique last time: it starts lighter now (issue 15)
        routine = soften(routine, asked_less(last, catalog.remote.soften_after_less), catalog)
    return routine, policy


def _last_session(journal: Journal, mode: Mode, now: datetime) -> SessionRecord | None:
    """The last session of ``mode`` that has ended, within ``LOOKBACK``."""
    ended = [
        r for r in journal.sessions(since=now - LOOKBACK) if r.mode is mode and r.status is not SessionStatus.ACTIVE
    ]
    return max(ended, key=lambda r: r.started_at, default=None)


def _left_alone(catalog: Catalog, region: str, why: str) -> str:
    found = catalog.region(region)
    return f"Left alone today: {found.name if found else region}. {why}"


def take_screen(
    journal: Journal,
    catalog: Catalog,
    now: datetime,
    intake: Intake,
    *,
    subject: str = "self",
    emergency_number: str | None = None,
    tz: tzinfo | None = None,
) -> tuple[Verdict, ScreenRecord, DayPolicy]:
    """Screen ``intake``, keep it in the journal about ``subject``, and return this screen's verdict, the record
    kept and today's policy after it (which a blocking screen earlier today still governs)."""
    from unknot.contract import intake_to_json, verdict_to_json
    from unknot.screening import screen

    if intake.today is None:  # dated clearances are judged on the user's own day
        intake = replace(intake, today=local_day(now, tz))
    verdict = screen(intake, catalog, emergency_number=emergency_number)
    record = journal.save_screen(now, intake_to_json(intake), verdict_to_json(verdict), subject)
    return verdict, record, todays_policy(journal, catalog, now, subject, tz)


def start_interview(
    journal: Journal,
    catalog: Catalog,
    now: datetime,
    subject: str = "self",
    *,
    state: str | None = None,
    policy: DayPolicy | None = None,
    tz: tzinfo | None = None,
) -> ScreenInterview:
    """The screen about ``subject`` as an interview (``unknot.interview``), with the clearances kept in the journal
    (to be confirmed, not entered again) and what today's policy asks again; ``state`` (``ScreenInterview.dump``)
    takes up one already begun. ``policy`` is today's policy for ``subject`` when the caller holds it already."""
    from unknot.clearances import in_force

    policy = policy or todays_policy(journal, catalog, now, subject, tz)
    reminders = {a.rule: a.shown for a in policy.ask_again}
    known = in_force(journal.clearances())
    today = local_day(now, tz)
    if state is None:
        return ScreenInterview(catalog, today, subject, known_clearances=known, reminders=reminders)
    interview = ScreenInterview.load(state, catalog, today, known, reminders)
    if interview.subject != subject:
        from unknot.errors import RequestError

        raise RequestError("the screen's answers are about someone else; start the screen again")
    return interview


def keep_interview(
    journal: Journal,
    catalog: Catalog,
    now: datetime,
    interview: ScreenInterview,
    *,
    emergency_number: str | None = None,
    tz: tzinfo | None = None,
) -> tuple[Verdict, ScreenRecord, DayPolicy]:
    """Keep a finished interview: the clearances said during it (each replacing the one kept before for its rule),
    then the screen (``take_screen``). A screen it would refuse keeps nothing, clearances included: it is screened,
    and every new clearance checked, before anything is written."""
    from unknot.clearances import check_clearance
    from unknot.screening import screen

    intake = interview.intake()
    screen(intake, catalog)
    for rule_id, day in interview.new_clearances.items():
        check_clearance(catalog, rule_id, day, interview.today)
    for rule_id, day in interview.new_clearances.items():
        if any(c.rule == rule_id and c.active for c in journal.clearances()):
            journal.withdraw_clearance(rule_id, now)
        journal.add_clearance(rule_id, day)
    return take_screen(
        journal, catalog, now, intake, subject=interview.subject, emergency_number=emergency_number, tz=tz
    )


def withdraw_screen(
    journal: Journal, catalog: Catalog, now: datetime, screen_id: int, subject: str = "self"
) -> DayPolicy:
    """Withdraw today's screen ``screen_id`` as answered by mistake (within ``withdraw_minutes`` of taking it);
    the journal keeps it, marked. Returns today's policy without it."""
    found = next((s for s in journal.screens(since=now - LOOKBACK) if s.id == screen_id), None)
    if found is None or not may_withdraw(catalog, found, now) or found.subject != subject:
        minutes = catalog.day.withdraw_minutes
        raise PolicyError(catalog.day.texts.withdrawn_late.format(minutes=minutes), code="withdraw_too_late")
    journal.withdraw_screen(screen_id, now)
    return todays_policy(journal, catalog, now, subject)


def resume_check(
    journal: Journal,
    catalog: Catalog,
    now: datetime,
    record: SessionRecord,
    *,
    subject: str | None = None,
    tz: tzinfo | None = None,
) -> ResumeDecision:
    """Whether ``record`` (an unfinished session) may go on now, and which of its remaining steps today's policy
    skips. Raises ``PolicyError`` ``resume_refused`` when today allows no massage for whoever it is for."""
    policy = todays_policy(journal, catalog, now, subject or subject_of(record.mode), tz)
    start = max((s.index for s in record.steps), default=-1) + 1
    decision = resume_decision(catalog, policy, record.routine, start)
    if not decision.allowed:
        raise PolicyError(decision.why, code="resume_refused")
    return decision


def policy_to_json(policy: DayPolicy) -> dict[str, Any]:
    """Today's policy for the web API and ``--json`` front ends."""
    return {
        "day": policy.day.isoformat(),
        "subject": policy.subject,
        "screened": policy.screened,
        "verdict": policy.category.value if policy.category else None,
        "may_massage": policy.may_massage,
        "explanation": policy.explanation,
        "restrictions": list(policy.restrictions),
        "avoid": [{"region": a.region, "why": a.why, "cause": a.cause} for a in policy.avoided],
        "advice": list(policy.advice),
        "ask_again": [{"rule": a.rule, "shown": a.shown} for a in policy.ask_again],
        "withdrawable": policy.withdrawable,
    }


def journal_advice(catalog: Catalog, policy: DayPolicy, seek_help: list[Advice]) -> list[Advice]:
    """Everything the journal says to do, in one order for every front end: an area a session made worse first,
    then a sharp or tingling entry's advice (today's policy), then the seek-help rules (``insights.seek_help``)."""
    out = [Advice("", "journal", text) for text in policy.advice]
    seen = {a.message for a in out}
    out += [a for a in seek_help if a.message not in seen]
    return out


# --- the receiver's remote (issue 15) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TapOutcome:
    """What a tap of the remote did: the tap as kept, its button, and the session event to apply now (None: the
    session does not take it in its state, the tap is kept all the same)."""

    tap: RemoteTap
    kind: RemoteKind
    event: Event | None


def _active_partner_session(journal: Journal, session_id: int) -> SessionRecord:
    record = journal.session(session_id)
    if record is None or record.status is not SessionStatus.ACTIVE:
        raise PairingError(f"session {session_id} is not under way: the remote pairs only with a session under way")
    if record.mode is not Mode.PARTNER:
        raise PairingError("the receiver's remote is for a partner massage; this session is a self-massage")
    return record


def _active_self_session(journal: Journal, session_id: int) -> SessionRecord:
    record = journal.session(session_id)
    if record is None or record.status is not SessionStatus.ACTIVE:
        raise PairingError(f"session {session_id} is not under way: a phone plays only a session under way")
    if record.mode is not Mode.SELF:
        raise PairingError("a phone plays a self-massage; in a partner massage it is the receiver's remote")
    return record


def offer_pairing(journal: Journal, remotes: Remotes, session_id: int, *, allow_another: bool = False) -> Offer:
    """A pairing for the receiver's phone (the QR code, the short code, the check code) for a partner session under
    way. ``PairingError`` for any other session, or a second device the giver has not allowed."""
    _active_partner_session(journal, session_id)
    return remotes.offer(session_id, allow_another=allow_another)


def offer_player(journal: Journal, remotes: Remotes, session_id: int, *, allow_another: bool = False) -> Offer:
    """A pairing for the phone that is to play a self routine under way ("Play on my phone"): the same one-time
    code as the remote's, for that session only. ``PairingError`` for any other session."""
    _active_self_session(journal, session_id)
    return remotes.offer(session_id, allow_another=allow_another, player=True)


def join_remote(journal: Journal, remotes: Remotes, token: str) -> Pairing:
    """Spend a pairing link for a phone, the remote's or the player's (``PairingError`` when it is unknown, spent
    or late, or its session has ended)."""
    pairing = remotes.exchange(token)
    if pairing.player:
        player_of(journal, remotes, pairing.device)
    else:
        remote_of(journal, remotes, pairing.device)
    return pairing


def player_of(journal: Journal, remotes: Remotes, device: str | None) -> Pairing:
    """The pairing of a phone that plays a self routine, while the routine is under way. ``PairingError``
    otherwise: a remote's cookie opens no player, and a routine that has ended unpairs its phone."""
    pairing = remotes.pairing(device, heard=True)
    if not pairing.player:
        raise PairingError("this phone is the receiver's remote of a partner massage; it plays no routine")
    try:
        _active_self_session(journal, pairing.session_id)
    except PairingError:
        remotes.revoke(pairing.session_id)
        raise
    return pairing


def remote_of(journal: Journal, remotes: Remotes, device: str | None) -> Pairing:
    """The pairing of a phone's cookie, while its session is under way. ``PairingError`` otherwise: a session that
    has ended (from any front end) unpairs its phones here, once its pain after is rated (until then the phone may
    still rate it: ``remote_rating``). The phone has been heard from (``Remotes.connected``)."""
    pairing = remotes.pairing(device, heard=True)
    if pairing.player:
        raise PairingError("this phone plays a self routine; it is no remote")
    try:
        _active_partner_session(journal, pairing.session_id)
    except PairingError:
        record = journal.session(pairing.session_id)
        if record is None or record.pain_after or record.mode is not Mode.PARTNER:
            remotes.revoke(pairing.session_id)
        raise
    remote_log(journal, remotes, pairing.session_id)
    return pairing


def remote_rating(
    journal: Journal, remotes: Remotes, device: str | None, now: datetime
) -> tuple[Pairing, SessionRecord, list[str]]:
    """After the routine: the phone's pairing, its session, and the areas the receiver rates (those rated before
    that were worked, else every area worked), while the pain after is not rated yet and the routine ended less
    than ``rate_minutes`` ago. ``PairingError`` otherwise (and the phone is unpaired)."""
    pairing = remotes.pairing(device, heard=True)
    if pairing.player:
        raise PairingError("this phone plays a self routine; the pain after is rated on the player's after page")
    record = journal.session(pairing.session_id)
    if record is None or record.status is SessionStatus.ACTIVE:
        raise PairingError("the session is still under way: the pain after is rated when it has ended")
    window = timedelta(minutes=remotes.rules.rate_minutes)
    ended = record.ended_at or record.started_at
    if record.pain_after or now - ended > window:
        remotes.revoke(pairing.session_id)
        raise PairingError("this session has ended and its pain after is rated (or its time to rate it is over)")
    worked = record.worked()
    rated = [r for r in record.pain_before if r in worked] or sorted(worked)
    return pairing, record, rated


def rate_after_remote(
    journal: Journal, catalog: Catalog, remotes: Remotes, device: str | None, scores: dict[str, int], now: datetime
) -> SessionRecord:
    """The receiver rates their pain after the routine on the phone: checked as ``unknot log`` checks a rating,
    only the areas asked, kept as the session's pain after (the first ratings stay, whoever gave them: the giver's
    after page may come second), and the phone is unpaired."""
    from unknot.pain import make_entry

    pairing, record, rated = remote_rating(journal, remotes, device, now)
    for region, score in scores.items():
        make_entry(catalog, region, score)
        if region not in rated:
            raise RequestError(f"{region!r} was not worked in this session; rate one of: {', '.join(rated)}")
    if not scores:
        raise RequestError(f"rate at least one area: {', '.join(rated)}")
    journal.finish_session(pairing.session_id, record.status, record.ended_at or now, dict(scores))
    remotes.revoke(pairing.session_id)
    return journal.session(pairing.session_id) or record


def remote_log(journal: Journal, remotes: Remotes, session_id: int) -> list[RemoteTap]:
    """The session's taps, taken up from the journal the first time this server run is asked (after a restart the
    numbering goes on, and an alarm not yet acknowledged is still one)."""
    if not remotes.known(session_id):
        record = journal.session(session_id)
        if record is None:
            return []
        remotes.load(session_id, record.taps)
    return remotes.taps(session_id)


def remote_tap(
    journal: Journal,
    remotes: Remotes,
    pairing: Pairing,
    kind: str,
    step: int | None,
    state: State,
    now: datetime,
    *,
    playing: bool = True,
    apply: Callable[[Event], None] | None = None,
) -> TapOutcome:
    """A tap of the remote made during ``step`` while the session is in ``state``: the session event it applies
    (``unknot.remote.event_for``; none before the giver has pressed Start, ``playing``: the routine's clock has not
    started, there is no step to halt) is handed to ``apply`` first, so that a Stop has halted the step before the
    giver's page hears of it; then the tap is numbered, published to the giver's page and kept in the journal."""
    return _tap(journal, remotes, pairing.session_id, kind, step, state, now, playing=playing, apply=apply)


def split_tap(
    journal: Journal,
    remotes: Remotes,
    session_id: int,
    kind: str,
    step: int | None,
    state: State,
    now: datetime,
    *,
    playing: bool = True,
    apply: Callable[[Event], None] | None = None,
) -> TapOutcome:
    """A tap of the receiver's buttons shown on the giver's own screen (the split view: a couple sharing one
    laptop, no phone, no ``--lan``): for a partner session under way only, and then exactly as a phone's tap
    (``remote_tap``): applied first, numbered, published, kept."""
    _active_partner_session(journal, session_id)
    return _tap(journal, remotes, session_id, kind, step, state, now, playing=playing, apply=apply)


def _tap(
    journal: Journal,
    remotes: Remotes,
    session_id: int,
    kind: str,
    step: int | None,
    state: State,
    now: datetime,
    *,
    playing: bool,
    apply: Callable[[Event], None] | None,
) -> TapOutcome:
    from unknot.remote import event_for, kind_of

    button = kind_of(remotes.rules, kind)
    event = event_for(button, state) if playing else None
    if event is not None and apply is not None:
        apply(event)
    remote_log(journal, remotes, session_id)  # numbered on from the journal's taps after a restart
    tap = remotes.add(session_id, button.id, step, now)
    journal.add_tap(session_id, tap)
    return TapOutcome(tap, button, event)


def acknowledge_alarm(journal: Journal, remotes: Remotes, session_id: int, seq: int, now: datetime) -> RemoteTap:
    """The giver has stopped after alarm ``seq`` (a Stop or "It hurts"): kept in the journal (the first time stays).
    ``RequestError`` when that tap is no alarm."""
    remote_log(journal, remotes, session_id)
    tap = remotes.acknowledge(session_id, seq, now)
    journal.acknowledge_tap(session_id, seq, tap.acknowledged_at or now)
    return tap


def end_remote(remotes: Remotes, session_id: int) -> int:
    """The session has ended: unpair every phone of it (how many)."""
    return remotes.revoke(session_id)
