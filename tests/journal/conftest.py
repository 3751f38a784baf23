"""Databases for the journal tests: a fresh SQLite file, and a fresh schema on a real PostgreSQL.

``.ci/run`` starts a throw-away PostgreSQL and exports ``UNKNOT_TEST_POSTGRES_URL``; without it the PostgreSQL tests
skip, except in CI, where they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import in_ci

POSTGRES_URL_VARIABLE = "UNKNOT_TEST_POSTGRES_URL"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL to a journal file that does not exist yet, new for each test."""
    return f"sqlite:///{tmp_path}/journal.db"


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test twice: on a new SQLite file, and in a new, empty schema of the test PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/journal.db"
        return
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        message = f"no PostgreSQL server: set {POSTGRES_URL_VARIABLE}"
        if in_ci():
            pytest.fail(f"{message} (CI runs every journal test on PostgreSQL; .ci/run starts one)")
        pytest.skip(message)
    yield from _fresh_schema(url)


def _fresh_schema(url: str) -> Iterator[str]:
    """`url` with its search path set to a schema made for this test alone, dropped afterwards."""
    import sqlalchemy

    schema = f"t_{secrets.token_hex(8)}"
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            separator = "&" if "?" in url else "?"
            yield f"{url}{separator}options=-csearch_path%3D{schema}"  # psycopg hands `options` to the server
        finally:
            with engine.begin() as conn:
                # A connection the test left inside a transaction would hold its locks: fail rather than hang.
                conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        engine.dispose()
