"""The journal: pain entries, screens, clearances.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pain_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("quality", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 10", name="ck_pain_entries_score"),
    )
    op.create_index("ix_pain_entries_at", "pain_entries", ["at"])
    op.create_index("ix_pain_entries_region", "pain_entries", ["region"])
    op.create_table(
        "screens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=False),
    )
    op.create_index("ix_screens_day", "screens", ["day"])
    op.create_table(
        "clearances",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("cleared_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_clearances_rule", "clearances", ["rule"])


def downgrade() -> None:
    op.drop_table("clearances")
    op.drop_table("screens")
    op.drop_table("pain_entries")
