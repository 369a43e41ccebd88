"""Enrollment at the counter: the till offers a signed link, the customer joins on their phone.

The link is signed with this terminal's own key (:mod:`sync.terminal.signing_key`), so the
till can offer one offline; HQ checks it against the public key the terminal registered.
When the customer has joined, HQ tells the till the member (masked phone, tier, points):
the till keeps that much in its member cache so the open sale can be attached to the
member and earn points — never the full phone number.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from store_client.clock import Clock, iso
from store_client.persistence.db import Database
from store_client.services import members
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError
from sync.protocol.signing import SigningKey
from sync.terminal import state
from sync.terminal.transport import BatchRejected, HQClient, TransientError

#: How long the QR on the screen stays good (HQ refuses it later).
LINK_TTL = timedelta(minutes=15)
_REGISTERED = "signing_key_registered"


class EnrollmentUnavailable(ServiceError):
    """No enrollment now: no HQ configured, or HQ unreachable while asking about a link."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="enroll.unavailable")


@dataclass(frozen=True)
class EnrollmentOffer:
    url: str  # what the QR holds
    nonce: str  # what the till asks HQ about
    expires_at: datetime


@dataclass(frozen=True)
class Joined:
    member_id: str
    masked_phone: str
    tier: str
    points: int
    linked_existing: bool


def receipt_link(key: SigningKey, page_url: str, *, store_id: str, terminal_id: str,
                 operator_id: str, sale_id: str, completed_at: datetime, days: int) -> str:
    """The join link printed on the receipt of a sale without a member: signed like the
    on-screen one (HQ checks it against this till's registered key), naming the sale
    (``sale:<id>``, in the link's cart field) so that the sale's points go to whoever joins
    with it, once, whether the sale reaches HQ before or after; the cashier is credited.
    Made inside the sale's transaction: no network."""
    expires = completed_at + timedelta(days=days)
    token = key.sign({"typ": "enroll", "s": store_id, "t": terminal_id, "a": operator_id,
                      "c": f"sale:{sale_id}", "n": secrets.token_urlsafe(12),
                      "exp": int(expires.timestamp())})
    return f"{page_url.rstrip('/')}/enroll?{urlencode({'t': token})}"


class MemberEnrollmentService:
    def __init__(self, db: Database, clock: Clock, *, key: Callable[[], SigningKey], page_url: str,
                 store_id: str, terminal_id: str, client: Callable[[], HQClient] | None) -> None:
        self.db, self.clock = db, clock
        self._key, self._page_url = key, page_url.rstrip("/")
        self.store_id, self.terminal_id = store_id, terminal_id
        self._client = client

    def offer(self, actor: Actor, cart_ref: str | None) -> EnrollmentOffer:
        """A fresh signed link crediting ``actor`` (and naming the open sale, if any).

        Works offline; when HQ is reachable the terminal's public key is registered first
        (once), since HQ refuses links whose key it does not know.
        """
        if not self._page_url:
            raise EnrollmentUnavailable("no enrollment page is configured (hq.url)")
        key = self._key()
        self._register(key)
        nonce = secrets.token_urlsafe(12)
        expires = self.clock.now() + LINK_TTL
        token = key.sign({"typ": "enroll", "s": self.store_id, "t": self.terminal_id, "a": actor.operator_id,
                          "c": cart_ref, "n": nonce, "exp": int(expires.timestamp())})
        return EnrollmentOffer(f"{self._page_url}/enroll?{urlencode({'t': token})}", nonce, expires)

    def _register(self, key: SigningKey) -> None:
        with self.db.read() as s:
            if state.get_all(s).get(_REGISTERED) == key.kid:
                return
        if self._client is None:
            return
        try:
            with self._client() as client:
                client.put_signing_key(key.kid, key.public)
        except (TransientError, BatchRejected):
            return  # offline: the link still shows; the next offer registers the key
        with self.db.transaction() as s:
            state.put(s, _REGISTERED, key.kid)

    def check(self, nonce: str) -> Joined | None:
        """The member who joined through the link with ``nonce``, or None while pending.

        On success the member is kept in this till's member cache (masked phone only), so
        the checkout can attach them to the sale by member id.
        """
        if self._client is None:
            raise EnrollmentUnavailable("HQ is not configured")
        try:
            with self._client() as client:
                answer = client.enrollment_status(nonce)
        except TransientError as exc:
            raise EnrollmentUnavailable(f"HQ unreachable: {exc}") from None
        if not isinstance(answer, dict) or answer.get("status") != "done":
            return None
        try:
            joined = Joined(str(answer["member_id"]), str(answer["masked_phone"]), str(answer.get("tier", "regular")),
                            int(answer.get("points", 0)), bool(answer.get("linked_existing")))
        except (KeyError, TypeError, ValueError):
            return None
        if not joined.member_id.isalnum() or len(joined.member_id) > 32:
            return None
        with self.db.transaction() as s:
            members.remember(s, member_id=joined.member_id, masked_phone=joined.masked_phone, tier=joined.tier,
                             points=joined.points, as_of=iso(self.clock.now()))
        return joined
