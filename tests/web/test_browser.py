"""The web app in Debian's Chromium against a real ``unknot serve`` (its clock sped up): the whole journey, an
emergency screen, a local finding tapped on the body map, the player by keyboard alone, and the spoken cues.

What the tests read: the page (roles, labels, text), the journal (through the API) and, for the voice, what was
passed to ``speechSynthesis.speak`` (recorded by an init script; the app itself is unchanged).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import Server, start_server, stop_server
from unknot.content import load_catalog
from unknot.contract import routine_from_json
from unknot.session import planned_cues

pytestmark = pytest.mark.browser

SCALE = 20
RECORD_SPEECH = """
// What the page passes to speechSynthesis.speak, kept in sessionStorage so that it outlives the page's navigations.
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (utterance) => {
    const spoken = JSON.parse(sessionStorage.getItem("spoken") || "[]");
    spoken.push({ text: utterance.text, at: performance.now() });
    sessionStorage.setItem("spoken", JSON.stringify(spoken));
    try { speak(utterance); } catch (error) {}
  };
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("browser"), scale=SCALE)
    yield running
    stop_server(running)


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_SPEECH)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(server.link)  # the launch link: the key becomes a cookie
    yield tab
    context.close()


def healthy_screen(page: Any) -> None:
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/screen")
    for _ in range(5):
        page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("heading", name="Go ahead").wait_for()


def test_a_whole_journey_from_the_screen_to_the_journal_chart(page: Any, server: Server) -> None:
    page.get_by_role("link", name="Start", exact=True).first.click()
    page.get_by_role("heading", name="Who receives the massage?").wait_for()
    page.get_by_role("link", name="Me, on my own", exact=False).click()
    page.get_by_text("Safety screen · step 1 of 5").wait_for()
    for _ in range(5):
        page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("link", name="Choose a routine").click()
    page.get_by_role("radio", name="Myself").check()
    page.get_by_role("checkbox", name="Tennis ball").check()
    page.get_by_label("minutes").fill("3")
    page.get_by_role("button", name="See the routine").click()
    page.get_by_role("heading", name="Your self routine").wait_for()
    assert page.locator("ol.routine img[src$='technique-ball_wall.svg']").count() >= 1
    page.get_by_role("link", name="Prepare").click()
    page.get_by_role("heading", name="Before you start").wait_for()
    page.get_by_role("link", name="Ready").click()
    page.locator("label:has(input[name='pain-upper_trapezius_left'][value='7'])").click()
    page.get_by_role("button", name="Start the routine").click()
    page.wait_for_url("**/player/*")
    page.get_by_role("button", name="Start", exact=True).click()
    page.locator("#state", has_text="Now").wait_for()
    assert page.locator("#step-name").inner_text()  # a step, in big type
    page.wait_for_url("**/after", timeout=60_000)  # 3 minutes at 20 times: 9 seconds
    page.locator("label:has(input[name='pain-upper_trapezius_left'][value='4'])").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/journal?saved=*")
    chart = page.locator("figure.chart-card", has_text="Upper trapezius, left")
    assert chart.locator("svg.chart circle.dot").count() >= 1
    session = page.locator("table", has_text="Pain before").locator("tr", has_text="Upper trapezius, left: 7 → 4")
    assert session.count() == 1 and "finished" in session.inner_text()


@pytest.fixture
def fresh_page(browser: Any, tmp_path: Any) -> Iterator[Any]:
    """A page on a server with a journal of its own: an emergency screen governs the rest of that journal's day."""
    running = start_server(tmp_path, scale=SCALE)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(running.link)
    yield tab
    context.close()
    stop_server(running)


