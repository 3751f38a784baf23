"""The JSON contracts' error promise under hostile input (issue 14, item 10 and the fuzz test): whatever the request,
stdout holds one JSON object of the contract's shape and the exit status is 0, 2 or 3; never an internal error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RunUnknot

LONE = "\ud800"


def _error(run_code: int, out: str, code: str) -> dict[str, str]:
    assert run_code == 2, out
    answer = json.loads(out)
    assert set(answer) == {"error"} and answer["error"]["code"] == code, answer
    return answer["error"]


@pytest.mark.parametrize(
    ("command", "request_obj"),
    [
        pytest.param("screen", {"findings": [LONE], "all_others_answered_no": True}, id="screen-finding"),
        pytest.param("screen", {LONE: 1}, id="screen-field"),
        pytest.param("plan", {"mode": LONE, "minutes": 10}, id="plan-mode"),
        pytest.param("plan", {"mode": "self", "minutes": 10, "tools": [LONE]}, id="plan-tool"),
    ],
)
def test_a_lone_surrogate_is_echoed_in_a_json_error(unknot: RunUnknot, command: str, request_obj: object) -> None:
    run = unknot(command, "--json", "-", input=json.dumps(request_obj))  # ensure_ascii: the text holds "\ud800"
    assert "internal error" not in run.err
    error = _error(run.code, run.out, json.loads(run.out)["error"]["code"])
    assert LONE in error["message"]  # the escape decodes back to the value given


@pytest.mark.parametrize("verdict", [[1], {"a": 1}, 3, None], ids=["list", "object", "number", "null"])
def test_a_screen_verdict_that_is_not_text_is_an_invalid_request(unknot: RunUnknot, verdict: object) -> None:
    request = {"mode": "self", "minutes": 10, "tools": ["tennis_ball"], "screen": {"verdict": verdict}}
    run = unknot("plan", "--json", "-", input=json.dumps(request))
    assert "screen.verdict" in _error(run.code, run.out, "invalid_request")["message"]


@pytest.mark.parametrize(
    ("command", "text"),
    [
        pytest.param(
            "screen",
            '{"findings": ["chest_pain"], "findings": [], "all_others_answered_no": true}',
            id="findings-drops-an-emergency",
        ),
        pytest.param("plan", '{"mode": "self", "minutes": 10, "minutes": 20}', id="plan-minutes"),
        pytest.param(
            "plan", '{"mode": "self", "minutes": 10, "screen": {"verdict": "ok", "verdict": "stop_today"}}', id="nested"
        ),
    ],
)
def test_a_key_given_twice_is_refused(unknot: RunUnknot, command: str, text: str) -> None:
    run = unknot(command, "--json", "-", input=text)
    assert "given twice" in _error(run.code, run.out, "invalid_request")["message"]


def test_an_import_with_a_key_given_twice_is_refused(unknot: RunUnknot, tmp_path: object) -> None:
    text = '{"format": "unknot-journal", "version": 2, "entries": [], "entries": []}'
    run = unknot("import", "-", "--db", f"sqlite:///{tmp_path}/j.db", input=text)
    assert run.code == 2 and "given twice" in run.err, run.err


# The fuzz test. Bounded in examples and without a per-example deadline (conftest's profile), derandomized so that
# a busy CI machine runs exactly the same examples every time.
_WORD = st.sampled_from(
    ["chest_pain", "pregnancy", "rhomboid_left", "self", "partner", "ok", "stop_today", "tennis_ball", "\x00"]
)
# Text of every kind, and often a lone surrogate (valid in JSON as an escape, not in UTF-8) in a word unknot echoes.
_TEXT = _WORD | st.text(st.characters(codec=None), max_size=12) | _WORD.map(lambda w: w + LONE) | st.just(LONE)
_SCALAR = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | _TEXT
_JSON = st.recursive(
    _SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=12
)
_ITEM = _TEXT | st.fixed_dictionaries({"rule": _TEXT}, optional={"regions": st.lists(_TEXT, max_size=3) | _JSON})
_SCREEN = st.fixed_dictionaries(
    {"all_others_answered_no": st.just(True) | _JSON},
    optional={
        "findings": st.lists(_ITEM | _JSON, max_size=3) | _JSON,
        "unsure": st.lists(_ITEM, max_size=3) | _JSON,
        "cleared": st.lists(_TEXT | st.fixed_dictionaries({"rule": _TEXT, "on": _TEXT}), max_size=3) | _JSON,
        "today": _TEXT | st.dates().map(str),
    },
)
_PLAN = st.fixed_dictionaries(
    {"mode": st.sampled_from(["self", "partner"]) | _JSON, "minutes": st.integers(0, 70) | _JSON},
    optional={
        "tools": st.lists(_TEXT, max_size=3) | _JSON,
        "focus": st.lists(_TEXT, max_size=3) | _JSON,
        "avoid": st.lists(_TEXT, max_size=3) | _JSON,
        "restrictions": st.lists(_TEXT, max_size=3) | _JSON,
        "screen": st.fixed_dictionaries(
            {},
            optional={
                "verdict": _TEXT | _JSON,
                "may_massage": st.booleans() | _JSON,
                "avoid_regions": st.lists(_TEXT, max_size=3) | _JSON,
                "restrictions": st.lists(_TEXT, max_size=3) | _JSON,
                "reasons": _JSON,
            },
        )
        | _JSON,
        "seed": _JSON,
        "position": _JSON,
    },
)


def _bytes(request: object, raw: bool) -> Any:
    """The request as a file holds it: escaped, or raw UTF-8 (where a lone surrogate makes bytes that are not UTF-8)."""
    return json.dumps(request, ensure_ascii=not raw).encode("utf-8", "surrogatepass")


def _check(run_code: int, out: str, err: str, shape: set[str]) -> None:
    assert "internal error" not in err, err
    assert run_code in {0, 2, 3}, (run_code, out, err)
    answer = json.loads(out)
    assert isinstance(answer, dict)
    if run_code == 0:
        assert shape <= set(answer), answer
    else:
        assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}, answer


@settings(
    max_examples=120,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=_SCREEN | _JSON, raw=st.booleans())
def test_fuzz_screen_json(unknot: RunUnknot, request: object, raw: bool) -> None:
    run = unknot("screen", "--json", "-", input=_bytes(request, raw))
    _check(run.code, run.out, run.err, {"verdict", "may_massage"})


@settings(
    max_examples=120,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=_PLAN | _JSON, raw=st.booleans())
def test_fuzz_plan_json(unknot: RunUnknot, request: object, raw: bool) -> None:
    run = unknot("plan", "--json", "-", input=_bytes(request, raw))
    _check(run.code, run.out, run.err, {"mode", "steps", "total_seconds"})
