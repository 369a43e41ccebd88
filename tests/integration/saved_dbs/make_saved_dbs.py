"""Write one saved terminal database per earlier schema revision.

Run once when a migration is added (``python tests/integration/saved_dbs/make_saved_dbs.py``);
the files are committed, so later edits to old migration scripts cannot hide an
upgrade that no longer works on a real old file (the Electrum approach).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from store_client.persistence import migrate  # noqa: E402
from store_client.persistence.db import Database  # noqa: E402

# Rows that exist from a revision on: (revision, SQL). Each saved file holds every row whose
# revision is <= its own; the upgrade test checks they all survive to head.
SEED: list[tuple[str, str]] = [
    ("0001", "INSERT INTO categories VALUES ('beauty', '美妆', 'Beauty')"),
    ("0001", "INSERT INTO products (id, sku, name_zh, name_en, category_code, unit, price_minor,"
             " tax_rate_bp, active) VALUES (1, '100001', '氨基酸洗发水 500ml', 'Amino shampoo 500ml',"
             " 'beauty', 'each', 5990, 1300, 1)"),
    ("0001", "INSERT INTO barcodes VALUES ('6901234567892', 1)"),
    ("0001", "INSERT INTO operators (id, name, role, pin_hash, active, failed_attempts) VALUES"
             " ('1001', '王芳', 'cashier', 'scrypt$14$8$1$AAAA$BBBB', 1, 0)"),
    ("0001", "INSERT INTO terminal_settings VALUES ('created_by', 'saved-db')"),
    ("0002", "INSERT INTO outbox (event_id, kind, schema_version, payload, created_at, status,"
             " attempts) VALUES ('00000000-0000-4000-8000-000000000001', 'test.event', 1, '{}',"
             " '2026-01-01T00:00:00+00:00', 'pending', 0)"),
]


def make(revision: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "terminal.sqlite3"
        db = Database(path)
        migrate.upgrade(db.engine, path, revision)
        raw = db.engine.raw_connection()
        try:
            for since, sql in SEED:
                if since <= revision:
                    raw.driver_connection.execute(sql)
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        db.close()
        target.write_bytes(path.read_bytes())


def main() -> None:
    """Write the saved files that are missing; existing ones are history and stay as they are."""
    for revision in migrate.all_revisions()[:-1]:
        target = HERE / f"rev{revision}.db"
        if not target.exists():
            make(revision, target)
            print(target)


if __name__ == "__main__":
    main()
