"""End to end at the service layer: scan, weigh, member, coupon, split tender, complete."""

from __future__ import annotations

import json

import pytest
from checkout_seed import (
    APPLE_PER_KG,
    MEMBER,
    MEMBER_PHONE,
    SHAMPOO,
    TOOTHPASTE,
    WATER,
    apple_weight_code,
)
from sqlalchemy import func, select, text

from store_client.domain.money import round_half_up
from store_client.persistence.models import (
    CartRow,
    OutboxEvent,
    PrintJob,
    Sale,
    SaleCoupon,
    SaleDiscount,
    SaleLine,
    SaleTender,
)
from store_client.services.errors import Conflict, InvalidInput
from sync.protocol.events import validate

PAYCODE = "134567890123456789"  # WeChat-style code the simulator pays


def ring_up(shop):  # type: ignore[no-untyped-def]
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    co.scan(c, SHAMPOO)  # the same item again raises the quantity
    co.scan(c, TOOTHPASTE)
    out = co.scan(c, apple_weight_code(750))
    assert out.kind == "product" and out.cart is not None
    return out


def test_full_sale_writes_rows_event_and_receipt(shop):
    co, c = shop.checkout, shop.cashier
    out = ring_up(shop)
    apple = next(line for line in out.cart.lines if line.unit == "kg")
    assert apple.quantity == 750 and apple.gross_fen == round_half_up(APPLE_PER_KG * 750, 1000)
    assert out.line_id == apple.line_id
    member = co.scan(c, MEMBER)
    assert member.kind == "member" and member.cart.member.member_id == MEMBER
    assert member.cart.member.phone_masked == "138****0001"
    view = co.scan(c, "ONLINE-100-20").cart  # typed/scanned online coupon
    coupon = view.coupons[0]
    assert coupon.code == "ONLINE-100-20" and coupon.discount_fen == 2000
    expected_gross = 2 * 5990 + 1250 + apple.gross_fen
    assert view.subtotal_fen == expected_gross
    assert "牙膏9折" in view.promotions_applied
    assert view.total_fen == expected_gross - 125 - 2000 == view.due_fen
    # the coupon is the whole sale's: once in the totals, in no row, until the sale splits it
    assert view.whole_sale_fen == 2000
    assert sum(line.net_fen for line in view.lines) == view.total_fen + 2000

    view = co.add_tender(c, "mobile", 5000, payment_code=PAYCODE)
    assert view.paid_fen == 5000 and view.tenders[0].reference.startswith("wx:SIM")
    cash = view.due_fen + 1000
    view = co.add_tender(c, "cash", cash)
    assert view.change_fen == 1000 and view.due_fen == 0
    done = co.complete(c, cart_id=view.cart_id)

    assert done.receipt_no == "S001-T01-000001" and done.change_fen == 1000
    assert done.total_fen == view.total_fen and done.paid_fen == 5000 + cash
    assert done.points_earned == view.total_fen // 100
    assert done.receipt_no in done.receipt_text and "满100减20" in done.receipt_text
    with shop.terminal.db.read() as s:
        sale = s.get(Sale, done.sale_id)
        assert (sale.member_id, sale.operator_id, sale.terminal_id) == (MEMBER, "c1", "T01")
        lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()
        assert sum(line.net_fen for line in lines) == sale.total_fen == view.total_fen
        for line in lines:  # the per-source allocation adds up to each line's discount
            booked = s.scalar(select(func.coalesce(func.sum(SaleDiscount.amount_fen), 0)).where(
                SaleDiscount.sale_id == sale.id, SaleDiscount.line_no == line.line_no))
            assert booked == line.discount_fen == line.gross_fen - line.net_fen
        coupon_alloc = s.scalar(select(func.sum(SaleDiscount.amount_fen)).where(
            SaleDiscount.sale_id == sale.id, SaleDiscount.source_kind == "coupon"))
        assert coupon_alloc == 2000
        tenders = s.scalars(select(SaleTender).where(SaleTender.sale_id == sale.id)
                            .order_by(SaleTender.seq)).all()
        assert [(t.kind, t.amount_fen) for t in tenders] == [("mobile", 5000), ("cash", cash)]
        used = s.scalars(select(SaleCoupon)).all()
        assert [(u.code, u.single_use, u.discount_fen) for u in used] == [
            ("ONLINE-100-20", True, 2000)]
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "sale.completed")).all()
        assert len(events) == 1 and events[0].event_id == sale.outbox_event_id
        payload = json.loads(events[0].payload)
        normalised = validate("sale.completed", events[0].schema_version, payload)
        assert normalised["sale_id"] == sale.id and normalised["total_minor"] == sale.total_fen
        assert normalised["member_id"] == MEMBER and normalised["change_minor"] == 1000
        assert sorted(p["method"] for p in normalised["payments"]) == ["cash", "wechat"]
        assert events[0].schema_version == 3 and normalised["receipt_no"] == done.receipt_no
        assert normalised["coupons"] == [{"code": "ONLINE-100-20", "discount_minor": 2000,
                                          "single_use": True}]
        by_line = {line["line_no"]: line for line in normalised["lines"]}
        for line in lines:  # the event carries the same allocation as the sale rows
            sent = by_line[line.line_no]
            assert (sent["net_minor"], sent["discount_minor"]) == (line.net_fen, line.discount_fen)
        assert normalised["points_earned"] == done.points_earned
        assert normalised["payments"][0]["reference"].startswith("wx:")
        job = s.get(PrintJob, done.print_job_id)
        assert sale.print_job_id == job.id and job.kind == "sale"
        printed = job.payload.decode("gb18030", errors="replace")
        assert printed.count(done.receipt_no) >= 2  # the text line and the CODE128 data
        assert sale.id in printed  # the e-receipt QR carries the sale's UUID
        assert job.trailer  # cash was taken: the drawer kicks (with the first print only)
        carts = s.scalars(select(CartRow)).all()
        assert len(carts) == 1 and carts[0].id != view.cart_id  # a fresh empty cart
    after = co.current_cart(c)
    assert after.lines == () and after.cart_id != view.cart_id and after.member is None


