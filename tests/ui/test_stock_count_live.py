"""The Stock counts screen keeps itself current when a pull brings other tills' counts or plans
(``Changes.stock_counts``), with no key pressed: the counter's typing, focus and picked plan
stay, a burst of announcements makes one read plus one, a hidden screen reads only when shown,
a plan closed at another till refuses scans at once, and new totals under a manager's review
come with a notice (zh_CN) and hold Approve a moment."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from store_client.persistence.models import CountPlanRow, StockMovement
from store_client.ui.operations import Changes
from store_client.ui.screens import stock_count_live
from tests.ui.test_stock_count_screen import (MANAGER, JUICE, WATER, counted, create_by_keys, key,  # noqa: F401
                                              make_screen, review_cells, scan, scan_events, settle, store, zh)
from tests.ui.test_stock_count_shared import hq_sends, other_till_counted

COUNTS = Changes(stock_counts=True)
SHARED = "5d0f3a52-7a8e-4d7e-9a51-3f4c4b0a1c11"


def count_reads(screen):  # type: ignore[no-untyped-def]
    """Wrap the screen's ``live`` op: how many refresh reads ran on the database thread."""
    ran: list[str | None] = []
    original = screen.ops.live

    def live(*, plan_id, review):  # type: ignore[no-untyped-def]
        op = original(plan_id=plan_id, review=review)
        work = op.work

        def counted_work(grant):  # type: ignore[no-untyped-def]
            ran.append(plan_id)
            return work(grant)

        return replace(op, work=counted_work)

    screen.ops.live = live
    return ran


def shared_plan(state: str) -> dict:
    return {"plan_id": SHARED, "terminal_id": "T09", "label": "Back room", "scope": "zone", "blind": True,
            "snapshot_at": "2026-12-01T02:00:00+00:00", "lines": [["D001", 10], ["D002", 5]], "state": state}


def test_new_totals_show_without_a_key_and_leave_typing_focus_and_pick_alone(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Aisle 1", codes=f"{JUICE}")
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Aisle 2", codes=f"{WATER} {JUICE}")
    plan_id = screen.plan.plan_id
    scan(screen, WATER)
    scan(screen, WATER)
    settle(qtbot, tasks)
    assert counted(screen, "D001") == 2
    QTest.keyClicks(screen.scan_input, "69010")  # the counter is typing a code
    assert QApplication.focusWidget() is screen.scan_input
    reads = count_reads(screen)

    other_till_counted(store, plan_id, "D001", 3, screen.plan.snapshot_at.isoformat())
    screen.live.hub.announce(Changes(sync=True, audit=True))  # not the counts: nothing read
    settle(qtbot, tasks)
    assert reads == [] and counted(screen, "D001") == 2
    for _ in range(6):  # a burst of pulls
        screen.live.hub.announce(COUNTS)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: counted(screen, "D001") == 5, timeout=5_000)
    settle(qtbot, tasks)
    assert reads == [plan_id, plan_id]  # one in flight, one queued behind it: never six
    assert screen.live.reads == 2
    assert "other tills' counts included, as of" in screen.tally_label.text()
    assert screen.scan_input.text() == "69010" and QApplication.focusWidget() is screen.scan_input
    assert screen.plan.plan_id == plan_id
    picked = screen.plans_table.selectionModel().selectedRows()
    assert [screen.plans_model.plan(i.row()).plan_id for i in picked] == [plan_id]
    assert screen.tally_model.last == "D001"  # the last scan keeps its highlight

    other_till_counted(store, plan_id, "D002", 4, screen.plan.snapshot_at.isoformat())
    announcer = threading.Thread(target=screen.live.hub.announce_from_thread, args=(COUNTS,))
    announcer.start()  # as the sync runner's thread announces
    announcer.join()
    qtbot.waitUntil(lambda: counted(screen, "D002") == 4, timeout=5_000)
    key(screen.scan_input, Qt.Key.Key_Return)  # the code typed meanwhile still counts, once
    settle(qtbot, tasks)
    assert scan_events(store) == 2  # "69010" is no product: refused, nothing counted
    QTest.keyClicks(screen.scan_input, WATER)
    key(screen.scan_input, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: counted(screen, "D001") == 6, timeout=5_000)


def test_a_hidden_screen_reads_when_shown_again(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Aisle 1", codes=f"{WATER}")
    plan_id = screen.plan.plan_id
    reads = count_reads(screen)
    screen.hide()
    other_till_counted(store, plan_id, "D001", 7, screen.plan.snapshot_at.isoformat())
    for _ in range(3):
        screen.live.hub.announce(COUNTS)
    settle(qtbot, tasks)
    assert reads == [] and counted(screen, "D001") is None and screen.live.behind
    screen.show()
    qtbot.waitUntil(lambda: counted(screen, "D001") == 7, timeout=5_000)
    settle(qtbot, tasks)
    assert reads == [plan_id] and not screen.live.behind
    screen.hide()
    screen.show()  # nothing new meanwhile: no read
    settle(qtbot, tasks)
    assert reads == [plan_id]


def test_a_plan_shared_then_cancelled_at_its_till_shows_at_once_and_refuses_scans(qtbot, make_screen, store,
                                                                                  tasks) -> None:
    screen = make_screen(MANAGER)
    assert screen.plan is None and screen.plans_model.rowCount() == 0
    hq_sends(store, "count_plans", SHARED, shared_plan("counting"))
    screen.live.hub.announce(COUNTS)
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.plan_id == SHARED, timeout=5_000)
    key(screen.plans_table, Qt.Key.Key_F3)
    scan(screen, JUICE)
    settle(qtbot, tasks)
    assert counted(screen, "D002") == 1
    QTest.keyClicks(screen.scan_input, "690")

    hq_sends(store, "count_plans", SHARED, shared_plan("cancelled"))
    screen.live.hub.announce(COUNTS)
    qtbot.waitUntil(lambda: screen.plan.state == "cancelled", timeout=5_000)
    assert "was closed at another till (cancelled): it takes no more scans" in screen.message.text()
    assert "Back room" in screen.plan_label.text() and "cancelled" in screen.plan_label.text()
    assert not screen.scan_input.isEnabled() and not screen.count_button.isEnabled()
    assert QApplication.focusWidget() is screen.plans_table  # Up / Down picks another count
    assert screen.plans_model.rowCount() == 0
    events = scan_events(store)
    screen.handle_scan(JUICE)  # the scanner's burst reaches the screen wherever the focus is
    settle(qtbot, tasks)
    assert "This count no longer takes scans" in screen.message.text()
    assert scan_events(store) == events and counted(screen, "D002") == 1
    with store.db.read() as s:
        assert s.scalar(select(CountPlanRow.state).where(CountPlanRow.plan_id == SHARED)) == "cancelled"


