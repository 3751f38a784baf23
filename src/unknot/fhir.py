"""The pain journal as FHIR: a ``Bundle`` a clinician's system can read (pure: entries and a time in, JSON out).

What the receiving system gets, in FHIR R4B (it uses nothing R4B added, so an R4 server reads it too):

- one ``Bundle`` of type ``collection``, its ``timestamp`` the time of the export in UTC;
- one ``Observation`` per pain rating, in journal order, ``status`` ``final``, category ``survey`` (the patient
  reported it), coded as LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported", with the
  score (0 none, 10 worst imaginable) as ``valueInteger`` and the time of the rating as ``effectiveDateTime``
  (UTC);
- ``bodySite``: the region of the upper back in words (``text``, e.g. "Rhomboid, left") and as a code in unknot's
  own code system (``REGION_SYSTEM``, the codes are unknot's region ids, e.g. ``rhomboid_left``); there is no
  SNOMED CT code for these regions;
- ``note``: what else the user said, only the parts that exist: how it felt ("Feels: tight"), their own words,
  and whether a guided massage session asked for the rating ("Rated before a guided massage session", "...after").

There is no ``subject``: the journal is anonymous (FHIR R4 allows an Observation without one), so the receiving
system has to attach the patient itself.

Each entry's ``fullUrl`` is ``urn:uuid:<uuid>`` and the Observation's ``id`` the same uuid, a version-5 uuid of
the rating's content (time, region, score, quality, note, session phase), so exporting the same journal twice
gives the same JSON for the same export time, and a receiving system can recognise a rating it already has.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from unknot.model import Catalog, PainEntry

__all__ = [
    "CATEGORY_SYSTEM",
    "ID_NAMESPACE",
    "LOINC_SYSTEM",
    "PAIN_SEVERITY_CODE",
    "PAIN_SEVERITY_DISPLAY",
    "REGION_SYSTEM",
    "to_fhir",
]

#: Our own code system (not a published one): its codes are unknot's region ids, as ``regions.yaml`` has them.
REGION_SYSTEM = "https://unknot.app/fhir/CodeSystem/back-region"
LOINC_SYSTEM = "http://loinc.org"
PAIN_SEVERITY_CODE = "72514-3"
PAIN_SEVERITY_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
#: The namespace of the Observations' version-5 uuids.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://unknot.app/fhir/Observation")

_PHASE_NOTES = {
    "before": "Rated before a guided massage session",
    "after": "Rated after a guided massage session",
}


def to_fhir(entries: list[PainEntry], catalog: Catalog, *, now: datetime) -> dict[str, Any]:
    """The journal's pain ratings as a FHIR R4B ``collection`` Bundle of Observations, made at ``now``."""
    seen: Counter[str] = Counter()
    bundle_entries = []
    for entry in entries:
        key = _content_key(entry)
        # Two identical ratings still need distinct fullUrls; the nth copy's uuid includes n.
        uid = str(uuid.uuid5(ID_NAMESPACE, f"{key}#{seen[key]}"))
        seen[key] += 1
        bundle_entries.append({"fullUrl": f"urn:uuid:{uid}", "resource": _observation(entry, catalog, uid)})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "timestamp": _utc(now, "now")}
    if bundle_entries:  # FHIR JSON has no empty arrays: an empty journal is a Bundle without ``entry``
        bundle["entry"] = bundle_entries
    return bundle


def _utc(moment: datetime, what: str) -> str:
    """``moment`` in UTC ISO 8601 with its offset; a naive time has no instant to give, so it is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} {moment.isoformat()} has no time zone; pass an aware datetime")
    return moment.astimezone(UTC).isoformat()


def _content_key(entry: PainEntry) -> str:
    """What makes a rating itself: its content, not its database ids."""
    quality = str(entry.quality) if entry.quality is not None else None
    fields = [_utc(entry.at, "entry time"), entry.region, entry.score, quality, entry.note.strip(), entry.phase]
    return json.dumps(fields, ensure_ascii=False)


def _observation(entry: PainEntry, catalog: Catalog, uid: str) -> dict[str, Any]:
    """One rating as an Observation with id ``uid``."""
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": uid,
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}],
        "code": {
            "coding": [{"system": LOINC_SYSTEM, "code": PAIN_SEVERITY_CODE, "display": PAIN_SEVERITY_DISPLAY}],
            "text": "Pain severity (0-10)",
        },
        "effectiveDateTime": _utc(entry.at, "entry time"),
        "valueInteger": entry.score,
        "bodySite": _body_site(entry.region, catalog),
    }
    notes = _notes(entry)
    if notes:
        observation["note"] = [{"text": text} for text in notes]
    return observation


def _body_site(region_id: str, catalog: Catalog) -> dict[str, Any]:
    """The region as a CodeableConcept in our code system."""
    region = catalog.region(region_id)
    # A region since removed from the content still exports, named by its id, rather than failing the whole export.
    name = region.name if region is not None else region_id
    return {"coding": [{"system": REGION_SYSTEM, "code": region_id, "display": name}], "text": name}


def _notes(entry: PainEntry) -> list[str]:
    """The annotations worth sending: the quality, the user's note and the session phase, those that exist."""
    notes = []
    if entry.quality is not None:
        notes.append(f"Feels: {entry.quality}")
    if entry.note.strip():
        notes.append(entry.note.strip())
    phase = _PHASE_NOTES.get(entry.phase or "")
    if phase:
        notes.append(phase)
    return notes
