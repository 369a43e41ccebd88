"""SIGKILL a till mid-way through a return of another store's sale, against the reference HQ on
127.0.0.1, at each point where the return is half done: after HQ reserved it (nothing written
here), after it was written here (HQ not told, nothing synced), and after the payment provider
refunded the mobile part (the answer never came back). Restarted, the return is wholly there
once or wholly absent and can be taken again; HQ's reservation ends confirmed or released,
once; the money goes back once. Three kills, each bounded in time."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cross_return_kill_child import MANAGER, FileWallet, service, till
from online_returns_world import member, open_shift, store_b_sale
from points_coupons_world import sale_with_points
from sqlalchemy import func, select

from store_client.bootstrap import open_terminal
from store_client.clock import FakeClock
from store_client.domain import pins
from store_client.persistence.models import CrossReturn, Operator, OutboxEvent
from store_client.persistence.reservation_models import ReturnReservation
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.errors import ServiceError
from sync.hq import cross_returns as hq_cross
from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.returnables import reservations
from sync.hq.service import HQService, make_engine
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.conftest import make_config

CHILD = Path(__file__).with_name("cross_return_kill_child.py")
WAIT_S = 60.0  # the child's start (imports, the lookup at HQ) on a loaded machine


@pytest.fixture
def world(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pins, "LOG2_N", 10)
    hq = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_demo(hq)
    server = HQServer(hq).start()
    data_dir = tmp_path / "till"
    terminal = open_terminal(make_config(data_dir), clock=FakeClock())
    try:
        with terminal.db.transaction() as s:
            s.add(Operator(id="m1", name="张经理", role="manager", pin_hash=pins.hash_pin("2468"), active=True,
                           failed_attempts=0))
        open_shift(terminal, MANAGER)
    finally:
        terminal.close()
    try:
        yield hq, server, data_dir, hq.issue_token("S001", "T01")
    finally:
        server.stop()
        hq.engine.dispose()


def killed_at(data_dir: Path, url: str, token: str, receipt_no: str, point: str) -> str:
    """Run the child until it says it stands at ``point``, SIGKILL it; returns what it named."""
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), url, token, receipt_no, point],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for text in proc.stdout:  # type: ignore[union-attr]
            lines.put(text)
        lines.put(None)  # the child is gone

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            try:
                got = lines.get(timeout=WAIT_S)
            except queue.Empty:
                got = None
            if got is None:
                proc.wait(10)
                pytest.fail(f"the child never reached {point}: {proc.stderr.read()}")  # type: ignore[union-attr]
            line = got.strip()
            if line.startswith("AT "):
                break
            assert not line.startswith("DONE"), f"the child finished instead of stopping at {point}"
        os.killpg(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    where, _, named = line[3:].partition(" ")
    assert where == point
    return named


def local(svc) -> tuple[list[tuple[str, str, int]], int, int]:  # type: ignore[no-untyped-def]
    """(id, status, cash) of each return here, return.taken events, reservations noted."""
    with svc.db.read() as s:
        rows = [(r.id, r.status, r.cash_fen) for r in s.scalars(select(CrossReturn))]
        events = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "return.taken"))
        noted = s.scalar(select(func.count()).select_from(ReturnReservation))
    return rows, int(events or 0), int(noted or 0)


def at_hq(hq: HQService, ref: str) -> dict[str, str]:
    with hq.engine.connect() as conn:
        return {r.return_id: r.state for r in conn.execute(
            select(reservations.c.return_id, reservations.c.state).where(reservations.c.original_ref == ref))}


def upload(svc, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    with HQClient(url, token) as client:
        Uploader(svc.db, client).upload_pending()


def wallet_refunds(data_dir: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(data_dir / "wallet.sqlite3") as db:
        return [(ref, amount) for ref, amount in db.execute("SELECT reference, amount FROM refunds WHERE ok = 1")]


def test_killed_after_hq_reserved_the_return_is_absent_released_once_and_taken_again(world):
    hq, server, data_dir, token = world
    sale, _qr = store_b_sale(hq, seed=61)
    ref, line = f"sale:{sale['sale_id']}", sale["lines"][0]
    killed = killed_at(data_dir, server.url, token, sale["receipt_no"], "reserved")
    assert at_hq(hq, ref) == {killed: "reserved"}  # HQ holds the goods for a return never written

    svc = till(data_dir, server.url, token, FileWallet(data_dir / "wallet.sqlite3"))
    assert local(svc) == ([], 0, 1)  # wholly absent; the reservation was noted before HQ was asked
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals  # restarted: released first
    assert at_hq(hq, ref) == {killed: "released"} and local(svc) == ([], 0, 0)
    assert original.lines[0].returnable == line["qty"]  # the goods are returnable again

    done = svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((line["line_no"], line["qty"]),), "damaged"))
    svc.find(MANAGER, sale["receipt_no"])  # nothing left to release: the released one stays released
    upload(svc, server.url, token)
    assert at_hq(hq, ref) == {killed: "released", done.return_id: "confirmed"}
    assert local(svc) == ([(done.return_id, "completed", line["net_minor"])], 1, 0)  # cash out once


def test_killed_after_the_local_write_the_return_is_there_once_and_its_event_confirms_it(world):
    hq, server, data_dir, token = world
    sale, _qr = store_b_sale(hq, seed=62)
    ref, line = f"sale:{sale['sale_id']}", sale["lines"][0]
    written = killed_at(data_dir, server.url, token, sale["receipt_no"], "written")
    assert at_hq(hq, ref) == {written: "reserved"}

    svc = till(data_dir, server.url, token, FileWallet(data_dir / "wallet.sqlite3"))
    assert local(svc) == ([(written, "completed", line["net_minor"])], 1, 0)  # wholly there, once
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    assert at_hq(hq, ref) == {written: "reserved"}  # a written return is never released
    assert original.lines[0].returnable == 0
    with pytest.raises(ServiceError) as again:  # the customer cannot have it twice
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((line["line_no"], 1),), "damaged"))
    assert again.value.code in ("return.already_returned", "return.taken_meanwhile", "refund.above_returnable")
    upload(svc, server.url, token)  # the event reaches HQ: confirmed, once
    upload(svc, server.url, token)
    assert at_hq(hq, ref) == {written: "confirmed"}
    with hq.engine.connect() as conn:
        assert conn.scalar(select(hq_cross.taken.c.state).where(hq_cross.taken.c.return_id == written)) == "settled"
    assert local(svc) == ([(written, "completed", line["net_minor"])], 1, 0)


def test_killed_after_the_provider_refunded_the_wallet_is_asked_again_and_pays_once(world):
    hq, server, data_dir, token = world
    sale = sale_with_points(hq, member(hq), seed=63, points=0, points_fen=0, wallet="wechat")
    ref, line = f"sale:{sale['sale_id']}", sale["lines"][0]
    reference = killed_at(data_dir, server.url, token, sale["receipt_no"], "wallet")
    return_id = reference.split(":")[0]
    assert wallet_refunds(data_dir) == [(reference, line["net_minor"])]  # the provider paid; the till died
    assert at_hq(hq, ref) == {return_id: "reserved"}

    svc = till(data_dir, server.url, token, FileWallet(data_dir / "wallet.sqlite3"))
    assert local(svc) == ([(return_id, "paying", 0)], 0, 0)  # kept, waiting for the wallet's answer
    svc.find(MANAGER, sale["receipt_no"])  # restarted: the wallet is asked again with the same key
    assert wallet_refunds(data_dir) == [(reference, line["net_minor"])]  # answered, not paid twice
    assert local(svc) == ([(return_id, "completed", 0)], 1, 0) and at_hq(hq, ref) == {return_id: "confirmed"}
    with svc.db.read() as s:
        tenders = json.loads(s.get(CrossReturn, return_id).tenders)
    assert [(m, fen) for m, fen, _ref in tenders] == [("wechat", line["net_minor"])] and tenders[0][2]
    upload(svc, server.url, token)
    assert at_hq(hq, ref) == {return_id: "confirmed"} and wallet_refunds(data_dir) == [(reference, line["net_minor"])]


def test_a_release_hq_does_not_answer_is_kept_and_made_at_the_next_start(world):
    from store_client.services import cross_return_journal as journal

    hq, server, data_dir, token = world
    sale, _qr = store_b_sale(hq, seed=64)
    ref, line = f"sale:{sale['sale_id']}", sale["lines"][0]
    with HQClient(server.url, token) as client:  # as a till does, then dies before writing
        client.reserve_return("left-behind", ref, {line["line_no"]: (line["qty"], line["net_minor"])},
                              {"cash": line["net_minor"]})
    wallet, terminal = FileWallet(data_dir / "wallet.sqlite3"), open_terminal(make_config(data_dir), clock=FakeClock())
    offline = service(terminal, "http://127.0.0.1:9", token, wallet)
    journal.note(offline, "left-behind", ref)
    journal.note(offline, "never-reached-hq", ref)  # HQ never got this ask: nothing to release there
    assert journal.release_orphans(offline) == 0 and local(offline)[2] == 2  # kept for the next start
    svc = service(terminal, server.url, token, wallet)  # HQ reached again
    assert journal.release_orphans(svc) == 2 and local(svc)[2] == 0
    assert at_hq(hq, ref) == {"left-behind": "released"}
    terminal.close()
