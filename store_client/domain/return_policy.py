"""The store's return policy: how long each line may come back, what never may, and where a
returned item goes (docs/returns.md, "Return policy").

Qt-free and database-free. The window is counted in **calendar days of the store's time
zone**: a line sold on day D (store time) with a window of N days may be returned until the
end of day D + N, whatever the hour of the sale, so a sale at 23:59 gets the same last day
as one at 08:00. The most specific window wins:

1. ``returns.category_window_days`` for ``"<category>:<channel>"`` (``FOOD:online``),
2. ``returns.category_window_days`` for ``"<category>"``,
3. ``returns.channel_window_days`` for the channel (``store`` or ``online``),
4. ``returns.window_days``.

A category in ``returns.non_returnable`` is not returned unless a manager overrides it (the
service asks for the approval); a window that has passed is never overridden here.

Each returned line has a *disposition*: ``restock`` (back on the shelf: on hand goes up),
``damaged`` (kept aside and written off) or ``vendor`` (kept for the vendor). Only
``restock`` makes the item sellable again; :func:`movements` says which stock movements
record it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from store_client.domain.stock import Movement, MovementReason

RESTOCK, DAMAGED, VENDOR = "restock", "damaged", "vendor"
DISPOSITIONS = (RESTOCK, DAMAGED, VENDOR)
CHANNELS = ("store", "online")
MAX_DAYS = 3650


class PolicyRefused(ValueError):
    """A line the policy does not take back; ``code`` names the rule, ``params`` the line."""

    def __init__(self, code: str, message: str, params: dict[str, object]) -> None:
        super().__init__(message)
        self.code, self.message, self.params = code, message, params


@dataclass(frozen=True)
class ReturnPolicy:
    default_days: int = 30
    channel_days: Mapping[str, int] = field(default_factory=dict)
    category_days: Mapping[str, int] = field(default_factory=dict)
    non_returnable: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, values: Mapping[str, object]) -> ReturnPolicy:
        """From the configuration's ``returns.*`` values (already checked by config.py)."""
        return cls(int(values.get("returns.window_days", 30)),  # type: ignore[call-overload]
                   dict(values.get("returns.channel_window_days") or {}),  # type: ignore[call-overload]
                   dict(values.get("returns.category_window_days") or {}),  # type: ignore[call-overload]
                   frozenset(values.get("returns.non_returnable") or ()))  # type: ignore[call-overload]

    def window_days(self, category: str | None, channel: str) -> int:
        """The days a line of ``category`` sold through ``channel`` may come back (most specific wins)."""
        if category:
            for key in (f"{category}:{channel}", category):
                if key in self.category_days:
                    return int(self.category_days[key])
        return int(self.channel_days.get(channel, self.default_days))


def last_day(sold_at: datetime, days: int, zone: ZoneInfo) -> date:
    """The last calendar day (store time) a line sold at ``sold_at`` may be returned."""
    return sold_at.astimezone(zone).date() + timedelta(days=days)


def within_window(sold_at: datetime, now: datetime, days: int, zone: ZoneInfo) -> bool:
    """True until the end of :func:`last_day` in the store's zone."""
    return now.astimezone(zone).date() <= last_day(sold_at, days, zone)


@dataclass(frozen=True)
class LineVerdict:
    """What the policy says of one line of the original, shown on screen before choosing it."""

    line_no: int
    category: str | None
    days: int
    last_day: date | None  # None: the original's time is unknown (its window is not checked)
    window_passed: bool
    non_returnable: bool


def judge(lines: Iterable[tuple[int, str | None]], *, channel: str, sold_at: datetime | None,
          now: datetime, zone: ZoneInfo, policy: ReturnPolicy) -> dict[int, LineVerdict]:
    """The verdict of every ``(line_no, category)`` of an original sold through ``channel``."""
    out = {}
    for line_no, category in lines:
        days = policy.window_days(category, channel)
        last = last_day(sold_at, days, zone) if sold_at is not None else None
        out[line_no] = LineVerdict(line_no, category, days, last,
                                   sold_at is not None and not within_window(sold_at, now, days, zone),
                                   bool(category) and category in policy.non_returnable)
    return out


def check_selection(verdicts: Mapping[int, LineVerdict], selection: Iterable[tuple[int, int]],
                    dispositions: Mapping[int, object], *, override: bool) -> tuple[int, ...]:
    """Refuse the first line chosen that the policy does not take back (a passed window, an
    unknown disposition, a non-returnable category without ``override``); the lines that
    need the override otherwise. Lines not chosen (quantity 0) are not judged."""
    chosen = [line_no for line_no, qty in selection if qty]
    for line_no in chosen:
        disposition = dispositions.get(line_no, RESTOCK)
        if disposition not in DISPOSITIONS:
            raise PolicyRefused("return.disposition_unknown",
                                f"line {line_no}: unknown disposition {str(disposition)[:20]!r}",
                                {"line": line_no})
    for line_no in chosen:
        verdict = verdicts.get(line_no)
        if verdict is not None and verdict.window_passed:
            raise PolicyRefused("return.window_passed",
                                f"line {line_no} is past its return window of {verdict.days} days "
                                f"(last day {verdict.last_day})", {"line": line_no, "days": verdict.days})
    overridden = tuple(line_no for line_no in chosen
                       if (v := verdicts.get(line_no)) is not None and v.non_returnable)
    if overridden and not override:
        raise PolicyRefused("return.non_returnable",
                            f"line {overridden[0]} ({verdicts[overridden[0]].category}) is not returnable "
                            "without a manager's override", {"line": overridden[0]})
    return overridden


def movements(lines: Iterable[tuple[str, int, str]], ref: str, at: datetime) -> list[Movement]:
    """The stock movements of returned ``(sku, qty, disposition)`` lines, per SKU and kind.

    Everything that comes back is a ``return`` in; what is not sellable leaves at once as
    ``damage`` (written off) or ``return_to_vendor``, so on hand counts sellable goods only
    and the ledger still shows what came back and where it went."""
    totals: dict[tuple[str, MovementReason], int] = {}
    for sku, qty, disposition in lines:
        if qty <= 0:
            continue
        totals[(sku, MovementReason.RETURN)] = totals.get((sku, MovementReason.RETURN), 0) + qty
        out_reason = {DAMAGED: MovementReason.DAMAGE, VENDOR: MovementReason.RETURN_TO_VENDOR}.get(disposition)
        if out_reason is not None:
            totals[(sku, out_reason)] = totals.get((sku, out_reason), 0) - qty
    return [Movement(sku, delta, reason, ref, at) for (sku, reason), delta in totals.items()]


def settings_problem(value: object, *, keys: str) -> str | None:
    """For config.py: a ``{key: days}`` table of 0..3650 whole days; ``keys`` is ``category`` or ``channel``."""
    if not isinstance(value, dict):
        return "must be a table of days, like { FOOD = 7 }"
    for key, days in value.items():
        name, _, channel = str(key).partition(":")
        if keys == "channel" and key not in CHANNELS:
            return f"unknown channel {key!r} (use {' or '.join(CHANNELS)})"
        if keys == "category" and (not name or len(name) > 32 or (channel and channel not in CHANNELS)):
            return f"{key!r} is not a category code, or CODE:store / CODE:online"
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            return f"{key!r}: days must be a whole number from 0 to {MAX_DAYS} (got {days!r})"
    return None
