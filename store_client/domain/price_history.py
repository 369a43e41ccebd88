"""The lowest shelf price of the last 90 days (Qt-free).

A return without a receipt refunds an item at the lowest regular (shelf) price it had at any
moment of the last :data:`WINDOW_DAYS` days: the customer cannot have paid less than that
on a normal day, and a promotion's price is not a price the item *had* (promotions are
per basket, per member and per time of day, and the till cannot know which one applied),
so promotions do not count. The history is a list of price changes, each the price in
effect from its time on; ``None`` as the time means "in effect since before anything was
recorded". The credit notes such a return issues have their codes in
:mod:`sync.protocol.credit_codes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

WINDOW_DAYS = 90


def window_start(now: datetime, days: int = WINDOW_DAYS) -> datetime:
    return now - timedelta(days=days)


def lowest_in_window(changes: Iterable[tuple[datetime | None, int]], current: int, now: datetime,
                     days: int = WINDOW_DAYS) -> int:
    """The lowest price in effect at any moment of ``[now - days, now]``.

    ``changes``: ``(since, price)``, in any order. The price in effect at the window's start
    (the last change at or before it) counts, every change inside the window counts, a
    change after ``now`` does not, and ``current`` (the catalog's price now) always counts.
    """
    start = window_start(now, days)
    at_start: tuple[datetime | None, int] | None = None  # the last change at or before the start
    lowest = current
    for since, price in changes:
        if since is not None and since > now:
            continue
        if since is not None and since > start:
            lowest = min(lowest, price)
        elif at_start is None or (since is not None and (at_start[0] is None or since >= at_start[0])):
            at_start = (since, price)
    return lowest if at_start is None else min(lowest, at_start[1])


