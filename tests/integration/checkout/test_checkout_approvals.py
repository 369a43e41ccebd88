"""Manager approvals above the cashier's rights, audited refusals, park/resume, points."""

from __future__ import annotations

import json

import pytest
from checkout_seed import COOKER, MEMBER, SHAMPOO, WATER
from sqlalchemy import select

from store_client.persistence.models import AuditEntry
from store_client.services.errors import ApprovalRequired, Conflict, NotFound, PermissionDenied


def audit_rows(shop, action):  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [(row.operator_id, row.target, json.loads(row.details)) for row in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_price_override_needs_a_grant_and_is_audited(shop):
    co, c = shop.checkout, shop.cashier
    line = co.scan(c, SHAMPOO).line_id
    with pytest.raises(ApprovalRequired):
        co.override_price(c, line, 4990, "price tag differs")
    assert audit_rows(shop, "permission.approval_required")[-1][1] == "price.override"
    assert co.current_cart(c).lines[0].unit_price_fen == 5990
    grant = shop.grant("price.override")
    view = co.override_price(c, line, 4990, "price tag differs", grant=grant)
    assert view.lines[0].overridden and view.total_fen == 4990
    (who, _target, details), = audit_rows(shop, "sale.price_override")
    assert who == "c1" and details["approved_by"] == "m1"
    assert (details["old_unit_price_fen"], details["new_unit_price_fen"]) == (5990, 4990)
    with pytest.raises(ApprovalRequired):  # a grant is single use
        co.override_price(c, line, 3990, "again", grant=grant)


def test_manual_discounts_line_and_cart(shop):
    co, c = shop.checkout, shop.cashier
    line = co.scan(c, SHAMPOO).line_id
    co.scan(c, WATER)
    with pytest.raises(ApprovalRequired):
        co.discount_cart(c, 500, None, "loyal customer")
    view = co.discount_line(c, line, None, 1000, "dented", grant=shop.grant("discount.manual"))
    assert view.lines[0].discount_fen == 599 and view.total_fen == 5990 + 200 - 599
    view = co.discount_cart(c, 100, None, "loyal customer",
                            grant=shop.grant("discount.manual"))
    assert view.total_fen == 5990 + 200 - 599 - 100
    # the sale's discount is held off the rows (shown once, in the totals) until completion
    assert view.whole_sale_fen == 100 and view.lines[0].discount_fen == 599
    assert sum(line.net_fen for line in view.lines) - view.whole_sale_fen == view.total_fen
    assert len(audit_rows(shop, "sale.discount_line")) == len(
        audit_rows(shop, "sale.discount_cart")) == 1


def test_void_transaction_needs_approval_and_leaves_a_fresh_cart(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, COOKER)
    before = co.current_cart(c)
    with pytest.raises(ApprovalRequired):
        co.void_cart(c, "customer left")
    assert co.current_cart(c) == before
    view = co.void_cart(c, "customer left", grant=shop.grant("sale.void_transaction"))
    assert view.lines == () and view.cart_id != before.cart_id
    (_who, target, details), = audit_rows(shop, "sale.voided")
    assert target == before.cart_id and details["total_fen"] == 49900


def test_a_void_refused_for_a_card_payment_leaves_the_managers_approval_for_the_retry(shop):
    from store_client.persistence.models import Approval

    co, c = shop.checkout, shop.cashier
    co.scan(c, WATER)
    view = co.add_tender(c, "card", 100, reference="AUTH01")
    grant = shop.grant("sale.void_transaction")
    with pytest.raises(Conflict) as refused:  # the card must be refunded first
        co.void_cart(c, "customer left", grant=grant)
    assert refused.value.code == "cart.refund_payments_first"
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is None  # not burnt by the refusal
    co.remove_tender(c, view.tenders[0].tender_id)
    assert co.void_cart(c, "customer left", grant=grant).lines == ()  # the same approval, once
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is not None
    co.scan(c, WATER)
    with pytest.raises(ApprovalRequired):  # used up
        co.void_cart(c, "customer left", grant=grant)


def test_a_price_override_refused_in_its_transaction_leaves_the_managers_approval_for_the_retry(shop):
    """The approval is used up in the change's own transaction: a change refused there (the
    payments taken meanwhile, a price the rules refuse) does not burn it."""
    from store_client.persistence.models import Approval
    from store_client.services.errors import InvalidInput

    co, c = shop.checkout, shop.cashier
    line = co.scan(c, SHAMPOO).line_id
    view = co.add_tender(c, "cash", 100)
    grant = shop.grant("price.override")
    with pytest.raises(Conflict) as refused:  # a payment is on the sale: refused in the transaction
        co.override_price(c, line, 4990, "price tag differs", grant=grant)
    assert refused.value.code == "cart.payments_taken"
    co.remove_tender(c, view.tenders[0].tender_id)
    with pytest.raises(InvalidInput):  # no line 99: refused by the cart's own rules
        co.override_price(c, "99", 4990, "price tag differs", grant=grant)
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is None  # not burnt by either refusal
    assert co.override_price(c, line, 4990, "price tag differs", grant=grant).lines[0].unit_price_fen == 4990
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is not None
    with pytest.raises(ApprovalRequired):  # used up: once
        co.override_price(c, line, 3990, "again", grant=grant)


def test_an_it_admin_may_not_sell(shop, add_operator):
    from store_client.domain.roles import Role
    from store_client.services.auth import Actor
    add_operator("it1", "it_admin", "9753")
    with pytest.raises(PermissionDenied):
        shop.checkout.scan(Actor("it1", "IT", Role.IT_ADMIN), SHAMPOO)
    assert audit_rows(shop, "permission.denied")[-1][1] == "sale.ring"


def test_park_and_resume_survive_a_restart(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    parked_view = co.attach_member(c, MEMBER)
    fresh = co.suspend(c, "客人去取钱包")
    assert fresh.lines == () and fresh.cart_id != parked_view.cart_id
    co.scan(c, WATER)
    with pytest.raises(Conflict):
        co.resume(c, parked_view.cart_id)  # the current sale is not empty
    co.add_tender(c, "cash", 200)
    co.complete(c)
    other = shop.reopen()  # a restart
    (parked,) = other.parked_carts()
    assert (parked.parked_id, parked.note, parked.lines) == (parked_view.cart_id, "客人去取钱包", 1)
    assert parked.total_fen == parked_view.total_fen
    with pytest.raises(NotFound):
        other.resume(c, "no-such-parked-sale")
    view = other.resume(c, parked.parked_id)
    assert view.cart_id == parked_view.cart_id and view.member.member_id == MEMBER
    assert [line.sku for line in view.lines] == ["100001"] and other.parked_carts() == []


def test_pending_redemptions_cap_the_next_sale(shop):
    co, c = shop.checkout, shop.cashier  # the member has 5000 points = 50.00 CNY
    co.scan(c, COOKER)
    co.attach_member(c, MEMBER)
    view = co.add_tender(c, "points", 4000)
    co.add_tender(c, "cash", view.due_fen)
    done = co.complete(c)
    assert done.points_earned == (49900 - 4000) // 100
    co.scan(c, COOKER)
    view = co.attach_member(c, MEMBER)
    assert view.member.pending_redemption_points == 4000
    with pytest.raises(Exception, match="at most 1000"):
        co.add_tender(c, "points", 1001)
    assert co.add_tender(c, "points", 1000).paid_fen == 1000


@pytest.mark.parametrize("as_of, pending", [
    ("2026-01-01T16:30:00+08:00", 4000),  # 08:30 UTC: HQ's balance predates the 09:00 sale
    ("2026-01-01T17:30:00+08:00", 0),  # 09:30 UTC: HQ's balance already includes it
    ("not a time", 4000),  # unreadable: the cautious side
])
def test_pending_redemptions_follow_hq_balance_time(shop, as_of, pending):
    from store_client.persistence.models import MemberCache
    co, c = shop.checkout, shop.cashier
    co.scan(c, COOKER)
    co.attach_member(c, MEMBER)
    view = co.add_tender(c, "points", 4000)
    co.add_tender(c, "cash", view.due_fen)
    co.complete(c)
    with shop.terminal.db.transaction() as s:
        s.get(MemberCache, MEMBER).balance_as_of = as_of
    co.scan(c, WATER)
    assert co.attach_member(c, MEMBER).member.pending_redemption_points == pending


def test_a_configured_cashier_discount_limit_needs_no_approval_below_it(shop):
    co, c = shop.checkout, shop.cashier
    co.discount_limit_bp = 500  # checkout.cashier_discount_limit_bp = 500 (5 %)
    line = co.scan(c, SHAMPOO).line_id  # 59.90
    view = co.discount_line(c, line, 299, None, "scratched")  # 4.99 % of the net
    assert view.total_fen == 5990 - 299
    with pytest.raises(ApprovalRequired):
        co.discount_line(c, line, 300, None, "scratched")  # 5.01 %
    with pytest.raises(ApprovalRequired):
        co.discount_cart(c, None, 501, "regular")
    assert co.discount_cart(c, None, 500, "regular").total_fen == 5691 - 285
    assert len(audit_rows(shop, "sale.discount_line")) == 1  # audited even without approval


def _cart_row(shop):  # type: ignore[no-untyped-def]
    from store_client.persistence.models import CartRow
    with shop.terminal.db.read() as s:
        from store_client.services.cart_store import line_rows
        return [(r.id, r.version, r.data, line_rows(s, r.id)) for r in s.scalars(select(CartRow))]


def test_a_cashier_deactivated_mid_sale_cannot_scan_again(shop):
    """The role is read inside the scan's own transaction: a change made meanwhile (another
    window, HQ's operators dataset) takes effect on the very next scan, and is audited."""
    from store_client.persistence.models import Operator
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    before = _cart_row(shop)
    with shop.terminal.db.transaction() as s:
        s.get(Operator, "c1").active = False
    with pytest.raises(PermissionDenied):
        co.scan(c, WATER)
    assert _cart_row(shop) == before
    assert audit_rows(shop, "permission.denied")[-1][:2] == ("c1", "sale.ring")
    with shop.terminal.db.transaction() as s:
        s.get(Operator, "c1").role = "it_admin"
        s.get(Operator, "c1").active = True
    with pytest.raises(PermissionDenied):
        co.scan(c, WATER)
    with shop.terminal.db.transaction() as s:
        s.get(Operator, "c1").role = "cashier"
    assert len(co.scan(c, WATER).cart.lines) == 2  # allowed again at once


def test_a_refused_scan_writes_nothing_but_its_audit_entry(shop, add_operator):
    from store_client.domain.roles import Role
    from store_client.services.auth import Actor
    add_operator("it2", "it_admin", "9753")
    shop.checkout.scan(shop.cashier, SHAMPOO)
    before = _cart_row(shop)
    denied = len(audit_rows(shop, "permission.denied"))
    with pytest.raises(PermissionDenied):
        shop.checkout.scan(Actor("it2", "IT", Role.IT_ADMIN), SHAMPOO)
    assert _cart_row(shop) == before
    assert len(audit_rows(shop, "permission.denied")) == denied + 1
