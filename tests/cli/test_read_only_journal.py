"""A journal that cannot be written (issue 14, item 14): on a read-only filesystem or as a read-only file, the real
``unknot`` still reads it (history, sessions, insights, an export to standard output) and says clearly, without a
traceback, that a write cannot be kept; the file is left as it was.

A read-only filesystem is a read-only bind mount in a user and mount namespace of its own (``unshare``); a
read-only file is a file mode, checked without root's override (in a user namespace, root's files are judged by
their owner's bits). Where ``unshare`` cannot make a namespace these tests skip, except in CI, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import UNKNOT, in_ci

READS = [
    (["history"], "Rhomboid, left"),
    (["sessions"], "No guided sessions yet"),
    (["insights"], "Nothing in your journal says to stop"),
    (["export", "-o", "-"], '"unknot-journal"'),  # last: its output is read below
]
Runner = Callable[[list[str]], subprocess.CompletedProcess[str]]


def _namespaces_work(*flags: str) -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, *flags, "true"], capture_output=True).returncode == 0


def _need(*flags: str) -> None:
    if not _namespaces_work(*flags):
        message = f"`unshare {' '.join(flags)}` is not available here (no unshare, or user namespaces are off)"
        if in_ci():
            pytest.fail(f"{message}: CI must run the read-only journal tests")
        pytest.skip(message)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A journal folder holding one pain entry, closed cleanly (no write-ahead log left)."""
    from datetime import UTC, datetime

    from unknot.journal.store import SqlJournal
    from unknot.model import PainEntry

    folder = tmp_path / "journal"
    folder.mkdir()
    db = folder / "journal.db"
    written = SqlJournal.open(f"sqlite:///{db}")
    written.add_entry(PainEntry(datetime(2026, 11, 2, 18, 0, tzinfo=UTC), "rhomboid_left", 3))
    written.close()
    assert sorted(p.name for p in folder.iterdir()) == ["journal.db"]
    return db


def _runner(prefix: list[str], db: Path, env: dict[str, str]) -> Runner:
    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        command = [*prefix, str(UNKNOT), *args, "--db", f"sqlite:///{db}"]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    return run


@pytest.fixture(params=["read-only-filesystem", "read-only-file"])
def read_only(request: pytest.FixtureRequest, journal: Path, cli_env: dict[str, str]) -> Runner:
    """Run ``unknot ARGS --db JOURNAL`` where the journal cannot be written."""
    folder = journal.parent
    if request.param == "read-only-filesystem":
        _need("--user", "--map-root-user", "--mount")
        mount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        return _runner(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount, str(folder)], journal, cli_env
        )
    journal.chmod(0o444)
    folder.chmod(0o555)
    request.addfinalizer(lambda: folder.chmod(0o755))
    if os.geteuid() != 0:
        return _runner([], journal, cli_env)
    _need("--user")  # root's override of file modes does not reach into a user namespace of its own
    return _runner(["unshare", "--user"], journal, cli_env)


def test_a_read_only_journal_can_be_read(read_only: Runner, journal: Path) -> None:
    before = journal.read_bytes()
    for args, says in READS:
        run = read_only(args)
        assert run.returncode == 0, f"unknot {' '.join(args)}: {run.stderr}"
        assert says in " ".join(run.stdout.split()), args
        assert "Traceback" not in run.stderr
    assert [e["score"] for e in json.loads(run.stdout)["entries"]] == [3]  # the export, whole
    assert journal.read_bytes() == before
    assert sorted(p.name for p in journal.parent.iterdir()) == ["journal.db"]


def test_a_write_to_a_read_only_journal_says_so_clearly(read_only: Runner, journal: Path) -> None:
    before = journal.read_bytes()
    run = read_only(["log", "rhomboid_left", "5"])
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and "writable" in lines[0], run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert journal.read_bytes() == before
