"""The receiver's remote: every tap of a partner session (its kind, the step, its number in the session) and when
the giver acknowledged an alarm (issue 15).

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "remote_taps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("session_id", "seq", name="uq_remote_taps_seq"),
    )
    op.create_index("ix_remote_taps_session_id", "remote_taps", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_remote_taps_session_id", table_name="remote_taps")
    op.drop_table("remote_taps")
