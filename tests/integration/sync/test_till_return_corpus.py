"""The till-flow corpus: store S001's till (services/cross_returns.py, services/exchanges.py)
returns and exchanges members' online orders and store S002's sales through the reference HQ
over HTTP on 127.0.0.1. Every valid return or exchange is taken (refunded once, a retry
answered with the first), every invalid one refused with its reason and nothing written; once
all is back, each tender and line refunded exactly what it paid (an exchange's credit
counting as paid back), the points given back (or spent on the exchanged goods) add up to the
points paid and the points taken back to the points earned, and a coupon came back at most
once. Bounded: 60 scenarios, at most 240 s.
Its counts are reported in docs/returns.md (``pytest -s`` prints them)."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from online_returns_world import member, open_shift, pull_keys, send
from points_coupons_world import order_with_points
from sqlalchemy import func, select
from test_cross_returns_points_wallets import MANAGER, Wallet
from till_return_corpus import scenario

from store_client.persistence.models import CrossExchange, CrossReturn, OutboxEvent
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.checkout import CheckoutService
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.errors import ServiceError
from store_client.services.exchanges import ExchangeService
from store_client.services.payments import SimulatorAdapter
from store_client.services.returns import ReturnsService
from sync.hq import cross_returns, return_effects
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.hq.coupons import coupons as coupon_rows
from sync.hq.returnables import ReturnablesService
from sync.protocol.receipt_proof import sign_receipt
from sync.protocol.signing import SigningKey
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader
from tests.integration.checkout.checkout_seed import COOKER, seed

SCENARIOS, BUDGET_S = 60, 240


def written(terminal) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(CrossReturn)) or 0


def exchanged(terminal) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(CrossExchange)) or 0


def exchange(exchanges, terminal, original, selection, tally: Counter) -> tuple[str, int, int, int] | None:  # type: ignore[no-untyped-def]
    """The chosen part comes back as the credit for dearer goods (cookers); the customer pays
    the rest in cash. (request id, points given back, taken back, spent on the new goods), or
    None when the till refused it (counted as a valid exchange refused)."""
    checkout = exchanges.checkout
    request = CrossReturnRequest(original.request_id, selection, "changed_mind", card_reference="T-REF-1")
    try:
        credit = exchanges.start(MANAGER, request)
        for _ in range(credit.credit_fen // 49900 + 1):
            checkout.scan(MANAGER, COOKER)
        quote = exchanges.apply(MANAGER)
        view = checkout.add_tender(MANAGER, "cash", quote.due_fen)
        done = exchanges.complete(MANAGER, request_id=request.request_id, cart_id=view.cart_id)
    except ServiceError as exc:
        tally[f"valid_refused:{exc.code}"] += 1
        if exchanges.current() is not None:
            exchanges.cancel(MANAGER)
        checkout.void_cart(MANAGER, "corpus")
        return None
    with terminal.db.read() as s:
        payload = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.kind == "return.taken")
                            .order_by(OutboxEvent.seq.desc())).first()
    spent = sum(t.get("credit_minor", 0) for t in json.loads(payload)["tenders"] if t["method"] == "points")
    tally["valid_taken" if done.refund_fen == 0 and not done.repeated else "exchange_odd"] += 1
    return request.request_id, done.points_back, done.points_taken, spent


def offline_return(svc, terminal, qr: str, link: dict, rng_pick, tally: Counter) -> str | None:  # type: ignore[no-untyped-def]
    """HQ out of reach: the sale found from its signed receipt QR (checked here against store
    S002's published key), part of a line taken back. A wallet part cannot be paid back from
    the QR alone (it does not name the payment): refused. Returns the return's id, or None."""
    link["offline"] = True
    try:
        [original] = svc.find(MANAGER, qr).originals
        left = [(x.line_no, x.returnable) for x in original.lines if x.returnable]
        if not left:
            return None
        line_no, qty = rng_pick.choice(left)
        selection = ((line_no, rng_pick.randint(1, qty)),)
        methods = {original.method(t.seq) for t in original.plan(selection).tenders}
        expected = "mobile.reference_unknown" if methods & {"wechat", "alipay"} else None
        tally["kind:offline"] += 1
        tally[f"expect:{expected}" if expected else "valid:offline"] += 1
        before = written(terminal)
        try:
            done = svc.refund(MANAGER, CrossReturnRequest(original.request_id, selection, "changed_mind",
                                                          card_reference="T-REF-1"))
        except ServiceError as exc:
            tally["invalid" if expected else "valid"] += 1
            if expected is None:
                tally[f"valid_refused:offline:{exc.code}"] += 1
            else:
                tally["invalid_refused"] += 1
                tally["invalid_reason_right" if exc.code == expected else f"reason:offline:{exc.code}"] += 1
                tally["nothing_written" if written(terminal) == before else "half_written"] += 1
            return None
        tally["valid" if expected is None else "invalid"] += 1
        tally["valid_taken" if expected is None and not done.reserved_at_hq
              else f"invalid_taken:offline:{expected}"] += 1
        return done.return_id
    finally:
        link["offline"] = False


def hq_effects(hq, return_id: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The points HQ gave back and took back for a return it settled (one taken offline)."""
    with hq.engine.connect() as conn:
        row = conn.execute(select(return_effects.effects.c.points_back, return_effects.effects.c.points_taken)
                           .where(return_effects.effects.c.return_id == return_id)).first()
    return (int(row.points_back), int(row.points_taken)) if row is not None else (0, 0)


def play(svc, terminal, wallet, hq, sc, tally: Counter, exchanges=None, offline=None) -> None:  # type: ignore[no-untyped-def]
    fan = member(hq)
    coupon = None
    if sc.kind == "order":
        placed, coupon = order_with_points(hq, fan, coupon_policy=sc.coupon[0] if sc.coupon else None,
                                           threshold=sc.coupon[1] if sc.coupon else 0, redeemed=sc.redeemed,
                                           earned=sc.earned, items=sc.items)
        query, paid_points, earned = placed.order_no, sc.redeemed, sc.earned
    else:
        send(hq, "S002", "T03", "sale.completed", sc.sale)
        query, paid_points, earned = sc.sale["receipt_no"], sc.sale["points_redeemed"], sc.sale["points_earned"]
    back = taken = spent = 0
    last: CrossReturnRequest | str | None = None  # a return's request, or an exchange's request id
    rng_pick = __import__("random").Random(sc.seed)
    for step in [*sc.steps, "rest"]:
        [original] = svc.find(MANAGER, query).originals
        left = [(x.line_no, x.returnable) for x in original.lines if x.returnable]
        if not left:
            break
        if step == "retry" and isinstance(last, str):  # the exchange again: answered with the first
            first = exchanges.completed(last)
            tally["valid"] += 1
            tally["valid_taken" if first is not None and first.repeated else "retry_not_repeated"] += 1
            tally["kind:retry"] += 1
            tally["valid:retry"] += 1
            continue
        if step == "retry" and last is not None:
            again = svc.refund(MANAGER, last)
            tally["valid"] += 1
            tally["valid_taken" if again.repeated else "retry_not_repeated"] += 1
            tally["kind:retry"] += 1
            tally["valid:retry"] += 1
            continue
        if step == "offline" and offline is not None and sc.kind == "sale":
            qr = sign_receipt(offline["key"], sc.sale)
            return_id = offline_return(svc, terminal, qr, offline["link"], rng_pick, tally)
            offline["upload"]()  # back online: HQ settles it (or keeps a conflict)
            if return_id is not None:
                got_back, got_taken = hq_effects(hq, return_id)
                back, taken = back + got_back, taken + got_taken
            continue
        if step == "exchange" and exchanges is not None:
            line_no, qty = rng_pick.choice(left)
            selection = ((line_no, rng_pick.randint(1, qty)),)
            if not any(original.method(t.seq) == "voucher" for t in original.plan(selection).tenders):
                before = exchanged(terminal)
                made = exchange(exchanges, terminal, original, selection, tally)
                tally["valid"] += 1
                tally["kind:exchange"] += 1
                tally["valid:exchange"] += 1
                if made is not None:
                    tally["exchange_written_once" if exchanged(terminal) == before + 1 else "exchange_not_written"] += 1
                    last = made[0]
                    back, taken, spent = back + made[1], taken + made[2], spent + made[3]
                continue
            step = "partial"  # a voucher part goes back as a plain return (a note of this till)
        if step == "over":
            line_no, qty = rng_pick.choice(left)
            selection, expected = ((line_no, qty + 1),), "refund.above_returnable"
        elif step == "rest":
            selection, expected = tuple(left), None
        else:
            line_no, qty = rng_pick.choice(left)
            selection, expected = ((line_no, rng_pick.randint(1, qty)),), None
        plan = original.plan(selection) if expected is None else None
        wallet_part = plan is not None and any(original.method(t.seq) in ("wechat", "alipay") for t in plan.tenders)
        if step == "decline" and wallet_part:
            expected = "mobile.refund_declined"
        kind = step if step != "decline" or wallet_part else "partial"
        request = CrossReturnRequest(original.request_id, selection, "changed_mind", card_reference="T-REF-1")
        before = written(terminal)
        wallet.decline = expected == "mobile.refund_declined"
        try:
            done = svc.refund(MANAGER, request)
        except ServiceError as exc:
            tally["invalid" if expected else "valid"] += 1
            if expected is None:
                tally[f"valid_refused:{exc.code}"] += 1
            else:
                tally["invalid_refused"] += 1
                tally["invalid_reason_right" if exc.code == expected else f"reason:{kind}:{exc.code}"] += 1
                # nothing written (a declined wallet leaves its cancelled row, holding nothing)
                declined = expected == "mobile.refund_declined"
                tally["nothing_written" if written(terminal) == before + declined else "half_written"] += 1
        else:
            tally["valid" if expected is None else "invalid"] += 1
            tally["valid_taken" if expected is None else f"invalid_taken:{kind}:{sc.seed}"] += 1
            back, taken, last = back + done.points_back, taken + done.points_taken, request
            voucher = dict(done.tenders).get("voucher", 0)
            if voucher and not done.repeated:  # refunded as a new store credit note of this till
                with terminal.db.read() as s:
                    note = s.scalar(select(CreditNote.amount_fen).where(CreditNote.return_id == done.return_id))
                tally["voucher_note_right" if note == voucher
                      else f"voucher_note_wrong:{sc.seed}"] += 1
        finally:
            wallet.decline = False
        tally[f"kind:{kind}"] += 1
        tally[f"expect:{expected}" if expected else f"valid:{kind}"] += 1
    ref = original.original_ref
    _o, lines, refunded = ReturnablesService(hq.engine, cross_returns.load_original).status(ref)
    tally["scenarios_closed"] += 1
    whole = (all(x.returned == x.sold and x.refunded_fen == x.net_fen for x in lines.values())
             and refunded == dict(_o.tenders))
    tally["all_back_exact" if whole else f"not_whole:{sc.seed}"] += 1
    tally["with_points"] += bool(paid_points or earned)
    tally["points_exact" if (back + spent, taken) == (paid_points, earned)
          else f"points:{sc.seed}:{back}+{spent}/{paid_points}"] += 1
    if coupon is not None:
        with hq.engine.connect() as conn:
            again = conn.scalar(select(func.count()).select_from(coupon_rows).where(
                coupon_rows.c.reissued_from == coupon))
        tally["coupon_at_most_once" if again <= 1 else "coupon_twice"] += 1
        tally[f"coupon_{sc.coupon[0]}_reissued:{again}"] += 1


def test_sixty_till_scenarios_through_hq_over_http(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    token = sqlite_hq.issue_token("S001", "T01")
    wallet = Wallet()
    audit = AuditLog(terminal.clock)
    link = {"offline": False}

    def client() -> HQClient:
        if link["offline"]:
            raise TransientError("HQ out of reach (the corpus's offline step)")
        return HQClient(hq_server.url, token, timeout=10)

    def upload() -> None:
        with HQClient(hq_server.url, token) as hq_client:
            Uploader(terminal.db, hq_client).upload_pending()

    till_b = SigningKey.generate("S002-T03-corpus")  # store S002's till signs its receipts
    MemberEnrollmentService(sqlite_hq.engine, MembersService(sqlite_hq.engine),
                            publish=lambda ds, k, row: sqlite_hq.publish(ds, k, row)
                            ).register_key("S002", "T03", till_b.kid, till_b.public)
    pull_keys(terminal, hq_server.url, token)
    svc = CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                              config=terminal.config, payments=wallet, client=client)
    with terminal.db.transaction() as s:
        seed(s)  # the checkout's catalog: the goods an exchange buys
    checkout = CheckoutService(terminal.db, terminal.clock, audit, svc.authorizer, CatalogService(terminal.db),
                               config=terminal.config, payments=SimulatorAdapter(online=True))
    exchanges = ExchangeService(ReturnsService(terminal.db, terminal.clock, audit, svc.authorizer,
                                               config=terminal.config), checkout, svc)
    fan = member(sqlite_hq)
    tally: Counter = Counter()
    started = time.monotonic()
    for number in range(SCENARIOS):
        if time.monotonic() - started > BUDGET_S:
            break
        play(svc, terminal, wallet, sqlite_hq, scenario(number, fan), tally, exchanges,
             {"key": till_b, "link": link, "upload": upload})
        tally["scenarios"] += 1
    print(dict(sorted(tally.items())))
    assert tally["scenarios"] >= 30, tally  # a loaded machine may play fewer, never a handful
    assert tally["valid"] and tally["valid_taken"] == tally["valid"], tally
    assert tally["invalid"] and tally["invalid_refused"] == tally["invalid"] == tally["invalid_reason_right"], tally
    assert tally["nothing_written"] == tally["invalid_refused"], tally
    assert tally["all_back_exact"] == tally["points_exact"] == tally["scenarios_closed"], tally
    assert (tally["kind:decline"] and tally["kind:retry"] and tally["kind:over"] and tally["kind:exchange"]
            and tally["valid:offline"]), tally
    assert tally["exchange_written_once"] == tally["valid:exchange"] and not tally["exchange_odd"], tally
    assert tally.get("coupon_twice", 0) == 0
    assert not [k for k in tally if k.startswith("voucher_note_wrong")], tally
