"""Barcode classification against published GS1 examples, store layouts and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain import barcodes as bc
from store_client.domain.barcodes import (
    BarcodeConfig,
    BarcodeConfigError,
    BarcodeRejected,
    CouponCode,
    InStoreItem,
    InStoreLayout,
    MemberCode,
    PaymentCode,
    PickupCode,
    ProductCode,
    ReceiptCode,
    RejectReason,
    classify,
)


def oracle_check_digit(body: str) -> int:
    """Textbook GS1 mod 10, written independently: weights 3,1,... from the right."""
    total = 0
    for position, digit in enumerate(reversed(body), start=1):
        total += int(digit) * (3 if position % 2 else 1)
    return (10 - total % 10) % 10


# -- published examples ----------------------------------------------------------------

@pytest.mark.parametrize("code, symbology", [
    ("4006381333931", "EAN-13"),  # Wikipedia EAN-13 example
    ("5901234123457", "EAN-13"),  # GS1 / Wikipedia EAN-13 symbol example
    ("036000291452", "UPC-A"),  # Wikipedia UPC-A example
    ("036000241457", "UPC-A"),  # Wikipedia UPC-A check digit walk-through
    ("96385074", "EAN-8"),  # Wikipedia EAN-8 example
])
def test_published_gtins_are_valid(code, symbology):
    result = classify(code)
    assert result == ProductCode(code, symbology)


def test_upc_a_looks_up_as_its_ean13_form():
    assert classify("036000291452").lookup == "0036000291452"
    assert classify("4006381333931").lookup == "4006381333931"


@pytest.mark.parametrize("code, expected", [
    ("4006381333932", 1), ("036000291453", 2), ("96385075", 4), ("5901234123450", 7),
])
def test_bad_check_digit_is_rejected_with_expected_digit(code, expected):
    result = classify(code)
    assert isinstance(result, BarcodeRejected)
    assert result.reason is RejectReason.BAD_CHECK_DIGIT
    assert f"expected {expected}" in result.message


@pytest.mark.parametrize("value, digit", [("2875", 9), ("14685", 6)])
def test_gs1_price_check_digit_worked_examples(value, digit):
    # GS1 General Specifications 7.9.3 worked examples.
    assert bc.price_check_digit(value) == digit


@pytest.mark.parametrize("value", ["287", "123456", "12a4", ""])
def test_price_check_digit_needs_four_or_five_digits(value):
    with pytest.raises(ValueError):
        bc.price_check_digit(value)


# -- in-store weight / price codes ----------------------------------------------------

def in_store_code(body12: str) -> str:
    return body12 + str(oracle_check_digit(body12))


def test_weight_code_default_layout():
    code = in_store_code("210123401250")  # prefix 21, PLU 01234, 1250 g
    result = classify(code)
    assert result == InStoreItem(code, 1234, "weight", None, 1250)
    assert result.sku == "PLU01234"


def test_price_code_default_layout():
    code = in_store_code("200042000799")  # prefix 20, PLU 00420, 7.99 CNY
    assert classify(code) == InStoreItem(code, 420, "price", 799, None)


def test_price_code_with_price_check_digit():
    body = "2200420" + str(bc.price_check_digit("2875")) + "2875"
    code = in_store_code(body)
    assert classify(code) == InStoreItem(code, 420, "price", 2875, None)
    wrong_k = "2200420" + str((bc.price_check_digit("2875") + 1) % 10) + "2875"
    rejected = classify(in_store_code(wrong_k))
    assert isinstance(rejected, BarcodeRejected)
    assert rejected.reason is RejectReason.BAD_PRICE_CHECK_DIGIT


def test_in_store_code_with_bad_check_digit_is_rejected():
    code = in_store_code("210123401250")
    broken = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert classify(broken).reason is RejectReason.BAD_CHECK_DIGIT


def test_custom_layout_price_in_jiao_and_unconfigured_prefix_is_plain_ean():
    config = BarcodeConfig(in_store=(InStoreLayout("23 IIII X VVVVV C", "price", 10),))
    code = in_store_code("230042900150")  # PLU 0042, ignored 9, 150 jiao
    assert classify(code, config) == InStoreItem(code, 42, "price", 1500, None)
    other = in_store_code("210123401250")
    assert classify(other, config) == ProductCode(other, "EAN-13")


@pytest.mark.parametrize("pattern", [
    "21 IIIII VVVVV",  # 12 digits
    "21 IIIII VVVVV CC",  # two check digits
    "31 IIIII VVVVV C",  # not restricted circulation
    "IIIIIII VVVVV C",  # no prefix
    "21 IIIIII VVVV C",  # PLU longer than 5
    "21 IIIII VVVVV Q",  # unknown letter
    "21 IIVII VVVVV C",  # item digits split
    "21 IIIII K VVV C",  # K needs 4 or 5 V
    "21 III 9 VVVVVC",  # literal digit after the prefix
])
def test_bad_layouts_are_refused(pattern):
    with pytest.raises(BarcodeConfigError):
        InStoreLayout(pattern)


def test_overlapping_prefixes_and_bad_regex_are_refused():
    with pytest.raises(BarcodeConfigError, match="overlap"):
        BarcodeConfig(in_store=(InStoreLayout("21 IIIII VVVVV C"),
                                InStoreLayout("211 IIII VVVVV C")))
    with pytest.raises(BarcodeConfigError, match="member"):
        BarcodeConfig(member_pattern="M(")


def test_config_from_mapping():
    config = BarcodeConfig.from_mapping({
        "in_store": [{"pattern": "25 IIIII VVVVV C", "value_kind": "weight"}],
        "member_pattern": r"VIP\d{6}", "coupon_pattern": "",
    })
    assert classify("VIP123456", config) == MemberCode("VIP123456")
    assert classify("CPABC12345", config).reason is RejectReason.UNKNOWN_FORMAT  # coupons off
    code = in_store_code("250000100500")
    assert classify(code, config) == InStoreItem(code, 1, "weight", None, 500)
    for bad in ({"colour": "red"}, {"in_store": [{"value_kind": "weight"}]},
                {"in_store": [{"pattern": "25 IIIII VVVVV C", "size": 1}]},
                {"member_pattern": 5}, {"max_length": 2}):
        with pytest.raises(BarcodeConfigError):
            BarcodeConfig.from_mapping(bad)


# -- special codes ----------------------------------------------------------------------

def test_special_codes_default_patterns():
    assert classify("M12345678") == MemberCode("M12345678")
    assert classify("CPSPRING2026") == CouponCode("CPSPRING2026", "SPRING2026")
    assert classify("PK00123456") == PickupCode("PK00123456", "00123456")
    assert classify("RS001-T01-42") == ReceiptCode("RS001-T01-42", "S001", "T01", 42)
    assert classify("134567890123456789") == PaymentCode("134567890123456789")  # WeChat Pay
    assert classify("2845678901234567") == PaymentCode("2845678901234567")  # Alipay


def test_scanner_suffix_and_whitespace_are_stripped():
    assert classify("  4006381333931\r\n") == ProductCode("4006381333931", "EAN-13")
    assert classify("M12345678\t") == MemberCode("M12345678")


def test_receipt_pattern_without_groups():
    config = BarcodeConfig(receipt_pattern=r"RCPT\d{10}")
    assert classify("RCPT0000000042", config) == ReceiptCode("RCPT0000000042", None, None, None)


# -- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, reason", [
    ("", RejectReason.EMPTY), ("   \r\n", RejectReason.EMPTY),
    ("1234567", RejectReason.UNKNOWN_FORMAT), ("12345678901", RejectReason.UNKNOWN_FORMAT),
    ("hello world", RejectReason.UNKNOWN_FORMAT),
    ("４００６３８１３３３９３１", RejectReason.UNKNOWN_FORMAT),  # full-width digits
    ("40063\x0781333931", RejectReason.BAD_CHARACTERS), ("9" * 500, RejectReason.TOO_LONG),
    ("M1234", RejectReason.UNKNOWN_FORMAT), ("RS001-T01-", RejectReason.UNKNOWN_FORMAT),
])
def test_bad_input_is_a_typed_refusal(raw, reason):
    result = classify(raw)
    assert isinstance(result, BarcodeRejected)
    assert result.reason is reason
    assert result.message


def test_non_string_is_refused_not_raised():
    assert classify(None).reason is RejectReason.BAD_CHARACTERS  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_classify_never_raises(raw):
    result = classify(raw)
    assert isinstance(result, (BarcodeRejected, ProductCode, InStoreItem, MemberCode, CouponCode,
                               PickupCode, ReceiptCode, PaymentCode))


@given(st.sampled_from([7, 11, 12]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_any_body_with_its_check_digit_is_accepted(body):
    code = body + str(oracle_check_digit(body))
    result = classify(code)
    assert isinstance(result, (ProductCode, InStoreItem, BarcodeRejected))
    if isinstance(result, BarcodeRejected):  # only an in-store price check can still fail
        assert result.reason is RejectReason.BAD_PRICE_CHECK_DIGIT
    assert bc.gs1_check_digit(body) == oracle_check_digit(body)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12),
       st.integers(1, 9))
def test_every_single_digit_error_is_caught(body, position, delta):
    code = body + str(oracle_check_digit(body))
    broken = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1:]
    result = classify(broken)
    assert isinstance(result, BarcodeRejected)
    assert result.reason is RejectReason.BAD_CHECK_DIGIT
