"""A flagged endless-aisle order may be resolved again after HQ refused a resolution, and a
cancel pays the order's cash part out of this till's drawer.

``aisle_resolutions`` gets its own id (one row a resolution, not an order), the outbox event
it was sent with (HQ refusing that event brings the order back on Pick-up), and the cash paid
out of the drawer with the shift it counts in (the shift's expected cash, like a return's
cash refund). Rows written before keep their order id as their id and pay no cash.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_OLD = ("order_id", "outcome", "site_id", "refund_minor", "operator_id", "at")


def upgrade() -> None:
    op.create_table(
        "aisle_resolutions_new",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("site_id", sa.String(24), nullable=True),
        sa.Column("refund_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("cash_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("shift_id", sa.String(36), nullable=True),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("print_job_id", sa.Integer, nullable=True),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    cols = ", ".join(_OLD)
    op.execute(f"INSERT INTO aisle_resolutions_new (id, {cols}) SELECT order_id, {cols} FROM aisle_resolutions")
    op.drop_table("aisle_resolutions")
    op.rename_table("aisle_resolutions_new", "aisle_resolutions")
    op.create_index("ix_aisle_resolutions_order", "aisle_resolutions", ["order_id"])
    op.create_index("ix_aisle_resolutions_shift", "aisle_resolutions", ["shift_id"])


def downgrade() -> None:
    op.drop_index("ix_aisle_resolutions_shift", "aisle_resolutions")
    op.drop_index("ix_aisle_resolutions_order", "aisle_resolutions")
    op.rename_table("aisle_resolutions", "aisle_resolutions_new")
    op.create_table(
        "aisle_resolutions",
        sa.Column("order_id", sa.String(36), primary_key=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("site_id", sa.String(24), nullable=True),
        sa.Column("refund_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    cols = ", ".join(_OLD)  # the latest resolution of each order
    op.execute(f"INSERT OR REPLACE INTO aisle_resolutions ({cols}) SELECT {cols} FROM aisle_resolutions_new "
               "ORDER BY at")
    op.drop_table("aisle_resolutions_new")
