"""``store-client demo-data generate``: write a demo store of any size (100..1,000,000 SKUs)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo-data", help="generate demo stores (catalog, staff)")
    sub = parser.add_subparsers(dest="demo_data_command", metavar="ACTION", required=True)
    gen = sub.add_parser("generate", help="create a demo store in a new directory")
    gen.add_argument("--out", required=True, metavar="DIR", help="new or empty directory")
    gen.add_argument("--skus", type=int, default=5000, help="catalog size, 100..1000000 (default 5000)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (same seed, same store)")
    gen.add_argument("--store", default="S001", help="store id")
    gen.add_argument("--terminal", default="T01", help="terminal id")
    gen.add_argument("--hq-url", default="", help="HQ base URL (default: offline)")
    gen.add_argument("--locale", default="zh_CN", choices=("zh_CN", "en"))
    gen.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.demo.store import create_demo_store

    timings: dict[str, float] = {}
    try:
        path = create_demo_store(
            Path(args.out), skus=args.skus, seed=args.seed, store_id=args.store,
            terminal_id=args.terminal, hq_url=args.hq_url, locale=args.locale, timings=timings)
    except (FileExistsError, ValueError) as exc:
        raise UserError(str(exc)) from None
    print(f"wrote {path}: {args.skus:,} SKUs, seed {args.seed}")
    print("timings: " + ", ".join(f"{name} {secs:.2f} s" for name, secs in timings.items()))
    print(f"start it with: store-client --config {path} run")
    return 0
