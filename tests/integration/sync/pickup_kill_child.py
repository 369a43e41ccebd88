"""Child of the pick-up kill test: opens the till, says "ready", waits for "go", hands the
order over by its code, then idles until the parent SIGKILLs it (usually mid-way)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from pickup_world import Till, terminal_at

from store_client.clock import FakeClock
from store_client.services.pickup import PickupRefused


def main(base: str, order_id: str, code: str, phone4: str) -> None:
    terminal = terminal_at(Path(base), FakeClock(datetime.now(UTC)))
    till = Till(terminal, "", "")
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        till.pickup.hand_over(till.cashier, order_id, code=code, phone4=phone4)
    except PickupRefused:
        pass
    print("done", flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main(*sys.argv[1:5])
