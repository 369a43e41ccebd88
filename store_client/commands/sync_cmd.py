"""``store-client sync ...``: the terminal's side of HQ sync, for store IT."""

from __future__ import annotations

import argparse
import sys

from store_client import config as cfg
from store_client.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sync", help="HQ sync: status, sync now, token, retry")
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    sub.add_parser("status", help="events waiting, needs attention, last success, clock skew"
                   ).set_defaults(handler=_status)
    now = sub.add_parser("now", help="upload the outbox and pull datasets once (till must be closed)")
    now.add_argument("--no-pull", action="store_true")
    now.set_defaults(handler=_now)
    sub.add_parser("set-token", help="store the HQ token in the OS keyring (read from stdin)"
                   ).set_defaults(handler=_set_token)
    retry = sub.add_parser("retry", help="queue needs-attention events again")
    retry.add_argument("--seq", type=int, action="append", help="only these outbox sequence numbers")
    retry.set_defaults(handler=_retry)


def _status(args: argparse.Namespace) -> int:
    from store_client.bootstrap import open_existing
    from store_client.services.sync_status import format_age, list_events, read_status

    config = cfg.load(args.config)
    terminal = open_existing(config, exclusive=False)
    try:
        status = read_status(terminal.db, terminal.clock, phase=None if not config["hq.url"] else "unknown")
        refused = list_events(terminal.db, "rejected")
    finally:
        terminal.close()
    print(f"HQ: {config['hq.url'] or '(not configured: offline)'}")
    print(f"waiting: {status.pending} (oldest {format_age(status.oldest_pending_age)}), "
          f"needs attention: {status.needs_attention}")
    print(f"last success: {status.last_success or 'never'}; "
          f"clock skew: {status.skew.total_seconds() if status.skew is not None else '?'} s"
          + (" (LARGE)" if status.skew_is_large else ""))
    if status.last_error:
        print(f"last error: {status.last_error}")
    for dataset, error in status.dataset_errors.items():
        print(f"dataset {dataset}: {error}")
    for row in refused:  # what the Sync screen names without HQ's words
        print(f"needs attention: #{row.seq} {row.kind} ({row.attempts} tries): {row.last_error or '?'}")
    return 0


def _now(args: argparse.Namespace) -> int:
    from store_client.bootstrap import open_existing
    from sync.terminal.credentials import CredentialsMissing, token_store
    from sync.terminal.puller import Puller
    from sync.terminal.transport import HQClient, TransientError
    from sync.terminal.uploader import Uploader, UploaderBusy

    config = cfg.load(args.config)
    if not config["hq.url"]:
        raise UserError("hq.url is not set in the configuration; the terminal runs offline")
    try:
        token = token_store(config).load()
    except CredentialsMissing as exc:
        raise UserError(str(exc)) from None
    terminal = open_existing(config)
    try:
        with HQClient(config["hq.url"], token, timeout=config["hq.timeout_seconds"]) as client:
            result = Uploader(terminal.db, client).upload_pending()
            print(f"delivered {result.delivered}, rejected {result.rejected}")
            if not args.no_pull:
                for name, outcome in Puller(terminal.db, client).pull_all().items():
                    note = f" ERROR: {outcome.error}" if outcome.error else ""
                    print(f"{name}: {outcome.applied} change(s){note}")
    except (TransientError, UploaderBusy) as exc:
        raise UserError(f"sync failed, will retry later: {exc}") from None
    finally:
        terminal.close()
    return 0


def _set_token(args: argparse.Namespace) -> int:
    from sync.terminal.credentials import CredentialsUnavailable, describe, token_store

    config = cfg.load(args.config)
    store = token_store(config)
    if sys.stdin.isatty():
        import getpass
        token = getpass.getpass("HQ token: ")
    else:
        token = sys.stdin.readline()
    try:
        store.save(token.strip())
    except (ValueError, CredentialsUnavailable) as exc:
        raise UserError(str(exc)) from None
    print(f"token stored in {describe(store)} for {config.store_id}/{config.terminal_id}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    from store_client.bootstrap import open_existing
    from sync.terminal.uploader import retry_rejected

    terminal = open_existing(cfg.load(args.config))
    try:
        count = retry_rejected(terminal.db, args.seq)
    finally:
        terminal.close()
    print(f"{count} event(s) queued again")
    return 0
