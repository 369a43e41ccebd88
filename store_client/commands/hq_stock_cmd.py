"""``store-client hq sites ...`` and ``hq warehouse ...``: where the stores and warehouses are,
and the warehouse's stock (docs/stock.md).

Each command checks its input with HQ's validators (:mod:`sync.hq.sites`,
:mod:`sync.hq.warehouse`), applies it in one transaction, and publishes what changed
before it returns (a new neighbour's backfill included), so the tills have it at their
next pull.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from store_client.cli import UserError


def register(sub: argparse._SubParsersAction) -> None:
    sites = sub.add_parser("sites", help="stores and warehouses with their coordinates; neighbours")
    actions = sites.add_subparsers(dest="sites_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register or change a site (then neighbours are recomputed)")
    add.add_argument("site")
    add.add_argument("--kind", choices=("store", "warehouse"), default="store")
    add.add_argument("--name", required=True)
    add.add_argument("--lat", help="latitude in degrees, e.g. 31.2304")
    add.add_argument("--lon", help="longitude in degrees, e.g. 121.4737")
    add.set_defaults(handler=_add_site)
    remove = actions.add_parser("remove", help="forget a site's registration")
    remove.add_argument("site")
    remove.set_defaults(handler=_remove_site)
    listing = actions.add_parser("list", help="sites and the neighbours each store sees")
    listing.set_defaults(handler=_list_sites)
    nearby = actions.add_parser("nearby", help="how many nearest stores a store sees, and how far (its setting)")
    nearby.add_argument("store")
    nearby.add_argument("--nearest", help="nearest other stores shown, 0-20 (default 5)")
    nearby.add_argument("--radius-m", help="within this many metres, 500-200000 (default 20000)")
    nearby.set_defaults(handler=_set_nearby)
    demo = actions.add_parser("seed-demo", help="demo: six Shanghai stores and a warehouse, with stock")
    demo.set_defaults(handler=_seed_demo_sites)

    warehouse = sub.add_parser("warehouse", help="a warehouse's stock: import on hand, goods received")
    wactions = warehouse.add_subparsers(dest="warehouse_command", metavar="ACTION", required=True)
    imp = wactions.add_parser("set", help="set on hand from a CSV of sku,on_hand lines")
    imp.add_argument("site")
    imp.add_argument("csv", type=Path)
    imp.set_defaults(handler=_warehouse_set)
    receive = wactions.add_parser("receive", help="goods received: add a quantity of one SKU")
    receive.add_argument("site")
    receive.add_argument("sku")
    receive.add_argument("qty")
    receive.set_defaults(handler=_warehouse_receive)


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from store_client.commands.hq_cmd import _service as service_of

    return service_of(args)


def _publish(service) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from sync.hq import stock_publish

    sent = stock_publish.backfill(service)
    return sent, stock_publish.publish_dirty(service)


def _add_site(args: argparse.Namespace) -> int:
    from sync.hq import sites

    try:
        lat = None if args.lat is None else sites.micro_degrees(args.lat, limit=90)
        lon = None if args.lon is None else sites.micro_degrees(args.lon, limit=180)
        with _service(args) as service:
            with service.engine.begin() as conn:
                fill, drop = sites.register(conn, sites.Site(args.site, args.kind, args.name, lat, lon))
            sent, _ = _publish(service)
    except sites.SiteError as exc:
        raise UserError(str(exc)) from None
    print(f"site {args.site} saved; {fill} neighbour pair(s) filled, {drop} dropped, {sent} row(s) sent")
    return 0


def _remove_site(args: argparse.Namespace) -> int:
    from sync.hq import sites

    try:
        with _service(args) as service:
            with service.engine.begin() as conn:
                _fill, drop = sites.remove(conn, args.site)
            _publish(service)
    except sites.SiteError as exc:
        raise UserError(str(exc)) from None
    print(f"site {args.site} removed; {drop} neighbour pair(s) dropped")
    return 0


def _whole(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise UserError(f"{name} must be a whole number (got {text!r})") from None


def _set_nearby(args: argparse.Namespace) -> int:
    from sync.hq import sites

    nearest, radius = _whole(args.nearest, "--nearest"), _whole(args.radius_m, "--radius-m")
    try:
        with _service(args) as service:
            with service.engine.begin() as conn:
                now = sites.nearby_settings(conn).get(args.store, sites.NearbySetting())
                nearest = now.nearest if nearest is None else nearest
                radius = now.radius_m if radius is None else radius
                fill, drop = sites.set_nearby(conn, args.store, nearest, radius)
            sent, _ = _publish(service)
    except sites.SiteError as exc:
        raise UserError(str(exc)) from None
    print(f"store {args.store} sees the {nearest} nearest stores within {radius} m; "
          f"{fill} neighbour pair(s) filled, {drop} dropped, {sent} row(s) sent")
    return 0


def _list_sites(args: argparse.Namespace) -> int:
    from sync.hq import sites

    with _service(args) as service, service.engine.connect() as conn:
        known = sites.load_sites(conn)
        for site in known:
            where = (f"{site.lat_micro / sites.MICRO:.6f},{site.lon_micro / sites.MICRO:.6f}"
                     if site.lat_micro is not None and site.lon_micro is not None else "no coordinates")
            print(f"{site.site_id:<10} {site.kind:<9} {site.name}  ({where})")
            if site.kind == "store":
                near = ", ".join(f"{sid} {'?' if d is None else f'{d / 1000:.1f} km'}"
                                 for sid, d in sites.neighbours_of(conn, site.site_id))
                print(f"{'':<10} sees: {near or 'nothing'}")
    return 0


def _seed_demo_sites(args: argparse.Namespace) -> int:
    from sync.hq.demo_data import seed_demo_sites

    with _service(args) as service:
        seed_demo_sites(service)
    print("demo sites and warehouse stock published")
    return 0


def _warehouse_apply(args: argparse.Namespace, lines: list[tuple[str, str]], *, receiving: bool) -> int:
    from sync.hq import warehouse

    try:
        with _service(args) as service:
            count = warehouse.apply(service, args.site, lines, receiving=receiving)
    except warehouse.WarehouseError as exc:
        raise UserError(str(exc)) from None
    print(f"{count} position(s) of {args.site} saved and published")
    return 0


def _warehouse_set(args: argparse.Namespace) -> int:
    from sync.hq import warehouse

    try:
        text = args.csv.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {args.csv}: {exc}") from None
    return _warehouse_apply(args, warehouse.read_csv(text), receiving=False)


def _warehouse_receive(args: argparse.Namespace) -> int:
    return _warehouse_apply(args, [(args.sku, args.qty)], receiving=True)
