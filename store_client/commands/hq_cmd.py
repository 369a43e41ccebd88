"""``store-client hq ...``: the reference HQ server and its admin tasks.

The database is ``--db`` (a path for SQLite, or a SQLAlchemy URL such as
``postgresql+psycopg://user@host/db``), else ``$STORE_CLIENT_HQ_DB``, else
``hq.sqlite3`` in the current folder. ``serve`` binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager

from store_client.cli import UserError

ENV_DB = "STORE_CLIENT_HQ_DB"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("hq", help="run and administer the reference HQ server")
    parser.add_argument("--db", help=f"HQ database path or URL (default ${ENV_DB} or ./hq.sqlite3)")
    sub = parser.add_subparsers(dest="hq_command", metavar="ACTION", required=True)
    serve = sub.add_parser("serve", help="serve the sync API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--show-codes", action="store_true",
                       help="demo only: print on the enrollment page the SMS code HQ would send")
    serve.set_defaults(handler=_serve)
    seed = sub.add_parser("seed-demo", help="publish the demo catalog, prices, settings, sites and warehouse stock")
    seed.add_argument("--store", default="S001")
    seed.set_defaults(handler=_seed)
    token = sub.add_parser("issue-token", help="issue (or rotate) a terminal's token; printed once")
    token.add_argument("store")
    token.add_argument("terminal")
    token.set_defaults(handler=_issue_token)
    _register_orders(sub)
    sales = sub.add_parser("list-sales", help="sales received from terminals")
    sales.add_argument("--store")
    sales.add_argument("--json", action="store_true", help="one JSON object per line")
    sales.set_defaults(handler=_list_sales)
    reset = sub.add_parser("reset-terminal",
                           help="a replaced/wiped terminal: restart its sequence, refetch every dataset")
    reset.add_argument("store")
    reset.add_argument("terminal")
    reset.set_defaults(handler=_reset_terminal)
    reset_ds = sub.add_parser("reset-dataset", help="make every terminal refetch a dataset")
    reset_ds.add_argument("dataset")
    reset_ds.set_defaults(handler=_reset_dataset)
    _register_terminals(sub)
    from store_client.commands import hq_stock_cmd

    hq_stock_cmd.register(sub)
    from store_client.commands import hq_members_cmd

    hq_members_cmd.register(sub)


@contextmanager
def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The HQ service for one command; its connections are closed when the command ends."""
    from sync.hq.service import HQService, make_engine

    db = args.db or os.environ.get(ENV_DB) or "hq.sqlite3"
    url = db if "://" in db else f"sqlite:///{os.path.abspath(db)}"
    try:
        service = HQService(make_engine(url))
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one line for IT
        raise UserError(f"cannot open HQ database {db}: {type(exc).__name__}: {exc}") from None
    try:
        yield service
    finally:
        service.engine.dispose()


def _serve(args: argparse.Namespace) -> int:
    from sync.hq.embedded import HQServer
    from sync.hq.orders import Housekeeper, OnlineOrders

    from sync.hq.app import create_app

    with _service(args) as service:
        try:
            server = HQServer(service, host=args.host, port=args.port,
                              app=create_app(service, show_codes=args.show_codes))
        except OSError as exc:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
        server.start()
        housekeeper = Housekeeper(OnlineOrders(service)).start()  # reminders, expiry, refunds
        print(f"HQ listening on {server.url} (Ctrl+C to stop)", flush=True)
        try:
            while server.thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            housekeeper.stop()
            server.stop()
    return 0


def _seed(args: argparse.Namespace) -> int:
    from sync.hq.demo_data import seed_demo, seed_demo_sites

    with _service(args) as service:
        seed_demo(service, args.store)
        seed_demo_sites(service)  # the stores' places and the warehouse's stock (nearby stock)
    print(f"demo data published for store {args.store}, with the demo's sites and warehouse stock")
    return 0


def _issue_token(args: argparse.Namespace) -> int:
    with _service(args) as service:
        token = service.issue_token(args.store, args.terminal)
    print(token)
    return 0


def _list_sales(args: argparse.Namespace) -> int:
    from store_client.domain.money import Money

    with _service(args) as service:
        sales = service.list_sales(args.store)
    total = 0
    for sale in sales:
        total += sale["total_minor"]
        if args.json:
            print(json.dumps({k: v for k, v in sale.items() if k != "payload"}, ensure_ascii=False))
        else:
            refunded = sale.get("refunded_minor") or 0
            print(f"{sale['store_id']}/{sale['terminal_id']} #{sale['seq']:<8} {sale['sale_id']} "
                  f"{Money(sale['total_minor'])}"
                  + (f"  refunded {Money(refunded)}" if refunded else ""))
    if not args.json:
        print(f"{len(sales)} sale(s), total {Money(total)}")
    return 0


