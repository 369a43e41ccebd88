"""Sites (stores and warehouses) with their coordinates, and each store's neighbours.

A store's neighbours are every warehouse, plus its nearest other stores (:data:`NEAREST`
by default) within its radius (:data:`RADIUS_M` by default) by great-circle distance; a
store without coordinates has the warehouses only. The count and the radius are HQ's
setting of each store (``store_settings`` row ``stock_nearby``, :func:`set_nearby`): a
town store may look 60 km around, a city one 5 stores within 10 km. They are computed here in plain Python (a few hundred sites: a full recomputation
is a fraction of a second) whenever a site is added, moved or renamed, or a new store
gets its first terminal, and kept in ``hq_site_neighbours``, so publishing a moved position
finds the stores to send it to with one indexed read (``sync.hq.stock_publish``).

A neighbour row that is new (or whose distance or name changed) is in state ``fill``: the
site's current positions are still to be sent to that store (a backfill, in bounded
batches, resumable from ``after``); one that is no longer a neighbour is in state ``drop``
until its rows are deleted from that store's ``stock_nearby``.

Coordinates are integer micro-degrees, so they compare and store exactly on SQLite and
PostgreSQL alike. The tables are new (``metadata.create_all`` adds them to an existing HQ
database at start-up, as every HQ table is added).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import BigInteger, Column, Connection, Index, String, Table, delete, insert, select, update

from sync.hq import schema as t
from sync.hq.schema import metadata
from sync.protocol.datasets import MAX_SITE_ID, SITE_KINDS

log = logging.getLogger(__name__)

NEAREST = 5  # the defaults of a store without its own setting
RADIUS_M = 20_000
SETTING_KEY = "stock_nearby"  # the store_settings row of a store's own count and radius
NEAREST_MAX = 20  # more would crowd the panel and multiply what each sale publishes
RADIUS_MIN_M, RADIUS_MAX_M = 500, 200_000  # a street's length .. a province's breadth
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
MICRO = 1_000_000

sites = Table(
    "hq_sites", metadata,
    Column("site_id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("lat_micro", BigInteger, nullable=True),
    Column("lon_micro", BigInteger, nullable=True),
)

neighbours = Table(
    "hq_site_neighbours", metadata,
    Column("store_id", String(32), primary_key=True),  # the store that sees ...
    Column("site_id", String(32), primary_key=True),  # ... this site's stock
    Column("distance_m", BigInteger, nullable=True),
    Column("state", String(8), nullable=False),  # ok | fill | drop
    Column("after", String(32), nullable=True),  # fill/drop: the last SKU done
    Index("ix_hq_site_neighbours_site", "site_id", "state"),
    Index("ix_hq_site_neighbours_state", "state"),
)


class SiteError(ValueError):
    """A site as given cannot be registered; nothing was written."""


@dataclass(frozen=True)
class Site:
    site_id: str
    kind: str
    name: str
    lat_micro: int | None = None
    lon_micro: int | None = None

    @property
    def located(self) -> bool:
        return self.lat_micro is not None and self.lon_micro is not None


def micro_degrees(text: str, *, limit: int) -> int:
    """``"31.2304"`` -> 31230400; at most 6 decimals, within +-``limit`` degrees."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise SiteError(f"{text!r} is not a number of degrees") from None
    if not value.is_finite() or value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise SiteError(f"{text!r}: at most 6 decimals (about 0.1 m)")
    if abs(value) > limit:
        raise SiteError(f"{text!r} is outside -{limit}..{limit} degrees")
    return int(value * MICRO)


def check_site(site: Site) -> Site:
    """The HQ validator of a site as an admin gives it."""
    sid = site.site_id
    if not sid or len(sid) > MAX_SITE_ID or not sid.isascii() or not all(c.isalnum() or c in "-_" for c in sid):
        raise SiteError(f"site id must be 1-{MAX_SITE_ID} letters, digits, '-' or '_' (got {sid!r})")
    if site.kind not in SITE_KINDS:
        raise SiteError(f"kind must be one of {', '.join(SITE_KINDS)} (got {site.kind!r})")
    name = site.name.strip()
    if not name or len(name) > 200:
        raise SiteError("name must be 1-200 characters")
    if (site.lat_micro is None) != (site.lon_micro is None):
        raise SiteError("give both latitude and longitude, or neither")
    if site.lat_micro is not None and not -90 * MICRO <= site.lat_micro <= 90 * MICRO:
        raise SiteError("latitude must be within -90..90 degrees")
    if site.lon_micro is not None and not -180 * MICRO <= site.lon_micro <= 180 * MICRO:
        raise SiteError("longitude must be within -180..180 degrees")
    return Site(sid, site.kind, name, site.lat_micro, site.lon_micro)


