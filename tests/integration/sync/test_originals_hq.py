"""A store finds another store's sale at HQ (by receipt, member or payment reference) and
reserves what it takes back, over real HTTP on 127.0.0.1 (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import uuid

import httpx

from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from tools.soak import make_sale


def sell(hq: HQService, store: str, sale: dict) -> None:
    who = hq.authenticate(hq.issue_token(store, "T01"))
    result = hq.ingest(who, {"events": [{"event_id": str(uuid.uuid4()), "seq": who.last_seq + 1,
                                         "kind": "sale.completed", "schema_version": 3,
                                         "created_at": sale["completed_at"], "payload": sale}]})
    assert result["results"][0]["status"] == "accepted", result


def test_a_sale_of_store_a_is_found_and_returned_in_store_b(hq_service: HQService):
    sale = make_sale(random.Random(8), store_id="S001", terminal_id="T01")
    sale["member_id"] = "M1000000001"
    sale["payments"][0]["reference"] = "wx-4200001234"
    sale["payments"][0]["method"] = "wechat"
    if sale.get("change_minor"):  # a wallet pays exactly
        sale["payments"][0]["amount_minor"] -= sale["change_minor"]
        sale["change_minor"] = 0
    sell(hq_service, "S001", sale)
    server = HQServer(hq_service, app=create_app(hq_service)).start()
    try:
        token_b = hq_service.issue_token("S002", "T01")
        token_c = hq_service.issue_token("S003", "T01")
        with httpx.Client(base_url=server.url, timeout=10) as http:
            auth_b = {"Authorization": f"Bearer {token_b}"}
            for kind, value in (("receipt", sale["receipt_no"]), ("member", "M1000000001"),
                                ("payment", "wx-4200001234"), ("sale", sale["sale_id"])):
                found = http.get("/v1/originals", params={"kind": kind, "value": value}, headers=auth_b).json()
                assert [o["original_ref"] for o in found["originals"]] == [f"sale:{sale['sale_id']}"], kind
            original = found["originals"][0]
            assert original["store_id"] == "S001"
            assert sum(line["net_minor"] for line in original["lines"]) == sale["total_minor"]
            assert original["tenders"] == [{"method": "wechat", "paid_minor": sale["total_minor"], "refunded_minor": 0,
                                                "reference": "wx-4200001234"}]  # a wallet refund needs it
            assert http.get("/v1/originals", params={"kind": "receipt", "value": "nope"},
                            headers=auth_b).json() == {"originals": []}

            line = original["lines"][0]
            body = {"return_id": "ret-b-1", "original_ref": original["original_ref"],
                    "lines": {str(line["line_no"]): [line["qty"], line["net_minor"]]},
                    "tenders": {"wechat": line["net_minor"]}}
            assert http.post("/v1/returns/reserve", json=body, headers=auth_b).json()["state"] == "reserved"
            assert http.post("/v1/returns/reserve", json=body, headers=auth_b).json()["state"] == "reserved"  # retry
            again = http.post("/v1/returns/reserve", json=body | {"return_id": "ret-c-1"},
                              headers={"Authorization": f"Bearer {token_c}"})
            assert again.status_code == 409 and again.json()["error"] == "return.already_returned"
            assert http.post("/v1/returns/ret-b-1/confirm", headers=auth_b).json()["state"] == "confirmed"
            assert http.post("/v1/returns/ret-b-1/explode", headers=auth_b).status_code == 404
            after = http.get("/v1/originals", params={"kind": "sale", "value": sale["sale_id"]}, headers=auth_b).json()
            first = after["originals"][0]["lines"][0]
            assert first["returnable"] == 0 and first["refunded_minor"] == line["net_minor"]
            assert http.get("/v1/originals", params={"kind": "sale", "value": "x"}).status_code == 401
            assert http.post("/v1/returns/reserve", content=b"[[[[", headers=auth_b).status_code == 400
            assert http.post("/v1/returns/reserve", json={"return_id": "x"}, headers=auth_b).status_code == 400
    finally:
        server.stop()


def test_a_members_many_originals_cost_the_same_few_queries_and_match_one_by_one(hq_service: HQService):
    """A member with many sales: the lookup reads them together (the same statements for 3 or
    30), each as describing it alone gives, with what was reserved of it meanwhile."""
    from sqlalchemy import event

    from sync.hq import cross_returns
    from sync.hq.originals import Originals
    from sync.hq.returnables import ReturnablesService, ReturnAsk

    rnd = random.Random(30)
    sales = []
    for n in range(30):
        sale = make_sale(rnd, store_id="S001", terminal_id="T01")
        sale["member_id"] = "M1000000030"
        sale["completed_at"] = f"2026-11-{1 + n % 28:02d}T0{n % 10}:00:00+00:00"
        sell(hq_service, "S001", sale)
        sales.append(sale)
    returnables = ReturnablesService(hq_service.engine, cross_returns.load_original)
    originals = Originals(hq_service.engine, returnables)
    first = originals.find("member", "M1000000030")[0]
    line = first["lines"][0]
    returnables.reserve(ReturnAsk(
        "ret-many-1", first["original_ref"], "S002", "T01",
        {line["line_no"]: (1, line["net_minor"] // line["qty"])},
        {first["tenders"][0]["method"]: line["net_minor"] // line["qty"]}))
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    event.listen(hq_service.engine, "before_cursor_execute", count)
    try:
        many = originals.find("member", "M1000000030")
        used_for_many = len(statements)
        statements.clear()
        sale_kind_of_three = [originals.find("sale", s["sale_id"]) for s in sales[:3]]
        used_for_one = len(statements) // 3
    finally:
        event.remove(hq_service.engine, "before_cursor_execute", count)
    assert len(many) == 30
    assert used_for_many <= used_for_one + 2  # not one more per original
    by_ref = {o["original_ref"]: o for o in many}
    for found in sale_kind_of_three:
        assert by_ref[found[0]["original_ref"]] == found[0]
    reserved = by_ref[first["original_ref"]]["lines"][0]
    assert reserved["returnable"] == line["qty"] - 1
    assert [o["completed_at"] for o in many] == sorted((o["completed_at"] for o in many), reverse=True)
