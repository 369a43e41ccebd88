"""A return belongs to the shift its money left in: one made in a shift is on that shift's
report; one whose mobile refund was finished later (after a crash) is the shift's that
was open when it finished, never a closed shift's frozen Z report."""

from __future__ import annotations

import pytest
from checkout_seed import SHAMPOO
from sqlalchemy import select
from test_returns import _two_unit_mobile_sale, request, returns_for, sell

from store_client.persistence.models import Return, Shift
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.returns import ReturnsService
from store_client.services.shifts import ShiftService


def shifts_of(shop) -> ShiftService:  # type: ignore[no-untyped-def]
    t = shop.terminal
    audit = AuditLog(t.clock)
    return ShiftService(t.db, t.clock, audit, Authorizer(t.db, audit, t.clock), config=t.config)


def open_shift_id(shop) -> str:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return s.scalar(select(Shift.id).where(Shift.status == "open"))


def test_a_cash_return_is_on_its_shifts_report_by_id(shop) -> None:  # type: ignore[no-untyped-def]
    done = sell(shop, [SHAMPOO])
    service = returns_for(shop)
    sale = service.find_sale(shop.manager, done.receipt_no)
    result = service.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    with shop.terminal.db.read() as s:
        assert s.get(Return, result.return_id).shift_id == open_shift_id(shop)
    x = shifts_of(shop).x_report(shop.manager, print_it=False).figures
    assert (x.returns_count, x.returns_total_fen, x.cash_refund_fen) == (
        1, result.refund_fen, result.refund_fen)
    assert x.expected_cash_fen == 0  # the float was empty: the cash came in and went out


def test_a_refund_finished_after_the_shift_closed_is_the_next_shifts(  # type: ignore[no-untyped-def]
        shop, monkeypatch) -> None:
    done, service = _two_unit_mobile_sale(shop)
    sale = service.find_sale(shop.manager, done.receipt_no)
    first_shift = open_shift_id(shop)
    monkeypatch.setattr(ReturnsService, "_complete", lambda *a, **k: (_ for _ in ()).throw(
        RuntimeError("power cut")))
    with pytest.raises(RuntimeError):
        service.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    monkeypatch.undo()
    shifts = shifts_of(shop)
    z = shifts.close_shift(shop.manager, total_fen=0, confirm_unsynced=True).figures
    assert z.returns_count == 0  # still paying: no money left in that shift
    shifts.open_shift(shop.manager, total_fen=0)
    second_shift = open_shift_id(shop)
    returns_for(shop).find_sale(shop.manager, done.receipt_no)  # finishes the paying return
    with shop.terminal.db.read() as s:
        (row,) = s.scalars(select(Return))
        assert row.status == "completed" and row.shift_id == second_shift != first_shift
    x = shifts.x_report(shop.manager, print_it=False).figures
    assert x.returns_count == 1 and x.cash_refund_fen == 0  # back to the wallet, not the drawer
