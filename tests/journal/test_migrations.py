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
