"""A store's pick-up transitions at HQ, and the writing helpers every order change shares.

:func:`apply_terminal_event` is called by ``HQService.ingest`` inside its transaction for
the ``pickup.*`` event kinds, so the event, the order's new state, its transition row, the
refund owed and the customer notification commit together (docs/pickup.md). A refused
transition raises :class:`PayloadError` whose reason starts with a code the till
translates (``pickup.already_collected: ...``), having written nothing.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from store_client.domain import pickup as pk
from store_client.domain import pickup_codes as codes
from sync.hq import order_refunds, pickup_holds
from sync.hq import order_tables as ot
from sync.hq import schema as t
from sync.hq import stock as hq_stock
from sync.hq.feed_rows import publish_row as _publish_row
from sync.protocol.events import PayloadError

if TYPE_CHECKING:
    from sync.hq.service import TerminalIdentity

QR_SETTINGS_KEY = "pickup_qr"


class OrderError(ValueError):
    """An admin request HQ refuses (unknown SKU, unknown order, illegal transition)."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# -- terminal events (called by HQService.ingest, inside its transaction) --------------------
def apply_terminal_event(conn: Connection, who: TerminalIdentity, event_id: str, kind: str,
                         data: dict, at: str) -> None:
    """Apply a store's transition, or raise :class:`PayloadError` ("<code>: <why>") having
    written nothing. The order row is locked first, so of two tills handing over the same
    order one waits and then finds it collected."""
    if (data["store_id"], data["terminal_id"]) != (who.store_id, who.terminal_id):
        raise PayloadError(f"pickup.wrong_store: the event is from {data['store_id']}/"
                           f"{data['terminal_id']}, not this terminal {who.store_id}/{who.terminal_id}")
    row = conn.execute(select(ot.orders).where(ot.orders.c.order_id == data["order_id"])
                       .with_for_update()).first()
    if row is None:
        raise PayloadError(f"pickup.unknown_order: HQ has no order {data['order_id']}")
    if row.store_id != who.store_id:
        raise PayloadError(f"pickup.wrong_store: order {row.order_no} is for store {row.store_id}")
    source = f"{who.store_id}/{who.terminal_id}"
    body = json.loads(row.data)
    lines = {line["line_no"]: line for line in body["lines"]}
    if body.get("aisle") and kind != "pickup.handed_over":  # sync/hq/aisle.py: HQ makes it ready on arrival
        raise PayloadError(f"pickup.illegal_transition: order {row.order_no} comes from another site; "
                           "it is ready when it arrives")
    if kind == "pickup.picking_started":
        if row.state == pk.PICKING:
            return  # another till (or a retry) started first: nothing to change
        check(row.state, pk.PICKING, "store")
        _move(conn, row, pk.PICKING, at, event_id, source, {"operator_id": data["operator_id"]})
    elif kind == "pickup.ready":
        check(row.state, pk.READY, "store")
        picks = _checked_picks(lines, data["picks"], body["allow_substitution"])
        short = pk.short_refund({n: (line["qty"], line["net_minor"]) for n, line in lines.items()},
                                {n: p.picked for n, p in picks.items()})
        body["picks"] = [_pick_json(p) for p in picks.values()]
        _move(conn, row, pk.READY, at, event_id, source, {"operator_id": data["operator_id"],
                                                          "short_minor": short}, body=body,
              refunded=short, ready_at=at)
        order_refunds.owe(conn, row.order_id, str(uuid.uuid5(uuid.UUID(event_id), "refund")),
                          short, "short_pick",
                          {"lines": [_pick_json(p) for p in picks.values()
                                     if p.picked < lines[p.line_no]["qty"]]}, at)
        notify(conn, row, "ready", at, {"order_no": row.order_no, "code": row.code,
                                         "hold_until": row.hold_until, "short_minor": short})
    elif kind == "pickup.handed_over":
        picked = {p["line_no"]: p["picked"] for p in body["picks"]}
        refused = {r["line_no"]: r["qty"] for r in data["refused"]}
        if set(refused) - set(lines):
            raise PayloadError("pickup.not_on_order: a refused line is not on the order")
        try:
            handed = pk.handed_quantities({n: l["qty"] for n, l in lines.items()}, picked, refused)
        except pk.PickupRuleError as exc:
            raise PayloadError(str(exc)) from None
        target = pk.final_state({n: l["qty"] for n, l in lines.items()}, handed)
        check(row.state, target, "store")
        refund = pk.refused_refund({n: (l["qty"], l["net_minor"]) for n, l in lines.items()},
                                   picked, handed)
        body["handover"] = {"terminal_id": who.terminal_id, "operator_id": data["operator_id"],
                            "method": data["method"], "offline": data["offline"],
                            "collector": data["collector"], "refused": data["refused"],
                            "at": data["at"]}
        _move(conn, row, target, at, event_id, source, {"operator_id": data["operator_id"],
                                                        "refused_minor": refund}, body=body,
              refunded=refund, closed_at=at, handed_over_by=who.terminal_id)
        order_refunds.owe(conn, row.order_id, str(uuid.uuid5(uuid.UUID(event_id), "refund")),
                          refund, "refused", {"refused": data["refused"]}, at)
        # What the customer took leaves the store's stock here, with the one hand-over HQ
        # accepts (of two tills handing the same order over, the other is refused above).
        subs = {p["line_no"]: p.get("substitute_sku") for p in body["picks"]}
        if body.get("aisle"):
            return  # endless aisle: its goods left their source on arrival, never on this store's books
        hq_stock.apply_pickup(conn, row.store_id, [((subs.get(n) or lines[n]["sku"]), qty)
                                                   for n, qty in sorted(handed.items()) if qty > 0], at)
    else:  # pragma: no cover - ingest only routes the pickup kinds here
        raise PayloadError(f"unknown pick-up event {kind}")


