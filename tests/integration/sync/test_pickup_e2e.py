"""Pick-up end to end with real processes on 127.0.0.1: the reference HQ runs as
``store-client hq serve`` (SQLite and PostgreSQL), orders are placed and cancelled with
``store-client hq orders``, the tills sync over HTTP. Faults: a till SIGKILLed during the
hand-over, HQ's answer lost after it committed, two tills racing, offline then cancelled."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pickup_world import CHIPS_EAN, PHONE, WATER_EAN, Till, terminal_at
from sqlalchemy import func, select
from sync_fault_proxy import FaultProxy

from store_client.clock import FakeClock, SystemClock
from store_client.persistence.models import OutboxEvent, PickupProgress
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("pickup_kill_child.py")


def cli(db: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "store_client", "hq", "--db", db, *args],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


class HQProcess:
    def __init__(self, db: str, port: int, log: Path) -> None:
        self.db, self.url, self.log = db, f"http://127.0.0.1:{port}", log
        self._orders: OnlineOrders | None = None
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "store_client", "hq", "--db", db,
                                          "serve", "--port", str(port)], env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(self.url + "/v1/time", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"HQ did not start: {log.read_text()}") from None
                time.sleep(0.1)

    def place(self, *extra: str) -> dict:
        return json.loads(cli(self.db, "orders", "place", "--store", "S001", "--phone", PHONE,
                              "--member", "M00000001", "--name", "王芳",
                              "--items", "100001:2,200001:1", *extra))

    def order(self, order_id: str) -> dict:
        """The order as HQ's database holds it (read beside the running server)."""
        return self.orders().get(order_id)

    def orders(self) -> OnlineOrders:
        if self._orders is None:
            url = self.db if "://" in self.db else f"sqlite:///{self.db}"
            self._orders = OnlineOrders(HQService(make_engine(url)))
        return self._orders

    def stop(self) -> None:
        if self._orders is not None:
            self._orders.engine.dispose()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def hq(hq_db_url: str, tmp_path: Path) -> Iterator[HQProcess]:
    db = hq_db_url.removeprefix("sqlite:///")
    cli(db, "seed-demo")
    server = HQProcess(db, _free_port(), tmp_path / "hq.log")
    yield server
    server.stop()


def till_for(hq: HQProcess, base: Path, terminal_id: str = "T01", clock=None) -> Till:  # type: ignore[no-untyped-def]
    token = cli(hq.db, "issue-token", "S001", terminal_id).strip().splitlines()[-1]
    return Till(terminal_at(base, clock or FakeClock(datetime.now(UTC)), terminal_id), hq.url, token)


def picked_and_ready(till: Till, order_id: str) -> None:
    p, c = till.pickup, till.cashier
    p.start_picking(c, order_id)
    for code in (WATER_EAN, WATER_EAN, CHIPS_EAN):
        p.scan_pick(c, order_id, code)
    p.mark_ready(c, order_id)


def hq_transitions(hq: HQProcess, order_id: str) -> list[str]:
    return [t["to_state"] for t in hq.orders().transitions(order_id)]


def test_place_accept_pick_ready_hand_over_collected_with_the_notification(hq, tmp_path) -> None:
    placed = hq.place()
    till = till_for(hq, tmp_path / "t1")
    try:
        till.sync()
        assert [q.order_no for q in till.pickup.queue()] == [placed["order_no"]]
        picked_and_ready(till, placed["order_id"])
        till.sync()
        assert hq.order(placed["order_id"])["state"] == "ready"
        till.pickup.hand_over(till.cashier, placed["order_id"], qr=placed["qr"])
        till.sync()
        assert hq.order(placed["order_id"])["state"] == "collected"
        notes = hq.orders().notifications(placed["order_id"])
        assert [n["kind"] for n in notes] == ["ready"] and placed["code"] in notes[0]["params"]["text"]
    finally:
        till.terminal.close()


def test_partial_pick_proxy_refusal_and_expiry_with_hq_refunds(hq, tmp_path) -> None:
    short = hq.place()
    proxy = hq.place()
    expiring = hq.place("--hold-hours", "0.002")  # 7 s
    till = till_for(hq, tmp_path / "t1", clock=SystemClock())
    try:
        till.sync()
        p, c = till.pickup, till.cashier
        p.start_picking(c, short["order_id"])
        p.scan_pick(c, short["order_id"], WATER_EAN)
        p.pick_quantity(c, short["order_id"], 2, 1)
        p.short(c, short["order_id"], 1, "damaged")
        p.mark_ready(c, short["order_id"])
        picked_and_ready(till, proxy["order_id"])
        picked_and_ready(till, expiring["order_id"])
        till.sync()
        p.hand_over(c, proxy["order_id"], code=proxy["code"], phone4=PHONE[-4:], proxy_name="李四",
                    proxy_id_tail="1234", refused={2: (1, "not_wanted")})
        till.sync()
        time.sleep(max(0.0, datetime.fromisoformat(hq.order(expiring["order_id"])["hold_until"])
                       .timestamp() - time.time()) + 0.2)
        cli(hq.db, "orders", "housekeeping")  # (or the server's own round got there first)
        till.sync()
        assert [q.state for q in p.queue() if q.order_id == expiring["order_id"]] == ["not_collected"]
        rows = {o: hq.order(o) for o in (short["order_id"], proxy["order_id"], expiring["order_id"])}
        assert rows[short["order_id"]]["state"] == "ready"
        assert 0 < rows[short["order_id"]]["refunded_minor"] < rows[short["order_id"]]["paid_minor"]
        assert rows[proxy["order_id"]]["state"] == "partially_collected"
        assert rows[proxy["order_id"]]["refunded_minor"] > 0
        assert rows[expiring["order_id"]]["state"] == "not_collected"
        assert rows[expiring["order_id"]]["refunded_minor"] == rows[expiring["order_id"]]["paid_minor"]
    finally:
        till.terminal.close()


