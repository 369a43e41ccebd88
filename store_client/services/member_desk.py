"""The member at the counter: find them, open their profile as the operator's role may see it,
offer the enrollment link, learn who joined.

- **Finding** goes through :class:`~store_client.services.member_lookup.MemberLookup`: HQ
  first (dynamic code, phone, card, member id), this till's cache offline (said on the
  profile: ``from_hq`` is False and the balance is as last known).
- **The profile** is filtered by :mod:`store_client.domain.member_privacy` before it leaves
  this module: a cashier gets the basic grade only (no coupons, no browsing), and what the
  member browsed online is asked of HQ only for a role cleared to the behavioural grade and
  a member who consented to personalization. The browsing is never stored on this till: it
  lives in the returned profile, for the visit.
- **A reveal** of the full phone, birthday or address: a role the field allows, with a
  reason, checked before HQ is asked; refused or granted, audited (the reason, never the value).
- **The member confirms first** (store setting ``members`` → ``display_confirm``): the profile
  opens with the browsing not fetched (``awaiting_member``); the screen asks on the customer
  display and reports the answer (:meth:`MemberDesk.browsing_answer`), audited either way.
- **The birthday benefit**: in the birthday month (store time) the profile says so, with the
  coupon HQ issued for the year once it is in this till's wallet (domain/member_birthday.py).
- Every profile opened is audited (who, which member, how found, whether browsing was
  shown): never a phone number. A refused open is audited by the authorizer.
- **Enrollment** wraps :class:`~store_client.services.member_enrollment.MemberEnrollmentService`:
  the signed link for the QR, then whether the customer has joined.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from store_client import store_time
from store_client.clock import Clock
from store_client.domain import member_birthday as birthday_rules
from store_client.domain import member_privacy as privacy
from store_client.domain.roles import Permission, Role
from store_client.persistence.db import Database
from store_client.services import coupons_local, pickup_rows, stock
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.errors import ServiceError
from store_client.services.member_enrollment import EnrollmentOffer, EnrollmentUnavailable, Joined
from store_client.services.member_lookup import FoundMember, MemberLookup, MemberNotFound
from sync.terminal.transport import BatchRejected, HQClient, TransientError

_PHONE = re.compile(r"1\d{10}")
MAX_BROWSED = 20
OPENED = "member.profile_opened"
REVEALED = "member.revealed"
ENROLLED = "member.enrolled"  # read by services/board_figures.py
REVEAL_REFUSED = "member.reveal_refused"
NAME_SEARCHED = "member.name_searched"
BROWSING_CONFIRMED = "member.browsing_confirmed"  # the member agreed on the customer display
BROWSING_WITHHELD = "member.browsing_withheld"  # declined, no answer in time, or no display
ANSWERS = ("confirmed", "declined", "timeout", "no_display")
CONFIRM_SECONDS = 60  # the store setting's default: how long the display waits for the member
MAX_NAME = 40


@dataclass(frozen=True)
class NameMatch:
    """A member whose name starts with what a manager typed: enough to tell them apart."""

    member_id: str
    name: str
    phone_masked: str
    tier: str


@dataclass(frozen=True)
class NearbyStock:
    """A neighbour store holding a browsed item, from this till's ``stock_nearby`` rows."""

    store: str  # its name, e.g. 人民广场店
    on_hand: int
    distance_m: int | None


@dataclass(frozen=True)
class BrowsedItem:
    sku: str
    name_zh: str
    name_en: str
    kind: str  # "view", "wish" or "cart" (left in the online cart)
    at: datetime  # UTC
    available: int | None  # here, now; None: this store does not sell it
    nearby: tuple[NearbyStock, ...] = ()  # neighbour stores holding it (this till's stock data), nearest first

    def name(self, locale: str) -> str:
        if locale.lower().startswith("en"):
            return self.name_en or self.name_zh or self.sku
        return self.name_zh or self.name_en or self.sku


@dataclass(frozen=True)
class WalletCoupon:
    code: str
    title: str
    valid_until: datetime | None


