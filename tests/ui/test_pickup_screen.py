"""The Pick-up screen by keyboard only, on a real terminal database synced with the reference
HQ on 127.0.0.1: a new order is announced, picked by scans, made ready, handed over by its
QR (scan + Enter) and by the code with the phone's last 4 digits; a wrong code is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from store_client.bootstrap import build_services
from store_client.clock import FakeClock
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screens.pickup_queue import DUE_SOON
from store_client.ui.screens.pickup_screen import PickupScreen
from store_client.ui.tasks import TaskManager
from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.ui.conftest import screen_context

WATER, CHIPS, PHONE = "6901234567892", "6901234567922", "13812345678"
CASHIER = Actor("c1", "王芳", Role.CASHIER)


@pytest.fixture
def clock() -> FakeClock:
    """The till's clock starts now: HQ promises from its own (real) time."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_demo(service, "S001")
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


def settle(qtbot, tasks: TaskManager) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def type_enter(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def syncer(terminal, hq: HQServer):  # type: ignore[no-untyped-def]
    """One sync pass of this till with HQ: what it sent, then what pick-up needs."""
    token = hq.service.issue_token("S001", "T01")

    def sync() -> None:
        with HQClient(hq.url, token, timeout=10) as client:
            Uploader(terminal.db, client).upload_pending()
            Puller(terminal.db, client,
                   datasets=["catalog", "prices", "online_orders", "store_settings"]).pull_all()

    return sync


def cell(screen, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return screen.queue_model.index(row, column).data(role)


@pytest.mark.serial  # waits on live timers (countdown, banner, sync): nothing else may compete
def test_the_whole_flow_by_keyboard(qtbot, terminal, add_operator, tasks, hq) -> None:
    add_operator("c1", "cashier", "1357", name="王芳")
    sync = syncer(terminal, hq)

    orders = OnlineOrders(hq.service, code_log2_n=10)
    first = orders.place("S001", [{"sku": "100001", "qty": 2}, {"sku": "200001", "qty": 1}],
                         phone=PHONE, member_name="王芳")
    sync()
    services = build_services(terminal)
    clock = terminal.clock
    screen = PickupScreen(screen_context(terminal, tasks, CASHIER, "en", services=services).ops.pickup,
                          locale="en", now=clock.now)
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    assert unnamed_interactive(screen) == []
    assert screen.queue_model.rowCount() == 1 and not screen.banner.isVisible()
    left = cell(screen, 0, 4)
    assert left.count(":") == 1  # a countdown, mm:ss

    second = orders.place("S001", [{"sku": "100001", "qty": 1}], phone=PHONE, member_name="李娜")
    sync()
    qtbot.waitUntil(lambda: screen.banner.isVisible(), timeout=5_000)
    assert second.order_no in screen.banner.text()

    # pick the first order: F2, three scans, F5
    assert screen.current.order_id == first.order_id
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: screen.current.state == "picking", timeout=5_000)
    for code in (WATER, WATER, CHIPS):
        type_enter(qtbot, screen.scan_input, code)
        settle(qtbot, tasks)
    type_enter(qtbot, screen.scan_input, "6901234567939")  # chocolate: not on the order
    settle(qtbot, tasks)
    assert "is not on this order" in screen.message.text()
    assert [line.picked for line in screen.current.lines] == [2, 1]
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: screen.current.state == "ready", timeout=5_000)

    # hand over by the QR: the scan, then Enter
    type_enter(qtbot, screen.scan_input, first.qr)
    qtbot.waitUntil(lambda: screen.proof is not None, timeout=5_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_Return)
    # the queue's next read may already show the next order: the message is what stays
    qtbot.waitUntil(lambda: f"{first.order_no} handed over" in screen.message.text(), timeout=5_000)
    sync()
    assert orders.get(first.order_id)["state"] == "collected"

    # the second order: picked by keyboard, then the code with the phone's last 4
    clock.advance(minutes=50)  # its promise is 10 minutes away: due soon

    def second_row() -> int:
        return next(r for r in range(screen.queue_model.rowCount())
                    if cell(screen, r, 0) == second.order_no)

    qtbot.waitUntil(lambda: cell(screen, second_row(), 0, Qt.ItemDataRole.BackgroundRole) == DUE_SOON,
                    timeout=5_000)  # the next second's read marks it
    assert "due within 15 minutes" in screen.banner.text() and second.order_no in screen.banner.text()
    row = second_row()
    screen.queue_table.setFocus()
    QTest.keyClick(screen.queue_table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        QTest.keyClick(screen.queue_table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: screen.current.order_id == second.order_id, timeout=5_000)
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: screen.current.state == "picking", timeout=5_000)
    type_enter(qtbot, screen.scan_input, WATER)
    settle(qtbot, tasks)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: screen.current.state == "ready", timeout=5_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)
    assert screen.code_input.hasFocus()
    wrong = "000000" if second.code != "000000" else "111111"
    QTest.keyClicks(screen.code_input, wrong)
    QTest.keyClick(screen.code_input, Qt.Key.Key_Tab)
    type_enter(qtbot, screen.phone_input, PHONE[-4:])
    settle(qtbot, tasks)
    assert screen.message.text() == "The code and phone digits do not match an order ready here."
    assert screen.proof is None
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)
    QTest.keyClicks(screen.code_input, second.code)
    QTest.keyClick(screen.code_input, Qt.Key.Key_Tab)
    type_enter(qtbot, screen.phone_input, PHONE[-4:])
    qtbot.waitUntil(lambda: screen.proof is not None, timeout=5_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"{second.order_no} handed over" in screen.message.text(), timeout=5_000)
    sync()
    assert orders.get(second.order_id)["state"] == "collected"
    screen.refresh()
    settle(qtbot, tasks)
    assert screen.queue_model.rowCount() == 0

    # a hand-over HQ refuses afterwards (cancelled online meanwhile) is shown for the manager
    third = orders.place("S001", [{"sku": "100001", "qty": 1}], phone=PHONE, member_name="张伟")
    sync()
    pickup = services.pickup
    pickup.start_picking(CASHIER, third.order_id)
    pickup.scan_pick(CASHIER, third.order_id, WATER)
    pickup.mark_ready(CASHIER, third.order_id)
    pickup.hand_over(CASHIER, third.order_id, qr=third.qr)
    orders.cancel(third.order_id)
    sync()
    qtbot.waitUntil(lambda: screen.conflicts.isVisible(), timeout=10_000)
    assert third.order_no in screen.conflicts.text()
    assert "cancelled online" in screen.conflicts.text()