def test_sigkill_during_hand_over_never_twice_never_lost(hq, tmp_path) -> None:
    rng = random.Random(20261202)
    base = tmp_path / "t1"
    till = till_for(hq, base)
    placed = [hq.place() for _ in range(4)]
    till.sync()
    for order in placed:
        picked_and_ready(till, order["order_id"])
    till.sync()
    till.terminal.close()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{Path(__file__).parent}"}
    outcomes, before_commit = [], 0
    for n, order in enumerate(placed):
        for attempt in range(3):  # killed at a random moment until one attempt completes
            child = subprocess.Popen([sys.executable, str(CHILD), str(base), order["order_id"],
                                      order["code"], PHONE[-4:]], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
            assert child.stdout.readline().strip() == "ready"
            child.stdin.write("go\n")
            child.stdin.flush()
            time.sleep(0.0 if n == attempt == 0 else rng.uniform(0.0, 0.06))
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()
            child.stdin.close()
            term = terminal_at(base, FakeClock(datetime.now(UTC)))
            with term.db.read() as s:
                state = s.get(PickupProgress, order["order_id"]).state
                events = s.scalar(select(func.count()).select_from(OutboxEvent).where(
                    OutboxEvent.kind == "pickup.handed_over",
                    OutboxEvent.payload.contains(order["order_id"])))
            term.close()
            assert (state, events) in (("ready", 0), ("collected", 1))  # both or neither
            if state == "collected":
                break
            before_commit += 1
        outcomes.append(state)
    assert before_commit >= 1  # the kills really landed before a commit too
    till = till_for(hq, base)
    try:
        for order, state in zip(placed, outcomes, strict=True):
            if state == "ready":  # every attempt was killed first: the cashier does it again
                till.pickup.hand_over(till.cashier, order["order_id"], code=order["code"],
                                      phone4=PHONE[-4:])
        till.sync()
        for order in placed:
            assert hq.order(order["order_id"])["state"] == "collected"
            assert hq_transitions(hq, order["order_id"]).count("collected") == 1
        assert till.pickup.conflicts() == []
    finally:
        till.terminal.close()


def test_hq_answer_lost_after_commit_then_retried_once(hq, tmp_path) -> None:
    placed = hq.place()
    till = till_for(hq, tmp_path / "t1")
    proxy = FaultProxy(int(hq.url.rsplit(":", 1)[1]))
    try:
        till.sync()
        picked_and_ready(till, placed["order_id"])
        till.sync()
        till.pickup.hand_over(till.cashier, placed["order_id"], qr=placed["qr"])
        proxy.plan = ["lose_response"]
        with pytest.raises(Exception):  # noqa: B017 - the till sees the connection reset
            till.sync(proxy.url)
        assert proxy.seen["lose_response"] == 1
        assert hq.order(placed["order_id"])["state"] == "collected"  # HQ had committed
        till.sync(proxy.url)  # the retry is answered as a duplicate
        with till.terminal.db.read() as s:
            statuses = s.scalars(select(OutboxEvent.status).where(
                OutboxEvent.kind == "pickup.handed_over")).all()
        assert statuses == ["delivered"]
        assert hq_transitions(hq, placed["order_id"]).count("collected") == 1
        assert till.pickup.conflicts() == []
    finally:
        proxy.stop()
        till.terminal.close()


def test_two_terminals_race_and_offline_hand_over_then_cancel(hq, tmp_path) -> None:
    raced, cancelled = hq.place(), hq.place()
    t1, t2 = till_for(hq, tmp_path / "t1", "T01"), till_for(hq, tmp_path / "t2", "T02")
    try:
        t1.sync()
        for order in (raced, cancelled):
            picked_and_ready(t1, order["order_id"])
        t1.sync()
        t2.sync()
        t1.pickup.hand_over(t1.cashier, raced["order_id"], qr=raced["qr"])
        t2.pickup.hand_over(t2.cashier, raced["order_id"], code=raced["code"], phone4=PHONE[-4:])
        t2.pickup.hand_over(t2.cashier, cancelled["order_id"], qr=cancelled["qr"])  # offline
        cli(hq.db, "orders", "cancel", cancelled["order_no"])
        start = threading.Barrier(2)

        def upload(till: Till) -> None:
            start.wait()
            till.sync()

        threads = [threading.Thread(target=upload, args=(t,)) for t in (t1, t2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        codes = sorted(c.code for t in (t1, t2) for c in t.pickup.conflicts())
        assert codes == ["pickup.already_collected", "pickup.cancelled"]
        assert hq.order(raced["order_id"])["state"] == "collected"
        assert hq_transitions(hq, raced["order_id"]).count("collected") == 1
        assert hq.order(cancelled["order_id"])["state"] == "cancelled"
    finally:
        t1.terminal.close()
        t2.terminal.close()
