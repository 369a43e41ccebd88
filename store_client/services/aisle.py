"""Endless aisle at the till: an item out here is ordered from a nearby store or a
warehouse, paid with the sale, and sent to HQ as an online order (docs/stock.md, "Endless
aisle"; HQ's side: sync/hq/aisle.py).

:meth:`AisleService.add_line` checks the source against the figure the till last pulled
(``stock_nearby``: the panel's numbers) and adds the item to the current sale as a line of
its own with its order details beside it (``aisle_cart_lines``), in the cart change's one
transaction. When the sale is completed the checkout calls :meth:`AisleService.write` inside
its completion transaction: one ``aisle.ordered`` event and one ``aisle_orders`` row per
source and fulfilment, after the sale's own event, so a crash leaves the sale with its
orders or neither. The ordered lines move no stock here (they were never here).

HQ unreachable: the order is taken on the last known figure (marked ``offline`` when that
figure is older than 10 minutes) and HQ reconciles it when the events arrive: a source that
can no longer supply it flags the order, and the till sees the flag in its pick-up list.

The customer's phone and address are kept with the cart line until the sale, then travel in
the event only; they are never logged, audited or printed (the receipt shows the masked
phone's last 4 digits the hand-over asks for).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store_client import store_time
from store_client.clock import Clock, iso, parse_iso
from store_client.domain import aisle as da
from store_client.domain import pickup as pk
from store_client.domain import pickup_codes
from store_client.domain.catalog import Unit
from store_client.persistence.db import Database
from store_client.persistence.models import AisleCartLine, AisleOrder, PickupProgress, SyncRow
from store_client.services import stock
from store_client.services.errors import InvalidInput, NotFound
from sync.terminal import outbox

if TYPE_CHECKING:
    from store_client.services.auth import Actor
    from store_client.services.checkout import CheckoutService
    from store_client.services.checkout_views import CartView
    from store_client.services.sales import SaleFacts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceView:
    """A site the associate may order from, as the till last knew it."""

    site_id: str
    name: str
    kind: str
    distance_m: int | None
    available: int
    as_of: datetime | None
    fresh: bool
    lead_days: int
    promised_at: datetime


@dataclass(frozen=True)
class ReceiptOrder:
    """What the receipt says of one order of the sale."""

    line_nos: tuple[int, ...]
    site_name: str
    site_kind: str
    fulfilment: str
    promised_at: datetime
    pickup_code: str | None
    phone_tail: str


class AisleService:
    def __init__(self, db: Database, clock: Clock, audit, checkout: CheckoutService, *,  # type: ignore[no-untyped-def]
                 config) -> None:
        self.db, self.clock, self.audit, self.checkout, self.config = db, clock, audit, checkout, config
        setting = config.values.get
        self.defaults = {"store": int(setting("aisle.lead_days_store", da.DEFAULT_LEAD_DAYS["store"])),
                         "warehouse": int(setting("aisle.lead_days_warehouse",
                                                  da.DEFAULT_LEAD_DAYS["warehouse"]))}
        self.per_site = str(setting("aisle.lead_days_sites", "") or "")
        self.english = str(getattr(config, "locale", "zh_CN")).startswith("en")

    # -- choosing a source ------------------------------------------------------------------
    def sources(self, sku: str) -> list[SourceView]:
        """Every nearby store and warehouse HQ sent a figure for, nearest stores first, with
        what is available there and the promise a line ordered now would get."""
        seen = stock.overview(self.db, sku, clock=self.clock, store_id=self.config.store_id)
        now = self.clock.now()
        out = []
        for site in (*seen.nearby, *seen.warehouses):
            lead = da.lead_days(self.per_site, site.site_id, site.kind, self.defaults)
            out.append(SourceView(site.site_id, site.name, site.kind, site.distance_m,
                                  site.figure.available, site.figure.as_of, site.figure.fresh, lead,
                                  da.promise(now, lead)))
        return out

    def add_line(self, actor: Actor, sku: str, site_id: str, qty: object, fulfilment: str,
                 phone: object, address: object = "") -> CartView:
        """Add ``qty`` of ``sku`` from ``site_id`` to the current sale as an ordered line.
        Refused (audited, nothing written): no such source, nothing available there, more
        than it has, a weighed item, no mobile number, a delivery without an address."""
        product = self.checkout.catalog.by_code(sku) if isinstance(sku, str) else None
        if product is None:
            raise NotFound(f"No product with SKU {sku!r}.", code="product.not_found",
                           params={"code": str(sku)[:64]})
        if product.unit is Unit.KG:
            self._refuse(actor, "aisle.weighed", sku, site_id, "a weighed item is not ordered from elsewhere")
        source = next((s for s in self.sources(product.sku) if s.site_id == site_id), None)
        if source is None:
            self._refuse(actor, "aisle.unknown_source", sku, site_id, "HQ sent no figure of this site")
        try:
            line = da.check(product.sku, qty, da.Source(source.site_id, source.name, source.kind,
                                                        source.available, source.as_of),
                            fulfilment, phone, address, now=self.clock.now(), lead=source.lead_days,
                            max_qty=self.checkout.limits.max_quantity)
        except da.AisleError as exc:
            self._refuse(actor, exc.code, sku, site_id, str(exc), **exc.params)
        now = iso(self.clock.now())

        def remember(s: Session, cart_id: str, line_id: int) -> None:
            s.add(AisleCartLine(cart_id=cart_id, line_id=line_id, sku=line.sku, qty=line.qty,
                                site_id=source.site_id, site_name=source.name, site_kind=source.kind,
                                available=source.available,
                                as_of=iso(source.as_of) if source.as_of else None, stale=not source.fresh,
                                fulfilment=line.fulfilment, phone=line.phone, address=line.address,
                                promised_at=iso(line.promised_at), created_at=now))

        return self.checkout.add_separate_line(
            actor, product, line.qty, remember,
            audit=("aisle.line_added", {"sku": line.sku, "qty": line.qty, "source": source.site_id,
                                        "fulfilment": line.fulfilment, "stale_figure": not source.fresh}))

    def _refuse(self, actor: Actor, code: str, sku: object, site_id: object, why: str, **params: Any) -> NoReturn:
        """Audit the refusal in its own transaction (it survives the refusal), then raise."""
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="aisle.refused",
                              target=str(sku)[:64], details={"code": code, "source": str(site_id)[:24]})
        raise InvalidInput("aisle", f"{why}.", code=code, params={k: str(v) for k, v in params.items()})

    # -- the cart's ordered lines -------------------------------------------------------------
    @staticmethod
    def is_ordered(s: Session, cart_id: str, line_id: int) -> bool:
        return s.get(AisleCartLine, (cart_id, line_id)) is not None

    @staticmethod
    def ordered_lines(s: Session, cart_id: str, live: Iterable[int]) -> dict[int, AisleCartLine]:
        """The cart's ordered lines that are still on it (a voided one is no order)."""
        wanted = set(live)
        return {row.line_id: row for row in s.scalars(select(AisleCartLine).where(
            AisleCartLine.cart_id == cart_id)) if row.line_id in wanted}

    def check_quantities(self, rows: dict[int, AisleCartLine], quantities: dict[int, int]) -> None:
        """An ordered line whose quantity was changed after ordering is refused at payment:
        the source's figure was checked for the quantity ordered."""
        for line_id, row in rows.items():
            if quantities.get(line_id) != row.qty:
                raise InvalidInput("aisle", f"Line {line_id} was ordered for {row.qty}; its quantity changed.",
                                   code="aisle.quantity_changed", params={"line": str(line_id)})

    # -- completing the sale ----------------------------------------------------------------------
    def write(self, s: Session, facts: SaleFacts, rows: dict[int, AisleCartLine]) -> tuple[ReceiptOrder, ...]:
        """Inside the sale's transaction, after its event: one order per source, fulfilment
        and customer contact, each an ``aisle.ordered`` event and an ``aisle_orders`` row;
        the cart's ordered-line rows go (with their phone and address)."""
        priced = {p.line_id: p for p in facts.priced.lines}
        products = {line.line_id: line.product for line in facts.cart.active_lines}
        groups: dict[tuple[str, str, str, str], list[AisleCartLine]] = {}
        for line_id in sorted(rows):
            row = rows[line_id]
            groups.setdefault((row.site_id, row.fulfilment, row.phone, row.address), []).append(row)
        receipt: list[ReceiptOrder] = []
        at = iso(facts.completed_at)
        for (site_id, fulfilment, phone, address), group in groups.items():
            order_id = str(uuid.uuid4())
            code = pickup_codes.new_code() if fulfilment == da.PICKUP else None
            promised = max(parse_iso(r.promised_at) for r in group)
            first = group[0]
            lines = [{"line_no": r.line_id, "sku": r.sku, "name_zh": products[r.line_id].name_zh,
                      "name_en": products[r.line_id].name_en or products[r.line_id].name_zh,
                      "category": (products[r.line_id].category_code or "-")[:32],
                      "unit": products[r.line_id].unit.value, "qty": priced[r.line_id].quantity,
                      "unit_price_minor": priced[r.line_id].unit_price_fen,
                      "net_minor": priced[r.line_id].net_fen} for r in group]
            offline = any(r.stale for r in group)
            event = outbox.enqueue(s, "aisle.ordered", {
                "order_id": order_id, "sale_id": facts.sale_id, "receipt_no": facts.receipt_no,
                "store_id": facts.store_id, "terminal_id": facts.terminal_id,
                "operator_id": facts.operator_id,
                "member_id": facts.member.member_id if facts.member else None,
                "ordered_at": at, "promised_at": iso(promised),
                "source": {"site_id": site_id, "kind": first.site_kind}, "fulfilment": fulfilment,
                "customer": {"phone": phone, "address": address or None}, "code": code,
                "offline": offline, "lines": lines}, clock=self.clock)
            s.add(AisleOrder(order_id=order_id, sale_id=facts.sale_id, receipt_no=facts.receipt_no,
                             line_nos=json.dumps([r.line_id for r in group]), site_id=site_id,
                             site_name=first.site_name, site_kind=first.site_kind, fulfilment=fulfilment,
                             promised_at=iso(promised), pickup_code=code, offline=offline,
                             outbox_event_id=event.event_id, created_at=at))
            self.audit.append(s, operator_id=facts.operator_id, action="aisle.ordered", target=order_id,
                              details={"sale": facts.sale_id, "source": site_id, "fulfilment": fulfilment,
                                       "lines": [r.line_id for r in group], "offline": offline})
            receipt.append(ReceiptOrder(tuple(r.line_id for r in group), first.site_name, first.site_kind,
                                        fulfilment, promised, code, phone[-4:]))
        s.execute(delete(AisleCartLine).where(AisleCartLine.cart_id == facts.cart_id))
        return tuple(receipt)

    # -- the receipt, in the till's language ----------------------------------------------------
    def line_notes(self, orders: tuple[ReceiptOrder, ...]) -> tuple[tuple[int, str], ...]:
        return tuple((line_no, receipt_line(o, self.english)) for o in orders for line_no in o.line_nos)

    def pickup_notes(self, orders: tuple[ReceiptOrder, ...]) -> tuple[str, ...]:
        return tuple(pickup_line(o, self.english) for o in orders if o.pickup_code)

    # -- returns ----------------------------------------------------------------------------------
    @staticmethod
    def not_handed_over(s: Session, sale_id: str) -> set[int]:
        """The sale's ordered lines whose goods the customer does not have yet (a delivery
        until HQ says it is collected: the till does not see deliveries, so always)."""
        waiting: set[int] = set()
        for order in s.scalars(select(AisleOrder).where(AisleOrder.sale_id == sale_id)):
            data = s.scalar(select(SyncRow.data).where(SyncRow.dataset == "online_orders",
                                                       SyncRow.key == order.order_id))
            progress = s.get(PickupProgress, order.order_id)
            state = json.loads(data)["state"] if data else pk.ACCEPTED
            if progress is not None and state not in pk.FINAL and pk.RANK[progress.state] > pk.RANK[state]:
                state = progress.state
            if state not in (pk.COLLECTED, pk.PARTIALLY_COLLECTED):
                waiting.update(json.loads(order.line_nos))
        return waiting


def _day(moment: datetime, english: bool) -> str:
    local = store_time.to_store(moment)
    return local.strftime("%d %b") if english else f"{local.month}月{local.day}日"


def _site(o: ReceiptOrder, english: bool) -> str:
    if english:
        return f"{o.site_name} ({'warehouse' if o.site_kind == 'warehouse' else 'store'})"
    return f"{o.site_name}（{'仓库' if o.site_kind == 'warehouse' else '门店'}）"


def receipt_line(o: ReceiptOrder, english: bool) -> str:
    """Under an ordered line: where it comes from and when (store time)."""
    day, site = _day(o.promised_at, english), _site(o, english)
    if o.fulfilment == da.DELIVERY:
        return f"Ordered from {site}, delivered home by {day}" if english else f"订货：{site}发货，预计{day}送货上门"
    return f"Ordered from {site}, pick up here from {day}" if english else f"订货：{site}调货，预计{day}到店自提"


def pickup_line(o: ReceiptOrder, english: bool) -> str:
    if english:
        return f"Pick-up code {o.pickup_code} (with phone ending {o.phone_tail})"
    return f"到店自提取货码 {o.pickup_code}（凭手机尾号 {o.phone_tail}）"
