"""The pick-up rules: the state machine, picking counts, refund sums, codes and the QR."""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import example, given
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
    ("ready", "lost", "pickup.unknown_state"),
])
def test_refusals_name_their_reason(current, target, code) -> None:
    with pytest.raises(pk.PickupRuleError) as exc:
        pk.check_transition(current, target, "store")
    assert exc.value.code == code


def test_a_refused_transition_says_why() -> None:
    with pytest.raises(pk.PickupRuleError) as nowhere:
        pk.check_transition("accepted", "collected", "store")
    assert nowhere.value.message == "an order that is accepted cannot become collected"
    with pytest.raises(pk.PickupRuleError) as not_yours:
        pk.check_transition("placed", "accepted", "store")
    assert not_yours.value.message == "only HQ moves an order from placed to accepted"


def test_the_rank_of_a_state_grows_along_the_machine_and_every_end_ranks_the_same() -> None:
    """The till keeps the further-along of its own and HQ's state (services/pickup_rows)."""
    assert set(pk.RANK) == set(pk.STATES)
    for current, target in pk.TRANSITIONS:
        assert pk.RANK[current] < pk.RANK[target], (current, target)
    assert {pk.RANK[s] for s in pk.FINAL} == {pk.RANK[pk.READY] + 1}


def test_the_default_promise_hold_and_warning_are_the_documented_ones() -> None:
    # docs/pickup.md: promised 60 min from acceptance, held 48 h, due soon 15 min before
    assert (pk.DEFAULT_PROMISE_MINUTES, pk.DEFAULT_HOLD_HOURS, pk.DUE_SOON_MINUTES) == (60, 48, 15)


def test_the_gross_of_a_line_each_or_by_weight() -> None:
    assert pk.PriceLine("S", 3, "each", 1999).gross_fen == 5_997
    assert pk.PriceLine("S", 1_234, "kg", 2_590).gross_fen == 3_196  # 1.234 kg at 25.90: 31.9606
    assert pk.PriceLine("S", 500, "kg", 1_001).gross_fen == 501  # 5.005 rounds half up
    assert pk.PriceLine("S", 1_000, "kg", 2_590).gross_fen == 2_590


def test_a_part_of_a_line_is_worth_its_share_of_the_net_paid() -> None:
    assert pk.part_value(1_000, 3, 1) == 333 and pk.part_value(1_000, 3, 2) == 667  # 666.67
    assert pk.part_value(1_000, 3, 3) == 1_000 and pk.part_value(1_000, 3, 0) == 0
    assert pk.part_value(1_000, 1, 1) == 1_000
    assert pk.part_value(1_000, 3, 5) == 1_000  # over-weight within tolerance: never above the net
    assert pk.part_value(1_000, 3, -1) == 0
    assert pk.part_value(1_000, 0, 1) == 0  # no quantity, nothing to share (never a division by 0)


LINES = {1: (3, 1_000), 2: (500, 2_001), 3: (1, 50)}  # line -> (qty, net): 3 each, 500 g, 1 each


def test_a_short_pick_refunds_the_net_of_what_was_not_picked() -> None:
    assert pk.short_refund(LINES, {1: 3, 2: 500, 3: 1}) == 0
    assert pk.short_refund(LINES, {1: 2, 2: 500, 3: 1}) == 333  # one of three: 1000 - 667
    assert pk.short_refund(LINES, {1: 3, 2: 550, 3: 1}) == 0  # 10 % over the weight: no refund
    assert pk.short_refund(LINES, {1: 3, 2: 250}) == 1_000 + 50  # half the weight (1000.5 -> 1001 kept)
    assert pk.short_refund(LINES, {}) == 1_000 + 2_001 + 50


