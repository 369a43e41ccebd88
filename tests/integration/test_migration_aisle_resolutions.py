"""Migration 0027: ``aisle_resolutions`` becomes one row a resolution (its own id, its event,
the cash it paid out and the shift that counts it); rows written before keep every field,
pay no cash, and still take their order off the Pick-up list."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store_client.persistence import migrate
from store_client.persistence.db import Database
from store_client.services import aisle_state
from tests.conftest import make_config

ORDER = "5d0f3a52-7a8e-4d7e-9a51-3f4c4b0a1c11"


def test_old_resolutions_survive_the_upgrade_and_still_stand(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    db = Database(config.database_path)
    migrate.upgrade(db.engine, config.database_path, "0026")
    db.close()
    conn = sqlite3.connect(config.database_path)
    with conn:
        conn.execute("INSERT INTO aisle_resolutions VALUES (?, 'cancelled', NULL, 1234, 'm1', "
                     "'2026-12-01T03:00:00+00:00')", (ORDER,))
    conn.close()
    db = Database(config.database_path)
    try:
        migrate.upgrade(db.engine, config.database_path, migrate.head_revision())
        with db.read() as s:
            assert aisle_state.standing(s) == {ORDER}  # no event known: it stands
            assert aisle_state.refusals(s) == {}
            assert aisle_state.cash_paid(s, ORDER) == 0
    finally:
        db.close()
    conn = sqlite3.connect(config.database_path)
    try:
        assert conn.execute("SELECT id, order_id, outcome, refund_minor, cash_minor, shift_id, event_id "
                            "FROM aisle_resolutions").fetchall() == [
            (ORDER, ORDER, "cancelled", 1234, 0, None, None)]
    finally:
        conn.close()
