"""Promotions as this terminal knows them offline: HQ's ``promotions`` dataset.

Row shape (key = the promotion id)::

    {"id": "P0001", "kind": "percent_off", "name_zh": "洗护 9 折",
     "name_en": "Personal care 10% off", "priority": 100, "exclusive": false,
     "member_only": false, "starts": "...", "ends": "...",
     "scope": {"skus": [], "categories": ["personal_care"], "exclude_skus": []},
     "percent_bp": 1000}

Kinds and their own fields: ``percent_off`` (percent_bp), ``amount_off`` (amount_fen),
``member_price`` (prices: {sku: fen}), ``buy_x_get_y`` (buy, get), ``threshold``
(threshold_fen, amount_fen, repeat, max_times). The till shows and prints ``name_zh`` or
``name_en`` by its language (``name``: an older row's Chinese name), or "促销" /
"Promotion" when the row has no name in it: one language, never the internal id. A
malformed row is skipped (logged), never allowed to stop a sale. The
:class:`PromotionBook` is rebuilt only when the dataset changes (its pull cursor, row
count or size).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from store_client.domain.pricing import PromotionBook
from store_client.persistence.db import driver
from store_client.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MemberPrice,
    PercentOff,
    Promotion,
    PromotionError,
    Threshold,
)
from store_client.services.coupons_local import moment, scope_from

DATASET = "promotions"
log = logging.getLogger(__name__)


GENERIC_NAME = {"zh_CN": "促销", "en": "Promotion"}


def display_name(data: dict[str, Any], locale: str) -> str:
    """The promotion's name for a till in ``locale`` (never its id)."""
    english = locale == "en"
    name = str((data.get("name_en") if english else data.get("name_zh") or data.get("name"))
               or "").strip()
    return (name or GENERIC_NAME["en" if english else "zh_CN"])[:200]


def promotion_from(data: dict[str, Any], locale: str = "zh_CN") -> Promotion:
    common = {"id": data["id"], "name": display_name(data, locale),
              "priority": int(data.get("priority", 100)),
              "exclusive": bool(data.get("exclusive", False)),
              "starts": moment(data.get("starts")), "ends": moment(data.get("ends")),
              "scope": scope_from(data.get("scope"))}
    kind = data["kind"]
    member_only = bool(data.get("member_only", False))
    if kind == "percent_off":
        return PercentOff(**common, member_only=member_only, percent_bp=data["percent_bp"])
    if kind == "amount_off":
        return AmountOff(**common, member_only=member_only, amount_fen=data["amount_fen"])
    if kind == "member_price":
        return MemberPrice(**common, prices=dict(data["prices"]))
    if kind == "buy_x_get_y":
        return BuyXGetY(**common, member_only=member_only, buy=data["buy"], get=data["get"])
    if kind == "threshold":
        return Threshold(**common, member_only=member_only, threshold_fen=data["threshold_fen"],
                         amount_fen=data["amount_fen"], repeat=bool(data.get("repeat", False)),
                         max_times=data.get("max_times"))
    raise PromotionError(f"unknown promotion kind {kind!r}")


# Read on every scan: on the driver connection (no ORM work), and cheap for a book of hundreds.
_FINGERPRINT = ("SELECT count(*), coalesce(sum(length(data)), 0), "
                "(SELECT coalesce(cursor, '') || '|' || coalesce(updated_at, '') FROM sync_cursors "
                " WHERE dataset = ?) FROM sync_rows WHERE dataset = ?")


class LocalPromotions:
    """The promotion book from ``sync_rows``, cached until the dataset changes."""

    def __init__(self, locale: str = "zh_CN") -> None:
        self.locale = locale
        self._fingerprint: tuple | None = None
        self._book = PromotionBook(())

    def book(self, session: Session) -> PromotionBook:
        fingerprint = tuple(driver(session).execute(_FINGERPRINT, (DATASET, DATASET)).fetchone())
        if fingerprint != self._fingerprint:
            promotions = []
            for key, raw in session.execute(text(
                    "SELECT key, data FROM sync_rows WHERE dataset = :ds ORDER BY key"),
                    {"ds": DATASET}):
                try:
                    promotions.append(promotion_from(json.loads(raw), self.locale))
                except (PromotionError, ValueError, KeyError, TypeError) as exc:
                    log.warning("promotion %s from HQ is unusable and skipped: %s", key, exc)
            self._book = PromotionBook(promotions)
            self._fingerprint = fingerprint  # type: ignore[assignment]
        return self._book
