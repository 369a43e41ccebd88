"""HTTP exchanges with HQ (httpx), classified into what the caller must do.

* :class:`TransientError`: network failure, timeout, 5xx, 429, auth trouble
  (a token being rotated): retry later, drop nothing. A 5xx is the subclass
  :class:`ServerError`: HQ answered, so the next request (another dataset,
  another event) may well work.
* :class:`BatchRejected`: HQ refused the request as a whole (400/413).
* anything else is a JSON answer.

Clock skew (HQ time minus terminal time, at the midpoint of the exchange) is
measured from ``X-HQ-Time`` on every response.
"""

from __future__ import annotations

import json
import ssl
import threading
from datetime import datetime, timedelta
from typing import Any, Self
from urllib.parse import quote

import certifi
import httpx

from store_client.clock import Clock, SystemClock
from sync.protocol import version
from sync.protocol.till_queue import QUEUE_HEADER

MAX_RESPONSE_BYTES = 32 * 1024 * 1024


class TransientError(Exception):
    pass


class ServerError(TransientError):
    """HQ answered 5xx: HQ is up but failed on this request (another request may work)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ProtocolMismatch(TransientError):
    """HQ does not speak this till's protocol version (too old or too new for it): the
    till keeps selling offline and keeps its events; the message says what to upgrade."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")  # the tag survives being stored as text
        self.code = code


class BadResponse(TransientError):
    """HQ (or something in between) answered 2xx with a body that is not JSON."""


