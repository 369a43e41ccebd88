"""The member cache learns which key made each phone digest, and the birthday's month.

A digest used to be under this till's own key; now HQ issues one key for the chain, with a
version (``store_settings`` row ``member_digest``), so a member's digest matches at every
store. ``digest_version`` is the version of the chain key a row's digest is under; 0 is this
till's own key, which every row written before now used: they stay readable (the till keeps
its own key and tries it after the chain's) and are re-keyed when the member is found again.
``birthday_month`` (basic grade) lets the profile show the birthday benefit offline.

Revision ID: 0021
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member_cache") as batch:
        batch.add_column(sa.Column("digest_version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("birthday_month", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member_cache") as batch:
        batch.drop_column("birthday_month")
        batch.drop_column("digest_version")
