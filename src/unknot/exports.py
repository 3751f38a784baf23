"""Exports of the journal (pure): JSON (complete, read back by ``unknot import``) and CSV (pain entries).

JSON: ``{"format": "unknot-journal", "version": 2, "entries": [...], "screens": [...], "clearances": [...],
"sessions": [...]}``, times in UTC ISO 8601, ids left out (they belong to one database). The pain ratings a guided
session asked for live inside their session (``pain_before`` / ``pain_after``), not in ``entries``. Version 1
(before sessions) is still read.

CSV columns: ``at`` (UTC ISO 8601), ``region``, ``score`` (0-10), ``quality`` (empty when not given), ``note``,
``phase`` (``before`` or ``after`` a guided session, empty for entries written by hand).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, TypeVar

from unknot.errors import RequestError
from unknot.model import (
    Catalog,
    Clearance,
    Feedback,
    Mode,
    PainEntry,
    ScreenRecord,
    SessionEvent,
    SessionRecord,
    SessionStatus,
    StepRecord,
    StepStatus,
)
from unknot.pain import make_entry

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
    }


def to_csv(entries: list[PainEntry]) -> str:
    """The pain entries as CSV, one row each, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([_when(e.at), e.region, e.score, e.quality.value if e.quality else "", e.note, e.phase or ""])
    return out.getvalue()


def from_json(catalog: Catalog, data: Any) -> JournalData:
    """Read an export back, checking every record; raises ``RequestError`` naming the record and the problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RequestError(f'this is not an unknot journal export (expected "format": "{FORMAT}")')
    if data.get("version") not in READS:
        raise RequestError(
            f"export version {data.get('version')!r} is not one this unknot reads ({', '.join(map(str, READS))})"
        )
    entries: list[PainEntry] = []
    for i, item in enumerate(_list(data, "entries")):
        where = f"entries item {i + 1}"
        entry = make_entry(
            catalog,
            _str(item, "region", where),
            item.get("score"),
            item.get("quality"),
            item.get("note") or "",
            at=_time(item.get("at"), where),
        )
        entries.append(entry)
    screens = [_screen(x, i) for i, x in enumerate(_list(data, "screens"))]
    clearances = []
    for i, c in enumerate(_list(data, "clearances")):
        where = f"clearances item {i + 1}"
        rule = _str(c, "rule", where)
        try:
            cleared_on = date.fromisoformat(_str(c, "cleared_on", where))
        except ValueError:
            raise RequestError(f"{where}: 'cleared_on' must be a date such as 2026-11-01") from None
        withdrawn = c.get("withdrawn_at")
        clearances.append(Clearance(rule, cleared_on, _time(withdrawn, where) if withdrawn else None))
    sessions = [_session(catalog, x, f"sessions item {i + 1}") for i, x in enumerate(_list(data, "sessions"))]
    return JournalData(entries, screens, clearances, sessions)


def _session(catalog: Catalog, item: dict[str, Any], where: str) -> SessionRecord:
    started = _time(item.get("started_at"), where, "started_at")
    ended = _time(item["ended_at"], where, "ended_at") if item.get("ended_at") is not None else None
    routine = item.get("routine")
    if not isinstance(routine, dict) or not isinstance(routine.get("steps"), list):
        raise RequestError(f"{where}: 'routine' must be a routine as unknot plan --json writes it")
    steps = []
    for j, s in enumerate(_list(item, "steps")):
        at = f"{where}, steps item {j + 1}"
        index, seconds = s.get("index"), s.get("seconds")
        if type(index) is not int or not 0 <= index < len(routine["steps"]):
            raise RequestError(f"{at}: 'index' must be the number of a step of the routine")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise RequestError(f"{at}: 'seconds' must be a number of seconds, 0 or more")
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
        if step is not None and type(step) is not int:
            raise RequestError(f"{at}: 'step' must be a step number or null")
        events.append(SessionEvent(_time(e.get("at"), at), _str(e, "kind", at), step, str(e.get("detail") or "")))
    return SessionRecord(
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
    return {region: make_entry(catalog, region, score).score for region, score in value.items()}


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


def _screen(item: dict[str, Any], index: int) -> ScreenRecord:
    where = f"screens item {index + 1}"
    subject = item.get("subject", "self")
    if subject not in ("self", "receiver"):
        raise RequestError(f"{where}: 'subject' must be 'self' or 'receiver', got {subject!r}")
    withdrawn = item.get("withdrawn_at")
    return ScreenRecord(
        _time(item.get("at"), where),
        _dict(item, "answers", index),
        _dict(item, "verdict", index),
        subject,
        _time(withdrawn, where, "withdrawn_at") if withdrawn is not None else None,
    )


def _time(value: Any, where: str, key: str = "at") -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestError(f"{where}: '{key}' must be a time with its zone, such as 2026-11-01T09:00:00+00:00")
    return moment.astimezone(UTC)


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
