"""A world for cross-channel returns: a member, their online order collected in store S002, a
sale of store S002's till with its signed receipt QR, and store S001's returns service."""

from __future__ import annotations

import random
import uuid

from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.shifts import ShiftService
from sync.hq.demo_data import seed_demo
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.hq.orders import OnlineOrders, PlacedOrder
from sync.hq.service import HQService
from sync.protocol.receipt_proof import sign_receipt
from sync.protocol.signing import SigningKey
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from tools.soak import make_sale

PHONE = "13812345678"
AT = "2026-01-01T08:00:00+00:00"  # the terminals' FakeClock starts at 09:00 that day


def send(hq: HQService, store: str, terminal: str, kind: str, payload: dict) -> dict:
    ident = hq.authenticate(hq.issue_token(store, terminal))
    result = hq.ingest(ident, {"events": [{"event_id": str(uuid.uuid4()), "seq": ident.last_seq + 1, "kind": kind,
                                           "schema_version": 1 if kind != "sale.completed" else 3,
                                           "created_at": AT, "payload": payload}]})
    assert result["results"][0]["status"] == "accepted", result
    return result


def member(hq: HQService, phone: str = PHONE) -> str:
    return MembersService(hq.engine).enroll(phone, name=None, store_id="S002", terminal_id="T03", associate_id=None,
                                            channel="online", terms=True, marketing=False,
                                            personalization=False).member_id


def collected_order(hq: HQService, member_id: str | None, items: list[dict] | None = None, *,
                    discounts: dict[str, int] | None = None, store: str = "S002") -> PlacedOrder:
    """An online order paid by WeChat Pay, picked and handed over whole at ``store``."""
    seed_demo(hq, store)
    placed = OnlineOrders(hq).place(store, items or [{"sku": "100001", "qty": 3}, {"sku": "200001", "qty": 2}],
                                    member_id=member_id, phone=PHONE, discounts=discounts or {"coupon": 101})
    base = {"order_id": placed.order_id, "store_id": store, "terminal_id": "T03", "operator_id": "c9", "at": AT}
    lines = OnlineOrders(hq).get(placed.order_id)["data"]["lines"]
    send(hq, store, "T03", "pickup.picking_started", base)
    send(hq, store, "T03", "pickup.ready", {**base, "picks": [{"line_no": x["line_no"], "picked": x["qty"]}
                                                               for x in lines]})
    send(hq, store, "T03", "pickup.handed_over", {**base, "method": "code", "offline": False, "refused": [],
                                                  "collector": {"proxy": False, "name": None, "id_tail": None}})
    return placed


def store_b_sale(hq: HQService, seed: int = 9, *, cash: bool = True) -> tuple[dict, str]:
    """A sale of store S002's till T03 (at HQ), and its signed receipt QR with T03's key
    published as ``terminal_keys``."""
    sale = make_sale(random.Random(seed), store_id="S002", terminal_id="T03")
    sale["completed_at"] = AT
    sale["payments"] = [{"method": "cash" if cash else "card", "amount_minor": sale["total_minor"],
                         "reference": None if cash else "card-0042", "points": None}]
    sale["change_minor"] = 0
    sale["receipt_no"] = f"S002-T03-{seed:06d}"
    send(hq, "S002", "T03", "sale.completed", sale)
    till_b = SigningKey.generate(f"S002-T03-{seed:08x}")
    MemberEnrollmentService(hq.engine, MembersService(hq.engine), publish=lambda ds, k, row: hq.publish(ds, k, row)
                            ).register_key("S002", "T03", till_b.kid, till_b.public)
    return sale, sign_receipt(till_b, sale)


def pull_keys(terminal, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    with HQClient(url, token) as client:
        Puller(terminal.db, client, datasets=["terminal_keys"]).pull("terminal_keys")


def returns_service(terminal, url: str, token: str, *, timeout: float = 5) -> CrossReturnsService:  # type: ignore[no-untyped-def]
    audit = AuditLog(terminal.clock)
    return CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                               config=terminal.config,
                               client=lambda: HQClient(url, token, timeout=timeout))


def open_shift(terminal, actor) -> None:  # type: ignore[no-untyped-def]
    audit = AuditLog(terminal.clock)
    ShiftService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                 config=terminal.config).open_shift(actor, total_fen=10_000)
