"""Every refusal a service can raise has words in the translation table, and an error
without words never shows its English sentence in the Chinese till."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store_client.domain import cart, coupons, exchanges, points, refunds, tenders
from store_client.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from store_client.ui.service_messages import TEXTS, service_error_text

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
# code=f"<prefix>.{...}" in a service: the domain's codes behind each prefix
DYNAMIC = {"cart": [c.value for c in cart.CartErrorCode],
           "coupon": [c.value for c in coupons.RefusalReason],
           "points": [c.value for c in points.RedemptionRefusal],
           "tender": [c.value for c in tenders.TenderErrorCode],
           "refund": [c.value for c in refunds.RefundErrorCode],
           "exchange": [c.value for c in exchanges.ExchangeErrorCode],
           "shift": re.findall(r'ShiftError\("(\w+)"',
                               (ROOT / "store_client/domain/shifts.py").read_text("utf-8")),
           "approval": re.findall(r'_refuse\(requester, approver_id, base, "(\w+)"',
                                  (ROOT / "store_client/services/approvals.py").read_text("utf-8"))}


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "store_client" / "services").glob("*.py"):
        source = path.read_text("utf-8")
        codes.update(re.findall(r'\bcode="([\w.]+)"', source))
        codes.update(re.findall(r'CountRefused\("([\w.]+)"', source))  # stock counts: code first
        for prefix in re.findall(r'\bcode=f"(\w+)\.\{', source):
            codes.update(f"{prefix}.{value}" for value in DYNAMIC[prefix])
    # the return policy's refusals, raised by the returns services with the domain's code
    codes.update(re.findall(r'PolicyRefused\("([\w.]+)"',
                            (ROOT / "store_client/domain/return_policy.py").read_text("utf-8")))
    return codes


def test_every_code_a_service_raises_has_words() -> None:
    codes = raised_codes()
    assert {"shift.required", "coupon.already_on_sale", "return.changed_meanwhile",
            "cart.other_operator", "refund.fully_returned", "count.sku_not_in_plan",
            "return.non_returnable", "return.window_passed", "return.disposition_unknown"} <= codes  # found
    assert sorted(codes - set(TEXTS)) == []


def test_every_dynamic_prefix_is_known() -> None:
    for path in (ROOT / "store_client" / "services").glob("*.py"):
        for prefix in re.findall(r'\bcode=f"(\w+)\.\{', path.read_text("utf-8")):
            assert prefix in DYNAMIC, (path.name, prefix)


@pytest.fixture
def zh(qapp):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


@pytest.mark.parametrize("error", [ServiceError("Printer on fire."), Conflict("Changed."),
                                   NotFound("Gone."), InvalidInput("x", "Bad."),
                                   ServiceError("x", code="no.such.code")])
def test_an_error_without_words_says_its_kind_in_chinese_and_logs_the_english(
        zh, error, caplog) -> None:  # type: ignore[no-untyped-def]
    text = service_error_text(error)
    assert CJK.search(text) and str(error) not in text
    assert str(error) in caplog.text


def test_every_text_is_translated_with_its_figure(zh) -> None:  # type: ignore[no-untyped-def]
    for code, (_template, param) in TEXTS.items():
        names = (param,) if isinstance(param, str) else param or ()
        error = ServiceError("English.", code=code, params={name: 1234 + i for i, name in enumerate(names)})
        text = service_error_text(error, lambda fen: f"¥{fen / 100:.2f}")
        assert CJK.search(text) and not re.search(r"%\d", text), code  # every %n filled
        for i, name in enumerate(names):
            fen = 1234 + i
            assert (f"¥{fen / 100:.2f}" if name.endswith("_fen") else str(fen)) in text, (code, text)


def test_no_code_has_two_entries_in_the_table() -> None:
    """A dict literal keeps the last of two equal keys: the first entry would be dead text."""
    import ast

    source = (ROOT / "store_client/ui/service_messages.py").read_text("utf-8")
    keys = [key.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Dict)
            for key in node.keys if isinstance(key, ast.Constant)]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
