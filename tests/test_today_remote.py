"""The receiver's remote in the application layer (``unknot.today``) over a real SQLite journal, on given times:
a pairing only for a partner session under way (a phone's player only for a self one, and neither opens the
other); after the routine the phone rates the pain after once, within ``rate_minutes``, only the areas worked;
then it is unpaired."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from unknot.content import load_catalog
from unknot.contract import routine_to_json
from unknot.errors import PairingError, RequestError
from unknot.journal import Journal, opened_journal
from unknot.model import Mode, PlanRequest, SessionRecord, SessionStatus, StepRecord, StepStatus
from unknot.planner import plan
from unknot.remote import Remotes
from unknot.session import State
from unknot.today import (
    join_remote,
    offer_pairing,
    offer_player,
    player_of,
    rate_after_remote,
    remote_of,
    remote_rating,
    remote_tap,
    split_tap,
)

CATALOG = load_catalog()
T0 = datetime(2027, 1, 20, 18, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with opened_journal(f"sqlite:///{tmp_path / 'journal.db'}") as opened:
        yield opened


def start(journal: Journal, mode: Mode = Mode.PARTNER) -> int:
    tools = ("tennis_ball",) if mode is Mode.SELF else ()
    routine = routine_to_json(plan(PlanRequest(mode, 10, tools=tools), catalog=CATALOG))
    kept = journal.start_session(SessionRecord(T0, mode, routine, pain_before={"upper_trapezius_left": 6}))
    assert kept.id is not None
    return kept.id


def finish(journal: Journal, session_id: int) -> None:
    record = journal.session(session_id)
    assert record is not None
    for index, step in enumerate(record.routine["steps"]):
        journal.save_step(session_id, StepRecord(index, StepStatus.DONE, float(step["seconds"]), ()))
    journal.finish_session(session_id, SessionStatus.FINISHED, T0 + timedelta(minutes=12), {})


def test_only_a_partner_session_under_way_is_offered_a_pairing(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    with pytest.raises(PairingError, match="self-massage"):
        offer_pairing(journal, remotes, start(journal, Mode.SELF))
    with pytest.raises(PairingError, match="not under way"):
        offer_pairing(journal, remotes, 999)
    partner = start(journal)
    finish(journal, partner)
    with pytest.raises(PairingError, match="not under way"):
        offer_pairing(journal, remotes, partner)


def test_a_tap_is_kept_in_the_journal_and_an_alarm_applied_before_it_is_published(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    session_id = start(journal)
    pairing = join_remote(journal, remotes, offer_pairing(journal, remotes, session_id).token)
    applied = []

    def apply(event: object) -> None:
        applied.append((event, len(remotes.taps(session_id))))  # published after this returns

    outcome = remote_tap(journal, remotes, pairing, "stop", 0, State.RUNNING, T0, apply=apply)
    assert outcome.event is not None and applied == [(outcome.event, 0)]
    idle = remote_tap(journal, remotes, pairing, "less", 0, State.RUNNING, T0, playing=False, apply=apply)
    assert idle.event is None and len(applied) == 1  # before Start: kept, nothing applied
    record = journal.session(session_id)
    assert record is not None and [(t.seq, t.kind) for t in record.taps] == [(1, "stop"), (2, "less")]


def test_the_pain_after_is_rated_once_on_the_phone_within_its_time(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    session_id = start(journal)
    device = join_remote(journal, remotes, offer_pairing(journal, remotes, session_id).token).device
    with pytest.raises(PairingError, match="still under way"):
        remote_rating(journal, remotes, device, T0)
    finish(journal, session_id)
    with pytest.raises(PairingError):  # no more taps or progress: only the rating
        remote_of(journal, remotes, device)
    ended = T0 + timedelta(minutes=12)
    _pairing, _record, rated = remote_rating(journal, remotes, device, ended + timedelta(minutes=29))
    assert rated == ["upper_trapezius_left"]  # rated before and worked
    with pytest.raises(RequestError, match="was not worked"):
        rate_after_remote(journal, CATALOG, remotes, device, {"neck_base": 2}, ended)
    with pytest.raises(RequestError, match="rate at least one"):
        rate_after_remote(journal, CATALOG, remotes, device, {}, ended)
    with pytest.raises(RequestError):
        rate_after_remote(journal, CATALOG, remotes, device, {"upper_trapezius_left": 11}, ended)
    kept = rate_after_remote(journal, CATALOG, remotes, device, {"upper_trapezius_left": 3}, ended)
    assert kept.pain_after == {"upper_trapezius_left": 3}
    with pytest.raises(PairingError):  # once: then unpaired
        remote_rating(journal, remotes, device, ended)


def test_the_time_to_rate_on_the_phone_runs_out(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    session_id = start(journal)
    device = join_remote(journal, remotes, offer_pairing(journal, remotes, session_id).token).device
    finish(journal, session_id)
    late = T0 + timedelta(minutes=12 + CATALOG.remote.rate_minutes, seconds=1)
    with pytest.raises(PairingError, match="time to rate it is over"):
        remote_rating(journal, remotes, device, late)
    assert remotes.paired(session_id) == []


def test_a_phone_plays_only_a_self_session_under_way_and_is_no_remote(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    with pytest.raises(PairingError, match="receiver's remote"):
        offer_player(journal, remotes, start(journal, Mode.PARTNER))
    with pytest.raises(PairingError, match="not under way"):
        offer_player(journal, remotes, 999)
    session_id = start(journal, Mode.SELF)
    offer = offer_player(journal, remotes, session_id)
    pairing = join_remote(journal, remotes, offer.token)
    assert pairing.player and pairing.check_code == offer.check_code
    assert player_of(journal, remotes, pairing.device) == pairing
    with pytest.raises(PairingError, match="no remote"):
        remote_of(journal, remotes, pairing.device)
    with pytest.raises(PairingError, match="no remote|player's after page"):
        remote_rating(journal, remotes, pairing.device, T0)
    with pytest.raises(PairingError, match="used already"):
        join_remote(journal, remotes, offer.token)
    finish(journal, session_id)
    with pytest.raises(PairingError, match="not under way"):
        player_of(journal, remotes, pairing.device)
    with pytest.raises(PairingError, match="not paired"):  # the routine's end unpaired it
        player_of(journal, remotes, pairing.device)


def test_a_remote_opens_no_player(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    session_id = start(journal)
    pairing = join_remote(journal, remotes, offer_pairing(journal, remotes, session_id).token)
    assert not pairing.player
    with pytest.raises(PairingError, match="plays no routine"):
        player_of(journal, remotes, pairing.device)
    assert remote_of(journal, remotes, pairing.device) == pairing  # still paired as the remote


def test_the_split_view_taps_a_partner_session_under_way_as_a_phone_would(journal: Journal) -> None:
    remotes = Remotes(CATALOG.remote)
    with pytest.raises(PairingError, match="self-massage"):
        split_tap(journal, remotes, start(journal, Mode.SELF), "stop", 0, State.RUNNING, T0)
    session_id = start(journal)
    applied: list[object] = []
    outcome = split_tap(journal, remotes, session_id, "stop", 0, State.RUNNING, T0, apply=applied.append)
    assert applied == [outcome.event] and outcome.tap.seq == 1
    assert [t.seq for t in remotes.alarms(session_id)] == [1]
    finish(journal, session_id)
    with pytest.raises(PairingError, match="not under way"):
        split_tap(journal, remotes, session_id, "less", 0, State.RUNNING, T0)
    record = journal.session(session_id)
    assert record is not None and [(t.seq, t.kind) for t in record.taps] == [(1, "stop")]