@pytest.mark.serial  # live timers, like the flow above
def test_a_typed_quantity_a_substitute_and_a_line_given_back_by_keyboard(
        qtbot, terminal, add_operator, tasks, hq) -> None:
    add_operator("c1", "cashier", "1357", name="王芳")
    sync = syncer(terminal, hq)

    orders = OnlineOrders(hq.service, code_log2_n=10)
    placed = orders.place("S001", [{"sku": "100001", "qty": 12}, {"sku": "200001", "qty": 1}],
                          phone=PHONE, member_name="王芳", allow_substitution=True)
    sync()
    screen = PickupScreen(screen_context(terminal, tasks, CASHIER, "en",
                                         services=build_services(terminal)).ops.pickup,
                          locale="en", now=terminal.clock.now)
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    assert not screen.substitute_button.isEnabled()  # not picking yet
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: screen.current.state == "picking", timeout=5_000)
    assert screen.substitute_button.isEnabled()  # this customer allowed substitutes

    # twelve bottles without twelve scans: F8, 12, Enter
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5_000)
    QTest.keyClicks(screen.dialog.input, "13")  # one more than ordered: refused, nothing counted
    QTest.keyClick(screen.dialog.input, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    assert screen.current.lines[0].picked == 0 and screen.message.text()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5_000)
    QTest.keyClicks(screen.dialog.input, "12")
    QTest.keyClick(screen.dialog.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.current.lines[0].picked == 12, timeout=5_000)

    # the crisps are out: the chocolate instead (F9, scanned into the dialog)
    screen.lines_table.setFocus()
    QTest.keyClick(screen.lines_table, Qt.Key.Key_Down)
    QTest.keyClick(screen.lines_table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5_000)
    screen.handle_scan("6901234567939")  # what the wedge filter does with a scanner burst
    qtbot.waitUntil(lambda: screen.current.lines[1].substitute_sku is not None, timeout=5_000)
    assert "substitute" in screen.lines_table.item(1, 3).text()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: screen.current.state == "ready", timeout=5_000)

    # at the counter the customer gives 2 bottles back: QR, F10 (2, not wanted), Enter, Enter
    assert not screen.refuse_button.isEnabled()
    type_enter(qtbot, screen.scan_input, placed.qr)
    qtbot.waitUntil(lambda: screen.proof is not None, timeout=5_000)
    screen.lines_table.setFocus()
    QTest.keyClick(screen.lines_table, Qt.Key.Key_Up)
    QTest.keyClick(screen.lines_table, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5_000)
    dialog = screen.dialog
    assert dialog.quantity.value() == 12  # at most what was picked
    QTest.keyClick(dialog.quantity, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(dialog.quantity, "2")
    QTest.keyClick(dialog.quantity, Qt.Key.Key_Tab)
    QTest.keyClick(dialog.reason, Qt.Key.Key_Down)  # damaged -> no longer wanted
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.refused == {1: (2, "not_wanted")}, timeout=5_000)
    assert "given back 2" in screen.lines_table.item(0, 3).text()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"{placed.order_no} handed over" in screen.message.text(), timeout=5_000)
    sync()
    order = orders.get(placed.order_id)
    assert order["state"] == "partially_collected"
    assert order["refunded_minor"] > 0 and orders.refunds(placed.order_id)


