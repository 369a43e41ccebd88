"""The till finds what a customer bought in another store: by the receipt QR offline, by the
receipt number, payment or member through HQ, and its own sales by number when offline."""

from __future__ import annotations

import random
import uuid

import pytest

from store_client.services.return_lookup import OriginalNotFound, ReturnLookup
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.protocol.receipt_proof import sign_receipt
from sync.protocol.signing import SigningKey
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from tools.soak import make_sale


def sell_in_store_b(sqlite_hq, sale: dict) -> None:
    who = sqlite_hq.authenticate(sqlite_hq.issue_token("S002", "T03"))
    result = sqlite_hq.ingest(who, {"events": [{"event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed",
                                                "schema_version": 3, "created_at": sale["completed_at"],
                                                "payload": sale}]})
    assert result["results"][0]["status"] == "accepted"


def test_every_way_in(terminal, hq_server, sqlite_hq):
    members = MembersService(sqlite_hq.engine)
    member = members.enroll("13812345678", name=None, store_id="S002", terminal_id="T03", associate_id=None,
                            channel="store", terms=True, marketing=False, personalization=False)
    sale = make_sale(random.Random(9), store_id="S002", terminal_id="T03")
    sale["member_id"] = member.member_id
    sale["payments"][0].update(method="card", reference="card-77881", amount_minor=sale["total_minor"])
    sale["change_minor"] = 0
    sale["receipt_no"] = "S002-T03-000042"  # as receipt numbers are printed
    sell_in_store_b(sqlite_hq, sale)
    token = sqlite_hq.issue_token("S001", "T01")
    lookup = ReturnLookup(terminal.db, terminal.clock, client=lambda: HQClient(hq_server.url, token, timeout=5))
    ref = f"sale:{sale['sale_id']}"
    for query in (sale["receipt_no"], "card-77881", "13812345678", member.member_id):
        found = lookup.find(query)
        assert [o.original_ref for o in found] == [ref], query
        assert found[0].source == "hq" and found[0].store_id == "S002"
        assert sum(line.net_fen for line in found[0].lines) == sale["total_minor"]
        assert found[0].tenders == (("card", sale["total_minor"]),)

    till_b = SigningKey.generate("S002-T03-b9")  # store B's till signed the paper receipt
    MemberEnrollmentService(sqlite_hq.engine, members, publish=lambda ds, k, row: sqlite_hq.publish(ds, k, row)
                            ).register_key("S002", "T03", till_b.kid, till_b.public)
    with HQClient(hq_server.url, token) as client:
        Puller(terminal.db, client, datasets=["terminal_keys"]).pull("terminal_keys")
    hq_server.stop()  # offline from here on
    offline = ReturnLookup(terminal.db, terminal.clock, client=lambda: HQClient(hq_server.url, token, timeout=1))
    [from_paper] = offline.find(sign_receipt(till_b, sale))
    assert from_paper.source == "receipt_qr" and from_paper.original_ref == ref
    assert [line.returnable for line in from_paper.lines] == [line["qty"] for line in sale["lines"]]
    assert offline.find(sale["receipt_no"]) == []  # another store's receipt number needs HQ
    with pytest.raises(OriginalNotFound):
        offline.find("")
