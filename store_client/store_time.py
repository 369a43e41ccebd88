"""Store time: the one time zone every shown, printed or reported time is in.

Times are stored in UTC (:func:`store_client.clock.iso`). The counter PC's own zone is
whatever its installer left (often UTC), so nothing here uses it: every time a person
reads (screens, receipts, X/Z reports, slips) goes through these functions, in the
zone set by ``store.time_zone`` (default ``Asia/Shanghai``). :func:`configure` is called
once when the terminal is opened (``bootstrap.open_terminal``); one process is one till.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
_zone_name = DEFAULT_ZONE


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ValueError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # ValueError: a path-like name
        raise ValueError(f"unknown time zone {name!r} (use a name like {DEFAULT_ZONE})") from exc


def zone_problem(name: object) -> str | None:
    """For the config check: None when ``name`` is a usable zone, else what is wrong."""
    try:
        zone(str(name))
    except ValueError as exc:
        return str(exc)
    return None


def configure(name: str) -> None:
    """Make ``name`` the store's zone for this process (checked first)."""
    global _zone_name
    zone(name)
    _zone_name = name


def configured() -> str:
    return _zone_name


def to_store(moment: datetime | str) -> datetime:
    """``moment`` (aware, naive = UTC, or stored ISO text) in the store's zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(_zone_name))


def hhmm(moment: datetime | str | None) -> str:
    """``14:59``; ``--:--`` for no time (a screen shows the gap rather than failing)."""
    return to_store(moment).strftime("%H:%M") if moment else "--:--"


def date_time(moment: datetime | str | None) -> str:
    """``2026-01-01 14:59:07``: receipts, reports, the status bar, lists."""
    return to_store(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def minutes(moment: datetime | str | None) -> str:
    """``2026-01-01 14:59``: when a sale was made, a shift opened."""
    return to_store(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def short(moment: datetime | str | None) -> str:
    """``01-01 14:59:07``: narrow table columns."""
    return to_store(moment).strftime("%m-%d %H:%M:%S") if moment else ""
