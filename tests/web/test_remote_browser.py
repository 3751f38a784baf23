"""The receiver's remote in Debian's Chromium (issue 15), two browser contexts against one real ``unknot serve --lan``
(its home network played by 127.0.0.2): the giver starts a partner routine and shows a pairing QR code; the
receiver's phone joins through the URL decoded from that QR image (zxing-cpp), over the LAN listener, taps Less
then Stop; the giver's page shows and says both, the step halts, the alarm stays until "I've stopped"; the
journal holds the rows. A giver page that loses its connection gets the taps it missed when it comes back. The
split view shows the receiver's buttons on the giver's own screen. Every wait is for recorded state (the page's,
or the server's through its API)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.web.conftest import Server, start_server, stop_server
from tests.web.test_browser import RECORD_SPEECH
from tests.web.test_lan import lan_base
from tests.web.test_remote import partner_session
from unknot.journal import opened_journal

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("remote-browser"), args=("--lan-host", "127.0.0.2"))
    yield running
    stop_server(running)


def until(check: Callable[[], Any], what: str, seconds: float = 20) -> Any:
    """Poll recorded state until ``check`` returns something true (no sleeping a fixed time and hoping)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"{len(found)} codes in the image"
    text: str = found[0].text
    return text


def test_the_receiver_pairs_by_the_qr_code_taps_less_then_stop_and_the_giver_must_acknowledge(
    browser: Any, server: Server
) -> None:
    session_id = partner_session(server)

    giver_context = browser.new_context(viewport={"width": 1280, "height": 900})
    giver_context.add_init_script(RECORD_SPEECH)
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        giver = giver_context.new_page()
        giver.set_default_timeout(20_000)
        giver.goto(server.link)
        giver.goto(f"{server.base}/player/{session_id}")
        giver.get_by_role("button", name="Start").click()
        giver.get_by_role("button", name="Pair the receiver's phone").click()
        qr = giver.locator("#remote-qr")
        qr.wait_for(state="visible")
        until(lambda: qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code drawn")
        url = decode_qr(qr.screenshot())
        home = lan_base(server)  # the code leads to the home network's listener, not to loopback
        assert url.startswith(f"{home}/remote/join/")
        check_code = giver.locator("#remote-check").inner_text()

        phone = phone_context.new_page()
        phone.set_default_timeout(20_000)
        phone.goto(url)
        assert phone.url == f"{home}/remote"  # the code left the address
        assert phone.locator("#check-code").inner_text() == check_code
        giver.get_by_text(f"it shows check code {check_code}").wait_for()

        phone.get_by_role("button", name="Less").click()
        phone.get_by_text("Less: seen").wait_for()  # sending → delivered → seen, seen by the giver's page
        giver.locator("#remote-feed li[data-kind='less']").wait_for()
        spoken = lambda: giver.evaluate("JSON.parse(sessionStorage.getItem('spoken') || '[]')")  # noqa: E731
        until(lambda: any(s["text"] == "A little less pressure, please." for s in spoken()), "Less said aloud")
        assert giver.locator("#remote-alarm").is_hidden()

        phone.get_by_role("button", name="Stop", exact=True).click()
        alarm = giver.get_by_role("alertdialog")
        alarm.wait_for()
        assert "The receiver tapped: Stop" in alarm.inner_text()
        until(lambda: any(s["text"] == "Stop, please. Hands off." for s in spoken()), "Stop said aloud")
        with server.client() as api:
            assert api.get(f"/api/sessions/{session_id}").json()["state"] == "paused"  # the step halted
            assert [a["kind"] for a in api.get(f"/api/sessions/{session_id}/remote").json()["alarms"]] == ["stop"]
        giver.get_by_role("button", name="Resume").wait_for()  # the giver's player shows it halted too
        phone.get_by_text("Stop: seen").wait_for()
        assert alarm.is_visible()  # nothing but the giver's acknowledgement takes it away
        giver.reload()  # not even a reload
        giver.get_by_role("alertdialog").wait_for()
        assert "The receiver tapped: Stop" in alarm.inner_text()
        assert giver.locator("#remote-feed li").count() == 2  # what came before, shown again, not said again:
        assert [s["text"] for s in spoken()].count("Stop, please. Hands off.") == 1

        giver.get_by_role("button", name="I've stopped").click()
        alarm.wait_for(state="hidden")
        with server.client() as api:
            until(lambda: api.get(f"/api/sessions/{session_id}/remote").json()["alarms"] == [], "acknowledged")

        # The giver's page loses its connection; the receiver taps Good meanwhile; it comes back and gets it.
        giver_context.set_offline(True)
        giver.get_by_text("Remote disconnected: say stop out loud").wait_for()
        phone.get_by_role("button", name="Good").click()
        phone.get_by_text("Good: delivered").wait_for()
        with server.client() as api:
            assert api.get(f"/api/sessions/{session_id}/remote").json()["seen"] == 2  # not shown yet
            giver_context.set_offline(False)
            until(lambda: api.get(f"/api/sessions/{session_id}/remote").json()["seen"] == 3, "Good replayed")
        giver.locator("#remote-feed li[data-kind='good']").wait_for()
        phone.get_by_text("Good: seen").wait_for()
    finally:
        phone_context.close()
        giver_context.close()

    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None
        assert [(t.seq, t.kind) for t in record.taps] == [(1, "less"), (2, "stop"), (3, "good")]
        assert record.taps[1].acknowledged_at is not None
        assert any(e.kind == "pause" for e in record.events)  # the halt is in the session's own record


def test_the_remote_and_the_alarm_pass_axe_with_buttons_big_enough_face_down(browser: Any, server: Server) -> None:
    """axe-core at WCAG 2.2 AA on the phone's page, the giver's pairing panel and the alarm; every target at least
    44 px (the player's 64), and the phone's buttons far bigger: a receiver face down finds them at arm's length."""
    from tests.web.test_accessibility import _axe, _targets

    session_id = partner_session(server)
    with server.client() as api:
        offered = api.post(f"/api/sessions/{session_id}/remote/pairing", json={}).json()
    giver_context = browser.new_context(viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        phone.set_default_timeout(20_000)
        phone.goto(offered["url"])
        phone.get_by_text("Waiting for the giver to start").wait_for()
        assert _axe(phone) == [] and _targets(phone) == []
        for button in phone.locator(".remote-button").all():
            box = button.bounding_box()
            assert box is not None and box["height"] >= 100 and box["width"] >= 150, button.inner_text()

        giver = giver_context.new_page()
        giver.set_default_timeout(20_000)
        giver.goto(server.link)
        giver.goto(f"{server.base}/player/{session_id}")
        giver.get_by_text(f"it shows check code {offered['check_code']}").wait_for()
        giver.get_by_role("button", name="Pair another device").wait_for()
        assert _axe(giver) == [] and _targets(giver) == []
        phone.get_by_role("button", name="It hurts").click()
        giver.get_by_role("alertdialog").wait_for()
        assert _axe(giver) == []
        assert giver.evaluate("document.activeElement.id") == "remote-ack"  # the one thing to do is focused
    finally:
        phone_context.close()
        giver_context.close()


def test_after_the_routine_the_phone_asks_the_pain_after_and_keeps_it(browser: Any, server: Server) -> None:
    from tests.web.test_accessibility import _axe, _targets

    with server.client() as api:
        api.post("/api/screen?subject=receiver", json={"all_others_answered_no": True}).raise_for_status()
        made = api.post(
            "/api/sessions",
            json={"plan": {"mode": "partner", "minutes": 10}, "pain_before": {"upper_trapezius_left": 6}},
        )
        session_id = made.json()["id"]
        offered = api.post(f"/api/sessions/{session_id}/remote/pairing", json={}).json()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.set_default_timeout(20_000)
        phone.goto(offered["url"])
        with server.client() as api:  # the giver plays the whole routine
            api.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 0}).raise_for_status()
            api.post(f"/api/sessions/{session_id}/events", json={"event": "tick", "at": 5000}).raise_for_status()
        phone.get_by_role("heading", name="How much does it hurt now?").wait_for()
        assert phone.locator(".remote-buttons").is_hidden()
        assert _axe(phone) == [] and _targets(phone) == []
        phone.get_by_role("button", name="Upper trapezius, left: 3", exact=True).click()
        phone.get_by_role("button", name="Save").click()
        phone.get_by_text("Saved. Thank you").wait_for()
    finally:
        context.close()
    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None and record.pain_after == {"upper_trapezius_left": 3}