def test_what_is_refused_at_the_counter_is_refunded_on_top_of_the_short_part() -> None:
    picked = {1: 2, 2: 550, 3: 1}
    assert pk.refused_refund(LINES, picked, {1: 2, 2: 500, 3: 1}) == 0  # over-weight handed: not charged
    assert pk.refused_refund(LINES, picked, {1: 1, 2: 500, 3: 0}) == 334 + 50  # 667 - 333, and line 3
    assert pk.refused_refund(LINES, picked, {1: 0, 2: 0, 3: 0}) == 667 + 2_001 + 50
    assert pk.refused_refund(LINES, {1: 2}, {1: 2}) == 0  # lines neither picked nor handed
    # short then refused adds up to the net of what the customer did not take home
    assert pk.short_refund(LINES, picked) + pk.refused_refund(LINES, picked, {1: 1, 2: 500}) == \
        1_000 + 2_001 + 50 - pk.part_value(1_000, 3, 1) - 2_001


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
    assert pk.max_pick(10_000, "kg") == 11_000 and pk.max_pick(3, "each") == 3
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
    pk.check_ready({1: 5}, {1: pk.LinePick(1, 1, "damaged")})  # one unit is enough to be ready
    handed = pk.handed_quantities(lines, {1: 2, 2: 0}, {1: 1})
    assert handed == {1: 1, 2: 0} and pk.final_state(lines, handed) == pk.PARTIALLY_COLLECTED
    with pytest.raises(pk.PickupRuleError):
        pk.handed_quantities(lines, {1: 2}, {1: 3})
    assert pk.handed_quantities(lines, {1: 2}, {}) == {1: 2, 2: 0}  # a line never picked: none handed
    assert pk.final_state(lines, {1: 2, 2: 1}) == pk.COLLECTED
    assert pk.final_state(lines, {1: 2}) == pk.PARTIALLY_COLLECTED
    assert pk.final_state(lines, {1: 1, 2: 1}) == pk.PARTIALLY_COLLECTED


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


def test_an_online_orders_discounts_are_spread_by_gross_to_the_fen() -> None:
    # 1000 + 2000 + 0 gross; 100 promotion and 1 coupon fen: largest remainder, zero shares left out
    spread = pk.spread_discounts({"promotion": 100, "coupon": 1}, [1000, 2000, 0])
    assert spread == [({"promotion": 33}, 967), ({"promotion": 67, "coupon": 1}, 1932), ({}, 0)]
    assert sum(net for _parts, net in spread) == 3000 - 101
    # a source of 0 is no source, also on a free order (nothing to spread it by) and before
    # another source; no discount is the gross
    assert pk.spread_discounts({"points": 0}, [500]) == [({}, 500)]
    assert pk.spread_discounts({"points": 0}, [0, 0]) == [({}, 0), ({}, 0)]
    assert pk.spread_discounts({"points": 0, "coupon": 10}, [10]) == [({"coupon": 10}, 0)]
    assert pk.spread_discounts({}, [500, 1]) == [({}, 500), ({}, 1)]
    # the whole order discounted: every net is 0, never negative
    assert pk.spread_discounts({"coupon": 3000}, [1000, 2000]) == [
        ({"coupon": 1000}, 0), ({"coupon": 2000}, 0)]
    # an odd fen goes to the line with the largest remainder, once
    assert pk.spread_discounts({"coupon": 1}, [1, 1, 2]) == [({}, 1), ({}, 1), ({"coupon": 1}, 1)]


@pytest.mark.parametrize("discounts, gross", [
    ({"coupon": -1}, [100]),  # negative
    ({"coupon": 101}, [100]),  # more than the order
    ({"coupon": 60, "points": 41}, [50, 50]),  # together more than the order
])
def test_a_discount_that_is_negative_or_more_than_the_order_is_refused(discounts, gross) -> None:
    with pytest.raises(ValueError):
        pk.spread_discounts(discounts, gross)


def test_a_discount_of_exactly_the_order_is_taken() -> None:
    assert pk.spread_discounts({"coupon": 60, "points": 40}, [50, 50]) == [
        ({"coupon": 30, "points": 20}, 0), ({"coupon": 30, "points": 20}, 0)]


def test_two_sources_never_round_onto_one_line_below_zero() -> None:
    # spread by the gross, both odd fen went to the first 1-fen line: a net of -1
    assert pk.spread_discounts({"coupon": 1, "points": 1}, [1, 1]) == [
        ({"coupon": 1}, 0), ({"points": 1}, 0)]
    spread = pk.spread_discounts({"coupon": 2, "points": 1}, [1, 1, 1])
    assert [net for _parts, net in spread] == [0, 0, 0]


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=20),
       st.dictionaries(st.sampled_from(["promotion", "coupon", "points"]), st.integers(0, 10**7)))
@example([1, 1], {"coupon": 1, "points": 1})  # found a net of -1 once
@example([1, 1, 1], {"coupon": 1, "points": 1, "promotion": 1})
def test_spread_parts_sum_to_the_whole_per_source_and_per_line(gross, discounts) -> None:
    if sum(discounts.values()) > sum(gross):
        with pytest.raises(ValueError):
            pk.spread_discounts(discounts, gross)
        return
    spread = pk.spread_discounts(discounts, gross)
    for source, amount in discounts.items():
        assert sum(parts.get(source, 0) for parts, _net in spread) == amount
    for (parts, net), line_gross in zip(spread, gross, strict=True):
        assert net == line_gross - sum(parts.values()) and net >= 0
