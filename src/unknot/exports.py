"""Exports of the journal (pure): JSON (complete, read back by ``unknot import``) and CSV (pain entries).

JSON: ``{"format": "unknot-journal", "version": 2, "entries": [...], "screens": [...], "clearances": [...],
"sessions": [...]}``, times in UTC ISO 8601, ids left out (they belong to one database). The pain ratings a guided
session asked for live inside their session (``pain_before`` / ``pain_after``), not in ``entries``; so do the taps of
the receiver's remote (``taps``: kind, step, number, time, when an alarm was acknowledged). Version 1
(before sessions) is still read.

CSV columns: ``at`` (UTC ISO 8601), ``region``, ``score`` (0-10), ``quality`` (empty when not given), ``note``,
``phase`` (``before`` or ``after`` a guided session, empty for entries written by hand). A text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, as OWASP advises against CSV injection, so
a spreadsheet shows it as text and never runs it as a formula. Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, TypeVar

from unknot.clearances import check_clearance
from unknot.errors import RequestError, UnknotError
from unknot.model import (
    Catalog,
    Clearance,
    Feedback,
    Mode,
    PainEntry,
    RemoteTap,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.pain import MAX_NOTE, make_entry

__all__ = [
    "CSV_COLUMNS",
    "FORMAT",
    "FORMATS",
    "VERSION",
    "JournalData",
    "export_bytes",
    "from_json",
    "to_csv",
    "to_json",
]

FORMAT = "unknot-journal"
VERSION = 2
READS = (1, 2)
#: An imported time must fall in these years: every database unknot runs on, and the date arithmetic of trends and
#: today's policy, hold them (PostgreSQL and SQLite would otherwise disagree, or a later page would fail).
YEARS = (1900, 2999)
#: The longest text an import may hold in a field without a limit of its own (an event's detail, a routine's cue).
MAX_TEXT = 2000
CSV_COLUMNS = ("at", "region", "score", "quality", "note", "phase")
#: What ``export_bytes`` writes: JSON, CSV, a FHIR R4B Bundle (``unknot.fhir``) and the PDF report
#: (``unknot.report``); the last two load their libraries only when asked for.
FORMATS = ("json", "csv", "fhir", "pdf")


class JournalData(NamedTuple):
    """Everything an export holds, in the order ``Journal.import_records`` takes it."""

    entries: list[PainEntry]
    screens: list[ScreenRecord]
    clearances: list[Clearance]
    sessions: list[SessionRecord]


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def to_json(
    entries: list[PainEntry],
    screens: list[ScreenRecord],
    clearances: list[Clearance],
    sessions: list[SessionRecord] | None = None,
) -> dict[str, Any]:
    """The whole journal as one JSON-ready object (entries that belong to a session are written in it)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "entries": [
            {
                "at": _when(e.at),
                "region": e.region,
                "score": e.score,
                "quality": e.quality.value if e.quality else None,
                "note": e.note,
            }
            for e in entries
            if e.session_id is None
        ],
        "screens": [
            {
                "at": _when(x.at),
                "answers": x.answers,
                "verdict": x.verdict,
                "subject": x.subject,
                "withdrawn_at": _when(x.withdrawn_at) if x.withdrawn_at else None,
            }
            for x in screens
        ],
        "clearances": [
            {
                "rule": c.rule,
                "cleared_on": c.cleared_on.isoformat(),
                "withdrawn_at": _when(c.withdrawn_at) if c.withdrawn_at else None,
            }
            for c in clearances
        ],
        "sessions": [_session_to_json(x) for x in sessions or []],
    }


def _session_to_json(x: SessionRecord) -> dict[str, Any]:
    return {
        "started_at": _when(x.started_at),
        "ended_at": _when(x.ended_at) if x.ended_at else None,
        "mode": x.mode.value,
        "status": x.status.value,
        "routine": x.routine,
        "steps": [
            {
                "index": s.index,
                "status": s.status.value,
                "seconds": s.seconds,
                "feedback": [f.value for f in s.feedback],
                "ended_at": _when(s.ended_at) if s.ended_at else None,
            }
            for s in x.steps
        ],
        "events": [{"at": _when(e.at), "kind": e.kind, "step": e.step, "detail": e.detail} for e in x.events],
        "pain_before": dict(x.pain_before),
        "pain_after": dict(x.pain_after),
        "taps": [
            {
                "at": _when(t.at),
                "kind": t.kind,
                "seq": t.seq,
                "step": t.step,
                "acknowledged_at": _when(t.acknowledged_at) if t.acknowledged_at else None,
            }
            for t in x.taps
        ],
    }


