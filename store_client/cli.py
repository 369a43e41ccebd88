"""The ``store-client`` command.

Sub-commands live in ``store_client/commands/<name>.py``; each module exposes
``register(subparsers)`` and is discovered here, so a feature adds its commands
without touching this file. Expected failures (bad config, damaged database,
second instance) print one clear message and exit non-zero; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence

from store_client import __version__, commands
from store_client.config import ConfigError
from store_client.persistence.errors import DatabaseError
from store_client.persistence.lock import AlreadyRunning

EXIT_CONFIG, EXIT_DATABASE, EXIT_RUNNING = 2, 3, 4
log = logging.getLogger("store_client.cli")


class UserError(Exception):
    """A failure to report as one line to the person at the keyboard (exit 1)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="store-client", description="Store counter client")
    parser.add_argument("--version", action="version", version=f"store-client {__version__}")
    parser.add_argument(
        "--config", metavar="FILE",
        help="configuration file (default: $STORE_CLIENT_CONFIG, then the platform location)",
    )
    parser.add_argument("--log-json", action="store_true",
                        help="write the log file as one JSON object per line "
                             "(also $STORE_CLIENT_LOG_JSON=1)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 1
    from store_client import logs

    logs.setup(json_lines=args.log_json or os.environ.get("STORE_CLIENT_LOG_JSON") == "1")
    action = next((v for k, v in vars(args).items() if k.endswith("_command") and v), "")
    log.info("store-client %s %s %s", __version__, args.command, action)  # never the arguments
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        log.warning("configuration error: %s", exc)
        print(f"store-client: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseError as exc:
        log.warning("database error: %s", exc)
        print(f"store-client: database error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except AlreadyRunning as exc:
        print(f"store-client: {exc}", file=sys.stderr)
        return EXIT_RUNNING
    except UserError as exc:
        log.warning("%s", exc)
        print(f"store-client: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("store-client %s failed", args.command)
        raise
