"""Product name search: pinyin initials and an FTS5 trigram index kept in step by triggers.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEARCH_TRIGGERS = {
    "products_search_ai": (
        "AFTER INSERT ON products BEGIN "
        "INSERT INTO product_search(rowid, sku, name_zh, name_en, pinyin_initials) "
        "VALUES (new.id, new.sku, new.name_zh, new.name_en, new.pinyin_initials); END"
    ),
    "products_search_ad": (
        "AFTER DELETE ON products BEGIN "
        "INSERT INTO product_search(product_search, rowid, sku, name_zh, name_en, pinyin_initials) "
        "VALUES ('delete', old.id, old.sku, old.name_zh, old.name_en, old.pinyin_initials); END"
    ),
    "products_search_au": (
        "AFTER UPDATE OF sku, name_zh, name_en, pinyin_initials ON products BEGIN "
        "INSERT INTO product_search(product_search, rowid, sku, name_zh, name_en, pinyin_initials) "
        "VALUES ('delete', old.id, old.sku, old.name_zh, old.name_en, old.pinyin_initials); "
        "INSERT INTO product_search(rowid, sku, name_zh, name_en, pinyin_initials) "
        "VALUES (new.id, new.sku, new.name_zh, new.name_en, new.pinyin_initials); END"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("pinyin_initials", sa.String(200), nullable=False, server_default=""))
    op.execute(
        "CREATE VIRTUAL TABLE product_search USING fts5("
        "sku, name_zh, name_en, pinyin_initials, "
        "content='products', content_rowid='id', tokenize='trigram')"
    )
    for name, body in SEARCH_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO product_search(product_search) VALUES ('rebuild')")


def downgrade() -> None:
    for name in SEARCH_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE product_search")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("pinyin_initials")
