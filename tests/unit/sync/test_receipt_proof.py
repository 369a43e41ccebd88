"""Signed receipt QRs: what any store reads back offline, and what it refuses."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
import qrcode

from sync.protocol.receipt_proof import MAX_PROOF_LINES, claims_for_sale, read_receipt, sign_receipt
from sync.protocol.signing import SignatureError, SigningKey, public_key
from tools.soak import make_sale

NOW = datetime.fromisoformat("2026-01-01T09:00:00+00:00").timestamp() + 60


@pytest.fixture(scope="module")
def till() -> SigningKey:
    return SigningKey.generate("S001-T01-k1")


def keys(*signers: SigningKey):
    return {k.kid: public_key(k.public) for k in signers}


def big_sale(lines: int) -> dict:
    sale = make_sale(random.Random(1))
    template = sale["lines"][0]
    sale["lines"] = [{**template, "line_no": i + 1, "sku": f"{100000 + i}", "qty": 1, "net_minor": 1999}
                     for i in range(lines)]
    sale["payments"] = [{"method": "wechat", "amount_minor": 1999 * lines, "reference": "wx1", "points": None}]
    sale["change_minor"] = 0
    return sale


def test_a_receipt_reads_back_with_lines_and_net_tenders(till):
    sale = make_sale(random.Random(3))
    proof = read_receipt(sign_receipt(till, sale), keys(till), now=NOW)
    assert proof.sale_id == sale["sale_id"] and proof.full
    assert [(x.line_no, x.sku, x.qty, x.net_fen) for x in proof.lines] == [
        (x["line_no"], x["sku"], x["qty"], x["net_minor"]) for x in sale["lines"]]
    assert dict(proof.tenders) == {"cash": sale["total_minor"]}  # cash net of the change
    assert sum(x.net_fen for x in proof.lines) == sale["total_minor"]


def test_a_full_receipt_fits_a_qr_that_prints_on_80mm_paper(till):
    token = sign_receipt(till, big_sale(MAX_PROOF_LINES))
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=0)
    qr.add_data(token)
    qr.make(fit=True)
    modules = qr.modules_count
    assert modules * 4 <= 512, f"{len(token)} characters need {modules} modules"  # 4 dots (0.56 mm) a module


def test_a_longer_sale_carries_its_identity_only(till):
    proof = read_receipt(sign_receipt(till, big_sale(MAX_PROOF_LINES + 1)), keys(till), now=NOW)
    assert not proof.full and proof.lines == () and dict(proof.tenders) == {"wechat": 1999 * (MAX_PROOF_LINES + 1)}


def test_another_tills_key_cannot_vouch_for_this_till(till):
    other = SigningKey.generate("S002-T01-k9")
    sale = make_sale(random.Random(4))  # says S001/T01
    with pytest.raises(SignatureError) as refused:
        read_receipt(sign_receipt(other, sale), keys(till, other), now=NOW)
    assert refused.value.code == "sig.bad_signature"


@pytest.mark.parametrize("change", [
    lambda c: c.update(l=[[1, "x", 1, 100]], p=[["cash", 99]]),       # lines not paid by the tenders
    lambda c: c.update(l=[[1, "x", 1, 100], [1, "y", 1, 0]], p=[["cash", 100]]),   # repeated line number
    lambda c: c.update(l=[[1, "x", 0, 100]], p=[["cash", 100]]),      # zero quantity
    lambda c: c.update(l=[[1, "x", 1, -5]], p=[["cash", -5]]),
    lambda c: c.update(l="lines"),
    lambda c: c.update(p=[["cash"]]),
    lambda c: c.update(at="yesterday"),
    lambda c: c.update(typ="enroll"),
    lambda c: c.update(s=5),
])
def test_malformed_claims_are_refused_even_when_signed(till, change):
    claims = claims_for_sale(make_sale(random.Random(5)))
    change(claims)
    with pytest.raises(SignatureError) as refused:
        read_receipt(till.sign(claims), keys(till), now=NOW)
    assert refused.value.code == "sig.malformed"


def test_an_altered_receipt_is_refused(till):
    token = sign_receipt(till, make_sale(random.Random(6)))
    v, kid, body, sig = token.split(".")
    forged = ".".join([v, kid, body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1], sig])
    with pytest.raises(SignatureError):
        read_receipt(forged, keys(till), now=NOW)


# -- the money fields at their boundaries (mutation testing, docs/TESTING.md) ----------------
def sale_of(lines: list[tuple[int, int]], payments: list[tuple[str, int]], change: int = 0, **extra) -> dict:
    """A sale of (qty, net) lines paid by (method, amount) tenders, ``change`` given back."""
    sale = make_sale(random.Random(7))
    template = sale["lines"][0]
    sale["lines"] = [{**template, "line_no": n, "sku": f"{100000 + n}", "qty": qty, "net_minor": net}
                     for n, (qty, net) in enumerate(lines, 1)]
    sale["payments"] = [{"method": m, "amount_minor": fen, "reference": None, "points": None}
                        for m, fen in payments]
    sale["change_minor"] = change
    return {**sale, **extra}


def signed(till: SigningKey, change) -> object:
    claims = claims_for_sale(sale_of([(1, 100)], [("cash", 100)]))
    change(claims)
    return read_receipt(till.sign(claims), keys(till), now=NOW)


def test_thirty_lines_travel_on_the_receipt_and_thirty_one_do_not(till):
    assert MAX_PROOF_LINES == 30
    thirty = read_receipt(sign_receipt(till, big_sale(30)), keys(till), now=NOW)
    assert thirty.full and len(thirty.lines) == 30
    assert claims_for_sale(big_sale(31))["l"] is None


def test_the_tenders_are_net_of_the_change_and_a_tender_netting_to_nothing_is_left_out(till):
    # card 9.99 and cash 0.20 with 0.19 back: the cash paid 0.01 net
    one_fen = sale_of([(1, 1_000)], [("card", 999), ("cash", 20)], change=19)
    assert claims_for_sale(one_fen)["p"] == [["card", 999], ["cash", 1]]
    assert read_receipt(sign_receipt(till, one_fen), keys(till), now=NOW).tenders == (("card", 999), ("cash", 1))
    # cash 0.20 with all 0.20 back: the cash paid nothing and is not a tender to refund to
    nothing = sale_of([(1, 999)], [("card", 999), ("cash", 20)], change=20)
    assert claims_for_sale(nothing)["p"] == [["card", 999]]
    assert read_receipt(sign_receipt(till, nothing), keys(till), now=NOW).tenders == (("card", 999),)


def test_identity_member_and_points_read_back(till):
    member = sale_of([(1, 500)], [("cash", 500)], member_id="M" + "1" * 31, points_earned=5)
    proof = read_receipt(sign_receipt(till, member), keys(till), now=NOW)
    assert (proof.store_id, proof.terminal_id, proof.receipt_no) == ("S001", "T01", member["receipt_no"])
    assert (proof.member_id, proof.points_earned) == ("M" + "1" * 31, 5)
    assert [(x.qty, x.net_fen) for x in proof.lines] == [(1, 500)]
    plain = sale_of([(1, 500)], [("cash", 500)])
    del plain["points_earned"]
    assert claims_for_sale(plain)["pe"] == 0
    proof = read_receipt(sign_receipt(till, plain), keys(till), now=NOW)
    assert (proof.member_id, proof.points_earned) == (None, 0)
    assert signed(till, lambda c: c.pop("pe")).points_earned == 0  # a receipt without points earned none


def test_the_largest_amount_and_the_longest_texts_are_accepted(till):
    big = signed(till, lambda c: c.update(l=[[1, "x", 1, 10**12]], p=[["cash", 10**12]], id="s" * 64,
                                          m="M" + "9" * 31))
    assert big.lines[0].net_fen == 10**12 and big.sale_id == "s" * 64 and big.member_id == "M" + "9" * 31


@pytest.mark.parametrize("change", [
    lambda c: c.update(l=[[1, "x", 1, 10**12 + 1]], p=[["cash", 10**12 + 1]]),  # beyond any till's amount
    lambda c: c.update(id="s" * 65),
    lambda c: c.update(m="M" + "9" * 32),
    lambda c: c.pop("id"),  # a required claim missing
    lambda c: c.update(l=[[n, "x", 1, 1] for n in range(1, 32)], p=[["cash", 31]]),  # 31 lines
    lambda c: c.update(l=5),
    lambda c: c.update(l=[5]),
    lambda c: c.update(l=[[1, "x", 1]]),
    lambda c: c.update(l=[[1, 2, 1, 100]]),  # the SKU not a text
    lambda c: c.update(p=[["cash", 50], ["card"]]),
])
def test_out_of_range_and_malformed_money_claims_are_refused(till, change):
    with pytest.raises(SignatureError) as refused:
        signed(till, change)
    assert refused.value.code == "sig.malformed"
