"""The payment simulator's rules and the member phone mask (no disk)."""

from __future__ import annotations

import pytest

from store_client.services.members import mask_phone
from store_client.services.payments import SimulatorAdapter

GOOD = "134567890123456789"


def test_pays_declines_and_refuses_by_code():
    sim = SimulatorAdapter()
    ok = sim.charge(GOOD, 1234, "cart1:t1")
    assert ok.ok and ok.transaction_id.startswith("SIM")
    declined = sim.charge("134567890123450000", 1234, "cart1:t2")
    assert not declined.ok and declined.transaction_id is None and "declined" in declined.message
    assert not sim.charge("254567890123456789", 100, "cart1:t3").ok  # unknown payer
    assert not sim.charge("12ab", 100, "cart1:t4").ok
    assert not sim.charge(GOOD, 0, "cart1:t5").ok
    assert not sim.charge(GOOD, True, "cart1:t6").ok  # a bool is not an amount


def test_same_reference_charges_once_and_different_references_differ():
    sim = SimulatorAdapter()
    first = sim.charge(GOOD, 500, "c:t1")
    assert sim.charge(GOOD, 500, "c:t1") == first
    assert sim.charge(GOOD, 500, "c:t2").transaction_id != first.transaction_id
    assert len(sim.charges) == 2


def test_offline_is_unavailable_and_refuses():
    online = {"up": False}
    sim = SimulatorAdapter(online=lambda: online["up"])
    assert not sim.available()
    result = sim.charge(GOOD, 100, "x:t1")
    assert not result.ok and "unavailable" in result.message
    online["up"] = True
    assert sim.available() and sim.charge(GOOD, 100, "x:t1").ok  # an offline refusal is not cached


@pytest.mark.parametrize("phone, masked", [("13812345678", "138****5678"),
                                           ("85291234567", "852****4567"),
                                           ("12345", "*****"), ("", "")])
def test_phone_mask(phone, masked):
    assert mask_phone(phone) == masked
