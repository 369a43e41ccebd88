"""Checkout: persisted carts (active and parked), sales with lines, per-source discount
allocation, tenders and coupons, and the per-terminal gap-free receipt counter.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),  # active | parked
        sa.Column("operator_id", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_carts_status_updated", "carts", ["status", "updated_at"])
    op.create_table(
        "receipt_counters",
        sa.Column("terminal_id", sa.String(32), primary_key=True),
        sa.Column("last_no", sa.Integer, nullable=False),
    )
    op.create_table(
        "sales",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("receipt_no", sa.String(80), nullable=False, unique=True),
        sa.Column("receipt_seq", sa.Integer, nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("member_id", sa.String(32), nullable=True),
        sa.Column("cart_id", sa.String(36), nullable=False, unique=True),
        sa.Column("cart_version", sa.Integer, nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("subtotal_fen", sa.Integer, nullable=False),
        sa.Column("discount_fen", sa.Integer, nullable=False),
        sa.Column("total_fen", sa.Integer, nullable=False),
        sa.Column("paid_fen", sa.Integer, nullable=False),
        sa.Column("change_fen", sa.Integer, nullable=False),
        sa.Column("vat_fen", sa.Integer, nullable=False),
        sa.Column("points_earned", sa.Integer, nullable=False),
        sa.Column("points_redeemed", sa.Integer, nullable=False),
        sa.Column("outbox_event_id", sa.String(36), nullable=False),
        sa.Column("print_job_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_sales_member_completed", "sales", ["member_id", "completed_at"])
    op.create_index("ix_sales_terminal_seq", "sales", ["terminal_id", "receipt_seq"], unique=True)
    op.create_table(
        "sale_lines",
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_fen", sa.Integer, nullable=False),
        sa.Column("gross_fen", sa.Integer, nullable=False),
        sa.Column("discount_fen", sa.Integer, nullable=False),
        sa.Column("net_fen", sa.Integer, nullable=False),
        sa.Column("tax_rate_bp", sa.Integer, nullable=False),
        sa.Column("vat_fen", sa.Integer, nullable=False),
        sa.Column("overridden", sa.Boolean, nullable=False),
    )
    op.create_table(
        "sale_discounts",
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
    )
    op.create_table(
        "sale_tenders",
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("points", sa.Integer, nullable=True),
    )
    op.create_table(
        "sale_coupons",
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(32), nullable=True),
        sa.Column("single_use", sa.Boolean, nullable=False),
        sa.Column("discount_fen", sa.Integer, nullable=False),
        sa.Column("used_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_sale_coupons_code", "sale_coupons", ["code"])


def downgrade() -> None:
    op.drop_index("ix_sale_coupons_code", "sale_coupons")
    for table in ("sale_coupons", "sale_tenders", "sale_discounts", "sale_lines"):
        op.drop_table(table)
    op.drop_index("ix_sales_terminal_seq", "sales")
    op.drop_index("ix_sales_member_completed", "sales")
    op.drop_table("sales")
    op.drop_table("receipt_counters")
    op.drop_index("ix_carts_status_updated", "carts")
    op.drop_table("carts")
