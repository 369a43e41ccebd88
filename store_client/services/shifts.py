"""The shift service: open with a counted float, pay-ins and pay-outs, X report, blind close.

Every change is one transaction holding the shift row(s), the audit entry, the outbox
event for HQ and the print job (slip or Z report); the printer is woken after the commit.
Permission checks come first (``Authorizer.require`` commits its refusals on its own),
after a read-only pre-check, so a manager's approval is not used up by a request that
the shift rules refuse anyway.

The close is blind: the cashier's count goes in before the expected cash is shown. A
count that is over or short beyond ``shift.variance_tolerance_fen`` is refused with
:class:`VarianceNeedsReason` (audited, so recounts are on record); sent again with a
reason, it needs ``shift.accept_variance`` (a manager's approval for a cashier). Events
still waiting for HQ or rejected by it (issue 5) make the close raise
:class:`UnsyncedEvents` until the caller confirms with ``confirm_unsynced=True``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from printers import text_render
from store_client.clock import Clock, iso, parse_iso
from store_client.domain import shifts as dom
from store_client.domain.cart import CartError, CartLimits
from store_client.domain.money import Money
from store_client.domain.roles import Permission
from store_client.persistence.db import Database
from store_client.persistence.models import AuditEntry, CartRow, Shift, ShiftCashMovement
from store_client.services import cart_store
from store_client.services import shift_reports as rep
from store_client.services.approvals import ApprovalGrant
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.errors import ApprovalRequired, Conflict, InvalidInput, ServiceError
from store_client.services.sync_status import read_status, shift_close_warning
from sync.terminal import outbox
from sync.protocol.events import CURRENT_VERSION, validate

OPENED, CASH_MOVED, CLOSED = "shift.opened", "shift.cash_moved", "shift.closed"


class UnsyncedEvents(ServiceError):
    """Sales or other events have not reached HQ: the close needs an explicit confirmation."""

    def __init__(self, message: str, pending: int, rejected: int) -> None:
        super().__init__(message)
        self.pending, self.rejected = pending, rejected


class VarianceNeedsReason(InvalidInput):
    """The blind count is off by more than the tolerance: count again, or give a reason (a
    manager approves). It says neither the amount nor the direction: the count is blind."""

    def __init__(self, message: str, tolerance_fen: int) -> None:
        super().__init__("reason", message)
        self.tolerance_fen = tolerance_fen


@dataclass(frozen=True)
class ShiftView:
    """The shift as the screen shows it; never the expected cash (the close is blind)."""

    shift_id: str
    shift_no: str
    status: str
    opened_by: str
    opened_at: datetime
    opening_float_fen: int
    movements: int
    closed_at: datetime | None = None


@dataclass(frozen=True)
class MovementDone:
    movement_id: str
    kind: str
    amount_fen: int
    print_job_id: int | None


@dataclass(frozen=True)
class ShiftReportResult:
    figures: rep.ShiftFigures
    text: str  # the report as printed (48 columns), for the screen and screen readers
    print_job_id: int | None
    document: Any = None  # the printed Document, for a preview image


def _shift_error(exc: dom.ShiftError) -> ServiceError:
    if exc.code in ("already_open", "shift_closed", "no_open_shift"):
        return Conflict(str(exc), code=f"shift.{exc.code}")
    return InvalidInput(exc.code, str(exc), code=f"shift.{exc.code}")


class ShiftService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, authorizer: Authorizer, *,
                 config, print_queue=None) -> None:  # type: ignore[no-untyped-def]
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.config, self.print_queue = config, print_queue
        setting = config.values.get
        self.movement_limit_fen = setting("shift.cash_movement_limit_fen", 50_000)
        self.tolerance_fen = setting("shift.variance_tolerance_fen", 500)
        self.currency = config.currency

    # -- reading --------------------------------------------------------------------------
    def _open_row(self, s: Session) -> Shift | None:
        return rep.open_shift(s, self.config.terminal_id)

    @staticmethod
    def _facts(row: Shift | None) -> dom.ShiftFacts | None:
        return None if row is None else dom.ShiftFacts(row.id, dom.ShiftStatus(row.status))

    def _view(self, s: Session, row: Shift) -> ShiftView:
        moves = s.scalar(select(func.count()).select_from(ShiftCashMovement)
                         .where(ShiftCashMovement.shift_id == row.id)) or 0
        return ShiftView(row.id, row.shift_no, row.status, row.opened_by, parse_iso(row.opened_at),
                         row.opening_float_fen, moves,
                         parse_iso(row.closed_at) if row.closed_at else None)

    def current(self) -> ShiftView | None:
        """This terminal's open shift, or None."""
        with self.db.read() as s:
            row = self._open_row(s)
            return None if row is None else self._view(s, row)

    def last_closed(self) -> ShiftView | None:
        with self.db.read() as s:
            row = s.scalars(select(Shift).where(Shift.terminal_id == self.config.terminal_id,
                                                Shift.status == dom.ShiftStatus.CLOSED.value)
                            .order_by(Shift.shift_seq.desc()).limit(1)).one_or_none()
            return None if row is None else self._view(s, row)

    def close_warning(self) -> UnsyncedEvents | None:
        """What the close would warn about now (events waiting or rejected), or None."""
        status = read_status(self.db, self.clock, phase=None)
        text = shift_close_warning(status)
        return None if text is None else UnsyncedEvents(text, status.pending,
                                                        status.needs_attention)

    def _sale_with_payments(self, s: Session) -> bool:
        """True while the till's sale in progress has taken payments (its money is in the
        drawer but not yet in a sale: the count would not match)."""
        limits = CartLimits(max_quantity=self.config.values.get("checkout.max_quantity", 999))
        for row in s.scalars(select(CartRow).where(CartRow.status == cart_store.ACTIVE)):
            try:
                if cart_store.loads(row, limits).tenders:
                    return True
            except CartError:
                continue  # the checkout sets an unreadable cart aside itself
        return False

    def z_report(self, shift_id: str) -> rep.ShiftFigures:
        """The figures frozen when the shift closed (for a reprint or HQ questions)."""
        with self.db.read() as s:
            row = s.get(Shift, shift_id)
            if row is None or row.z_report is None:
                raise InvalidInput("shift_id", "That shift is not closed or does not exist.")
            return rep.ShiftFigures.from_json(row.z_report)

    # -- helpers ---------------------------------------------------------------------------
    def _figures(self, s: Session, row: Shift, kind: str) -> rep.ShiftFigures:
        return rep.compute(s, row, kind=kind, audit_to=rep.last_audit_seq(s))

    def _header(self, actor: Actor) -> rep.rd.Header:
        values = self.config.values
        return rep.header(values.get("store.name", ""), self.config.store_id,
                          self.config.terminal_id, f"{actor.name} ({actor.operator_id})",
                          self.clock.now())

    def _printer(self):  # type: ignore[no-untyped-def]
        queue = self.print_queue
        return queue if queue is not None and getattr(queue, "profile", None) else None

    def _enqueue(self, s: Session, kind: str, payload: dict) -> None:
        validate(kind, CURRENT_VERSION[kind], payload)  # fail at the till, not at HQ
        outbox.enqueue(s, kind, payload, schema_version=CURRENT_VERSION[kind], clock=self.clock)

    def _ids(self, row: Shift, actor: Actor) -> dict:
        return {"shift_id": row.id, "shift_no": row.shift_no, "store_id": row.store_id,
                "terminal_id": row.terminal_id, "operator_id": actor.operator_id}

    def _wake(self, job_id: int | None) -> None:
        if job_id is not None:
            self.print_queue.wake()

    # -- open -------------------------------------------------------------------------------
    def open_shift(self, actor: Actor, pieces: Mapping[int, int] | None = None, *,
                   total_fen: int | None = None) -> ShiftView:
        """Open this terminal's shift with the float counted by denomination (or a total)."""
        self.authorizer.require(actor, Permission.SHIFT_OPEN)
        try:
            count = dom.make_count(pieces, total_fen=total_fen if not pieces else None)
        except dom.ShiftError as exc:
            raise _shift_error(exc) from None
        now = self.clock.now()
        job = None
        with self.db.transaction() as s:
            try:
                dom.check_can_open(self._facts(self._open_row(s)))
            except dom.ShiftError as exc:
                raise _shift_error(exc) from None
            seq = (s.scalar(select(func.max(Shift.shift_seq)).where(
                Shift.terminal_id == self.config.terminal_id)) or 0) + 1
            row = Shift(id=str(uuid.uuid4()),
                        shift_no=f"{self.config.store_id}-{self.config.terminal_id}-S{seq:05d}",
                        shift_seq=seq, store_id=self.config.store_id,
                        terminal_id=self.config.terminal_id, status=dom.ShiftStatus.OPEN.value,
                        opened_by=actor.operator_id, opened_at=iso(now),
                        opening_float_fen=count.total_fen,
                        opening_count=json.dumps(count.as_dict(), sort_keys=True),
                        receipt_seq_from=rep.last_receipt_seq(s, self.config.terminal_id),
                        audit_seq_from=rep.last_audit_seq(s))
            s.add(row)
            s.flush()
            details = {"shift_no": row.shift_no, "opening_float_fen": count.total_fen,
                       "count": count.as_dict()}
            self.audit.append(s, operator_id=actor.operator_id, action=OPENED, target=row.id,
                              details=details)
            self._enqueue(s, OPENED, {**self._ids(row, actor), "opened_at": row.opened_at,
                                      "opening_float_minor": count.total_fen,
                                      "count": count.as_dict()})
            if self._printer() is not None:
                job = self.print_queue.submit("shift.open", rep.cash_slip(
                    self._header(actor), "开班 SHIFT OPEN", row.shift_no,
                    [("备用金 Float", str(Money(count.total_fen, self.currency)))]), session=s)
            view = self._view(s, row)
        self._wake(job)
        return view

    # -- pay-in / pay-out ---------------------------------------------------------------------
    def pay_in(self, actor: Actor, amount_fen: int, reason: str,
               grant: ApprovalGrant | None = None) -> MovementDone:
        return self.move_cash(actor, dom.MovementKind.PAY_IN, amount_fen, reason, grant)

    def pay_out(self, actor: Actor, amount_fen: int, reason: str,
                grant: ApprovalGrant | None = None) -> MovementDone:
        return self.move_cash(actor, dom.MovementKind.PAY_OUT, amount_fen, reason, grant)

    def _check_move(self, s: Session, kind: dom.MovementKind,
                    amount_fen: object) -> tuple[Shift, int, int]:
        """The open shift, the checked amount and what the shift already moved of ``kind``."""
        row = self._open_row(s)
        expected = self._figures(s, row, "X").expected_cash_fen if row is not None else 0
        try:
            amount = dom.check_movement(self._facts(row), kind, amount_fen, expected)
        except dom.ShiftError as exc:
            raise _shift_error(exc) from None
        assert row is not None
        before = s.scalar(select(func.coalesce(func.sum(ShiftCashMovement.amount_fen), 0)).where(
            ShiftCashMovement.shift_id == row.id, ShiftCashMovement.kind == kind.value)) or 0
        return row, amount, before

    def move_cash(self, actor: Actor, kind: dom.MovementKind | str, amount_fen: int, reason: str,
                  grant: ApprovalGrant | None = None) -> MovementDone:
        """Pay cash into or out of the drawer; above the limit it needs ``cash.pay_over_limit``."""
        kind = dom.MovementKind(kind)
        self.authorizer.require(actor, Permission.CASH_PAY_IN_OUT)
        what = "pay-in" if kind is dom.MovementKind.PAY_IN else "pay-out"
        try:
            why = dom.check_reason(reason, what)
        except dom.ShiftError as exc:
            raise InvalidInput("reason", str(exc), code="shift.reason_required") from None
        try:
            with self.db.read() as s:  # refuse before an approval is used up
                before = self._check_move(s, kind, amount_fen)[2]
        except InvalidInput as exc:
            if exc.field == "more_than_drawer":  # on record: repeated tries would find the figure
                with self.db.transaction() as s:
                    self.audit.append(s, operator_id=actor.operator_id,
                                      action="shift.pay_out_refused", target=kind.value,
                                      details={"amount_fen": amount_fen, "reason": why})
            raise
        approver = None
        # The limit is on the shift's total of pay-outs (pay-ins): many small ones add up.
        over_limit = before + amount_fen > self.movement_limit_fen
        if over_limit:
            self.authorizer.require(actor, Permission.CASH_PAY_OVER_LIMIT, grant)
            approver = grant.approved_by if grant is not None else None
        now, job = self.clock.now(), None
        with self.db.transaction() as s:
            row, amount, now_before = self._check_move(s, kind, amount_fen)
            if not over_limit and now_before + amount > self.movement_limit_fen:
                raise Conflict(f"Another {what} was made meanwhile; the shift's {what}s now "
                               "need a manager's approval. Try again.",
                               code="shift.limit_reached_meanwhile")
            move = ShiftCashMovement(
                id=str(uuid.uuid4()), shift_id=row.id, seq=rep.next_movement_seq(s, row.id),
                kind=kind.value, amount_fen=amount, reason=why, operator_id=actor.operator_id,
                approved_by=approver, at=iso(now))
            if self._printer() is not None:
                title = "存入 PAID IN" if kind is dom.MovementKind.PAY_IN else "取出 PAID OUT"
                job = self.print_queue.submit(f"shift.{kind.value}", rep.cash_slip(
                    self._header(actor), title, row.shift_no,
                    [("金额 Amount", str(Money(amount, self.currency))), ("原因 Reason", why)]),
                    session=s)
                move.print_job_id = job
            s.add(move)
            s.flush()
            details = {"shift_no": row.shift_no, "kind": kind.value, "amount_fen": amount,
                       "reason": why, "approved_by": approver}
            self.audit.append(s, operator_id=actor.operator_id, action=f"shift.{kind.value}",
                              target=move.id, details=details)
            self._enqueue(s, CASH_MOVED, {**self._ids(row, actor), "movement_id": move.id,
                                          "kind": kind.value, "amount_minor": amount,
                                          "reason": why, "approved_by": approver,
                                          "at": move.at})
        self._wake(job)
        return MovementDone(move.id, kind.value, amount, job)

    # -- X report ----------------------------------------------------------------------------
    def x_report(self, actor: Actor, grant: ApprovalGrant | None = None, *,
                 print_it: bool = True) -> ShiftReportResult:
        """Mid-shift figures incl. the expected cash; read-only for the shift (audited)."""
        self.authorizer.require(actor, Permission.SHIFT_X_REPORT, grant)
        job = None
        with self.db.transaction() as s:
            row = self._open_row(s)
            if row is None:
                raise Conflict("No shift is open on this terminal; there is nothing to report.",
                               code="shift.no_open_shift")
            figures = self._figures(s, row, "X")
            document = rep.report_document(figures, self._header(actor), self.currency)
            self.audit.append(s, operator_id=actor.operator_id, action="shift.x_report",
                              target=row.id, details={"shift_no": row.shift_no,
                                                      "expected_cash_fen": figures.expected_cash_fen})
            if print_it and self._printer() is not None:
                job = self.print_queue.submit("shift.x_report", document, session=s)
        self._wake(job)
        return ShiftReportResult(figures, text_render.render(document, 48), job, document)

    # -- close ---------------------------------------------------------------------------------
    def close_shift(self, actor: Actor, pieces: Mapping[int, int] | None = None, *,
                    total_fen: int | None = None, reason: str | None = None,
                    grant: ApprovalGrant | None = None,
                    confirm_unsynced: bool = False) -> ShiftReportResult:
        """Close with a blind count; returns the Z report (printed, and frozen on the shift)."""
        self.authorizer.require(actor, Permission.SHIFT_CLOSE)
        try:
            count = dom.make_count(pieces, total_fen=total_fen if not pieces else None)
        except dom.ShiftError as exc:
            raise _shift_error(exc) from None
        warning = self.close_warning()
        if warning is not None and not confirm_unsynced:
            raise warning
        why = reason.strip()[:dom.MAX_REASON] if isinstance(reason, str) and reason.strip() else None
        with self.db.read() as s:
            row = self._open_row(s)
            try:
                dom.check_can_close(self._facts(row))
            except dom.ShiftError as exc:
                raise _shift_error(exc) from None
            assert row is not None
            if self._sale_with_payments(s):
                raise Conflict("A sale in progress has taken payments: complete or void it "
                               "before closing the shift.", code="shift.sale_in_progress")
            expected = self._figures(s, row, "Z").expected_cash_fen
            shift_id, shift_no = row.id, row.shift_no
        off = dom.variance(count.total_fen, expected)
        approver = None
        beyond = dom.beyond_tolerance(off, self.tolerance_fen)
        if beyond and why is None:
            self._refuse_count(actor, shift_id, shift_no, count, expected, off)
        if beyond or self._count_was_refused(shift_id):
            # A recount after a refused one needs a manager too, even when it now matches:
            # else counting again until it fits would undo the blind count.
            try:
                self.authorizer.require(actor, Permission.SHIFT_ACCEPT_VARIANCE, grant)
            except ApprovalRequired as exc:
                exc.code = "shift.variance"  # the approving manager sees the figures
                exc.params = {"variance_fen": off, "counted_fen": count.total_fen}
                raise
            approver = grant.approved_by if grant is not None else None
        now, job = self.clock.now(), None
        with self.db.transaction() as s:
            row = self._open_row(s)
            if row is None or row.id != shift_id:
                raise Conflict("The shift was closed meanwhile; nothing to close.",
                               code="shift.closed_meanwhile")
            receipt_to, audit_to = rep.last_receipt_seq(s, row.terminal_id), rep.last_audit_seq(s)
            figures = rep.compute(s, row, kind="Z", audit_to=audit_to)
            off = dom.variance(count.total_fen, figures.expected_cash_fen)
            beyond = dom.beyond_tolerance(off, self.tolerance_fen)
            if figures.expected_cash_fen != expected and beyond:
                raise Conflict("A sale was completed while you counted; count the drawer again.",
                               code="shift.sale_while_counting")
            figures = replace(figures, closed_at=iso(now), counted_cash_fen=count.total_fen,
                              variance_fen=off, variance_reason=why)
            document = rep.report_document(figures, self._header(actor), self.currency)
            if self._printer() is not None:
                job = self.print_queue.submit("shift.z_report", document, session=s)
            row.status, row.closed_by, row.closed_at = (dom.ShiftStatus.CLOSED.value,
                                                        actor.operator_id, figures.closed_at)
            row.receipt_seq_to, row.audit_seq_to = receipt_to, audit_to
            row.counted_cash_fen, row.closing_count = count.total_fen, json.dumps(
                count.as_dict(), sort_keys=True)
            row.expected_cash_fen, row.variance_fen = figures.expected_cash_fen, off
            row.variance_reason, row.variance_approved_by = why, approver
            row.z_report, row.z_print_job_id = figures.to_json(), job
            s.flush()
            unsynced = (warning.pending + warning.rejected) if warning is not None else 0
            self.audit.append(s, operator_id=actor.operator_id, action=CLOSED, target=row.id,
                              details={"shift_no": row.shift_no, "counted_fen": count.total_fen,
                                       "expected_fen": figures.expected_cash_fen,
                                       "variance_fen": off, "reason": why, "approved_by": approver,
                                       "unsynced_confirmed": unsynced})
            self._enqueue(s, CLOSED, {
                **self._ids(row, actor), "opened_at": row.opened_at, "closed_at": row.closed_at,
                "opening_float_minor": row.opening_float_fen,
                "expected_cash_minor": figures.expected_cash_fen,
                "counted_cash_minor": count.total_fen, "variance_minor": off,
                "variance_reason": why, "approved_by": approver, "count": count.as_dict(),
                "sales_count": figures.sales_count, "sales_total_minor": figures.sales_total_fen,
                "by_tender": dict(figures.by_tender), "pay_in_minor": figures.pay_in_fen,
                "pay_out_minor": figures.pay_out_fen, "unsynced_at_close": unsynced,
                "returns_count": figures.returns_count,
                "returns_total_minor": figures.returns_total_fen,
                "cash_refund_minor": figures.cash_refund_fen})
        self._wake(job)
        return ShiftReportResult(figures, text_render.render(document, 48), job, document)

    def _refuse_count(self, actor: Actor, shift_id: str, shift_no: str, count: dom.CashCount,
                      expected: int, off: int) -> NoReturn:
        """Record the count that is off (so recounts are visible) and ask for a reason."""
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="shift.count_off",
                              target=shift_id, details={"shift_no": shift_no,
                                                      "counted_fen": count.total_fen,
                                                      "expected_fen": expected, "variance_fen": off})
        raise VarianceNeedsReason(
            "The count does not match what the drawer should hold (it is off by more than "
            f"{Money(self.tolerance_fen, self.currency)}). Count again; if it still does not "
            "match, enter the reason: a manager approves it.", self.tolerance_fen)

    def _count_was_refused(self, shift_id: str) -> bool:
        with self.db.read() as s:
            return (s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "shift.count_off", AuditEntry.target == shift_id)) or 0) > 0
