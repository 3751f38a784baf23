"""The screen wizard in the web: each answer is posted and the browser sent to the next page (post, redirect, get),
so Back and reload never post again; each page leads back to the step before; a partner's screen asks about the
person receiving the massage and is kept as theirs."""

from __future__ import annotations

import html
import re

import httpx

from tests.web.conftest import Server


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def form_of(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(draft|step|stage)" value="([^"]*)"', page))
    return {k: html.unescape(v) for k, v in fields.items()} | {"csrf": csrf(page)}


def answer_no(client: httpx.Client, page: str) -> httpx.Response:
    return client.post("/screen", data={**form_of(page), "answer": "no"})


def test_each_answer_leads_to_a_page_of_its_own_with_a_way_back(server: Server) -> None:
    with server.client() as client:
        first = client.get("/screen").text
        assert 'rel="prev"' not in first, "the first question has nothing before it"
        moved = answer_no(client, first)
        assert moved.status_code == 303 and moved.headers["location"].startswith("/screen/")
        second_url = moved.headers["location"]
        second = client.get(second_url).text
        assert "step 2 of 5" in second and 'rel="prev"' in second
        third_url = answer_no(client, second).headers["location"]
        third = client.get(third_url).text
        assert "step 3 of 5" in third and f'href="{second_url}" rel="prev"' in third
        again = client.get(second_url)  # the browser's Back: the page as it was, nothing posted again
        assert again.status_code == 200 and "step 2 of 5" in again.text
        assert client.get("/screen/not-a-step").headers["location"] == "/screen"


def test_a_partner_screen_asks_about_the_receiver_and_is_kept_as_theirs(server: Server) -> None:
    with server.client() as client:
        page = client.get("/screen?for=receiver").text
        assert "the person receiving the massage" in page
        for _ in range(5):
            page = client.get(answer_no(client, page).headers["location"]).text
        assert "Go ahead" in page
        assert client.get("/api/today?subject=receiver").json()["screened"] is True
        assert client.get("/screen?for=someone").status_code == 400