def test_the_split_view_shows_the_receivers_buttons_on_the_givers_screen(browser: Any, server: Server) -> None:
    """A couple sharing one laptop, no phone: the giver's player shows the receiver's buttons; Stop there halts the
    step and raises the alarm as a phone's Stop does, until "I've stopped"."""
    session_id = partner_session(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_SPEECH)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(server.link)
        page.goto(f"{server.base}/player/{session_id}")
        page.get_by_role("button", name="Start").click()
        with server.client() as api:
            until(lambda: api.get(f"/api/sessions/{session_id}").json()["started"], "the routine started")
        toggle = page.get_by_role("button", name="Split view: the receiver's buttons here")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        split = page.get_by_role("group", name="The receiver's buttons")
        from tests.web.test_accessibility import _axe, _targets

        assert _axe(page) == [] and _targets(page) == []
        split.get_by_role("button", name="Less").click()
        page.locator("#remote-feed li[data-kind='less']").wait_for()
        split.get_by_role("button", name="Stop", exact=True).click()
        alarm = page.get_by_role("alertdialog")
        alarm.wait_for()
        assert "The receiver tapped: Stop" in alarm.inner_text()
        with server.client() as api:
            assert api.get(f"/api/sessions/{session_id}").json()["state"] == "paused"
        page.get_by_role("button", name="I've stopped").click()
        alarm.wait_for(state="hidden")
    finally:
        context.close()
    with opened_journal(server.db) as journal:
        record = journal.session(session_id)
        assert record is not None and [(t.seq, t.kind) for t in record.taps] == [(1, "less"), (2, "stop")]
        assert record.taps[1].acknowledged_at is not None


def test_a_phone_that_loses_its_link_says_so_and_so_does_the_givers_screen(browser: Any, server: Server) -> None:
    """The phone goes offline (out of the Wi-Fi's reach): within a few seconds both screens say "Remote
    disconnected: say stop out loud" (the phone after three failed asks, the giver after 5 s of silence)."""
    session_id = partner_session(server)
    with server.client() as api:
        offered = api.post(f"/api/sessions/{session_id}/remote/pairing", json={}).json()
    giver_context = browser.new_context(viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        phone.set_default_timeout(20_000)
        phone.goto(offered["url"])
        giver = giver_context.new_page()
        giver.set_default_timeout(20_000)
        giver.goto(server.link)
        giver.goto(f"{server.base}/player/{session_id}")
        giver.get_by_text(f"it shows check code {offered['check_code']}").wait_for()
        assert giver.get_by_text("Remote disconnected").count() == 0
        phone_context.set_offline(True)
        phone.get_by_text("Remote disconnected: say stop out loud.").wait_for()
        giver.get_by_text("Remote disconnected: say stop out loud").wait_for()
    finally:
        phone_context.close()
        giver_context.close()
