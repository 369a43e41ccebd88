"""HQ's release of a store credit spend the till could not turn into a sale
(sync/hq/credit_notes.py ``release``, the ``credit.released`` event, the HTTP route), on SQLite
and PostgreSQL: given back once, a released id dead for good, only the spending till may
release, and a release racing the spend of the same id never loses nor doubles the money."""

from __future__ import annotations

import threading
import uuid

import pytest

from test_credit_notes_hq import issue, no_receipt

from sync.hq import credit_notes
from sync.hq.credit_notes import CreditRefused
from sync.hq.service import HQService
from sync.protocol import credit_codes
from sync.protocol.events import PayloadError, validate


@pytest.fixture
def tills(hq_service: HQService):  # type: ignore[no-untyped-def]
    return (hq_service.authenticate(hq_service.issue_token("S001", "T01")),
            hq_service.authenticate(hq_service.issue_token("S002", "T01")))


def note(hq: HQService, who, amount: int = 5000) -> str:  # type: ignore[no-untyped-def]
    payload = no_receipt(amount=amount)
    assert issue(hq, who, payload)["status"] == "accepted"
    return payload["credit_note"]["code"]


def released_event(seq: int, *, spend_id: str, code: str, store: str = "S001", till: str = "T01",
                   amount: int = 1800, reason: str = "sale_not_written") -> dict:
    return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": "credit.released", "schema_version": 1,
            "created_at": "2026-06-01T10:00:00+00:00",
            "payload": {"spend_id": spend_id, "code": code, "amount_minor": amount, "cart_id": str(uuid.uuid4()),
                        "reason": reason, "store_id": store, "terminal_id": till,
                        "at": "2026-06-01T10:00:00.000000+00:00"}}


def test_a_release_gives_the_spend_back_once_and_the_id_is_dead(hq_service, tills):
    t1, _ = tills
    code = note(hq_service, t1)
    hq_service.spend_credit_note(t1, code, 1800, "cart-a:t1")
    done = hq_service.release_credit_note(t1, code, "cart-a:t1")
    assert (done.restored_minor, done.remaining_minor, done.repeated) == (1800, 5000, False)
    again = hq_service.release_credit_note(t1, code, "cart-a:t1")  # the answer was lost: asked again
    assert again.repeated and again.restored_minor == 1800 and hq_service.credit_note_balance(code) == (5000, 5000)
    with pytest.raises(CreditRefused) as dead:  # a spend asked again under the released id
        hq_service.spend_credit_note(t1, code, 1800, "cart-a:t1")
    assert dead.value.code == "credit.released" and hq_service.credit_note_balance(code) == (5000, 5000)
    assert hq_service.spend_credit_note(t1, code, 1800, "cart-a:t1~1").remaining_minor == 3200  # the next id


def test_a_release_of_a_spend_hq_never_took_restores_nothing_and_a_late_spend_takes_nothing(hq_service, tills):
    t1, _ = tills
    code = note(hq_service, t1)
    done = hq_service.release_credit_note(t1, code, "cart-b:t1")
    assert done.restored_minor == 0 and hq_service.credit_note_balance(code) == (5000, 5000)
    with pytest.raises(CreditRefused) as late:  # the spend's request arrives after all
        hq_service.spend_credit_note(t1, code, 5000, "cart-b:t1")
    assert late.value.code == "credit.released" and hq_service.credit_note_balance(code) == (5000, 5000)


def test_only_the_spending_till_releases_and_bad_releases_are_refused(hq_service, tills):
    t1, t2 = tills
    code = note(hq_service, t1)
    hq_service.spend_credit_note(t1, code, 1000, "cart-c:t1")
    with pytest.raises(CreditRefused) as foreign:
        hq_service.release_credit_note(t2, code, "cart-c:t1")
    assert foreign.value.code == "credit.release_foreign"
    other = note(hq_service, t1)
    with pytest.raises(CreditRefused) as reused:  # the id names a spend of another note
        hq_service.release_credit_note(t1, other, "cart-c:t1")
    assert reused.value.code == "credit.spend_id_reused"
    for sid, bad_code, expected in (("", code, "credit.bad_request"), ("x" * 65, code, "credit.bad_request"),
                                    ("s", "CN00000000000000", "credit.forged"), ("s", "'; DROP", "credit.forged")):
        with pytest.raises(CreditRefused) as refused:
            hq_service.release_credit_note(t1, bad_code, sid)
        assert refused.value.code == expected
    assert hq_service.credit_note_balance(code) == (5000, 4000)


