"""A bounded fuzz of every API route (issue 14, acceptance: "hypothesis over both JSON contracts and every API
route, bounded in count and time, with 0 internal errors and 0 5xx").

The routes are enumerated from the app, into its included routers (``app.routes`` holds an included router as one
opaque entry), and checked against the app's OpenAPI document. Each gets the same number of derandomized examples: a
path with odd ids, odd query values, and a body that is either a JSON value (shaped like the API's requests or not:
huge integers, lone surrogates, nested lists, "Infinity"-like strings) or raw JSON text no encoder writes (keys
given twice, ``Infinity``, ``NaN``, numbers of 5,000 digits, nesting thousands deep). Every answer is under 500, and
every error is ``{"error": {"code", "message"}}``. The server is a real ``unknot serve`` on loopback with a SQLite
journal file; a failure shows what it logged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.web.conftest import Server
from unknot.web.app import WebConfig, create_app
from unknot.web.security import Keys

KEY = "fuzz-key-0123456789abcdef"
EXAMPLES = 20  # per route: 440 requests in all, about 15 s


def _api_routes(routes: list[Any]) -> Iterator[tuple[str, str]]:
    """Every (method, path) under /api in ``routes``, into included routers (``original_router``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            if route.path.startswith("/api/"):
                yield from ((method, route.path) for method in route.methods)
        elif getattr(route, "original_router", None) is not None:
            yield from _api_routes(route.original_router.routes)


ROUTES = sorted(set(_api_routes(create_app(WebConfig(keys=Keys(KEY))).routes)), key=lambda r: (r[1], r[0]))
FIELDS = [
    "findings", "unsure", "cleared", "all_others_answered_no", "today", "mode", "minutes", "tools", "focus", "avoid",
    "seed", "position", "plan", "pain_before", "event", "at", "pain_after", "status", "region", "score", "quality",
    "note", "rule", "regions", "on",
]  # fmt: skip
WORDS = [
    "self", "partner", "prone", "seated", "rhomboid_left", "neck_base", "upper_trapezius_left", "tennis_ball",
    "chest_pain", "high_bp", "tick", "pause", "next", "stop", "it_hurts", "finished", "stopped", "sharp",
    "2026-11-02", "2026-13-45", "Infinity", "-Infinity", "NaN", "1e999", "\ud800", "\udfff", "\x00", "", " ",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.sampled_from([2**31, 2**63, 2**64, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(WORDS),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS + WORDS), inner, max_size=4),
    max_leaves=12,
)
shaped = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6)  # the API's own keys, odd values
bodies = st.one_of(shaped, shaped.map(lambda d: {"plan": d}), values)


@st.composite
def raw_texts(draw: st.DrawFn) -> str:
    """JSON text with what an encoder never writes."""
    base = json.dumps(draw(shaped))  # ensure_ascii: a surrogate is its escape, as a client may send it
    kind = draw(st.sampled_from(["duplicate", "constant", "digits", "deep", "surrogate-key"]))
    if kind == "duplicate":
        key = draw(st.sampled_from(FIELDS))
        inner = base[1:-1]
        first, second = json.dumps(draw(values)), json.dumps(draw(values))
        return "{" + f'"{key}": {first}, ' + (inner + ", " if inner else "") + f'"{key}": {second}' + "}"
    if kind == "constant":
        word = draw(st.sampled_from(["Infinity", "-Infinity", "NaN"]))
        return json.dumps({draw(st.sampled_from(FIELDS)): "__C__"}).replace('"__C__"', word)
    if kind == "digits":
        return json.dumps({draw(st.sampled_from(FIELDS)): "__N__"}).replace('"__N__"', "9" * 5000)
    if kind == "deep":
        depth = draw(st.sampled_from([100, 1_000, 5_000]))
        return "[" * depth + "]" * depth
    return '{"\\ud800": 1, "note": "\\udc00"}'


ids = st.one_of(
    st.integers(min_value=-3, max_value=4),
    st.sampled_from([2**31, 2**63, 2**64, 10**40]),
    st.sampled_from(["x", "1.5", "%00", "1e3", "-0", "%F0%9F%98%80"]),
)
queries = st.dictionaries(
    st.sampled_from(["days", "subject", "for", "x"]),
    st.one_of(
        st.sampled_from(["1", "0", "3650", "3651", "receiver", "self", "nobody", "1e999", "-1", "%00"]),
        st.text(max_size=8),
    ),
    max_size=2,
)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    """A program's client of the module's server, with a screen, a session and an entry to act on."""
    with server.client() as program:
        program.post("/api/screen", json={"all_others_answered_no": True}).raise_for_status()
        program.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5}}).raise_for_status()
        program.post("/api/entries", json={"region": "neck_base", "score": 3}).raise_for_status()
        yield program


def _path(template: str, draw_id: Any) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda _: str(draw_id), template)


def _check(response: Any, what: str, server: Server) -> None:
    log = "".join(server.output)[-3000:]
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}\n{log}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), f"{what}: {body}"


def _has_duplicate_keys(text: str) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        keys = [k for k, _ in items]
        found = found or len(keys) != len(set(keys))
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return False
    return found


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_route_answers_a_5xx_or_an_error_of_another_shape(
    server: Server, client: httpx.Client, method: str, template: str
) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None)
    @given(
        some_id=ids,
        query=queries,
        body=st.one_of(st.none(), bodies.map(lambda v: json.dumps(v)), raw_texts()),
    )
    def run(some_id: Any, query: dict[str, str], body: str | None) -> None:
        path = _path(template, some_id)
        content = None if body is None or method in ("GET", "DELETE") else body.encode()
        headers = {"content-type": "application/json"} if content is not None else {}
        what = f"{method} {path} {query} {body[:300] if body else body}"
        if template.endswith("/events"):  # an event stream answers for as long as its session runs: its head only
            with client.stream(method, path, params=query) as streamed:
                if streamed.status_code >= 400:
                    streamed.read()
                _check(streamed, what, server)
            return
        response = client.request(method, path, params=query, content=content, headers=headers)
        _check(response, what, server)
        if content is not None and _has_duplicate_keys(body or "") and response.status_code < 300:
            pytest.fail(f"{what}: a key given twice was taken ({response.status_code})")

    run()


def test_the_fuzz_covers_every_api_route() -> None:
    """The routes fuzzed are the app's, and they are every route the app describes under /api (its OpenAPI
    document: ``app.routes`` holds an included router as one opaque entry), so a new route is fuzzed without a
    change here."""
    described = create_app(WebConfig(keys=Keys(KEY))).openapi()["paths"]
    served = {(m.upper(), p) for p, ops in described.items() if p.startswith("/api/") for m in ops}
    fuzzed = {(m, p) for m, p in ROUTES if m != "HEAD"}
    # Every described route is fuzzed; so are the few the document leaves out (the giver's event stream).
    assert served <= fuzzed and len(served) >= 15, served - fuzzed
    assert fuzzed - served == {("GET", "/api/sessions/{session_id}/remote/events")}


def test_a_key_given_twice_is_an_invalid_request(client: httpx.Client) -> None:
    """The API refuses duplicate keys as the JSON contracts do: a second "findings" would drop an emergency."""
    text = '{"findings": ["chest_pain"], "findings": [], "all_others_answered_no": true}'
    response = client.post("/api/screen", content=text.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and '"findings"' in error["message"] and "twice" in error["message"]
