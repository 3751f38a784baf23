"""The FHIR export: a Bundle that fhir.resources' R4B models accept, saying what the journal says, the same twice."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from hypothesis import given
from hypothesis import strategies as st

from unknot import load_catalog
from unknot.fhir import LOINC_SYSTEM, PAIN_SEVERITY_CODE, PAIN_SEVERITY_DISPLAY, REGION_SYSTEM, to_fhir
from unknot.model import PainEntry, Quality

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))


def validated(entries: list[PainEntry]) -> dict[str, Any]:
    """The export of ``entries``, after a JSON round trip, checked by the R4B models: whole and each Observation."""
    doc: dict[str, Any] = json.loads(json.dumps(to_fhir(entries, CATALOG, now=NOW)))
    Bundle.model_validate(doc)
    for item in doc.get("entry", []):
        Observation.model_validate(item["resource"])
    assert not list(empty_values(doc)), "FHIR JSON has no empty arrays, objects, strings or nulls"
    return doc


def empty_values(value: Any, path: str = "$") -> list[str]:
    """Where ``value`` holds something FHIR JSON forbids (fhir.resources lets it through)."""
    if value in ([], {}, "", None):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in empty_values(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in empty_values(v, f"{path}[{i}]")]
    return []


def observation(entry: PainEntry) -> dict[str, Any]:
    (item,) = validated([entry])["entry"]
    resource: dict[str, Any] = item["resource"]
    return resource


def test_a_rating_is_a_final_loinc_pain_severity_survey_without_a_subject() -> None:
    obs = observation(PainEntry(T0, "rhomboid_left", 6))
    assert obs["status"] == "final"
    (category,) = obs["category"]
    assert category["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/observation-category"
    assert category["coding"][0]["code"] == "survey"
    (coding,) = obs["code"]["coding"]
    assert (coding["system"], coding["code"]) == ("http://loinc.org", "72514-3") == (LOINC_SYSTEM, PAIN_SEVERITY_CODE)
    assert coding["display"] == PAIN_SEVERITY_DISPLAY == "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
    assert obs["code"]["text"] == "Pain severity (0-10)"
    assert "subject" not in obs


@pytest.mark.parametrize("score", range(11))
def test_the_value_is_the_score(score: int) -> None:
    assert observation(PainEntry(T0, "neck_base", score))["valueInteger"] == score


@pytest.mark.parametrize("region", CATALOG.regions, ids=lambda r: r.id)
def test_the_body_site_is_the_region_by_name_and_by_our_code(region: Any) -> None:
    site = observation(PainEntry(T0, region.id, 3))["bodySite"]
    assert site["text"] == region.name
    (coding,) = site["coding"]
    assert (coding["system"], coding["code"]) == (REGION_SYSTEM, region.id)


def test_times_are_utc_and_the_same_instants() -> None:
    doc = validated([PainEntry(T0, "neck_base", 2)])
    effective = doc["entry"][0]["resource"]["effectiveDateTime"]
    assert effective == "2026-11-01T07:30:00+00:00"
    assert datetime.fromisoformat(effective) == T0
    assert datetime.fromisoformat(doc["timestamp"]) == NOW and doc["timestamp"].endswith("+00:00")


@pytest.mark.parametrize(
    ("entry", "notes"),
    [
        pytest.param(PainEntry(T0, "neck_base", 2), None, id="nothing-to-say"),
        pytest.param(PainEntry(T0, "neck_base", 2, note="  "), None, id="blank-note"),
        pytest.param(PainEntry(T0, "neck_base", 2, Quality.TIGHT), ["Feels: tight"], id="quality"),
        pytest.param(PainEntry(T0, "neck_base", 2, note="after the drive"), ["after the drive"], id="note"),
        pytest.param(
            PainEntry(T0, "neck_base", 2, session_id=4, phase="before"),
            ["Rated before a guided massage session"],
            id="before-session",
        ),
        pytest.param(
            PainEntry(T0, "neck_base", 2, Quality.BURNING, "worse at night", session_id=4, phase="after"),
            ["Feels: burning", "worse at night", "Rated after a guided massage session"],
            id="everything",
        ),
    ],
)
def test_notes_only_say_what_there_is_to_say(entry: PainEntry, notes: list[str] | None) -> None:
    obs = observation(entry)
    assert ([n["text"] for n in obs["note"]] if "note" in obs else None) == notes


def test_an_empty_journal_is_an_empty_bundle() -> None:
    doc = validated([])
    assert doc == {"resourceType": "Bundle", "type": "collection", "timestamp": "2026-11-25T20:00:00+00:00"}


def test_the_same_journal_exports_to_the_same_json() -> None:
    def journal(first_id: int) -> list[PainEntry]:  # database ids differ between databases; content does not
        return [
            PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, "é ✓", id=first_id),
            PainEntry(T0 + timedelta(hours=1), "neck_base", 0, id=first_id + 1, session_id=first_id, phase="after"),
        ]

    assert json.dumps(to_fhir(journal(1), CATALOG, now=NOW)) == json.dumps(to_fhir(journal(70), CATALOG, now=NOW))


def test_different_ratings_have_different_urls_matching_their_ids() -> None:
    base = PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, "note")
    entries = [
        base,
        PainEntry(T0 + timedelta(seconds=1), "rhomboid_left", 6, Quality.TIGHT, "note"),
        PainEntry(T0, "rhomboid_right", 6, Quality.TIGHT, "note"),
        PainEntry(T0, "rhomboid_left", 7, Quality.TIGHT, "note"),
        PainEntry(T0, "rhomboid_left", 6, Quality.SHARP, "note"),
        PainEntry(T0, "rhomboid_left", 6, None, "note"),
        PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, "other"),
        PainEntry(T0, "rhomboid_left", 6, Quality.TIGHT, "note", phase="before"),
        base,  # the same rating twice is still two entries
    ]
    items = validated(entries)["entry"]
    urls = [item["fullUrl"] for item in items]
    assert len(set(urls)) == len(entries)
    for item in items:
        assert item["fullUrl"] == f"urn:uuid:{item['resource']['id']}"
        assert uuid.UUID(item["resource"]["id"]).version == 5


@pytest.mark.parametrize(
    ("entries", "now"),
    [
        pytest.param([PainEntry(datetime(2026, 11, 1, 9, 30), "neck_base", 2)], NOW, id="naive-entry"),
        pytest.param([], datetime(2026, 11, 25, 20, 0), id="naive-now"),
    ],
)
def test_a_time_without_a_zone_is_refused(entries: list[PainEntry], now: datetime) -> None:
    with pytest.raises(ValueError, match="has no time zone; pass an aware datetime"):
        to_fhir(entries, CATALOG, now=now)


offsets = st.timedeltas(min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59))
entries_strategy = st.lists(
    st.builds(
        PainEntry,
        at=st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.builds(timezone, offsets)
        ),
        region=st.sampled_from([r.id for r in CATALOG.regions]),
        score=st.integers(0, 10),
        quality=st.none() | st.sampled_from(Quality),
        note=st.text(max_size=40),
        id=st.none() | st.integers(1, 10_000),
        session_id=st.none() | st.integers(1, 100),
        phase=st.sampled_from([None, "before", "after"]),
    ),
    max_size=8,
)


@given(entries_strategy)
def test_every_journal_exports_to_a_valid_bundle_one_observation_per_rating(entries: list[PainEntry]) -> None:
    doc = validated(entries)
    resources = [item["resource"] for item in doc.get("entry", [])]
    assert [(r["valueInteger"], r["bodySite"]["coding"][0]["code"]) for r in resources] == [
        (e.score, e.region) for e in entries
    ]
    assert [datetime.fromisoformat(r["effectiveDateTime"]) for r in resources] == [e.at for e in entries]
    assert len({r["id"] for r in resources}) == len(entries)


def test_the_export_does_not_need_fhir_resources() -> None:
    probe = "import sys, unknot.fhir; print('fhir.resources' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
