"""Cart lines in rows of their own, and an index of the Chinese names' characters.

Cart lines: a scan appends one small row instead of rewriting the cart. ``carts.data``
keeps the header (member, coupons, cart discount, tenders); each line is a row of
``cart_lines``. Carts stored whole before this revision are split here; a row whose
JSON is unreadable is left as it is (the checkout sets it aside as damaged when it loads).

``product_grams`` (see persistence/search_grams.py): one- and two-character Chinese
text is searched through an index instead of a scan; built here for the existing catalog.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from store_client.persistence import search_grams

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_SPLITTABLE = "json_valid(data) AND json_type(data, '$.cart.lines') = 'array'"


def upgrade() -> None:
    op.create_table(
        "cart_lines",
        sa.Column("cart_id", sa.String(36), sa.ForeignKey("carts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("line_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO cart_lines (cart_id, line_id, data) "
        "SELECT c.id, json_extract(j.value, '$.line_id'), j.value "
        f"FROM carts c, json_each(c.data, '$.cart.lines') j WHERE {_SPLITTABLE.replace('data', 'c.data')}")
    op.execute("UPDATE carts SET data = json_set(json_remove(data, '$.cart.lines'), "
               "'$.line_count', json_array_length(data, '$.cart.lines')) "
               f"WHERE {_SPLITTABLE}")

    search_grams.register(op.get_bind().connection.driver_connection)
    op.execute(search_grams.CREATE_TABLE)
    op.execute(search_grams.INDEX_ALL)
    for name, body in search_grams.GRAM_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in search_grams.GRAM_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE product_grams")
    op.execute(
        "UPDATE carts SET data = json_set(data, '$.cart.lines', json(("
        "SELECT coalesce(json_group_array(json(l.data)), '[]') FROM "
        "(SELECT data FROM cart_lines WHERE cart_id = carts.id ORDER BY line_id) l))) "
        "WHERE json_valid(data)")
    op.execute("UPDATE carts SET data = json_remove(data, '$.line_count') WHERE json_valid(data)")
    op.drop_table("cart_lines")
