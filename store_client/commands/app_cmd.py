"""``store-client run | demo | tour``: the Qt application."""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path

import platformdirs

from store_client import config as cfg

DEMO_SKUS = 5000
TOUR_SKUS = 2000


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="start the till (sign-in window)")
    run.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(handler=_run)

    demo = subparsers.add_parser("demo", help="create a demo store and start the till on it")
    demo.add_argument("--skus", type=_positive, default=DEMO_SKUS, help=f"catalog size (default {DEMO_SKUS})")
    demo.add_argument("--data-dir", metavar="DIR",
                      help="demo folder (default: 'demo' in the platform data folder)")
    demo.add_argument("--fresh", action="store_true",
                      help="delete that demo folder (and only it) and generate it again")
    demo.add_argument("--locale", choices=cfg.LOCALES, default="zh_CN")
    demo.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    demo.set_defaults(handler=_demo)

    tour = subparsers.add_parser("tour", help="render every screen offscreen to PNG files")
    tour.add_argument("--out", metavar="DIR", required=True, help="folder for the PNG files")
    tour.add_argument("--locale", choices=cfg.LOCALES, default="zh_CN")
    tour.add_argument("--skus", type=_positive, default=TOUR_SKUS, help=argparse.SUPPRESS)
    tour.add_argument("--sizes", action="store_true",
                      help="also every screen at each counter size, windowed and full screen "
                           "(into DIR/sizes); fails on a clipped label or a cut caption")
    tour.set_defaults(handler=_tour)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _start(config: cfg.Config, exit_when_ready: bool) -> int:
    """The till: the one-instance lock and a look at the database file first (a second till,
    or a file that is not SQLite, stops here, before any window), then the window."""
    from store_client import STARTED_AT, store_time
    from store_client.persistence.errors import check_file
    from store_client.persistence.lock import InstanceLock
    from store_client.ui.app import run_shell

    store_time.configure(config.time_zone)
    lock = InstanceLock(config.data_dir)
    lock.acquire()
    try:
        check_file(config.database_path)
        operators = None
        if config.demo:
            from store_client.ui.demo_operators import demo_operators

            operators = demo_operators()
        return run_shell(config, lock, exit_when_ready=exit_when_ready, started_at=STARTED_AT,
                         demo_operators=operators)
    finally:
        lock.release()


def _run(args: argparse.Namespace) -> int:
    return _start(cfg.load(args.config), args.exit_when_ready)


def default_demo_dir() -> Path:
    return Path(platformdirs.user_data_dir(cfg.APP_NAME, appauthor=False)) / "demo"


def is_demo_folder(folder: Path) -> bool:
    """Only a folder holding a demo config (demo.enabled = true) may be wiped by --fresh."""
    config_file = folder / "config.toml"
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return data.get("demo", {}).get("enabled") is True


def _demo(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.demo.store import create_demo_store

    folder = Path(args.data_dir).expanduser().resolve() if args.data_dir else default_demo_dir()
    config_file = folder / "config.toml"
    if args.fresh and folder.exists():
        if not is_demo_folder(folder):
            raise UserError(f"{folder} is not a demo store folder (no config.toml with demo enabled); "
                            "refusing to delete it with --fresh")
        shutil.rmtree(folder)
    if folder.exists() and any(folder.iterdir()) and not config_file.exists():
        raise UserError(f"{folder} exists and is not a demo store; choose another --data-dir")
    if not config_file.exists():
        print(f"creating a demo store with {args.skus:,} products in {folder} …", flush=True)
        config_file = Path(create_demo_store(folder, skus=args.skus, locale=args.locale, stock_figures=True))
    elif not is_demo_folder(folder):
        raise UserError(f"{config_file} is not a demo configuration")
    config = cfg.load(config_file)
    values = dict(config.values)
    values["ui.locale"] = args.locale
    hq = _start_demo_hq(folder, config)
    values["hq.url"] = hq.url
    shop = _start_online_shop(hq, config)
    try:
        return _start(cfg.Config(path=config.path, values=values), args.exit_when_ready)
    finally:
        shop.stop()
        hq.stop()


def _start_demo_hq(folder: Path, config: cfg.Config):  # type: ignore[no-untyped-def]
    """The reference HQ on 127.0.0.1 (a free port), its database beside the demo store's.

    Its catalog starts empty: the demo terminal already holds the generated one, and
    what HQ publishes later (e.g. 'store-client hq' price changes) reaches the till
    through the normal pull. The terminal's token goes to the OS keyring (in memory
    on a machine without one: the demo HQ issues a new token at every start).
    """
    from sync.terminal.credentials import save_token
    from sync.hq.embedded import start_embedded_hq
    from sync.terminal.session import use_memory_keyring_if_none

    hq = start_embedded_hq(folder / "hq", config.store_id, config.terminal_id, seed=False)
    try:
        _import_demo_members(hq, config)
        if use_memory_keyring_if_none():
            print("no OS keyring service here: the demo keeps its HQ token in memory", flush=True)
        save_token(config.store_id, config.terminal_id, hq.token)
    except Exception:
        hq.stop()
        raise
    print(f"demo HQ listening on {hq.url}", flush=True)
    return hq


def _import_demo_members(hq, config: cfg.Config) -> None:  # type: ignore[no-untyped-def]
    """HQ holds the demo's members (the till keeps only its member cache): the same members
    the demo store was made with, from its seed; already imported ones are left alone."""
    import sqlite3

    from store_client.clock import SystemClock
    from store_client.demo import checkout_data
    from sync.hq.members import MembersService

    with sqlite3.connect(f"file:{config.database_path}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT value FROM terminal_settings WHERE key = 'demo.seed'").fetchone()
    seed = int(row[0]) if row and str(row[0]).isdigit() else 42
    MembersService(hq.service.engine).import_members(checkout_data.hq_rows(seed, SystemClock().now()))


def _start_online_shop(hq, config: cfg.Config):  # type: ignore[no-untyped-def]
    """The online shop, simulated: a paid pick-up order for this store every few minutes
    (the first after a few seconds), from products the demo till sells, so the Pick-up
    queue is alive. HQ's reminders, expiries and refunds run in the same thread."""
    import sqlite3

    from sync.hq.orders import OnlineOrders
    from sync.hq.shop_simulator import ShopSimulator

    def products() -> list[dict]:
        with sqlite3.connect(f"file:{config.database_path}?mode=ro", uri=True) as conn:
            rows = conn.execute(
                "SELECT p.sku, p.name_zh, p.name_en, p.category_code, p.unit, p.price_minor, "
                "(SELECT b.code FROM barcodes b WHERE b.product_id = p.id LIMIT 1) FROM products p "
                "WHERE p.active AND p.price_minor > 0 ORDER BY p.id LIMIT 300").fetchall()
        return [{"sku": r[0], "name_zh": r[1], "name_en": r[2], "category": r[3], "unit": r[4],
                 "unit_price_minor": r[5], "barcodes": [r[6]] if r[6] else []} for r in rows]

    return ShopSimulator(OnlineOrders(hq.service), config.store_id, products,
                         every=180.0, first_after=5.0).start()


def _tour(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.ui.tour import TourFailed, render_tour

    try:
        paths = render_tour(Path(args.out), locale=args.locale, skus=args.skus, sizes=args.sizes)
    except TourFailed as exc:
        raise UserError(f"tour failed: {exc}") from None
    if not paths:
        raise UserError("tour produced no images")
    return 0
