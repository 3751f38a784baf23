"""The phone as the player of a self routine, in Debian's Chromium (issue 15), against a real ``unknot serve --lan``:
this machine's player offers "Play on my phone"; a phone-sized page (390×844) opens the URL decoded from its QR
image over the LAN listener, where the page is *not* a secure context (no Wake Lock); Start begins the routine there:
its cues are spoken, the wake fallback (a muted looping video) plays, and the page says honestly that the screen may
dim. This machine's page falls silent, and goes on to the pain after when the phone stops. Every wait is for
recorded state.

Chromium counts every 127.x address as potentially trustworthy, so the "home network" is the name ``phone.test``
(``--lan-name``), which Chromium resolves to the LAN listener on 127.0.0.2 (``--host-resolver-rules``): a name
that is not localhost, served over plain HTTP, as a phone on a real network sees it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, Server, start_server, stop_server
from tests.web.test_accessibility import _axe, _targets
from tests.web.test_browser import RECORD_SPEECH
from tests.web.test_remote_browser import decode_qr, until

pytestmark = pytest.mark.browser

LAN_NAME = "phone.test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(
        tmp_path_factory.mktemp("phone-browser"), args=("--lan-host", "127.0.0.2", "--lan-name", LAN_NAME)
    )
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def home_browser(browser: Any) -> Iterator[Any]:
    """Chromium that finds ``phone.test`` at the LAN listener, as a phone's DNS (or mDNS) would."""
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.2"]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=args)  # a second one, by the same driver
    yield chromium
    chromium.close()


def test_a_self_routine_plays_on_a_phone_over_the_lan_without_a_secure_context(
    browser: Any, home_browser: Any, server: Server
) -> None:
    with server.client() as api:
        api.post("/api/screen", json={"all_others_answered_no": True}).raise_for_status()
        made = api.post("/api/sessions", json={"plan": {"mode": "self", "minutes": 5, "tools": ["tennis_ball"]}})
        session_id = made.raise_for_status().json()["id"]

    laptop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    laptop_context.add_init_script(RECORD_SPEECH)
    phone_context = home_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone_context.add_init_script(RECORD_SPEECH)
    try:
        laptop = laptop_context.new_page()
        laptop.set_default_timeout(20_000)
        laptop.goto(server.link)
        laptop.goto(f"{server.base}/player/{session_id}")
        laptop.get_by_role("button", name="Play on my phone").click()
        qr = laptop.locator("#phone-qr")
        qr.wait_for(state="visible")
        until(lambda: qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code drawn")
        url = decode_qr(qr.screenshot())
        assert url.startswith(f"http://{LAN_NAME}:") and "/remote/join/" in url
        check_code = laptop.locator("#phone-code").inner_text()
        assert _axe(laptop) == []  # WCAG 2.2 AA: the offer on this machine's player

        phone = phone_context.new_page()
        phone.set_default_timeout(20_000)
        phone.goto(url)
        assert phone.url.endswith("/remote/player")
        assert phone.evaluate("window.isSecureContext") is False
        assert phone.evaluate("'wakeLock' in navigator") is False
        assert phone.locator("#phone-check").inner_text() == check_code
        notice = phone.locator("#wake-notice")
        notice.wait_for(state="visible")
        assert "may dim its screen" in notice.inner_text()
        assert phone.get_by_role("link", name="Leave").count() == 0  # no way to the rest of the app
        assert _axe(phone) == [] and _targets(phone) == []  # WCAG 2.2 AA, targets of 64 px on a phone

        until(lambda: "Playing on your phone" in laptop.locator("#phone-status").inner_text(), "the laptop told")
        phone.get_by_role("button", name="Start").click()
        until(lambda: phone.locator("#player").get_attribute("data-wake") == "video", "the wake video playing")
        assert phone.evaluate("(() => { const v = document.getElementById('wake-video');"
                              " return !v.paused && v.muted && v.loop && v.playsInline; })()")  # fmt: skip
        spoken = until(
            lambda: [s["text"] for s in phone.evaluate("JSON.parse(sessionStorage.getItem('spoken') || '[]')")],
            "a cue spoken on the phone",
        )
        assert any(text.strip() for text in spoken)
        with server.client() as api:
            view = until(lambda: (v := api.get(f"/api/sessions/{session_id}").json())["started"] and v, "started")
            assert view["state"] in ("get_ready", "running")
        assert laptop.evaluate("JSON.parse(sessionStorage.getItem('spoken') || '[]')") == []  # the laptop is silent
        laptop.reload()  # opened again while the phone plays: it does not pause the phone's routine
        laptop.get_by_text("Playing on your phone. This page stays quiet.").wait_for()
        with server.client() as api:
            assert api.get(f"/api/sessions/{session_id}").json()["state"] in ("get_ready", "running")

        phone.locator("#stop").click()  # the routine ends on the phone; the pain after is rated on this machine
        phone.get_by_role("button", name="Yes, stop").click()
        phone.get_by_text("The routine is over: rate your pain on the computer that started it.").wait_for()
        laptop.wait_for_url(f"{server.base}/sessions/{session_id}/after")
    finally:
        phone_context.close()
        laptop_context.close()
        with server.client() as api:
            api.request("DELETE", f"/api/sessions/{session_id}")
