"""Returns without a receipt and without a member (docs/returns.md "Without a receipt").

The retailer's rule: with a manager's approval, at the lowest shelf price of the last 90
days, to store credit or cash as the policy says (``returns.no_receipt_refund``), within a
per-return and a per-day limit of this till (``returns.no_receipt_max_fen``,
``returns.no_receipt_day_max_fen``).

:meth:`NoReceiptReturnsService.start` opens a request (its id makes a retry refund once);
:meth:`~NoReceiptReturnsService.item` prices a scanned code; :meth:`~NoReceiptReturnsService.refund`
checks everything again, asks a second person's approval (always, even for a manager:
the rule of ``returns.online_cash``) and writes in ONE transaction the return, the goods
back in stock (not for damaged goods), the credit note (store credit), the
``return.no_receipt`` outbox event and the audit entry. Each refusal is audited
(``return.refused``) in its own transaction and writes nothing else.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from printers import text_render
from printers.queue import JobStateError
from store_client import store_time
from store_client.clock import Clock, iso, parse_iso
from store_client.domain import price_history as ph
from sync.protocol.credit_codes import new_credit_code
from store_client.domain.roles import Decision, Permission, decide
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence import price_history
from store_client.persistence.db import Database
from store_client.persistence.models import Barcode, Product
from store_client.persistence.no_receipt_models import CreditNote, NoReceiptReturn
from store_client.services import shift_reports, stock
from store_client.services.auth import Actor
from store_client.services.authorization import GrantGone
from store_client.services.errors import InvalidInput, NotFound, ServiceError
from store_client.services.no_receipt_views import (
    CASH,
    STORE_CREDIT,
    NoReceiptDone,
    NoReceiptItem,
    NoReceiptPolicy,
    NoReceiptRequest,
    credit_note_slip,
    event_payload,
    return_slip,
)
from store_client.services.return_views import REASONS
from sync.protocol.events import CURRENT_VERSION, validate
from sync.terminal import outbox

log = logging.getLogger(__name__)
EVENT_KIND = "return.no_receipt"  # its schema: sync/protocol/no_receipt_events.py
MAX_QTY = 99  # units of one item without a receipt: more is a typo or not a customer's return
MAX_LINES = 50
MAX_CODE = 64
POLICIES = {"store_credit": (STORE_CREDIT,), "cash": (CASH,), "either": (STORE_CREDIT, CASH)}


class _AlreadyDone(Exception):
    """Inside the write: this request's return was committed meanwhile (roll back, read it)."""


def _valid_uuid(text: object) -> bool:
    try:
        return isinstance(text, str) and str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


