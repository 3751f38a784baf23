"""`unknot export`'s output (issue 14, items 6, 7 and 14): whole or not at all, never over a file without --force,
`-o -` for standard output, CSV cells a spreadsheet cannot run, and dates at the ends of the range refused clearly."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import UNKNOT, RunUnknot
from unknot import load_catalog
from unknot.exports import JournalData, export_bytes
from unknot.model import PainEntry


def _journal(unknot: RunUnknot, tmp_path: Path, *notes: str) -> str:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    for note in notes or ("fine",):
        run = unknot("log", "rhomboid_left", "4", "--note", note, "--db", url)
        assert run.code == 0, run.err
    return url


def test_an_existing_file_is_replaced_only_with_force(unknot: RunUnknot, tmp_path: Path) -> None:
    url = _journal(unknot, tmp_path)
    out = tmp_path / "backup.json"
    out.write_text("the earlier backup")
    run = unknot("export", "-o", str(out), "--db", url)
    assert run.code == 2 and "exists; give --force" in run.err
    assert out.read_text() == "the earlier backup"
    run = unknot("export", "-o", str(out), "--force", "--db", url)
    assert run.code == 0, run.err
    assert '"format": "unknot-journal"' in out.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_failed_write_leaves_the_earlier_file_intact(
    unknot: RunUnknot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk, met when the new export is flushed: the earlier backup is still whole (it was destroyed)."""
    url = _journal(unknot, tmp_path)
    out = tmp_path / "backup.json"
    out.write_text("the earlier backup")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    run = unknot("export", "-o", str(out), "--force", "--db", url)
    assert run.code == 2 and "No space left on device" in run.err and "free some space" in run.err, run.err
    assert "internal error" not in run.err
    assert out.read_text() == "the earlier backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "j.db"]


def test_a_folder_is_not_a_file_to_write(unknot: RunUnknot, tmp_path: Path) -> None:
    url = _journal(unknot, tmp_path)
    (tmp_path / "folder").mkdir()
    run = unknot("export", "-o", str(tmp_path / "folder"), "--force", "--db", url)
    assert run.code == 2 and "is a folder" in run.err
    run = unknot("export", "-o", str(tmp_path / "missing" / "x.json"), "--db", url)
    assert run.code == 2 and "cannot write" in run.err and "internal error" not in run.err


@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_dash_is_standard_output_for_every_format(unknot: RunUnknot, tmp_path: Path, fmt: str) -> None:
    url = _journal(unknot, tmp_path)
    run = unknot("export", "--format", fmt, "-o", "-", "--db", url)
    assert run.code == 0, run.err
    assert run.out.startswith({"json": "{", "csv": "at,", "fhir": "{"}[fmt])
    assert not (tmp_path / "-").exists()


def test_dash_writes_the_pdf_as_bytes(unknot: RunUnknot, tmp_path: Path, cli_env: dict[str, str]) -> None:
    url = _journal(unknot, tmp_path)
    proc = subprocess.run(
        [str(UNKNOT), "export", "--format", "pdf", "-o", "-", "--db", url], capture_output=True, env=cli_env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"%PDF") and proc.stdout.rstrip().endswith(b"%%EOF")


FORMULAS = ["=1+2", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://evil.example","x")']


def test_csv_cells_that_start_a_formula_are_neutralised(unknot: RunUnknot, tmp_path: Path) -> None:
    url = _journal(unknot, tmp_path, *FORMULAS, "a plain note")
    rows = list(csv.DictReader(io.StringIO(unknot("export", "--format", "csv", "--db", url).out)))
    assert sorted(r["note"] for r in rows) == sorted(["'" + f for f in FORMULAS] + ["a plain note"])


def test_the_web_download_neutralises_them_too() -> None:
    """The web's /exports/ download writes through export_bytes, as the CLI does; tab and CR as well."""
    at = datetime(2026, 11, 1, tzinfo=UTC)
    notes = [*FORMULAS, "\tx", "\rx", "fine = ok"]
    entries = [PainEntry(at, "neck_base", 1, note=n) for n in notes]
    text = export_bytes("csv", JournalData(entries, [], [], []), load_catalog(), now=at).decode()
    assert [r["note"] for r in csv.DictReader(io.StringIO(text, newline=""))] == [
        *("'" + n for n in notes[:-1]),
        "fine = ok",
    ]


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--from", "0001-01-01"),
        ("--to", "9999-12-31"),
        ("--from", "9999-12-31T23:59:59-05:00"),
        ("--to", "0001-01-01T00:00:00+05:00"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_dates_at_the_ends_of_the_range_are_refused_clearly(
    unknot: RunUnknot, tmp_path: Path, flag: str, value: str, fmt: str
) -> None:
    url = _journal(unknot, tmp_path)
    run = unknot("export", "--format", fmt, flag, value, "-o", str(tmp_path / f"x.{fmt}"), "--db", url)
    assert run.code == 2 and "out of range" in run.err and "internal error" not in run.err, run.err


def _import(unknot: RunUnknot, tmp_path: Path, **records: object) -> tuple[str, int, str]:
    url = f"sqlite:///{tmp_path / 'imported.db'}"
    data = {"format": "unknot-journal", "version": 2, "entries": [], "screens": [], "clearances": [], **records}
    run = unknot("import", "-", "--db", url, input=json.dumps(data))
    assert "internal error" not in run.err, run.err
    return url, run.code, run.err


def test_an_imported_screen_that_lies_does_not_open_the_day(unknot: RunUnknot, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    answers = {"findings": ["chest_pain"], "all_others_answered_no": True, "today": now.astimezone().date().isoformat()}
    screen = {"at": now.isoformat(), "answers": answers, "verdict": {"verdict": "ok", "may_massage": True}}
    url, code, err = _import(unknot, tmp_path, screens=[screen])
    assert code == 0, err
    run = unknot("plan", "--mode", "self", "--no-tools", "--minutes", "10", "--db", url)
    assert run.code == 3, (run.out, run.err)


@pytest.mark.parametrize(
    ("entry", "message"),
    [({"note": ["a"]}, "'note' must be text"), ({"quality": 3}, "'quality' must be text"), ({"note": "a\x00"}, "NUL")],
)
def test_a_wrongly_typed_import_says_what_is_wrong(
    unknot: RunUnknot, tmp_path: Path, entry: dict[str, object], message: str
) -> None:
    base = {"at": "2026-11-01T09:00:00+00:00", "region": "neck_base", "score": 3}
    _, code, err = _import(unknot, tmp_path, entries=[{**base, **entry}])
    assert code == 2 and "entries item 1" in err and message in err, err


def test_a_garbage_routine_is_refused_and_the_journal_still_reads(unknot: RunUnknot, tmp_path: Path) -> None:
    session = {
        "started_at": "2026-11-01T09:00:00+00:00",
        "mode": "self",
        "status": "finished",
        "routine": {"mode": "self", "position": "x", "steps": [{"kind": "technique", "seconds": 5}]},
    }
    url, code, err = _import(unknot, tmp_path, sessions=[session])
    assert code == 2 and "'routine' must be a routine" in err, err
    for command in ("sessions", "insights", "history"):
        run = unknot(command, "--db", url)
        assert run.code == 0, (command, run.err)