def to_csv(entries: list[PainEntry]) -> str:
    """The pain entries as CSV, one row each, with a header."""
    out = io.StringIO()
    # Rows end in CRLF, as RFC 4180 has it: with "\n" alone the csv module left a carriage return inside a note
    # unquoted, and a reader split the row there.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = [_when(e.at), e.region, e.score, e.quality.value if e.quality else "", e.note, e.phase or ""]
        writer.writerow([_cell(x) if isinstance(x, str) else x for x in row])
    return out.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A text cell a spreadsheet cannot take for a formula (OWASP, "CSV Injection"): a leading ``'`` when it starts
    with a character that begins one."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def from_json(catalog: Catalog, data: Any, *, today: date | None = None) -> JournalData:
    """Read an export back, checking every record as strictly as a new one; raises ``RequestError`` naming the record
    and the problem. A screen's verdict is never taken from the file: it is screened again from its answers.
    ``today`` (the user's date) refuses clearances dated after it; by default the UTC date of tomorrow."""
    today = today or date.fromordinal(datetime.now(UTC).date().toordinal() + 1)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RequestError(f'this is not an unknot journal export (expected "format": "{FORMAT}")')
    if data.get("version") not in READS:
        raise RequestError(
            f"export version {data.get('version')!r} is not one this unknot reads ({', '.join(map(str, READS))})"
        )
    entries: list[PainEntry] = []
    for i, item in enumerate(_list(data, "entries")):
        where = f"entries item {i + 1}"
        quality = item.get("quality")
        if quality is not None and not isinstance(quality, str):
            raise RequestError(f"{where}: 'quality' must be text such as \"dull\", or null, not {quality!r}")
        note = item.get("note")
        note = "" if note is None else _text(note, where, "note", MAX_NOTE)
        at = _time(item.get("at"), where)
        try:
            entries.append(make_entry(catalog, _str(item, "region", where), item.get("score"), quality, note, at=at))
        except RequestError as exc:
            raise RequestError(f"{where}: {exc.message}", code=exc.code) from None
    screens = [_screen(catalog, x, i) for i, x in enumerate(_list(data, "screens"))]
    clearances = []
    for i, c in enumerate(_list(data, "clearances")):
        where = f"clearances item {i + 1}"
        rule = _str(c, "rule", where)
        try:
            cleared_on = date.fromisoformat(_str(c, "cleared_on", where))
        except ValueError:
            raise RequestError(f"{where}: 'cleared_on' must be a date such as 2026-11-01") from None
        if not YEARS[0] <= cleared_on.year <= YEARS[1]:
            raise RequestError(f"{where}: 'cleared_on' {cleared_on} is not a day from {YEARS[0]} to {YEARS[1]}")
        try:
            check_clearance(catalog, rule, cleared_on, today)
        except RequestError as exc:
            raise RequestError(f"{where}: {exc.message}") from None
        withdrawn = c.get("withdrawn_at")
        clearances.append(Clearance(rule, cleared_on, _time(withdrawn, where) if withdrawn else None))
    sessions = [_session(catalog, x, f"sessions item {i + 1}") for i, x in enumerate(_list(data, "sessions"))]
    return JournalData(entries, screens, clearances, sessions)


def _session(catalog: Catalog, item: dict[str, Any], where: str) -> SessionRecord:
    started = _time(item.get("started_at"), where, "started_at")
    ended = _time(item["ended_at"], where, "ended_at") if item.get("ended_at") is not None else None
    routine = _routine(catalog, item.get("routine"), where)
    steps = []
    for j, s in enumerate(_list(item, "steps")):
        at = f"{where}, steps item {j + 1}"
        index, seconds = s.get("index"), s.get("seconds")
        if type(index) is not int or not 0 <= index < len(routine["steps"]):
            raise RequestError(f"{at}: 'index' must be the number of a step of the routine")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 86_400:
            raise RequestError(f"{at}: 'seconds' must be a number of seconds from 0 to 86400")
        feedback = s.get("feedback", [])
        if not isinstance(feedback, list):
            raise RequestError(f'{at}: \'feedback\' must be a list such as ["less", "good"]')
        step_end = _time(s["ended_at"], at, "ended_at") if s.get("ended_at") is not None else None
        steps.append(
            StepRecord(
                index,
                _choice(StepStatus, s.get("status"), at, "status"),
                float(seconds),
                tuple(_choice(Feedback, f, at, "feedback") for f in feedback),
                step_end,
            )
        )
    events = []
    for j, e in enumerate(_list(item, "events")):
        at = f"{where}, events item {j + 1}"
        step = e.get("step")
        if step is not None and (type(step) is not int or not 0 <= step < len(routine["steps"])):
            raise RequestError(f"{at}: 'step' must be the number of a step of the routine, or null")
        detail = e.get("detail")
        events.append(
            SessionEvent(
                _time(e.get("at"), at),
                _text(e.get("kind"), at, "kind", 20),
                step,
                "" if detail is None else _text(detail, at, "detail", MAX_TEXT),
            )
        )
    return SessionRecord(
        taps=_taps(item, where, len(routine["steps"])),
        started_at=started,
        mode=_choice(Mode, item.get("mode"), where, "mode"),
        routine=routine,
        status=_choice(SessionStatus, item.get("status"), where, "status"),
        ended_at=ended,
        steps=tuple(steps),
        events=tuple(events),
        pain_before=_pain(catalog, item, "pain_before", where),
        pain_after=_pain(catalog, item, "pain_after", where),
    )


