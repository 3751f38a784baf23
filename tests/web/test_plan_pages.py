"""The web chooser asks where a partner's receiver will be; the preview says when a routine is shorter than asked."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.web.conftest import Server


class Elements(HTMLParser):
    """Each element's tag and attributes, with the text inside each ``<p>``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.paragraphs: list[tuple[dict[str, str | None], str]] = []
        self._open: list[tuple[dict[str, str | None], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))
        if tag == "p":
            self._open.append((dict(attrs), []))

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._open:
            attrs, text = self._open.pop()
            self.paragraphs.append((attrs, " ".join("".join(text).split())))


def test_the_chooser_asks_where_the_receiver_will_be_and_the_preview_follows(server: Server) -> None:
    with server.client() as client:
        screened = client.post("/api/screen", params={"subject": "receiver"}, json={"all_others_answered_no": True})
        assert screened.status_code == 200  # a partner massage: the receiver's screen
        page = Elements(client.get("/plan?for=receiver").text)
        radios = [a.get("value") for tag, a in page.found if tag == "input" and a.get("name") == "position"]
        assert radios == ["prone", "seated"]
        seated = client.get("/preview", params={"mode": "partner", "minutes": "10", "position": "seated"})
        assert seated.status_code == 200 and "Sit on a sturdy chair" in seated.text  # the get-ready cue
        assert "position=seated" in seated.text  # carried on to the next pages
        prone = client.get("/preview", params={"mode": "partner", "minutes": "10"})
        assert "Lie face down" in prone.text and "position=" not in prone.text
        assert (
            client.post("/api/plan", json={"mode": "partner", "minutes": 10, "position": "seated"}).json()["position"]
            == "seated"
        )


def test_the_preview_says_when_and_why_a_routine_is_shorter(server: Server) -> None:
    with server.client() as client:
        assert client.post("/api/screen", json={"all_others_answered_no": True}).status_code == 200
        page = Elements(client.get("/preview", params={"mode": "self", "minutes": "30", "tools": "foam_roller"}).text)
        (said,) = [text for attrs, text in page.paragraphs if attrs.get("class") == "shortened"]
        assert said.startswith("Shorter than the 30 minutes you asked for.") and "longer routine" in said
        full = Elements(client.get("/preview", params={"mode": "self", "minutes": "10", "tools": "tennis_ball"}).text)
        assert not [text for attrs, text in full.paragraphs if attrs.get("class") == "shortened"]
