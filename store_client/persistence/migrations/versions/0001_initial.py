"""Catalog, operators, append-only audit log, approvals, terminal settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terminal_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "categories",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(64), nullable=False),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(32), nullable=False, unique=True),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("category_code", sa.String(32), sa.ForeignKey("categories.code"), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("price_minor", sa.Integer, nullable=False),
        sa.Column("tax_rate_bp", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.CheckConstraint("unit IN ('each', 'kg')", name="ck_products_unit"),
        sa.CheckConstraint("price_minor >= 0", name="ck_products_price"),
        sa.CheckConstraint("tax_rate_bp BETWEEN 0 AND 10000", name="ck_products_tax"),
    )
    op.create_table(
        "barcodes",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column(
            "product_id", sa.Integer, sa.ForeignKey("products.id", ondelete="CASCADE"), nullable=False
        ),
    )
    op.create_index("ix_barcodes_product_id", "barcodes", ["product_id"])
    op.create_table(
        "operators",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.String(40), nullable=True),
        sa.CheckConstraint(
            "role IN ('cashier', 'associate', 'manager', 'it_admin')", name="ck_operators_role"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(128), nullable=False, server_default=""),
        sa.Column("details", sa.Text, nullable=False, server_default="{}"),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    # Append-only at the database level too: the application never edits history.
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(16), sa.ForeignKey("operators.id"), nullable=False),
        sa.Column("approved_by", sa.String(16), sa.ForeignKey("operators.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False, server_default="{}"),
    )


def downgrade() -> None:
    for table in ("approvals", "audit_log", "operators", "barcodes", "products", "categories",
                  "terminal_settings"):
        op.drop_table(table)