def test_new_totals_under_the_review_come_with_a_notice_and_hold_approve(qtbot, zh, make_screen, store, tasks,
                                                                          monkeypatch) -> None:
    monkeypatch.setattr(stock_count_live, "SETTLE_MS", 600)
    screen = make_screen(MANAGER, locale="zh_CN")
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="盘点一", codes=f"{WATER} {JUICE}")
    plan_id = screen.plan.plan_id
    scan(screen, WATER)
    settle(qtbot, tasks)
    key(screen.scan_input, Qt.Key.Key_F5)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    key(screen.review_table, Qt.Key.Key_Down)  # the manager looks at the juice line
    assert screen.review_model.line(screen.review_table.selectionModel().selectedRows()[0].row()).sku == "D002"
    seen = screen.review_sheet.fingerprint

    other_till_counted(store, plan_id, "D001", 3, screen.plan.snapshot_at.isoformat())
    screen.live.hub.announce(COUNTS)
    qtbot.waitUntil(lambda: review_cells(screen, "D001")[3] == "4", timeout=5_000)
    assert screen.message.text().startswith("其他收银台的计数已更新")
    assert screen.review_sheet.fingerprint != seen
    assert not screen.post_button.isEnabled()  # a moment to see the new figures first
    assert QApplication.focusWidget() is screen.review_table
    assert screen.review_model.line(screen.review_table.selectionModel().selectedRows()[0].row()).sku == "D002"
    key(screen.review_table, Qt.Key.Key_F8)  # too soon: nothing happens
    settle(qtbot, tasks)
    with store.db.read() as s:
        assert s.scalar(select(CountPlanRow.state).where(CountPlanRow.plan_id == plan_id)) == "review"
    qtbot.waitUntil(screen.post_button.isEnabled, timeout=5_000)

    screen.live.hub.announce(COUNTS)  # nothing new: no notice again, no hold
    settle(qtbot, tasks)
    assert screen.post_button.isEnabled()
    key(screen.review_table, Qt.Key.Key_F8)  # approves the figures on screen, which are HQ's latest
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.plan is None, timeout=5_000)
    with store.db.read() as s:
        moved = dict(s.execute(select(StockMovement.sku, StockMovement.delta).where(
            StockMovement.ref == f"count:{plan_id}")).all())
    assert moved == {"D001": 4 - 10, "D002": 0 - 5}


@pytest.mark.parametrize(("state", "manager", "reads"), [
    ("counting", True, "sheet"), ("recount", True, "sheet"), ("review", True, "review"), ("review", False, None)])
def test_the_live_read_follows_the_plans_state_and_the_role(state, manager, reads, qtbot, make_screen, store,
                                                             tasks) -> None:
    """A counting plan's tally (never expected figures), a review only for a manager."""
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Aisle 1", codes=f"{WATER}")
    if state == "review":
        scan(screen, WATER)
        settle(qtbot, tasks)
        key(screen.scan_input, Qt.Key.Key_F5)
        settle(qtbot, tasks)
        qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.state == "review", timeout=5_000)
    elif state == "recount":
        with store.db.transaction() as s:
            row = s.get(CountPlanRow, screen.plan.plan_id)
            row.state, row.recount = state, '[["D001"]]'
    results = []
    screen.ops.live(plan_id=screen.plan.plan_id, review=manager).run(screen, success=results.append)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: bool(results), timeout=5_000)
    view = results[0]
    assert [p.state for p in view.plans] == [state]
    assert (view.sheet is not None, view.review is not None) == (reads == "sheet", reads == "review")
    if view.sheet is not None:
        assert view.sheet.plan.state == state


def test_the_hub_announces_a_sources_event_only_when_it_maps_to_a_flag(qtbot) -> None:
    """``listen`` with a function of the event, as the sync runner's pulls are heard: a pull of
    prices says nothing, one of count totals says ``stock_counts``, from the runner's thread."""
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.pulled import changes_of

    hub, heard, listeners = ChangeHub(), [], []
    hub.changed.connect(lambda changes, initiator: heard.append((changes, initiator)))
    source = object()
    hub.listen(source, listeners.append, changes_of)
    hub.listen(source, listeners.append, changes_of)  # once per source
    assert len(listeners) == 1
    for datasets in (frozenset({"prices"}), frozenset({"count_totals", "stock_levels"})):
        worker = threading.Thread(target=listeners[0], args=(datasets,))
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: bool(heard), timeout=5_000)
    qtbot.wait(50)
    assert heard == [(COUNTS, None)]
