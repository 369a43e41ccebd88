"""What a freshly unpacked version runs before it is switched on (``upgrade self-test``):
the database (migrated by this version, then checked whole), HQ's handshake when HQ is
configured, and a test receipt rendered to the print preview."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from store_client.config import Config


class SelfTestFailed(Exception):
    pass


def run_self_test(config: Config) -> list[str]:
    """The steps passed, or :class:`SelfTestFailed` naming the first that did not."""
    from store_client.bootstrap import open_terminal
    from store_client.persistence import migrate
    from store_client.persistence.migrations import HEAD

    passed = []
    terminal = open_terminal(config)  # migrates, as the till does at start-up
    try:
        with terminal.db.engine.connect() as conn:
            problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        revision = migrate.current_revision(terminal.db.engine)
        if problems != ["ok"] or revision != HEAD:
            raise SelfTestFailed(f"database: integrity {problems[:3]}, revision {revision}")
        passed.append(f"database ok at revision {revision}")
    finally:
        terminal.close()
    if config["hq.url"]:
        passed.append(_handshake(config))
    passed.append(_test_print(config))
    return passed


def _handshake(config: Config) -> str:
    from sync.terminal.credentials import CredentialsMissing, token_store
    from sync.terminal.transport import HQClient, TransientError

    try:
        token = token_store(config).load()
        with HQClient(config["hq.url"], token, timeout=float(config["hq.timeout_seconds"])) as client:
            client.get_time()
            who = client.get_whoami()
    except (CredentialsMissing, TransientError) as exc:
        raise SelfTestFailed(f"HQ handshake: {exc}") from None
    if (who.get("store_id"), who.get("terminal_id")) != (config.store_id, config.terminal_id):
        raise SelfTestFailed(f"HQ handshake: HQ takes the token for {who}")
    return "HQ handshake ok"


def _test_print(config: Config) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a preview needs no screen
    from printers import templates
    from printers.preview import render_png
    from printers.receipt_data import Header, TestPage
    from printers.setup import printer_profile

    profile = printer_profile(config)
    page = TestPage(header=Header(config["store.name"], config.store_id, config.terminal_id,
                                  "upgrade self-test", datetime.now(UTC)),
                    printer_kind="preview", profile=profile.escpos_profile,
                    paper_mm=profile.paper_mm, encoding=profile.encoding)
    png = render_png(templates.test_page(page), profile)
    if not png.startswith(b"\x89PNG") or len(png) < 1000:
        raise SelfTestFailed("test print: the preview came out empty")
    return f"test print to the preview ok ({len(png):,} bytes)"
