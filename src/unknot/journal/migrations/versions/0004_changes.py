"""The journal's write counter: one row whose ``n`` every write raises in its own transaction, so the web app
knows with one light query whether the journal changed (a page is drawn again only then), whoever wrote it.

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    changes = op.create_table(
        "journal_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(changes, [{"id": 1, "n": 0}])


def downgrade() -> None:
    op.drop_table("journal_changes")
