"""The lowest shelf price of the last 90 days, and store credit note codes (Qt-free).

A return without a receipt refunds an item at the lowest regular (shelf) price it had at any
moment of the last :data:`WINDOW_DAYS` days: the customer cannot have paid less than that
on a normal day, and a promotion's price is not a price the item *had* (promotions are
per basket, per member and per time of day, and the till cannot know which one applied),
so promotions do not count. The history is a list of price changes, each the price in
effect from its time on; ``None`` as the time means "in effect since before anything was
recorded".

A credit note code is ``CN`` + 12 random digits + 2 check digits (ISO 7064 MOD 97-10, the
IBAN scheme): a mistyped or made-up code fails the check and is refused as not genuine
before anything is looked up, and a code that passes but was never issued is "unknown".
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

WINDOW_DAYS = 90
CREDIT_PREFIX = "CN"
CREDIT_CODE = re.compile(r"CN[0-9]{14}")


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


def _check_digits(body: str) -> str:
    return f"{98 - (int(body) * 100) % 97:02d}"


def new_credit_code() -> str:
    """A fresh code; unguessable (12 random digits: one in 10^12) and self-checking."""
    body = f"{secrets.randbelow(10**12):012d}"
    return f"{CREDIT_PREFIX}{body}{_check_digits(body)}"


def credit_code_genuine(code: object) -> bool:
    """Whether ``code`` has the form and check digits of a credit note code."""
    if not isinstance(code, str) or not CREDIT_CODE.fullmatch(code):
        return False
    return _check_digits(code[2:14]) == code[14:]
