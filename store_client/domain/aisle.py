"""Endless aisle: an item out here, ordered at the till from a nearby store or a warehouse.

Qt-free and database-free. The associate picks a *source* (a site HQ says holds the item,
as last pulled: :class:`Source`), a quantity and how the customer gets it (picked up here,
or delivered home to an address typed at the till). The line is paid with the sale; the
order goes to HQ as an ``aisle.ordered`` event in the sale's transaction, and HQ reserves
the stock at the source (sync/hq/aisle.py). The promise is a lead time per source, in days.

The checks here are the till's: a source without available stock, a quantity above what it
has, a delivery without an address, a phone that is not a mainland mobile number are refused
before anything is written. HQ checks the source again when the order arrives, since the
till's figure may be old (an order taken offline is allowed on the last known figure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

PICKUP, DELIVERY = "pickup", "delivery"
FULFILMENTS = (PICKUP, DELIVERY)
SOURCE_KINDS = ("store", "warehouse")
#: Days from the sale to the promise when no setting names the source or its kind.
DEFAULT_LEAD_DAYS = {"store": 1, "warehouse": 2}
MAX_LEAD_DAYS = 60
MIN_ADDRESS, MAX_ADDRESS = 6, 200
_MOBILE = re.compile(r"1[3-9]\d{9}")


class AisleError(ValueError):
    """The order line is refused; ``code`` names the rule (a ServiceError code), the text
    is for the log and never names the customer's phone or address."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Source:
    """A site to order from, with its stock as the till last knew it (HQ's figure:
    on hand less what HQ said is reserved there)."""

    site_id: str
    name: str
    kind: str  # store | warehouse
    available: int
    as_of: datetime | None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A checked order line: what the till stores with the cart line and sends to HQ."""

    sku: str
    qty: int
    source: Source
    fulfilment: str
    phone: str  # 11 digits; never logged or audited
    address: str  # delivery only ("" for pick-up here); never logged or audited
    promised_at: datetime


def lead_days(settings: str, site_id: str, kind: str, defaults: dict[str, int]) -> int:
    """The lead time of ``site_id``: its own entry in ``settings`` (``"S002:1,W01:3"``),
    else the default of its kind. An entry that does not parse is ignored (the config check
    refuses such a setting at start-up: :func:`settings_problem`)."""
    for item in settings.split(","):
        name, _, days = item.strip().partition(":")
        if name.strip() == site_id and days.strip().isdigit():
            return min(int(days.strip()), MAX_LEAD_DAYS)
    return defaults.get(kind, DEFAULT_LEAD_DAYS.get(kind, 1))


def settings_problem(value: object) -> str | None:
    """For the config check of ``aisle.lead_days_sites``: None when usable."""
    if not isinstance(value, str):
        return "must be text like S002:1,W01:3"
    for item in filter(None, (i.strip() for i in value.split(","))):
        name, sep, days = item.partition(":")
        if not sep or not name.strip() or not days.strip().isdigit() or int(days) > MAX_LEAD_DAYS:
            return f"entry {item!r}: write SITE:DAYS with 0 to {MAX_LEAD_DAYS} days"
    return None


def _digits(phone: object) -> str:
    return "".join(ch for ch in phone if ch.isdigit()) if isinstance(phone, str) else ""


def check(sku: str, qty: object, source: Source, fulfilment: str, phone: object,
          address: object, *, now: datetime, lead: int, max_qty: int = 999) -> OrderLine:
    """The order line, or :class:`AisleError` naming the first rule it breaks."""
    if source.kind not in SOURCE_KINDS:
        raise AisleError("aisle.bad_source", f"{source.site_id} is not a store or a warehouse")
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= max_qty:
        raise AisleError("aisle.bad_quantity", f"quantity {qty!r} is not 1 to {max_qty}",
                         max=max_qty)
    if source.available <= 0:
        raise AisleError("aisle.source_empty", f"{source.site_id} has no {sku} available",
                         site=source.name)
    if qty > source.available:
        raise AisleError("aisle.quantity_above_source",
                         f"{qty} of {sku} asked, {source.site_id} has {source.available}",
                         available=source.available)
    if fulfilment not in FULFILMENTS:
        raise AisleError("aisle.bad_fulfilment", f"unknown fulfilment {fulfilment!r}")
    digits = _digits(phone)
    if not _MOBILE.fullmatch(digits):
        raise AisleError("aisle.phone_required", "the customer's mobile number is missing or malformed")
    text = " ".join(address.split()) if isinstance(address, str) else ""
    if fulfilment == DELIVERY:
        if len(text) < MIN_ADDRESS:
            raise AisleError("aisle.address_required", "a delivery needs the address")
        if len(text) > MAX_ADDRESS:
            raise AisleError("aisle.address_too_long", f"an address has at most {MAX_ADDRESS} characters")
    else:
        text = ""  # picked up here: an address typed by mistake is not kept
    if now.tzinfo is None:
        raise AisleError("aisle.naive_time", "times are aware UTC datetimes")
    return OrderLine(sku, qty, source, fulfilment, digits, text, promise(now, lead))


def promise(now: datetime, lead: int) -> datetime:
    """When the order is promised: ``lead`` whole days after the sale."""
    return now + timedelta(days=max(0, min(lead, MAX_LEAD_DAYS)))


def masked_phone(phone: str) -> str:
    """``138****8000``: what a receipt or a screen may show of the customer's phone."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
