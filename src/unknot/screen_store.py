"""Today's screen, kept on this machine so that ``unknot plan`` can use it (a screen expires at the end of the day).

A small JSON file in the user's data directory (``$XDG_DATA_HOME/unknot`` or ``~/.local/share/unknot`` on Linux),
holding the date and the verdict as ``unknot screen --json`` prints it. The pain journal will take this over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from unknot.settings import user_dir

__all__ = ["data_dir", "load_today", "save_today"]

FILE = "today-screen.json"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where unknot keeps its data on this machine."""
    return user_dir("data", environ)


def save_today(verdict: Mapping[str, Any], today: date, environ: Mapping[str, str] | None = None) -> Path:
    """Keep ``verdict`` (the screen's JSON answer) as today's screen; returns the file."""
    path = data_dir(environ) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(FILE + ".tmp")
    tmp.write_text(json.dumps({"date": today.isoformat(), "verdict": dict(verdict)}), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_today(today: date, environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """Today's screen, or None when there is none from today (or the file cannot be read)."""
    try:
        doc = json.loads((data_dir(environ) / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("date") != today.isoformat() or not isinstance(doc.get("verdict"), dict):
        return None
    verdict: dict[str, Any] = doc["verdict"]
    return verdict
