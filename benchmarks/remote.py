"""The receiver's remote (issue 15): tap-to-giver latency over loopback against a real ``unknot serve``.

A paired phone (httpx) posts 200 taps; the giver's event stream (httpx, on its own thread, as the giver's page
listens) records when each arrives. A tap's latency runs from just before its POST to its event's arrival: the
phone's request, the journal's write, the wake-up of the stream and the event on the wire. The baseline is a bare
request and answer on the same server in the same run (``GET /api/ping``), timed interleaved with the taps.
Reported as medians and p99, and as their ratios; no aim yet (the issue asks for the figures).

``uv run python -m benchmarks.remote``
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.harness import Case, Result

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TAPS = 200


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def measure(taps: int = TAPS) -> dict[str, list[float]]:
    """Seconds, per tap: from its POST to its event at the giver (``tap``) and to the POST's answer (``answered``);
    and of as many bare round trips (``bare``) and journal writes (``write``), interleaved with the taps."""
    import httpx
    from tests.web.conftest import start_server, stop_server

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            with server.client() as giver:
                giver.post("/api/screen?subject=receiver", json={"all_others_answered_no": True}).raise_for_status()
                session_id = giver.post("/api/sessions", json={"plan": {"mode": "partner", "minutes": 10}}).json()["id"]
                url = giver.post(f"/api/sessions/{session_id}/remote/pairing", json={}).json()["url"]
            arrived: dict[int, float] = {}
            ready = threading.Event()
            done = threading.Event()

            def listen() -> None:
                with (
                    server.client() as stream_client,
                    stream_client.stream("GET", f"/api/sessions/{session_id}/remote/events") as response,
                ):
                    ready.set()
                    for line in response.iter_lines():
                        if line.startswith("id: "):
                            arrived[int(line[4:])] = time.perf_counter()
                            if len(arrived) >= taps:
                                done.set()
                                return

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            if not ready.wait(30):
                raise RuntimeError("the giver's event stream did not open")
            times: dict[str, list[float]] = {"tap": [], "answered": [], "bare": [], "write": []}
            with httpx.Client(base_url=server.base, timeout=30) as phone, server.client() as giver:
                phone.get(url)
                token = re.search(r'name="csrf-token" content="([^"]+)"', phone.get("/remote").text)
                assert token is not None
                phone.headers["x-csrf-token"] = token.group(1)
                for _ in range(5):  # warm both paths up
                    giver.get("/api/ping")
                for seq in range(1, taps + 1):
                    start = time.perf_counter()
                    giver.get("/api/ping").raise_for_status()
                    times["bare"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    giver.post("/api/entries", json={"region": "neck_base", "score": 2}).raise_for_status()
                    times["write"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    phone.post("/remote/taps", json={"kind": "good"}).raise_for_status()
                    times["answered"].append(time.perf_counter() - start)
                    deadline = time.monotonic() + 10
                    while seq not in arrived and time.monotonic() < deadline:
                        time.sleep(0.0002)
                    if seq not in arrived:
                        raise RuntimeError(f"tap {seq} never reached the giver's stream")
                    times["tap"].append(arrived[seq] - start)
            done.wait(10)
        finally:
            stop_server(server)
    return times


def run(runs: int = 21) -> tuple[str, list[Result]]:
    """The table (``runs`` does not apply: one run of 200 taps)."""
    times = measure()
    lines = [
        f"receiver's remote, real unknot serve on loopback, {len(times['tap'])} taps (ms; x a bare round trip)",
        "                                         median          p99",
    ]
    results = []
    names = {
        "tap": "tap to the giver's event stream",
        "answered": "the tap's POST answered",
        "write": "a journal write (POST /api/entries)",
        "bare": "bare round trip (GET /api/ping)",
    }
    base = {"median": statistics.median(times["bare"]), "p99": _p99(times["bare"])}
    for key, name in names.items():
        med, p99 = statistics.median(times[key]), _p99(times[key])
        lines.append(
            f"  {name:<37} {med * 1000:>6.2f} ({med / base['median']:>4.1f}x)  "
            f"{p99 * 1000:>6.2f} ({p99 / base['p99']:>4.1f}x)"
        )
        if key == "tap":
            results.append(Result(Case("tap median", []), med * 1000, med / base["median"]))
            results.append(Result(Case("tap p99", []), p99 * 1000, p99 / base["p99"]))
    return "\n".join(lines), results


if __name__ == "__main__":
    print(run()[0])
