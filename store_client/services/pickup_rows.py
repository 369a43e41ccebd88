"""Reading the pick-up rows: an order as HQ published it (``sync_rows``) joined with this
till's progress, into the views the screen gets (store_client/services/pickup.py)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.clock import parse_iso
from store_client.domain import pickup as pk
from store_client.persistence.models import PickupProgress, SyncRow
from store_client.services.pickup_views import OrderView, PickLine

DATASET = "online_orders"


def load_row(session: Session, order_id: str) -> dict | None:
    data = session.scalar(select(SyncRow.data).where(SyncRow.dataset == DATASET,
                                                     SyncRow.key == order_id))
    return json.loads(data) if data else None


def effective(row: dict, progress: PickupProgress | None) -> str:
    return further(row["state"], progress.state if progress is not None else None)


def further(hq: str, local: str | None) -> str:
    """HQ's state when HQ closed the order, else the further of HQ's and this till's."""
    if hq in pk.FINAL or local is None:
        return hq
    return local if pk.RANK[local] > pk.RANK[hq] else hq


def picks(progress: PickupProgress | None, row: dict) -> dict[int, dict]:
    if progress is not None:
        return {int(k): v for k, v in json.loads(progress.picks).items()}
    return {p["line_no"]: p for p in row.get("picks") or []}


def view(row: dict, progress: PickupProgress | None) -> OrderView:
    done = picks(progress, row)
    lines = tuple(PickLine(
        line["line_no"], line["sku"], line["name_zh"], line["name_en"], line["category"],
        line["unit"], line["qty"], int(done.get(line["line_no"], {}).get("picked", 0)),
        line["net_minor"], done.get(line["line_no"], {}).get("short_reason"),
        done.get(line["line_no"], {}).get("substitute_sku"))
        for line in sorted(row["lines"], key=lambda l: (l["category"], l["line_no"])))  # a pick list
    now = effective(row, progress)
    return OrderView(row["order_id"], row["order_no"], now, row["state"],
                     row["member"]["name"], parse_iso(row["ordered_at"]),
                     parse_iso(row["accepted_at"]) if row.get("accepted_at") else None,
                     parse_iso(row["promised_at"]), parse_iso(row["hold_until"]),
                     row["allow_substitution"], row["payment"]["amount_minor"],
                     row["refunded_minor"], lines, now != row["state"],
                     (row.get("aisle") or {}).get("problem"))


def state_code(current: str, allowed: tuple[str, ...]) -> str:
    if current in (pk.COLLECTED, pk.PARTIALLY_COLLECTED):
        return "pickup.already_collected"
    if current in (pk.CANCELLED, pk.NOT_COLLECTED):
        return f"pickup.{current}"
    if pk.READY in allowed:
        return "pickup.not_ready"
    return "pickup.not_picking" if current in (pk.ACCEPTED, pk.READY) else "pickup.illegal_transition"


def load_settings(s: Session, key: str) -> dict | None:
    data = s.scalar(select(SyncRow.data).where(SyncRow.dataset == "store_settings",
                                               SyncRow.key == key))
    return json.loads(data) if data else None
