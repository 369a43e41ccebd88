"""``store-client doctor [--json]``: check this counter PC; the exit code is the worst result
(0 ok, 1 warning, 2 failure)."""

from __future__ import annotations

import argparse

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check config, database, disk, HQ, token, printer, scanner, sync; with fixes")
    parser.add_argument("--json", action="store_true", help="one JSON document (for tools)")
    parser.add_argument("--offline", action="store_true", help="skip the checks that reach HQ")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="S",
                        help="seconds per network check (default 5)")
    parser.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    from store_client.doctor.runner import diagnose

    report = diagnose(cfg.locate(args.config), offline=args.offline, hq_timeout=args.timeout)
    print(report.to_json() if args.json else report.to_text())
    return report.exit_code
