"""``store-client provision --hq URL --code CODE``: a new counter PC in one step.

See :mod:`store_client.provisioning` for the order of the steps and why re-running
the same command after an interruption is safe.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "provision", help="set up this PC as a terminal from HQ (one-time code from HQ's admin)")
    parser.add_argument("--hq", required=True, metavar="URL", help="HQ address, e.g. https://hq.example.cn")
    parser.add_argument("--code", metavar="CODE",
                        help="the one-time enrollment code (omit to finish a PC that has its token)")
    parser.add_argument("--token-store", choices=("keyring", "file"),
                        help="where to keep the HQ token: the OS keyring (default) or a file only "
                             "this account can read (PCs without a keyring)")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (default: the platform's)")
    parser.set_defaults(handler=_provision)


class BarProgress:
    """A rich progress bar on stderr with the row count and the time left; plain lines when
    stderr is not a terminal (a log file or a remote-management tool)."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.bar: Any = None
        self.task: Any = None
        self.done = 0
        self.total = 0
        self.started = 0.0
        self.last_line = 0.0

    def begin(self, totals: dict[str, int]) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self.total = sum(totals.values())
        self.started = time.monotonic()
        self.last_line = self.started  # the first line after 2 s: an estimate from one page is noise
        if self.console.is_terminal:
            self.bar = Progress(TextColumn("{task.description:<16}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                TimeElapsedColumn(), console=self.console)
            self.bar.start()
            self.task = self.bar.add_task("downloading", total=self.total or None)

    def advance(self, dataset: str, rows: int) -> None:
        self.done += rows
        if self.bar is not None:
            self.bar.update(self.task, advance=rows, description=dataset)
            return
        now = time.monotonic()
        if self.done and now - self.last_line >= 2.0:
            self.last_line = now
            elapsed = now - self.started
            eta = (elapsed / self.done * (self.total - self.done)) if self.done and self.total else 0
            print(f"  {dataset}: {self.done:,}/{self.total:,} rows, about {eta:.0f} s left",
                  file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.bar is not None:
            self.bar.stop()
        print(f"  downloaded {self.done:,} rows in {time.monotonic() - self.started:.1f} s",
              file=sys.stderr, flush=True)


def _provision(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.doctor.result import Status
    from store_client.provisioning import Plan, ProvisionRefused, provision

    plan = Plan(hq_url=args.hq, code=args.code, config_path=cfg.locate(args.config),
                token_store=args.token_store, data_dir=args.data_dir)
    try:
        outcome = provision(plan, BarProgress())
    except ProvisionRefused as exc:
        raise UserError(f"provisioning refused: {exc}") from None
    config = outcome.config
    print(f"terminal {config.store_id}/{config.terminal_id} provisioned from {config['hq.url']}")
    print(f"  configuration: {config.path}")
    print(f"  database:      {config.database_path}")
    for dataset, error in outcome.errors.items():
        print(f"  NOT READY  {dataset}: {error}")
    marks = {Status.OK: "ready    ", Status.WARN: "check    ", Status.FAIL: "NOT READY"}
    for result in outcome.readiness:
        print(f"  {marks[result.status]}  {result.check}: {result.summary}")
        if result.fix:
            print(f"             -> {result.fix}")
    if outcome.ready_to_sell:
        print("the till can sell: start it with 'store-client run'; 'store-client doctor' "
              "checks the rest")
        return 0
    print("the till is not ready to sell yet (see NOT READY above)")
    return 1
