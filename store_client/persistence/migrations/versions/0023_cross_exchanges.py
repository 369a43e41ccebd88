"""Exchanges of another store's sale or an online order (docs/returns.md, "Exchanges").

``cross_exchanges`` links a return taken here of an original this till did not sell
(``cross_returns``) to the new sale its value paid for, one row per exchange, its request
unique (asked twice, done once), with each original tender's credit. No existing table
changes.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cross_exchanges",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("return_id", sa.String(36), sa.ForeignKey("cross_returns.id"), nullable=False, unique=True),
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id"), nullable=False, unique=True),
        sa.Column("credit_fen", sa.Integer, nullable=False),
        sa.Column("due_fen", sa.Integer, nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
        sa.Column("credits", sa.Text, nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cross_exchanges")
