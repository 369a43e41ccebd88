"""HQ's check of an exchange (docs/returns.md, "Exchanges"): the return and its new sale
arrive as their usual events, the sale first (one till transaction wrote both, in that
order). The return names its new sale; HQ holds the two to each other. The return is a
``return.completed`` of the till's own sale, or a ``return.taken`` (v3) of another store's
sale or an online order, whose exchange credit must also be the one the till reserved with
(``sync/hq/exchange_credits.py``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from sync.hq import exchange_credits


def exchange_problem(ret: Mapping[str, Any], new_sale: Mapping[str, Any] | None) -> str | None:
    """Why an exchange's return (``return.completed`` or ``return.taken`` with ``exchange``)
    does not match its new sale as HQ received it, or None: the sale must be known, of the
    same terminal, and name this return with the same exchange id and the same credit."""
    link = ret.get("exchange")
    if not link:
        return None
    if new_sale is None:
        return f"exchange {link['exchange_id']}: its new sale {link['sale_id']} has not been received"
    if (new_sale.get("store_id"), new_sale.get("terminal_id")) != (ret["store_id"], ret["terminal_id"]):
        return f"exchange {link['exchange_id']}: its new sale was made on another terminal"
    other = new_sale.get("exchange") or {}
    if (other.get("exchange_id"), other.get("return_id"), other.get("credit_minor")) != (
            link["exchange_id"], ret["return_id"], link["credit_minor"]):
        return (f"exchange {link['exchange_id']}: the new sale {link['sale_id']} does not name this "
                "return with the same exchange and credit")
    return None


def new_sale_of(conn: Connection, sale_id: str, batch_sales: Sequence[Mapping[str, Any]]) -> dict | None:
    """A sale as HQ holds it, or as accepted earlier in the same batch (not committed yet)."""
    from sync.hq import schema as t

    row = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == sale_id))
    row = row or next((r["payload"] for r in batch_sales if r["sale_id"] == sale_id), None)
    return json.loads(row) if row else None


def taken_problem(conn: Connection, data: Mapping[str, Any], batch_sales: Sequence[Mapping[str, Any]]) -> str | None:
    """Why a ``return.taken`` cannot be right as an exchange (or as a plain return), or None:
    its link must hold (above), and its credit must be the one its till marked when it
    reserved the return: none for a plain return, the same per tender for an exchange."""
    link = data.get("exchange")
    if link:
        problem = exchange_problem(data, new_sale_of(conn, link["sale_id"], batch_sales))
        if problem:
            return problem
    return exchange_credits.refusal(conn, data["return_id"], data["store_id"], data["terminal_id"],
                                    exchange_credits.of_event(data))