def _reset_terminal(args: argparse.Namespace) -> int:
    try:
        with _service(args) as service:
            service.reset_terminal(args.store, args.terminal)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    print(f"terminal {args.store}/{args.terminal} reset: sequence restarts, datasets refetch")
    return 0


def _reset_dataset(args: argparse.Namespace) -> int:
    from sync.protocol.datasets import DATASETS

    if args.dataset not in DATASETS:
        raise UserError(f"unknown dataset {args.dataset!r} (known: {', '.join(DATASETS)})")
    with _service(args) as service:
        service.reset_dataset(args.dataset)
    print(f"dataset {args.dataset}: every terminal will refetch it")
    return 0


# -- online pick-up orders ----------------------------------------------------------------
def _register_orders(sub: argparse._SubParsersAction) -> None:
    """``hq orders``: the online shop's side of pick-up orders (docs/pickup.md). ``place``
    stands in for a customer paying online and prints the code and signed QR they would get."""
    parser = sub.add_parser("orders", help="online pick-up orders: place, cancel, list")
    actions = parser.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    place = actions.add_parser("place", help="place a paid online order for pick-up at a store")
    place.add_argument("--store", required=True)
    what = place.add_mutually_exclusive_group(required=True)
    what.add_argument("--items", metavar="SKU:QTY[,SKU:QTY]",
                      help="items from HQ's catalog (grams for products sold by the kg)")
    what.add_argument("--random", type=int, metavar="N", help="N random orders from HQ's catalog")
    place.add_argument("--member", default=None, help="member id")
    place.add_argument("--name", default="", help="the customer's name")
    place.add_argument("--phone", default="13800138000")
    place.add_argument("--provider", choices=("wechat", "alipay", "card"), default="wechat")
    for source in ("promotion", "coupon", "points"):
        place.add_argument(f"--{source}", type=int, default=0, metavar="FEN",
                           help=f"{source} discount in fen, spread over the lines")
    place.add_argument("--allow-substitution", action="store_true")
    place.add_argument("--promise-minutes", type=int, default=60, metavar="N",
                       help="ready within N minutes of acceptance (default 60)")
    place.add_argument("--hold-hours", type=float, default=48.0, metavar="H",
                       help="kept for the customer H hours after ordering (default 48)")
    place.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    place.set_defaults(handler=_orders_place)
    cancel = actions.add_parser("cancel", help="cancel an open order and refund it")
    cancel.add_argument("order", help="order id or number (W000123)")
    cancel.add_argument("--reason", default="customer")
    cancel.set_defaults(handler=_orders_cancel)
    listing = actions.add_parser("list", help="orders with their state")
    listing.add_argument("--store")
    listing.add_argument("--state")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_orders_list)
    for name, what in (("arrived", "an endless-aisle order's goods arrived at the store: ready for pick-up"),
                       ("delivered", "an endless-aisle home delivery reached the customer")):
        step = actions.add_parser(name, help=what)
        step.add_argument("order", help="order id or number (W000123)")
        step.set_defaults(handler=_orders_aisle_step, aisle_step=name)
    house = actions.add_parser("housekeeping",
                               help="send reminders, close orders not collected, pay refunds")
    house.set_defaults(handler=_orders_housekeeping)