def test_completing_twice_returns_the_first_sale(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, WATER)
    view = co.add_tender(c, "cash", 200)
    first = co.complete(c, cart_id=view.cart_id)
    again = co.complete(c, cart_id=view.cart_id)
    assert again == first
    # a restarted service finds it in the database
    restarted = shop.reopen().complete(c, cart_id=view.cart_id)
    assert (restarted.sale_id, restarted.receipt_no) == (first.sale_id, first.receipt_no)
    with pytest.raises(InvalidInput):
        co.complete(c)  # the new cart is empty
    with shop.terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1
        assert s.scalar(select(func.count()).select_from(OutboxEvent)
                        .where(OutboxEvent.kind == "sale.completed")) == 1


def test_card_only_sale_does_not_kick_the_drawer_and_numbers_are_gap_free(shop):
    co, c = shop.checkout, shop.cashier
    receipts = []
    for _ in range(3):
        co.scan(c, SHAMPOO)
        co.add_tender(c, "card", 5990, reference="AUTH123456")
        receipts.append(co.complete(c))
    assert [r.receipt_no for r in receipts] == [f"S001-T01-00000{i}" for i in (1, 2, 3)]
    with shop.terminal.db.read() as s:
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert len(jobs) == 3 and all(job.trailer == b"" for job in jobs)


