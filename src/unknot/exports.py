"""Exports of the journal (pure): JSON (complete, read back by ``unknot import``) and CSV (pain entries).

JSON: ``{"format": "unknot-journal", "version": 1, "entries": [...], "screens": [...], "clearances": [...]}``,
times in UTC ISO 8601, ids left out (they belong to one database). CSV columns: ``at`` (UTC ISO 8601),
``region``, ``score`` (0-10), ``quality`` (empty when not given), ``note``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from unknot.errors import RequestError
from unknot.model import Catalog, Clearance, PainEntry, ScreenRecord
from unknot.pain import make_entry

__all__ = ["CSV_COLUMNS", "FORMAT", "VERSION", "from_json", "to_csv", "to_json"]

FORMAT = "unknot-journal"
VERSION = 1
CSV_COLUMNS = ("at", "region", "score", "quality", "note")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def to_json(entries: list[PainEntry], screens: list[ScreenRecord], clearances: list[Clearance]) -> dict[str, Any]:
    """The whole journal as one JSON-ready object."""
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
        ],
        "screens": [{"at": _when(x.at), "answers": x.answers, "verdict": x.verdict} for x in screens],
        "clearances": [
            {
                "rule": c.rule,
                "cleared_on": c.cleared_on.isoformat(),
                "withdrawn_at": _when(c.withdrawn_at) if c.withdrawn_at else None,
            }
            for c in clearances
        ],
    }


def to_csv(entries: list[PainEntry]) -> str:
    """The pain entries as CSV, one row each, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([_when(e.at), e.region, e.score, e.quality.value if e.quality else "", e.note])
    return out.getvalue()


def from_json(catalog: Catalog, data: Any) -> tuple[list[PainEntry], list[ScreenRecord], list[Clearance]]:
    """Read an export back, checking every record; raises ``RequestError`` naming the record and the problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RequestError(f'this is not an unknot journal export (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise RequestError(f"export version {data.get('version')!r} is not one this unknot reads ({VERSION})")
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
    screens = [
        ScreenRecord(_time(x.get("at"), f"screens item {i + 1}"), _dict(x, "answers", i), _dict(x, "verdict", i))
        for i, x in enumerate(_list(data, "screens"))
    ]
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
    return entries, screens, clearances


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


def _time(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestError(f"{where}: 'at' must be a time with its zone, such as 2026-11-01T09:00:00+00:00")
    return moment.astimezone(UTC)
