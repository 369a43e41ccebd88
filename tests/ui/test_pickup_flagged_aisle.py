"""Pick-up by keys only: a flagged endless-aisle order (its source was short at HQ) is
re-sourced from the warehouse (F11, Enter on the site) and another is cancelled and refunded
(Shift+F11, the reason, Enter: its cash back from the drawer); HQ on 127.0.0.1 accepts both,
once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from store_client.bootstrap import build_services
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screens.pickup_aisle import ResourceDialog
from store_client.ui.screens.pickup_screen import PickupScreen
from store_client.ui.tasks import TaskManager
from sync.hq.demo_data import seed_demo, seed_demo_sites
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.integration.sync.test_aisle_hq import envelope, order_for, sale_with_ordered_line
from tests.ui.conftest import screen_context

MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_demo(service, "S001")
    seed_demo_sites(service)  # W01 holds 2,400 of 100001; S002 none
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


def flag(hq: HQService, seed: int, seq: int) -> str:
    """A sale of this till with 3 x 100001 ordered from S002, which has none: flagged."""
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    sale = sale_with_ordered_line(seed)
    line = sale["lines"][0]
    line.update(sku="100001", qty=3, line_total_minor=3 * line["unit_price_minor"])
    line["net_minor"] = line["line_total_minor"] - line["discount_minor"]
    sale.update(total_minor=sum(x["net_minor"] for x in sale["lines"]), change_minor=0,
                discount_minor=sum(x["discount_minor"] for x in sale["lines"]))
    sale["payments"] = [{"method": "cash", "amount_minor": sale["total_minor"], "reference": None, "points": None}]
    order = order_for(sale)
    results = hq.ingest(who, {"events": [envelope(seq, "sale.completed", sale, 3),
                                         envelope(seq + 1, "aisle.ordered", order)]})
    assert [r["status"] for r in results["results"]] == ["accepted", "accepted"]
    return order["order_id"]


def sync(terminal, hq: HQServer) -> None:  # type: ignore[no-untyped-def]
    with HQClient(hq.url, hq.service.issue_token("S001", "T01"), timeout=10) as client:
        assert Uploader(terminal.db, client).upload_pending().rejected == 0
        Puller(terminal.db, client, datasets=["catalog", "online_orders", "stock_nearby"]).pull_all()


def settle(qtbot, tasks: TaskManager) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def test_flagged_orders_resolved_by_keys(qtbot, terminal, add_operator, tasks, hq) -> None:  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    first = flag(hq.service, 4, 1)
    second = flag(hq.service, 5, 3)
    sync(terminal, hq)
    services = build_services(terminal)
    services.shifts.open_shift(MANAGER, total_fen=10_000)  # the cancelled order was paid in cash: the drawer pays it
    screen = PickupScreen(screen_context(terminal, tasks, MANAGER, "en", services=services).ops.pickup,
                          locale="en", now=terminal.clock.now)
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    assert unnamed_interactive(screen) == []
    assert screen.queue_model.rowCount() == 2
    assert screen.resource_button.isEnabled() and screen.cancel_flagged_button.isEnabled()
    assert not screen.start_button.isEnabled()  # nothing to pick here
    target = screen.current.order_id
    other = second if target == first else first

    QTest.keyClick(screen.queue_table, Qt.Key.Key_F11)  # re-source
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ResourceDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert unnamed_interactive(dialog) == []
    assert dialog.sites.count() == 1 and "W01" not in dialog.sites.item(0).text()  # the warehouse, by name
    QTest.keyClick(dialog.sites, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: "is ordered from" in screen.message.text(), timeout=5_000)
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 1, timeout=5_000)  # off the list

    qtbot.waitUntil(lambda: screen.current is not None and screen.current.order_id == other, timeout=5_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.queue_table, timeout=5_000)  # back on the list
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)  # cancel + refund
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5_000)
    prompt = QApplication.activeModalWidget()
    assert prompt.objectName() == "pickup.cancelFlagged.dialog"
    QTest.keyClicks(prompt.input, "no")  # too short: said in the dialog, nothing sent
    QTest.keyClick(prompt.input, Qt.Key.Key_Return)
    assert QApplication.activeModalWidget() is prompt
    QTest.keyClicks(prompt.input, " stock anywhere, customer agreed")
    QTest.keyClick(prompt.input, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: "in cash from the drawer" in screen.message.text(), timeout=5_000)
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 0, timeout=5_000)

    sync(terminal, hq)  # HQ accepts both (the uploader asserts nothing was rejected)
    orders = OnlineOrders(hq.service)
    assert orders.get(target)["data"]["aisle"]["source_site_id"] == "W01"
    assert orders.get(other)["state"] == "cancelled"
    assert orders.refunds(other) == []  # all of it was paid in cash, back from this till's drawer
