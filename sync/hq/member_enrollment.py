"""Enrollment from the customer's own phone: a till-signed link, checked and completed at HQ.

The till shows a QR holding a link signed with its own key (store, terminal, associate,
the open cart, a nonce and an expiry): the till can make one offline, since the phone
reaches HQ over its own network. HQ knows every terminal's public key (registered by the
terminal itself over its authenticated channel) and so can tell a forged or altered link,
an expired one, and one already used. One link enrolls one phone once; submitting the same
form twice gives the same answer, never a second member or a second credit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Engine, Index, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from sync.hq.members import PHONE, Enrolled, MemberError, MembersService, mask_phone
from sync.hq import schema as t
from sync.hq import store_board
from sync.hq.schema import metadata
from sync.protocol.signing import SignatureError, key_id, public_key, verify

#: How long a link on a till's screen stays good: long enough to fill the form, short enough
#: that a photo of the QR is useless later.
LINK_TTL_SECONDS = 15 * 60

terminal_keys = Table(
    "hq_terminal_keys", metadata,
    Column("kid", String(64), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("registered_at", String(40), nullable=False),
    Index("ix_hq_terminal_keys_terminal", "store_id", "terminal_id"),
)

enrollments = Table(
    "hq_enrollments", metadata,
    Column("nonce", String(40), primary_key=True),
    Column("member_id", String(16), nullable=True),  # None while the submit is being handled
    Column("phone_masked", String(16), nullable=False),
    Column("linked_existing", Boolean, nullable=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("associate_id", String(32), nullable=True),  # credited with the enrollment
    Column("cart_ref", String(64), nullable=True),  # the sale open when the QR was shown
    Column("phone_check", String(64), nullable=False),  # same phone again = a double submit
    Column("created_at", String(40), nullable=False),
    Index("ix_hq_enrollments_store", "store_id", "created_at"),
    Index("ix_hq_enrollments_cart", "cart_ref"),  # a sale's ingest asks whether its receipt's link was used
)


@dataclass(frozen=True)
class Link:
    store_id: str
    terminal_id: str
    associate_id: str | None
    cart_ref: str | None
    nonce: str
    expires: int


def _phone_check(nonce: str, phone: str) -> str:
    import hashlib

    return hashlib.sha256(f"{nonce}:{phone}".encode()).hexdigest()


class MemberEnrollmentService:
    def __init__(self, engine: Engine, members: MembersService, *, clock: Any = None,
                 publish: Callable[[str, str, dict], Any] | None = None) -> None:
        """``publish(dataset, key, row)`` puts a registered key into the chain-wide
        ``terminal_keys`` dataset, so every store can check what any till signed."""
        self.engine = engine
        self.members = members
        self._publish = publish
        self._clock = clock or time.time
        metadata.create_all(engine, tables=[terminal_keys, enrollments])
        for index in enrollments.indexes:  # a database made before an index was added
            index.create(engine, checkfirst=True)

    # -- terminal keys -------------------------------------------------------
    def register_key(self, store_id: str, terminal_id: str, kid: str, public: str) -> None:
        """Pin ``kid`` to this terminal's public key. The same key again is fine; a kid that
        is taken, by another key or another terminal, is refused."""
        public_key(public)  # refuses a malformed key
        key_id(f"v1.{kid}.e30.AA")  # the same rule for key ids as the tokens
        row = dict(kid=kid, store_id=store_id, terminal_id=terminal_id, public_key=public,
                   registered_at=datetime.now(UTC).isoformat(timespec="seconds"))
        if not kid.startswith(f"{store_id}-{terminal_id}-"):
            raise MemberError("key.bad_id", f"a key id of {store_id}/{terminal_id} starts with its store and terminal")
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(terminal_keys).values(**row))
        except IntegrityError:
            with self.engine.connect() as conn:
                seen = conn.execute(select(terminal_keys).where(terminal_keys.c.kid == kid)).first()
            if seen is None or (seen.store_id, seen.terminal_id, seen.public_key) != (store_id, terminal_id, public):
                raise MemberError("key.taken", f"key id {kid} is registered to another key") from None
        if self._publish is not None:  # again on a repeat: publishing the same row is harmless
            self._publish("terminal_keys", kid, {"kid": kid, "store_id": store_id, "terminal_id": terminal_id,
                                                 "public_key": public})

    def _key_for(self, kid: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(terminal_keys).where(terminal_keys.c.kid == kid)).first()

    # -- links ---------------------------------------------------------------
    def check_link(self, token: str) -> Link:
        """The link's claims, or a refusal: ``link.forged``, ``link.expired``, ``link.malformed``."""
        try:
            kid = key_id(token)
        except SignatureError:
            raise MemberError("link.malformed", "not an enrollment link") from None
        row = self._key_for(kid)
        if row is None:
            raise MemberError("link.forged", f"no terminal key {kid}")
        try:
            claims = verify(token, {kid: public_key(row.public_key)}, now=self._clock())
        except SignatureError as exc:
            code = "link.expired" if exc.code == "sig.expired" else "link.forged"
            raise MemberError(code, str(exc)) from None
        if claims.get("typ") != "enroll" or not isinstance(claims.get("n"), str) or "exp" not in claims:
            raise MemberError("link.malformed", "not an enrollment link")
        # the key vouches only for its own terminal: a till cannot speak for another store
        if (claims.get("s"), claims.get("t")) != (row.store_id, row.terminal_id):
            raise MemberError("link.forged", "link names another terminal than its key")
        nonce = claims["n"]
        if not 8 <= len(nonce) <= 40:
            raise MemberError("link.malformed", "bad nonce")
        return Link(row.store_id, row.terminal_id, _opt(claims.get("a")), _opt(claims.get("c")), nonce,
                    int(claims["exp"]))

    def result(self, nonce: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(enrollments).where(enrollments.c.nonce == nonce)).first()
        return dict(row._mapping) if row is not None else None

    def complete(self, token: str, *, phone: str, code: str, name: str | None, terms: bool,
                 marketing: bool, personalization: bool) -> Enrolled:
        """Enroll (or link) the phone for this link, once.

        The link is claimed first (a row keyed by its nonce), so two submits racing each
        other cannot both use it: the same phone again gets the first answer, another phone
        is refused. A submit that fails (wrong code, terms not accepted) gives the claim back.
        """
        link = self.check_link(token)
        phone = (phone or "").strip()
        if not PHONE.fullmatch(phone):
            raise MemberError("member.bad_phone", "not a mainland mobile number")
        if not terms:
            raise MemberError("member.terms_required", "the membership terms must be accepted")
        check = _phone_check(link.nonce, phone)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(enrollments).values(
                    nonce=link.nonce, member_id=None, phone_masked=mask_phone(phone), linked_existing=None,
                    store_id=link.store_id, terminal_id=link.terminal_id, associate_id=link.associate_id,
                    cart_ref=link.cart_ref, phone_check=check,
                    created_at=datetime.now(UTC).isoformat(timespec="seconds")))
        except IntegrityError:
            enrolled = self._first_answer(link.nonce, check)
            self._credit_receipt_sale(link, enrolled.member_id)  # if the first submit could not
            return enrolled
        try:
            self.members.check_code(phone, code)
            enrolled = self.members.enroll(
                phone, name=name, store_id=link.store_id, terminal_id=link.terminal_id,
                associate_id=link.associate_id, channel="store", terms=terms, marketing=marketing,
                personalization=personalization)
        except BaseException:
            with self.engine.begin() as conn:
                conn.execute(enrollments.delete().where(enrollments.c.nonce == link.nonce,
                                                        enrollments.c.member_id.is_(None)))
            raise
        with self.engine.begin() as conn:
            conn.execute(enrollments.update().where(enrollments.c.nonce == link.nonce).values(
                member_id=enrolled.member_id, linked_existing=enrolled.linked_existing))
            store_board.publish_enrollment(
                conn, store_id=link.store_id, terminal_id=link.terminal_id, associate_id=link.associate_id,
                member_id=enrolled.member_id, linked_existing=enrolled.linked_existing,
                via="receipt" if link.cart_ref and link.cart_ref.startswith("sale:") else "counter",
                at=datetime.now(UTC).isoformat(timespec="seconds"))
        self._credit_receipt_sale(link, enrolled.member_id)
        return enrolled

    def _credit_receipt_sale(self, link: Link, member_id: str) -> None:
        """A receipt's link: the sale's points to the member now, if HQ has the sale (else its
        ingest does it). Idempotent, so a double submit may ask again."""
        if not (link.cart_ref and link.cart_ref.startswith("sale:")):
            return
        with self.engine.begin() as conn:
            # A write first: the sale's ingest, if it is under way, commits before this
            # reads (and if it saw the enrollment without a member, this sees the sale).
            conn.execute(enrollments.update().where(enrollments.c.nonce == link.nonce).values(
                member_id=member_id))
            sale = conn.scalar(select(t.sales.c.payload).where(
                t.sales.c.sale_id == link.cart_ref.removeprefix("sale:")))
            if sale is not None:
                credit_sale(conn, json.loads(sale), member_id,
                            datetime.now(UTC).isoformat(timespec="seconds"))

    def _first_answer(self, nonce: str, check: str, wait_s: float = 5.0) -> Enrolled:
        """A second submit of a link: the first one's result once it is there."""
        deadline = time.monotonic() + wait_s
        while True:
            done = self.result(nonce)
            if done is None:  # the first submit failed and gave the claim back: not used
                raise MemberError("link.retry", "submit the form again")
            if done["phone_check"] != check:
                raise MemberError("link.used", "this link was used already")
            if done["member_id"] is not None:
                return Enrolled(done["member_id"], done["phone_masked"], bool(done["linked_existing"]))
            if time.monotonic() > deadline:
                raise MemberError("link.retry", "still being handled; submit the form again")
            time.sleep(0.05)

    def status_for_terminal(self, store_id: str, nonce: str) -> dict[str, Any]:
        """What the till that showed the link may know: pending, or the member (masked)."""
        done = self.result(nonce)
        if done is None or done["store_id"] != store_id or done["member_id"] is None:
            return {"status": "pending"}
        member = self.members.get(done["member_id"]) or {}
        return {"status": "done", "member_id": done["member_id"], "masked_phone": done["phone_masked"],
                "linked_existing": bool(done["linked_existing"]), "tier": member.get("tier", "regular"),
                "points": int(member.get("points", 0)), "cart_ref": done["cart_ref"]}


