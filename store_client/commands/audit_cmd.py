"""``store-client audit verify [--against-hq]|tail``: check and read the hash-chained audit log.

Both are read-only and open the database without the instance lock, so they
work next to a running till.
"""

from __future__ import annotations

import argparse
import json
import sys

from store_client import config as cfg
from store_client import store_time


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify or read the audit log")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help="re-hash the whole chain; exit 1 naming the first broken entry")
    verify.add_argument("--against-hq", action="store_true",
                        help="also compare the chain with HQ's copy; exit 1 at the first divergence")
    verify.set_defaults(handler=_verify)
    tail = sub.add_parser("tail", help="print the newest entries, oldest first")
    tail.add_argument("-n", type=int, default=20, metavar="N", help="how many (default 20)")
    tail.add_argument("--action", help="only entries of this action, e.g. auth.login_failed")
    tail.set_defaults(handler=_tail)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from store_client.bootstrap import open_existing

    return open_existing(cfg.load(args.config), exclusive=False)


def _verify(args: argparse.Namespace) -> int:
    from store_client.services.audit import AuditLog

    terminal = _open(args)
    try:
        report = AuditLog(terminal.clock).verify(terminal.db)
    finally:
        terminal.close()
    if not report.ok:
        print(f"store-client: {report.summary()} "
              f"({report.entries_checked} entries before it verified)", file=sys.stderr)
        return 1
    print(report.summary())
    return _against_hq(args) if args.against_hq else 0


def _against_hq(args: argparse.Namespace) -> int:
    """The local chain verified on its own; now its entries against HQ's copy."""
    from store_client.cli import UserError
    from sync.terminal.audit_check import compare_with_hq
    from sync.terminal.credentials import CredentialsMissing, load_token
    from sync.terminal.transport import BatchRejected, HQClient, ResponseTooLarge, TransientError

    config = cfg.load(args.config)
    if not config["hq.url"]:
        raise UserError("hq.url is not set in the configuration; nothing to compare with")
    try:
        token = load_token(config.store_id, config.terminal_id)
    except CredentialsMissing as exc:
        raise UserError(str(exc)) from None
    terminal = _open(args)
    try:
        with HQClient(config["hq.url"], token, timeout=config["hq.timeout_seconds"]) as client:
            report = compare_with_hq(terminal.db, client)
    except (TransientError, BatchRejected, ResponseTooLarge) as exc:
        raise UserError(f"cannot read HQ's copy of the audit log: {exc}") from None
    finally:
        terminal.close()
    if report.ok:
        print(report.summary())
        return 0
    print(f"store-client: {report.summary()}", file=sys.stderr)
    return 1


def _tail(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.services.audit import AuditLog

    if not 1 <= args.n <= 10_000:
        raise UserError("-n must be between 1 and 10000")
    terminal = _open(args)
    try:
        rows = AuditLog(terminal.clock).recent(terminal.db, limit=args.n, action=args.action)
    finally:
        terminal.close()
    for row in reversed(rows):
        details = json.dumps(row.details, ensure_ascii=False, sort_keys=True)
        print(f"{row.seq:>8}  {store_time.date_time(row.at)}  {row.operator_id or '-':<16}  "
              f"{row.action:<28}  {row.target:<16}  {details}")
    return 0
