"""Stock: positions and movements with their cause, and stock counts (plans, lines, scans);
sales indexed by completion time for the manager's board.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_positions",
        sa.Column("sku", sa.String(32), primary_key=True),
        sa.Column("on_hand", sa.Integer, nullable=False),
        sa.Column("reserved", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("as_of", sa.String(40), nullable=False),
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("delta", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("ref", sa.String(80), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("uq_stock_movements_ref", "stock_movements", ["ref", "sku", "reason"], unique=True)
    op.create_index("ix_stock_movements_sku_at", "stock_movements", ["sku", "at"])
    op.create_table(
        "count_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("blind", sa.Boolean, nullable=False),
        sa.Column("snapshot_at", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(16), nullable=False),
        sa.Column("recount", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("submitted_at", sa.String(40), nullable=True),
        sa.Column("approved_by", sa.String(16), nullable=True),
        sa.Column("second_approver", sa.String(16), nullable=True),
        sa.Column("posted_at", sa.String(40), nullable=True),
    )
    op.create_table(
        "count_plan_lines",
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("count_plans.plan_id"), primary_key=True),
        sa.Column("sku", sa.String(32), primary_key=True),
        sa.Column("snapshot_qty", sa.Integer, nullable=False),
    )
    op.create_table(
        "count_scans",
        sa.Column("scan_id", sa.String(64), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("count_plans.plan_id"), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.Column("counter_id", sa.String(16), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("round", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    op.create_index("ix_count_scans_plan_sku", "count_scans", ["plan_id", "sku", "round"])
    op.create_index("ix_sales_completed", "sales", ["completed_at"])


def downgrade() -> None:
    op.drop_index("ix_sales_completed", table_name="sales")
    for name in ("count_scans", "count_plan_lines", "count_plans", "stock_movements", "stock_positions"):
        op.drop_table(name)
