"""Migration 0013: sales and returns get their shift's id from the ranges the shifts kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store_client.bootstrap import open_terminal
from store_client.persistence import migrate
from store_client.persistence.db import Database
from tests.conftest import make_config

T = "2026-01-01T00:00:00+00:00"


def _sale(seq: int, terminal: str = "T01") -> tuple:
    return (f"sale-{terminal}-{seq}", f"S001-{terminal}-{seq:06d}", seq, "S001", terminal, "c1",
            None, f"cart-{terminal}-{seq}", 1, T, 100, 0, 100, 100, 0, 0, 0, 0, "e", None)


def _return(n: int, sale_seq: int) -> tuple:
    return (f"ret-{n}", f"req-{n}", f"S001-T01-R{n:06d}", n, f"sale-T01-{sale_seq}",
            f"S001-T01-{sale_seq:06d}", "S001", "T01", "c1", None, None, "changed_mind", "", T,
            100, 0, 0, "e", None, "completed")


def test_the_upgrade_places_each_sale_and_return_in_its_shift(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    db = Database(config.database_path)
    migrate.upgrade(db.engine, config.database_path, "0010")
    db.close()
    conn = sqlite3.connect(config.database_path)
    with conn:
        shift = ("INSERT INTO shifts (id, shift_no, shift_seq, store_id, terminal_id, status, "
                 "opened_by, opened_at, opening_float_fen, opening_count, receipt_seq_from, "
                 "audit_seq_from, receipt_seq_to, audit_seq_to) VALUES "
                 "(?, ?, ?, 'S001', ?, ?, 'm1', ?, 0, '{}', ?, ?, ?, ?)")
        # Sale 1 before any shift; 2-3 in the closed shift A; 4-5 in the open shift B.
        conn.execute(shift, ("A", "S001-T01-S00001", 1, "T01", "open", T, 1, 10, None, None))
        conn.execute("UPDATE shifts SET status = 'closed', receipt_seq_to = 3, audit_seq_to = 20")
        conn.execute(shift, ("B", "S001-T01-S00002", 2, "T01", "open", T, 3, 20, None, None))
        conn.execute(shift, ("C", "S001-T02-S00001", 1, "T02", "open", T, 0, 0, None, None))
        conn.executemany("INSERT INTO sales VALUES (" + ",".join("?" * 20) + ")",
                         [_sale(n) for n in range(1, 6)] + [_sale(1, "T02")])
        conn.executemany("INSERT INTO returns VALUES (" + ",".join("?" * 20) + ")",
                         [_return(1, 2), _return(2, 3), _return(3, 4)])
        audit = "INSERT INTO audit_log VALUES (?, ?, 'c1', ?, ?, '{}', 'p', 'h')"
        conn.executemany(audit, [(5, T, "return.completed", "ret-1"),  # before A: no shift
                                 (15, T, "return.completed", "ret-2"),  # in A
                                 (25, T, "sale.voided", "ret-3"),  # not a return's entry
                                 (26, T, "return.completed", "ret-3")])  # in B
    conn.close()

    open_terminal(config).close()

    conn = sqlite3.connect(config.database_path)
    try:
        sales = dict(conn.execute("SELECT id, shift_id FROM sales").fetchall())
        returns = dict(conn.execute("SELECT id, shift_id FROM returns").fetchall())
    finally:
        conn.close()
    assert sales == {"sale-T01-1": None, "sale-T01-2": "A", "sale-T01-3": "A",
                     "sale-T01-4": "B", "sale-T01-5": "B", "sale-T02-1": "C"}
    assert returns == {"ret-1": None, "ret-2": "A", "ret-3": "B"}
