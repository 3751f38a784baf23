"""schemathesis against the real server's ``/openapi.json``: whatever it sends, the server never answers 5xx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.web.conftest import Server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_the_api_never_answers_with_a_server_error(server: Server) -> None:
    with server.client() as client:  # a screen today, so that the plan and session operations get past "screen first"
        assert client.post("/api/screen", json={"all_others_answered_no": True}).status_code == 200
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.base}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Bearer {server.key}",
            "--max-examples",
            "40",
            "--seed",
            "20261130",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:] + "".join(server.output)[-2000:]
    assert "passed" in run.stdout.lower()