class BatchRejected(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(f"HQ refused the request ({status}): {message}")
        self.status = status
        self.code = code  # HQ's refusal code, when it gave one (e.g. return.already_returned)


class ResponseTooLarge(Exception):
    pass


_ssl_context: ssl.SSLContext | None = None
_ssl_lock = threading.Lock()


def shared_ssl_context() -> ssl.SSLContext:
    """Built once: loading CA certificates holds the GIL for tens of milliseconds, which
    would stall the UI thread on every new client."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = ssl.create_default_context(cafile=certifi.where())
        return _ssl_context


class HQClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0,
                 clock: Clock | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.clock = clock or SystemClock()
        verify = shared_ssl_context()
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport,
                                 verify=verify, headers={"Authorization": f"Bearer {token}",
                                                         version.HEADER: str(version.TERMINAL_PROTOCOL)})
        self.skew: timedelta | None = None
        self.queue_report: str | None = None  # X-Till-Queue on every request once set (the runner does)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        sent = self.clock.now()
        try:
            if self.queue_report is not None:
                kwargs["headers"] = {**kwargs.get("headers", {}), QUEUE_HEADER: self.queue_report}
            request = self.http.build_request(method, path, **kwargs)
            response = self.http.send(request, stream=True)
            try:
                declared = int(response.headers.get("content-length") or 0)
                if declared > MAX_RESPONSE_BYTES:
                    raise ResponseTooLarge(f"response of {declared} bytes exceeds {MAX_RESPONSE_BYTES}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise ResponseTooLarge(f"response exceeds {MAX_RESPONSE_BYTES} bytes")
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None
        self._measure_skew(response, sent)
        body = b"".join(chunks)
        status = response.status_code
        if status == 426:
            raise _mismatch(body)
        if status >= 500:
            raise ServerError(status, f"HQ answered {status}: {body[:200].decode('utf-8', 'replace')}")
        if status in (401, 403, 408, 429):
            raise TransientError(f"HQ answered {status}: {body[:200].decode('utf-8', 'replace')}")
        try:
            data = json.loads(body) if body else None
        except ValueError:
            if status >= 400:
                raise BatchRejected(status, body[:200].decode("utf-8", "replace")) from None
            raise BadResponse(f"HQ answered {status} with a body that is not JSON") from None
        if status >= 400:
            message = data.get("message", "") if isinstance(data, dict) else str(data)[:200]
            code = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), str) else None
            raise BatchRejected(status, message, code)
        return data

    def _measure_skew(self, response: httpx.Response, sent: datetime) -> None:
        stamp = response.headers.get("x-hq-time")
        if not stamp:
            return
        try:
            hq = datetime.fromisoformat(stamp)
        except ValueError:
            return
        received = self.clock.now()
        self.skew = hq - (sent + (received - sent) / 2)

    def get_whoami(self) -> Any:
        """Who HQ takes this token for: the doctor's "token accepted" check."""
        return self._request("GET", "/v1/terminal")

    def post_events(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self._request("POST", "/v1/events", content=encode_events(events),
                             headers={"content-type": "application/json"})

    def get_changes(self, dataset: str, cursor: str | None, limit: int) -> Any:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._request("GET", f"/v1/datasets/{dataset}/changes", params=params)

    def get_audit(self, after: int, limit: int) -> Any:
        return self._request("GET", "/v1/audit", params={"after": after, "limit": limit})

    def get_time(self) -> Any:
        return self._request("GET", "/v1/time")

    def put_signing_key(self, kid: str, public_key: str) -> Any:
        """Register this terminal's public key, so HQ and other stores can check what it signs."""
        return self._request("PUT", "/v1/terminal/signing-key", json={"kid": kid, "public_key": public_key})

    def enrollment_status(self, nonce: str) -> Any:
        """Whether a customer completed the enrollment link with this nonce (masked data only)."""
        return self._request("GET", f"/v1/enrollments/{nonce}")

    def find_member(self, query: str) -> Any:
        """A member by dynamic code, phone, card or id, as the counter may know them."""
        return self._request("GET", "/v1/members/find", params={"q": query})

    def search_members(self, name: str) -> Any:
        """Members whose name starts with ``name`` (a manager's search; masked phones)."""
        return self._request("GET", "/v1/members/search", params={"name": name})

    def member_browsing(self, member_id: str) -> Any:
        """What the member viewed or wished for online (empty without their consent)."""
        return self._request("GET", f"/v1/members/{quote(member_id, safe='')}/browsing")

    def member_history(self, member_id: str) -> Any:
        """The member's recent purchases in every store and points ledger."""
        return self._request("GET", f"/v1/members/{quote(member_id, safe='')}/history")

    def reveal_member(self, member_id: str, field: str, *, reason: str, operator_id: str) -> Any:
        """One masked field in full, for an operator this till cleared, with the reason (HQ traces it)."""
        return self._request("POST", f"/v1/members/{quote(member_id, safe='')}/reveal",
                             json={"field": field, "reason": reason, "operator_id": operator_id})

    def find_originals(self, kind: str, value: str) -> Any:
        """Sales (and orders) from any store by receipt, member, payment reference or id."""
        return self._request("GET", "/v1/originals", params={"kind": kind, "value": value})

    def reserve_return(self, return_id: str, original_ref: str, lines: dict[int, tuple[int, int]],
                       tenders: dict[str, int], *, cash_instead: bool = False,
                       credit: dict[str, int] | None = None) -> Any:
        """Reserve what a return takes back, by its own id (a retry gets the same answer).
        ``cash_instead``: an online order's part is paid in cash here, not by the provider;
        ``credit``: an exchange's part of each tender that paid the new sale (not paid back)."""
        body = {"return_id": return_id, "original_ref": original_ref,
                "lines": {str(k): list(v) for k, v in lines.items()}, "tenders": tenders,
                "cash_instead": cash_instead}
        if credit:
            body["credit"] = credit
        return self._request("POST", "/v1/returns/reserve", json=body)

    def settle_return(self, return_id: str, action: str) -> Any:
        """``confirm`` (the refund went through) or ``release`` (it did not); idempotent."""
        return self._request("POST", f"/v1/returns/{return_id}/{action}")

    def credit_note(self, code: str) -> Any:
        """A store credit note at HQ's ledger: amount and what is left (sync/hq/credit_note_api.py)."""
        return self._request("GET", f"/v1/credit-notes/{code}")

    def spend_credit_note(self, code: str, amount_minor: int, spend_id: str) -> Any:
        """Spend (part of) a note at HQ, once per ``spend_id``; a refusal is BatchRejected with its code."""
        return self._request("POST", f"/v1/credit-notes/{code}/spend",
                             json={"spend_id": spend_id, "amount_minor": amount_minor})

    def release_credit_note(self, code: str, spend_id: str) -> Any:
        """Give back what the spend ``spend_id`` took (once); a refusal is BatchRejected with its code."""
        return self._request("POST", f"/v1/credit-notes/{code}/release", json={"spend_id": spend_id})

def encode_events(events: list[dict[str, Any]]) -> bytes:
    """``{"events": [...]}`` as compact UTF-8 JSON, one event per ``json.dumps`` call.

    The C encoder holds the GIL for a whole call: 500 sales in one call froze the till's event
    loop for 40 ms or more. Event by event, the UI thread gets the GIL back between events."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return ('{"events":[' + ",".join(encode(event) for event in events) + "]}").encode()


def _mismatch(body: bytes) -> ProtocolMismatch:
    try:
        data = json.loads(body)
        code, message = str(data["error"]), str(data["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "protocol_mismatch", "HQ does not accept this till's sync protocol version"
    return ProtocolMismatch(code, message)
