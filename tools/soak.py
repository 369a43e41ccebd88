"""Kill soak: a terminal process selling and syncing is SIGKILLed at random moments.

A *zygote* process imports everything once and forks one worker per round,
so each round costs milliseconds, not an interpreter start. A worker records
sales (each in its own transaction, through :func:`record_sale_event`) and
uploads in small batches until it is killed. At the end one clean drain runs
and :func:`check_exactly_once` compares HQ with the terminal's outbox.

Used by ``tests/integration/sync/test_kill.py`` (hundreds of kills) and by
``store-client sync soak`` (thousands).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from store_client.domain.money import Money, allocate, vat_included
from store_client.persistence.db import Database

STORE, TERMINAL = "S001", "T01"
STRETCH_EVERY = 20  # rounds between checks that the workers still sell between kills
MAX_DELAY_CAP_S = 2.0
SKUS = [("100001", 200), ("100002", 350), ("100003", 300), ("200001", 650), ("200002", 1290)]


def make_sale(rng: random.Random, store_id: str = STORE, terminal_id: str = TERMINAL,
              completed_at: str = "2026-01-01T09:00:00+00:00") -> dict:
    """A random but internally consistent sale (integer fen throughout), valid as v3 and v2:
    the order discount is allocated to the lines as a manual cart discount."""
    lines = []
    for sku, price in rng.sample(SKUS, rng.randint(1, 3)):
        qty = rng.randint(1, 5)
        lines.append({"sku": sku, "qty": qty, "unit_price_minor": price, "line_total_minor": price * qty})
    gross = sum(line["line_total_minor"] for line in lines)
    discount = rng.choice([0, 0, 0, 1, 37, gross // 10])
    total = gross - discount
    cash = total + rng.choice([0, 0, 3, 100])
    shares = allocate(discount, [line["line_total_minor"] for line in lines])
    for n, (line, share) in enumerate(zip(lines, shares), 1):
        net = line["line_total_minor"] - share
        line.update(line_no=n, unit="each", discount_minor=share, net_minor=net, tax_rate_bp=1300,
                    vat_minor=vat_included(Money(net), 1300).minor,
                    discounts=[{"source": "cart_manual", "source_id": "manual", "label": "soak",
                                "amount_minor": share}] if share else [])
    sale_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return {"sale_id": sale_id, "store_id": store_id,
            "terminal_id": terminal_id, "completed_at": completed_at, "lines": lines,
            "total_minor": total, "discount_minor": discount, "change_minor": cash - total,
            "payments": [{"method": "cash", "amount_minor": cash, "reference": None,
                          "points": None}],
            "vat_minor": sum(line["vat_minor"] for line in lines),
            "receipt_no": f"{store_id}-{terminal_id}-{sale_id[:8]}", "operator_id": "soak",
            "member_id": None, "coupons": [], "points_earned": 0, "points_redeemed": 0}


def _worker(db_path: Path, hq_url: str, token: str, seed: int) -> None:
    """Sell and sync until killed (or 20 s pass: never outlive a crashed controller)."""
    from sync.terminal.sale_events import record_sale_event
    from sync.terminal.transport import HQClient, TransientError
    from sync.terminal.uploader import Uploader, UploaderBusy

    signal.alarm(20)
    rng = random.Random(seed)
    db = Database(db_path)
    client = HQClient(hq_url, token, timeout=5)
    uploader = Uploader(db, client, batch_size=rng.choice([1, 3, 7, 20]))
    while True:
        with db.transaction() as session:
            record_sale_event(session, make_sale(rng))
        if rng.random() < 0.5:
            try:
                uploader.upload_pending(max_batches=3)
            except (TransientError, UploaderBusy):
                pass


def zygote_main() -> None:
    """Read ``fork DB URL SEED`` lines (token in $SOAK_TOKEN); answer ``pid N``, then ``exit N``."""
    import sync.terminal.sale_events
    import sync.terminal.transport
    import sync.terminal.uploader  # noqa: F401

    token = os.environ["SOAK_TOKEN"]
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "fork":
            break
        db_path, url, seed = Path(parts[1]), parts[2], int(parts[3])
        pid = os.fork()
        if pid == 0:
            try:
                _worker(db_path, url, token, seed)
            finally:
                os._exit(0)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


@dataclass
class SoakResult:
    kills: int
    local_sales: int
    local_total_minor: int
    hq_sales: int
    hq_total_minor: int
    seconds: float


class Zygote:
    def __init__(self, token: str) -> None:
        env = {**os.environ, "SOAK_TOKEN": token}
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "-c", "from tools.soak import zygote_main; zygote_main()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def round(self, db_path: Path, url: str, seed: int, delay: float) -> int:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"fork {db_path} {url} {seed}\n")
        self.proc.stdin.flush()
        pid = int(self.proc.stdout.readline().split()[1])
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        status = self.proc.stdout.readline().split()
        return int(status[1])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()


def local_sales(db: Database) -> dict[str, tuple[int, int]]:
    """sale_id -> (outbox seq, total) for every sale the terminal committed."""
    with db.read() as session:
        rows = session.execute(text("SELECT seq, payload FROM outbox WHERE kind = 'sale.completed'")).all()
    out = {}
    for seq, payload in rows:
        data = json.loads(payload)
        out[data["sale_id"]] = (seq, data["total_minor"])
    return out


def _sales_count(db: Database) -> int:
    with db.read() as session:
        return session.execute(text(
            "SELECT count(*) FROM outbox WHERE kind = 'sale.completed'")).scalar_one()


def check_exactly_once(db: Database, hq_sales: list[dict]) -> list[str]:
    """Problems found comparing HQ with the terminal (empty list: exactly once, to the fen)."""
    problems = []
    local = local_sales(db)
    with db.read() as session:
        undelivered = session.execute(text(
            "SELECT count(*) FROM outbox WHERE status != 'delivered'")).scalar_one()
    if undelivered:
        problems.append(f"{undelivered} event(s) not delivered")
    seen: dict[str, int] = {}
    for sale in hq_sales:
        seen[sale["sale_id"]] = seen.get(sale["sale_id"], 0) + 1
    dupes = [s for s, n in seen.items() if n > 1]
    if dupes:
        problems.append(f"{len(dupes)} sale(s) duplicated at HQ")
    missing = set(local) - set(seen)
    extra = set(seen) - set(local)
    if missing:
        problems.append(f"{len(missing)} sale(s) lost (committed locally, absent at HQ)")
    if extra:
        problems.append(f"{len(extra)} sale(s) at HQ that the terminal never committed")
    by_id = {s["sale_id"]: s for s in hq_sales}
    wrong = [s for s, (seq, total) in local.items() if s in by_id and
             (by_id[s]["total_minor"] != total or by_id[s]["seq"] != seq)]
    if wrong:
        problems.append(f"{len(wrong)} sale(s) with a different total or sequence at HQ")
    local_total = sum(total for _, total in local.values())
    hq_total = sum(s["total_minor"] for s in hq_sales)
    if local_total != hq_total:
        problems.append(f"totals differ: terminal {local_total} fen, HQ {hq_total} fen")
    ordered = [s["seq"] for s in hq_sales]
    if ordered != sorted(ordered):
        problems.append("HQ sales are not in terminal sequence order")
    return problems


def run_soak(work_dir: Path, kills: int, *, seed: int = 1, max_delay: float = 0.12,
             deadline_s: float = 600.0, min_sales: int = 0,
             progress=None) -> tuple[SoakResult, list[str]]:  # type: ignore[no-untyped-def]
    """Kill a selling+syncing terminal ``kills`` times, then drain and check exactly-once.

    ``min_sales``: go on killing (within the deadline) until the workers have committed at
    least this many sales between kills: on a disk slow to fsync (another job writing) a
    worker may be killed before its first commit many times in a row, so whenever
    ``STRETCH_EVERY`` rounds commit nothing the kills spread over a longer window (half as long
    again, at most ``MAX_DELAY_CAP_S``); the earliest kills stay as early as ever."""
    from store_client.bootstrap import open_terminal
    from store_client.config import from_mapping
    from sync.hq.embedded import start_embedded_hq
    from sync.terminal.transport import HQClient
    from sync.terminal.uploader import Uploader

    started = time.monotonic()
    rng = random.Random(seed)
    config = from_mapping({"store": {"store_id": STORE, "terminal_id": TERMINAL},
                           "data": {"dir": str(work_dir / "terminal")}})
    open_terminal(config, exclusive=True).close()  # migrate once; workers open the file directly
    hq = start_embedded_hq(work_dir / "hq", STORE, TERMINAL)
    zygote = Zygote(hq.token)
    done = 0
    try:
        counted = Database(config.database_path)
        try:
            sold_before = 0
            while time.monotonic() - started <= deadline_s:
                if done >= kills and (not min_sales or _sales_count(counted) >= min_sales):
                    break
                zygote.round(config.database_path, hq.url, rng.getrandbits(32), rng.uniform(0.0, max_delay))
                done += 1
                if min_sales and done % STRETCH_EVERY == 0:
                    sold = _sales_count(counted)
                    if sold == sold_before:  # this disk: most workers die before their first commit
                        max_delay = min(max_delay * 1.5, MAX_DELAY_CAP_S)
                    sold_before = sold
                if progress and done % 100 == 1:
                    progress(done - 1)
        finally:
            counted.close()
        db = Database(config.database_path)
        try:
            with HQClient(hq.url, hq.token) as client:
                Uploader(db, client).drain(deadline=time.monotonic() + 60)
            hq_sales = hq.service.list_sales(STORE)
            problems = check_exactly_once(db, hq_sales)
            local = local_sales(db)
        finally:
            db.close()
    finally:
        zygote.close()
        hq.stop()
    result = SoakResult(kills=done, local_sales=len(local),
                        local_total_minor=sum(t for _, t in local.values()), hq_sales=len(hq_sales),
                        hq_total_minor=sum(s["total_minor"] for s in hq_sales),
                        seconds=time.monotonic() - started)
    return result, problems


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.soak --kills N``: the long kill soak (the tests run a short one)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tools.soak",
                                     description="SIGKILL a selling+syncing terminal many times (POSIX)")
    parser.add_argument("--kills", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args(argv)
    if sys.platform == "win32":
        parser.error("the kill soak needs POSIX fork and SIGKILL")
    if args.kills < 1:
        parser.error("--kills must be at least 1")
    with tempfile.TemporaryDirectory(prefix="store-client-soak-") as work:
        started = time.monotonic()
        result, problems = run_soak(Path(work), args.kills, seed=args.seed, deadline_s=args.max_seconds,
                                    progress=lambda i: print(f"  {i} kills ...", flush=True))
    print(f"{result.kills} kills in {time.monotonic() - started:.0f}s; terminal committed "
          f"{result.local_sales} sales ({result.local_total_minor} fen), HQ holds {result.hq_sales} "
          f"({result.hq_total_minor} fen)")
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print("OK: exactly once, totals equal to the fen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
