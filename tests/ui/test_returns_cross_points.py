"""The Returns screen in zh_CN, by keys only, against the reference HQ on 127.0.0.1: a member's
online order paid partly with points and a coupon is found by its number, one line comes back,
and the banner says the points given back, the earned points taken back and the coupon given
back (the coupon's threshold is no longer met by what the customer keeps)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from store_client.ui.app import setup_application, teardown
from tests.integration.sync.online_returns_world import member, open_shift
from tests.integration.sync.points_coupons_world import order_with_points
from tests.ui.test_returns_cross_channel import MANAGER, hq, returns_screen  # noqa: F401 (the fixture)


@pytest.mark.serial
def test_points_and_a_coupon_come_back_and_the_banner_says_so_in_chinese(qtbot, terminal, add_operator, tasks,
                                                                         hq) -> None:  # noqa: F811
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    fan = member(hq.service)
    placed, _coupon = order_with_points(hq.service, fan, coupon_policy="reissue", threshold=1500,
                                        redeemed=300, earned=57)
    runtime = setup_application("zh_CN")  # the till's translations, as the shell installs them
    try:
        check_banner(qtbot, terminal, tasks, hq, placed)
    finally:
        teardown(runtime)


def check_banner(qtbot, terminal, tasks, hq, placed) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    screen = returns_screen(qtbot, terminal, tasks, hq, "zh_CN")
    screen.receipt.setFocus()
    QTest.keyClicks(screen.receipt, placed.order_no)
    QTest.keyClick(screen.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.original is not None, timeout=10_000)
    QTest.keyClick(screen.table, Qt.Key.Key_Down)  # the second line: 2 x 6.50
    QTest.keyClick(screen.table, Qt.Key.Key_Plus)  # one of them
    qtbot.waitUntil(lambda: screen.selection() == ((2, 1),), timeout=2_000)
    QTest.keyClick(screen.table, Qt.Key.Key_F7)
    QTest.keyClick(screen.reason, Qt.Key.Key_Down)
    QTest.keyClick(screen.reason, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: screen.done_banner.isVisible(), timeout=10_000)
    text = screen.done_banner.text()
    assert "退回会员积分" in text and "扣回已得积分" in text and "退回会员优惠券：1 张" in text
    assert not any(word in text for word in ("Points", "Coupon", "points"))
