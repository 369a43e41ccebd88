"""Child of the cross-store return kill test: a till of store S001 returns a line of store
S002's sale (found at the reference HQ by its receipt number), and stops at one point to be
SIGKILLed there: ``reserved`` (HQ reserved it, nothing written here), ``written`` (the
return committed here, HQ not told to confirm, nothing synced) or ``wallet`` (the provider
refunded the mobile part and the answer has not come back). ``none`` runs to the end."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE))

from store_client.bootstrap import open_terminal  # noqa: E402
from store_client.clock import FakeClock  # noqa: E402
from store_client.domain.roles import Role  # noqa: E402
from store_client.services.audit import AuditLog  # noqa: E402
from store_client.services.auth import Actor  # noqa: E402
from store_client.services.authorization import Authorizer  # noqa: E402
from store_client.services.cross_return_views import CrossReturnRequest  # noqa: E402
from store_client.services.cross_returns import CrossReturnsService  # noqa: E402
from store_client.services.payments import PaymentResult, SimulatorAdapter  # noqa: E402
from sync.terminal.transport import HQClient  # noqa: E402
from tests.conftest import make_config  # noqa: E402

MANAGER = Actor("m1", "张经理", Role.MANAGER)


def stop_here(point: str, detail: str = "") -> None:
    """Say where the till is and wait for the parent's SIGKILL."""
    print(f"AT {point} {detail}".strip(), flush=True)
    time.sleep(120)
    raise SystemExit("not killed")


class FileWallet(SimulatorAdapter):
    """The payment provider, outside the till: its refunds survive the till's death (in a
    file), and the same reference asked again gets the first answer, never a second refund."""

    def __init__(self, path: Path, *, stop_after_refund: bool = False) -> None:
        super().__init__()
        self.path, self.stop = path, stop_after_refund
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS refunds (reference TEXT PRIMARY KEY, tx TEXT, amount INTEGER,"
                       " ok INTEGER, refund_tx TEXT, message TEXT)")

    def refund(self, transaction_id: str, amount_fen: int, reference: str) -> PaymentResult:
        with sqlite3.connect(self.path) as db:
            seen = db.execute("SELECT ok, refund_tx, message FROM refunds WHERE reference = ?", (reference,)).fetchone()
        if seen is not None:
            return PaymentResult(bool(seen[0]), seen[1], seen[2])
        result = super().refund(transaction_id, amount_fen, reference)
        with sqlite3.connect(self.path) as db:
            db.execute("INSERT INTO refunds VALUES (?, ?, ?, ?, ?, ?)",
                       (reference, transaction_id, amount_fen, int(result.ok), result.transaction_id, result.message))
        if self.stop:
            stop_here("wallet", reference)  # refunded at the provider; the till never hears it
        return result


def till(data_dir: Path, url: str, token: str, wallet: FileWallet) -> CrossReturnsService:
    """The till opened on ``data_dir`` (as at a start) with its cross-store returns service."""
    return service(open_terminal(make_config(data_dir), clock=FakeClock()), url, token, wallet)  # the sales' day


def service(terminal, url: str, token: str, wallet: FileWallet) -> CrossReturnsService:  # type: ignore[no-untyped-def]
    audit = AuditLog(terminal.clock)
    return CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                               config=terminal.config, payments=wallet,
                               client=lambda: HQClient(url, token, timeout=5))


def main(data_dir: str, url: str, token: str, receipt_no: str, point: str) -> None:
    if point == "reserved":
        reserve = HQClient.reserve_return

        def reserve_then_stop(self, return_id, *args, **kwargs):  # type: ignore[no-untyped-def]
            reserve(self, return_id, *args, **kwargs)
            stop_here("reserved", return_id)

        HQClient.reserve_return = reserve_then_stop  # type: ignore[method-assign]
    if point == "written":
        write = CrossReturnsService._write

        def write_then_stop(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            done = write(self, *args, **kwargs)
            stop_here("written", done.return_id)

        CrossReturnsService._write = write_then_stop  # type: ignore[method-assign]
    svc = till(Path(data_dir), url, token, FileWallet(Path(data_dir) / "wallet.sqlite3",
                                                      stop_after_refund=point == "wallet"))
    [original] = svc.find(MANAGER, receipt_no).originals
    line = original.lines[0]
    print("READY", flush=True)
    done = svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((line.line_no, line.quantity),), "damaged"))
    print(f"DONE {done.return_id}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
