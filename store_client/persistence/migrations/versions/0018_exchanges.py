"""Exchanges: a return and a new sale written together (docs/returns.md, "Exchanges").

``exchanges`` links the two (one row per exchange, its request unique: asked twice, done
once); ``return_tenders.credit_fen`` is the part of a tender's share that went to the new
sale as credit rather than back to the customer (0 for every plain return), so the shift's
cash counts only cash that left the drawer.

Revision ID: 0018
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchanges",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("return_id", sa.String(36), sa.ForeignKey("returns.id"), nullable=False, unique=True),
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id"), nullable=False, unique=True),
        sa.Column("credit_fen", sa.Integer, nullable=False),
        sa.Column("due_fen", sa.Integer, nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=False),
    )
    with op.batch_alter_table("return_tenders") as batch:
        batch.add_column(sa.Column("credit_fen", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("return_tenders") as batch:
        batch.drop_column("credit_fen")
    op.drop_table("exchanges")
