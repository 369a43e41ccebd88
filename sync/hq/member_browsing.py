"""What a member looked at online: recently viewed products, the wish list, what they left in
the online cart, and what they searched for.

The online shop (simulated by :mod:`sync.hq.shop_simulator`) records each product a signed-in
member views, adds to their wish list or leaves in the cart, and each search. A till asks for a member's recent list while the
member stands at the counter (``GET /v1/members/{member_id}/browsing``); HQ answers only for a
member who consented to personalization — otherwise with ``consent: false`` and no items, so
a withdrawn consent takes the browsing off the very next profile opened. Nothing of it is
replicated to the terminals: it leaves HQ for one visit only.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Engine, Index, Integer, String, Table, delete, insert, select

from sync.hq.members import MemberError, members
from sync.hq.schema import metadata
from sync.hq.stock import stock

KINDS = ("view", "wish", "cart")  # a product page seen, put on the wish list, left in the online cart
RANK = {"wish": 0, "cart": 1, "view": 2}  # what a till lists first
KEYWORDS = 5  # latest distinct search keywords a till receives
RECENT = 20  # items a till receives at most
KEEP_DAYS = 90  # older views are purged (``purge``)

browsing = Table(
    "hq_member_browsing", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", String(16), nullable=False),
    Column("sku", String(32), nullable=False),  # "" for a search
    Column("kind", String(8), nullable=False),  # view / wish / cart / search
    Column("term", String(64 * 4), nullable=True),  # what was searched
    Column("at", Integer, nullable=False),  # epoch seconds, UTC
    Index("ix_hq_member_browsing_member", "member_id", "at"),
)


class MemberBrowsing:
    def __init__(self, engine: Engine, *, clock: Any = None) -> None:
        self.engine = engine
        self._clock = clock or time.time
        metadata.create_all(engine, tables=[browsing, stock])

    def record(self, member_id: str, sku: str, kind: str = "view") -> None:
        """The online shop saw ``member_id`` view (or wish for) ``sku``."""
        if kind not in KINDS:
            raise MemberError("member.bad_kind", f"kind is one of {KINDS}")
        if not sku or len(sku) > 32:
            raise MemberError("member.bad_sku", "a SKU of 1-32 characters")
        with self.engine.begin() as conn:
            if conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
                raise MemberError("member.unknown", f"no member {member_id}")
            conn.execute(insert(browsing).values(member_id=member_id, sku=sku, kind=kind, at=int(self._clock())))

    def searched(self, member_id: str, term: str) -> None:
        """The online shop saw ``member_id`` search for ``term``."""
        term = (term or "").strip()
        if not term or len(term) > 64:
            raise MemberError("member.bad_term", "a search of 1-64 characters")
        with self.engine.begin() as conn:
            if conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
                raise MemberError("member.unknown", f"no member {member_id}")
            conn.execute(insert(browsing).values(member_id=member_id, sku="", kind="search", term=term,
                                                 at=int(self._clock())))

    def recent(self, member_id: str, *, limit: int = RECENT, store_id: str | None = None) -> dict[str, Any]:
        """The member's latest distinct products (wish list, then online cart, then views) and
        search keywords, or none without consent;
        with ``store_id``, each names the other stores that hold it (``nearby``, most first)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(members.c.personalization).where(members.c.member_id == member_id)).first()
            if row is None:
                raise MemberError("member.unknown", f"no member {member_id}")
            if not row.personalization:
                return {"member_id": member_id, "consent": False, "items": [], "keywords": []}
            rows = conn.execute(select(browsing.c.sku, browsing.c.kind, browsing.c.at, browsing.c.term)
                                .where(browsing.c.member_id == member_id)
                                .order_by(browsing.c.at.desc(), browsing.c.id.desc()).limit(500)).all()
        items: dict[str, dict[str, Any]] = {}
        keywords: list[str] = []
        for sku, kind, at, term in rows:  # newest first; a wish outranks a cart, a cart a view
            if kind == "search":
                if term and term not in keywords and len(keywords) < KEYWORDS:
                    keywords.append(term)
                continue
            seen = items.get(sku)
            if seen is None:
                items[sku] = {"sku": sku, "kind": kind, "at": int(at)}
            elif RANK.get(kind, 9) < RANK.get(seen["kind"], 9):
                seen["kind"] = kind
        ordered = sorted(items.values(), key=lambda i: (RANK.get(i["kind"], 9), -i["at"]))[:max(1, min(limit, 50))]
        if store_id is not None and ordered:
            with self.engine.connect() as conn:
                held = conn.execute(select(stock.c.sku, stock.c.store_id, stock.c.on_hand).where(
                    stock.c.sku.in_([i["sku"] for i in ordered]), stock.c.store_id != store_id,
                    stock.c.on_hand > 0).order_by(stock.c.on_hand.desc(), stock.c.store_id)).all()
            for item in ordered:
                item["nearby"] = [{"store_id": s, "on_hand": int(n)} for sku, s, n in held if sku == item["sku"]][:3]
        return {"member_id": member_id, "consent": True, "items": ordered, "keywords": keywords}

    def purge(self) -> int:
        """Drop views older than the retention limit."""
        cutoff = int(self._clock()) - KEEP_DAYS * 86400
        with self.engine.begin() as conn:
            return int(conn.execute(delete(browsing).where(browsing.c.at < cutoff)).rowcount or 0)
