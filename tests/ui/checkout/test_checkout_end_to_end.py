"""Issue 3's end-to-end test through the real UI and the real checkout backend.

Three items scanned by injected wedge bursts (one weighed, by an in-store
weight barcode), a member attached and an online coupon redeemed by scanning,
then cash + mobile through the tender dialog; checks the sale row, its outbox
event and the receipt bytes in the print queue.
"""

from __future__ import annotations

import json

from checkout_helpers import burst, column, open_checkout, refocus
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.domain.barcodes import gs1_check_digit
from store_client.domain.catalog import plu_from_sku
from store_client.domain.money import Money, round_half_up
from store_client.persistence.models import (
    OutboxEvent,
    PrintJob,
    Product,
    Sale,
    SaleTender,
    SyncRow,
)
from store_client.services import members
from store_client.services.checkout import CheckoutService
from store_client.services.payments import SimulatorAdapter

MEMBER = "M0000000001"
COUPON = "WELCOME5OFF"
PAYCODE = "134567890123456789"  # the simulator pays codes starting 13


def seed_member_and_coupon(db) -> None:  # type: ignore[no-untyped-def]
    coupon = {"code": COUPON, "title": "立减5元", "amount_off_fen": 500, "single_use": True}
    with db.transaction() as s:
        members.remember(s, member_id=MEMBER, masked_phone=members.mask_phone("13800000001"), tier="gold",
                         points=500, as_of=None, phone="13800000001", card_no="8800000001",
                         seen_at="2026-01-01T00:00:00+00:00")
        s.merge(SyncRow(dataset="coupons", key=COUPON, data=json.dumps(coupon)))


def weight_code(plu: int, grams: int) -> str:
    body = f"21{plu:05d}{grams:05d}"
    return body + str(gs1_check_digit(body))


def real_checkout(queues: list[PrintQueue]):  # type: ignore[no-untyped-def]
    """The real backend with a print queue (its worker never started: jobs stay in the table)."""

    def make(shell):  # type: ignore[no-untyped-def]
        terminal, services = shell.terminal, shell.window.services
        seed_member_and_coupon(terminal.db)
        queue = PrintQueue(terminal.db, lambda: None, terminal.clock, profile=PrinterProfile("TM-T88V"))
        queues.append(queue)
        return CheckoutService(terminal.db, terminal.clock, services.audit, services.authorizer,
                               services.catalog, config=terminal.config, print_queue=queue,
                               payments=SimulatorAdapter(online=True))

    return make


def shop_items(shell):  # type: ignore[no-untyped-def]
    """Two items sold by the piece (their barcodes and prices) and one weighed item (PLU, price/kg)."""
    with shell.terminal.db.read() as s:
        each = s.scalars(select(Product).where(Product.unit == "each", Product.active.is_(True))
                         .order_by(Product.id).limit(2)).all()
        apple = s.scalars(select(Product).where(Product.unit == "kg", Product.active.is_(True))
                          .order_by(Product.id).limit(1)).one()
        codes = [shell.window.services.catalog.by_code(p.sku).barcodes[0] for p in each]
        return codes, [p.price_minor for p in each], plu_from_sku(apple.sku), apple.price_minor


def test_scan_weigh_member_coupon_split_tender_complete(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    db = shell.terminal.db
    codes, prices, plu, apple_price = shop_items(shell)
    assert plu is not None

    for code in (codes[0], weight_code(plu, 523), codes[1]):
        burst(code)
        shell.settle()
    assert screen.model.rowCount() == 3, screen.message.text()
    assert column(screen, "quantity") == ["1", "0.523 kg", "1"]
    assert screen.table.selectionModel().selectedRows()[0].row() == 2
    gross = prices[0] + prices[1] + round_half_up(apple_price * 523, 1000)

    burst(MEMBER)
    shell.settle()
    shown = screen.side.member_label.text()  # the till keeps no names: the member's number and masked phone
    assert MEMBER in shown and "138****0001" in shown and screen.side.member_remove.isVisible()
    burst(COUPON)
    shell.settle()
    assert len(screen.side.coupon_chips) == 1 and "立减5元" in screen.side.coupon_chips[0].text()
    cart = screen.cart
    assert cart.subtotal_fen == gross and cart.discount_fen >= 500
    assert screen.side.total.text() == Money(cart.total_fen).format("en")
    # the coupon is the whole sale's: once in the totals, in no row, until the sale splits it
    assert cart.whole_sale_fen >= 500 and screen.side.whole_sale.text() == "-" + Money(
        cart.whole_sale_fen).format("en")
    assert sum(line.net_fen for line in cart.lines) - cart.whole_sale_fen == cart.total_fen

    qtbot.keyClick(screen.entry, Qt.Key.Key_F11)
    shell.settle()
    dialog = screen.dialog
    assert dialog is not None and dialog.objectName() == "checkout.tender.dialog"
    assert dialog.mobile_available
    total = cart.total_fen
    mobile = total // 2
    dialog.tabs.setCurrentIndex(2)
    dialog.mobile_amount.setText(f"{mobile // 100}.{mobile % 100:02d}")
    dialog.activateWindow()
    dialog.mobile_code.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.mobile_code, timeout=3000)
    burst(PAYCODE)  # the customer's payment code, scanned into the dialog, never into the cart
    shell.settle()
    assert screen.cart.paid_fen == mobile and screen.cart.due_fen == total - mobile
    assert screen.router.ignored == []
    due = total - mobile
    cash = -(-due // 1000) * 1000 + 1000  # next ten yuan, plus a ten
    dialog.tabs.setCurrentIndex(0)
    dialog.cash_amount.setText(f"{cash // 100}")
    qtbot.keyClick(dialog.cash_amount, Qt.Key.Key_Return)
    shell.settle()
    shell.settle()

    sale = screen.last_sale
    assert sale is not None and sale.change_fen == cash - due
    assert screen.done_banner.isVisible()
    assert Money(cash - due).format("en") in screen.done_banner.text()
    assert sale.receipt_no in screen.done_banner.text()
    assert screen.model.rowCount() == 0 and screen.dialog is None
    with db.read() as s:
        row = s.get(Sale, sale.sale_id)
        assert (row.total_fen, row.member_id, row.change_fen) == (total, MEMBER, cash - due)
        tenders = s.scalars(select(SaleTender).where(SaleTender.sale_id == row.id)
                            .order_by(SaleTender.seq)).all()
        assert [(t.kind, t.amount_fen) for t in tenders] == [("mobile", mobile), ("cash", cash)]
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "sale.completed")).one()
        assert event.event_id == row.outbox_event_id
        assert json.loads(event.payload)["sale_id"] == row.id
        job = s.get(PrintJob, sale.print_job_id)
        assert sale.receipt_no.encode("gb18030") in job.payload
        assert "立减5元".encode("gb18030") in job.payload  # the coupon is on the receipt
        assert sale.receipt_text and "立减5元" in sale.receipt_text
        assert job.trailer  # cash taken: the drawer opens with the receipt

    refocus(shell, screen, qtbot)  # the next scan starts a new sale and clears the banner
    burst(codes[0])
    shell.settle()
    assert screen.model.rowCount() == 1 and not screen.done_banner.isVisible()