def test_the_release_event_gives_back_once_and_a_foreign_one_is_rejected(hq_service, tills):
    t1, t2 = tills
    code = note(hq_service, t1)
    hq_service.spend_credit_note(t1, code, 1800, "cart-d:t1")
    event = released_event(2, spend_id="cart-d:t1", code=code)
    assert hq_service.ingest(t1, {"events": [event]})["results"][0]["status"] == "accepted"
    assert hq_service.credit_note_balance(code) == (5000, 5000)
    assert hq_service.ingest(t1, {"events": [event]})["results"][0].get("duplicate")
    again = released_event(3, spend_id="cart-d:t1", code=code)  # another event, the same release
    assert hq_service.ingest(t1, {"events": [again]})["results"][0]["status"] == "accepted"
    assert hq_service.credit_note_balance(code) == (5000, 5000)
    hq_service.spend_credit_note(t1, code, 700, "cart-e:t1")
    wrong_till = released_event(1, spend_id="cart-e:t1", code=code, store="S002")
    assert "release refused: credit.release_foreign" in hq_service.ingest(t2, {"events": [wrong_till]})[
        "results"][0]["reason"]
    forged_origin = released_event(4, spend_id="cart-e:t1", code=code, store="S002")  # sent by S001's till
    assert "belongs to" in hq_service.ingest(t1, {"events": [forged_origin]})["results"][0]["reason"]
    assert hq_service.credit_note_balance(code) == (5000, 4300)


def test_the_validator_refuses_a_broken_release():
    code = credit_codes.new_credit_code()
    good = released_event(1, spend_id="c:t1", code=code)["payload"]
    assert validate("credit.released", 1, good)["amount_minor"] == 1800
    for broken in ({**good, "code": "CN00000000000000"}, {**good, "spend_id": ""}, {**good, "spend_id": "x" * 65},
                   {**good, "amount_minor": 0}, {**good, "amount_minor": "1800"}, {**good, "reason": "because"},
                   {**good, "at": "2026-06-01T10:00:00"}, {k: v for k, v in good.items() if k != "store_id"}):
        with pytest.raises(PayloadError):
            validate("credit.released", 1, broken)


def test_a_sale_that_carries_a_released_spend_takes_it_again(hq_service, tills):
    """The sale is the truth: a sale event naming a released spend (a write that committed
    although the till saw it fail) takes the money again, and records what it could not."""
    t1, _ = tills
    code = note(hq_service, t1)
    hq_service.spend_credit_note(t1, code, 1800, "cart-f:t1")
    hq_service.release_credit_note(t1, code, "cart-f:t1")
    with hq_service.engine.begin() as conn:
        credit_notes.spend_from_sale(conn, {
            "sale_id": str(uuid.uuid4()), "store_id": "S001", "terminal_id": "T01",
            "payments": [{"amount_minor": 1800, "credit_note": {"code": code, "spend_id": "cart-f:t1"}}]},
            "2026-06-01T10:00:00+00:00")
        assert conn.scalar(credit_notes.overdrafts.select().with_only_columns(
            credit_notes.overdrafts.c.spend_id)) is None
    assert hq_service.credit_note_balance(code) == (5000, 3200)