class _Idle:
    """Operations that never answer: the test feeds the screen's reads itself."""

    def __getattr__(self, _name: str):  # type: ignore[no-untyped-def]
        return lambda **_k: type("Op", (), {"run": lambda *_a, **_k: None})()


def test_a_banner_names_three_orders_then_how_many_more(qtbot) -> None:
    from datetime import timedelta

    from store_client.services.pickup_views import QueueItem

    screen = PickupScreen(_Idle(), locale="en")  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    screen.timer.stop()
    later = datetime.now(UTC) + timedelta(hours=1)
    orders = [QueueItem(order_id=f"o{n}", order_no=f"W{n:06d}", state="accepted", member_name="李娜",
                        promised_at=later, lines=1, picked_lines=0, due_soon=False, overdue=False)
              for n in range(5)]
    screen._show_queue([])  # the first read: nothing is new yet
    screen._show_queue(orders)
    assert screen.banner.text() == "New online order: W000000, W000001, W000002 and 2 more"
    screen._show_queue(orders + [QueueItem(order_id="o9", order_no="W000009", state="accepted",
                                           member_name="", promised_at=later, lines=1,
                                           picked_lines=0, due_soon=False, overdue=False)])
    assert screen.banner.text() == "New online order: W000009"


class _CountingReads:
    """Pick-up operations whose reads are counted and never answer (the test feeds them)."""

    def __init__(self) -> None:
        self.reads = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        def op(**_k):  # type: ignore[no-untyped-def]
            if name == "queue":
                self.reads += 1
            return type("Op", (), {"run": lambda *_a, **_k: None})()
        return op


def test_behind_another_screen_the_queue_is_read_when_told_and_what_is_due_still_counts(
        qtbot) -> None:
    """A cashier selling: the hidden Pick-up screen does not read every open order each second
    (on a busy till that read held up scans); an announced change is read at once, the rest
    every HIDDEN_READ_S s, and an order falling due in between still reaches the status bar."""
    from datetime import timedelta

    from store_client.services.pickup_views import QueueItem
    from store_client.ui.operations import ChangeHub, Changes
    from store_client.ui.operations.pulled import changes_of
    from store_client.ui.screens.pickup_reading import HIDDEN_READ_S

    hub, ops = ChangeHub(), _CountingReads()
    now = [datetime.now(UTC)]
    screen = PickupScreen(ops, locale="en", now=lambda: now[0], hub=hub)  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    screen.timer.stop()
    heard: list[str] = []
    screen.attention.connect(heard.append)
    assert not screen.isVisible() and ops.reads == 1  # the first read, when built
    promise = now[0] + timedelta(minutes=16)
    screen._show_queue([QueueItem(order_id="o1", order_no="W000001", state="accepted",
                                  member_name="", promised_at=promise, lines=1, picked_lines=0,
                                  due_soon=False, overdue=False)])
    assert heard == [] and not screen.banner.isVisible()  # 16 minutes: not due yet
    for _ in range(HIDDEN_READ_S - 1):
        screen._tick()
    assert ops.reads == 1
    now[0] += timedelta(minutes=2)  # 14 minutes to the promise: due soon, with no read
    screen._tick()
    assert ops.reads == 2  # HIDDEN_READ_S seconds since the last read: read again
    screen._busy = False  # (the fake read never answers)
    screen._tick()
    assert ops.reads == 2 and heard[-1] == "Pick-up: 1 due or late"
    assert "W000001" in screen.banner.text()
    hub.announce(Changes(sync=True))  # nothing the queue shows
    assert ops.reads == 2
    hub.announce(changes_of({"online_orders"}))  # orders pulled from HQ
    assert ops.reads == 3
    screen._busy = False
    screen.show()  # in front: read every second
    qtbot.waitExposed(screen)
    screen._busy = False
    screen._tick()
    assert ops.reads == 4
