"""`unknot screen --json`: the contract's answers and every error code that applies to `screen`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunUnknot

OK = {"findings": [], "all_others_answered_no": True}


def test_a_healthy_screen_from_a_file(unknot: RunUnknot, tmp_path: Path) -> None:
    request = tmp_path / "ok.json"
    request.write_text(json.dumps(OK))
    run = unknot("screen", "--json", str(request))
    assert run.code == 0, run.err
    out = run.json()
    assert (out["verdict"], out["may_massage"], out["avoid_regions"], out["restrictions"]) == ("ok", True, [], [])
    assert out["reasons"] == [] and out["advice"]
    assert run.err == ""


def test_the_contracts_example_from_standard_input(unknot: RunUnknot) -> None:
    request = {
        "findings": [{"rule": "bruise", "regions": ["rhomboid_left"]}, "anticoagulants"],
        "unsure": ["fever", {"rule": "skin_condition", "regions": ["scapula_right"]}],
        "cleared": ["cancer"],
        "all_others_answered_no": True,
    }
    out = unknot("screen", "--json", "-", input=json.dumps(request)).json()
    assert out["verdict"] == "stop_today" and out["may_massage"] is False
    assert out["avoid_regions"] == ["rhomboid_left", "scapula_right"]
    assert out["restrictions"] == ["light_pressure", "no_tools_point"]
    assert [(r["rule"], r["category"]) for r in out["reasons"]] == [
        ("fever", "stop_today"),
        ("anticoagulants", "caution"),
        ("bruise", "avoid_area"),
        ("skin_condition", "avoid_area"),
    ]
    fever = out["reasons"][0]
    assert fever["unsure"] is True and fever["sources"] and fever["message"]
    assert out["reasons"][1]["restrictions"] == ["light_pressure", "no_tools_point"]


def test_an_emergency_gives_the_number(unknot: RunUnknot) -> None:
    out = unknot("screen", "--json", "-", "--emergency-number", "999", input='{"findings": ["chest_pain"]}').json()
    assert out["verdict"] == "emergency" and out["emergency_number"] == "999" and "999" in out["advice"]


@pytest.mark.parametrize(
    ("request_text", "code", "in_message"),
    [
        pytest.param('{"findings": [}', "invalid_json", "line 1, column 15", id="invalid_json"),
        pytest.param(
            '{\n  "findings": [],\n  "all_others_answered_no": tru\n}', "invalid_json", "line 3", id="json-line"
        ),
        pytest.param("[]", "invalid_request", "JSON object", id="not-an-object"),
        pytest.param('{"findings": [], "extra": 1}', "invalid_request", "unknown field 'extra'", id="unknown-field"),
        pytest.param('{"findings": "fever"}', "invalid_request", "'findings' must be a list", id="findings-type"),
        pytest.param('{"findings": [3]}', "invalid_request", "'findings' item 1", id="item-type"),
        pytest.param('{"unsure": [{"regions": []}]}', "invalid_request", "needs 'rule'", id="item-without-rule"),
        pytest.param('{"findings": [{"rule": "bruise", "where": []}]}', "invalid_request", "'where'", id="item-field"),
        pytest.param(
            '{"findings": [{"rule": "bruise", "regions": "x"}]}', "invalid_request", "'regions'", id="regions"
        ),
        pytest.param('{"all_others_answered_no": "yes"}', "invalid_request", "true or false", id="bool-type"),
        pytest.param(
            '{"cleared": "cancer", "all_others_answered_no": true}', "invalid_request", "'cleared'", id="cleared"
        ),
        pytest.param(
            '{"findings": ["sore_knee"], "all_others_answered_no": true}',
            "unknown_rule",
            "chest_pain",
            id="unknown_rule",
        ),
        pytest.param(
            '{"findings": [{"rule": "bruise", "regions": ["lower_back"]}], "all_others_answered_no": true}',
            "unknown_region",
            "neck_base",
            id="unknown_region",
        ),
        pytest.param(
            '{"findings": ["bruise"], "all_others_answered_no": true}',
            "regions_required",
            "bruise",
            id="regions_required",
        ),
        pytest.param(
            '{"findings": [{"rule": "fever", "regions": ["scapula_left"]}], "all_others_answered_no": true}',
            "regions_not_allowed",
            "fever",
            id="regions_not_allowed",
        ),
        pytest.param(
            '{"findings": [], "cleared": ["fever"], "all_others_answered_no": true}',
            "not_clearable",
            "dvt",
            id="not_clearable",
        ),
        pytest.param('{"findings": ["fever"]}', "incomplete_screen", "all_others_answered_no", id="incomplete_screen"),
        pytest.param(
            '{"findings": ["dvt"], "cleared": [{"rule": "dvt", "on": "3 March"}], "all_others_answered_no": true}',
            "invalid_request",
            "'on' (the day the professional cleared it) must be a date written YYYY-MM-DD",
            id="clearance-date",
        ),
        pytest.param(
            '{"findings": ["dvt"], "cleared": [{"rule": "dvt", "on": "2026-02-30"}], "all_others_answered_no": true}',
            "invalid_request",
            '"2026-02-30"',
            id="clearance-impossible-date",
        ),
        pytest.param(
            '{"findings": [], "cleared": [{"rule": "dvt", "by": "Dr X"}], "all_others_answered_no": true}',
            "invalid_request",
            "unknown field 'by'",
            id="clearance-field",
        ),
        pytest.param(
            '{"findings": [], "today": "tomorrow", "all_others_answered_no": true}',
            "invalid_request",
            "'today' must be a date written YYYY-MM-DD",
            id="today",
        ),
        pytest.param(
            '{"findings": ["chest_pain"], "today": 20261203}', "invalid_request", "'today'", id="today-beside-emergency"
        ),
        pytest.param('{"findings": "chest_pain"}', "invalid_request", "'findings' must be a list", id="shape-first"),
    ],
)
def test_a_wrong_request_gives_its_code_and_exit_2(
    unknot: RunUnknot, request_text: str, code: str, in_message: str
) -> None:
    run = unknot("screen", "--json", "-", input=request_text)
    assert run.code == 2
    error = run.json()["error"]
    assert error["code"] == code
    assert in_message in error["message"]
    assert run.err.count("\n") == 1 and run.err.startswith("unknot: error: ")
    assert "Traceback" not in run.out + run.err


def test_a_missing_file(unknot: RunUnknot, tmp_path: Path) -> None:
    run = unknot("screen", "--json", str(tmp_path / "nope.json"))
    assert (run.code, run.json()["error"]["code"]) == (2, "file_not_found")
    assert "nope.json" in run.json()["error"]["message"]


def test_a_directory_is_not_a_file(unknot: RunUnknot, tmp_path: Path) -> None:
    run = unknot("screen", "--json", str(tmp_path))
    assert (run.code, run.json()["error"]["code"]) == (2, "file_not_found")


def test_a_binary_file_is_not_json(unknot: RunUnknot, tmp_path: Path) -> None:
    request = tmp_path / "image.json"
    request.write_bytes(b"\xff\xd8\xff\xe0binary")
    run = unknot("screen", "--json", str(request))
    assert (run.code, run.json()["error"]["code"]) == (2, "invalid_json")


def test_the_request_is_checked_before_the_emergency_number(unknot: RunUnknot) -> None:
    run = unknot("screen", "--json", "-", "--emergency-number", "help!", input='{"findings": ["sore_knee"]}')
    assert (run.code, run.json()["error"]["code"]) == (2, "unknown_rule")


def test_a_bad_emergency_number_is_one_clear_error(unknot: RunUnknot) -> None:
    run = unknot("screen", "--json", "-", "--emergency-number", "help!", input=json.dumps(OK))
    assert run.code == 2
    assert "help!" in run.json()["error"]["message"] and "Traceback" not in run.err


def test_a_file_with_a_byte_order_mark_is_read(unknot: RunUnknot, tmp_path: Path) -> None:
    request = tmp_path / "bom.json"
    request.write_bytes(b"\xef\xbb\xbf" + json.dumps(OK).encode())
    assert unknot("screen", "--json", str(request)).json()["verdict"] == "ok"


def test_empty_input_says_it_is_empty(unknot: RunUnknot) -> None:
    run = unknot("screen", "--json", "-", input="  \n")
    assert (run.code, run.json()["error"]["code"]) == (2, "invalid_json")
    assert "standard input is empty" in run.json()["error"]["message"]


def test_a_category_is_not_case_sensitive(unknot: RunUnknot) -> None:
    run = unknot("rules", "--category", "Emergency", "--json")
    assert run.code == 0 and {r["category"] for r in run.json()} == {"emergency"}


def screen_json(unknot: RunUnknot, request: dict[str, object]) -> dict[str, object]:
    run = unknot("screen", "--json", "-", input=json.dumps(request))
    assert run.code == 0, run.out + run.err
    out = run.json()
    assert isinstance(out, dict)
    return out


def test_an_emergency_answers_beside_wrong_items(unknot: RunUnknot) -> None:
    request = {
        "findings": ["headache", {"rule": "bruise"}, 7, {"rule": "fever", "regions": ["scapula_left"]}],
        "unsure": ["chest_pain"],
        "cleared": ["fever", {"rule": "dvt", "on": "soon"}],
    }
    out = screen_json(unknot, request)
    assert (out["verdict"], out["may_massage"]) == ("emergency", False)
    chest = next(r for r in out["reasons"] if r["rule"] == "chest_pain")
    assert (chest["refer_to"], chest["urgency"]) == ("emergency_services", "now")
    got = {(json.dumps(m["item"], sort_keys=True), m["code"]) for m in out["not_understood"]}
    assert got == {
        ('"headache"', "unknown_rule"),
        ('{"rule": "bruise"}', "regions_required"),
        ("7", "invalid_request"),
        ('{"regions": ["scapula_left"], "rule": "fever"}', "regions_not_allowed"),
        ('"fever"', "not_clearable"),
        ('{"on": "soon", "rule": "dvt"}', "invalid_request"),
    }
    assert all(m["message"] for m in out["not_understood"])


def test_a_correct_request_has_no_not_understood(unknot: RunUnknot) -> None:
    assert "not_understood" not in screen_json(unknot, {"findings": ["chest_pain"]})


@pytest.mark.parametrize(
    ("on", "cleared"),
    [("2026-09-04", True), ("2026-09-03", False), ("2026-12-04", False), (None, True)],
    ids=["within-90-days", "91-days-old", "after-today", "undated"],
)
def test_a_dated_clearance_against_today(unknot: RunUnknot, on: str | None, cleared: bool) -> None:
    item: object = {"rule": "dvt", "on": on} if on else "dvt"
    out = screen_json(
        unknot, {"findings": ["dvt"], "cleared": [item], "today": "2026-12-03", "all_others_answered_no": True}
    )
    reason = out["reasons"][0]  # type: ignore[index]
    assert out["verdict"] == ("caution" if cleared else "consult_first")
    assert reason["cleared"] is cleared
    assert reason.get("clearance_expired", False) is (not cleared)
    if not cleared:
        assert (reason["refer_to"], reason["urgency"]) == ("doctor", "before_massage")


def test_without_today_the_local_date_judges_a_clearance(unknot: RunUnknot) -> None:
    from datetime import date, timedelta

    old = (date.today() - timedelta(days=200)).isoformat()
    out = screen_json(
        unknot, {"findings": ["high_bp"], "cleared": [{"rule": "high_bp", "on": old}], "all_others_answered_no": True}
    )
    assert out["verdict"] == "consult_first"


def test_a_clearance_of_a_not_sure_says_it_does_not_apply(unknot: RunUnknot) -> None:
    out = screen_json(unknot, {"unsure": ["cancer"], "cleared": ["cancer"], "all_others_answered_no": True})
    reason = out["reasons"][0]  # type: ignore[index]
    assert (out["verdict"], reason["unsure"], reason["cleared"]) == ("consult_first", True, False)


def test_a_blocking_reason_says_who_to_see_in_words(unknot: RunUnknot) -> None:
    out = screen_json(unknot, {"findings": ["no_improvement"], "all_others_answered_no": True})
    reason = out["reasons"][0]  # type: ignore[index]
    assert (reason["refer_to"], reason["urgency"]) == ("physio_or_doctor", "routine")
    assert "physical therapist" in reason["referral"]
