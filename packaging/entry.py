"""The bundle's entry point: the same ``store-client`` command as the installed package."""

import multiprocessing

from store_client import STARTED_AT  # noqa: F401  (the cold-start clock starts here)
from store_client.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
