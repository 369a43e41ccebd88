"""A count shared by the store's tills on the Stock counts screen, by keys only: the plan's own
till shows and approves the total of every till (F11 reads HQ's figures again; an approval of
figures that changed meanwhile is refused and the review read again), and another till's plan
is counted here but reviewed there."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from sqlalchemy import select

from store_client.persistence.models import CountPlanRow, StockMovement, SyncRow
from sync.protocol.count_events import totals_key
from sync.protocol.datasets import validate_row
from tests.ui.test_stock_count_screen import (ASSOCIATE, JUICE, MANAGER, WATER, counted, create_by_keys, key,  # noqa: F401
                                              make_screen, review_cells, scan, settle, store)


def hq_sends(terminal, dataset: str, key_: str, row: dict) -> None:  # type: ignore[no-untyped-def]
    """A row as the puller keeps it after HQ sent it."""
    validate_row(dataset, key_, row)
    with terminal.db.transaction() as s:
        s.merge(SyncRow(dataset=dataset, key=key_, data=json.dumps(row)))


def other_till_counted(terminal, plan_id: str, sku: str, qty: int, at: str) -> None:  # type: ignore[no-untyped-def]
    hq_sends(terminal, "count_totals", totals_key(plan_id, sku), {
        "plan_id": plan_id, "sku": sku, "round": 0, "counted": qty + 2, "as_of": at,
        "tills": [{"terminal_id": "T01", "counted": 2, "scans": 2, "last_at": at},  # this till's: left out
                  {"terminal_id": "T02", "counted": qty, "scans": 1, "last_at": at}]})


def test_the_plans_own_till_approves_the_total_of_every_till(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Cycle 7", codes=f"{WATER} {JUICE}")
    plan_id = screen.plan.plan_id
    scan(screen, WATER)
    scan(screen, WATER)
    settle(qtbot, tasks)
    assert counted(screen, "D001") == 2 and "other tills" not in screen.tally_label.text()

    other_till_counted(store, plan_id, "D001", 3, screen.plan.snapshot_at.isoformat())
    key(screen.scan_input, Qt.Key.Key_F11)  # read again: T02's three are in
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: counted(screen, "D001") == 5, timeout=5_000)
    assert "other tills' counts included, as of" in screen.tally_label.text()

    key(screen.scan_input, Qt.Key.Key_F5)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    assert review_cells(screen, "D001")[3] == "5"
    assert "counted on every till, other tills as of" in screen.review_summary.text()

    other_till_counted(store, plan_id, "D001", 4, screen.plan.snapshot_at.isoformat())  # T02 counted one more
    key(screen.review_table, Qt.Key.Key_F8)
    settle(qtbot, tasks)
    assert "Other tills' counts arrived since this review was read" in screen.message.text()
    qtbot.waitUntil(lambda: review_cells(screen, "D001")[3] == "6", timeout=5_000)
    with store.db.read() as s:
        assert s.scalar(select(CountPlanRow.state).where(CountPlanRow.plan_id == plan_id)) == "review"
    key(screen.review_table, Qt.Key.Key_F8)  # the figures on screen now are the ones posted
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: "Posted:" in screen.message.text(), timeout=5_000)
    with store.db.read() as s:
        moved = dict(s.execute(select(StockMovement.sku, StockMovement.delta).where(
            StockMovement.ref == f"count:{plan_id}")).all())
    assert moved == {"D001": 6 - 10, "D002": 0 - 5}  # 10 water and 5 juice were on hand


def test_another_tills_plan_is_counted_here_and_reviewed_there(qtbot, make_screen, store, tasks) -> None:
    plan_id = "5d0f3a52-7a8e-4d7e-9a51-3f4c4b0a1c11"
    hq_sends(store, "count_plans", plan_id, {
        "plan_id": plan_id, "terminal_id": "T09", "label": "Back room", "scope": "zone", "blind": True,
        "snapshot_at": "2026-12-01T02:00:00+00:00", "lines": [["D001", 10], ["D002", 5]], "state": "counting"})
    screen = make_screen(MANAGER)
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.plan_id == plan_id, timeout=5_000)
    assert "counted with till T09, reviewed there" in screen.plan_label.text()
    assert not screen.submit_button.isEnabled() and not screen.cancel_button.isEnabled()
    key(screen.plans_table, Qt.Key.Key_F3)
    scan(screen, JUICE)
    settle(qtbot, tasks)
    assert counted(screen, "D002") == 1  # counted here, sent to HQ like any scan
    key(screen.scan_input, Qt.Key.Key_F5)  # not this till's to submit: nothing happens
    settle(qtbot, tasks)
    with store.db.read() as s:
        assert s.scalar(select(CountPlanRow.state).where(CountPlanRow.plan_id == plan_id)) == "counting"

    hq_sends(store, "count_plans", plan_id, {
        "plan_id": plan_id, "terminal_id": "T09", "label": "Back room", "scope": "zone", "blind": True,
        "snapshot_at": "2026-12-01T02:00:00+00:00", "lines": [["D001", 10], ["D002", 5]], "state": "posted"})
    key(screen.scan_input, Qt.Key.Key_F11)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.plans_model.rowCount() == 0, timeout=5_000)  # posted at T09: closed here