def _checked_picks(lines: dict[int, dict], raw: list[dict], allow_sub: bool) -> dict[int, pk.LinePick]:
    picks: dict[int, pk.LinePick] = {}
    for item in raw:
        line = lines.get(item["line_no"])
        if line is None:
            raise PayloadError(f"pickup.not_on_order: line {item['line_no']} is not on the order")
        if item["picked"] > pk.max_pick(line["qty"], line["unit"]):
            raise PayloadError(f"pickup.quantity_above_ordered: line {item['line_no']}: "
                               f"{item['picked']} picked of {line['qty']}")
        if item["substitute_sku"] and not allow_sub:
            raise PayloadError("pickup.substitution_not_allowed: the customer did not allow "
                               "substitutes")
        picks[item["line_no"]] = pk.LinePick(item["line_no"], item["picked"],
                                             item["short_reason"], item["substitute_sku"])
    try:
        pk.check_ready({n: line["qty"] for n, line in lines.items()}, picks)
    except pk.PickupRuleError as exc:
        raise PayloadError(str(exc)) from None
    for n in lines:
        picks.setdefault(n, pk.LinePick(n, 0, None, None))
    return picks


def _pick_json(p: pk.LinePick) -> dict:
    return {"line_no": p.line_no, "picked": p.picked, "short_reason": p.short_reason,
            "substitute_sku": p.substitute_sku}


# -- shared writing helpers --------------------------------------------------------------------
def check(current: str, target: str, actor: str) -> None:
    try:
        pk.check_transition(current, target, actor)
    except pk.PickupRuleError as exc:
        if actor == "hq":
            raise OrderError(str(exc)) from None
        raise PayloadError(str(exc)) from None


def locked(conn: Connection, order_id: str) -> Any:
    row = conn.execute(select(ot.orders).where(ot.orders.c.order_id == order_id)
                       .with_for_update()).first()
    if row is None:
        raise OrderError(f"no order {order_id}")
    return row


def _move(conn: Connection, row: Any, target: str, at: str, event_id: str, source: str,
          details: dict, *, body: dict | None = None, refunded: int = 0, **values: Any) -> None:
    changes: dict[str, Any] = {"state": target, "version": row.version + 1,
                               "refunded_minor": row.refunded_minor + refunded, **values}
    if body is not None:
        changes["data"] = json.dumps(body, ensure_ascii=False)
    conn.execute(update(ot.orders).where(ot.orders.c.order_id == row.order_id).values(**changes))
    transition(conn, row.order_id, row.state, target, source, at, details, event_id=event_id)
    publish_order(conn, row.order_id)


def close(conn: Connection, row: Any, target: str, at: str, source: str, details: dict,
           refund: int, reason: str, *, owed: int | None = None) -> None:
    """Close the order refunding ``refund``; ``owed`` of it (all by default) goes to the
    refund ledger (the rest was paid back otherwise, e.g. in cash at the till)."""
    event_id = str(uuid.uuid4())
    _move(conn, row, target, at, event_id, source, {**details, "refund_minor": refund},
          refunded=refund, closed_at=at)
    order_refunds.owe(conn, row.order_id, str(uuid.uuid5(uuid.UUID(event_id), "refund")),
                      refund if owed is None else owed, reason, details, at)


def transition(conn: Connection, order_id: str, before: str, after: str, source: str, at: str,
                details: dict, *, event_id: str | None = None) -> None:
    conn.execute(insert(ot.transitions).values(
        event_id=event_id or str(uuid.uuid4()), order_id=order_id, from_state=before,
        to_state=after, source=source, at=at, details=json.dumps(details, ensure_ascii=False)))