def test_cart_survives_a_restart_and_a_stale_writer_is_refused(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    view = co.attach_member(c, MEMBER_PHONE)
    other = shop.reopen()
    restored = other.current_cart(c)
    assert restored == view
    other.scan(c, WATER)  # the other instance writes version +1
    with pytest.raises(Conflict):
        co.scan(c, WATER)  # the first instance is stale
    assert co.current_cart(c).version == view.version + 1  # reloaded, nothing lost


@pytest.mark.parametrize("damage", [
    "UPDATE cart_lines SET data = json_set(data, '$.quantity', -3)",  # breaks a domain rule
    "UPDATE cart_lines SET data = json_set(data, '$.line_id', 7)",  # a row holding another line
    "UPDATE cart_lines SET data = 'not json'",
    "UPDATE carts SET data = json_set(data, '$.cart.lines', json('[]'))",  # the old format
    "DELETE FROM cart_lines WHERE line_id = 1",  # a lost line row
])
def test_a_damaged_stored_cart_is_set_aside_not_lost(shop, damage):
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    view = co.scan(c, WATER).cart
    with shop.terminal.db.transaction() as s:
        s.execute(text(damage))
    fresh = shop.reopen().current_cart(c)
    assert fresh.cart_id != view.cart_id and fresh.lines == ()
    with shop.terminal.db.read() as s:
        assert s.get(CartRow, view.cart_id).status == "damaged"
        assert s.scalar(text("SELECT count(*) FROM cart_lines WHERE cart_id = :c"),
                        {"c": view.cart_id}) == 2 - damage.startswith("DELETE")


class _WatchingQueue:
    """Checks, when the receipt is queued, that the sale is already committed (seen from
    another connection), then delegates or fails as told."""

    def __init__(self, shop, fail: bool) -> None:  # type: ignore[no-untyped-def]
        self.shop, self.fail, self.seen = shop, fail, []

    def submit(self, kind, document, **kw):  # type: ignore[no-untyped-def]
        import sqlite3
        conn = sqlite3.connect(self.shop.terminal.config.database_path)
        try:
            self.seen.append(conn.execute("SELECT receipt_no FROM sales").fetchall())
        finally:
            conn.close()
        if self.fail:
            raise OSError("printer queue unavailable")
        return self.shop.queue.submit(kind, document, **kw)


@pytest.mark.parametrize("fail", [False, True])
def test_the_receipt_is_queued_only_after_the_commit_and_never_undoes_it(shop, fail):
    watching = _WatchingQueue(shop, fail)
    co = shop.checkout
    co.print_queue = watching
    co.scan(shop.cashier, WATER)
    co.add_tender(shop.cashier, "cash", 1000)
    done = co.complete(shop.cashier)
    assert watching.seen == [[(done.receipt_no,)]]
    assert (done.print_job_id is None) == fail and done.receipt_no in done.receipt_text
    with shop.terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1
        assert s.scalar(select(func.count()).select_from(PrintJob)) == (0 if fail else 1)


def test_a_receipt_that_cannot_be_laid_out_still_reports_the_committed_sale(shop, monkeypatch):
    from store_client.services import sales as sales_module

    def broken(_facts):  # type: ignore[no-untyped-def]
        raise ValueError("template bug")

    monkeypatch.setattr(sales_module, "receipt_document", broken)
    co = shop.checkout
    co.scan(shop.cashier, WATER)
    co.add_tender(shop.cashier, "cash", 1000)
    done = co.complete(shop.cashier)
    assert done.receipt_no and done.print_job_id is None and done.receipt_text == ""
    with shop.terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1
    assert co.current_cart(shop.cashier).lines == ()  # the till moved on to a new sale


def test_a_sale_takes_its_lines_off_this_stores_stock_once(shop):
    from store_client.persistence.models import StockMovement, StockPosition

    co, c = shop.checkout, shop.cashier
    view = ring_up(shop).cart
    view = co.add_tender(c, "cash", view.due_fen)
    done = co.complete(c, cart_id=view.cart_id)
    co.complete(c, cart_id=view.cart_id)  # completing again moves nothing more
    with shop.terminal.db.read() as s:
        moved = {m.sku: m.delta for m in s.scalars(select(StockMovement))}
        assert moved == {"100001": -2, "100002": -1, "PLU01234": -750}  # the apples in grams
        assert all(m.ref == f"sale:{done.sale_id}" and m.reason == "sale" for m in s.scalars(select(StockMovement)))
        assert s.get(StockPosition, "100001").on_hand == -2  # sold before any delivery was booked
        kinds = [e.kind for e in s.scalars(select(OutboxEvent))
                 if not e.kind.startswith(("shift.", "audit."))]  # the shop's shift opening
        assert kinds == ["sale.completed"]  # HQ moves its stock from the sale event itself
