"""Which resolutions of flagged endless-aisle orders still stand at this till, and what
HQ refused (docs/stock.md, "Endless aisle").

A resolution (``aisle_resolutions``) takes its order off the Pick-up list while its event
is waiting for HQ or was accepted. When HQ refuses the event (the sync engine marks it
``rejected``) the resolution no longer stands: the order is listed again as flagged, with
HQ's reason as a code of the one translation table (``ui/service_messages.py``), and may
be resolved again (a new row, a new event). Cash paid out by a refused cancel stays paid:
:func:`cash_paid` counts it, so a later cancel never pays it twice.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from store_client.persistence.models import AisleResolution, OutboxEvent

#: HQ's reason codes (sync/hq/aisle_resolution.py) to the till's codes of a refused
#: resolution; any other reason is ``aisle.hq_refused``.
REFUSAL_CODES = {
    ("aisle.resourced", "aisle.source_short"): "aisle.resource_refused",
    ("aisle.resourced", "aisle.resolved"): "aisle.hq_resolved",
    ("aisle.cancelled", "aisle.resolved"): "aisle.hq_resolved",
    ("aisle.cancelled", "aisle.refund_mismatch"): "aisle.hq_refund_mismatch",
    ("aisle.cancelled", "aisle.cash_mismatch"): "aisle.hq_refund_mismatch",
}
#: A refused cancel whose cash was paid out here: money a manager must sort out.
CASH_REFUSED = "aisle.cash_refused"


def refusal_code(kind: str, reason: str, cash_paid: int = 0) -> str:
    """The till's code for HQ's refusal ``reason`` of an event of ``kind``."""
    if kind == "aisle.cancelled" and cash_paid > 0:
        return CASH_REFUSED
    hq_code = reason.split(":", 1)[0] if reason.startswith("aisle.") else ""
    return REFUSAL_CODES.get((kind, hq_code), "aisle.hq_refused")


def _rejected(s: Session, event_ids: list[str]) -> dict[str, str]:
    if not event_ids:
        return {}
    return {e: r or "" for e, r in s.execute(select(OutboxEvent.event_id, OutboxEvent.last_error).where(
        OutboxEvent.event_id.in_(event_ids), OutboxEvent.status == "rejected"))}


def _of(query: Select, order_id: str | None) -> Select:
    """``query`` over the resolutions of ``order_id`` alone, or of every order (None)."""
    return query if order_id is None else query.where(AisleResolution.order_id == order_id)


def standing(s: Session, order_id: str | None = None) -> set[str]:
    """The orders with a resolution HQ has not refused (waiting for HQ, or accepted); of
    ``order_id`` alone when given."""
    rows = s.execute(_of(select(AisleResolution.order_id, AisleResolution.event_id), order_id)).all()
    refused = _rejected(s, [e for _o, e in rows if e])
    return {order for order, event_id in rows if event_id is None or event_id not in refused}


def refusals(s: Session, order_id: str | None = None) -> dict[str, str]:
    """Order id -> the till's code of HQ's refusal, for orders whose every resolution HQ
    refused (the latest one's reason); of ``order_id`` alone when given."""
    rows = s.execute(_of(select(AisleResolution.order_id, AisleResolution.event_id,
                                AisleResolution.outcome).order_by(AisleResolution.at), order_id)).all()
    refused = _rejected(s, [e for _o, e, _k in rows if e])
    paid = dict(s.execute(_of(select(AisleResolution.order_id, func.sum(AisleResolution.cash_minor))
                              .group_by(AisleResolution.order_id), order_id)).all())
    out: dict[str, str] = {}
    standing_ = set()
    for order_id, event_id, outcome in rows:
        if event_id is None or event_id not in refused:
            standing_.add(order_id)
            continue
        out[order_id] = refusal_code(f"aisle.{outcome}", refused[event_id], int(paid.get(order_id) or 0))
    return {k: v for k, v in out.items() if k not in standing_}


def cash_paid(s: Session, order_id: str) -> int:
    """What tills' drawers paid out for ``order_id`` so far (a refused cancel's cash included)."""
    return int(s.scalar(select(func.coalesce(func.sum(AisleResolution.cash_minor), 0)).where(
        AisleResolution.order_id == order_id)) or 0)


def cash_of_shift(s: Session, shift_id: str) -> int:
    """What cancels of aisle orders paid out of the drawer in ``shift_id`` (its expected cash)."""
    return int(s.scalar(select(func.coalesce(func.sum(AisleResolution.cash_minor), 0)).where(
        AisleResolution.shift_id == shift_id)) or 0)
