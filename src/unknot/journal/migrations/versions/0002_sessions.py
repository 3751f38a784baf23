"""Guided sessions: sessions, their steps and events; pain entries may belong to a session (before / after).

Existing pain entries keep every value; they get ``session_id`` and ``phase`` NULL (entries written by hand).
SQLite cannot add a foreign key to a table in place, so ``pain_entries`` is rebuilt by Alembic's batch mode,
which copies every row (tested by ``tests/journal/test_migrations.py``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("routine", sa.JSON(), nullable=False),
    )
    op.create_index("ix_sessions_started_at", "sessions", ["started_at"])
    op.create_index("ix_sessions_status", "sessions", ["status"])
    op.create_table(
        "session_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("session_id", "idx", name="uq_session_steps_idx"),
    )
    op.create_table(
        "session_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_session_events_session_id", "session_events", ["session_id"])
    with op.batch_alter_table("pain_entries") as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("phase", sa.String(length=10), nullable=True))
        batch.create_foreign_key("fk_pain_entries_session", "sessions", ["session_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_pain_entries_session_id", ["session_id"])


def downgrade() -> None:
    with op.batch_alter_table("pain_entries") as batch:
        batch.drop_index("ix_pain_entries_session_id")
        batch.drop_constraint("fk_pain_entries_session", type_="foreignkey")
        batch.drop_column("phase")
        batch.drop_column("session_id")
    op.drop_table("session_events")
    op.drop_table("session_steps")
    op.drop_table("sessions")