@dataclass(frozen=True)
class Purchase:
    """A sale to the member in any store, or an online order (HQ's record)."""

    store_id: str  # the store that sold it, or where an online order is picked up
    receipt_no: str  # an online order's number
    at: datetime | None  # UTC: a sale's time; an order's collection, else when it was placed
    items: int
    total_fen: int  # paid and not refunded
    channel: str = "store"  # store / online
    state: str = ""  # an online order's: placed, accepted, picking, ready, collected, ...


@dataclass(frozen=True)
class PointsEntry:
    points: int  # earned > 0, spent < 0
    channel: str  # store / online
    cause: str  # sale, enroll, order, ...
    at: datetime | None  # UTC


@dataclass(frozen=True)
class MemberProfile:
    member_id: str
    phone_masked: str
    tier: str
    points: int
    from_hq: bool  # False: from this till's cache (HQ unreachable), points as last known
    coupons: tuple[WalletCoupon, ...] | None  # None: above the operator's grade
    browsing: tuple[BrowsedItem, ...] | None  # None: not shown (see browsing_state)
    browsing_state: str  # shown / no_consent / grade / offline / unavailable / awaiting_member
    # (the member confirms on the customer display first) / declined / timeout / no_display
    purchases: tuple[Purchase, ...] | None = None  # every store, from HQ; None: grade or offline
    points_ledger: tuple[PointsEntry, ...] | None = None  # HQ's latest entries; None: grade or offline
    search_keywords: tuple[str, ...] | None = None  # searched online, newest first; with the browsing
    birthday_month: int | None = None  # basic grade
    address_masked: str = ""  # basic grade: the first characters only
    birthday_now: bool = False  # this is the member's birthday month (store time)
    birthday_coupon: WalletCoupon | None = None  # this year's, in the wallet here and unused
    birthday_pending: bool = False  # HQ issued it; it reaches this till with the next sync
    confirm_seconds: int = 0  # awaiting_member: how long the display waits for the answer


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _via(query: str) -> str:
    if query.startswith("v1.") and query.count(".") == 3:
        return "code"
    return "phone" if _PHONE.fullmatch(query) else "card_or_id"


