"""A cross-store return can wait for a wallet, and it remembers the member's points and coupons.

``status``: ``completed`` (every existing row), or ``paying`` while a store sale's mobile part
is refunded through the payment adapter (recorded before the wallet is paid; ``pending``
holds the event and the payment asks until it completes), or ``cancelled`` when the provider
declined. ``points_back`` / ``points_taken`` / ``coupons``: what HQ gave back and took back
of the member's points, and what became of the online order's coupons (shown on the screen
and the slip, and again for a repeated request).

Revision ID: 0020
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cross_returns") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="completed"))
        batch.add_column(sa.Column("pending", sa.Text(), nullable=True))
        batch.add_column(sa.Column("points_back", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("points_taken", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("coupons", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cross_returns") as batch:
        for name in ("coupons", "points_taken", "points_back", "pending", "status"):
            batch.drop_column(name)
