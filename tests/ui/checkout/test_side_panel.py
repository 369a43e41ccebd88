"""The side panel keeps the totals whole however long the cart: dozens of promotions applied
to a 500-line cart are summed up in three lines (the full list in the tooltip), and the large
total is never squeezed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from store_client.services.checkout_views import CartView
from store_client.ui.checkout.side_panel import PROMOTION_LINES, SidePanel


def cart(promotions: tuple[str, ...], total_fen: int = 10_848_069) -> CartView:
    return CartView(cart_id="c", lines=(), member=None, coupons=(), tenders=(),
                    subtotal_fen=total_fen + 1_232_781, discount_fen=1_232_781,
                    total_fen=total_fen, paid_fen=0, due_fen=total_fen, change_fen=0,
                    points_to_earn=0, promotions_applied=promotions, version=1,
                    whole_sale_fen=200_000)


@pytest.mark.parametrize("count", [1, 3, 25, 60])
def test_the_totals_stay_whole_on_a_short_panel(qtbot, count: int) -> None:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    panel = SidePanel("CNY", "zh_CN", holder)
    layout.addWidget(panel)
    qtbot.addWidget(holder)
    holder.resize(320, 560)  # the panel's height on a 1024x768 till
    holder.show()
    names = tuple(f"品类{n} 满100减10" for n in range(count))
    panel.show_cart(cart(names))
    qtbot.wait(50)
    label = panel.promotions_label
    metrics = label.fontMetrics()
    assert label.height() <= PROMOTION_LINES * metrics.lineSpacing() + 8
    if count >= 25:
        assert "more" in label.text() and label.toolTip().count("满100减10") == count
        shown = label.text().count("满100减10")
        assert 1 <= shown < count and f"{count - shown} more" in label.text()
    else:
        assert label.text().count("满100减10") == count and label.toolTip() == ""
    for figure in (panel.subtotal, panel.discounts, panel.whole_sale, panel.total, panel.points):
        assert figure.height() >= figure.sizeHint().height(), figure.objectName()
        assert figure.visibleRegion().boundingRect().height() >= figure.sizeHint().height()
    assert panel.total.text() == "¥108,480.69"
    # the whole sale's part of the discounts (thresholds, coupons, the sale's discount), which no
    # row's amount includes while the sale is rung up
    assert panel.whole_sale.text() == "-¥2,000.00" and panel.discounts.text() == "-¥12,327.81"
    panel.show_cart(replace(cart(names), whole_sale_fen=0))
    assert panel.whole_sale.text() == "¥0.00"


@pytest.mark.parametrize("balance, pending, shown", [
    (500, 1892, "0"),  # returns took back more than HQ's balance holds: never below zero
    (500, 120, "380"),
    (500, -300, "500"),  # points paid back wait for HQ, as the checkout's rule does
])
def test_the_member_line_shows_what_the_checkout_lets_them_redeem(qtbot, balance, pending,
                                                                  shown) -> None:
    from dataclasses import replace

    from store_client.domain.points import available_points
    from store_client.services.checkout_views import MemberView

    panel = SidePanel("CNY", "en_US", None)
    qtbot.addWidget(panel)
    member = MemberView("M1", "Lin", "138****0000", "gold", balance, pending)
    panel.show_cart(replace(cart(()), member=member))
    assert panel.member_label.text().endswith(f"Points: {shown}")
    assert str(available_points(balance, pending)) == shown == str(member.points_available)


@pytest.mark.parametrize("rule", ["color: #0b2e59; font-size: 20pt; font-weight: bold;",
                                  "background: #ffe08a; color: #222;"])
def test_a_figure_label_paints_what_a_label_with_its_text_paints(qtbot, rule: str) -> None:
    """FigureLabel draws the text itself, and leaves the background to QLabel only when the
    style sheet gives it one: the pixels are a QLabel's either way. (A rule with a border or
    padding moves QLabel's text inside the box; the till's figures have none.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

    from store_client.ui.checkout.figure_label import FigureLabel

    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet(f'QLabel[kind="fig"] {{ {rule} }}')
    plain, figure = QLabel(window), FigureLabel(window)
    layout = QHBoxLayout(window)
    for label in (plain, figure):
        label.setProperty("kind", "fig")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setFixedSize(220, 60)
        label.setText("-¥1,234.50")
        layout.addWidget(label)
    window.show()
    qtbot.waitExposed(window)
    assert plain.grab().toImage() == figure.grab().toImage()


def test_a_figure_label_with_a_bordered_rule_keeps_its_border(qtbot) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QWidget

    from store_client.ui.checkout.figure_label import FigureLabel

    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet('QLabel[kind="fig"] { border: 3px solid #cc0000; }')
    figure = FigureLabel(window)
    figure.setProperty("kind", "fig")
    figure.setFixedSize(200, 50)
    figure.setText("¥1.00")
    window.show()
    qtbot.waitExposed(window)
    image = figure.grab().toImage()
    assert QColor(image.pixel(1, 25)).name() == "#cc0000"


def test_a_coupon_chip_is_kept_while_its_amount_moves_and_rebuilt_when_the_coupons_change(
        qtbot) -> None:
    """An uncapped coupon (满100减20 on every 100) changes its amount at every scan: the chip
    stays the same widget and only its text changes (a new chip each scan, polished and laid
    out, cost more than the scan). Another set of coupons gets new chips; a coupon that gives
    nothing shows why, in the till's language."""
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")  # the zh_CN table: a coupon's problem is translated
    try:
        _chips_follow_the_coupons(qtbot)
    finally:
        teardown(runtime)


def _chips_follow_the_coupons(qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from store_client.services.checkout_views import CouponView

    panel = SidePanel("CNY", "zh_CN", None)
    qtbot.addWidget(panel)
    online = CouponView("ONLINE-100-20", "满100减20", 2000)
    panel.show_cart(replace(cart(()), coupons=(online,)))
    chip = panel.coupon_chips[0]
    assert chip.text() == "满100减20  -¥20.00  ✕" and chip.toolTip() == "ONLINE-100-20"
    assert not panel.no_coupons.isVisibleTo(panel)
    for amount in (4000, 6000, 186_000):
        panel.show_cart(replace(cart(()), coupons=(replace(online, discount_fen=amount),)))
        assert panel.coupon_chips == [chip]
    assert chip.text() == "满100减20  -¥1,860.00  ✕"
    short = replace(online, discount_fen=0, problem="Coupon ONLINE-100-20 needs more.",
                    problem_code="coupon.below_threshold")
    panel.show_cart(replace(cart(()), coupons=(short,)))
    assert panel.coupon_chips == [chip] and "needs" not in chip.text()
    assert chip.text().startswith("满100减20: ") and chip.text().endswith("✕")
    once = CouponView("ONCE-88-8", "单次券 满88减8", 800)
    panel.show_cart(replace(cart(()), coupons=(online, once)))
    assert len(panel.coupon_chips) == 2 and panel.coupon_chips[0] is not chip
    assert [c.objectName() for c in panel.coupon_chips] == ["checkout.coupon0", "checkout.coupon1"]
    with qtbot.waitSignal(panel.remove_coupon) as removed:
        panel.coupon_chips[1].click()
    assert removed.args == ["ONCE-88-8"]
    panel.show_cart(cart(()))
    assert panel.coupon_chips == [] and panel.no_coupons.isVisibleTo(panel)
