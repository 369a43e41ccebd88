"""HQ's check of an exchange (docs/returns.md, "Exchanges"): the return and its new sale
arrive as their usual events, the sale first (one till transaction wrote both, in that
order). The return names its new sale; HQ holds the two to each other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def exchange_problem(ret: Mapping[str, Any], new_sale: Mapping[str, Any] | None) -> str | None:
    """Why an exchange's return (``return.completed`` with ``exchange``) does not match its
    new sale as HQ received it, or None: the sale must be known, of the same terminal, and
    name this return with the same exchange id and the same credit."""
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
