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
