"""Child process for the provisioning interruption tests: dies abruptly at a chosen point.

``python provision_child.py CONFIG URL CODE DATA_DIR POINT``; POINT is ``after-token``
(the token is stored, nothing else happened yet) or ``catalog-page-N`` (N catalog pages
are committed). ``os._exit`` skips every clean-up, as a power cut or a kill would.
"""

from __future__ import annotations

import os
import sys

from store_client import cli
from store_client.commands import provision_cmd
from sync.terminal import credentials, puller


def main() -> None:
    config, url, code, data_dir, point = sys.argv[1:6]
    puller.LARGE_PAGE = {"catalog": 100, "prices": 100}  # many pages to die between
    if point == "after-token":
        save = credentials.FileTokenStore.save

        def save_then_die(self, token):  # type: ignore[no-untyped-def]
            save(self, token)
            os._exit(9)

        credentials.FileTokenStore.save = save_then_die  # type: ignore[method-assign]
    else:
        limit = int(point.rsplit("-", 1)[1])
        advance = provision_cmd.BarProgress.advance
        seen = {"catalog": 0}

        def advance_then_die(self, dataset, rows):  # type: ignore[no-untyped-def]
            advance(self, dataset, rows)
            if dataset == "catalog":
                seen["catalog"] += 1
                if seen["catalog"] >= limit:
                    os._exit(9)

        provision_cmd.BarProgress.advance = advance_then_die  # type: ignore[method-assign]
    sys.exit(cli.main(["--config", config, "provision", "--hq", url, "--code", code,
                       "--token-store", "file", "--data-dir", data_dir]))


if __name__ == "__main__":
    main()
