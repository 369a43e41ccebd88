"""``store-client config init|check|show``."""

from __future__ import annotations

import argparse
from pathlib import Path

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="create, check or show the configuration")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)

    init = sub.add_parser("init", help="write a starter configuration file")
    init.add_argument("--path", help="where to write it (default: the platform location)")
    init.add_argument("--store", default="S001", help="store id")
    init.add_argument("--terminal", default="T01", help="terminal id")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_init)

    check = sub.add_parser("check", help="validate the configuration and say where it is")
    check.set_defaults(handler=_check)

    show = sub.add_parser("show", help="print every setting with its effective value")
    show.set_defaults(handler=_show)


def _init(args: argparse.Namespace) -> int:
    from store_client.cli import UserError

    path = Path(args.path) if args.path else cfg.locate(args.config)
    if path.exists() and not args.force:
        raise UserError(f"{path} exists already; use --force to overwrite it")
    cfg.from_mapping(_parse(cfg.template(args.store, args.terminal)), path)  # validates ids
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cfg.template(args.store, args.terminal), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _parse(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


def _check(args: argparse.Namespace) -> int:
    config = cfg.load(args.config)
    print(f"{config.path}: OK (store {config.store_id}, terminal {config.terminal_id}, "
          f"data {config.data_dir})")
    print("the file is valid; 'store-client doctor' checks the rest (database, HQ, token, "
          "printer, staff)")
    return 0


def _show(args: argparse.Namespace) -> int:
    config = cfg.load(args.config)
    print(f"# {config.path}")
    for setting in cfg.SETTINGS:
        print(f"{setting.key} = {config[setting.key]!r}")
    return 0