def _taps(item: dict[str, Any], where: str, steps: int) -> tuple[RemoteTap, ...]:
    """A session's taps of the receiver's remote: known kinds, steps of its routine, numbers 1, 2... without a gap
    or a repeat (as the remote numbers them)."""
    from unknot.remote import KINDS

    out = []
    for j, t in enumerate(_list(item, "taps")):
        at = f"{where}, taps item {j + 1}"
        unknown = set(t) - {"at", "kind", "seq", "step", "acknowledged_at"}
        if unknown:
            raise RequestError(f"{at}: unknown field {sorted(unknown)[0]!r}")
        kind, seq, step = t.get("kind"), t.get("seq"), t.get("step")
        if kind not in KINDS:
            raise RequestError(f"{at}: 'kind' {kind!r} is not one of {', '.join(KINDS)}")
        if type(seq) is not int or seq != j + 1:
            raise RequestError(f"{at}: 'seq' must be {j + 1} (taps are numbered 1, 2... in order)")
        if step is not None and (type(step) is not int or not 0 <= step < steps):
            raise RequestError(f"{at}: 'step' must be the number of a step of the routine, or null")
        acknowledged = t.get("acknowledged_at")
        out.append(
            RemoteTap(
                _time(t.get("at"), at),
                kind,
                seq,
                step,
                _time(acknowledged, at, "acknowledged_at") if acknowledged is not None else None,
            )
        )
    return tuple(out)


_E = TypeVar("_E", Mode, SessionStatus, StepStatus, Feedback)


