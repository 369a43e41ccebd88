"""A complete demo store on disk: config file, migrated database, catalog and staff."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

from store_client import config as cfg
from store_client.bootstrap import open_terminal
from store_client.clock import SystemClock, iso
from store_client.demo import generator
from store_client.demo.loader import OperatorRow, load_catalog
from store_client.demo.operators import hashed_rows

DEMO_STORE_NAME = "演示门店 · 上海静安店"
GENERATOR_VERSION = "1"  # bump when the same seed would give a different catalog
BACKGROUND_FROM = 50_000  # from this size, generate in a child process while loading


def create_demo_store(
    target_dir: Path,
    *,
    skus: int = 5000,
    seed: int = 42,
    store_id: str = "S001",
    terminal_id: str = "T01",
    hq_url: str = "",
    locale: str = "zh_CN",
    timings: dict[str, float] | None = None,
    stock_figures: bool = False,
) -> Path:
    """Create the demo store in ``target_dir`` and return its config file's path.

    Refuses a directory that already holds a terminal database or a config file
    (FileExistsError). On failure, the files it created are removed again.
    ``timings``, if given, receives the seconds spent per phase. ``stock_figures``: HQ's stock
    of this store, its neighbours and the warehouse for the first products (the demo and the
    tour show them; tests start without).
    """
    started = time.perf_counter()
    generator.check_size(skus)
    target_dir = Path(target_dir).expanduser().resolve()
    config_path = target_dir / "config.toml"
    text = cfg.template(store_id, terminal_id, **{
        "store.name": DEMO_STORE_NAME, "hq.url": hq_url, "ui.locale": locale,
        "data.dir": str(target_dir), "demo.enabled": True, "printer.kind": "dummy",
    })
    config = cfg.from_mapping(tomllib.loads(text), config_path)  # bad ids etc. fail before any write
    db_path = config.database_path
    for existing in (db_path, db_path.with_name(db_path.name + "-wal"), config_path):
        if existing.exists():
            what = "a terminal database" if existing != config_path else "a configuration file"
            raise FileExistsError(
                f"{target_dir} already holds {what} ({existing.name}); the demo store is only "
                "created in a new or empty directory. Choose another directory or remove it.")

    phase = time.perf_counter()
    operators = [OperatorRow(*row) for row in hashed_rows()]
    _note(timings, "hash_pins", phase)

    created_dir = not target_dir.exists()
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        config_path.write_text(text, encoding="utf-8")
        phase = time.perf_counter()
        terminal = open_terminal(cfg.load(config_path))
        _note(timings, "open_and_migrate", phase)
        try:
            phase = time.perf_counter()
            phases: dict[str, float] = {}
            rows = (generator.products_in_background(skus, seed) if skus >= BACKGROUND_FROM
                    else generator.products(skus, seed))
            load_catalog(
                terminal.db, generator.categories(), rows,
                operators=operators,
                settings={
                    "demo.seed": str(seed), "demo.skus": str(skus),
                    "demo.generator_version": GENERATOR_VERSION,
                    "demo.created_at": iso(SystemClock().now()),
                },
                timings=phases,
            )
            _note(timings, "generate_and_load", phase)
            phase = time.perf_counter()
            from store_client.demo import checkout_data
            checkout_data.load(terminal.db, seed=seed, now=SystemClock().now())
            from store_client.demo import price_history_data  # what returns without receipt price from
            price_history_data.load(terminal.db, seed=seed, now=SystemClock().now())
            if stock_figures:  # HQ's figures of this and nearby stores, as a pull would leave them
                from store_client.demo import stock_data
                stock_data.load(terminal.db, seed=seed, now=SystemClock().now(), store_id=store_id)
            _open_shift(terminal)
            _note(timings, "checkout_data", phase)
            if timings is not None:
                timings.update({f"load.{name}": secs for name, secs in phases.items()})
        finally:
            terminal.close()
    except BaseException:
        _remove_created(target_dir, db_path, config_path, created_dir)
        raise
    _note(timings, "total", started)
    return config_path


def _open_shift(terminal) -> None:  # type: ignore[no-untyped-def]
    """The demo till opens with its shift open (a counted float of 500 CNY by the first demo
    manager), so it sells at once; the discipline itself is shown by closing and reopening."""
    from store_client.demo.operators import DEMO_OPERATORS
    from store_client.domain.roles import Role
    from store_client.services.audit import AuditLog
    from store_client.services.auth import Actor
    from store_client.services.authorization import Authorizer
    from store_client.services.shifts import ShiftService

    manager = next(op for op in DEMO_OPERATORS if op.role == Role.MANAGER.value)
    audit = AuditLog(terminal.clock)
    ShiftService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                 config=terminal.config).open_shift(
        Actor(manager.id, manager.name, Role.MANAGER), {10000: 5})


def _note(timings: dict[str, float] | None, name: str, since: float) -> None:
    if timings is not None:
        timings[name] = time.perf_counter() - since


def _remove_created(target_dir: Path, db_path: Path, config_path: Path, created_dir: bool) -> None:
    """Undo a failed creation: only the files this module makes (the directory was checked)."""
    names = [config_path, db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")),
             target_dir / "store-client.lock", target_dir / "store-client.pid"]
    for path in names:
        path.unlink(missing_ok=True)
    if created_dir:
        try:
            target_dir.rmdir()
        except OSError:
            pass