class MemberDesk:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, authorizer: Authorizer,
                 catalog: CatalogService, *, client: Callable[[], HQClient] | None,
                 enrollment: Callable[[], object] | None = None, store_id: str | None = None) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.catalog, self._client, self.store_id = catalog, client, store_id
        self._enrollment = enrollment
        self.lookup = MemberLookup(db, clock, client)

    # -- the profile ---------------------------------------------------------------------------
    def open(self, actor: Actor, query: str) -> MemberProfile:
        """Find the member by what the customer shows or says and open the profile as
        ``actor``'s role may see it (audited)."""
        self.authorizer.require(actor, Permission.MEMBER_VIEW_PROFILE)
        role = self.authorizer.current_role(actor) or Role(actor.role)
        query = (query or "").strip()
        try:
            found = self.lookup.find(query)
        except MemberNotFound as exc:
            if exc.code == "member.unknown" and _PHONE.fullmatch(query):
                raise MemberNotFound("member.phone_unknown", "no member has this phone number") from None
            raise
        grade = privacy.ROLE_GRADE[role]
        personalization = found.personalization
        confirm = self._confirm_seconds()
        browsing: tuple[BrowsedItem, ...] | None
        keywords: tuple[str, ...]
        if confirm and grade >= privacy.grade_of("browsing") and found.from_hq and found.personalization \
                and self._client is not None:
            browsing, keywords, state = None, (), "awaiting_member"  # nothing fetched before the member agrees
        else:
            browsing, keywords, state = self._browsing(found, grade)
        wallet = self._wallet(found.member_id)
        raw = {"member_id": found.member_id, "phone_masked": found.masked_phone, "tier": found.tier,
               "points": found.points, "coupons": wallet, "birthday_month": found.birthday_month,
               "address_masked": found.address_masked}
        if browsing is not None:
            raw["browsing"], raw["search_keywords"] = browsing, keywords
        if grade >= privacy.grade_of("purchases") and found.from_hq:
            raw.update(self._history(found.member_id))
        seen = privacy.visible_profile(raw, role, personalization=personalization)
        shown = seen.get("browsing")
        if shown is None and state == "shown":
            state = "no_consent"
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action=OPENED, target=found.member_id,
                              details={"via": _via(query), "from_hq": found.from_hq, "browsing": state == "shown",
                                       **({"awaiting_member": True} if state == "awaiting_member" else {})})
        month = seen.get("birthday_month")
        now = birthday_rules.in_birthday_month(month, self.clock.now(), store_time.zone(store_time.configured()))
        year = store_time.to_store(self.clock.now()).year
        gift = next((c for c in wallet if c.code == birthday_rules.code_for(found.member_id, year)), None) if now else None
        return MemberProfile(found.member_id, str(seen.get("phone_masked", "")), str(seen.get("tier", "")),
                             int(seen.get("points", 0)), found.from_hq, seen.get("coupons"), shown, state,
                             seen.get("purchases"), seen.get("points_ledger"), seen.get("search_keywords"),
                             month, str(seen.get("address_masked") or ""), now, gift,
                             now and gift is None and found.birthday_coupon is not None,
                             confirm if state == "awaiting_member" else 0)

    def _confirm_seconds(self) -> int:
        """0 unless the store has the member confirm on the customer display (``store_settings``
        row ``members``: ``display_confirm``, ``display_confirm_seconds``)."""
        with self.db.read() as s:
            row = pickup_rows.load_settings(s, "members") or {}
        if row.get("display_confirm") is not True:
            return 0
        seconds = row.get("display_confirm_seconds", CONFIRM_SECONDS)
        return seconds if type(seconds) is int and 5 <= seconds <= 300 else CONFIRM_SECONDS

    def browsing_answer(self, actor: Actor, member_id: str,
                        answer: str) -> tuple[tuple[BrowsedItem, ...] | None, tuple[str, ...], str]:
        """What the member answered on the customer display (``confirmed``, ``declined``,
        ``timeout``: no answer in time, ``no_display``: none answers): the browsing, asked of
        HQ only when confirmed; audited either way, never with what was browsed."""
        self.authorizer.require(actor, Permission.MEMBER_VIEW_PROFILE)
        role = self.authorizer.current_role(actor) or Role(actor.role)
        if answer not in ANSWERS:
            raise ServiceError(f"{answer!r} is not an answer of the display", code="member.bad_answer")
        if privacy.ROLE_GRADE[role] < privacy.grade_of("browsing"):
            return None, (), "grade"
        if answer == "confirmed":
            items, keywords, state = self._fetch_browsing(member_id)
        else:
            items, keywords, state = None, (), answer
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, target=member_id,
                              action=BROWSING_CONFIRMED if answer == "confirmed" else BROWSING_WITHHELD,
                              details={"answer": answer, "browsing": state == "shown"})
        return items, keywords, state

    def _history(self, member_id: str) -> dict[str, tuple]:
        """Purchases in every store and the points ledger, from HQ (nothing when it cannot answer)."""
        if self._client is None:
            return {}
        try:
            with self._client() as client:
                answer = client.member_history(member_id)
        except (TransientError, BatchRejected):
            return {}
        if not isinstance(answer, dict):
            return {}
        purchases, entries = [], []
        for p in answer.get("purchases", [])[:10]:
            try:
                channel = "online" if p.get("channel") == "online" else "store"
                purchases.append(Purchase(str(p.get("store_id") or ""), str(p.get("receipt_no") or ""),
                                          _moment(p.get("completed_at")), int(p["items"]), int(p["total_minor"]),
                                          channel, str(p.get("state") or "")[:24] if channel == "online" else ""))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        for e in answer.get("points", [])[:10]:
            try:
                entries.append(PointsEntry(int(e["points"]), str(e.get("channel", "")), str(e.get("cause", "")),
                                           _moment(e.get("at"))))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return {"purchases": tuple(purchases), "points_ledger": tuple(entries)}

    def _browsing(self, found: FoundMember,
                  grade: privacy.Grade) -> tuple[tuple[BrowsedItem, ...] | None, tuple[str, ...], str]:
        """What the member viewed online, asked of HQ only when the role may see it and
        the member consented; never written to this till's database."""
        if grade < privacy.grade_of("browsing"):
            return None, (), "grade"
        if not found.from_hq or self._client is None:
            return None, (), "offline"
        if not found.personalization:
            return None, (), "no_consent"
        return self._fetch_browsing(found.member_id)

    def _fetch_browsing(self, member_id: str) -> tuple[tuple[BrowsedItem, ...] | None, tuple[str, ...], str]:
        """HQ's list (HQ checks the consent again), each item with its stock here and nearby."""
        if self._client is None:
            return None, (), "offline"
        try:
            with self._client() as client:
                answer = client.member_browsing(member_id)
        except (TransientError, BatchRejected):
            return None, (), "unavailable"
        if not isinstance(answer, dict) or not answer.get("consent"):
            return None, (), "no_consent"
        raw = [i for i in answer.get("items", []) if isinstance(i, dict)][:MAX_BROWSED]
        skus = [str(i.get("sku", ""))[:32] for i in raw]
        with self.db.read() as s:
            here = stock.positions(s, [x for x in skus if x], default_as_of=self.clock.now())
        items = []
        for item, sku in zip(raw, skus, strict=True):
            if not sku:
                continue
            info = self.catalog.by_code(sku)
            try:
                at = datetime.fromtimestamp(int(item.get("at", 0)), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
            items.append(BrowsedItem(sku, info.name_zh if info else "", info.name_en if info else "",
                                     str(item["kind"]) if item.get("kind") in ("wish", "cart") else "view", at,
                                     here[sku].available if info is not None and info.active else None,
                                     self._nearby(sku)))
        keywords = tuple(str(k)[:64] for k in answer.get("keywords", [])[:5] if isinstance(k, str) and k)
        return tuple(items), keywords, "shown"

    def _nearby(self, sku: str) -> tuple[NearbyStock, ...]:
        """The neighbour stores holding ``sku`` as this till last heard from HQ (``stock_nearby``,
        docs/stock.md), nearest first, at most three; warehouses are not "nearby" to a customer."""
        seen = stock.overview(self.db, sku, clock=self.clock, store_id=self.store_id)
        return tuple(NearbyStock(e.name or e.site_id, e.figure.on_hand, e.distance_m)
                     for e in seen.nearby if e.figure.on_hand > 0)[:3]

    def _wallet(self, member_id: str) -> tuple[WalletCoupon, ...]:
        """The member's own coupons this till knows and has not used (usable here)."""
        now = self.clock.now()
        with self.db.read() as s:
            rows = s.execute(text(
                "SELECT data FROM sync_rows WHERE dataset = :ds AND json_extract(data, '$.member_id') = :m "
                "LIMIT 50"), {"ds": coupons_local.DATASET, "m": member_id}).scalars().all()
            coupons = []
            for raw in rows:
                try:
                    coupon = coupons_local.coupon_from(json.loads(raw))
                except (ValueError, KeyError, TypeError):
                    continue
                if coupon.valid_until is not None and coupon.valid_until < now:
                    continue
                coupons.append(coupon)
            used, _pairs = coupons_local.used(s, tuple(c.code for c in coupons))
        return tuple(WalletCoupon(c.code, c.name, c.valid_until) for c in coupons if c.code not in used)

    # -- reveals -------------------------------------------------------------------------------
    def reveal(self, actor: Actor, member_id: str, field: str, reason: str) -> str:
        """The full value of a masked field (phone, birthday, address), for a role that may, with a reason.

        The role and the reason are checked here before HQ is asked, so a refused reveal
        never fetches the value; refusals and reveals are both audited (the reason, never
        the value)."""
        self.authorizer.require(actor, Permission.MEMBER_VIEW_PROFILE)
        role = self.authorizer.current_role(actor) or Role(actor.role)
        try:
            reason = privacy.check_reveal(field, role, reason)
        except privacy.PrivacyRefused as exc:
            with self.db.transaction() as s:
                self.audit.append(s, operator_id=actor.operator_id, action=REVEAL_REFUSED, target=member_id,
                                  details={"field": field[:16], "why": exc.code})
            raise ServiceError(str(exc), code=exc.code) from None
        if self._client is None:
            raise ServiceError("a reveal needs HQ", code="member.reveal_offline")
        try:
            with self._client() as client:
                answer = client.reveal_member(member_id, field, reason=reason, operator_id=actor.operator_id)
        except TransientError:
            raise ServiceError("HQ cannot be reached for the reveal", code="member.reveal_offline") from None
        except BatchRejected as exc:
            with self.db.transaction() as s:
                self.audit.append(s, operator_id=actor.operator_id, action=REVEAL_REFUSED, target=member_id,
                                  details={"field": field, "why": "privacy.no_value"})
            raise ServiceError(str(exc), code="privacy.no_value") from None
        value = answer.get("value") if isinstance(answer, dict) else None
        if not isinstance(value, str) or not value:
            raise ServiceError("HQ gave no value", code="privacy.no_value")
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action=REVEALED, target=member_id,
                              details={"field": field, "reason": reason})
        return value

    def search_by_name(self, actor: Actor, name: str) -> tuple[NameMatch, ...]:
        """Members whose name starts with ``name``, asked of HQ, for a manager (a name finds
        many people, so other roles are refused by the authorizer, which audits the refusal).
        Each search is audited with how many it found, never the name typed."""
        self.authorizer.require(actor, Permission.MEMBER_SEARCH_NAME)
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise ServiceError("a name of 1-40 characters", code="member.bad_name")
        if self._client is None:
            raise ServiceError("a search by name needs HQ", code="member.search_offline")
        try:
            with self._client() as client:
                answer = client.search_members(name)
        except TransientError:
            raise ServiceError("HQ cannot be reached for a search by name", code="member.search_offline") from None
        except BatchRejected as exc:
            raise ServiceError(str(exc), code="member.bad_name") from None
        rows = answer.get("members") if isinstance(answer, dict) else None
        found = []
        for row in rows if isinstance(rows, list) else []:
            try:
                found.append(NameMatch(str(row["member_id"]), str(row.get("name") or ""),
                                       str(row["masked_phone"]), str(row.get("tier") or "")))
            except (KeyError, TypeError):
                continue  # a row HQ should not have sent: left out
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action=NAME_SEARCHED, target="",
                              details={"found": len(found)})
        return tuple(found)

    # -- enrollment ----------------------------------------------------------------------------
    def _enroll(self):  # type: ignore[no-untyped-def]
        service = self._enrollment() if self._enrollment is not None else None
        if service is None:
            raise EnrollmentUnavailable("this till has no enrollment (no HQ configured)")
        return service

    def offer_enrollment(self, actor: Actor, cart_ref: str | None) -> EnrollmentOffer:
        self.authorizer.require(actor, Permission.MEMBER_ENROLL)
        offer: EnrollmentOffer = self._enroll().offer(actor, cart_ref)
        return offer

    def enrollment_done(self, nonce: str, actor: Actor | None = None) -> Joined | None:
        """Who joined through the link with ``nonce`` (None while pending). A new member is
        written to the audit log as ``member.enrolled`` by ``actor``, the associate whose QR
        it was: the till's own record of enrollments by associate (the manager's board)."""
        joined: Joined | None = self._enroll().check(nonce)
        if joined is not None and actor is not None:
            with self.db.transaction() as s:
                self.audit.append(s, operator_id=actor.operator_id, action=ENROLLED,
                                  target=joined.member_id,
                                  details={"linked_existing": joined.linked_existing})
        return joined

