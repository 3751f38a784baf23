"""Pain ratings as the user gives them: checked here (pure) before the journal keeps them."""

from __future__ import annotations

from datetime import UTC, datetime

from unknot.errors import RequestError
from unknot.model import Catalog, PainEntry, Quality

__all__ = ["MAX_NOTE", "make_entry"]

MAX_NOTE = 1000


def make_entry(
    catalog: Catalog,
    region: str,
    score: object,
    quality: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> PainEntry:
    """A checked ``PainEntry``; raises ``RequestError`` naming the value, the cause and the fix."""
    if catalog.region(region) is None:
        raise RequestError(
            f"region '{region}' is not an upper-back region; choose one of: {', '.join(catalog.region_ids)}",
            code="unknown_region",
        )
    if isinstance(score, str) and score.strip().lstrip("-").isdigit():
        score = int(score)
    if isinstance(score, bool) or not isinstance(score, int):
        raise RequestError(f"pain score '{score}' is not a whole number; give 0 (none) to 10 (worst)", code="bad_score")
    if not 0 <= score <= 10:
        raise RequestError(f"pain score {score} is out of range; give 0 (none) to 10 (worst)", code="bad_score")
    kind: Quality | None = None
    if quality:
        try:
            kind = Quality(quality.lower())
        except ValueError:
            known = ", ".join(q.value for q in Quality)
            raise RequestError(
                f"quality '{quality}' is not known; choose one of: {known}", code="bad_quality"
            ) from None
    if "\x00" in note:
        raise RequestError(
            "the note holds a NUL character (\\x00), which a journal cannot keep; remove it", code="bad_note"
        )
    if len(note) > MAX_NOTE:
        raise RequestError(f"the note has {len(note)} characters; keep it under {MAX_NOTE}", code="bad_note")
    return PainEntry(at or datetime.now(UTC), region, score, kind, note.strip())
