"""The content files: complete against the clinical specification, and malformed files fail clearly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED, in_ci
from unknot import ContentError, load_catalog
from unknot.content import CONTENT_DIR, CONTENT_FILES, load_catalog_from
from unknot.model import Category

CATALOG = load_catalog()

REGIONS = [
    "neck_base",
    "upper_trapezius_left",
    "upper_trapezius_right",
    "rhomboid_left",
    "rhomboid_right",
    "scapula_left",
    "scapula_right",
    "paraspinal_left",
    "paraspinal_right",
    "lower_trapezius_left",
    "lower_trapezius_right",
    "thoracic_spine",
]


def spec(name: str) -> str:
    path = SHARED / "clinical" / name
    if not path.exists():
        if in_ci():
            pytest.fail(f"{path} is missing: CI runs with shared/ beside the clone")
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of the markdown table whose header line starts with ``header``."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if not inside and line.startswith(header):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif inside:
            break
    return rows


def test_every_region_of_the_specification_in_its_order() -> None:
    assert list(CATALOG.region_ids) == REGIONS
    ids = re.findall(r"`([a-z_]+)`", "\n".join(r[0] for r in table_rows(spec("regions.md"), "| id |")))
    assert set(ids) == set(REGIONS)


def test_every_rule_row_of_the_specification_with_its_fields() -> None:
    rows = table_rows(spec("screening-rules.md"), "| id | question")
    assert len(rows) == len(CATALOG.rules) == 49
    for row, rule in zip(rows, CATALOG.rules, strict=True):
        rule_id, _question, category, scope, restrictions, sources = row
        assert rule.id == rule_id.strip("`")
        assert (rule.category.value, rule.scope.value) == (category, scope), rule.id
        assert list(rule.restrictions) == re.findall(r"`([a-z_]+)`", restrictions), rule.id
        assert list(rule.sources) == [s.strip() for s in sources.split(",")], rule.id


def test_every_source_of_the_specification() -> None:
    rows = table_rows(spec("sources.md"), "| id | source")
    assert [s.key for s in CATALOG.sources] == [r[0] for r in rows]


def test_every_restriction_of_the_specification() -> None:
    restriction_rows = table_rows(spec("screening-rules.md"), "| id | meaning |")
    assert [r.id for r in CATALOG.restrictions] == [r[0].strip("`") for r in restriction_rows]


def test_categories_strongest_first_and_only_three_allow_massage() -> None:
    assert [c.id for c in CATALOG.categories] == list(Category)
    assert {c.id for c in CATALOG.categories if c.may_massage} == {Category.CAUTION, Category.AVOID_AREA, Category.OK}


def test_every_rule_reads_as_the_screen_needs() -> None:
    for rule in CATALOG.rules:
        assert rule.question.endswith("?"), rule.id
        assert len(rule.label) <= 150 and not rule.label.endswith((".", "?")), rule.id
        assert "\n" not in rule.why and len(rule.why) <= 140, rule.id
        assert rule.message and not re.search(r"\b(112|999|911)\b", rule.message), rule.id
        for key in rule.sources:
            assert CATALOG.source(key).citation


def test_every_rule_is_asked_once_and_the_emergency_group_first() -> None:
    asked = [rule for group in CATALOG.groups for rule in group.rules]
    assert sorted(asked) == sorted(CATALOG.rule_ids)
    first = CATALOG.groups[0].rules
    assert {CATALOG.rule(r).category for r in first} == {Category.EMERGENCY}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("country", "number"), [("US", "911"), ("GB", "999"), ("DE", "112"), (None, "112"), ("gb", "999")]
)
def test_emergency_number_by_country(country: str | None, number: str) -> None:
    assert CATALOG.emergency_numbers.for_country(country) == number


def test_the_cached_catalog_is_the_one_the_files_give() -> None:
    assert load_catalog_from(CONTENT_DIR) == CATALOG


# --- malformed content ---------------------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    for name in CONTENT_FILES:
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param(
            "rules.yaml",
            "category: emergency",
            "category: urgent",
            r"rules\.yaml, entry 'chest_pain' \(#1\), field 'category': Input should be 'emergency'",
            id="bad-category",
        ),
        pytest.param(
            "rules.yaml",
            "    scope: global\n",
            "",
            r"rules\.yaml, entry 'chest_pain' \(#1\), field 'scope': Field required",
            id="missing-field",
        ),
        pytest.param(
            "rules.yaml",
            "    scope: global\n",
            "    scope: global\n    colour: red\n",
            r"rules\.yaml, entry 'chest_pain' \(#1\), field 'colour': not a known field",
            id="unknown-field",
        ),
        pytest.param(
            "rules.yaml",
            "sources: [NHS-HA, NHS-BP, CKS]",
            "sources: [NHS-HA, NOPE]",
            r"rules\.yaml, entry 'chest_pain', field 'sources': 'NOPE' is not defined in sources\.yaml",
            id="unknown-source",
        ),
        pytest.param(
            "rules.yaml",
            "id: tearing_pain",
            "id: chest_pain",
            r"rules\.yaml, entry 'chest_pain' \(#2\), field 'id': duplicate id 'chest_pain'",
            id="duplicate-id",
        ),
        pytest.param(
            "regions.yaml",
            "    side: midline\n",
            "    side: middle\n",
            r"regions\.yaml, entry 'neck_base', field 'side': 'middle' is not one of left, right, midline",
            id="bad-side",
        ),
        pytest.param(
            "regions.yaml",
            "    number: 2\n",
            "    number: two\n",
            r"regions\.yaml, entry 'upper_trapezius_left' \(#2\), field 'number': Input should be a valid integer",
            id="bad-number",
        ),
        pytest.param(
            "categories.yaml",
            "  - id: ok\n    may_massage: true",
            "  - id: ok\n    may_massage: false",
            r"categories\.yaml, entry 'ok', field 'may_massage': must be True",
            id="may-massage",
        ),
        pytest.param(
            "groups.yaml",
            "rules: [fever, contagious,",
            "rules: [contagious,",
            r"groups\.yaml, field 'rules': rules asked in no group: fever",
            id="rule-in-no-group",
        ),
        pytest.param(
            "restrictions.yaml",
            "  - id: no_firm\n",
            "  - id: no_firm\n    colour: red\n",
            r"restrictions\.yaml, entry 'no_firm' \(#2\), field 'colour'",
            id="restriction-field",
        ),
        pytest.param(
            "sources.yaml",
            "sources:\n",
            "sources:\n  - key: [unclosed\n",
            r"sources\.yaml: not valid YAML at line \d+, column \d+",
            id="bad-yaml",
        ),
        pytest.param(
            "session.yaml",
            "  countdown_from: 3\n",
            "  countdown_from: 4\n",
            r"session\.yaml, field 'countdown_from': 1 to the 3 words of texts\.countdown",
            id="session-countdown",
        ),
        pytest.param(
            "session.yaml",
            "  stop_advice_sources: [MAYO, THB, CAMB]",
            "  stop_advice_sources: []",
            r"session\.yaml, field 'stop_advice_sources': the stop advice needs its sources",
            id="session-unsourced-advice",
        ),
        pytest.param(
            "session.yaml",
            '    warning: "{seconds} seconds left."',
            '    warning: "Ten seconds left."',
            r"session\.yaml, field 'texts\.warning': 'Ten seconds left\.' must name \{seconds\} exactly once",
            id="session-placeholder",
        ),
        pytest.param(
            "session.yaml",
            '    paused: "Paused."',
            '    paused: "Paused, and now a cue that goes on far too long for anyone to follow with oily hands."',
            r"session\.yaml, field 'texts\.paused': .* has 18 words; keep cues to 15",
            id="session-long-cue",
        ),
        pytest.param(
            "session.yaml",
            "  lead_in_seconds: 5\n",
            "  lead_in_seconds: 5\n  colour: red\n",
            r"session\.yaml, field 'colour'",
            id="session-unknown-field",
        ),
        pytest.param(
            "rules.yaml",
            "    refer_to: doctor\n    urgency: before_massage\n",
            "    urgency: before_massage\n",
            r"rules\.yaml, entry 'dvt', field 'refer_to': a consult_first rule must say who to see and how soon",
            id="referral-missing",
        ),
        pytest.param(
            "rules.yaml",
            "refer_to: physio_or_doctor",
            "refer_to: nurse",
            r"rules\.yaml, entry 'sharp_pain' \(#\d+\), field 'refer_to': Input should be",
            id="referral-unknown",
        ),
        pytest.param(
            "rules.yaml",
            "sources: [NHS-HA, NHS-BP, CKS]",
            "sources: [NHS-HA, NHS-BP, CKS]\n    refer_to: doctor",
            r"rules\.yaml, entry 'chest_pain', field 'refer_to': remove it; an emergency always means",
            id="referral-on-emergency",
        ),
        pytest.param(
            "rules.yaml",
            "urgency: before_massage",
            "urgency: within_days",
            r"rules\.yaml, entry 'dvt', field 'urgency': before_massage is the urgency of every consult_first rule",
            id="consult-first-urgency",
        ),
        pytest.param(
            "rules.yaml",
            "    clearance_valid_days: 90\n",
            "",
            r"rules\.yaml, entry 'dvt', field 'clearance_valid_days': a consult_first rule needs how long",
            id="validity-missing",
        ),
        pytest.param(
            "rules.yaml",
            "clearance_valid_days: 42",
            "clearance_valid_days: 400",
            r"rules\.yaml, entry 'recent_surgery_fracture', field 'clearance_valid_days': 400 is not from 7 to 365",
            id="validity-range",
        ),
        pytest.param(
            "rules.yaml",
            "    refer_to: physio_or_doctor\n",
            "    refer_to: physio_or_doctor\n    clearance_valid_days: 30\n",
            r"rules\.yaml, entry 'sharp_pain', field 'clearance_valid_days': only consult_first rules are cleared",
            id="validity-not-consult-first",
        ),
        pytest.param(
            "categories.yaml",
            "    within_24h: See a doctor within 24 hours.\n",
            "",
            r"categories\.yaml, entry 'referrals\.doctor', field 'within_24h': the words for doctor / within_24h",
            id="referral-words-missing",
        ),
        pytest.param(
            "emergency_numbers.yaml",
            'default: "112"',
            "default: 112",
            r"emergency_numbers\.yaml, field 'default'",
            id="unquoted-number",
        ),
        pytest.param(
            "remote.yaml",
            "  token_seconds: 120",
            "  token_seconds: 3600",
            r"remote\.yaml, field 'token_seconds': between 30 and 600 seconds",
            id="remote-link-good-for-an-hour",
        ),
        pytest.param(
            "remote.yaml",
            "      alarm: true\n      event: pause",
            "      alarm: false\n      event: pause",
            r"remote\.yaml, entry 'stop', field 'alarm': an alarm halts the step",
            id="remote-stop-not-an-alarm",
        ),
        pytest.param(
            "remote.yaml",
            "      event: it_hurts\n      sources: [MAYO, THB, CAMB]",
            "      event: it_hurts\n      sources: []",
            r"remote\.yaml, entry 'hurts', field 'sources': name a source",
            id="remote-hurts-unsourced",
        ),
    ],
)
def test_a_malformed_file_names_the_file_the_entry_and_the_field(
    content: Path, file: str, old: str, new: str, expected: str
) -> None:
    edit(content / file, old, new)
    with pytest.raises(ContentError, match=expected):
        load_catalog_from(content)


def test_a_missing_file_is_named(content: Path) -> None:
    (content / "rules.yaml").unlink()
    with pytest.raises(ContentError, match=r"rules\.yaml: the content file is missing"):
        load_catalog_from(content)


def test_the_copy_loads_unchanged(content: Path) -> None:
    assert load_catalog_from(content) == CATALOG


# --- the guided session (session.yaml) -------------------------------------------------------------------------


def test_the_session_timings_are_design_choices_said_as_such() -> None:
    rules = CATALOG.session
    assert (rules.lead_in_seconds, rules.words_per_minute, rules.countdown_from) == (5, 160, 3)
    assert (rules.halfway_min_seconds, rules.warning_seconds, rules.warning_min_seconds) == (40, 10, 45)
    assert (rules.countdown_min_seconds, rules.stale_seconds, rules.hurt_grace_seconds) == (20, 3, 3)
    assert rules.sources == () and "Our choice" in rules.design_choice


def test_the_stop_advice_follows_the_stop_rules_with_their_sources() -> None:
    rules = CATALOG.session
    assert rules.stop_advice_sources == ("MAYO", "THB", "CAMB")  # screening-rules.md, "During and after a session"
    advice = rules.stop_advice.lower()
    for sign in ("sharp, shooting or electric", "tingling", "numbness", "dizziness", "spreads"):
        assert sign in advice
    assert "physical therapist" in advice
    stop_rules = spec("screening-rules.md").split("## During and after a session")[1]
    assert "(MAYO, THB, CAMB)" in stop_rules


def test_the_remote_follows_the_stop_rules_and_says_its_own_choices() -> None:
    """remote.yaml (issue 15): "It hurts" rests on the stop rules' sources; the link's 2 minutes, the 4-digit check
    code and a Stop that halts the step are design choices, said as such."""
    rules = CATALOG.remote
    hurts = next(k for k in rules.kinds if k.id == "hurts")
    assert hurts.alarm and hurts.event == "it_hurts" and hurts.sources == ("MAYO", "THB", "CAMB")
    stop = next(k for k in rules.kinds if k.id == "stop")
    assert stop.alarm and stop.event == "pause" and "DESIGN" in stop.sources
    assert (rules.token_seconds, rules.check_digits, rules.silence_seconds, rules.rate_minutes) == (120, 4, 5, 30)
    assert "DESIGN" in rules.sources and "Our choices" in rules.design_choice
    advice = rules.alarm_advice.lower()
    for sign in ("sharp, shooting or electric", "tingling", "numbness", "dizziness", "spreading"):
        assert sign in advice
    assert rules.acknowledge == "I've stopped"


def test_the_countdown_words_count_down() -> None:
    assert CATALOG.session.texts.countdown == ("One.", "Two.", "Three.")


def test_every_clearance_validity_is_a_design_choice_said_as_such() -> None:
    text = (CONTENT_DIR / "rules.yaml").read_text(encoding="utf-8")
    assert "clearance_valid_days" in text and "DESIGN choice" in text
    for rule in CATALOG.rules:
        if rule.clearance_valid_days is not None:
            assert rule.category is Category.CONSULT_FIRST
            assert 7 <= rule.clearance_valid_days <= 365
