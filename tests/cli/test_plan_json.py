"""`unknot plan --json`: the contract's routine and every plan error code, through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunUnknot

SELF = {"mode": "self", "tools": ["tennis_ball"], "minutes": 10}
FORBIDS = {"verdict": "stop_today", "may_massage": False, "avoid_regions": [], "restrictions": []}


def test_a_routine_from_a_file(unknot: RunUnknot, tmp_path: Path) -> None:
    request = tmp_path / "plan.json"
    request.write_text(json.dumps({**SELF, "focus": ["rhomboid_left", "rhomboid_right"], "seed": 1}))
    run = unknot("plan", "--json", str(request))
    assert run.code == 0, run.err
    out = run.json()
    assert out["mode"] == "self" and out["total_seconds"] == 600 == sum(s["seconds"] for s in out["steps"])
    assert out["steps"][0] == {**out["steps"][0], "kind": "transition", "name": "get_ready"}
    work = [s for s in out["steps"] if s["kind"] == "technique"]
    assert {s["technique"] for s in work} <= {"ball_wall", "ball_floor", "hand_kneading"}
    assert all(s["cue"] and s["seconds"] >= 5 for s in out["steps"])
    assert unknot("plan", "--json", str(request)).out == run.out  # the same request, the same routine


def test_a_whole_screen_answer_is_accepted_and_applied(unknot: RunUnknot) -> None:
    screen = unknot("screen", "--json", "-", input='{"findings": ["pregnancy"], "all_others_answered_no": true}').json()
    out = unknot("plan", "--json", "-", input=json.dumps({"mode": "partner", "minutes": 10, "screen": screen})).json()
    assert out["position"] == "seated"
    assert {s["position"] for s in out["steps"]} == {"seated"}
    assert out["restrictions"] == ["no_floor_work", "no_prone"]


@pytest.mark.parametrize(
    ("request_text", "code", "in_message"),
    [
        pytest.param('{"mode": "self", ', "invalid_json", "line 1, column", id="invalid_json"),
        pytest.param("[]", "invalid_request", "JSON object", id="not-an-object"),
        pytest.param('{"minutes": 10}', "invalid_request", "needs 'mode'", id="missing-mode"),
        pytest.param('{"mode": "self"}', "invalid_request", "needs 'minutes'", id="missing-minutes"),
        pytest.param('{"mode": "self", "minutes": 10, "colour": 1}', "invalid_request", "'colour'", id="unknown-field"),
        pytest.param('{"mode": 1, "minutes": 10}', "invalid_request", "'mode'", id="mode-type"),
        pytest.param('{"mode": "self", "minutes": "ten"}', "invalid_request", "'minutes'", id="minutes-type"),
        pytest.param('{"mode": "self", "minutes": 10, "tools": "ball"}', "invalid_request", "'tools'", id="tools"),
        pytest.param('{"mode": "self", "minutes": 10, "seed": 1.5}', "invalid_request", "'seed'", id="seed"),
        pytest.param('{"mode": "self", "minutes": 10, "screen": []}', "invalid_request", "'screen'", id="screen"),
        pytest.param('{"mode": "solo", "minutes": 10}', "unknown_mode", "partner or self", id="unknown_mode"),
        pytest.param('{"mode": "self", "minutes": 10, "tools": ["rope"]}', "unknown_tool", "tennis_ball", id="tool"),
        pytest.param(
            '{"mode": "self", "minutes": 10, "avoid": ["lower_back"]}', "unknown_region", "neck_base", id="region"
        ),
        pytest.param(
            '{"mode": "self", "minutes": 10, "restrictions": ["gentle"]}', "unknown_restriction", "no_firm", id="restr"
        ),
        pytest.param('{"mode": "self", "minutes": 2}', "minutes_out_of_range", "3 to 60", id="minutes-low"),
        pytest.param('{"mode": "self", "minutes": 61}', "minutes_out_of_range", "3 to 60", id="minutes-high"),
        pytest.param('{"mode": "self", "minutes": 7.5}', "minutes_out_of_range", "whole number", id="minutes-frac"),
        pytest.param(
            '{"mode": "self", "minutes": 10, "focus": ["scapula_left"], "avoid": ["scapula_left"]}',
            "focus_avoided",
            "scapula_left",
            id="focus_avoided",
        ),
        pytest.param(
            '{"mode": "self", "minutes": 10, "focus": ["scapula_left"], "screen": {"may_massage": true,'
            ' "avoid_regions": ["scapula_left"], "restrictions": []}}',
            "focus_avoided",
            "scapula_left",
            id="focus-avoided-by-screen",
        ),
        pytest.param(
            '{"mode": "self", "minutes": 10, "avoid": ["upper_trapezius_left", "upper_trapezius_right"]}',
            "nothing_to_work",
            "add a tool",
            id="nothing_to_work",
        ),
        pytest.param(
            '{"mode": "self", "minutes": 10, "position": "seated"}', "invalid_request", "partner", id="position-self"
        ),
        pytest.param(
            '{"mode": "partner", "minutes": 10, "position": "upside_down"}',
            "invalid_request",
            "prone, seated",
            id="position-unknown",
        ),
    ],
)
def test_a_wrong_request_gives_its_code_and_exit_2(
    unknot: RunUnknot, request_text: str, code: str, in_message: str
) -> None:
    run = unknot("plan", "--json", "-", input=request_text)
    assert run.code == 2, run.out
    error = run.json()["error"]
    assert error["code"] == code and in_message in error["message"]
    assert run.err.startswith("unknot: error: ") and "Traceback" not in run.err


def test_a_missing_file(unknot: RunUnknot, tmp_path: Path) -> None:
    run = unknot("plan", "--json", str(tmp_path / "none.json"))
    assert (run.code, run.json()["error"]["code"]) == (2, "file_not_found")


def test_a_screen_that_forbids_massage_exits_3(unknot: RunUnknot) -> None:
    run = unknot("plan", "--json", "-", input=json.dumps({**SELF, "screen": FORBIDS}))
    assert (run.code, run.json()["error"]["code"]) == (3, "screen_forbids")
    assert "stop_today" in run.json()["error"]["message"]


def test_a_wrong_request_is_exit_2_even_when_the_screen_forbids(unknot: RunUnknot) -> None:
    run = unknot("plan", "--json", "-", input=json.dumps({**SELF, "tools": ["rope"], "screen": FORBIDS}))
    assert (run.code, run.json()["error"]["code"]) == (2, "unknown_tool")


def test_a_seated_partner_routine_and_a_shortened_one(unknot: RunUnknot) -> None:
    seated = unknot("plan", "--json", "-", input='{"mode": "partner", "minutes": 10, "position": "seated"}').json()
    assert seated["position"] == "seated" and "shortened" not in seated and seated["total_seconds"] == 600
    short = unknot("plan", "--json", "-", input='{"mode": "self", "tools": ["foam_roller"], "minutes": 30}').json()
    assert short["shortened"]["asked_seconds"] == 1800 and short["total_seconds"] < 1800
    assert "tennis ball" in short["shortened"]["reason"]
