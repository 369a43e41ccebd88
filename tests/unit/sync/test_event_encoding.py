"""The upload body: encoded event by event (short GIL holds), the same bytes as one call."""

from __future__ import annotations

import json
import random

from hypothesis import given
from hypothesis import strategies as st

from sync.terminal.transport import encode_events
from tools.soak import make_sale

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


def one_call(events: list) -> bytes:
    return json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode()


@given(st.lists(st.dictionaries(st.text(), json_values, max_size=5), max_size=6))
def test_same_bytes_as_encoding_the_whole_body_at_once(events: list) -> None:
    assert encode_events(events) == one_call(events)


def test_real_sales_and_the_empty_batch() -> None:
    rng = random.Random(7)
    sales = [{"event_id": f"e{i}", "kind": "sale.completed", "payload": make_sale(rng)} for i in range(50)]
    assert encode_events(sales) == one_call(sales)
    assert json.loads(encode_events(sales)) == {"events": sales}
    assert encode_events([]) == b'{"events":[]}'
    assert "店" in encode_events([{"note": "店"}]).decode()  # UTF-8, not \\u escapes
