"""Migration 0017: returned lines get a disposition (what the till did with them before) and
a reason of their own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store_client.bootstrap import open_terminal
from store_client.persistence import migrate
from store_client.persistence.db import Database
from tests.conftest import make_config


def _insert(conn: sqlite3.Connection, table: str, values: dict) -> None:
    """A row with ``values`` and a placeholder in every other NOT NULL column."""
    row = dict(values)
    for _cid, name, kind, notnull, default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        if name not in row and notnull and default is None:
            row[name] = 0 if "INT" in kind.upper() or "BOOL" in kind.upper() else "x"
    conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def test_lines_of_a_damaged_goods_return_become_damaged_and_the_others_restock(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    db = Database(config.database_path)
    migrate.upgrade(db.engine, config.database_path, "0016")
    db.close()
    conn = sqlite3.connect(config.database_path)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        for n, reason in ((1, "damaged"), (2, "changed_mind")):
            _insert(conn, "returns", {"id": f"ret-{n}", "request_id": f"req-{n}", "return_no": f"R{n}",
                                      "return_seq": n, "reason_code": reason})
            for line_no in (1, 2):
                _insert(conn, "return_lines", {"return_id": f"ret-{n}", "line_no": line_no, "quantity": 1,
                                               "refund_fen": 100})
    conn.close()

    open_terminal(config).close()

    conn = sqlite3.connect(config.database_path)
    try:
        rows = conn.execute("SELECT return_id, line_no, disposition, reason_code FROM return_lines "
                            "ORDER BY return_id, line_no").fetchall()
    finally:
        conn.close()
    assert rows == [("ret-1", 1, "damaged", None), ("ret-1", 2, "damaged", None),
                    ("ret-2", 1, "restock", None), ("ret-2", 2, "restock", None)]
