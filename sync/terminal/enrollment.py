"""The till's side of ``POST /v1/enroll``: every failure becomes one sentence for IT.

A wrong address (nothing listening, a web server that is not HQ, a bad TLS
certificate) is told apart from a code HQ refuses (unknown, used, expired).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from sync.protocol import version
from sync.terminal.transport import shared_ssl_context


class EnrollmentError(Exception):
    """``reason``: unknown, used, expired, malformed (HQ refused the code), or
    unreachable, tls, not_hq, protocol (the address or HQ itself is the problem)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_code(url: str, code: str, claim: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """What the code is for (store, terminal, expiry, used, used by this claim)."""
    answer = _post(url, {"code": code, "claim": claim, "check": True}, timeout)
    _require(answer, url, ("store_id", "terminal_id", "used", "claimed_by_you"))
    return answer


def redeem_code(url: str, code: str, claim: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """Use the code: store, terminal, token and the dataset sizes."""
    answer = _post(url, {"code": code, "claim": claim}, timeout)
    _require(answer, url, ("store_id", "terminal_id", "token", "datasets"))
    return answer


def _require(answer: Any, url: str, keys: tuple[str, ...]) -> None:
    if not isinstance(answer, dict) or any(k not in answer for k in keys):
        raise EnrollmentError("not_hq", f"{url} answered, but not as a store-client HQ does; "
                              "check the address")


def _post(url: str, payload: dict, timeout: float) -> Any:
    base = url.rstrip("/")
    try:
        with httpx.Client(base_url=base, timeout=timeout, verify=shared_ssl_context(),
                          headers={version.HEADER: str(version.TERMINAL_PROTOCOL)}) as http:
            response = http.post("/v1/enroll", content=json.dumps(payload).encode(),
                                 headers={"content-type": "application/json"})
    except httpx.TimeoutException:
        raise EnrollmentError("unreachable", f"HQ at {base} did not answer within {timeout:g} s; "
                              "check the address and the network") from None
    except httpx.ConnectError as exc:
        text = str(exc)
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            raise EnrollmentError("tls", f"the TLS certificate of {base} is not valid ({text}); "
                                  "check the address, or have HQ's certificate fixed") from None
        raise EnrollmentError("unreachable", f"cannot reach HQ at {base} ({text}); check the "
                              "address and the network") from None
    except httpx.HTTPError as exc:
        raise EnrollmentError("unreachable", f"cannot talk to HQ at {base} "
                              f"({type(exc).__name__}: {exc})") from None
    try:
        data = response.json()
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    if response.status_code == 426 and isinstance(error, str):
        raise EnrollmentError("protocol", str(data.get("message", error)))
    if isinstance(error, str) and error.startswith("enrollment_"):
        raise EnrollmentError(error.removeprefix("enrollment_"), str(data.get("message", error)))
    if response.status_code != 200 or data is None:
        raise EnrollmentError("not_hq", f"{base} does not answer like a store-client HQ (HTTP "
                              f"{response.status_code} for /v1/enroll); check the address")
    return data
