"""HQ's returnable ledger (SQLite and PostgreSQL): across stores and channels a line is
returned at most once, refunds never pass what was paid per line or per tender, retries
are idempotent and two stores racing for one line get exactly one success."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from sync.hq.returnables import (CONFIRMED, RELEASED, RESERVED, Original, OriginalLine, ReturnablesService,
                                 ReturnAsk, ReturnRefused, load_store_sale)
from sync.hq.service import HQService

ORDER = Original("order:W1001", None, {
    1: OriginalLine(1, "100001", 2, 11_980),   # two of a 59.90 item, 0.20 off after coupons
    2: OriginalLine(2, "100002", 1, 3_333),
}, {"wechat": 10_000, "points": 5_313})


def loader(originals: dict[str, Original]):
    def load(_conn: Connection, ref: str) -> Original | None:
        return originals.get(ref)
    return load


@pytest.fixture
def ledger(hq_service: HQService) -> ReturnablesService:
    return ReturnablesService(hq_service.engine, loader({ORDER.ref: ORDER}))


def ask(return_id: str, lines: dict[int, tuple[int, int]], tenders: dict[str, int], store: str = "S001") -> ReturnAsk:
    return ReturnAsk(return_id, ORDER.ref, store, "T01", lines, tenders)


def test_partial_then_partial_again_then_refused(ledger):
    assert ledger.reserve(ask("r1", {1: (1, 5_990)}, {"wechat": 5_990})) == RESERVED
    ledger.confirm("r1")
    assert ledger.reserve(ask("r2", {1: (1, 5_990)}, {"wechat": 4_010, "points": 1_980})) == RESERVED
    with pytest.raises(ReturnRefused) as again:
        ledger.reserve(ask("r3", {1: (1, 1)}, {"points": 1}))
    assert again.value.code == "return.already_returned" and again.value.line_no == 1
    _original, lines, tenders = ledger.status(ORDER.ref)
    assert lines[1].returnable == 0 and lines[2].returnable == 1
    assert tenders == {"wechat": 10_000, "points": 1_980}


def test_a_second_partial_refund_cannot_refund_every_line(ledger):
    """The odoo failure: a second partial return that refunded the whole order."""
    ledger.reserve(ask("r1", {2: (1, 3_333)}, {"points": 3_333}))
    with pytest.raises(ReturnRefused) as whole:
        ledger.reserve(ask("r2", {1: (2, 11_980), 2: (1, 3_333)}, {"wechat": 10_000, "points": 5_313}))
    assert whole.value.code == "return.already_returned" and whole.value.line_no == 2
    assert ledger.status(ORDER.ref)[1][1].returned == 0  # refused whole: nothing of it was kept


@pytest.mark.parametrize("lines,tenders,code", [
    ({1: (3, 100)}, {"wechat": 100}, "return.above_returnable"),
    ({1: (1, 11_981)}, {"wechat": 10_000, "points": 1_981}, "return.refund_above_paid"),
    ({2: (1, 3_333)}, {"card": 3_333}, "return.tender_above_paid"),
    ({2: (1, 3_333)}, {"wechat": 3_000}, "return.tenders_mismatch"),
    ({9: (1, 1)}, {"wechat": 1}, "return.unknown_line"),
    ({1: (0, 0)}, {}, "return.bad_quantity"),
    ({1: (1, -5)}, {"wechat": -5}, "return.bad_quantity"),
    ({1: (True, 5)}, {"wechat": 5}, "return.bad_quantity"),
    ({}, {}, "return.nothing_selected"),
])
def test_bad_returns_are_refused_with_their_reason(ledger, lines, tenders, code):
    with pytest.raises(ReturnRefused) as refused:
        ledger.reserve(ask("bad", lines, tenders))
    assert refused.value.code == code
    assert ledger.status(ORDER.ref)[2] == {}


def test_the_same_request_twice_refunds_once_and_a_reused_id_is_refused(ledger):
    first = ask("r1", {2: (1, 3_333)}, {"points": 3_333})
    assert ledger.reserve(first) == RESERVED
    assert ledger.reserve(first) == RESERVED  # a retry after a lost response
    assert ledger.confirm("r1") == CONFIRMED and ledger.confirm("r1") == CONFIRMED
    assert ledger.reserve(first) == CONFIRMED
    with pytest.raises(ReturnRefused) as reused:
        ledger.reserve(ask("r1", {1: (1, 100)}, {"wechat": 100}))
    assert reused.value.code == "return.id_reused"
    assert ledger.status(ORDER.ref)[1][2].returned == 1


def test_a_released_reservation_gives_everything_back(ledger):
    ledger.reserve(ask("r1", {1: (2, 11_980)}, {"wechat": 10_000, "points": 1_980}))
    assert ledger.release("r1") == RELEASED
    with pytest.raises(ReturnRefused) as late:
        ledger.confirm("r1")
    assert late.value.code == "return.bad_state"
    assert ledger.reserve(ask("r2", {1: (2, 11_980)}, {"wechat": 10_000, "points": 1_980})) == RESERVED
    with pytest.raises(ReturnRefused):
        ledger.release("nope")


def test_an_offline_return_that_no_longer_fits_becomes_a_conflict_not_a_loss(ledger):
    ledger.reserve(ask("store-A", {2: (1, 3_333)}, {"points": 3_333}, store="S001"))
    ledger.confirm("store-A")
    late = ask("store-B", {2: (1, 3_333)}, {"points": 3_333}, store="S002")
    assert ledger.take_refunded(late) == "conflict"
    assert ledger.take_refunded(late) == "conflict"  # a retry records it once
    [conflict] = ledger.conflicts("S002")
    assert conflict["return_id"] == "store-B" and conflict["code"] == "return.already_returned"
    assert ledger.take_refunded(ask("store-C", {1: (1, 5_990)}, {"wechat": 5_990})) == CONFIRMED


def test_unknown_originals_are_refused(ledger):
    with pytest.raises(ReturnRefused) as unknown:
        ledger.reserve(ReturnAsk("r", "order:nope", "S001", "T01", {1: (1, 1)}, {"cash": 1}))
    assert unknown.value.code == "return.unknown_original"


def test_two_stores_racing_for_one_line_exactly_one_wins(hq_service):
    ledger = ReturnablesService(hq_service.engine, loader({ORDER.ref: ORDER}))
    barrier = threading.Barrier(6)
    wins, refusals = [], []

    def store(i: int) -> None:
        barrier.wait(5)
        try:
            ledger.reserve(ask(f"race-{i}", {2: (1, 3_333)}, {"points": 3_333}, store=f"S00{i}"))
            wins.append(i)
        except ReturnRefused as exc:
            refusals.append(exc.code)

    threads = [threading.Thread(target=store, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(wins) == 1 and sorted(set(refusals)) == ["return.already_returned"]


def test_a_store_sale_returned_in_another_store(hq_service):
    import random
    import uuid

    from tools.soak import make_sale

    sale = make_sale(random.Random(7))
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    result = hq_service.ingest(who, {"events": [{
        "event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed", "schema_version": 3,
        "created_at": "2026-01-01T09:00:00+00:00", "payload": sale}]})
    assert result["results"][0]["status"] == "accepted", result
    ledger = ReturnablesService(hq_service.engine, load_store_sale)
    ref = f"sale:{sale['sale_id']}"
    original, lines, _ = ledger.status(ref)
    assert original.store_id == "S001"
    assert sum(line.net_fen for line in lines.values()) == sale["total_minor"]
    assert sum(original.tenders.values()) == sale["total_minor"]  # cash net of the change
    first = min(lines.values(), key=lambda line: line.line_no)
    method = next(iter(original.tenders))
    fen = min(first.net_fen, original.tenders[method])
    returned = ReturnAsk("x-store", ref, "S002", "T05", {first.line_no: (first.sold, fen)}, {method: fen} if fen else {})
    assert ledger.reserve(returned) == RESERVED
    with pytest.raises(ReturnRefused) as twice:
        ledger.reserve(ReturnAsk("again", ref, "S003", "T01", {first.line_no: (1, 0)}, {}))
    assert twice.value.code == "return.already_returned"
    with hq_service.engine.connect() as conn:
        assert load_store_sale(conn, "sale:missing") is None
        assert load_store_sale(conn, "order:x") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(1, 2), st.integers(0, 7_000),
                          st.sampled_from(["wechat", "points"]), st.booleans()), max_size=8))
def test_whatever_is_asked_refunds_never_pass_what_was_paid(hq_service, asks):
    ledger = ReturnablesService(hq_service.engine, loader({ORDER.ref: ORDER}))
    prefix = f"p{id(asks)}-"
    for i, (line_no, qty, fen, method, release) in enumerate(asks):
        try:
            ledger.reserve(ReturnAsk(f"{prefix}{i}", ORDER.ref, "S001", "T01", {line_no: (qty, fen)},
                                     {method: fen} if fen else {}))
        except ReturnRefused:
            continue
        (ledger.release if release else ledger.confirm)(f"{prefix}{i}")
    _original, lines, tenders = ledger.status(ORDER.ref)
    for n, line in lines.items():
        assert 0 <= line.returned <= ORDER.lines[n].qty
        assert 0 <= line.refunded_fen <= ORDER.lines[n].net_fen
    for method, fen in tenders.items():
        assert fen <= ORDER.tenders[method]
    with hq_service.engine.begin() as conn:  # the next example starts from a clean ledger
        from sync.hq.returnables import heads, reservations
        conn.execute(reservations.delete())
        conn.execute(heads.delete())


class Clock:
    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.at = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> str:
        return self.at.isoformat(timespec="seconds")

    def wait(self, minutes: int) -> None:
        from datetime import timedelta

        self.at += timedelta(minutes=minutes)


def test_a_reservation_left_open_stops_holding_the_goods_after_half_an_hour(hq_service):
    """A till that reserved and then died (or could not release) does not block the line
    for ever: after STALE_AFTER another store may take it, and the stale one cannot be
    confirmed without reserving again."""
    clock = Clock()
    ledger = ReturnablesService(hq_service.engine, loader({ORDER.ref: ORDER}), now=clock)
    whole = ({1: (2, 11_980)}, {"wechat": 10_000, "points": 1_980})
    assert ledger.reserve(ask("r1", *whole)) == RESERVED
    clock.wait(29)
    with pytest.raises(ReturnRefused) as held:
        ledger.reserve(ask("r2", *whole, store="S002"))
    assert held.value.code == "return.already_returned"
    clock.wait(2)  # 31 minutes: it holds nothing now
    assert ledger.status(ORDER.ref)[1][1].returned == 0
    with pytest.raises(ReturnRefused) as late:
        ledger.confirm("r1")
    assert late.value.code == "return.expired"
    assert ledger.reserve(ask("r2", *whole, store="S002")) == RESERVED
    assert ledger.confirm("r2") == CONFIRMED
    # the first till's event arrives after all (it had refunded offline): a conflict, kept
    assert ledger.take_refunded(ask("r1", *whole)) == "conflict"
    assert [c["return_id"] for c in ledger.conflicts()] == ["r1"]
    assert ledger.status(ORDER.ref)[1][1].returned == 2  # once, not twice


def test_a_stale_or_released_reservation_asked_again_is_reserved_again_when_it_still_fits(hq_service):
    clock = Clock()
    ledger = ReturnablesService(hq_service.engine, loader({ORDER.ref: ORDER}), now=clock)
    part = ({2: (1, 3_333)}, {"points": 3_333})
    assert ledger.reserve(ask("r1", *part)) == RESERVED
    clock.wait(45)
    assert ledger.take_refunded(ask("r1", *part)) == CONFIRMED  # the late event of a return taken
    assert ledger.status(ORDER.ref)[1][2].returned == 1
    assert ledger.reserve(ask("r3", {1: (1, 5_990)}, {"wechat": 5_990})) == RESERVED
    assert ledger.release("r3") == RELEASED
    assert ledger.reserve(ask("r3", {1: (1, 5_990)}, {"wechat": 5_990})) == RESERVED  # asked again
    assert ledger.status(ORDER.ref)[1][1].returned == 1
