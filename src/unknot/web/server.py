"""Running the web app: a socket on 127.0.0.1 (a free port, or the one asked for), uvicorn on it, the launch link
printed and opened. The socket is bound before the link is printed, so the link always works.

With ``--lan`` (issue 15) a second socket listens on the machine's address on the home network; the security
middleware tells the two apart by the socket a request came through (the ASGI scope's ``server``) and lets only
what a pairing code leads to through the second one."""

from __future__ import annotations

import gc
import ipaddress
import os
import re
import signal
import socket
import sys
import threading
import webbrowser

import uvicorn

from unknot.errors import ConfigError
from unknot.session import time_scale as scale_from_environment
from unknot.settings import validate_emergency_number
from unknot.web.app import WebConfig, create_app
from unknot.web.guard import GuardedH11Protocol
from unknot.web.security import Keys

__all__ = ["API_KEY_VARIABLE", "HOST", "api_key", "lan_address", "lan_name", "launch_link", "run"]

HOST = "127.0.0.1"
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
NAME = re.compile(rf"{LABEL}(\.{LABEL})*")
API_KEY_VARIABLE = "UNKNOT_API_KEY"


def api_key() -> str | None:
    """The bearer key for programs, from the environment (readable by this user only, never on a command line);
    None: a random one nobody is told, so only browsers come in, by launch links."""
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if not key:
        return None
    if len(key) < 16:
        raise ConfigError(f"{API_KEY_VARIABLE} is {len(key)} characters long; make it 16 or more (random)")
    return key


def lan_address(given: str | None = None) -> str:
    """The IPv4 address to listen on for the home network: ``given`` (checked), else the address this machine
    reaches other networks from (a UDP socket "connected" to a documentation address: no packet is sent)."""
    if given is None:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1 (RFC 5737): routed like any address, never answered
            given = str(probe.getsockname()[0])
        except OSError:
            given = "0.0.0.0"
        finally:
            probe.close()
        if given in ("0.0.0.0", "127.0.0.1"):
            raise ConfigError(
                "--lan found no address on a home network (is this machine connected?); give one with --lan-host"
            )
    try:
        address = ipaddress.IPv4Address(given)
    except ValueError:
        raise ConfigError(
            f"--lan-host {given!r} is not an IPv4 address; give this machine's, e.g. 192.168.1.20"
        ) from None
    if address.is_unspecified or address.is_multicast or str(address) == HOST:
        raise ConfigError(
            f"--lan-host {given} would not be a listener of its own; give this machine's address on the network"
        )
    return str(address)


def lan_name(given: str) -> str:
    """A name phones reach this machine by on the home network (``mylaptop.local``, a tailnet name), checked."""
    name = given.strip().lower().rstrip(".")
    if len(name) > 253 or not NAME.fullmatch(name) or name == "localhost" or name.endswith(".localhost"):
        raise ConfigError(
            f"--lan-name {given!r} is not a host name phones can reach this machine by; give one like mylaptop.local"
        )
    return name


def _listen(host: str, port: int, *, option: str = "--port") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: an answer is not held back 40 ms waiting for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); try another {option}") from None
    sock.listen(128)
    return sock


def launch_link(base: str, keys: Keys) -> str:
    """A one-time launch link: good for one use within ``TOKEN_LIFETIME`` seconds."""
    return f"{base}/?token={keys.launch_token()}"


def _links_on_enter(base: str, keys: Keys) -> None:
    """Print a fresh launch link each time Enter is pressed in the terminal; nothing once input ends."""
    try:
        for _ in sys.stdin:
            print(f"unknot is running at {launch_link(base, keys)}", flush=True)
    except (OSError, ValueError):  # no usable standard input (a service, a closed descriptor)
        return


def run(
    *,
    port: int = 0,
    open_browser: bool = True,
    time_scale: float | None = None,
    emergency_number: str | None = None,
    db: str | None = None,
    lan: bool = False,
    lan_host: str | None = None,
    lan_as: str | None = None,
) -> int:
    """Serve until Ctrl-C; the exit status. ``lan``: listen on the home network too (``lan_host``, or the machine's
    address there), for the phones a pairing code leads in; ``lan_as``: a name they reach it by there (the
    pairing links use it)."""
    if emergency_number is not None:
        validate_emergency_number(emergency_number, where="given with --emergency-number")
    name = lan_name(lan_as) if lan_as is not None else None
    home = lan_address(lan_host) if lan or lan_host is not None or name is not None else None
    sock = _listen(HOST, port, option="--port, or leave it out")
    chosen = sock.getsockname()[1]
    sockets = [sock]
    lan_at: str | None = None
    lan_hosts: tuple[str, ...] = ()
    if home is not None:
        try:  # the same port as on loopback where it is free, for an address that is easier to type
            lan_sock = _listen(home, chosen, option="--lan-host")
        except ConfigError:
            lan_sock = _listen(home, 0, option="--lan-host")
        sockets.append(lan_sock)
        lan_at = f"{home}:{lan_sock.getsockname()[1]}"
        lan_hosts = ((f"{name}:{lan_sock.getsockname()[1]}",) if name else ()) + (lan_at,)
    keys = Keys(api_key(), cookie=f"unknot_session_{chosen}", remote_cookie=f"unknot_remote_{chosen}")
    hosts = (f"{HOST}:{chosen}", f"localhost:{chosen}")
    config = WebConfig(
        db=db,
        keys=keys,
        hosts=hosts,
        time_scale=time_scale if time_scale is not None else scale_from_environment(),
        emergency_number=emergency_number,
        lan=lan_at,
        lan_hosts=lan_hosts,
    )
    app = create_app(config)
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the server: the collector need not walk it on every pass
    base = f"http://{HOST}:{chosen}"
    print(f"unknot is running at {launch_link(base, keys)}", flush=True)
    print(
        "The link works once, within 2 minutes; press Enter here for a fresh one, Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    if lan_at is not None:
        print(
            f"Phones on the home network pair through the codes the player shows, at http://{lan_hosts[0]} "
            "(plain HTTP: anyone on this network can see that traffic; nothing but the pairing, the remote and the "
            "phone's player is reachable there).",
            file=sys.stderr,
            flush=True,
        )
    if open_browser:  # the browser's command line (`ps`) holds a link of its own, spent as it opens
        threading.Timer(0.5, webbrowser.open, args=(launch_link(base, keys),)).start()
    if hasattr(signal, "SIGTTIN"):  # run in the background (`&`), reading the terminal fails instead of stopping us
        signal.signal(signal.SIGTTIN, signal.SIG_IGN)
    threading.Thread(target=_links_on_enter, args=(base, keys), daemon=True).start()
    server_config = uvicorn.Config(
        app,
        http=GuardedH11Protocol,  # bounded connections and request-head time (web/guard.py)
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=3,  # a page listening to the remote (Server-Sent Events) does not hold Ctrl-C up
        h11_max_incomplete_event_size=64 * 1024,  # a request head over 64 KB is refused
    )
    server = uvicorn.Server(server_config)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    return 0
