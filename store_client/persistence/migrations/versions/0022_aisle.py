"""Endless aisle: a cart's ordered lines and the orders a sale paid for (services/aisle.py).

Revision ID: 0022
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aisle_cart_lines",
        sa.Column("cart_id", sa.String(36), sa.ForeignKey("carts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.Column("site_id", sa.String(24), nullable=False),
        sa.Column("site_name", sa.String(200), nullable=False),
        sa.Column("site_kind", sa.String(16), nullable=False),
        sa.Column("available", sa.Integer, nullable=False),
        sa.Column("as_of", sa.String(40), nullable=True),
        sa.Column("stale", sa.Boolean, nullable=False),
        sa.Column("fulfilment", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(11), nullable=False),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("promised_at", sa.String(40), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "aisle_orders",
        sa.Column("order_id", sa.String(36), primary_key=True),
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id"), nullable=False, index=True),
        sa.Column("receipt_no", sa.String(80), nullable=False),
        sa.Column("line_nos", sa.Text, nullable=False),
        sa.Column("site_id", sa.String(24), nullable=False),
        sa.Column("site_name", sa.String(200), nullable=False),
        sa.Column("site_kind", sa.String(16), nullable=False),
        sa.Column("fulfilment", sa.String(16), nullable=False),
        sa.Column("promised_at", sa.String(40), nullable=False),
        sa.Column("pickup_code", sa.String(6), nullable=True),
        sa.Column("offline", sa.Boolean, nullable=False),
        sa.Column("outbox_event_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("aisle_orders")
    op.drop_table("aisle_cart_lines")
