"""Kill test: a terminal process selling and syncing is SIGKILLed at random moments.

200 kills here (forked workers, so each round is cheap); ``store-client sync
soak --kills N`` runs thousands. End check: HQ holds exactly the sales the
terminal committed, in sequence order, totals equal to the fen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools.soak import run_soak

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL"),
              pytest.mark.serial]  # its timing is about this process alone


def test_two_hundred_kills_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    # At least 200 kills, and on until the workers have sold 50 times between kills (a disk
    # slow to fsync, another job writing, kills many a worker before its first commit).
    result, problems = run_soak(tmp_path, 200, seed=20261122, max_delay=0.15, deadline_s=150,
                                min_sales=50)
    assert result.kills >= 200
    assert problems == []
    assert result.local_sales >= 50  # the workers really sold between kills
    assert (result.hq_sales, result.hq_total_minor) == (result.local_sales, result.local_total_minor)
