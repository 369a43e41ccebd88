"""What the sync runner's pulls changed, as the :class:`Changes` the screens look at.

The runner tells its listeners which datasets a pull changed (on its own thread); the hub
turns that into an announcement only when a dataset a screen shows is among them, so a
pull of prices or stock wakes no count screen, and a pull that changed nothing wakes none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from store_client.ui.operations.changes import NOTHING, Changes

if TYPE_CHECKING:
    from store_client.ui.operations.base import Backend

#: dataset -> what its rows change on the till's screens
PULLED: dict[str, Changes] = {
    "count_plans": Changes(stock_counts=True),  # a plan shared, posted or cancelled at another till
    "count_totals": Changes(stock_counts=True),  # what the other tills counted
    "online_orders": Changes(pickup=True),  # new orders, and HQ's word on the ones in the queue
}


def changes_of(datasets: object) -> Changes:
    """The flags of the datasets a pull changed (NOTHING when none of them is shown)."""
    said = NOTHING
    for name in datasets if isinstance(datasets, Iterable) else ():
        said = said | PULLED.get(str(name), NOTHING)
    return said


def watch_pulls(backend: Backend) -> None:
    """Announce what the running sync's pulls change (once per runner; none: offline till)."""
    runner = backend.services.sync_runner
    if runner is not None:
        backend.runner.hub.listen(runner, runner.add_listener, changes_of)
