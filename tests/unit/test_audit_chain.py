"""The audit hash chain, without a database: encoding, and detection of every tampering."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain.audit_chain import (
    GENESIS_HASH,
    Anchor,
    ChainEntry,
    NotCanonical,
    canonical_json,
    entry_hash,
    verify_chain,
)


def build(n: int) -> list[ChainEntry]:
    entries, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        details = {"n": seq, "名": "店长" if seq % 2 else None, "list": [seq, "x"]}
        fields = {"seq": seq, "at": f"2026-01-01T09:00:{seq % 60:02d}.000000+00:00",
                      "operator_id": None if seq % 3 == 0 else f"op{seq % 4}",
                      "action": "auth.login" if seq % 2 else "approval.granted",
                      "target": f"t{seq}", "details": details, "prev_hash": prev}
        digest = entry_hash(**fields)
        entries.append(ChainEntry(**{**fields, "details": canonical_json(details)}, hash=digest))
        prev = digest
    return entries


def anchor_of(entries: list[ChainEntry]) -> Anchor:
    return Anchor(entries[-1].seq, entries[-1].hash)


def test_hash_is_sha256_of_the_documented_canonical_json() -> None:
    # Spelled out by hand: what HQ (in any language) must be able to recompute.
    text = ('{"action":"auth.login","at":"2026-01-01T09:00:00.000000+00:00",'
            '"details":{"a":"中","b":[1,true,null]},"operator_id":"c1","prev_hash":"'
            + "0" * 64 + '","seq":1,"target":"c1"}')
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert entry_hash(seq=1, at="2026-01-01T09:00:00.000000+00:00", operator_id="c1",
                      action="auth.login", target="c1", details={"b": [1, True, None], "a": "中"},
                      prev_hash=GENESIS_HASH) == expected


def test_genesis_is_64_zeros() -> None:
    assert GENESIS_HASH == "0" * 64 and build(1)[0].prev_hash == GENESIS_HASH


@pytest.mark.parametrize("field, value", [
    ("seq", 2), ("at", "2026-01-01T09:00:01.000000+00:00"), ("operator_id", "c2"),
    ("operator_id", None), ("action", "auth.logout"), ("target", "x"),
    ("details", {"a": 2}), ("prev_hash", "1" * 64),
])
def test_every_field_is_covered_by_the_hash(field: str, value: object) -> None:
    base = {"seq": 1, "at": "2026-01-01T09:00:00.000000+00:00", "operator_id": "c1",
                "action": "auth.login", "target": "", "details": {"a": 1},
                "prev_hash": GENESIS_HASH}
    assert entry_hash(**{**base, field: value}) != entry_hash(**base)


@pytest.mark.parametrize("bad", [{"x": 1.5}, {"x": [1, 2.0]}, {1: "a"}, {"x": {1, 2}},
                                 {"x": object()}, {"x": {"y": float("nan")}}])
def test_canonical_json_refuses_ambiguous_values(bad: dict) -> None:
    with pytest.raises(NotCanonical):
        canonical_json(bad)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": {"d": "é", "c": [True, None]}}) == \
        '{"a":{"c":[true,null],"d":"é"},"b":1}'


def test_intact_chain_verifies() -> None:
    entries = build(25)
    report = verify_chain(iter(entries), anchor_of(entries))
    assert (report.ok, report.entries_checked, report.first_broken_seq, report.problem) == \
        (True, 25, None, "")
    assert "25" in report.summary()


def test_empty_log_without_anchor_is_intact() -> None:
    assert verify_chain([], None).ok


@pytest.mark.parametrize("field, value", [
    ("action", "auth.logout"), ("target", "someone else"), ("operator_id", "op9"),
    ("at", "2025-12-31T23:59:59.000000+00:00"), ("details", '{"n":999}'),
    ("details", "not json"), ("details", "[1,2]"),
])
def test_edited_entry_is_detected_at_its_seq(field: str, value: str) -> None:
    entries = build(10)
    entries[6] = dataclasses.replace(entries[6], **{field: value})
    report = verify_chain(entries, anchor_of(entries))
    assert not report.ok
    assert report.first_broken_seq == 7
    assert report.entries_checked == 6
    assert "edited" in report.problem
    assert "entry 7" in report.summary()


def test_edited_and_rehashed_entry_is_detected_at_the_next_link() -> None:
    entries = build(10)
    e = entries[3]
    forged_details = {"n": 0}
    forged = dataclasses.replace(
        e, action="nothing.happened", details=canonical_json(forged_details),
        hash=entry_hash(seq=e.seq, at=e.at, operator_id=e.operator_id,
                        action="nothing.happened", target=e.target, details=forged_details,
                        prev_hash=e.prev_hash))
    entries[3] = forged
    report = verify_chain(entries, anchor_of(entries))
    assert (report.ok, report.first_broken_seq) == (False, 5)
    assert "prev_hash" in report.problem


@pytest.mark.parametrize("index", [0, 4, 8])
def test_deleted_entry_is_detected_at_the_missing_seq(index: int) -> None:
    entries = build(10)
    anchor = anchor_of(entries)
    del entries[index]
    report = verify_chain(entries, anchor)
    assert (report.ok, report.first_broken_seq) == (False, index + 1)
    assert "missing" in report.problem


def test_several_deleted_entries_name_the_first() -> None:
    entries = build(10)
    anchor = anchor_of(entries)
    del entries[3:6]
    report = verify_chain(entries, anchor)
    assert report.first_broken_seq == 4 and "4-6" in report.problem


def test_deleted_and_renumbered_entries_are_detected() -> None:
    entries = build(6)
    anchor = anchor_of(entries)
    renumbered = entries[:2] + [dataclasses.replace(e, seq=e.seq - 1) for e in entries[3:]]
    report = verify_chain(renumbered, anchor)
    assert not report.ok and report.first_broken_seq == 3


def test_truncated_tail_is_detected_by_the_anchor() -> None:
    entries = build(10)
    report = verify_chain(entries[:7], anchor_of(entries))
    assert (report.ok, report.first_broken_seq) == (False, 8)
    assert "truncated" in report.problem


def test_everything_deleted_is_detected_by_the_anchor() -> None:
    entries = build(3)
    report = verify_chain([], anchor_of(entries))
    assert (report.ok, report.first_broken_seq) == (False, 1)


def test_replaced_last_entry_is_detected_by_the_anchor() -> None:
    entries = build(5)
    anchor = anchor_of(entries)
    forged = build(5)[-1]
    forged_details = {"forged": True}
    forged = dataclasses.replace(
        forged, details=canonical_json(forged_details),
        hash=entry_hash(seq=5, at=forged.at, operator_id=forged.operator_id,
                        action=forged.action, target=forged.target, details=forged_details,
                        prev_hash=forged.prev_hash))
    report = verify_chain(entries[:4] + [forged], anchor)
    assert (report.ok, report.first_broken_seq) == (False, 5)


def test_entries_appended_behind_the_anchor_are_detected() -> None:
    entries = build(6)
    report = verify_chain(entries, Anchor(4, entries[3].hash))
    assert (report.ok, report.first_broken_seq) == (False, 5)


def test_missing_anchor_with_entries_is_not_ok() -> None:
    report = verify_chain(build(3), None)
    assert not report.ok and report.first_broken_seq is None and "anchor" in report.problem


def test_out_of_order_entries_are_detected() -> None:
    entries = build(5)
    swapped = [entries[0], entries[2], entries[1], entries[3], entries[4]]
    report = verify_chain(swapped, anchor_of(entries))
    assert not report.ok and report.first_broken_seq == 2


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_single_deletion_is_found_where_it_happened(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=2, max_value=30))
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    entries = build(n)
    anchor = anchor_of(entries)
    del entries[index]
    report = verify_chain(entries, anchor)
    assert not report.ok
    assert report.first_broken_seq == index + 1
    assert report.entries_checked == index
