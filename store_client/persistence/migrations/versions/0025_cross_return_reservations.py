"""The reservations this till asked HQ for, before it asks: a till killed between HQ's
reservation and its own return releases it when it starts again (services/cross_return_journal.py).

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cross_return_reservations",
        sa.Column("return_id", sa.String(36), primary_key=True),
        sa.Column("original_ref", sa.String(80), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cross_return_reservations")
