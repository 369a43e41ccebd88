"""``store-client shift status``: this terminal's open shift and the last Z report, read-only.

Opens the database without the instance lock, so store IT or a manager can look next to
a running till. Shifts are opened, paid into and closed at the till (Shift screen).
"""

from __future__ import annotations

import argparse

from store_client import config as cfg
from store_client import store_time


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("shift", help="show this terminal's shift and last Z report")
    sub = parser.add_subparsers(dest="shift_command", metavar="ACTION", required=True)
    sub.add_parser("status", help="the open shift (if any) and the last closed shift's "
                   "figures").set_defaults(handler=_status)


def _status(args: argparse.Namespace) -> int:
    from store_client.bootstrap import open_existing
    from store_client.domain.money import Money
    from store_client.services.audit import AuditLog
    from store_client.services.authorization import Authorizer
    from store_client.services.shifts import ShiftService

    config = cfg.load(args.config)
    terminal = open_existing(config, exclusive=False)
    try:
        audit = AuditLog(terminal.clock)
        service = ShiftService(terminal.db, terminal.clock, audit,
                               Authorizer(terminal.db, audit, terminal.clock), config=config)
        current, last = service.current(), service.last_closed()
        z = service.z_report(last.shift_id) if last is not None else None
    finally:
        terminal.close()

    def money(fen: int) -> str:
        return str(Money(fen, config.currency))

    if current is None:
        print(f"no shift open on {config.terminal_id}")
    else:
        print(f"open: {current.shift_no} since {store_time.minutes(current.opened_at)} "
              f"({config.time_zone}) by "
              f"{current.opened_by}, float {money(current.opening_float_fen)}, "
              f"{current.movements} pay-in/out")
    if z is not None:
        print(f"last closed: {z.shift_no} at {store_time.minutes(z.closed_at)} - "
              f"{z.sales_count} sales "
              f"{money(z.sales_total_fen)}, expected {money(z.expected_cash_fen)}, "
              f"counted {money(z.counted_cash_fen or 0)}, over/short "
              f"{money(z.variance_fen or 0)}" + (f" ({z.variance_reason})"
                                                  if z.variance_reason else ""))
    return 0
