"""Child process for the kill -9 test: runs a print queue on a terminal database until killed.

Usage: python print_queue_child.py DB_PATH PORT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from printers.connectors import ConnectorSettings, connection_factory
from printers.queue import PrintQueue
from store_client.clock import SystemClock
from store_client.persistence.db import Database


def main() -> None:
    db = Database(Path(sys.argv[1]))
    settings = ConnectorSettings("network", "TM-T88V", "127.0.0.1", int(sys.argv[2]), timeout=30.0)
    queue = PrintQueue(db, connection_factory(settings), SystemClock(), retry_interval=0.2)
    queue.start()
    print("started", flush=True)
    deadline = time.monotonic() + 30  # never outlive a broken test
    while time.monotonic() < deadline:
        time.sleep(0.05)


if __name__ == "__main__":
    main()
