"""The receiver's remote (pure, on an injected clock): pairing a phone with one partner session, and what a tap does.

Pairing. The giver's player offers a pairing (``Remotes.offer``): a one-time token for the QR code, a short code to
type instead, and a check code both screens show. Either is good for ``token_seconds`` (``remote.yaml``, about 2
minutes) and once: exchanging it (``Remotes.exchange``) spends both and gives the phone a device secret (its cookie)
scoped to that one session. A second device after one has paired is refused unless the giver allows it when
offering; ending the session revokes every pairing of it (``Remotes.revoke``). A pairing is either the receiver's
remote (a partner session) or the phone as the player of a self routine (``player``): the one opens nothing of the
other.

Taps. Each tap is numbered in its session (1, 2, ...: the id of its Server-Sent Event on the giver's side), kept in
the journal and in a log here, so a page that lost its connection gets what it missed. What a kind does is content
(``remote.yaml``): the session event it applies, if the session takes it now (``event_for``), and whether it is an
alarm, which stays on the giver's screen until acknowledged.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from unknot.errors import PairingError, RequestError
from unknot.model import RemoteKind, RemoteRules, RemoteTap
from unknot.session import ACCEPTS, Event, State

__all__ = ["KINDS", "Offer", "Pairing", "Remotes", "event_for", "kind_of"]

#: The remote's buttons, in the order the phone shows them.
KINDS = ("more", "less", "good", "stop", "hurts")
#: The short code's letters: no 0/O, 1/I/L or U, so it can be read aloud and typed on a phone (Crockford's base 32
#: without 0 and 1).
CODE_LETTERS = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 30^8 ≈ 6.6e11 codes, against at most a few hundred guesses in the 2 minutes one is good


@dataclass(frozen=True)
class Offer:
    """A pairing offered for one session: the QR's token, the short code, the check code, and until when
    (monotonic seconds) they are good."""

    session_id: int
    token: str
    short_code: str
    check_code: str
    expires: float
    player: bool = False  # the phone plays a self routine (else: the receiver's remote of a partner session)


@dataclass(frozen=True)
class Pairing:
    """A phone paired with one session: its secret (the cookie's value), the CSRF token of its page, the check
    code its screen shows, and whether it is that session's player (else its receiver's remote)."""

    session_id: int
    device: str
    csrf: str
    check_code: str
    player: bool = False


@dataclass
class _Log:
    """One session's taps, in order, and the last one the giver's page has shown."""

    taps: list[RemoteTap] = field(default_factory=list)
    seen: int = 0


class Remotes:
    """The pairings and taps of one server run (kept in memory: a restart unpairs every phone)."""

    def __init__(self, rules: RemoteRules, clock: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self.clock = clock
        self._offers: dict[str, Offer] = {}  # by token and by short code
        self._devices: dict[str, Pairing] = {}
        self._heard: dict[str, float] = {}  # device -> when it last asked anything (monotonic)
        self._logs: dict[int, _Log] = {}
        self._lock = threading.Lock()

    # --- pairing ---------------------------------------------------------------------------------------------

    def offer(self, session_id: int, *, allow_another: bool = False, player: bool = False) -> Offer:
        """A fresh pairing for ``session_id`` (``player``: the phone plays it); any unspent offer of it lapses.
        ``PairingError`` when a device is paired already and the giver has not allowed another."""
        with self._lock:
            if not allow_another and any(p.session_id == session_id for p in self._devices.values()):
                raise PairingError("a phone is paired with this session already; allow a second device to pair another")
            self._drop_offers(lambda o: o.session_id == session_id or o.expires <= self.clock())
            digits = self.rules.check_digits
            offer = Offer(
                session_id,
                secrets.token_urlsafe(24),
                "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH)),
                f"{secrets.randbelow(10**digits):0{digits}d}",
                self.clock() + self.rules.token_seconds,
                player,
            )
            self._offers[offer.token] = offer
            self._offers[_code_key(offer.short_code)] = offer
            return offer

    def exchange(self, token: str) -> Pairing:
        """Spend a pairing link (its token or its short code) for a device of its session. ``PairingError`` when
        it is unknown, spent or over its time."""
        with self._lock:
            offer = self._offers.get(token) or self._offers.get(_code_key(token))
            if offer is None:
                raise PairingError(
                    "this pairing link is not known or was used already: ask the giver to show a new code"
                )
            self._drop_offers(lambda o: o is offer)
            if offer.expires <= self.clock():
                minutes = self.rules.token_seconds / 60
                raise PairingError(
                    f"this pairing link is over {minutes:g} minutes old: ask the giver to show a new code"
                )
            pairing = Pairing(
                offer.session_id, secrets.token_urlsafe(32), secrets.token_urlsafe(24), offer.check_code, offer.player
            )
            self._devices[pairing.device] = pairing
            self._heard[pairing.device] = self.clock()
            return pairing

    def pairing(self, device: str | None, *, heard: bool = False) -> Pairing:
        """The pairing of a device secret; ``PairingError`` when there is none (never paired, or revoked).
        ``heard``: the phone itself asked (it is connected now)."""
        with self._lock:
            found = self._devices.get(device or "")
            if found is not None and heard:
                self._heard[found.device] = self.clock()
        if found is None:
            raise PairingError("this phone is not paired with a session under way: scan the giver's code again")
        return found

    def paired(self, session_id: int) -> list[Pairing]:
        """The devices paired with ``session_id``."""
        with self._lock:
            return [p for p in self._devices.values() if p.session_id == session_id]

    def revoke(self, session_id: int) -> int:
        """End every pairing and offer of ``session_id`` (the session has ended), and forget its log (the journal
        keeps its taps); how many devices it unpaired."""
        with self._lock:
            self._drop_offers(lambda o: o.session_id == session_id)
            self._logs.pop(session_id, None)
            gone = [d for d, p in self._devices.items() if p.session_id == session_id]
            for device in gone:
                del self._devices[device]
                self._heard.pop(device, None)
            return len(gone)

    def connected(self, session_id: int) -> bool | None:
        """Whether a phone paired with the session was heard from within ``silence_seconds`` (None: none paired).
        The phone asks every second; a silent one has lost its link, and the giver is told to listen instead."""
        with self._lock:
            heard = [self._heard.get(d, 0.0) for d, p in self._devices.items() if p.session_id == session_id]
        if not heard:
            return None
        return self.clock() - max(heard) < self.rules.silence_seconds

    def _drop_offers(self, which: Callable[[Offer], bool]) -> None:
        self._offers = {k: o for k, o in self._offers.items() if not which(o)}

    # --- taps --------------------------------------------------------------------------------------------------

    def known(self, session_id: int) -> bool:
        """Whether this run holds the session's log (else load it from the journal first: ``load``)."""
        with self._lock:
            return session_id in self._logs

    def load(self, session_id: int, taps: tuple[RemoteTap, ...]) -> None:
        """Take up a session's taps as the journal kept them (a restarted server numbers on from the last)."""
        with self._lock:
            self._logs.setdefault(session_id, _Log(list(taps), max((t.seq for t in taps), default=0)))

    def add(self, session_id: int, kind: str, step: int | None, at: datetime) -> RemoteTap:
        """Number a new tap and log it."""
        with self._lock:
            log = self._logs.setdefault(session_id, _Log())
            tap = RemoteTap(at, kind, len(log.taps) + 1, step)
            log.taps.append(tap)
            return tap

    def taps(self, session_id: int, after: int = 0) -> list[RemoteTap]:
        """The session's taps numbered above ``after`` (a Server-Sent Events ``Last-Event-ID``), in order."""
        with self._lock:
            log = self._logs.get(session_id)
            return [t for t in log.taps if t.seq > after] if log else []

    def acknowledge(self, session_id: int, seq: int, at: datetime) -> RemoteTap:
        """Mark alarm ``seq`` acknowledged (the first time stays); ``RequestError`` when it is no alarm here."""
        with self._lock:
            log = self._logs.get(session_id)
            tap = log.taps[seq - 1] if log and 0 < seq <= len(log.taps) else None
            if log is None or tap is None or not kind_of(self.rules, tap.kind).alarm:
                raise RequestError(f"tap {seq} of session {session_id} is not an alarm of the receiver's remote")
            if tap.acknowledged_at is None:
                tap = replace(tap, acknowledged_at=at)
                log.taps[seq - 1] = tap
            return tap

    def see(self, session_id: int, seq: int) -> int:
        """The giver's page has shown the taps up to ``seq``; the last one seen."""
        with self._lock:
            log = self._logs.get(session_id)
            if log is None:
                return 0
            log.seen = max(log.seen, min(seq, len(log.taps)))
            return log.seen

    def seen(self, session_id: int) -> int:
        """The last tap the giver's page has shown (0: none)."""
        with self._lock:
            log = self._logs.get(session_id)
            return log.seen if log else 0

    def alarms(self, session_id: int) -> list[RemoteTap]:
        """The session's alarms not yet acknowledged, oldest first."""
        return [t for t in self.taps(session_id) if kind_of(self.rules, t.kind).alarm and t.acknowledged_at is None]


def kind_of(rules: RemoteRules, kind: str) -> RemoteKind:
    """The remote's button ``kind``; ``RequestError`` naming the buttons when there is none such."""
    for found in rules.kinds:
        if found.id == kind:
            return found
    raise RequestError(f"{kind!r} is not a button of the remote; the buttons are: {', '.join(KINDS)}")


def event_for(kind: RemoteKind, state: State) -> Event | None:
    """The session event a tap of ``kind`` applies in ``state``, or None when the session does not take it now
    (a Stop while paused: the step has halted already; any tap once the session is over)."""
    event = Event(kind.event)
    return event if event in ACCEPTS[state] else None


def _code_key(code: str) -> str:
    """A short code as typed: case, spaces and dashes do not matter."""
    return "code:" + "".join(code.split()).replace("-", "").upper()
