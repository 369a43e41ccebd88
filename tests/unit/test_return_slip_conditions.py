"""The return slip says under each line where the item goes, in the till's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from printers import text_render
from store_client.domain import refunds as rf
from store_client.services.cross_return_views import CrossLine, OriginalForReturn, slip

WORDS = {"zh_CN": ("去向：退回库存", "去向：损坏，不再销售", "去向：退回供应商"),
         "en": ("Goes: back to stock", "Goes: damaged, not for sale", "Goes: back to the vendor")}


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_each_line_of_the_slip_carries_its_disposition(locale: str) -> None:
    lines = tuple(CrossLine(n, f"10000{n}", f"商品{n}", f"Item {n}", 1, 100 * n, 1) for n in (1, 2, 3))
    original = OriginalForReturn("req", "order:1", "online", "hq", None, "W000001", None, None, False, lines,
                                 (("online", 600),))
    plan = original.plan(((1, 1), (2, 1), (3, 1)))
    assert isinstance(plan, rf.RefundPlan)
    text = text_render.render(slip(original=original, plan=plan, return_no="S001-T01-X000001", store_name="",
                                   store_id="S001", terminal_id="T01", operator="张", when=datetime.now(UTC),
                                   reason_code="wrong_item", reason_text="", approved_by=None, currency="CNY",
                                   dispositions={1: "restock", 2: "damaged", 3: "vendor"}, locale=locale), 48)
    positions = [text.index(words) for words in WORDS[locale]]
    names = [text.index(f"商品{n}") for n in (1, 2, 3)]
    assert names[0] < positions[0] < names[1] < positions[1] < names[2] < positions[2]  # each under its line
    other = WORDS["en" if locale == "zh_CN" else "zh_CN"]
    assert not any(words in text for words in other)
