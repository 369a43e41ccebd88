"""Online orders picked up in store: this till's picking progress and the manager's list
of pick-up steps HQ refused afterwards (docs/pickup.md).

Revision ID: 0012
Revises: 0011 (given 0010; chained after main's 0016 so this branch has one head)
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pickup_progress",
        sa.Column("order_id", sa.String(36), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("picks", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("ready_at", sa.String(40), nullable=True),
        sa.Column("handed_over_at", sa.String(40), nullable=True),
        sa.Column("handover", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "pickup_conflicts",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("order_no", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("found_at", sa.String(40), nullable=False),
        sa.Column("resolved_at", sa.String(40), nullable=True),
        sa.Column("resolved_by", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_pickup_conflicts_open", "pickup_conflicts", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_pickup_conflicts_open", table_name="pickup_conflicts")
    op.drop_table("pickup_conflicts")
    op.drop_table("pickup_progress")