@contextmanager
def _orders_of(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The online orders of HQ for one command (its connections closed when it ends)."""
    from datetime import timedelta

    from sync.hq.orders import OnlineOrders

    if getattr(args, "hold_hours", 1) <= 0 or getattr(args, "promise_minutes", 1) < 1:
        raise UserError("--hold-hours must be above 0 and --promise-minutes at least 1")
    with _service(args) as service:
        yield OnlineOrders(service, promise=timedelta(minutes=getattr(args, "promise_minutes", 60)),
                           hold=timedelta(hours=getattr(args, "hold_hours", 48.0)))


def _orders_items(spec: str) -> list[dict]:
    items = []
    for part in spec.split(","):
        sku, _, qty = part.strip().partition(":")
        if not sku or not qty.isdigit() or int(qty) < 1:
            raise UserError(f"--items must look like SKU:QTY,SKU:QTY with positive quantities "
                            f"(got {part!r})")
        items.append({"sku": sku, "qty": int(qty)})
    return items


def _orders_place(args: argparse.Namespace) -> int:
    from sync.hq.order_events import OrderError
    from sync.hq.shop_simulator import random_order

    with _orders_of(args) as orders:
        try:
            if args.random:
                products = orders.catalog_products()
                rng = random.Random(args.seed)
                placed = [random_order(orders, args.store, products, rng) for _ in range(args.random)]
            else:
                discounts = {s: getattr(args, s) for s in ("promotion", "coupon", "points")}
                placed = [orders.place(args.store, _orders_items(args.items), member_id=args.member,
                                       member_name=args.name, phone=args.phone,
                                       provider=args.provider, discounts=discounts,
                                       allow_substitution=args.allow_substitution)]
        except (OrderError, ValueError) as exc:
            raise UserError(str(exc)) from None
    for p in placed:
        print(json.dumps({"order_id": p.order_id, "order_no": p.order_no, "code": p.code,
                          "paid_minor": p.paid_minor, "qr": p.qr}, ensure_ascii=False))
    return 0


def _orders_find(orders, ref: str) -> str:  # type: ignore[no-untyped-def]
    for row in orders.listing():
        if ref in (row["order_id"], row["order_no"]):
            return row["order_id"]
    raise UserError(f"no order {ref}")


def _orders_cancel(args: argparse.Namespace) -> int:
    from store_client.domain.money import Money
    from sync.hq.order_events import OrderError

    with _orders_of(args) as orders:
        order_id = _orders_find(orders, args.order)
        try:
            refund = orders.cancel(order_id, args.reason)
        except OrderError as exc:
            raise UserError(str(exc)) from None
        orders.housekeeping()
    print(f"order {args.order} cancelled; {Money(refund)} refunded to the online payment")
    return 0


def _orders_aisle_step(args: argparse.Namespace) -> int:
    """``hq orders arrived|delivered ORDER`` (docs/stock.md, "Endless aisle")."""
    from sync.hq import aisle
    from sync.hq.order_events import OrderError

    with _orders_of(args) as orders:
        order_id = _orders_find(orders, args.order)
        try:
            (aisle.arrived if args.aisle_step == "arrived" else aisle.delivered)(orders, order_id)
        except OrderError as exc:
            raise UserError(str(exc)) from None
    print(f"order {args.order} {args.aisle_step}")
    return 0


def _orders_list(args: argparse.Namespace) -> int:
    from store_client.domain.money import Money

    with _orders_of(args) as orders:
        rows = orders.listing(args.store, args.state)
    for row in rows:
        if args.json:
            print(json.dumps({k: v for k, v in row.items() if k not in ("data", "code")},
                             ensure_ascii=False))
        else:
            print(f"{row['order_no']}  {row['store_id']:<6} {row['state']:<20} "
                  f"paid {Money(row['paid_minor'])}  refunded {Money(row['refunded_minor'])}  "
                  f"promised {row['promised_at'][:16]}")
    if not args.json:
        print(f"{len(rows)} order(s)")
    return 0


def _orders_housekeeping(args: argparse.Namespace) -> int:
    with _orders_of(args) as orders:
        print(json.dumps(orders.housekeeping()))
    return 0


# -- terminals: one-time enrollment codes ------------------------------------------------
def _register_terminals(sub: argparse._SubParsersAction) -> None:
    terminals = sub.add_parser("terminals", help="enroll terminals (one-time provisioning codes)")
    actions = terminals.add_subparsers(dest="terminals_command", metavar="ACTION", required=True)
    enroll = actions.add_parser("enroll", help="make a one-time code that provisions a new PC")
    enroll.add_argument("--store", required=True)
    enroll.add_argument("--terminal", required=True)
    enroll.add_argument("--hours", type=float, default=24.0,
                        help="how long the code stays valid (default 24)")
    enroll.set_defaults(handler=_enroll)


def _enroll(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from store_client.config import from_mapping
    from store_client.config import ConfigError
    from sync.hq.enrollment import Enrollment

    try:  # the same rule as the till's own configuration, so the code is usable there
        from_mapping({"store": {"store_id": args.store, "terminal_id": args.terminal}})
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    try:
        with _service(args) as service:
            code, expires = Enrollment(service.engine).create_code(
                args.store, args.terminal, timedelta(hours=args.hours))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print(code)
    print(f"for terminal {args.store}/{args.terminal}, valid once until {expires}; on the new PC: "
          f"store-client provision --hq <HQ address> --code {code}", file=sys.stderr)
    return 0