def credit_enrolled_sale(conn: Connection, sale: dict[str, Any], at: str) -> int:
    """Inside HQ's ingest of a sale without a member: if someone already joined with its
    receipt's link, the sale's points go to them now (the enrollment row is locked, so an
    enrollment finishing meanwhile either is seen here or sees this sale)."""
    if sale.get("member_id"):
        return 0
    row = conn.execute(select(enrollments.c.member_id).where(
        enrollments.c.cart_ref == f"sale:{sale['sale_id']}").with_for_update()).first()
    if row is None or row.member_id is None:
        return 0
    return credit_sale(conn, sale, row.member_id, at)


def credit_sale(conn: Connection, sale: dict[str, Any], member_id: str, at: str) -> int:
    """The points of a sale made without a member, to the member who joined with its receipt:
    1 point per 1 CNY paid with money, once per sale whoever asks (the ledger's cause is the
    sale, as for a member's own sale), and the sale among the member's purchases (so a return
    finds it by the member too). A sale that had a member keeps its points. Returns the
    entries written."""
    from store_client.domain.points import points_earned
    from sync.hq.members import points_ledger
    from sync.hq.originals import refs

    if sale.get("member_id"):
        return 0
    cause = f"sale:{sale['sale_id']}:earned"[:80]
    if conn.execute(select(points_ledger.c.id).where(points_ledger.c.cause == cause)).first() is not None:
        return 0
    by_points = sum(int(p.get("amount_minor", 0)) for p in sale.get("payments", [])
                    if p.get("method") == "points")
    points = points_earned(max(0, int(sale.get("total_minor", 0)) - by_points))
    if conn.execute(select(refs.c.original_ref).where(
            refs.c.kind == "member", refs.c.value == member_id,
            refs.c.original_ref == f"sale:{sale['sale_id']}")).first() is None:
        conn.execute(insert(refs).values(kind="member", value=member_id,
                                         original_ref=f"sale:{sale['sale_id']}",
                                         completed_at=sale.get("completed_at") or at))
    if not points:
        return 0
    conn.execute(insert(points_ledger).values(member_id=member_id, cause=cause, points=points,
                                              channel="store", at=at))
    return 1


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