TEMPLATES = {
    "ready": "您的订单 {order_no} 已备好，请凭取货码 {code} 到店自提，保留至 {hold_until}。",
    "reminder": "您的订单 {order_no} 仍待自提，取货码 {code}，保留至 {hold_until}。",
    "cancelled": "您的订单 {order_no} 已取消，款项将原路退回。",
}


def notify(conn: Connection, row: Any, kind: str, at: str, params: dict) -> int:
    """Record the message HQ would send (WeChat template for members, SMS otherwise), once
    per order and kind; returns 1 if recorded now, 0 if it was already."""
    channel = "wechat" if row.member_id else "sms"
    exists = conn.scalar(select(ot.notifications.c.id).where(
        ot.notifications.c.order_id == row.order_id, ot.notifications.c.kind == kind,
        ot.notifications.c.channel == channel))
    if exists is not None:
        return 0
    conn.execute(insert(ot.notifications).values(
        order_id=row.order_id, kind=kind, channel=channel, template=f"pickup_{kind}",
        params=json.dumps({**params, "to": row.phone,
                           "text": TEMPLATES[kind].format(**{**params, "code": row.code})},
                          ensure_ascii=False), at=at))
    return 1


def next_counter(conn: Connection, name: str) -> int:
    found = conn.execute(update(t.counters).where(t.counters.c.name == name)
                         .values(value=t.counters.c.value + 1).returning(t.counters.c.value)).first()
    if found is not None:
        return int(found[0])
    conn.execute(insert(t.counters).values(name=name, value=1))
    return 1


def signing_key(conn: Connection) -> tuple[str, bytes, str]:
    row = conn.execute(select(ot.signing_keys).order_by(ot.signing_keys.c.created_at.desc())
                       .limit(1)).first()
    if row is None:
        private, public = codes.new_signing_key()
        key_id = secrets.token_hex(4)
        conn.execute(insert(ot.signing_keys).values(
            key_id=key_id, private_key=base64.b64encode(private).decode(), public_key=public,
            created_at=iso(datetime.now(UTC))))
        return key_id, private, public
    return row.key_id, base64.b64decode(row.private_key), row.public_key


def ensure_qr_key_published(conn: Connection, store_id: str) -> None:
    key_id, _private, public = signing_key(conn)
    current = conn.scalar(select(t.dataset_rows.c.data).where(
        t.dataset_rows.c.dataset == "store_settings", t.dataset_rows.c.scope == store_id,
        t.dataset_rows.c.key == QR_SETTINGS_KEY))
    wanted = {"keys": {key_id: public}}
    if current is None or json.loads(current) != wanted:
        _publish_row(conn, "store_settings", store_id, QR_SETTINGS_KEY, wanted)


def terminal_row(row: Any) -> dict:
    """The ``online_orders`` row a store receives: no phone, no code."""
    body = json.loads(row.data)
    return {"order_id": row.order_id, "order_no": row.order_no, "store_id": row.store_id,
            "state": row.state, "version": row.version,
            "member": {"member_id": row.member_id, "name": row.member_name},
            "ordered_at": row.ordered_at, "accepted_at": row.accepted_at, "ready_at": _a_time(row.ready_at),
            "promised_at": row.promised_at, "hold_until": row.hold_until,
            "allow_substitution": body["allow_substitution"],
            "payment": {"provider": row.provider, "amount_minor": row.paid_minor},
            "lines": [{k: v for k, v in line.items() if k != "discounts"} for line in body["lines"]],
            "check": body["check"], "picks": body["picks"],
            "handed_over_by": row.handed_over_by,
            "refunded_minor": row.refunded_minor,
            **({"aisle": body["aisle"]} if body.get("aisle") else {})}


def _a_time(value: str | None) -> str | None:
    """A stored time as the row check wants it (with its offset), or None: a till's ``at`` that
    was no such time must not stop the order's row from reaching the store."""
    try:
        return value if value and datetime.fromisoformat(value).tzinfo is not None else None
    except ValueError:
        return None


def publish_order(conn: Connection, order_id: str) -> None:
    row = conn.execute(select(ot.orders).where(ot.orders.c.order_id == order_id)).one()
    if row.state == pk.PLACED:
        return  # not routed to the store until HQ accepts it
    pickup_holds.mark(conn, row)  # what it holds of the store's stock changed with it
    aisle = json.loads(row.data).get("aisle")
    if aisle is not None and not aisle["problem"] and (
            aisle["fulfilment"] != "pickup" or row.state == pk.ACCEPTED):
        return  # endless aisle (sync/hq/aisle.py): the store sees it flagged, or once it is ready
    _publish_row(conn, "online_orders", row.store_id, order_id, terminal_row(row))

