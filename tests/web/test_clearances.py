"""Clearances in the browser's pages, against a real server and its SQLite journal: kept with the day given (never
today by default), refused when they cannot be (and then not kept), withdrawn; the screen confirms a kept one covers
the same condition, explains an expired one, and says who to see and how soon."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from tests.web.conftest import Server, start_server, stop_server
from unknot import load_catalog
from unknot.screening import long_date

CATALOG = load_catalog()


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh server (and journal) per test: clearances are state."""
    running = start_server(tmp_path_factory.mktemp("clearances"))
    yield running
    stop_server(running)


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def csrf(client: httpx.Client) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert match
    return match.group(1)


def text(page: httpx.Response) -> str:
    """The page's words, tags removed, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def keep(client: httpx.Client, rule: str, day: str) -> httpx.Response:
    return client.post("/clearances", data={"csrf": csrf(client), "rule": rule, "cleared_on": day})


def kept(client: httpx.Client) -> str:
    return text(client.get("/clearances"))


@pytest.mark.parametrize(
    ("rule", "day", "why"),
    [
        pytest.param("dvt", "", "never assumed to be today", id="no-day"),
        pytest.param("dvt", (date.today() + timedelta(days=1)).isoformat(), "is still to come", id="future"),
        pytest.param("fever", "2026-11-01", "'fever' is a stop_today rule", id="not-consult-first"),
        pytest.param("dvt", "03/11/2026", "is not a day written YYYY-MM-DD", id="bad-day"),
    ],
)
def test_a_refused_clearance_is_never_kept(client: httpx.Client, rule: str, day: str, why: str) -> None:
    page = keep(client, rule, day)
    assert page.status_code == 400 and why in text(page)
    assert "No clearances kept" in kept(client)


def test_the_day_is_asked_not_filled_in(client: httpx.Client) -> None:
    form = client.get("/clearances").text
    field = re.search(r'<input id="cleared_on"[^>]*>', form)
    assert field and "value=" not in field.group(0) and "required" in field.group(0)


def test_keep_list_and_withdraw(client: httpx.Client) -> None:
    recent, old = date.today() - timedelta(days=5), date.today() - timedelta(days=181)
    assert keep(client, "cancer", recent.isoformat()).status_code == 303
    keep(client, "high_bp", old.isoformat())
    page = kept(client)
    assert f"Cleared on {long_date(recent)}, holds until" in page
    assert f"Cleared on {long_date(old)}, expired after" in page and "(expired)" in page
    client.post("/clearances/withdraw", data={"csrf": csrf(client), "rule": "cancer"})
    assert f"Cleared on {long_date(recent)}, withdrawn" in kept(client)


def test_the_pages_lead_to_the_clearances(client: httpx.Client) -> None:
    assert 'href="/clearances"' in client.get("/settings").text
    assert 'href="/clearances"' in client.get("/journal").text


def ask(client: httpx.Client, draft: dict[str, object], **form: str) -> httpx.Response:
    return client.post(
        "/screen", data={"csrf": csrf(client), "draft": json.dumps(draft), **form}, follow_redirects=True
    )


def walk(client: httpx.Client, rule: str) -> httpx.Response:
    """The screen through its own forms, as a browser answers it: no to every group but the one holding ``rule``,
    yes there and ``rule`` ticked; the page after the last group (its details, or the verdict)."""
    page = client.get("/screen")
    while (stage := re.search(r'name="stage" value="([^"]+)"', page.text)) and stage.group(1) in ("group", "which"):
        draft = json.loads(html.unescape(re.search(r'name="draft" value="([^"]+)"', page.text).group(1)))  # type: ignore[union-attr]
        holds = rule in CATALOG.groups[draft["group"]].rules
        if stage.group(1) == "group":
            page = ask(client, draft, stage="group", answer="yes" if holds else "no")
        else:
            page = ask(client, draft, stage="which", rules=rule)
    return page


def to_the_clearance(client: httpx.Client, rule: str = "dvt") -> tuple[httpx.Response, dict[str, object]]:
    """Every group answered, ``rule`` ticked yes: the page that asks about its clearance, and its draft."""
    page = walk(client, rule)
    match = re.search(r'name="draft" value="([^"]+)"', page.text)
    assert match and 'name="stage" value="cleared"' in page.text, page.text
    return page, json.loads(html.unescape(match.group(1)))


def test_a_kept_clearance_is_confirmed_for_the_same_condition(client: httpx.Client) -> None:
    given = date.today() - timedelta(days=10)
    keep(client, "dvt", given.isoformat())
    page, draft = to_the_clearance(client)
    assert f"Is this the same condition they cleared on {long_date(given)}?" in text(page)
    same = text(ask(client, draft, stage="cleared", rule="dvt", cleared="same"))
    assert "Massage with care" in same and "(cleared by a professional)" in same
    other = ask(client, draft, stage="cleared", rule="dvt", cleared="no")
    words = text(other)
    assert "Ask a professional first" in words
    assert "Who to see, and how soon: Ask your doctor before any massage." in words
    assert "doctor" in words and "before_massage" not in other.text
    assert 'href="/clearances"' in other.text


def test_an_expired_clearance_is_explained(client: httpx.Client) -> None:
    given = date.today() - timedelta(days=91)
    keep(client, "dvt", given.isoformat())
    page, draft = to_the_clearance(client)
    assert f"Your clearance from {long_date(given)} has expired" in text(page)
    verdict = text(ask(client, draft, stage="cleared", rule="dvt", cleared="no"))
    assert "Ask a professional first" in verdict and "(clearance expired)" in verdict
    assert f"Your clearance from {long_date(given)} has expired" in verdict


def test_a_clearance_said_in_the_screen_needs_its_day(client: httpx.Client) -> None:
    page, draft = to_the_clearance(client, "cancer")
    field = re.search(r'<input id="cleared_on"[^>]*>', page.text)
    assert field and "value=" not in field.group(0)
    again = ask(client, draft, stage="cleared", rule="cancer", cleared="yes", cleared_on="")
    assert "never assumed to be today" in text(again) and "No clearances kept" in kept(client)
    day = date.today() - timedelta(days=2)
    verdict = ask(client, draft, stage="cleared", rule="cancer", cleared="yes", cleared_on=day.isoformat())
    assert "Massage with care" in text(verdict)
    assert f"Cleared on {long_date(day)}, holds until" in kept(client)


def test_a_see_professional_verdict_says_who_and_how_soon_in_words(client: httpx.Client) -> None:
    page = walk(client, "sharp_pain")
    words = text(page)
    assert "See a physical therapist, chiropractor or doctor within a few days." in words
    assert "physio_or_doctor" not in page.text and "within_days" not in page.text


def test_the_api_takes_dated_clearances(client: httpx.Client) -> None:
    body = {
        "findings": ["dvt"],
        "cleared": [{"rule": "dvt", "on": "2024-02-01"}],
        "today": "2026-12-03",
        "all_others_answered_no": True,
    }
    out = client.post("/api/screen", json=body, headers={"x-csrf-token": csrf(client)}).json()
    reason = out["reasons"][0]
    assert (out["verdict"], reason["clearance_expired"], reason["refer_to"]) == ("consult_first", True, "doctor")
