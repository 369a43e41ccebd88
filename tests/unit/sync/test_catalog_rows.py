"""Catalog row checks (fast path vs the checked path), page keys, the pull's GC setting."""

from __future__ import annotations

import copy
import gc
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.terminal import puller
from sync.protocol.datasets import _catalog, _catalog_checked, _catalog_fast
from sync.protocol.events import PayloadError
from sync.terminal.puller import BadPage, parse_page

VALID = {"sku": "0000042", "name_zh": "巧克力 100g", "name_en": "Chocolate 100g",
         "category": {"code": "SNACK", "name_zh": "零食", "name_en": "Snacks"},
         "unit": "each", "price_minor": 1290, "tax_rate_bp": 1300,
         "barcodes": ["6901234567939", "6901234567939", "48"], "pinyin_initials": "qkl"}

ODD = [
    None, "", "x", "x" * 32, "x" * 33, "x" * 64, "x" * 65, "x" * 200, "x" * 201, "kg", "each", "KG",
    0, -1, 1, 10_000, 10_001, 10**12, 10**12 + 1, True, False, 1.0, float("nan"), [], ["1"], ["1"] * 51,
    [""], ["x" * 33], [1], {}, {"code": "C"}, {"code": "C", "name_zh": "类", "name_en": "Cat"}, "<missing>",
]
FIELD_NAMES = ["sku", "name_zh", "name_en", "category", "unit", "price_minor", "tax_rate_bp", "barcodes",
               "pinyin_initials", "category.code", "category.name_zh", "category.name_en"]


def edited(edits) -> dict:  # type: ignore[no-untyped-def]
    row = copy.deepcopy(VALID)
    for field, value in edits:
        target, key = (row.get("category"), field[9:]) if field.startswith("category.") else (row, field)
        if not isinstance(target, dict):
            continue
        if value == "<missing>":
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return row


def outcome(check, row):  # type: ignore[no-untyped-def]
    try:
        return ("ok", check(copy.deepcopy(row)))
    except PayloadError as exc:
        return ("error", str(exc))


def test_a_usual_row_takes_the_fast_path_and_matches_the_checked_one() -> None:
    fast = _catalog_fast(copy.deepcopy(VALID))
    assert fast is not None
    assert fast == _catalog_checked(copy.deepcopy(VALID))
    assert fast["barcodes"] == ["6901234567939", "48"]


def test_every_single_odd_field_gets_the_same_answer_from_both_paths() -> None:
    accepted = 0
    for field in FIELD_NAMES:
        for value in ODD:
            row = edited([(field, value)])
            got = outcome(_catalog, row)
            assert got == outcome(_catalog_checked, row), (field, value)
            accepted += got[0] == "ok"
    assert 0 < accepted < len(FIELD_NAMES) * len(ODD) / 2  # both answers really occur


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.sampled_from(ODD)), min_size=2, max_size=4))
def test_combined_odd_fields_get_the_same_answer_from_both_paths(edits) -> None:  # type: ignore[no-untyped-def]
    row = edited(edits)
    assert outcome(_catalog, row) == outcome(_catalog_checked, row)


def test_str_and_int_subclasses_fall_back_to_the_checked_path() -> None:
    class Text(str):
        pass

    row = {**copy.deepcopy(VALID), "sku": Text("0000042"), "price_minor": True}
    assert _catalog_fast(row) is None
    with pytest.raises(PayloadError, match="price_minor"):
        _catalog(row)


def test_a_page_that_repeats_a_key_is_refused() -> None:
    change = {"op": "upsert", "key": "0000042", "data": VALID}
    raw = {"dataset": "catalog", "reset": False, "has_more": False, "cursor": "0.0:9:0",
           "changes": [{**change, "seq": 1}, {"seq": 2, "key": "0000043", "op": "delete"}, {**change, "seq": 3}]}
    with pytest.raises(BadPage, match="appears twice"):
        parse_page("catalog", raw, 10)
    raw["changes"].pop()
    assert [k for k, _op, _row in parse_page("catalog", raw, 10).changes] == ["0000042", "0000043"]


def test_gc_threshold_is_raised_during_pulls_and_restored_after_the_last() -> None:
    before = gc.get_threshold()
    low = (700, *before[1:])
    gc.set_threshold(*low)
    try:
        first, second = puller._fewer_gc_passes(), puller._fewer_gc_passes()
        first.__enter__()
        assert gc.get_threshold()[0] == puller.PULL_GC_THRESHOLD0
        second.__enter__()
        first.__exit__(None, None, None)  # overlapping pulls: still raised until both end
        assert gc.get_threshold()[0] == puller.PULL_GC_THRESHOLD0
        second.__exit__(None, None, None)
        assert gc.get_threshold() == low
        with pytest.raises(RuntimeError), puller._fewer_gc_passes():
            raise RuntimeError("pull failed")
        assert gc.get_threshold() == low
        errors: list[BaseException] = []

        def pull() -> None:
            try:
                for _ in range(200):
                    with puller._fewer_gc_passes():
                        assert gc.get_threshold()[0] == puller.PULL_GC_THRESHOLD0
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=pull) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == [] and gc.get_threshold() == low
    finally:
        gc.set_threshold(*before)