@dataclass(frozen=True)
class NearbySetting:
    """How many nearest other stores a store sees, and within how many metres."""

    nearest: int = NEAREST
    radius_m: int = RADIUS_M


def check_setting(nearest: object, radius_m: object) -> NearbySetting:
    """HQ's validator of a store's nearby setting: whole numbers in sensible ranges (0
    stores: the warehouses only)."""
    if isinstance(nearest, bool) or not isinstance(nearest, int) or not 0 <= nearest <= NEAREST_MAX:
        raise SiteError(f"the number of nearest stores must be a whole number 0-{NEAREST_MAX} (got {nearest!r})")
    if isinstance(radius_m, bool) or not isinstance(radius_m, int) or not RADIUS_MIN_M <= radius_m <= RADIUS_MAX_M:
        raise SiteError(f"the radius must be {RADIUS_MIN_M}-{RADIUS_MAX_M} metres (got {radius_m!r})")
    return NearbySetting(nearest, radius_m)


def nearby_settings(conn: Connection) -> dict[str, NearbySetting]:
    """Each store's own setting; a row that fails the check (written by hand) is logged and
    the store keeps the defaults."""
    found: dict[str, NearbySetting] = {}
    for scope, data in conn.execute(select(t.dataset_rows.c.scope, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "store_settings", t.dataset_rows.c.key == SETTING_KEY,
            t.dataset_rows.c.deleted.is_(False))):
        try:
            row = json.loads(data)
            found[scope] = check_setting(row.get("nearest"), row.get("radius_m"))
        except (ValueError, TypeError, AttributeError, SiteError) as exc:
            log.warning("store %s: nearby setting left out, defaults used: %s", scope, exc)
    return found


def set_nearby(conn: Connection, store_id: str, nearest: object, radius_m: object) -> tuple[int, int]:
    """Set a store's count and radius (validated; a store HQ knows), publish the setting and
    recompute the neighbours, in the caller's transaction. Returns (pairs to fill, to drop)."""
    from sync.hq.feed_rows import publish_row

    setting = check_setting(nearest, radius_m)
    if not any(site.site_id == store_id and site.kind == "store" for site in load_sites(conn)):
        raise SiteError(f"no store {store_id!r}")
    publish_row(conn, "store_settings", store_id, SETTING_KEY,
                {"nearest": setting.nearest, "radius_m": setting.radius_m})
    return recompute(conn)


def distance_m(a: Site, b: Site) -> int | None:
    """Great-circle distance in whole metres (haversine); None when either has no coordinates."""
    if not (a.located and b.located):
        return None
    assert a.lat_micro is not None and a.lon_micro is not None and b.lat_micro is not None and b.lon_micro is not None
    lat1, lon1 = math.radians(a.lat_micro / MICRO), math.radians(a.lon_micro / MICRO)
    lat2, lon2 = math.radians(b.lat_micro / MICRO), math.radians(b.lon_micro / MICRO)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


def compute_neighbours(all_sites: list[Site], *, nearest: int = NEAREST, radius_m: int = RADIUS_M,
                       settings: dict[str, NearbySetting] | None = None) -> dict[str, dict[str, int | None]]:
    """Per store: {neighbour site id: distance in metres or None}. Warehouses always; then the
    ``nearest`` other stores within ``radius_m`` (a store's own ``settings`` where it has
    them), nearest first (ties by id)."""
    warehouses = [s for s in all_sites if s.kind == "warehouse"]
    stores = [s for s in all_sites if s.kind == "store"]
    result: dict[str, dict[str, int | None]] = {}
    for store in stores:
        mine: dict[str, int | None] = {w.site_id: distance_m(store, w) for w in warehouses}
        own = (settings or {}).get(store.site_id, NearbySetting(nearest, radius_m))
        if store.located:
            near = sorted((d, other.site_id) for other in stores if other.site_id != store.site_id
                          for d in (distance_m(store, other),) if d is not None and d <= own.radius_m)
            mine.update({sid: d for d, sid in near[:own.nearest]})
        result[store.site_id] = mine
    return result


