"""Client-side sync state: dataset cursors, pulled rows, reset bookkeeping, sync facts.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("dataset", sa.String(32), primary_key=True),
        sa.Column("cursor", sa.Text, nullable=True),
        sa.Column("resetting", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.String(40), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_table(
        "sync_rows",
        sa.Column("dataset", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_reset_seen",
        sa.Column("dataset", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("sync_state", "sync_reset_seen", "sync_rows", "sync_cursors"):
        op.drop_table(table)