@pytest.mark.parametrize("rounds", [8])
def test_a_release_racing_the_spend_of_the_same_id_neither_loses_nor_doubles(hq_service, tills, rounds):
    """The till's spend answer lost and its release sent at the same moment as the spend
    arrives: whichever HQ takes first, the note ends whole (released) and the id is dead."""
    t1, _ = tills
    code = note(hq_service, t1, amount=100_000)
    for n in range(rounds):
        sid = f"cart-race-{n}:t1"
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def spend() -> None:
            barrier.wait()
            for _ in range(5):  # credit.retry: the same id being released meanwhile
                try:
                    outcomes["spend"] = hq_service.spend_credit_note(t1, code, 1000, sid)
                    return
                except CreditRefused as exc:
                    outcomes["spend"] = exc.code
                    if exc.code != "credit.retry":
                        return

        def release() -> None:
            barrier.wait()
            outcomes["release"] = hq_service.release_credit_note(t1, code, sid)

        threads = [threading.Thread(target=spend), threading.Thread(target=release)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert hq_service.credit_note_balance(code) == (100_000, 100_000), (n, outcomes)
        released = outcomes["release"]
        assert isinstance(released, credit_notes.Released)
        if isinstance(outcomes["spend"], credit_notes.Spent):  # the spend first: given back
            assert released.restored_minor == 1000
        else:  # the release first: the spend refused
            assert outcomes["spend"] == "credit.released" and released.restored_minor == 0


def test_two_tills_racing_one_note_with_releases_between_end_with_one_winner(hq_service, tills):
    t1, t2 = tills
    code = note(hq_service, t1, amount=5000)
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def sell(who, n) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            outcomes.append(hq_service.spend_credit_note(who, code, 5000, f"race-{n}"))
        except CreditRefused as exc:
            outcomes.append(exc.code)
        if n == 0:  # one till's sale then fails and gives back what it took, if it took it
            hq_service.release_credit_note(who, code, f"race-{n}")

    threads = [threading.Thread(target=sell, args=((t1, t2)[n % 2], n)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [o for o in outcomes if isinstance(o, credit_notes.Spent)]
    assert 1 <= len(won) <= 2  # a second winner only after the first gave it back
    _amount, left = hq_service.credit_note_balance(code)
    with hq_service.engine.connect() as conn:
        kept = conn.scalar(credit_notes.spends.select().with_only_columns(
            credit_notes.spends.c.amount_minor).where(
            credit_notes.spends.c.spend_id.notin_(conn.scalars(credit_notes.releases.select().with_only_columns(
                credit_notes.releases.c.spend_id)).all())))
    assert left + (kept or 0) == 5000  # what is on the note and what is kept add up to the note


def test_release_over_http(tmp_path):
    from sync.hq.embedded import HQServer
    from sync.hq.service import make_engine
    from sync.terminal.transport import BatchRejected, HQClient

    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    try:
        token = service.issue_token("S001", "T01")
        code = note(service, service.authenticate(token), amount=3000)
        with HQClient(server.url, token, timeout=5) as client:
            client.spend_credit_note(code, 1000, "cart-h:t1")
            answer = client.release_credit_note(code, "cart-h:t1")
            assert answer == {"spend_id": "cart-h:t1", "code": code, "restored_minor": 1000,
                              "remaining_minor": 3000, "repeated": False}
            assert client.release_credit_note(code, "cart-h:t1")["repeated"]
            with pytest.raises(BatchRejected) as dead:
                client.spend_credit_note(code, 1000, "cart-h:t1")
            assert dead.value.code == "credit.released"
            with pytest.raises(BatchRejected) as forged:
                client.release_credit_note("CN00000000000000", "x")
            assert forged.value.code == "credit.forged"
            response = client.http.post(f"/v1/credit-notes/{code}/release", content=b"[1]")
            assert response.status_code == 400
    finally:
        server.stop()
        service.engine.dispose()


def test_a_returns_note_part_goes_back_once_never_above_what_the_note_paid(hq_service, tills):
    """Both ways back onto a note (a return at the selling till, a return confirmed at another
    store's), on SQLite and PostgreSQL: they share one cap, what the note paid on the sale."""
    import random

    from tools.soak import make_sale

    t1, _ = tills
    code = note(hq_service, t1)
    sale = make_sale(random.Random(3), store_id="S001", terminal_id="T01")
    sid = f"{uuid.uuid4()}:t1"
    sale.update(sale_id=str(uuid.uuid4()), completed_at="2026-06-01T10:00:00+00:00", change_minor=0,
                receipt_no="S001-T01-000001", member_id=None, points_redeemed=0, points_earned=0)
    note_fen = min(3000, sale["total_minor"])
    sale["payments"] = [{"method": "store_credit", "amount_minor": note_fen, "reference": "CN****" + code[-4:],
                         "points": None, "credit_note": {"code": code, "spend_id": sid, "offline": True}}]
    if sale["total_minor"] > note_fen:
        sale["payments"].append({"method": "cash", "amount_minor": sale["total_minor"] - note_fen,
                                 "reference": None, "points": None})
    event = {"event_id": str(uuid.uuid4()), "seq": 10, "kind": "sale.completed", "schema_version": 3,
             "created_at": "2026-06-01T10:00:00+00:00", "payload": sale}
    assert hq_service.ingest(t1, {"events": [event]})["results"][0]["status"] == "accepted"
    assert hq_service.credit_note_balance(code) == (5000, 5000 - note_fen)  # spent from the event
    ret = {"return_id": str(uuid.uuid4()), "store_id": "S001", "terminal_id": "T01",
           "tenders": [{"method": "store_credit", "amount_minor": 1000, "original_reference": code}]}
    with hq_service.engine.begin() as conn:
        assert credit_notes.refund_problem(conn, sale["sale_id"], sale, ret) is None
        credit_notes.refund_from_return(conn, sale["sale_id"], ret, "2026-06-01T11:00:00+00:00")
        credit_notes.refund_from_return(conn, sale["sale_id"], ret, "2026-06-01T11:00:00+00:00")  # again: once
    assert hq_service.credit_note_balance(code) == (5000, 5000 - note_fen + 1000)
    with hq_service.engine.begin() as conn:  # another store's return asks for all of the note's part
        short = credit_notes.refund_taken(conn, "r-elsewhere", f"sale:{sale['sale_id']}",
                                          {"store_credit": note_fen, "cash": 1}, store_id="S002",
                                          terminal_id="T03", at="2026-06-01T12:00:00+00:00")
        again = credit_notes.refund_taken(conn, "r-elsewhere", f"sale:{sale['sale_id']}",
                                          {"store_credit": note_fen}, store_id="S002", terminal_id="T03",
                                          at="2026-06-01T12:00:00+00:00")  # a retried confirmation
    assert (short, again) == (1000, 1000)  # only what the note paid came back; the rest found no note
    assert hq_service.credit_note_balance(code) == (5000, 5000)
    with hq_service.engine.connect() as conn:
        more = {**ret, "return_id": str(uuid.uuid4())}
        assert "refunds 1000 where 0" in credit_notes.refund_problem(conn, sale["sale_id"], sale, more)
