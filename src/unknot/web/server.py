"""Running the web app: a socket on 127.0.0.1 (a free port, or the one asked for), uvicorn on it, the launch link
printed and opened. The socket is bound before the link is printed, so the link always works."""

from __future__ import annotations

import gc
import os
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

__all__ = ["API_KEY_VARIABLE", "HOST", "api_key", "launch_link", "run"]

HOST = "127.0.0.1"
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
) -> int:
    """Serve until Ctrl-C; the exit status."""
    if emergency_number is not None:
        validate_emergency_number(emergency_number, where="given with --emergency-number")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: an answer is not held back 40 ms waiting for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {HOST}:{port} ({exc.strerror}); try another --port, or leave it out"
        ) from None
    sock.listen(128)
    chosen = sock.getsockname()[1]
    keys = Keys(api_key(), cookie=f"unknot_session_{chosen}", remote_cookie=f"unknot_remote_{chosen}")
    hosts = (f"{HOST}:{chosen}", f"localhost:{chosen}")
    config = WebConfig(
        db=db,
        keys=keys,
        hosts=hosts,
        time_scale=time_scale if time_scale is not None else scale_from_environment(),
        emergency_number=emergency_number,
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
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0
