"""Publishing HQ's stock positions to the stores that need them.

A position of site X that moved (``hq_stock.dirty``) goes to X's own ``stock_levels`` (a
store's tills; a warehouse has none) and to ``stock_nearby`` of every store that has X as a
neighbour (:mod:`sync.hq.sites`), keyed ``"{sku}|{X}"`` so a till reads every site of one
SKU with one range read. Its dirty mark is cleared afterwards only where the position did
not move meanwhile: a crash between publishing and clearing publishes it again (the same
row, once per key), never loses it.

A store that gained a neighbour receives that site's current positions (*backfill*) in
batches, resumable from the last SKU sent; a store that lost one has those rows deleted
the same way.

One lock orders everything that publishes stock from one HQ database, in this process and
in every other HQ process sharing the database (:mod:`sync.hq.publish_lock`): two
publishers reading the same position at different moments could otherwise publish the
older figure last.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update

from sync.hq import pickup_holds
from sync.hq.publish_lock import publish_lock
from sync.hq import sites as hq_sites
from sync.hq.stock import stock
from sync.protocol.datasets import nearby_key

BACKFILL_BATCH = 1_000


def _site_info(conn: Any, site_ids: Iterable[str]) -> dict[str, hq_sites.Site]:
    ids = list(set(site_ids))
    return {r.site_id: hq_sites.Site(r.site_id, r.kind, r.name, r.lat_micro, r.lon_micro)
            for r in conn.execute(select(hq_sites.sites).where(hq_sites.sites.c.site_id.in_(ids)))} if ids else {}


def _nearby_row(sku: str, site: hq_sites.Site, distance: int | None, on_hand: int, as_of: str,
                held: int = 0) -> dict:
    row = {"sku": sku, "site_id": site.site_id, "name": site.name, "kind": site.kind, "distance_m": distance,
           "on_hand": int(on_hand), "as_of": as_of}
    if held:
        row["reserved"] = int(held)  # aisle orders sourced there and its own pick-up orders hold it
    return row


def _held(conn: Any, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """What is held at each (site, SKU) of ``pairs``: open endless-aisle orders sourced there
    and the site's own open pick-up orders (:mod:`sync.hq.pickup_holds`)."""
    from sync.hq.aisle import HELD, lines_table as a

    pairs = list(pairs)
    sites = {site for site, _sku in pairs}
    if not sites:
        return {}
    found = conn.execute(select(a.c.site_id, a.c.sku, func.sum(a.c.qty)).where(
        a.c.state == HELD, a.c.site_id.in_(list(sites))).group_by(a.c.site_id, a.c.sku))
    wanted = set(pairs)
    out = {(site, sku): int(qty) for site, sku, qty in found if (site, sku) in wanted}
    for pair, qty in pickup_holds.held(conn, sites).items():
        if pair in wanted:
            out[pair] = out.get(pair, 0) + qty
    return out


def publish_dirty(service: Any, *, batch: int = 5_000) -> int:
    """Put every position that moved into its own store's ``stock_levels`` and its neighbours'
    ``stock_nearby``; returns how many positions. Safe to run any time and twice."""
    published = 0
    with publish_lock(service.engine):
        while True:
            with service.engine.connect() as conn:
                rows = conn.execute(select(stock.c.store_id, stock.c.sku, stock.c.on_hand, stock.c.as_of).where(
                    stock.c.dirty.is_(True)).order_by(stock.c.store_id).limit(batch)).all()
                site_ids = {row.store_id for row in rows}
                info = _site_info(conn, site_ids)
                held = _held(conn, [(row.store_id, row.sku) for row in rows])
                seen_by: dict[str, list[tuple[str, int | None]]] = {}
                if site_ids:
                    for n in conn.execute(select(hq_sites.neighbours.c.site_id, hq_sites.neighbours.c.store_id,
                                                 hq_sites.neighbours.c.distance_m).where(
                            hq_sites.neighbours.c.site_id.in_(list(site_ids)),
                            hq_sites.neighbours.c.state != "drop")):
                        seen_by.setdefault(n.site_id, []).append((n.store_id, n.distance_m))
            if not rows:
                return published
            out: dict[tuple[str, str], list[tuple[str, dict | None]]] = {}
            for row in rows:
                site = info.get(row.store_id)
                if site is None or site.kind != "warehouse":  # a warehouse has no tills of its own
                    out.setdefault(("stock_levels", row.store_id), []).append(
                        (row.sku, {"sku": row.sku, "on_hand": int(row.on_hand), "as_of": row.as_of}))
                if site is None:
                    continue  # not registered: no store has it as a neighbour
                for store_id, distance in seen_by.get(row.store_id, ()):
                    out.setdefault(("stock_nearby", store_id), []).append(
                        (nearby_key(row.sku, site.site_id),
                         _nearby_row(row.sku, site, distance, row.on_hand, row.as_of,
                                     held.get((row.store_id, row.sku), 0))))
            for (dataset, scope), items in out.items():
                service.publish_many(dataset, items, scope=scope)
            _clear(service, rows)
            published += len(rows)


