"""Which version of the sync protocol a till and HQ speak, and how they agree.

Every request from a till says ``X-Store-Protocol: <n>`` (a till from before this
header speaks version 1). HQ accepts a range, ``HQ_ACCEPTS``, that always keeps the
previous version, so tills can be upgraded store by store after HQ. A version outside
the range is answered ``426`` with ``protocol_too_old`` or ``protocol_too_new`` and
HQ's range; the till treats that as "HQ unreachable for now": it keeps selling
offline, keeps every event in its outbox, and shows what must be upgraded.

Versions:
1. the original exchange (events, dataset changes, time, terminal).
2. the till declares its version; enrollment codes (``POST /v1/enroll``).
"""

from __future__ import annotations

HEADER = "X-Store-Protocol"
HQ_HEADER = "X-HQ-Protocol"
#: What this till speaks.
TERMINAL_PROTOCOL = 2
#: What the reference HQ accepts: the current version and the one before it.
HQ_ACCEPTS = (1, 2)
UNDECLARED = 1  # a request without the header comes from a till older than the header


def side_to_upgrade(error: str | None) -> str | None:
    """``"till"`` or ``"hq"`` when a recorded sync error is a protocol refusal (the till tags
    them ``[protocol_too_old]`` / ``[protocol_too_new]``), else None."""
    if not error:
        return None
    if "[protocol_too_old]" in error:
        return "till"
    if "[protocol_too_new]" in error:
        return "hq"
    return None


def parse(value: str | None) -> int | None:
    """The declared version, UNDECLARED when absent, None when it is not a number."""
    if value is None or value == "":
        return UNDECLARED
    value = value.strip()
    if not value.isdigit() or len(value) > 6:
        return None
    return int(value)


def refusal(declared: int | None, accepts: tuple[int, int]) -> tuple[str, str] | None:
    """(error code, message) when HQ cannot talk with a till of ``declared``; None if it can."""
    low, high = accepts
    if declared is None:
        return "bad_protocol", f"{HEADER} must be a whole number"
    if declared < low:
        return ("protocol_too_old", f"this till speaks sync protocol {declared}; HQ accepts "
                f"{low} to {high}. Upgrade the till; it keeps selling offline until then.")
    if declared > high:
        return ("protocol_too_new", f"this till speaks sync protocol {declared}; HQ accepts "
                f"{low} to {high}. HQ must be upgraded first; the till keeps selling offline "
                "and keeps its sales until then.")
    return None