class NoReceiptReturnsService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config,  # type: ignore[no-untyped-def]
                 print_queue=None) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.config, self.print_queue = config, print_queue
        self._lock = threading.Lock()

    # -- refusals: audited, nothing else written ----------------------------------------------
    def _refuse(self, actor: Actor, error: ServiceError, target: str = "") -> ServiceError:
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="return.refused", target=target[:80],
                              details={"code": error.code, "message": error.message[:200], "no_receipt": True})
        return error

    def _may_return(self, actor: Actor) -> None:
        role = self.authorizer.current_role(actor)
        if role is None or decide(role, Permission.RETURN_PROCESS) is Decision.DENY:
            self.authorizer.require(actor, Permission.RETURN_PROCESS)  # audits and raises

    def _setting(self, key: str, default):  # type: ignore[no-untyped-def]
        return self.config.values.get(key, default)

    def _tenders(self) -> tuple[str, ...]:
        return POLICIES.get(str(self._setting("returns.no_receipt_refund", "store_credit")), (STORE_CREDIT,))

    # -- the screen's steps -------------------------------------------------------------------
    def start(self, actor: Actor) -> NoReceiptPolicy:
        """A new request, with what the policy allows and what is left of today's limit."""
        self._may_return(actor)
        with self.db.read() as s:
            used = self._used_today(s)
        return NoReceiptPolicy(str(uuid.uuid4()), self._tenders(), int(self._setting("returns.no_receipt_max_fen", 50_000)),
                               max(0, int(self._setting("returns.no_receipt_day_max_fen", 200_000)) - used))

    def item(self, actor: Actor, code: str) -> NoReceiptItem:
        """The scanned (or typed) barcode or SKU, at the lowest shelf price of 90 days."""
        self._may_return(actor)
        text = code.strip() if isinstance(code, str) else ""
        with self.db.read() as s:
            return self._item(actor, s, text[:MAX_CODE])

    def _item(self, actor: Actor, s, code: str) -> NoReceiptItem:  # type: ignore[no-untyped-def]
        product = None
        if code:
            product = s.scalar(select(Product).join(Barcode, Barcode.product_id == Product.id)
                               .where(Barcode.code == code)) or s.scalar(select(Product).where(Product.sku == code))
        if product is None:
            raise self._refuse(actor, InvalidInput("code", f"{code[:40]} is not a product of this store.",
                                                   code="return.item_unknown", params={"code": code[:40]}), code)
        if product.unit == "kg":
            raise self._refuse(actor, InvalidInput("code", "A weighed item cannot be returned without its receipt.",
                                                   code="return.item_weighed"), product.sku)
        lowest = price_history.lowest_price(s, product.sku, product.price_minor, self.clock.now())
        if lowest <= 0:
            raise self._refuse(actor, InvalidInput("code", "This item has no price to refund.",
                                                   code="return.item_no_price"), product.sku)
        return NoReceiptItem(product.sku, product.name_zh, product.name_en, lowest, product.price_minor)

    def _day_start(self) -> datetime:
        """The start of the store's day now, in UTC (the day limit is per store day)."""
        local = store_time.to_store(self.clock.now())
        return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo).astimezone(self.clock.now().tzinfo)

    def _used_today(self, s) -> int:  # type: ignore[no-untyped-def]
        return int(s.scalar(select(func.coalesce(func.sum(NoReceiptReturn.refund_fen), 0)).where(
            NoReceiptReturn.terminal_id == self.config.terminal_id,
            NoReceiptReturn.completed_at >= iso(self._day_start()))) or 0)

    # -- the return ---------------------------------------------------------------------------
    def _checked(self, actor: Actor, request: NoReceiptRequest) -> list[tuple[NoReceiptItem, int]]:
        """The priced lines, or an audited refusal; checks that need no database first."""
        if not isinstance(request, NoReceiptRequest) or not _valid_uuid(request.request_id):
            raise InvalidInput("request_id", "Start the return again (no valid request).", code="return.restart")
        if request.reason_code not in REASONS:
            raise InvalidInput("reason", "Choose the reason for the return.", code="return.reason_required")
        if request.reason_code == "other" and not (request.reason_text or "").strip():
            raise InvalidInput("reason", "Describe the reason for the return.", code="return.reason_text_required")
        lines = request.lines if isinstance(request.lines, (tuple, list)) else ()
        if not lines:
            raise self._refuse(actor, InvalidInput("lines", "Scan the items being returned.",
                                                   code="refund.nothing_selected"))
        if len(lines) > MAX_LINES or not all(isinstance(x, (tuple, list)) and len(x) == 2 for x in lines):
            raise self._refuse(actor, InvalidInput("lines", "Too many items for one return.",
                                                   code="return.no_receipt_too_many"))
        skus = [sku for sku, _qty in lines]
        if len(set(skus)) != len(skus):
            raise self._refuse(actor, InvalidInput("lines", "A line is selected twice.", code="refund.duplicate_line"))
        for sku, qty in lines:
            if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY:
                raise self._refuse(actor, InvalidInput("lines", f"Enter a quantity from 1 to {MAX_QTY}.",
                                                       code="return.no_receipt_quantity",
                                                       params={"max": MAX_QTY}), str(sku)[:40])
        if request.tender not in self._tenders():
            raise self._refuse(actor, ServiceError("The store's policy does not refund this way without a receipt.",
                                                   code="return.no_receipt_tender"))
        with self.db.read() as s:
            priced = [(self._item(actor, s, str(sku)), qty) for sku, qty in lines]
            used = self._used_today(s)
        total = sum(item.unit_fen * qty for item, qty in priced)
        limit = int(self._setting("returns.no_receipt_max_fen", 50_000))
        if total > limit:
            raise self._refuse(actor, ServiceError(f"A return without receipt refunds at most {limit} fen.",
                                                   code="return.no_receipt_over_limit", params={"amount_fen": limit}))
        day = int(self._setting("returns.no_receipt_day_max_fen", 200_000))
        if used + total > day:
            raise self._refuse(actor, ServiceError("This till's limit for returns without receipt today is reached.",
                                                   code="return.no_receipt_day_limit",
                                                   params={"amount_fen": max(0, day - used)}))
        return priced

    def refund(self, actor: Actor, request: NoReceiptRequest, grant=None) -> NoReceiptDone:  # type: ignore[no-untyped-def]
        """Take the return. The same request again returns the first (``repeated``), refunded once."""
        self._may_return(actor)
        done = self.completed(getattr(request, "request_id", ""))
        if done is not None:
            return done
        priced = self._checked(actor, request)
        with self.db.read() as s:
            shift_reports.require_open_shift(s, self.config)
        # always a second person, even for a manager (as cash for an online order); the approval
        # is used up in the return's own transaction, so a return refused there leaves it
        deferred = self.authorizer.require_second_person(actor, Permission.RETURN_PROCESS, grant, defer=True)
        with self._lock:
            try:
                return self._write(actor, grant, request, priced, deferred)
            except GrantGone as gone:  # used by another action meanwhile: nothing written
                self.authorizer.refuse_gone(gone)  # audits and raises ApprovalRequired
                raise
            except ServiceError as exc:  # another return took today's limit meanwhile
                raise self._refuse(actor, exc) from None
            except (_AlreadyDone, IntegrityError):  # the same request, written meanwhile (another process)
                done = self.completed(request.request_id)
                if done is None:
                    raise
                return done

    def _write(self, actor: Actor, grant, request: NoReceiptRequest,  # type: ignore[no-untyped-def]
               priced: list[tuple[NoReceiptItem, int]], deferred=None) -> NoReceiptDone:
        config, now = self.config, self.clock.now()
        lines = [(item.sku, qty, item.unit_fen) for item, qty in priced]
        total = sum(qty * unit for _sku, qty, unit in lines)
        return_id = str(uuid.uuid4())
        code = new_credit_code() if request.tender == STORE_CREDIT else None
        with self.db.transaction() as s:
            if s.scalar(select(NoReceiptReturn.id).where(NoReceiptReturn.request_id == request.request_id)):
                raise _AlreadyDone
            self.authorizer.consume_in(s, deferred)
            if self._used_today(s) + total > int(self._setting("returns.no_receipt_day_max_fen", 200_000)):
                raise ServiceError("This till's limit for returns without receipt today is reached.",
                                   code="return.no_receipt_day_limit", params={"amount_fen": 0})
            shift_id = shift_reports.require_open_shift(s, config)
            seq = int(s.scalar(select(func.coalesce(func.max(NoReceiptReturn.return_seq), 0))
                               .where(NoReceiptReturn.terminal_id == config.terminal_id)) or 0) + 1
            return_no = f"{config.store_id}-{config.terminal_id}-N{seq:06d}"
            approved_by = grant.approved_by
            payload = event_payload(return_id=return_id, request=request, return_no=return_no,
                                    store_id=config.store_id, terminal_id=config.terminal_id,
                                    operator_id=actor.operator_id, approved_by=approved_by, completed_at=iso(now),
                                    lines=lines, credit_code=code)
            version = CURRENT_VERSION[EVENT_KIND]
            validate(EVENT_KIND, version, payload)  # fail at the till, not at HQ
            event = outbox.enqueue(s, EVENT_KIND, payload, schema_version=version, clock=self.clock)
            s.add(NoReceiptReturn(
                id=return_id, request_id=request.request_id, return_no=return_no, return_seq=seq,
                store_id=config.store_id, terminal_id=config.terminal_id, operator_id=actor.operator_id,
                approved_by=approved_by, reason_code=request.reason_code,
                reason_text=(request.reason_text or "").strip()[:200], completed_at=iso(now), refund_fen=total,
                tender=request.tender, cash_fen=total if request.tender == CASH else 0, credit_code=code,
                lines=json.dumps([list(x) for x in lines]), outbox_event_id=event.event_id, shift_id=shift_id))
            if code is not None:
                s.add(CreditNote(code=code, amount_fen=total, remaining_fen=total, return_id=return_id,
                                 issued_at=iso(now)))
            if request.reason_code != "damaged":  # a damaged item does not go back on the shelf
                stock.record(s, [Movement(sku, qty, MovementReason.RETURN, f"return:{return_id}", now)
                                 for sku, qty, _unit in lines],
                             store_id=config.store_id, terminal_id=config.terminal_id, clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="return.completed", target=return_id, details={
                "return_no": return_no, "no_receipt": True, "refund_fen": total, "tender": request.tender,
                "credit_note": code[-4:] if code else None,  # the code is money: only its end in the log
                "lines": [list(x) for x in lines], "reason": request.reason_code, "approved_by": approved_by,
                "request_id": request.request_id})
        names = {item.sku: item.name_zh or item.name_en for item, _qty in priced}
        job_id = self._print(actor, request, return_no, names, lines, now, approved_by, code, total, return_id)
        return NoReceiptDone(return_id, return_no, total, request.tender, code, job_id)

    def _print(self, actor: Actor, request: NoReceiptRequest, return_no: str, names: dict[str, str],  # type: ignore[no-untyped-def]
               lines: list[tuple[str, int, int]], now: datetime, approved_by: str, code: str | None, total: int,
               return_id: str) -> int | None:
        """Queue the slip (and the credit note) after the commit; a printer problem never undoes it."""
        if self.print_queue is None:
            return None
        config = self.config
        store_name = str(config.values.get("store.name", "") or "")
        try:
            slip = return_slip(return_no=return_no, names=names, lines=lines, tender=request.tender,
                               store_name=store_name, store_id=config.store_id, terminal_id=config.terminal_id,
                               operator=actor.name, when=now, reason_code=request.reason_code,
                               reason_text=request.reason_text, approved_by=approved_by, currency=config.currency)
            text_render.render(slip, 48)
            job_id = int(self.print_queue.submit("return", slip, title=f"return {return_no}"))
            if code is not None:
                note = credit_note_slip(code=code, amount_fen=total, return_no=return_no, store_name=store_name,
                                        store_id=config.store_id, terminal_id=config.terminal_id, when=now,
                                        currency=config.currency)
                self.print_queue.submit("return", note, title=f"credit note {return_no}")
            with self.db.transaction() as s:
                row = s.get(NoReceiptReturn, return_id)
                if row is not None:
                    row.print_job_id = job_id
            return job_id
        except Exception:
            log.exception("return slip %s could not be printed", return_no)
            return None

    def reprint(self, actor: Actor, return_id: str) -> int | None:
        """The return slip again (marked REPRINT, no drawer kick) and, for store credit, the
        credit note again (marked REPRINT: the same code, spent once whichever copy is shown);
        audited. None: no printer."""
        self._may_return(actor)
        with self.db.read() as s:
            row = s.get(NoReceiptReturn, return_id) if isinstance(return_id, str) else None
            if row is None:
                raise NotFound("That return does not exist on this terminal.", code="return.unknown")
            job_id, return_no, code, amount, when = (row.print_job_id, row.return_no, row.credit_code,
                                                     row.refund_fen, parse_iso(row.completed_at))
        new_id = None
        if self.print_queue is not None and job_id is not None:
            try:
                new_id = int(self.print_queue.reprint(job_id))
            except JobStateError:
                raise ServiceError("The return slip is still waiting for the printer: it prints by itself.",
                                   code="receipt.waiting") from None
            if code is not None:
                config = self.config
                self.print_queue.submit("return", credit_note_slip(
                    code=code, amount_fen=amount, return_no=return_no,
                    store_name=str(config.values.get("store.name", "") or ""), store_id=config.store_id,
                    terminal_id=config.terminal_id, when=when, currency=config.currency, reprint=True),
                    title=f"credit note {return_no} (reprint)")
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="return.reprinted", target=return_id,
                              details={"return_no": return_no, "print_job": new_id, "no_receipt": True})
        return new_id

    def completed(self, request_id: str) -> NoReceiptDone | None:
        """The return a request became (``repeated``), or None."""
        if not isinstance(request_id, str):
            return None
        with self.db.read() as s:
            row = s.scalar(select(NoReceiptReturn).where(NoReceiptReturn.request_id == request_id))
            if row is None:
                return None
            return NoReceiptDone(row.id, row.return_no, row.refund_fen, row.tender, row.credit_code,
                                 row.print_job_id, repeated=True)


