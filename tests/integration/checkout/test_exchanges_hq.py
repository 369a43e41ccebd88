"""HQ receives an exchange as its usual events (the new sale, then the return) and holds
them to each other; its per-line and per-tender checks of the return still hold."""

from __future__ import annotations

import copy

from checkout_seed import SHAMPOO, TOOTHPASTE
from test_exchanges import begin, exchanges_for, scan
from test_returns import sell
from test_returns_hq import hq, outbox, statuses  # noqa: F401  (the hq fixture)


def _exchanged(shop):  # type: ignore[no-untyped-def]
    """A sale paid cash + card, one of its two shampoos exchanged for a toothpaste."""
    original = sell(shop, [SHAMPOO, SHAMPOO], tenders=(("cash", 3000), ("card", None)))
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    scan(shop, TOOTHPASTE)
    view = svc.apply(shop.manager).cart
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id,
                        card_reference="RF1")
    return original, done


def test_hq_accepts_the_exchange_and_lists_both_halves(shop, hq):  # noqa: F811
    original, done = _exchanged(shop)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    events = outbox(shop)
    kinds = [e["kind"] for e in events if e["kind"] in ("sale.completed", "return.completed")]
    assert kinds == ["sale.completed", "sale.completed", "return.completed"]  # the new sale first
    assert statuses(hq.ingest(who, {"events": events})) == ["accepted"] * len(events)
    (ret,) = hq.list_returns("S001")
    assert ret["sale_id"] == original.sale_id and ret["payload"]["exchange"]["credit_minor"] == 1125
    sales = {s["sale_id"]: s for s in hq.list_sales("S001")}
    assert sales[original.sale_id]["refunded_minor"] == 5990
    new = next(s for s in sales.values() if s["sale_id"] != original.sale_id)
    assert new["total_minor"] == done.total_fen == 1125


def test_hq_refuses_a_return_whose_new_sale_does_not_name_it(shop, hq):  # noqa: F811
    _exchanged(shop)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    events = copy.deepcopy(outbox(shop))
    new_sale = [e for e in events if e["kind"] == "sale.completed"][-1]
    new_sale["payload"]["exchange"]["exchange_id"] = "00000000-0000-4000-8000-0000000000ee"
    result = hq.ingest(who, {"events": events})
    by_kind = {e["kind"]: r for e, r in zip(events, result["results"], strict=True)}
    assert by_kind["return.completed"]["status"] == "rejected"
    assert "does not name this return" in by_kind["return.completed"]["reason"]


def test_hq_refuses_an_exchange_return_whose_new_sale_it_never_got(shop, hq):  # noqa: F811
    _exchanged(shop)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    events = outbox(shop)
    new_sale_id = [e for e in events if e["kind"] == "return.completed"][0]["payload"]["exchange"]["sale_id"]
    kept = [e for e in events if not (e["kind"] == "sale.completed" and e["payload"]["sale_id"] == new_sale_id)]
    result = hq.ingest(who, {"events": kept})
    (ret,) = [r for e, r in zip(kept, result["results"], strict=True) if e["kind"] == "return.completed"]
    assert ret["status"] == "rejected" and "has not been received" in ret["reason"]
