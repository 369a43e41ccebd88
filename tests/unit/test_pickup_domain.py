"""The pick-up rules: the state machine, picking counts, refund sums, codes and the QR."""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain import pickup as pk
from store_client.domain import pickup_codes as codes
from sync.protocol.events import PICKUP_REFUSAL_REASONS, PICKUP_SHORT_REASONS
from sync.protocol.online_orders import ORDER_STATES


def test_the_protocol_names_the_domain_states_and_reasons() -> None:
    assert ORDER_STATES == pk.STATES
    assert PICKUP_SHORT_REASONS == pk.SHORT_REASONS
    assert PICKUP_REFUSAL_REASONS == pk.REFUSAL_REASONS


def test_every_pair_of_states_is_allowed_only_along_the_machine_and_by_its_owner() -> None:
    for current, target, actor in itertools.product(pk.STATES, pk.STATES, ("hq", "store")):
        allowed = pk.TRANSITIONS.get((current, target)) == actor
        if allowed:
            pk.check_transition(current, target, actor)
        else:
            with pytest.raises(pk.PickupRuleError):
                pk.check_transition(current, target, actor)


@pytest.mark.parametrize(("current", "target", "code"), [
    ("collected", "collected", "pickup.already_collected"),
    ("partially_collected", "collected", "pickup.already_collected"),
    ("cancelled", "picking", "pickup.cancelled"),
    ("not_collected", "collected", "pickup.not_collected"),
    ("accepted", "collected", "pickup.illegal_transition"),
])
def test_refusals_name_their_reason(current, target, code) -> None:
    with pytest.raises(pk.PickupRuleError) as exc:
        pk.check_transition(current, target, "store")
    assert exc.value.code == code


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 99_999)), min_size=1, max_size=12),
       st.integers(0, 10**6))
def test_line_nets_sum_to_gross_minus_discount(raw, discount) -> None:
    lines = [pk.PriceLine(f"S{i}", q, "each", p) for i, (q, p) in enumerate(raw)]
    gross = sum(line.gross_fen for line in lines)
    discount = min(discount, gross)
    nets = pk.line_nets(lines, discount)
    assert sum(nets) == gross - discount and all(n >= 0 for n in nets)


@given(st.integers(0, 10**7), st.integers(1, 200), st.data())
def test_refunds_in_steps_add_up_to_one_refund(net, qty, data) -> None:
    picked = data.draw(st.integers(0, qty))
    handed = data.draw(st.integers(0, picked))
    short = net - pk.part_value(net, qty, picked)
    refused = pk.part_value(net, qty, picked) - pk.part_value(net, qty, handed)
    assert short + refused == net - pk.part_value(net, qty, handed)
    assert 0 <= short <= net and 0 <= refused <= net


def test_picking_counts_and_refuses_more_than_ordered() -> None:
    assert pk.check_pick(3, "each", 2, 1) == 3
    with pytest.raises(pk.PickupRuleError, match="quantity_above_ordered"):
        pk.check_pick(3, "each", 3, 1)
    assert pk.check_pick(1000, "kg", 0, 1100) == 1100  # 10 % over the weight
    with pytest.raises(pk.PickupRuleError):
        pk.check_pick(1000, "kg", 0, 1101)
    with pytest.raises(pk.PickupRuleError, match="bad_quantity"):
        pk.check_pick(3, "each", 0, 0)


def test_ready_needs_every_line_picked_or_short_with_a_reason() -> None:
    lines = {1: 2, 2: 1}
    with pytest.raises(pk.PickupRuleError, match="not_fully_picked"):
        pk.check_ready(lines, {1: pk.LinePick(1, 2)})
    with pytest.raises(pk.PickupRuleError, match="nothing_picked"):
        pk.check_ready(lines, {1: pk.LinePick(1, 0, "damaged"), 2: pk.LinePick(2, 0, "damaged")})
    pk.check_ready(lines, {1: pk.LinePick(1, 2), 2: pk.LinePick(2, 0, "out_of_stock")})
    handed = pk.handed_quantities(lines, {1: 2, 2: 0}, {1: 1})
    assert handed == {1: 1, 2: 0} and pk.final_state(lines, handed) == pk.PARTIALLY_COLLECTED
    with pytest.raises(pk.PickupRuleError):
        pk.handed_quantities(lines, {1: 2}, {1: 3})


def test_the_code_check_matches_only_its_code_and_phone() -> None:
    order = str(uuid.uuid4())
    check = codes.make_check(order, "123456", "5678", log2_n=10)
    assert codes.check_matches(order, check, "123456", "5678")
    assert codes.bucket_matches(order, check, "123456", "5678")
    for code, phone in (("123457", "5678"), ("123456", "5679"), ("12345", "5678"), ("abcdef", "5678")):
        assert not codes.check_matches(order, check, code, phone)
    assert not codes.check_matches(str(uuid.uuid4()), check, "123456", "5678")
    assert not codes.check_matches(order, {**check, "log2_n": 30}, "123456", "5678")  # tampered
    assert not codes.check_matches(order, {"salt": 1}, "123456", "5678")


def test_the_qr_is_refused_when_forged_expired_malformed_or_of_an_unknown_key() -> None:
    private, public = codes.new_signing_key()
    _other, stranger = codes.new_signing_key()
    order = str(uuid.uuid4())
    qr = codes.sign_qr(private, "k1", order, "S001", 2_000)
    assert codes.verify_qr(qr, {"k1": public}, 1_999) == codes.QrClaim(order, "S001", 2_000)
    for text, keys, now, reason in (
            (qr, {"k1": public}, 2_001, "expired"),
            (qr, {"k1": stranger}, 1_000, "forged"),
            (qr.replace(".2000.", ".9000."), {"k1": public}, 1_000, "forged"),
            (qr.replace(".S001.", ".S002."), {"k1": public}, 1_000, "forged"),
            (qr, {}, 1_000, "unknown_key"),
            (qr[:-1], {"k1": public}, 1_000, "malformed"),
            ("PK123456", {"k1": public}, 1_000, "malformed")):
        with pytest.raises(codes.QrRefused) as exc:
            codes.verify_qr(text, keys, now)
        assert exc.value.reason == reason