def _choice(kind: type[_E], value: Any, where: str, key: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RequestError(f"{where}: '{key}' {value!r} is not one of {allowed}") from None


def _pain(catalog: Catalog, item: dict[str, Any], key: str, where: str) -> dict[str, int]:
    value = item.get(key, {})
    if not isinstance(value, dict):
        raise RequestError(f"{where}: '{key}' must be an object of region: score")
    # make_entry checks the region and the score with the same messages as unknot log.
    try:
        return {region: make_entry(catalog, region, score).score for region, score in value.items()}
    except RequestError as exc:
        raise RequestError(f"{where}, '{key}': {exc.message}", code=exc.code) from None


def _routine(catalog: Catalog, value: Any, where: str) -> dict[str, Any]:
    """A session's routine, checked as ``unknot plan --json`` writes it: every step's technique, region, tool,
    position and transition known, every text printable and bounded; returned as unknot writes it."""
    from unknot.contract import routine_from_json, routine_to_json
    from unknot.planner import BODY_PARTS

    try:
        routine = routine_from_json(value)
    except RequestError as exc:
        raise RequestError(
            f"{where}: 'routine' must be a routine as unknot plan --json writes it; {exc.message}"
        ) from None
    out = routine_to_json(routine)
    _texts(out, where, "routine")
    listed = [*routine.avoid, *routine.restrictions, *routine.focus, *routine.notes, *routine.rules]
    if not all(isinstance(x, str) for x in [*listed, *(r for step in routine.steps for r in step.regions)]):
        raise RequestError(f"{where}: the routine's lists (avoid, focus, notes, a step's regions) must hold text")
    for j, step in enumerate(routine.steps):
        at = f"{where}, routine step {j + 1}"
        if catalog.position(step.position) is None:
            raise RequestError(f"{at}: position {step.position!r} is not one unknot knows")
        if not 1 <= step.seconds <= 3600 or (step.hold_seconds is not None and not 0 <= step.hold_seconds <= 3600):
            raise RequestError(f"{at}: its seconds are out of range (1 to 3600)")
        if not step.is_technique:
            if step.name not in {t.id for t in catalog.transitions}:
                raise RequestError(f"{at}: transition {step.name!r} is not one unknot knows")
        elif catalog.technique(step.technique) is None:
            raise RequestError(f"{at}: technique {step.technique!r} is not one unknot knows")
        else:
            unknown = [r for r in (step.region, *step.regions) if catalog.region(r) is None]
            if unknown:
                raise RequestError(f"{at}: region {unknown[0]!r} is not an upper-back region")
            if catalog.tool(step.tool) is None and step.tool not in BODY_PARTS:
                raise RequestError(f"{at}: tool {step.tool!r} is not one unknot knows")
    for region in (*routine.avoid, *routine.focus):
        if catalog.region(region) is None:
            raise RequestError(f"{where}: the routine names {region!r}, which is not an upper-back region")
    if catalog.position(routine.position) is None:
        raise RequestError(f"{where}: the routine's position {routine.position!r} is not one unknot knows")
    return out


def _texts(value: Any, where: str, key: str) -> None:
    """Every text inside ``value`` is one the databases keep alike."""
    if isinstance(value, str):
        _text(value, where, key, MAX_TEXT)
    elif isinstance(value, dict):
        for k, v in value.items():
            _text(k, where, key, MAX_TEXT)
            _texts(v, where, key)
    elif isinstance(value, list):
        for v in value:
            _texts(v, where, key)


def _text(value: Any, where: str, key: str, limit: int) -> str:
    """Text both databases keep alike: no NUL (PostgreSQL refuses it), no lone surrogate (not UTF-8), at most
    ``limit`` characters."""
    if not isinstance(value, str):
        raise RequestError(f"{where}: '{key}' must be text, not {type(value).__name__} {value!r:.40}")
    if "\x00" in value:
        raise RequestError(f"{where}: '{key}' holds a NUL character (\\u0000); remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError(f"{where}: '{key}' holds a lone surrogate, which is not text; remove it") from None
    if len(value) > limit:
        raise RequestError(f"{where}: '{key}' has {len(value)} characters; keep it to {limit}")
    return value


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise RequestError(f"'{key}' must be a list of objects")
    return value


def _str(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise RequestError(f"{where}: '{key}' must be text")
    return value


def _dict(item: dict[str, Any], key: str, index: int) -> dict[str, Any]:
    value = item.get(key)
    if not isinstance(value, dict):
        raise RequestError(f"screens item {index + 1}: '{key}' must be an object")
    return value


def _screen(catalog: Catalog, item: dict[str, Any], index: int) -> ScreenRecord:
    from unknot.contract import intake_from_json, intake_to_json, verdict_to_json
    from unknot.screening import screen

    where = f"screens item {index + 1}"
    subject = item.get("subject", "self")
    if subject not in ("self", "receiver"):
        raise RequestError(f"{where}: 'subject' must be 'self' or 'receiver', got {subject!r}")
    at = _time(item.get("at"), where)
    withdrawn = item.get("withdrawn_at")
    answers = _dict(item, "answers", index)
    kept = _dict(item, "verdict", index)
    # The verdict in the file is never trusted (issue 14): the answers are screened again, as a new screen is.
    number = kept.get("emergency_number")
    try:
        intake = intake_from_json(answers, today=at.date())
        verdict = screen(intake, catalog, emergency_number=number if _a_phone_number(number) else None)
    except UnknotError as exc:
        raise RequestError(f"{where}: its answers are not a screen unknot can take: {exc.message}") from None
    return ScreenRecord(
        at,
        intake_to_json(intake),
        verdict_to_json(verdict),
        subject,
        _time(withdrawn, where, "withdrawn_at") if withdrawn is not None else None,
    )


def _a_phone_number(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 20 and all(c.isdigit() or c in "+ -" for c in value)


def _time(value: Any, where: str, key: str = "at") -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestError(f"{where}: '{key}' must be a time with its zone, such as 2026-11-01T09:00:00+00:00")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
        raise RequestError(f"{where}: '{key}' {value!r} is not a time from {YEARS[0]} to {YEARS[1]}")
    return moment


def export_bytes(
    fmt: str,
    data: JournalData,
    catalog: Catalog,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
) -> bytes:
    """The journal ``data`` in format ``fmt`` (one of ``FORMATS``), as the file's bytes."""
    import json

    if fmt == "csv":
        return to_csv(data.entries).encode()
    if fmt == "json":
        return (json.dumps(to_json(*data), indent=2) + "\n").encode()
    if fmt == "fhir":
        from unknot.fhir import to_fhir

        return (json.dumps(to_fhir(data.entries, catalog, now=now), indent=2) + "\n").encode()
    if fmt == "pdf":
        from unknot.report import ReportData, render_pdf

        report = ReportData(now, since, until, data.entries, data.sessions, data.screens, data.clearances)
        return render_pdf(report, catalog)
    raise RequestError(f"format '{fmt}' is not one unknot writes; choose {', '.join(FORMATS)}")
