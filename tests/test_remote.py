"""The receiver's remote, pure (``unknot.remote``), on an injected clock: a pairing link good for 2 minutes and once,
a second device refused unless allowed, revoking, numbered taps, alarms and what each button does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from unknot.content import load_catalog
from unknot.errors import PairingError, RequestError
from unknot.remote import KINDS, Remotes, event_for, kind_of
from unknot.session import Event, State

RULES = load_catalog().remote
AT = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)


class Clock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def remotes(clock: Clock) -> Remotes:
    return Remotes(RULES, clock)


def test_a_pairing_link_pairs_one_device_with_its_session_and_shows_the_same_check_code(remotes: Remotes) -> None:
    offer = remotes.offer(7)
    pairing = remotes.exchange(offer.token)
    assert pairing.session_id == 7
    assert pairing.check_code == offer.check_code
    assert len(offer.check_code) == RULES.check_digits == 4 and offer.check_code.isdigit()
    assert remotes.pairing(pairing.device) == pairing
    assert remotes.paired(7) == [pairing] and remotes.paired(8) == []


def test_the_short_code_pairs_too_however_it_is_typed(remotes: Remotes) -> None:
    offer = remotes.offer(7)
    typed = f"{offer.short_code[:4].lower()}-{offer.short_code[4:]} "
    assert remotes.exchange(typed).session_id == 7


@pytest.mark.parametrize("use", ["token", "short_code"])
def test_a_link_is_spent_on_first_use_both_its_token_and_its_code(remotes: Remotes, use: str) -> None:
    offer = remotes.offer(7)
    remotes.exchange(getattr(offer, use))
    for again in (offer.token, offer.short_code):
        with pytest.raises(PairingError, match="used already"):
            remotes.exchange(again)


def test_a_link_expires_after_its_two_minutes(remotes: Remotes, clock: Clock) -> None:
    offer = remotes.offer(7)
    clock.now += RULES.token_seconds - 0.001
    fresh = remotes.offer(8)
    assert remotes.exchange(fresh.token).session_id == 8  # just within its time
    clock.now += 0.001
    with pytest.raises(PairingError, match="over 2 minutes old") as refused:
        remotes.exchange(offer.token)
    assert refused.value.http_status == 403
    with pytest.raises(PairingError, match="used already"):  # and spent: no second try
        remotes.exchange(offer.token)


def test_an_unknown_or_empty_link_is_refused(remotes: Remotes) -> None:
    remotes.offer(7)
    for token in ("", "x" * 32, "code:"):
        with pytest.raises(PairingError):
            remotes.exchange(token)


def test_a_new_offer_voids_the_one_before(remotes: Remotes) -> None:
    first = remotes.offer(7)
    remotes.offer(7)
    with pytest.raises(PairingError):
        remotes.exchange(first.token)


def test_a_second_device_is_refused_unless_the_giver_allows_it(remotes: Remotes) -> None:
    first = remotes.exchange(remotes.offer(7).token)
    with pytest.raises(PairingError, match="paired with this session already"):
        remotes.offer(7)
    second = remotes.exchange(remotes.offer(7, allow_another=True).token)
    assert {p.device for p in remotes.paired(7)} == {first.device, second.device}
    assert remotes.exchange(remotes.offer(8).token).session_id == 8  # another session is not affected


def test_revoking_unpairs_every_device_and_voids_the_offer(remotes: Remotes) -> None:
    device = remotes.exchange(remotes.offer(7).token).device
    pending = remotes.offer(7, allow_another=True)
    other = remotes.exchange(remotes.offer(8).token).device
    assert remotes.revoke(7) == 1
    with pytest.raises(PairingError, match="not paired"):
        remotes.pairing(device)
    with pytest.raises(PairingError):
        remotes.exchange(pending.token)
    assert remotes.pairing(other).session_id == 8
    assert remotes.offer(7).session_id == 7  # a session may be paired again only once it is under way again


def test_no_cookie_is_no_pairing(remotes: Remotes) -> None:
    for device in (None, "", "forged"):
        with pytest.raises(PairingError):
            remotes.pairing(device)


def test_taps_are_numbered_in_their_session_and_replayed_after_a_number(remotes: Remotes) -> None:
    for kind in ("less", "more", "stop"):
        remotes.add(7, kind, 2, AT)
    remotes.add(8, "good", 0, AT)
    assert [t.seq for t in remotes.taps(7)] == [1, 2, 3]
    assert [t.kind for t in remotes.taps(7, after=1)] == ["more", "stop"]
    assert remotes.taps(7, after=3) == [] and [t.seq for t in remotes.taps(8)] == [1]


def test_a_log_taken_up_from_the_journal_numbers_on(remotes: Remotes) -> None:
    remotes.load(7, tuple(Remotes(RULES).add(7, "less", 0, AT) for _ in range(1)))
    assert remotes.known(7) and not remotes.known(8)
    assert remotes.add(7, "good", 0, AT).seq == 2


def test_an_alarm_stays_until_acknowledged_and_the_first_acknowledgement_stays(remotes: Remotes) -> None:
    remotes.add(7, "less", 1, AT)
    remotes.add(7, "stop", 1, AT)
    remotes.add(7, "hurts", 1, AT)
    assert [t.seq for t in remotes.alarms(7)] == [2, 3]
    first = remotes.acknowledge(7, 2, AT)
    later = remotes.acknowledge(7, 2, AT.replace(minute=5))
    assert first.acknowledged_at == later.acknowledged_at == AT
    assert [t.seq for t in remotes.alarms(7)] == [3]
    for seq in (1, 4, 0):  # not an alarm, not there
        with pytest.raises(RequestError):
            remotes.acknowledge(7, seq, AT)


def test_seen_moves_only_forward_and_never_past_the_last_tap(remotes: Remotes) -> None:
    remotes.add(7, "less", 1, AT)
    remotes.add(7, "more", 1, AT)
    assert remotes.see(7, 1) == 1 and remotes.see(7, 0) == 1 and remotes.see(7, 99) == 2
    assert remotes.seen(7) == 2 and remotes.seen(8) == 0


@pytest.mark.parametrize(
    ("kind", "state", "event"),
    [
        pytest.param("less", State.RUNNING, Event.LESS, id="less-running"),
        pytest.param("more", State.GET_READY, Event.MORE, id="more-get-ready"),
        pytest.param("good", State.PAUSED, Event.GOOD, id="good-paused"),
        pytest.param("stop", State.RUNNING, Event.PAUSE, id="stop-halts-a-running-step"),
        pytest.param("stop", State.PAUSED, None, id="stop-while-paused-is-halted-already"),
        pytest.param("hurts", State.RUNNING, Event.HURTS, id="hurts-running"),
        pytest.param("hurts", State.PAUSED, Event.HURTS, id="hurts-paused"),
        pytest.param("less", State.PAIN_CHECK, None, id="less-after-it-hurts"),
        pytest.param("hurts", State.FINISHED, None, id="hurts-when-over"),
    ],
)
def test_what_a_tap_does_to_the_session(kind: str, state: State, event: Event | None) -> None:
    assert event_for(kind_of(RULES, kind), state) is event


def test_the_alarms_are_stop_and_it_hurts() -> None:
    assert [k.id for k in RULES.kinds] == list(KINDS)
    assert [k.id for k in RULES.kinds if k.alarm] == ["stop", "hurts"]


def test_an_unknown_button_is_refused_naming_the_buttons() -> None:
    with pytest.raises(RequestError, match="more, less, good, stop, hurts"):
        kind_of(RULES, "harder")


def test_a_phone_not_heard_from_for_five_seconds_is_disconnected(remotes: Remotes, clock: Clock) -> None:
    assert remotes.connected(7) is None  # no phone paired: nothing to lose
    device = remotes.exchange(remotes.offer(7).token).device
    assert remotes.connected(7) is True
    clock.now += RULES.silence_seconds - 0.001
    assert remotes.connected(7) is True
    clock.now += 0.001
    assert remotes.connected(7) is False
    remotes.pairing(device)  # looked up on the giver's behalf: not the phone asking
    assert remotes.connected(7) is False
    remotes.pairing(device, heard=True)
    assert remotes.connected(7) is True
    remotes.revoke(7)
    assert remotes.connected(7) is None
