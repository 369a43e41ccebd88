"""HQ's store credit ledger: a note issued by a return without receipt, spent from any till
at most once in total (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid

import pytest

from sync.hq import credit_notes
from sync.hq.credit_notes import CreditRefused
from sync.hq.service import HQService
from sync.protocol import credit_codes
from sync.protocol.events import PayloadError, validate


def no_receipt(store: str = "S001", till: str = "T01", *, code: str | None = None, tender: str = "store_credit",
               amount: int = 5000) -> dict:
    return {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "return_no": f"{store}-{till}-N000001",
            "store_id": store, "terminal_id": till, "operator_id": "c1", "approved_by": "m1",
            "completed_at": "2026-06-01T10:00:00.000000+00:00", "refund_minor": amount,
            "reason": {"code": "changed_mind", "text": ""}, "tender": tender, "restocked": True,
            "lines": [{"sku": "100002", "qty": 2, "unit_price_minor": amount // 2, "refund_minor": amount}],
            "credit_note": {"code": code or credit_codes.new_credit_code(), "amount_minor": amount}
            if tender == "store_credit" else None}


def event(seq: int, payload: dict) -> dict:
    return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": "return.no_receipt", "schema_version": 1,
            "created_at": "2026-06-01T10:00:00+00:00", "payload": payload}


def issue(hq: HQService, who, payload: dict, seq: int = 1) -> dict:  # type: ignore[no-untyped-def]
    return hq.ingest(who, {"events": [event(seq, payload)]})["results"][0]


@pytest.fixture
def tills(hq_service: HQService):  # type: ignore[no-untyped-def]
    return (hq_service.authenticate(hq_service.issue_token("S001", "T01")),
            hq_service.authenticate(hq_service.issue_token("S002", "T01")))


def test_a_credit_note_spent_from_two_tills_at_once_is_spent_exactly_once(hq_service, tills):
    t1, t2 = tills
    payload = no_receipt()
    code = payload["credit_note"]["code"]
    assert issue(hq_service, t1, payload)["status"] == "accepted"
    assert hq_service.credit_note_balance(code) == (5000, 5000)
    outcomes: list[object] = []
    barrier = threading.Barrier(6)

    def spend(who) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            outcomes.append(hq_service.spend_credit_note(who, code, 5000, str(uuid.uuid4())))
        except CreditRefused as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=spend, args=(who,)) for who in (t1, t2) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent = [o for o in outcomes if isinstance(o, credit_notes.Spent)]
    assert len(spent) == 1 and spent[0].remaining_minor == 0
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["credit.spent"] * 5
    assert hq_service.credit_note_balance(code) == (5000, 0)


def test_partial_spends_leave_the_rest_and_a_retry_takes_nothing_more(hq_service, tills):
    t1, t2 = tills
    payload = no_receipt(amount=5000)
    code = payload["credit_note"]["code"]
    issue(hq_service, t1, payload)
    first = hq_service.spend_credit_note(t2, code, 1800, "spend-1")
    assert first.remaining_minor == 3200 and not first.repeated
    again = hq_service.spend_credit_note(t2, code, 1800, "spend-1")  # the answer was lost: asked again
    assert again.repeated and again.remaining_minor == 3200
    with pytest.raises(CreditRefused) as reused:
        hq_service.spend_credit_note(t2, code, 100, "spend-1")
    assert reused.value.code == "credit.spend_id_reused"
    with pytest.raises(CreditRefused) as above:
        hq_service.spend_credit_note(t1, code, 3201, "spend-2")
    assert above.value.code == "credit.above_remaining"
    assert hq_service.spend_credit_note(t1, code, 3200, "spend-3").remaining_minor == 0
    with pytest.raises(CreditRefused) as spent:
        hq_service.spend_credit_note(t1, code, 1, "spend-4")
    assert spent.value.code == "credit.spent"
    assert hq_service.credit_note_balance(code) == (5000, 0)


@pytest.mark.parametrize(("code", "amount", "expected"), [
    ("CN00000000000000", 100, "credit.forged"),
    (None, 100, "credit.unknown"),  # genuine, never issued
    ("", 100, "credit.forged"),
])
def test_forged_unknown_and_bad_spends_are_refused(hq_service, tills, code, amount, expected):
    with pytest.raises(CreditRefused) as refused:
        hq_service.spend_credit_note(tills[0], code if code is not None else credit_codes.new_credit_code(), amount, "s")
    assert refused.value.code == expected


def test_bad_amounts_are_refused(hq_service, tills):
    payload = no_receipt()
    issue(hq_service, tills[0], payload)
    for amount in (0, -5, True, 1.5):
        with pytest.raises(CreditRefused) as refused:
            hq_service.spend_credit_note(tills[0], payload["credit_note"]["code"], amount, f"s{amount}")
        assert refused.value.code == "credit.bad_amount"


def test_hq_refuses_a_return_of_another_till_a_reissued_code_and_a_forged_code(hq_service, tills):
    t1, _t2 = tills
    assert "belongs to" in issue(hq_service, t1, no_receipt("S002"))["reason"]
    payload = no_receipt()
    assert issue(hq_service, t1, payload, 1)["status"] == "accepted"
    twice = no_receipt(code=payload["credit_note"]["code"])
    assert "already issued" in issue(hq_service, t1, twice, 2)["reason"]
    assert "genuine" in issue(hq_service, t1, no_receipt(code="CN12345678901234"), 3)["reason"]
    cash = no_receipt(tender="cash")
    assert issue(hq_service, t1, cash, 4)["status"] == "accepted"
    with hq_service.engine.connect() as conn:
        assert credit_notes.known(conn, cash["return_id"]) and credit_notes.known(conn, payload["return_id"])


def test_the_event_validator_refuses_inconsistent_returns():
    good = no_receipt()
    assert validate("return.no_receipt", 1, good)["credit_note"]["amount_minor"] == 5000
    bad = [
        {**good, "approved_by": "c1"},  # approved by the cashier themselves
        {**good, "refund_minor": 4999},
        {**good, "tender": "card"},
        {**good, "credit_note": None},
        {**good, "credit_note": {"code": good["credit_note"]["code"], "amount_minor": 1}},
        {**no_receipt(tender="cash"), "credit_note": good["credit_note"]},
        {**good, "lines": [{"sku": "100002", "qty": 2, "unit_price_minor": 2500, "refund_minor": 4000}]},
        {**good, "lines": [{"sku": "100002", "qty": 0, "unit_price_minor": 2500, "refund_minor": 0}]},
        {**good, "lines": []},
        {**good, "reason": {"code": "other", "text": " "}},
        {**good, "restocked": "yes"},
        {**good, "refund_minor": 5000.0},
    ]
    for payload in bad:
        with pytest.raises(PayloadError):
            validate("return.no_receipt", 1, payload)


def test_two_tills_spend_a_note_over_http_exactly_once(tmp_path):
    """Through HQ's routes and the tills' client, as a checkout elsewhere would ask."""
    from sync.hq.embedded import HQServer
    from sync.hq.service import make_engine
    from sync.terminal.transport import BatchRejected, HQClient

    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    try:
        tokens = [service.issue_token("S001", "T01"), service.issue_token("S002", "T03")]
        payload = no_receipt(amount=3000)
        code = payload["credit_note"]["code"]
        assert issue(service, service.authenticate(tokens[0]), payload)["status"] == "accepted"
        with HQClient(server.url, tokens[1], timeout=5) as client:
            assert client.credit_note(code) == {"code": code, "amount_minor": 3000, "remaining_minor": 3000}
            part = client.spend_credit_note(code, 1000, "sale-a:1")
            assert part["remaining_minor"] == 2000 and not part["repeated"]
            assert client.spend_credit_note(code, 1000, "sale-a:1")["repeated"]  # a retry: nothing more
            for bad, expected in ((credit_codes.new_credit_code(), "credit.unknown"), ("CN00000000000000", "credit.forged")):
                with pytest.raises(BatchRejected) as refused:
                    client.spend_credit_note(bad, 100, "x")
                assert refused.value.code == expected
        outcomes: list[str] = []
        barrier = threading.Barrier(4)

        def spend(token: str, n: int) -> None:
            barrier.wait()
            with HQClient(server.url, token, timeout=10) as client:
                try:
                    client.spend_credit_note(code, 2000, f"sale-{n}:1")
                    outcomes.append("spent")
                except BatchRejected as exc:
                    outcomes.append(str(exc.code))

        threads = [threading.Thread(target=spend, args=(tokens[n % 2], n)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["credit.spent"] * 3 + ["spent"]
        assert service.credit_note_balance(code) == (3000, 0)
    finally:
        server.stop()
        service.engine.dispose()
