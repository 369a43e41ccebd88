"""Cross-channel returns: finding the original (``python -m benchmarks returns_lookup``).

A till of store S001 finds what a customer bought in store S002 or online, through
``CrossReturnsService.find`` (what the Returns screen's op runs off the UI thread), against the
reference HQ on 127.0.0.1 over HTTP: by the signed receipt QR (checked locally, no network), by
the online order number and by the member's phone (asked of HQ; each call opens its client as
the till does). Then the UI thread's work of listing a member's 200 orders on the screen.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import report


def _timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _list_ui(originals) -> list[float]:  # type: ignore[no-untyped-def]
    from store_client.ui.app import ensure_platform

    ensure_platform(offscreen=True)
    from PySide6.QtWidgets import QApplication

    from store_client.ui.screens.returns_originals import OriginalsList, when

    app = QApplication.instance() or QApplication([])
    widget = OriginalsList()
    widget.resize(900, 300)
    widget.show()
    app.processEvents()
    times = []
    for _ in range(10):
        started = time.perf_counter()
        widget.show_originals(originals, lambda o: f"{o.receipt_no} · {o.channel} · {when(o)} · {o.total_fen}")
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    widget.close()
    return times


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client.bootstrap import open_terminal
    from store_client.clock import SystemClock
    from store_client.config import from_mapping
    from store_client.domain.roles import Role
    from store_client.persistence.models import Operator
    from store_client.services.audit import AuditLog
    from store_client.services.auth import Actor
    from store_client.services.authorization import Authorizer
    from store_client.services.cross_returns import CrossReturnsService
    from sync.hq.embedded import HQServer
    from sync.hq.service import HQService, make_engine
    from sync.terminal.transport import HQClient
    from tests.integration.sync.online_returns_world import (
        collected_order,
        member,
        pull_keys,
        store_b_sale,
    )

    n = 20 if args.quick else 100
    many = 40 if args.quick else 200
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        service = HQService(make_engine(f"sqlite:///{base / 'hq.sqlite3'}"))
        server = HQServer(service).start()
        token = service.issue_token("S001", "T01")
        config = from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"},
                               "data": {"dir": str(base / "till")}}, base / "till" / "config.toml")
        term = open_terminal(config, clock=SystemClock())
        try:
            with term.db.transaction() as s:
                s.add(Operator(id="m1", name="m1", role="manager", active=True, failed_attempts=0,
                               pin_hash="scrypt$14$8$1$AAAA$BBBB"))
            actor = Actor("m1", "m1", Role.MANAGER)
            audit = AuditLog(term.clock)
            svc = CrossReturnsService(term.db, term.clock, audit, Authorizer(term.db, audit, term.clock),
                                      config=config, client=lambda: HQClient(server.url, token, timeout=10))
            _sale, qr = store_b_sale(service)
            pull_keys(term, server.url, token)
            member_one = member(service, "13900000001")
            order = collected_order(service, member_one)
            member_many = member(service, "13900000002")
            for _ in range(many):
                collected_order(service, member_many, [{"sku": "100001", "qty": 2}], discounts={})
            svc.find(actor, qr)  # warm: imports, the first connection
            by_qr = _timed(lambda: svc.find(actor, qr), n)
            by_order = _timed(lambda: svc.find(actor, order.order_no), n)
            by_phone = _timed(lambda: svc.find(actor, "13900000001"), n)
            found = svc.find(actor, "13900000002").originals
            by_phone_many = _timed(lambda: svc.find(actor, "13900000002"), max(5, n // 10))
            ui = _list_ui(found)
        finally:
            term.close()
            server.stop()
            service.engine.dispose()
    load_after = os.getloadavg()

    def row(label: str, samples: list[float], target: str) -> str:
        return (f"| {label} | {len(samples)} | {report.median(samples):.1f} ms | "
                f"{report.percentile(samples, 95):.1f} ms | {max(samples):.1f} ms | {target} |\n")

    body = (
        f"Machine: {report.machine()}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (shared, 2 cores). {datetime.now(UTC):%Y-%m-%d}.\n\n"
        "| Finding the original | Samples | p50 | p95 | max | Target |\n|---|---|---|---|---|---|\n"
        + row("by receipt QR, checked locally (signature, keys from the database, catalog names)", by_qr,
              "≤ 50 ms")
        + row("by online order number, via HQ on loopback (new client each time)", by_order, "p95 ≤ 300 ms")
        + row("by member's phone, via HQ (member, then their orders)", by_phone, "p95 ≤ 300 ms")
        + row(f"by member's phone with {len(found)} orders, via HQ", by_phone_many, "")
        + row(f"UI thread: the list of {len(found)} orders filled", ui, "≤ 100 ms")
        + "\nHow: `CrossReturnsService.find` as the Returns screen's op runs it (on the task "
        "manager's pool, never the UI thread). A receipt QR needs no network: the Ed25519 check "
        "against the published `terminal_keys`. An order number or a phone is one or two requests "
        "to HQ (`/v1/members/find`, `/v1/originals`), each answering every line's returnable "
        "quantity from the ledger.\n")
    print(body)
    report.write_section("returns_lookup", "Cross-channel returns: finding the original", body)
