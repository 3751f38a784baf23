"""`unknot clearance`: the day a professional cleared you is required, checked, kept, and shown expired when it is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import RunUnknot
from unknot.screening import long_date


@pytest.mark.parametrize(
    ("args", "in_message"),
    [
        pytest.param(("dvt",), "never assumed to be today", id="no-date"),
        pytest.param(("dvt", "--on", "yesterday"), "'yesterday' is not a day written YYYY-MM-DD", id="bad-date"),
        pytest.param(("dvt", "--on", "2026-02-30"), "'2026-02-30' is not a day", id="impossible-date"),
        pytest.param(
            ("dvt", "--on", (date.today() + timedelta(days=1)).isoformat()), "is still to come", id="future-date"
        ),
        pytest.param(("fever", "--on", "2026-11-01"), "'fever' is a stop_today rule", id="not-consult-first"),
        pytest.param(("sore_knee", "--on", "2026-11-01"), "'sore_knee' is not a rule", id="unknown-rule"),
    ],
)
def test_a_clearance_that_cannot_be_kept_is_refused(unknot: RunUnknot, args: tuple[str, ...], in_message: str) -> None:
    run = unknot("clearance", "add", *args)
    assert run.code == 2 and in_message in run.err and "Traceback" not in run.err
    assert "No clearances kept" in unknot("clearance", "list", "--all").out


def test_clearances_are_listed_with_their_day_and_expiry(unknot: RunUnknot) -> None:
    old = date.today() - timedelta(days=181)  # high_bp: a clearance holds 180 days
    recent = date.today() - timedelta(days=3)
    assert "already expired" in unknot("clearance", "add", "high_bp", "--on", old.isoformat()).out
    assert unknot("clearance", "add", "cancer", "--on", recent.isoformat()).code == 0
    lines = unknot("clearance", "list").out.splitlines()
    high_bp = next(line for line in lines if line.startswith("high_bp"))
    cancer = next(line for line in lines if line.startswith("cancer"))
    assert "EXPIRED" in high_bp and long_date(old) in high_bp and "ask again" in high_bp
    assert "active" in cancer and long_date(recent) in cancer and "holds until" in cancer


def test_a_newer_clearance_replaces_the_old_one(unknot: RunUnknot) -> None:
    old = date.today() - timedelta(days=100)
    new = date.today() - timedelta(days=1)
    unknot("clearance", "add", "dvt", "--on", old.isoformat())
    assert "replaces" in unknot("clearance", "add", "dvt", "--on", new.isoformat()).out
    active = [line for line in unknot("clearance", "list").out.splitlines() if line.startswith("dvt")]
    assert len(active) == 1 and long_date(new) in active[0]
    assert "withdrawn" in unknot("clearance", "list", "--all").out
