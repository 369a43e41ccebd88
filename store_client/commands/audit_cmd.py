"""``store-client audit verify|tail``: check and read the hash-chained audit log.

Both are read-only and open the database without the instance lock, so they
work next to a running till.
"""

from __future__ import annotations

import argparse
import json
import sys

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify or read the audit log")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    sub.add_parser(
        "verify", help="re-hash the whole chain; exit 1 naming the first broken entry",
    ).set_defaults(handler=_verify)
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
    if report.ok:
        print(report.summary())
        return 0
    print(f"store-client: {report.summary()} "
          f"({report.entries_checked} entries before it verified)", file=sys.stderr)
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
        print(f"{row.seq:>8}  {row.at:%Y-%m-%d %H:%M:%S}  {row.operator_id or '-':<16}  "
              f"{row.action:<28}  {row.target:<16}  {details}")
    return 0
