"""The shift service on a real terminal database, with sales made by the real checkout."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.domain.roles import Role
from store_client.persistence.models import (
    Approval,
    AuditEntry,
    OutboxEvent,
    PrintJob,
    Return,
    Sale,
    SaleTender,
    Shift,
    ShiftCashMovement,
)
from store_client.services import shifts as shifts_module
from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.checkout import CheckoutService
from store_client.services.errors import (
    ApprovalRequired,
    Conflict,
    InvalidInput,
    PermissionDenied,
)
from store_client.services.shifts import ShiftService, UnsyncedEvents, VarianceNeedsReason
from sync.protocol.events import validate
from tests.integration.checkout.checkout_seed import SHAMPOO, TOOTHPASTE, WATER, seed

MANAGER_PIN = "2468"
LIMIT, TOLERANCE = 50_000, 500


@dataclass
class Till:
    terminal: object
    shifts: ShiftService
    checkout: CheckoutService
    approvals: ApprovalService
    queue: PrintQueue
    cashier: Actor
    manager: Actor
    associate: Actor

    def grant(self, permission: str, reason: str = "float top-up"):  # type: ignore[no-untyped-def]
        return self.approvals.approve(self.cashier, "m1", MANAGER_PIN, permission, reason)

    def sell(self, code: str, tenders: list[tuple[str, int, str | None]]) -> str:
        co, c = self.checkout, self.cashier
        co.scan(c, code)
        for kind, amount, ref in tenders:
            co.add_tender(c, kind, amount, reference=ref)
        return co.complete(c).sale_id

    def rows(self, model, *where):  # type: ignore[no-untyped-def]
        with self.terminal.db.read() as s:
            found = list(s.scalars(select(model).where(*where)))
            s.expunge_all()  # keep the loaded values after the read's rollback
            return found

    def deliver_all(self) -> None:
        """As if the uploader had delivered every event (nothing waiting for HQ)."""
        with self.terminal.db.transaction() as s:
            s.execute(text("UPDATE outbox SET status = 'delivered'"))


@pytest.fixture
def till(terminal, add_operator):  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", "1357", name="王芳")
    add_operator("m1", "manager", MANAGER_PIN, name="张经理")
    add_operator("a1", "associate", "1111", name="李导购")
    with terminal.db.transaction() as s:
        seed(s)
    db, clock = terminal.db, terminal.clock
    audit = AuditLog(clock)
    authorizer = Authorizer(db, audit, clock)
    queue = PrintQueue(db, lambda: None, clock, profile=PrinterProfile("TM-T88V"))  # not started
    catalog = CatalogService(db)
    checkout = CheckoutService(db, clock, audit, authorizer, catalog, config=terminal.config,
                               print_queue=queue)
    service = ShiftService(db, clock, audit, authorizer, config=terminal.config, print_queue=queue)
    try:
        yield Till(terminal, service, checkout, ApprovalService(db, clock, audit), queue,
                   Actor("c1", "王芳", Role.CASHIER), Actor("m1", "张经理", Role.MANAGER),
                   Actor("a1", "李导购", Role.ASSOCIATE))
    finally:
        catalog.close()


def outbox_of(till: Till, kind: str) -> list[dict]:
    return [json.loads(e.payload) for e in till.rows(OutboxEvent, OutboxEvent.kind == kind)]


def audit_actions(till: Till) -> list[str]:
    return [e.action for e in till.rows(AuditEntry)]


# -- open ---------------------------------------------------------------------------------------

def test_open_writes_shift_audit_event_and_drawer_slip_together(till: Till) -> None:
    view = till.shifts.open_shift(till.cashier, {10000: 2, 1000: 5, 50: 3})
    assert view.opening_float_fen == 2 * 10000 + 5 * 1000 + 3 * 50 and view.status == "open"
    assert till.shifts.current() == view
    (row,) = till.rows(Shift)
    assert row.shift_no == "S001-T01-S00001" and json.loads(row.opening_count) == {
        "10000": 2, "1000": 5, "50": 3}
    (event,) = outbox_of(till, "shift.opened")
    assert validate("shift.opened", 1, event)["opening_float_minor"] == view.opening_float_fen
    assert event["shift_id"] == row.id and event["operator_id"] == "c1"
    assert "shift.opened" in audit_actions(till)
    (job,) = till.rows(PrintJob, PrintJob.kind == "shift.open")
    assert job.trailer  # the drawer opens for the float


def test_a_failure_inside_the_open_leaves_nothing_behind(till: Till, monkeypatch) -> None:
    before = (len(till.rows(AuditEntry)), len(till.rows(OutboxEvent)), len(till.rows(PrintJob)))

    def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(shifts_module, "validate", broken)  # fails after the audit append
    with pytest.raises(RuntimeError):
        till.shifts.open_shift(till.cashier, total_fen=10000)
    assert till.rows(Shift) == []
    assert (len(till.rows(AuditEntry)), len(till.rows(OutboxEvent)),
            len(till.rows(PrintJob))) == before


def test_one_open_shift_per_terminal_in_the_service_and_in_the_schema(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    with pytest.raises(Conflict, match="already open"):
        till.shifts.open_shift(till.manager, total_fen=5000)
    (row,) = till.rows(Shift)
    with pytest.raises(IntegrityError), till.terminal.db.transaction() as s:
        s.add(Shift(id="x", shift_no="other", shift_seq=99, store_id="S001", terminal_id="T01",
                    status="open", opened_by="m1", opened_at=row.opened_at,
                    opening_float_fen=0, opening_count="{}", receipt_seq_from=0,
                    audit_seq_from=0))


@pytest.mark.parametrize("pieces, total, field", [
    ({10000: -1}, None, "bad_pieces"), ({300: 1}, None, "unknown_denomination"),
    ({100: 10_001}, None, "too_many_pieces"), ({100: 1.5}, None, "bad_pieces"),
    (None, -100, "not_positive"), (None, 10**12, "too_large"), (None, "100", "not_an_amount"),
])
def test_bad_counts_are_refused_with_a_clear_message(till: Till, pieces, total, field) -> None:
    with pytest.raises(InvalidInput) as caught:
        till.shifts.open_shift(till.cashier, pieces, total_fen=total)
    assert caught.value.field == field and str(caught.value)
    assert till.rows(Shift) == []


def test_an_associate_may_not_open_a_shift_and_the_refusal_is_audited(till: Till) -> None:
    with pytest.raises(PermissionDenied):
        till.shifts.open_shift(till.associate, total_fen=10000)
    assert audit_actions(till)[-1] == "permission.denied"
    assert till.rows(Shift) == []


# -- pay-in / pay-out ----------------------------------------------------------------------------

def test_pay_in_and_out_are_stored_audited_evented_and_kick_the_drawer(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=20000)
    pin = till.shifts.pay_in(till.cashier, 5000, "  float top-up  ")
    out = till.shifts.pay_out(till.cashier, 3000, "petty cash: cleaning")
    moves = till.rows(ShiftCashMovement)
    assert [(m.kind, m.amount_fen, m.reason) for m in moves] == [
        ("pay_in", 5000, "float top-up"), ("pay_out", 3000, "petty cash: cleaning")]
    events = outbox_of(till, "shift.cash_moved")
    assert [(e["kind"], e["amount_minor"]) for e in events] == [("pay_in", 5000), ("pay_out", 3000)]
    for e in events:
        validate("shift.cash_moved", 1, e)
    assert {"shift.pay_in", "shift.pay_out"} <= set(audit_actions(till))
    for job_id in (pin.print_job_id, out.print_job_id):
        (job,) = till.rows(PrintJob, PrintJob.id == job_id)
        assert job.trailer
    with pytest.raises(IntegrityError), till.terminal.db.transaction() as s:
        s.execute(text("UPDATE shift_cash_movements SET amount_fen = 1"))


@pytest.mark.parametrize("amount, reason, error", [
    (0, "x", InvalidInput), (-100, "x", InvalidInput), (1.5, "x", InvalidInput),
    (True, "x", InvalidInput), (100, "", InvalidInput), (100, "   ", InvalidInput),
])
def test_bad_pay_ins_are_refused(till: Till, amount, reason, error) -> None:
    till.shifts.open_shift(till.cashier, total_fen=20000)
    with pytest.raises(error):
        till.shifts.pay_in(till.cashier, amount, reason)
    assert till.rows(ShiftCashMovement) == []


def test_no_pay_in_without_an_open_shift(till: Till) -> None:
    with pytest.raises(Conflict, match="No shift is open"):
        till.shifts.pay_in(till.cashier, 100, "top-up")


def test_pay_out_above_the_expected_cash_is_refused_without_using_the_approval(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=20000)
    with pytest.raises(InvalidInput, match="more than the cash"):
        till.shifts.pay_out(till.cashier, 20001, "bank deposit")
    grant = till.grant("cash.pay_over_limit")
    with pytest.raises(InvalidInput):
        till.shifts.pay_out(till.cashier, LIMIT + 1, "bank deposit", grant)
    (approval,) = till.rows(Approval)
    assert approval.used_at is None  # refused before the approval was spent
    till.shifts.pay_out(till.cashier, 20000, "bank deposit")  # exactly the drawer: allowed


def test_above_the_limit_needs_a_managers_approval_once(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=20000)
    with pytest.raises(ApprovalRequired) as caught:
        till.shifts.pay_in(till.cashier, LIMIT + 1, "change from bank")
    assert caught.value.permission == "cash.pay_over_limit"
    grant = till.grant("cash.pay_over_limit")
    till.shifts.pay_in(till.cashier, LIMIT + 1, "change from bank", grant)
    with pytest.raises(ApprovalRequired):  # single use
        till.shifts.pay_in(till.cashier, LIMIT + 1, "change from bank", grant)
    till.shifts.pay_in(till.manager, LIMIT + 1, "change from bank")  # a manager may
    assert [m.approved_by for m in till.rows(ShiftCashMovement)] == ["m1", None]
    assert outbox_of(till, "shift.cash_moved")[0]["approved_by"] == "m1"


def test_the_limit_is_on_the_shifts_total_so_small_pay_outs_cannot_dodge_it(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=3 * LIMIT)
    till.shifts.pay_out(till.cashier, LIMIT // 2, "petty cash")
    till.shifts.pay_out(till.cashier, LIMIT // 2, "petty cash")  # the total is at the limit
    with pytest.raises(ApprovalRequired) as caught:  # one fen more over the shift
        till.shifts.pay_out(till.cashier, 1, "petty cash")
    assert caught.value.permission == "cash.pay_over_limit"
    till.shifts.pay_in(till.cashier, LIMIT, "change from bank")  # pay-ins have their own total
    till.shifts.pay_out(till.cashier, 1, "petty cash", till.grant("cash.pay_over_limit"))
    assert [(m.kind, m.amount_fen, m.approved_by) for m in till.rows(ShiftCashMovement)] == [
        ("pay_out", LIMIT // 2, None), ("pay_out", LIMIT // 2, None),
        ("pay_in", LIMIT, None), ("pay_out", 1, "m1")]
    till.deliver_all()
    till.shifts.close_shift(till.cashier, total_fen=3 * LIMIT - 1)
    till.shifts.open_shift(till.cashier, total_fen=LIMIT)  # a new shift starts at zero
    till.shifts.pay_out(till.cashier, LIMIT, "petty cash")


# -- X and Z against real sales -----------------------------------------------------------------

def test_x_and_z_reports_add_up_the_real_sales_of_the_shift_only(till: Till) -> None:
    with pytest.raises(Conflict) as caught:  # before the shift: nothing is sold
        till.sell(WATER, [("cash", 200, None)])
    assert caught.value.code == "shift.required" and till.rows(Sale) == []
    assert till.checkout.current_cart(till.cashier).lines == ()  # refused at the first item
    till.shifts.open_shift(till.cashier, total_fen=20000)
    s1 = till.sell(SHAMPOO, [("cash", 10000, None)])  # change 4010
    s2 = till.sell(TOOTHPASTE, [("card", 1125, "AUTH123")])  # promotion: 10 % off
    s3 = till.sell(WATER, [("cash", 100, None), ("card", 100, "AUTH124")])
    till.shifts.pay_in(till.cashier, 5000, "float top-up")
    till.shifts.pay_out(till.cashier, 3000, "petty cash")
    ids = (s1, s2, s3)  # the figures, from the rows themselves
    sales = till.rows(Sale, Sale.id.in_(ids))
    tenders = till.rows(SaleTender, SaleTender.sale_id.in_(ids))
    cash_in = sum(t.amount_fen for t in tenders if t.kind == "cash")
    change = sum(sale.change_fen for sale in sales)
    expected = 20000 + cash_in - change + 5000 - 3000
    assert change == 4010 and cash_in == 10100

    x = till.shifts.x_report(till.manager)
    f = x.figures
    assert f.kind == "X" and f.sales_count == 3
    assert f.sales_total_fen == sum(sale.total_fen for sale in sales)
    assert f.discount_fen == sum(sale.discount_fen for sale in sales) > 0
    assert dict(f.by_tender) == {"cash": cash_in, "card": 1125 + 100}
    assert (f.pay_in_fen, f.pay_out_fen, f.expected_cash_fen) == (5000, 3000, expected)
    assert "X REPORT" in x.text and x.print_job_id is not None
    assert till.shifts.current() is not None  # the X report closes nothing

    till.deliver_all()
    z = till.shifts.close_shift(till.cashier, total_fen=expected)
    with pytest.raises(Conflict, match="No shift is open"):  # after the close: nothing either
        till.sell(WATER, [("cash", 200, None)])
    assert z.figures.kind == "Z" and z.figures.variance_fen == 0
    assert z.figures.expected_cash_fen == expected == z.figures.counted_cash_fen
    assert "Z REPORT" in z.text
    (row,) = till.rows(Shift)
    assert row.status == "closed" and row.receipt_seq_to == row.receipt_seq_from + 3
    assert {sale.shift_id for sale in till.rows(Sale)} == {row.id}
    assert till.shifts.z_report(row.id) == z.figures  # frozen at close
    (closed,) = outbox_of(till, "shift.closed")
    assert validate("shift.closed", 1, closed)["sales_count"] == 3
    assert closed["expected_cash_minor"] == expected and closed["unsynced_at_close"] == 0
    assert till.shifts.current() is None


def test_a_closed_shift_never_changes(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    till.shifts.close_shift(till.cashier, total_fen=10000)
    with pytest.raises(IntegrityError, match="immutable"), till.terminal.db.transaction() as s:
        s.execute(text("UPDATE shifts SET counted_cash_fen = 1"))
    with pytest.raises(IntegrityError), till.terminal.db.transaction() as s:
        s.execute(text("DELETE FROM shifts"))
    with pytest.raises(Conflict):
        till.shifts.pay_out(till.cashier, 100, "x")
    with pytest.raises(Conflict, match="nothing to close"):
        till.shifts.close_shift(till.cashier, total_fen=10000, confirm_unsynced=True)
    till.shifts.open_shift(till.cashier, total_fen=5000)  # the next shift opens normally
    assert [r.shift_no for r in till.rows(Shift)] == ["S001-T01-S00001", "S001-T01-S00002"]


# -- close: the issue-5 warning and the blind count -------------------------------------------------

def test_close_warns_while_events_wait_for_hq_and_needs_confirmation(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.sell(WATER, [("cash", 200, None)])
    waiting = till.rows(OutboxEvent, OutboxEvent.status == "pending")
    with pytest.raises(UnsyncedEvents) as caught:
        till.shifts.close_shift(till.cashier, total_fen=10200)
    assert caught.value.pending == len(waiting) > 0
    assert f"{len(waiting)} event(s) not yet delivered" in str(caught.value)
    assert till.shifts.current() is not None  # nothing closed
    z = till.shifts.close_shift(till.cashier, total_fen=10200, confirm_unsynced=True)
    assert z.figures.variance_fen == 0
    (closed,) = outbox_of(till, "shift.closed")
    assert closed["unsynced_at_close"] == len(waiting)


def test_rejected_events_warn_too_and_a_synced_till_closes_without_asking(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    assert till.shifts.close_warning() is None
    with till.terminal.db.transaction() as s:
        s.execute(text("UPDATE outbox SET status = 'rejected' WHERE seq = "
                       "(SELECT max(seq) FROM outbox)"))
    warning = till.shifts.close_warning()
    assert warning is not None and warning.rejected == 1 and "rejected by HQ" in str(warning)
    with pytest.raises(UnsyncedEvents):
        till.shifts.close_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    till.shifts.close_shift(till.cashier, total_fen=10000)


def test_a_count_short_beyond_tolerance_needs_a_reason_and_a_managers_approval(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    short = 10000 - TOLERANCE - 1
    with pytest.raises(VarianceNeedsReason) as caught:
        till.shifts.close_shift(till.cashier, {5000: 1, 2000: 2, 100: 4})
    assert caught.value.field == "reason"
    # Blind: the refusal tells neither the amount nor the direction.
    assert "600" not in str(caught.value) and "short" not in str(caught.value)
    with pytest.raises(VarianceNeedsReason) as caught:
        till.shifts.close_shift(till.cashier, total_fen=short, confirm_unsynced=True)
    # (the refused count's own audit entry now waits for HQ: the caller has confirmed that)
    offs = [json.loads(e.details) for e in till.rows(AuditEntry, AuditEntry.action == "shift.count_off")]
    assert [o["counted_fen"] for o in offs] == [9400, short]  # each recount is on record
    assert till.shifts.current() is not None
    with pytest.raises(ApprovalRequired) as needs:
        till.shifts.close_shift(till.cashier, total_fen=short, reason="gave wrong change",
                                confirm_unsynced=True)
    assert needs.value.permission == "shift.accept_variance"
    # What the approving manager is shown:
    assert needs.value.params == {"variance_fen": -(TOLERANCE + 1), "counted_fen": short}
    grant = till.grant("shift.accept_variance", "customer dispute")
    z = till.shifts.close_shift(till.cashier, total_fen=short, reason="gave wrong change",
                                grant=grant, confirm_unsynced=True)
    assert z.figures.variance_fen == -(TOLERANCE + 1)
    (row,) = till.rows(Shift)
    assert (row.variance_fen, row.variance_reason, row.variance_approved_by) == (
        -(TOLERANCE + 1), "gave wrong change", "m1")
    assert "gave wrong change" in z.text


def test_recounting_until_it_fits_needs_a_manager(till: Till) -> None:
    """The reviewer's bypass: a refused count, then a count that happens to fit. Without a
    manager that would undo the blind count; now the manager approves and sees the figures."""
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    with pytest.raises(VarianceNeedsReason):
        till.shifts.close_shift(till.cashier, total_fen=0)
    with pytest.raises(ApprovalRequired) as needs:
        till.shifts.close_shift(till.cashier, total_fen=10000, confirm_unsynced=True)
    assert needs.value.params == {"variance_fen": 0, "counted_fen": 10000}
    grant = till.grant("shift.accept_variance", "recounted with me")
    z = till.shifts.close_shift(till.cashier, total_fen=10000, grant=grant, confirm_unsynced=True)
    (row,) = till.rows(Shift)
    assert z.figures.variance_fen == 0 and row.variance_approved_by == "m1"


def test_pay_outs_above_the_drawer_are_on_record(till: Till) -> None:
    """Trying pay-outs until one passes would find the expected cash: each refusal is audited."""
    till.shifts.open_shift(till.cashier, total_fen=10000)
    for amount in (20000, 15000, 12000):
        with pytest.raises(InvalidInput, match="more than the cash"):
            till.shifts.pay_out(till.cashier, amount, "bank")
    refused = [json.loads(e.details)["amount_fen"]
               for e in till.rows(AuditEntry, AuditEntry.action == "shift.pay_out_refused")]
    assert refused == [20000, 15000, 12000]


def test_within_tolerance_closes_without_a_reason_and_over_is_positive(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    z = till.shifts.close_shift(till.cashier, total_fen=10000 + TOLERANCE)
    assert z.figures.variance_fen == TOLERANCE and z.figures.variance_reason is None


def test_close_with_no_open_shift_is_a_clear_conflict(till: Till) -> None:
    with pytest.raises(Conflict, match="No shift is open"):
        till.shifts.close_shift(till.cashier, total_fen=0, confirm_unsynced=True)
    with till.terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Shift)) == 0


def test_a_failure_inside_the_close_leaves_the_shift_open_and_unchanged(till: Till,
                                                                          monkeypatch) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    till.deliver_all()
    real = shifts_module.validate

    def broken(kind, version, payload):  # type: ignore[no-untyped-def]
        if kind == "shift.closed":
            raise RuntimeError("power cut")
        return real(kind, version, payload)

    monkeypatch.setattr(shifts_module, "validate", broken)
    with pytest.raises(RuntimeError):
        till.shifts.close_shift(till.cashier, total_fen=10000)
    (row,) = till.rows(Shift)
    assert (row.status, row.closed_at, row.z_report, row.counted_cash_fen) == ("open", None,
                                                                              None, None)
    assert outbox_of(till, "shift.closed") == [] and "shift.closed" not in audit_actions(till)
    assert till.rows(PrintJob, PrintJob.kind == "shift.z_report") == []
    monkeypatch.setattr(shifts_module, "validate", real)
    z = till.shifts.close_shift(till.cashier, total_fen=10000)
    (job,) = till.rows(PrintJob, PrintJob.kind == "shift.z_report")
    assert job.id == z.print_job_id and not job.trailer  # the Z report does not open the drawer


def test_a_cashier_sees_the_x_report_only_with_a_manager(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    with pytest.raises(ApprovalRequired):  # it shows the expected cash: the close is blind
        till.shifts.x_report(till.cashier)
    x = till.shifts.x_report(till.cashier, till.grant("shift.x_report", "cash check"))
    assert x.figures.expected_cash_fen == 10000 and x.figures.kind == "X"
    with pytest.raises(PermissionDenied):
        till.shifts.x_report(till.associate)


def test_cash_refunds_of_returns_leave_the_drawer_and_are_on_the_z_report(till: Till) -> None:
    """A return's cash comes out of the drawer: expected cash, the pay-out limit, the
    report's returns line and the shift.closed event all count it; a card refund does not
    touch the drawer; a sale of an earlier shift refunded in this one is this one's."""
    from store_client.services.return_views import ReturnRequest
    from store_client.services.returns import ReturnsService

    returns = ReturnsService(till.terminal.db, till.terminal.clock, till.shifts.audit,
                             till.shifts.authorizer, config=till.terminal.config,
                             print_queue=till.queue)

    def refund(sale_id: str, card: str | None = None) -> int:
        with till.terminal.db.read() as s:
            receipt = s.get(Sale, sale_id).receipt_no
        sale = returns.find_sale(till.manager, receipt)
        lines = tuple((ln.line_no, ln.sold.returnable) for ln in sale.lines)
        done = returns.refund(till.manager, ReturnRequest(sale.request_id, sale.sale_id, lines,
                                                          "changed_mind", "", card))
        return done.refund_fen

    till.shifts.open_shift(till.manager, total_fen=0)
    before = till.sell(WATER, [("cash", 5000, None)])  # sold in the shift before
    till.deliver_all()
    till.shifts.close_shift(till.manager, total_fen=200)
    with pytest.raises(Conflict) as caught:  # no shift: refused before anything is written
        refund(before)
    assert caught.value.code == "shift.required" and till.rows(Return) == []
    till.shifts.open_shift(till.manager, total_fen=10000)
    refund(before)  # in this shift: its cash leaves this drawer
    cash_sale = till.sell(SHAMPOO, [("cash", 10000, None)])
    co = till.checkout
    due = co.scan(till.cashier, TOOTHPASTE).cart.total_fen
    co.add_tender(till.cashier, "card", due, reference="AUTH1")
    card_sale = co.complete(till.cashier).sale_id
    assert refund(cash_sale) > 0 and refund(card_sale, card="REFUND1") == due
    f = till.shifts.x_report(till.manager, print_it=False).figures
    with till.terminal.db.read() as s:
        water, shampoo = (s.scalar(select(Sale.total_fen).where(Sale.id == i))
                          for i in (before, cash_sale))
    assert (f.returns_count, f.returns_total_fen) == (3, water + shampoo + due)
    assert f.cash_refund_fen == water + shampoo  # the card refund went back to the card
    # float + cash taken (10000) - change (10000 - shampoo) - cash refunded (water + shampoo)
    assert f.expected_cash_fen == 10000 + shampoo - water - shampoo
    with pytest.raises(InvalidInput):  # not more than is in the drawer
        till.shifts.pay_out(till.manager, f.expected_cash_fen + 1, "bank")
    till.deliver_all()
    z = till.shifts.close_shift(till.manager, total_fen=f.expected_cash_fen,
                                confirm_unsynced=True).figures
    assert z.variance_fen == 0 and z.returns_count == 3
    closed = outbox_of(till, "shift.closed")[-1]
    data = validate("shift.closed", 1, closed)
    assert (data["returns_count"], data["cash_refund_minor"]) == (3, water + shampoo)
    text = z_report_text(till)
    assert "退货" in text and "Cash refunded" in text and "Change given" in text
    # On paper the drawer adds up: float + taken - change - refunds = expected.
    taken, change = z.cash_tendered_fen, z.change_given_fen
    assert 10000 + taken - change - z.cash_refund_fen == z.expected_cash_fen


def z_report_text(till: Till) -> str:
    return till.rows(PrintJob, PrintJob.kind == "shift.z_report")[-1].preview_text


def test_no_close_while_a_sale_in_progress_has_taken_money(till: Till) -> None:
    till.shifts.open_shift(till.cashier, total_fen=10000)
    co = till.checkout
    co.scan(till.cashier, WATER)
    co.scan(till.cashier, WATER)  # a cart without payments does not block the close
    view = co.add_tender(till.cashier, "cash", 1000)  # the cash is in the drawer now
    with pytest.raises(Conflict, match="sale in progress"):
        till.shifts.close_shift(till.cashier, total_fen=11000, confirm_unsynced=True)
    assert till.shifts.current() is not None
    co.complete(till.cashier, cart_id=view.cart_id)  # change 600
    z = till.shifts.close_shift(till.cashier, total_fen=10400, confirm_unsynced=True)
    assert z.figures.variance_fen == 0 and z.figures.sales_count == 1
