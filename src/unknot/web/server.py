"""Running the web app: a socket on 127.0.0.1 (a free port, or the one asked for), uvicorn on it, the launch link
printed and opened. The socket is bound before the link is printed, so the link always works."""

from __future__ import annotations

import gc
import socket
import sys
import threading
import webbrowser

import uvicorn

from unknot.errors import ConfigError
from unknot.session import time_scale as scale_from_environment
from unknot.settings import validate_emergency_number
from unknot.web.app import WebConfig, create_app
from unknot.web.security import Keys

__all__ = ["HOST", "run"]

HOST = "127.0.0.1"


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
    keys = Keys()
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
    link = f"http://{HOST}:{chosen}/?key={keys.key}"
    print(f"unknot is running at {link}", flush=True)
    print("Keep this link to yourself; press Ctrl-C to stop.", file=sys.stderr, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(link,)).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0
