"""The demo till's copy of HQ's stock figures, as a pull would leave them: this store's own
(``stock_levels``) and its neighbours' and the warehouse's (``stock_nearby``) for the first
products, with the demo HQ's sites (``sync.hq.demo_data.SITES``) and their distances, so
Product lookup shows other stores without an HQ. One neighbour's figure is 25 minutes old,
to show a stale one; the rest age like any figure that no pull refreshes."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from sqlalchemy import delete, text

from store_client.clock import iso
from store_client.persistence.db import Database
from store_client.persistence.models import SyncRow


def load(db: Database, *, seed: int, now: datetime, store_id: str, products: int = 200) -> int:
    """Write (replace) the demo's stock rows; returns how many."""
    from sync.hq.demo_data import SITES
    from sync.hq.sites import Site, compute_neighbours

    sites = {s[0]: Site(*s) for s in SITES}
    if store_id not in sites:
        return 0
    mine = compute_neighbours(list(sites.values()))[store_id]
    rnd = random.Random(f"stock-{seed}")
    rows: list[SyncRow] = []
    with db.transaction() as s:
        skus = list(s.execute(text("SELECT sku FROM products WHERE active ORDER BY id LIMIT :n"),
                              {"n": products}).scalars())
        stale_site = next(iter(sorted(mine, key=lambda k: (mine[k] is None, mine[k] or 0))), None)
        for sku in skus:
            rows.append(SyncRow(dataset="stock_levels", key=sku, data=json.dumps(
                {"sku": sku, "on_hand": rnd.randint(0, 40), "as_of": iso(now - timedelta(minutes=1))})))
            for site_id, distance in mine.items():
                site = sites[site_id]
                age = timedelta(minutes=25 if site_id == stale_site else rnd.randint(0, 6))
                on_hand = rnd.randint(200, 3000) if site.kind == "warehouse" else rnd.choice([0, 2, 5, 8, 13, 21])
                rows.append(SyncRow(dataset="stock_nearby", key=f"{sku}|{site_id}", data=json.dumps(
                    {"sku": sku, "site_id": site_id, "name": site.name, "kind": site.kind, "distance_m": distance,
                     "on_hand": on_hand, "as_of": iso(now - age)}, ensure_ascii=False, separators=(",", ":"))))
        s.execute(delete(SyncRow).where(SyncRow.dataset.in_(("stock_levels", "stock_nearby"))))
        s.add_all(rows)
    return len(rows)
