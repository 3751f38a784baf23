"""Start-up stays lean: the fast paths import no heavy library (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["sqlalchemy", "fastapi", "uvicorn", "jinja2", "starlette", "reportlab", "fpdf", "fhir", "alembic", "psycopg"]
SLOW = ["pydantic", "yaml", "platformdirs"]  # needed only to validate content on a cache miss
OK_REQUEST = '{"findings": [], "all_others_answered_no": true}'

PROBE = """
import json, sys
sys.argv = ["unknot", *json.loads(sys.argv[1])]
from unknot.cli.main import main
try:
    main()
except SystemExit:
    pass
with open({out!r}, "w") as fh:
    json.dump(sorted(sys.modules), fh)
"""


def modules_after(tmp_path: Path, args: list[str], stdin: str = "") -> set[str]:
    out = tmp_path / "modules.json"
    # Warm the content cache first, as any second run of unknot finds it.
    subprocess.run([sys.executable, "-m", "unknot.cli.main", "rules", "--json"], capture_output=True, check=True)
    subprocess.run(
        [sys.executable, "-c", PROBE.format(out=str(out)), json.dumps(args)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    names = set(json.loads(out.read_text()))
    return names | {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    ("args", "stdin", "banned"),
    [
        pytest.param(["--help"], "", HEAVY + SLOW + ["rich", "unknot.model"], id="help"),
        pytest.param(["screen", "--json", "-"], OK_REQUEST, HEAVY + SLOW + ["rich"], id="screen-json"),
        pytest.param(
            ["plan", "--json", "-"], '{"mode": "self", "minutes": 10}', HEAVY + SLOW + ["rich"], id="plan-json"
        ),
    ],
)
def test_the_fast_paths_import_no_heavy_library(tmp_path: Path, args: list[str], stdin: str, banned: list[str]) -> None:
    loaded = modules_after(tmp_path, args, stdin)
    assert "unknot" in loaded  # the probe really ran unknot
    assert sorted(set(banned) & loaded) == []


def test_heavy_export_libraries_load_only_for_their_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF library loads for ``export --format pdf`` and not for the other journal commands."""
    db = f"sqlite:///{tmp_path / 'j.db'}"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for args in (["log", "rhomboid_left", "4", "--db", db], ["export", "--format", "json", "--db", db]):
        loaded = modules_after(tmp_path, args)
        assert "sqlalchemy" in loaded  # the journal was really opened
        assert sorted({"fpdf", "PIL", "fontTools", "fhir"} & loaded) == []
    assert "fpdf" in modules_after(tmp_path, ["export", "--format", "pdf", "-o", str(tmp_path / "r.pdf"), "--db", db])
