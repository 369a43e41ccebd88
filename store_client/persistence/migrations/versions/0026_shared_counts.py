"""A stock count counted on several tills: which till a plan belongs to; and the flagged
endless-aisle orders this till resolved.

``count_plans.owner_terminal`` is None for a plan made on this till (it reviews and posts
it) and the other till's id for a plan HQ shared with this one (``count_plans`` dataset):
this till counts it, the owner approves the total of every till.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("count_plans") as batch:
        batch.add_column(sa.Column("owner_terminal", sa.String(32), nullable=True))
    # ``aisle_resolutions``: one row an order (re-sourced or cancelled here), written with its
    # event, so the till resolves an order once and leaves it off its pick-up list meanwhile.
    op.create_table(
        "aisle_resolutions",
        sa.Column("order_id", sa.String(36), primary_key=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("site_id", sa.String(24), nullable=True),
        sa.Column("refund_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("aisle_resolutions")
    with op.batch_alter_table("count_plans") as batch:
        batch.drop_column("owner_terminal")
