"""pytest-alembic's built-in checks of the migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_alembic.tests import (  # noqa: F401 - collected as tests here
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from unknot.journal.store import MIGRATIONS


@pytest.fixture
def alembic_config() -> Any:
    from pytest_alembic.config import Config

    return Config(config_options={"script_location": str(MIGRATIONS)})


@pytest.fixture
def alembic_engine(database_url: str) -> Iterator[Any]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(database_url)
    yield engine
    engine.dispose()


def test_a_journal_at_the_first_migration_upgrades_with_its_data(alembic_runner: Any, alembic_engine: Any) -> None:
    """A journal written by the first release (revision 0001), with entries, a screen and a clearance, comes to
    the latest schema with every value intact; new columns are empty and new tables work."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    alembic_runner.migrate_up_to("0001")
    rows = [
        {
            "at": datetime(2026, 1, d, 8, tzinfo=UTC),
            "region": "rhomboid_left",
            "score": d,
            "quality": "tight" if d == 3 else None,
            "note": f"n{d}",
        }
        for d in range(1, 8)
    ]
    alembic_runner.insert_into("pain_entries", rows)
    alembic_runner.insert_into(
        "screens",
        {
            "at": datetime(2026, 1, 1, 8, tzinfo=UTC),
            "day": date(2026, 1, 1),
            "answers": {"findings": []},
            "verdict": {"verdict": "ok"},
        },
    )
    alembic_runner.insert_into("clearances", {"rule": "cancer", "cleared_on": date(2025, 12, 1), "withdrawn_at": None})
    alembic_runner.migrate_up_to("heads")

    with alembic_engine.connect() as conn:
        got = conn.execute(
            sa.text("SELECT region, score, quality, note, session_id, phase FROM pain_entries ORDER BY id")
        ).all()
        assert [tuple(r) for r in got] == [
            ("rhomboid_left", d, "tight" if d == 3 else None, f"n{d}", None, None) for d in range(1, 8)
        ]
        assert conn.execute(sa.text("SELECT rule FROM clearances")).scalar_one() == "cancer"
        assert conn.execute(sa.text("SELECT count(*) FROM screens")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM sessions")).scalar_one() == 0
