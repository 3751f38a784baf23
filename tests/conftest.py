"""Shared fixtures: the real `unknot` entry point in a subprocess, with a private config directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# CI machines are small and shared: no per-example deadline, the same number of examples everywhere.
settings.register_profile("unknot", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("unknot")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
UNKNOT = Path(sys.executable).with_name("unknot")


def in_ci() -> bool:
    """Whether this is a CI run, where a missing prerequisite fails instead of skipping."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class Run:
    """A finished `unknot` process."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Standard output, decoded as JSON."""
        return json.loads(self.out)


def as_from_a_shell() -> None:
    """Run in a spawned child before it starts the program: the signals a person's shell leaves at their defaults.

    A suite started in the background (``cmd &`` in a script, ``nohup``) ignores SIGINT, SIGQUIT and SIGHUP, and an
    ignored signal stays ignored across exec: the program under test would never see the Ctrl-C a test types."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """An environment with private, empty config and data directories and a locale without a country."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "UNKNOT_"))}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        LANG="C.UTF-8",
        COLUMNS="100",
        NO_COLOR="1",
    )
    return env


RunUnknot = Callable[..., Run]


@pytest.fixture
def unknot(cli: RunUnknot) -> RunUnknot:
    """Run a command: ``unknot("screen", "--json", "-", input="{}")``. In this process, through the console script's
    own function (``cli``); ``unknot_process`` runs the installed script where a real process matters."""
    return cli


@pytest.fixture
def unknot_process(cli_env: dict[str, str]) -> Iterator[RunUnknot]:
    """Run the installed `unknot` console script in a subprocess: ``unknot_process("screen", input="n")``."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
        proc = subprocess.run(
            [str(UNKNOT), *args],
            input=input,
            capture_output=True,
            text=True,
            env={**cli_env, **(env or {})},
            timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    yield run


@pytest.fixture
def cli(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[RunUnknot]:
    """Run the command line in this process (``unknot.cli.main.main``, the console script's own function), with the
    same private environment as ``unknot``: for the logic of a command, without an interpreter's start-up. Journeys
    in a real terminal and the start-up budget keep the ``unknot`` subprocess."""
    from typer.testing import CliRunner

    from unknot.cli.main import main

    for key in [k for k in os.environ if k.startswith(("LC_", "UNKNOT_"))]:
        monkeypatch.delenv(key)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
        with runner.isolation(input=input, env={**cli_env, **(env or {})}) as (out, err, _mixed):
            try:
                main(list(args))
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            sys.stdout.flush()  # the runner's text streams buffer: what was written is in the bytes only now
            sys.stderr.flush()
            stdout, stderr = out.getvalue(), err.getvalue()
        return Run(code, stdout.decode(), stderr.decode())

    yield run