def load_sites(conn: Connection) -> list[Site]:
    """Registered sites, plus every store HQ knows (``hq_stores``) without coordinates."""
    found = [Site(r.site_id, r.kind, r.name, r.lat_micro, r.lon_micro)
             for r in conn.execute(select(sites).order_by(sites.c.site_id))]
    known = {s.site_id for s in found}
    found += [Site(r.store_id, "store", r.name or r.store_id) for r in conn.execute(
        select(t.stores.c.store_id, t.stores.c.name).order_by(t.stores.c.store_id)) if r.store_id not in known]
    return found


def recompute(conn: Connection, *, refill: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Bring ``hq_site_neighbours`` in line with the sites, inside the caller's transaction;
    a pair new, changed in distance, or whose site is in ``refill`` (renamed) is to be
    backfilled, a pair gone is to be dropped. Returns (pairs to fill, pairs to drop)."""
    wanted = compute_neighbours(load_sites(conn), settings=nearby_settings(conn))
    have = {(r.store_id, r.site_id): r for r in conn.execute(select(neighbours))}
    fill = drop = 0
    for store_id, mine in wanted.items():
        for site_id, dist in mine.items():
            row = have.pop((store_id, site_id), None)
            if row is None:
                conn.execute(insert(neighbours).values(store_id=store_id, site_id=site_id, distance_m=dist,
                                                       state="fill", after=None))
                fill += 1
            elif row.state == "drop" or row.distance_m != dist or site_id in refill:
                conn.execute(update(neighbours).where(neighbours.c.store_id == store_id,
                                                      neighbours.c.site_id == site_id)
                             .values(distance_m=dist, state="fill", after=None))
                fill += 1
    for (store_id, site_id), row in have.items():
        if row.state != "drop":
            conn.execute(update(neighbours).where(neighbours.c.store_id == store_id, neighbours.c.site_id == site_id)
                         .values(state="drop", after=None))
            drop += 1
    return fill, drop


def register(conn: Connection, site: Site) -> tuple[int, int]:
    """Add or change a site (validated), then recompute the neighbours, in the caller's
    transaction. A renamed site's rows are sent again (they carry its name)."""
    site = check_site(site)
    old = conn.execute(select(sites).where(sites.c.site_id == site.site_id)).first()
    values = {"kind": site.kind, "name": site.name, "lat_micro": site.lat_micro, "lon_micro": site.lon_micro}
    if old is None:
        conn.execute(insert(sites).values(site_id=site.site_id, **values))
    else:
        conn.execute(update(sites).where(sites.c.site_id == site.site_id).values(**values))
    renamed = old is not None and (old.name != site.name or old.kind != site.kind)
    return recompute(conn, refill=frozenset({site.site_id}) if renamed else frozenset())


def remove(conn: Connection, site_id: str) -> tuple[int, int]:
    """Forget a site's registration (its coordinates); the stores it was a neighbour of drop its rows."""
    if not conn.execute(delete(sites).where(sites.c.site_id == site_id)).rowcount:
        raise SiteError(f"no site {site_id!r}")
    return recompute(conn)


def site_of(conn: Connection, site_id: str) -> Site | None:
    row = conn.execute(select(sites).where(sites.c.site_id == site_id)).first()
    return None if row is None else Site(row.site_id, row.kind, row.name, row.lat_micro, row.lon_micro)


def neighbours_of(conn: Connection, store_id: str) -> list[tuple[str, int | None]]:
    """(site id, distance) of the sites ``store_id`` sees, nearest first, warehouses too."""
    rows = conn.execute(select(neighbours.c.site_id, neighbours.c.distance_m).where(
        neighbours.c.store_id == store_id, neighbours.c.state != "drop")).all()
    return sorted(((r.site_id, r.distance_m) for r in rows),
                  key=lambda r: (r[1] is None, r[1] or 0, r[0]))
