"""Alembic environment: runs on the connection unknot (or pytest-alembic) hands it, or on the URL configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, engine_from_config, pool

from unknot.journal.tables import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    # Batch mode lets ALTERs work on SQLite, which cannot alter most columns in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if isinstance(connection, Engine):  # pytest-alembic hands over an engine
    with connection.begin() as conn:
        run(conn)
elif connection is not None:
    run(connection)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        run(conn)
