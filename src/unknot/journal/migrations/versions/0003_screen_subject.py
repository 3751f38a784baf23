"""Screens say whom they were about (``self``, or the ``receiver`` of a partner massage) and when they were withdrawn
as answered by mistake (the day policy, screening-rules.md version 2). Existing screens were about the user
(``self``) and stand.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=10), nullable=False, server_default="self"))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screens") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("subject")
