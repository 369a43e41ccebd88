"""Resolving a flagged endless-aisle order at the till (docs/stock.md, "Endless aisle").

An order whose source turned out short at HQ shows on Pick-up as 订货：来源缺货. The
associate calls the customer, then either re-sources it (another nearby store or a warehouse
with every line available, as last pulled) or cancels it and refunds the customer. Each is
one transaction: an ``aisle_resolutions`` row (the till resolves an order once, and leaves
it off its pick-up list meanwhile), the event for HQ (``aisle.resourced`` /
``aisle.cancelled``, which HQ applies exactly once and checks again against its own
figures) and the audit entry. A refusal is audited and writes nothing else.

The part of a cancelled order the customer paid in cash (HQ publishes it with the order,
``aisle.cash_minor``) is paid back from this till's drawer in the cancel's transaction: it
needs an open shift here, counts in that shift's expected cash as a cash refund, and its
slip (which opens the drawer) joins the transaction as a print job; the event tells HQ the
cash paid here, and HQ refunds only the rest through the payment provider. A resolution HQ
refuses no longer stands (services/aisle_state.py): the order comes back flagged and may
be resolved again, and cash once paid out for it is never paid again.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import select

from printers.document import Document
from store_client.clock import Clock, iso
from store_client.domain import aisle as da
from store_client.domain import pickup as pk
from store_client.domain.money import Money
from store_client.domain.roles import Permission
from store_client.persistence.db import Database
from store_client.persistence.models import AisleResolution, PickupProgress, SyncRow
from store_client.services import aisle_state, pickup_rows, shift_reports, stock
from store_client.services.approvals import ApprovalGrant
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError
from sync.protocol.aisle_resolution_events import CANCELLED, RESOURCED
from sync.protocol.events import CURRENT_VERSION
from sync.terminal import outbox


class ResolutionRefused(ServiceError):
    def __init__(self, code: str, message: str, params: dict[str, object] | None = None) -> None:
        super().__init__(message, code=code, params=params)


@dataclass(frozen=True)
class Alternative:
    """A site that could supply the flagged order, as the till last knew it."""

    site_id: str
    name: str
    kind: str  # store | warehouse
    distance_m: int | None
    available: int  # of the line with the least available there
    enough: bool  # every line available
    fresh: bool
    promised_at: datetime


class AisleResolutionService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config,  # type: ignore[no-untyped-def]
                 print_queue=None) -> None:
        """``print_queue``: a queue, None, or a callable returning one (built off the UI thread)."""
        self.db, self.clock, self.audit, self.authorizer, self.config = db, clock, audit, authorizer, config
        self._print_queue = print_queue
        setting = config.values.get
        self.defaults = {"store": int(setting("aisle.lead_days_store", da.DEFAULT_LEAD_DAYS["store"])),
                         "warehouse": int(setting("aisle.lead_days_warehouse", da.DEFAULT_LEAD_DAYS["warehouse"]))}
        self.per_site = str(setting("aisle.lead_days_sites", "") or "")

    def _refuse(self, actor: Actor, code: str, order_id: object, why: str, **params: Any) -> NoReturn:
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.refused", target=str(order_id)[:64],
                              details={"code": code, "step": "resolve"})
        raise ResolutionRefused(code, why, dict(params))

    def _flagged(self, actor: Actor, order_id: str) -> dict:
        """The flagged, open order of this store as pulled; refused otherwise."""
        with self.db.read() as s:
            data = s.scalar(select(SyncRow.data).where(SyncRow.dataset == "online_orders", SyncRow.key == order_id)) \
                if isinstance(order_id, str) else None
            mine = s.get(PickupProgress, order_id) if data is not None else None
            resolved = bool(aisle_state.standing(s, order_id)) if data is not None else False
        row = json.loads(data) if data is not None else None
        if row is None or row.get("store_id") != self.config.store_id or not row.get("aisle"):
            self._refuse(actor, "aisle.unknown_order", order_id, "no endless-aisle order of this store")
        state = pickup_rows.further(row["state"], mine.state if mine is not None else None)
        if resolved or not row["aisle"].get("problem") or state not in pk.OPEN:
            self._refuse(actor, "aisle.resolved", order_id, "the order is not flagged, or was resolved already")
        return row

    def alternatives(self, actor: Actor, order_id: str) -> list[Alternative]:
        """Every other site HQ sent figures for, with whether it has every line of the order."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        row = self._flagged(actor, order_id)
        wanted: dict[str, int] = {}
        for line in row["lines"]:
            wanted[line["sku"]] = wanted.get(line["sku"], 0) + int(line["qty"])
        sites: dict[str, tuple[Any, dict[str, int]]] = {}
        for sku in wanted:
            seen = stock.overview(self.db, sku, clock=self.clock, store_id=self.config.store_id)
            for site in (*seen.nearby, *seen.warehouses):
                sites.setdefault(site.site_id, (site, {}))[1][sku] = site.figure.available
        now = self.clock.now()
        out = []
        for site, figures in sites.values():
            least = min(figures.get(sku, 0) - qty for sku, qty in wanted.items())
            lead = da.lead_days(self.per_site, site.site_id, site.kind, self.defaults)
            out.append(Alternative(site.site_id, site.name, site.kind, site.distance_m,
                                   min(figures.get(sku, 0) for sku in wanted), least >= 0, site.figure.fresh,
                                   da.promise(now, lead)))
        out.sort(key=lambda a: (not a.enough, a.kind != "store", a.distance_m is None, a.distance_m or 0, a.site_id))
        return out

    def resource(self, actor: Actor, order_id: str, site_id: str) -> Alternative:
        """Order it from ``site_id`` instead (every line available there as last pulled)."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        row = self._flagged(actor, order_id)
        chosen = next((a for a in self.alternatives(actor, order_id) if a.site_id == site_id), None)
        if chosen is None:
            self._refuse(actor, "aisle.unknown_source", order_id, "HQ sent no figure of this site")
        if not chosen.enough:
            self._refuse(actor, "aisle.source_empty", order_id, "that site has not got every line",
                         site=chosen.name)
        now = self.clock.now()
        with self.db.transaction() as s:
            if aisle_state.standing(s, order_id):  # another op of this till just did
                raise ResolutionRefused("aisle.resolved", "resolved already")
            event = outbox.enqueue(s, RESOURCED, {
                "order_id": order_id, "store_id": self.config.store_id, "terminal_id": self.config.terminal_id,
                "operator_id": actor.operator_id, "at": iso(now), "source": {"site_id": site_id, "kind": chosen.kind},
                "promised_at": iso(chosen.promised_at)}, clock=self.clock)
            s.add(AisleResolution(id=str(uuid.uuid4()), order_id=order_id, outcome="resourced", site_id=site_id,
                                  refund_minor=0, event_id=event.event_id, operator_id=actor.operator_id,
                                  at=iso(now)))
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.resourced", target=row["order_no"],
                              details={"from": row["aisle"].get("source_site_id"), "to": site_id})
        return chosen

    def cancel(self, actor: Actor, order_id: str, reason: str, grant: ApprovalGrant | None = None) -> int:
        """Cancel it and refund what is left of its payment: its cash part from this till's
        drawer now, the rest by HQ through its refund ledger. A refund: whoever may refund
        (or with a manager's ``grant``). Returns the whole refund."""
        return self.cancel_paying(actor, order_id, reason, grant)[0]

    def cancel_paying(self, actor: Actor, order_id: str, reason: str,
                      grant: ApprovalGrant | None = None) -> tuple[int, int]:
        """:meth:`cancel`, returning (the whole refund, the cash paid out of the drawer now)."""
        self.authorizer.require(actor, Permission.RETURN_PROCESS, grant)
        reason = " ".join(str(reason).split())
        if not 3 <= len(reason) <= 200:
            self._refuse(actor, "aisle.bad_reason", order_id, "a cancel needs a reason of 3 to 200 characters")
        row = self._flagged(actor, order_id)
        refund = int(row["payment"]["amount_minor"]) - int(row.get("refunded_minor") or 0)
        cash_part = min(max(int(row["aisle"].get("cash_minor") or 0), 0), refund)
        with self.db.read() as s:
            due = max(cash_part - aisle_state.cash_paid(s, order_id), 0)
            no_shift = due > 0 and shift_reports.open_shift(s, self.config.terminal_id) is None
        if no_shift:
            self._refuse(actor, "aisle.no_shift", order_id, "cash is paid back from an open shift's drawer")
        now, job, queue = self.clock.now(), None, self._queue()
        with self.db.transaction() as s:
            if aisle_state.standing(s, order_id):
                raise ResolutionRefused("aisle.resolved", "resolved already")
            paid_before = aisle_state.cash_paid(s, order_id)
            due = max(cash_part - paid_before, 0)
            shift = shift_reports.open_shift(s, self.config.terminal_id) if due else None
            if due and shift is None:  # closed meanwhile: nothing is written
                raise ResolutionRefused("aisle.no_shift", "no open shift on this till")
            approved_by = grant.approved_by if grant is not None else None
            event = outbox.enqueue(s, CANCELLED, {
                "order_id": order_id, "store_id": self.config.store_id, "terminal_id": self.config.terminal_id,
                "operator_id": actor.operator_id, "at": iso(now), "reason": reason, "refund_minor": refund,
                "cash_minor": paid_before + due, "approved_by": approved_by},
                schema_version=CURRENT_VERSION[CANCELLED], clock=self.clock)
            if shift is not None and queue is not None:  # cash paid out: its slip opens the drawer
                job = queue.submit("aisle.refund", self._slip(actor, row, shift.shift_no, refund, due, reason),
                                   title=f"refund {row['order_no']}", session=s)
            s.add(AisleResolution(id=str(uuid.uuid4()), order_id=order_id, outcome="cancelled", site_id=None,
                                  refund_minor=refund, cash_minor=due, shift_id=shift.id if shift else None,
                                  event_id=event.event_id, print_job_id=job, operator_id=actor.operator_id,
                                  at=iso(now)))
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.cancelled", target=row["order_no"],
                              details={"refund_minor": refund, "cash_minor": due, "cash_paid_before": paid_before,
                                       "reason": reason, "approved_by": approved_by})
        if job is not None:
            queue.wake()
        return refund, due

    def _queue(self):  # type: ignore[no-untyped-def]
        queue = self._print_queue() if callable(self._print_queue) else self._print_queue
        return queue if queue is not None and getattr(queue, "profile", None) else None

    def _slip(self, actor: Actor, row: dict, shift_no: str, refund: int, cash: int, reason: str) -> Document:
        """The customer's slip of the cash paid back (it kicks the drawer open)."""
        values, currency = self.config.values, self.config.currency
        head = shift_reports.header(values.get("store.name", ""), self.config.store_id, self.config.terminal_id,
                                    f"{actor.name} ({actor.operator_id})", self.clock.now())
        rows = [("订单 Order", row["order_no"]), ("退款合计 Refund", str(Money(refund, currency))),
                ("现金退回 Cash paid back", str(Money(cash, currency)))]
        if refund > cash:
            rows.append(("原路退回 To the original payment", str(Money(refund - cash, currency))))
        rows.append(("原因 Reason", reason))
        return shift_reports.cash_slip(head, "订货取消退款 ORDER CANCELLED, REFUND", shift_no, rows)
