"""kill -9 a till process at random moments, again and again: after every restart the
cart is intact or its sale complete (never both), no sale is duplicated or half-written,
receipt numbers have no gap and every sale has exactly one outbox event."""

from __future__ import annotations

import pytest

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from checkout_seed import fingerprint, seed

from store_client.domain.cart import CartLimits
from store_client.persistence.models import CartRow
from store_client.services import cart_store

CHILD = Path(__file__).with_name("checkout_kill_child.py")
KILLS = 20
BUDGET_S = 55.0


def start(data_dir: Path, n: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), str(data_dir), str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def check(db: Path, reports: list[list[str]]) -> int:
    conn = sqlite3.connect(db)
    try:
        sales = conn.execute("SELECT id, cart_id, receipt_seq, receipt_no, total_fen, change_fen,"
                             " outbox_event_id FROM sales ORDER BY receipt_seq").fetchall()
        seqs = [row[2] for row in sales]
        assert seqs == list(range(1, len(sales) + 1)), "receipt numbers have a gap"
        counter = conn.execute("SELECT last_no FROM receipt_counters").fetchall()
        assert counter == ([(len(sales),)] if sales else [] or counter)
        events = conn.execute("SELECT event_id, payload FROM outbox WHERE kind = 'sale.completed'"
                              ).fetchall()
        assert len(events) == len(sales), "outbox events != sales"
        by_event = {eid: json.loads(p) for eid, p in events}
        sale_carts = set()
        for sale_id, cart_id, _seq, receipt_no, total, change, event_id in sales:
            assert cart_id not in sale_carts, "one cart became two sales"
            sale_carts.add(cart_id)
            assert by_event[event_id]["sale_id"] == sale_id
            assert by_event[event_id]["receipt_no"] == receipt_no
            net = conn.execute("SELECT sum(net_fen), count(*) FROM sale_lines WHERE sale_id = ?",
                               (sale_id,)).fetchone()
            paid = conn.execute("SELECT sum(amount_fen) FROM sale_tenders WHERE sale_id = ?",
                                (sale_id,)).fetchone()[0]
            assert net[1] > 0 and net[0] == total and paid - change == total
        carts = conn.execute("SELECT id, status, version, data, note, created_at FROM carts"
                             ).fetchall()
        active = [c for c in carts if c[1] == "active"]
        assert len(active) <= 1 and len(carts) == len(active)
        stored = None
        for cart_id, _st, version, data, note, created in active:
            assert cart_id not in sale_carts, "a cart is both open and sold"
            row = CartRow(id=cart_id, status="active", data=data, version=version, note=note,
                          created_at=created)
            lines = conn.execute("SELECT line_id, data FROM cart_lines WHERE cart_id = ? "
                                 "ORDER BY line_id", (cart_id,)).fetchall()
            state = cart_store.loads(row, CartLimits(), lines)  # passes every domain rule
            assert len(state.cart.lines) == len(lines)
            stored = (cart_id, version, fingerprint(
                (str(ln.line_id), ln.product.sku, ln.quantity) for ln in state.cart.active_lines))
        for fields in reports:  # what the child saw committed is on disk
            if fields[0] == "S":
                assert fields[1] in sale_carts
            elif fields[0] in ("V", "READY") and fields[1] not in sale_carts:
                assert active and active[0][0] == fields[1], "a committed cart was lost"
                assert int(fields[2]) <= active[0][2]
        last = next((f for f in reversed(reports) if f[0] in ("V", "READY")), None)
        if last is not None and last[1] not in sale_carts:
            assert active[0][2] in (int(last[2]), int(last[2]) + 1)
            if last[0] == "V" and stored[1] == int(last[2]):  # the last change the till saw
                assert stored[2] == last[3], "the recovered cart is not the one on screen"
        return len(sales)
    finally:
        conn.close()


@pytest.mark.serial  # kills within a time budget: nothing else may compete
def test_kill_the_till_again_and_again(terminal, add_operator, tmp_path):
    add_operator("c1", "cashier", "1357")
    with terminal.db.transaction() as s:
        seed(s)
    data_dir, db = terminal.config.data_dir, terminal.config.database_path
    terminal.close()  # the children own the terminal now (the fixture's close is harmless)
    rnd = random.Random(20261122)
    started = time.monotonic()
    sales_seen = 0
    for n in range(KILLS):
        assert time.monotonic() - started < BUDGET_S, f"only {n} kills within the budget"
        child = start(data_dir, n)
        try:
            ready = child.stdout.readline()
            assert ready.startswith("READY"), child.stderr.read() if child.poll() else ready
            time.sleep(rnd.uniform(0.01, 0.25))
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            out, err = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, err
        whole = out if out.endswith("\n") else out.rpartition("\n")[0]  # drop a line cut by the kill
        reports = [ready.split()] + [line.split() for line in whole.splitlines() if line.strip()]
        count = check(db, reports)
        assert count >= sales_seen
        sales_seen = count
    print(f"{sales_seen} sales over {KILLS} kills")
    assert sales_seen > 0, "no sale was ever completed: the test proved nothing"
