"""Resolving a flagged endless-aisle order at the till (docs/stock.md, "Endless aisle").

An order whose source turned out short at HQ shows on Pick-up as 订货：来源缺货. The
associate calls the customer, then either re-sources it (another nearby store or a warehouse
with every line available, as last pulled) or cancels it and refunds the customer. Each is
one transaction: an ``aisle_resolutions`` row (the till resolves an order once, and leaves
it off its pick-up list meanwhile), the event for HQ (``aisle.resourced`` /
``aisle.cancelled``, which HQ applies exactly once and checks again against its own
figures) and the audit entry. A refusal is audited and writes nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import select

from store_client.clock import Clock, iso
from store_client.domain import aisle as da
from store_client.domain import pickup as pk
from store_client.domain.roles import Permission
from store_client.persistence.db import Database
from store_client.persistence.models import AisleResolution, PickupProgress, SyncRow
from store_client.services import pickup_rows, stock
from store_client.services.approvals import ApprovalGrant
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError
from sync.protocol.aisle_resolution_events import CANCELLED, RESOURCED
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
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config) -> None:  # type: ignore[no-untyped-def]
        self.db, self.clock, self.audit, self.authorizer, self.config = db, clock, audit, authorizer, config
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
            resolved = s.get(AisleResolution, order_id) if data is not None else None
        row = json.loads(data) if data is not None else None
        if row is None or row.get("store_id") != self.config.store_id or not row.get("aisle"):
            self._refuse(actor, "aisle.unknown_order", order_id, "no endless-aisle order of this store")
        state = pickup_rows.further(row["state"], mine.state if mine is not None else None)
        if resolved is not None or not row["aisle"].get("problem") or state not in pk.OPEN:
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
            if s.get(AisleResolution, order_id) is not None:  # another op of this till just did
                raise ResolutionRefused("aisle.resolved", "resolved already")
            s.add(AisleResolution(order_id=order_id, outcome="resourced", site_id=site_id, refund_minor=0,
                                  operator_id=actor.operator_id, at=iso(now)))
            outbox.enqueue(s, RESOURCED, {
                "order_id": order_id, "store_id": self.config.store_id, "terminal_id": self.config.terminal_id,
                "operator_id": actor.operator_id, "at": iso(now), "source": {"site_id": site_id, "kind": chosen.kind},
                "promised_at": iso(chosen.promised_at)}, clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.resourced", target=row["order_no"],
                              details={"from": row["aisle"].get("source_site_id"), "to": site_id})
        return chosen

    def cancel(self, actor: Actor, order_id: str, reason: str, grant: ApprovalGrant | None = None) -> int:
        """Cancel it; HQ refunds what is left of the payment through its refund ledger. A
        refund: whoever may refund (or with a manager's ``grant``). Returns the refund."""
        self.authorizer.require(actor, Permission.RETURN_PROCESS, grant)
        reason = " ".join(str(reason).split())
        if not 3 <= len(reason) <= 200:
            self._refuse(actor, "aisle.bad_reason", order_id, "a cancel needs a reason of 3 to 200 characters")
        row = self._flagged(actor, order_id)
        refund = int(row["payment"]["amount_minor"]) - int(row.get("refunded_minor") or 0)
        now = self.clock.now()
        with self.db.transaction() as s:
            if s.get(AisleResolution, order_id) is not None:
                raise ResolutionRefused("aisle.resolved", "resolved already")
            s.add(AisleResolution(order_id=order_id, outcome="cancelled", site_id=None, refund_minor=refund,
                                  operator_id=actor.operator_id, at=iso(now)))
            outbox.enqueue(s, CANCELLED, {
                "order_id": order_id, "store_id": self.config.store_id, "terminal_id": self.config.terminal_id,
                "operator_id": actor.operator_id, "at": iso(now), "reason": reason, "refund_minor": refund,
                "approved_by": grant.approved_by if grant is not None else None}, clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.cancelled", target=row["order_no"],
                              details={"refund_minor": refund, "reason": reason,
                                       "approved_by": grant.approved_by if grant is not None else None})
        return refund
