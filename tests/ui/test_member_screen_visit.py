"""The Members screen in Chinese, by keys only, against the reference HQ on 127.0.0.1: the
member agrees (or not) on the customer display before the associate sees the browsing; a
manager reveals the birthday and the address with a reason; the profile's purchases from
every channel (online orders with their state), the birthday benefit and the nearby stock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from store_client.hardware.customer_display import CustomerDisplay
from store_client.persistence.models import AuditEntry, SyncRow
from sync.hq import member_details
from sync.protocol.datasets import nearby_key
from tests.ui.conftest import screen_context
from tests.ui.test_member_screen import (  # noqa: F401
    ASSOCIATE,
    PHONE,
    cell,
    counter,
    hq,
    make_screen,
    shown,
    type_enter,
)

ADDRESS = "上海市静安区南京西路 1 号"


@pytest.fixture
def chinese():  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


def english_on(screen) -> list[str]:  # type: ignore[no-untyped-def]
    from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

    return [t for w in [screen, *screen.findChildren(type(screen).__mro__[1])]
            if w.isVisible() for t in texts_of(w) if t and ENGLISH_SENTENCE.search(t)]


def confirm_setting(terminal, seconds: int = 60) -> None:  # type: ignore[no-untyped-def]
    with terminal.db.transaction() as s:  # as HQ's `hq members display-confirm S001 on` sends it
        s.merge(SyncRow(dataset="store_settings", key="members",
                        data=json.dumps({"display_confirm": True, "display_confirm_seconds": seconds})))


def actions(terminal, prefix: str) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return [(e.action, json.loads(e.details)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.seq))]


@pytest.mark.serial
def test_the_member_agrees_on_the_display_then_the_browsing_shows(qtbot, terminal, tasks, counter, chinese) -> None:  # type: ignore[no-untyped-def]
    services, codes, member = counter
    confirm_setting(terminal)
    customer_side = CustomerDisplay(None)
    qtbot.addWidget(customer_side)
    customer_side.show()
    screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, locale="zh_CN", display=customer_side)
    type_enter(screen.scan_input, codes.issue(member))
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    assert customer_side.asking and "同意" in customer_side.question.text()
    assert not screen.browsing.isVisible() and screen.browsing_model.rowCount() == 0
    assert screen.browsing_note.text() == "正在等待会员在顾客显示屏上确认…"
    assert not screen.add_button.isEnabled() and english_on(screen) == []
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F4)  # the associate's keys do not answer for the member
    assert customer_side.asking
    QTest.keyClick(customer_side, Qt.Key.Key_Y)  # the member, on the pad facing them
    qtbot.waitUntil(lambda: shown(screen) and screen.browsing_model.rowCount() == 2, timeout=10_000)
    assert screen.browsing.isVisible() and "薯片" in cell(screen, 0, 0)
    assert not customer_side.asking and english_on(screen) == []
    assert [a for a, _d in actions(terminal, "member.browsing")] == ["member.browsing_confirmed"]


@pytest.mark.serial
def test_declined_unanswered_or_no_display_keeps_the_browsing_hidden(qtbot, terminal, tasks, counter, chinese) -> None:  # type: ignore[no-untyped-def]
    services, codes, member = counter
    confirm_setting(terminal, seconds=5)
    customer_side = CustomerDisplay(None)
    qtbot.addWidget(customer_side)
    customer_side.show()
    screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, locale="zh_CN", display=customer_side)

    type_enter(screen.scan_input, PHONE)
    qtbot.waitUntil(lambda: customer_side.asking, timeout=10_000)
    QTest.keyClick(customer_side.no, Qt.Key.Key_Return)  # Enter on the focused 不同意
    qtbot.waitUntil(lambda: "拒绝" in screen.browsing_note.text(), timeout=10_000)
    assert screen.browsing_model.rowCount() == 0 and not screen.browsing.isVisible()

    screen.activateWindow()
    type_enter(screen.scan_input, PHONE)  # asked again; nobody answers within the store's 5 s
    qtbot.waitUntil(lambda: customer_side.asking, timeout=10_000)
    qtbot.waitUntil(lambda: "未在顾客显示屏上应答" in screen.browsing_note.text(), timeout=9_000)
    assert not customer_side.asking and screen.browsing_model.rowCount() == 0

    type_enter(screen.scan_input, PHONE)  # asked again, and the profile closes before the answer
    qtbot.waitUntil(lambda: customer_side.asking, timeout=10_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)
    assert not customer_side.asking
    QTest.keyClick(customer_side, Qt.Key.Key_Y)  # too late: nothing is fetched, nothing shown
    assert screen.profile is None and screen.browsing_model.rowCount() == 0

    blind = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, locale="zh_CN", display=None)
    type_enter(blind.scan_input, PHONE)  # a till without a customer display: nobody can agree
    qtbot.waitUntil(lambda: "没有可应答的顾客显示屏" in blind.browsing_note.text(), timeout=10_000)
    assert blind.browsing_model.rowCount() == 0 and english_on(blind) == []
    assert [d["answer"] for a, d in actions(terminal, "member.browsing")] == ["declined", "timeout", "no_display"]
    assert {a for a, _d in actions(terminal, "member.browsing")} == {"member.browsing_withheld"}


@pytest.mark.serial
def test_a_manager_reveals_birthday_and_address_by_keys_and_without_a_reason_nothing(qtbot, terminal, tasks, counter, hq, chinese) -> None:  # type: ignore[no-untyped-def]
    from store_client.ui.screens.member_screen import create_member_screen

    services, _codes, member = counter
    member_details.set_details(hq.service.engine, member, birthday="1990-05-17", address=ADDRESS)
    manager = services.auth.login("m1", "2468")
    screen = create_member_screen(screen_context(terminal, tasks, manager, "zh_CN", services=services))
    qtbot.addWidget(screen)
    screen.resize(1024, 696)
    screen.show()
    type_enter(screen.scan_input, PHONE)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    assert "地址：上海市****" in screen.personal.text() and "南京西路" not in screen.personal.text()

    def reveal(downs: int, reason: str) -> None:
        screen.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2_000)
        screen.scan_input.setFocus()
        QTest.keyClick(screen.scan_input, Qt.Key.Key_F7)
        qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=2_000)
        for _ in range(downs):
            QTest.keyClick(screen.dialog.list, Qt.Key.Key_Down)
        QTest.keyClick(screen.dialog.list, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.objectName() == "member.reveal.dialog"
                        and screen.dialog.isVisible(), timeout=2_000)
        QTest.keyClicks(screen.dialog.input, reason)
        QTest.keyClick(screen.dialog.input, Qt.Key.Key_Return)

    reveal(2, "")  # the address, without a reason
    qtbot.waitUntil(lambda: "请说明原因" in screen.message.text(), timeout=5_000)
    assert not screen.revealed.isVisible()
    reveal(1, "birthday gift check")  # the birthday
    qtbot.waitUntil(lambda: screen.revealed.isVisible(), timeout=5_000)
    reveal(2, "delivery to arrange")
    qtbot.waitUntil(lambda: "南京西路" in screen.revealed.text(), timeout=5_000)
    assert screen.revealed.text() == f"生日：1990-05-17（已记入审计日志）\n地址：{ADDRESS}（已记入审计日志）"
    assert [(a, d.get("field"), d.get("why")) for a, d in actions(terminal, "member.reve")] == [
        ("member.reveal_refused", "address", "privacy.reason_required"),
        ("member.revealed", "birthday", None), ("member.revealed", "address", None)]
    screen.activateWindow()  # the offscreen platform leaves the closed dialog's window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)
    assert screen.revealed.text() == "" and screen.personal.text() == ""


@pytest.mark.serial
def test_purchases_from_every_channel_the_birthday_and_nearby_stock_in_chinese(qtbot, terminal, tasks, counter, hq, chinese) -> None:  # type: ignore[no-untyped-def]
    import time

    from sync.hq.demo_data import seed_demo
    from sync.hq.orders import OnlineOrders
    from tests.integration.sync.online_returns_world import collected_order

    services, codes, member = counter
    collected = collected_order(hq.service, member, [{"sku": "100001", "qty": 2}], discounts={}, store="S001")
    seed_demo(hq.service, "S002")
    time.sleep(1.1)  # placed a second later: the newer
    waiting = OnlineOrders(hq.service).place("S002", [{"sku": "100001", "qty": 1}], member_id=member,
                                             phone=PHONE, discounts={})
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).month
    terminal.clock.advance(seconds=(datetime.now(UTC) - terminal.clock.now()).total_seconds())
    member_details.set_details(hq.service.engine, member, birthday=f"1991-{month:02d}-09")
    with terminal.db.transaction() as s:  # what HQ sent of the neighbours' stock (docs/stock.md)
        s.add(SyncRow(dataset="stock_nearby", key=nearby_key("200001", "S002"), data=json.dumps({
            "sku": "200001", "site_id": "S002", "name": "人民广场店", "kind": "store", "distance_m": 2800,
            "on_hand": 4, "as_of": "2026-01-01T08:00:00+00:00"}, ensure_ascii=False)))
    screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, locale="zh_CN")
    type_enter(screen.scan_input, codes.issue(member))
    qtbot.waitUntil(lambda: shown(screen), timeout=10_000)
    history = screen.history.text()
    assert f"线上订单 {waiting.order_no}（S002 门店自提，备货中），1 件" in history
    assert f"线上订单 {collected.order_no}（S001 门店自提，已取货），2 件" in history
    assert history.index(waiting.order_no) < history.index(collected.order_no)  # newest first
    assert history.startswith("最近购买：") and "¥" in history
    assert screen.personal.text().startswith("生日月！")
    chips = next(r for r in range(screen.browsing_model.rowCount()) if "薯片" in cell(screen, r, 0))
    stock_here = cell(screen, chips, 3)
    assert stock_here == "人民广场店 有 4 件"  # none here; the neighbour (how far: the tooltip)
    assert cell(screen, chips, 3, Qt.ItemDataRole.ToolTipRole) == "人民广场店（2.8 公里）：4 件"
    assert english_on(screen) == [] and re.search(r"[\u4e00-\u9fff]", history)
