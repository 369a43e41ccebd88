"""``store-client hq ...``: the reference HQ server and its admin tasks.

The database is ``--db`` (a path for SQLite, or a SQLAlchemy URL such as
``postgresql+psycopg://user@host/db``), else ``$STORE_CLIENT_HQ_DB``, else
``hq.sqlite3`` in the current folder. ``serve`` binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import time

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
    seed = sub.add_parser("seed-demo", help="publish the demo catalog, prices and settings")
    seed.add_argument("--store", default="S001")
    seed.set_defaults(handler=_seed)
    token = sub.add_parser("issue-token", help="issue (or rotate) a terminal's token; printed once")
    token.add_argument("store")
    token.add_argument("terminal")
    token.set_defaults(handler=_issue_token)
    order = sub.add_parser("create-order", help="route an online order to a store")
    order.add_argument("store")
    order.add_argument("--line", action="append", required=True, metavar="SKU:QTY",
                       help="an order line (repeat for more)")
    order.add_argument("--customer", default="")
    order.set_defaults(handler=_create_order)
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


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sync.hq.service import HQService, make_engine

    db = args.db or os.environ.get(ENV_DB) or "hq.sqlite3"
    url = db if "://" in db else f"sqlite:///{os.path.abspath(db)}"
    try:
        return HQService(make_engine(url))
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one line for IT
        raise UserError(f"cannot open HQ database {db}: {type(exc).__name__}: {exc}") from None


def _serve(args: argparse.Namespace) -> int:
    from sync.hq.embedded import HQServer

    service = _service(args)
    try:
        from sync.hq.app import create_app

        server = HQServer(service, host=args.host, port=args.port,
                          app=create_app(service, show_codes=args.show_codes))
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    server.start()
    print(f"HQ listening on {server.url} (Ctrl+C to stop)", flush=True)
    try:
        while server.thread.is_alive():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _seed(args: argparse.Namespace) -> int:
    from sync.hq.demo_data import seed_demo

    seed_demo(_service(args), args.store)
    print(f"demo data published for store {args.store}")
    return 0


def _issue_token(args: argparse.Namespace) -> int:
    token = _service(args).issue_token(args.store, args.terminal)
    print(token)
    return 0


def _create_order(args: argparse.Namespace) -> int:
    lines = []
    for spec in args.line:
        sku, _, qty = spec.partition(":")
        if not sku or not qty.isdigit() or int(qty) < 1:
            raise UserError(f"--line must look like SKU:QTY with a positive quantity (got {spec!r})")
        lines.append({"sku": sku, "qty": int(qty)})
    order_id = _service(args).create_order(args.store, {"customer": args.customer, "lines": lines,
                                                        "status": "to_pick"})
    print(order_id)
    return 0


def _list_sales(args: argparse.Namespace) -> int:
    from store_client.domain.money import Money

    sales = _service(args).list_sales(args.store)
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
        _service(args).reset_terminal(args.store, args.terminal)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    print(f"terminal {args.store}/{args.terminal} reset: sequence restarts, datasets refetch")
    return 0


def _reset_dataset(args: argparse.Namespace) -> int:
    from sync.protocol.datasets import DATASETS

    if args.dataset not in DATASETS:
        raise UserError(f"unknown dataset {args.dataset!r} (known: {', '.join(DATASETS)})")
    _service(args).reset_dataset(args.dataset)
    print(f"dataset {args.dataset}: every terminal will refetch it")
    return 0