def test_an_emergency_answer_fills_the_screen_with_the_number(fresh_page: Any) -> None:
    page = fresh_page
    page.goto(page.url.rstrip("/") + "/screen")
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("Chest pain", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    heading = page.get_by_role("heading", name="Call 112 now")
    heading.wait_for()
    assert page.locator("body.page-emergency").count() == 1
    assert page.get_by_role("link", name="Call 112").get_attribute("href") == "tel:112"
    box = page.locator("body").bounding_box()
    assert box and box["height"] >= 800  # the whole screen, not a banner


def test_a_local_finding_tapped_on_the_body_map_is_left_out_of_the_plan(page: Any, server: Server) -> None:
    page.goto(page.url.rstrip("/") + "/screen?for=receiver")  # a partner massage: the receiver's back
    for _ in range(4):
        page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("A bruise").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("#region-rhomboid_left").click()  # the shape on the picture
    assert page.get_by_label("Rhomboid, left").is_checked()  # ...ticks the list
    assert page.locator("#region-rhomboid_left.is-selected").count() == 1
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Keep away from: Rhomboid, left").wait_for()
    page.get_by_role("link", name="Choose a routine").click()
    assert page.get_by_label("Rhomboid, left (today's screen)").is_disabled()
    page.get_by_role("radio", name="A partner").check()
    page.get_by_role("button", name="See the routine").click()
    page.get_by_role("heading", name="Your partner routine").wait_for()
    assert "Rhomboid, left" not in page.locator("ol.routine").inner_text()
    with server.client() as client:
        routine = client.post("/api/plan", json={"mode": "partner", "minutes": 20}).json()
    for step in routine["steps"]:
        assert "rhomboid_left" not in [step.get("region"), *step.get("regions", [])]
    assert "rhomboid_left" in routine["avoid"]


def _new_session(server: Server, minutes: int = 5, mode: str = "partner") -> int:
    with server.client() as client:
        subject = "receiver" if mode == "partner" else "self"  # a partner session needs the receiver's screen
        screened = client.post("/api/screen", params={"subject": subject}, json={"all_others_answered_no": True})
        assert screened.status_code == 200
        started = client.post("/api/sessions", json={"plan": {"mode": mode, "minutes": minutes}})
        assert started.status_code == 201, started.text
        return int(started.json()["id"])


def test_the_player_by_keyboard_alone(page: Any, server: Server) -> None:
    session_id = _new_session(server, minutes=10)
    page.goto(f"{server.base}/player/{session_id}")
    page.locator("#step-name").wait_for()
    state = page.locator("#state")
    page.keyboard.press("Space")  # start
    state.filter(has_text="Now").wait_for()
    page.keyboard.press("Space")  # pause
    state.filter(has_text="Paused").wait_for()
    held = page.locator("#countdown").inner_text()
    page.wait_for_timeout(1200)  # 24 s of routine time: a paused clock does not move
    assert page.locator("#countdown").inner_text() == held
    before = page.locator("#step-number").inner_text()
    page.keyboard.press("ArrowRight")  # next step, still paused
    page.locator("#step-number").filter(has_not_text=before).wait_for()
    page.keyboard.press("Space")  # resume
    state.filter(has_text="Now").wait_for()
    page.keyboard.press("+")
    page.keyboard.press("h")  # it hurts
    page.get_by_role("heading", name="It hurts: that step has stopped").wait_for()
    assert page.locator("#controls").is_hidden()  # only the three choices now
    page.keyboard.press("Enter")  # go on
    state.filter(has_text="Now").wait_for()
    page.keyboard.press("s")  # stop
    page.wait_for_url("**/after")
    with server.client() as client:
        assert client.get(f"/api/sessions/{session_id}").json()["state"] == "stopped"
    kinds = _events(server, session_id)
    for kind in ("pause", "next", "resume", "it_hurts", "stop"):
        assert kind in kinds, kinds
    assert kinds.index("pause") < kinds.index("next") < kinds.index("resume") < kinds.index("it_hurts")


def _events(server: Server, session_id: int) -> list[str]:
    from unknot.journal import opened_journal

    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
    assert record is not None
    return [e.kind for e in record.events]


def test_the_spoken_cues_are_the_routines_in_order(page: Any, server: Server) -> None:
    session_id = _new_session(server, minutes=3, mode="self")
    with server.client() as client:
        routine = routine_from_json(client.get(f"/api/sessions/{session_id}").json()["routine"])
    page.goto(f"{server.base}/player/{session_id}")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_url("**/after", timeout=60_000)
    spoken = [s["text"] for s in page.evaluate("JSON.parse(sessionStorage.getItem('spoken') || '[]')")]
    assert spoken == expected_cues(routine)


def expected_cues(routine: Any) -> list[str]:
    """What the session says for this routine when nobody presses anything (the same rules, run here)."""
    return [cue.text for cue in planned_cues(routine, load_catalog())]


def test_after_the_tab_slept_it_catches_up_and_says_so(browser: Any, server: Server) -> None:
    """A hidden tab's timers sleep; when they wake, the player is where the clock says, and tells the user."""
    session_id = _new_session(server, minutes=10)
    context = browser.new_context()
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.clock.install()  # the page's clock (performance.now and its timers), to jump as a sleeping tab does
    page.goto(server.link)
    page.goto(f"{server.base}/player/{session_id}")
    page.get_by_role("button", name="Start", exact=True).click()
    page.locator("#state", has_text="Now").wait_for()
    before = page.locator("#step-number").inner_text()
    page.clock.fast_forward(6_000)  # six seconds asleep: two minutes of this routine at 20 times
    page.locator("#notice", has_text="You were away: caught up to step").wait_for()
    assert page.locator("#step-number").inner_text() != before
    spoken = [s["text"] for s in page.evaluate("JSON.parse(sessionStorage.getItem('spoken') || '[]')")]
    index = int(page.locator("#step-number").inner_text().split()[-1]) - 1
    step = page.evaluate("JSON.parse(document.getElementById('steps-data').textContent)")[index]
    # What it says on waking: where it is now (the step's own cue, or "caught up" and the step's name).
    assert spoken[-1] in (step["cue"], f"Caught up. Now: {step['name']}.")
    with server.client() as client:
        state = client.get(f"/api/sessions/{session_id}").json()
    assert state["index"] >= 2  # the server followed: the steps the clock passed are kept
    context.close()


def test_leaving_the_player_pauses_the_routine_where_it_was(page: Any, server: Server) -> None:
    """Leave, wait, go on with it from the home page: the same step, paused, with the same time left; the clock
    did not run while no page played the routine."""
    session_id = _new_session(server, minutes=10)
    page.goto(f"{server.base}/player/{session_id}")
    page.get_by_role("button", name="Start", exact=True).click()
    page.locator("#state", has_text="Now").wait_for()
    step = page.locator("#step-number").inner_text()
    page.get_by_role("link", name="Leave").click()
    page.get_by_role("heading", name="An unfinished session").wait_for()
    with server.client() as client:
        left = client.get(f"/api/sessions/{session_id}").json()
    assert left["state"] == "paused"
    page.wait_for_timeout(3_000)  # a minute of this routine at 20 times
    page.get_by_role("link", name="Go on with it").click()
    page.locator("#state", has_text="Paused").wait_for()
    assert page.locator("#step-number").inner_text() == step
    with server.client() as client:
        back = client.get(f"/api/sessions/{session_id}").json()
    assert back["state"] == "paused" and back["index"] == left["index"]
    assert back["remaining"] == pytest.approx(left["remaining"])
    minutes, seconds = page.locator("#overall").inner_text().split(":")
    assert abs(int(minutes) * 60 + int(seconds) - left["remaining"]) <= 1
    assert page.locator("#next").inner_text().startswith("Next: ")  # what comes next, while it is paused too
    page.get_by_role("button", name="Resume").click()
    page.locator("#state", has_text="Now").wait_for()


def test_after_a_fever_screen_the_resume_button_is_gone_and_the_home_page_says_why(fresh_page: Any) -> None:
    page = fresh_page
    base = page.url.split("/?")[0].rstrip("/")
    healthy_screen(page)
    page.goto(base + "/before?mode=self&minutes=3")
    page.get_by_role("button", name="Start the routine").click()
    page.wait_for_url("**/player/*")
    page.get_by_role("button", name="Start", exact=True).click()
    page.locator("#state", has_text="Now").wait_for()
    page.goto(base + "/")  # leaving the player pauses the session: it is unfinished
    assert page.get_by_role("link", name="Go on with it").count() == 1
    page.goto(base + "/screen")
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("button", name="Yes").click()
    page.get_by_label("Fever", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    for _ in range(3):  # the other groups: no
        page.get_by_role("button", name="No", exact=True).click()
    page.get_by_role("heading", name="No massage today").wait_for()
    page.goto(base + "/")
    refused = page.locator("#resume-refused")
    assert "cannot go on today" in refused.inner_text() and "stands until tomorrow" in refused.inner_text()
    assert page.get_by_role("link", name="Go on with it").count() == 0