def _clear(service: Any, rows: list) -> None:
    with service.engine.begin() as conn:
        for row in rows:  # cleared only where nothing moved since it was read
            conn.execute(update(stock).where(stock.c.store_id == row.store_id, stock.c.sku == row.sku,
                                             stock.c.on_hand == row.on_hand, stock.c.as_of == row.as_of)
                         .values(dirty=False))


def backfill(service: Any, *, batch: int = BACKFILL_BATCH, max_batches: int | None = None) -> int:
    """Send new neighbours their site's positions and delete a lost neighbour's rows, ``batch``
    SKUs at a time, at most ``max_batches`` batches (None: until done). Returns rows sent.

    Each batch is published, then its pair's cursor saved: a crash in between sends that batch
    again (the same rows), never skips one. A position that moves meanwhile is dirty, and its
    publication (after this, under the same lock) carries the newer figure."""
    sent = 0
    done = 0
    with publish_lock(service.engine):
        while max_batches is None or done < max_batches:
            n = hq_sites.neighbours.c
            with service.engine.connect() as conn:
                pair = conn.execute(select(n.store_id, n.site_id, n.distance_m, n.state, n.after).where(
                    n.state != "ok").order_by(n.store_id, n.site_id).limit(1)).first()
                if pair is None:
                    return sent
                site = hq_sites.site_of(conn, pair.site_id)
                query = select(stock.c.sku, stock.c.on_hand, stock.c.as_of).where(stock.c.store_id == pair.site_id)
                if pair.after is not None:
                    query = query.where(stock.c.sku > pair.after)
                rows = conn.execute(query.order_by(stock.c.sku).limit(batch)).all()
                held = _held(conn, [(pair.site_id, r.sku) for r in rows])
            dropping = pair.state == "drop" or site is None
            if rows and dropping:
                service.publish_many("stock_nearby", [(nearby_key(r.sku, pair.site_id), None) for r in rows],
                                     scope=pair.store_id)
            elif rows and site is not None:
                service.publish_many("stock_nearby", [
                    (nearby_key(r.sku, site.site_id), _nearby_row(r.sku, site, pair.distance_m, r.on_hand, r.as_of,
                                                                  held.get((pair.site_id, r.sku), 0)))
                    for r in rows], scope=pair.store_id)
            sent += len(rows)
            done += 1 if rows else 0  # a pair with nothing to send costs no batch
            where = (n.store_id == pair.store_id, n.site_id == pair.site_id, n.state == pair.state,
                     n.after.is_(None) if pair.after is None else n.after == pair.after)  # not restarted meanwhile
            with service.engine.begin() as conn:
                if len(rows) == batch:
                    conn.execute(update(hq_sites.neighbours).where(*where).values(after=rows[-1].sku))
                elif dropping:
                    conn.execute(hq_sites.neighbours.delete().where(*where))
                else:
                    conn.execute(update(hq_sites.neighbours).where(*where).values(state="ok", after=None))
    return sent
