"""What a sale's receipt carries besides the sale: the signed return proof and the link to
join as a member. Neither ever fails the sale: without it the receipt simply lacks that QR
(logged)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from store_client.services import sales
from sync.protocol.receipt_proof import sign_receipt

log = logging.getLogger(__name__)


def return_proof(receipt_key: Callable[[], Any] | None, facts: sales.SaleFacts) -> str:
    """The receipt's signed proof: what any store needs to take a return offline. A till
    without a usable key still sells."""
    try:
        key = receipt_key() if receipt_key is not None else None
        return sign_receipt(key, sales.payload(facts)) if key is not None else ""
    except Exception:
        log.exception("receipt %s is printed without its return proof", facts.receipt_no)
        return ""


def join_url(config: Any, receipt_key: Callable[[], Any] | None, facts: sales.SaleFacts) -> str:
    """A sale without a member: the receipt's signed link to join and earn its points
    (``members.receipt_link_days``; needs HQ's page and this till's key)."""
    days = int(config.values.get("members.receipt_link_days", 30))
    page = config.values.get("hq.url", "")
    if facts.member is not None or days <= 0 or not page or receipt_key is None:
        return ""
    try:
        from store_client.services.member_enrollment import receipt_link

        key = receipt_key()
        if key is None:
            return ""
        return receipt_link(key, page, store_id=facts.store_id,
                            terminal_id=facts.terminal_id, operator_id=facts.operator_id,
                            sale_id=facts.sale_id, completed_at=facts.completed_at, days=days)
    except Exception:
        log.exception("receipt %s is printed without its join link", facts.receipt_no)
        return ""
