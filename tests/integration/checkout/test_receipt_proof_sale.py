"""Every sale receipt carries the signed receipt proof: the bytes sent to the printer read
back to a QR whose signature checks with the till's public key, and whose lines, nets and
tenders are the sale's as stored; the sync pass gives HQ the till's key (once)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from checkout_seed import SHAMPOO, TOOTHPASTE
from sqlalchemy import select
from test_returns import sell

from store_client.persistence.models import OutboxEvent, PrintJob, Sale
from store_client.services.receipt_proofs import check_receipt
from sync.protocol.signing import SigningKey
from sync.terminal.runner import KEY_REGISTERED, SyncRunner
from sync.terminal import state

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "printers"))
from escpos_decoder import decode  # noqa: E402


def test_the_printed_receipt_proves_the_sale(shop):
    key = SigningKey.generate("S001-T01-c0ffee01")
    shop.checkout.receipt_key = lambda: key
    done = sell(shop, [TOOTHPASTE, TOOTHPASTE, SHAMPOO], tenders=(("card", 1000), ("cash", None)))
    with shop.terminal.db.read() as s:
        payload = s.scalar(select(PrintJob.payload).where(PrintJob.id == done.print_job_id))
        total = s.get(Sale, done.sale_id).total_fen
        event = json.loads(s.scalar(select(OutboxEvent.payload).where(OutboxEvent.kind == "sale.completed")))
    token, e_receipt = decode(payload).qr_payloads  # TM-T88V: native QR, read back from GS ( k
    assert e_receipt.endswith(done.sale_id)
    proof = check_receipt(shop.terminal.db, shop.terminal.clock, token, own=key)
    assert (proof.sale_id, proof.receipt_no, proof.store_id, proof.terminal_id) == (
        done.sale_id, done.receipt_no, "S001", "T01")
    assert [(x.line_no, x.sku, x.qty, x.net_fen) for x in proof.lines] == [
        (x["line_no"], x["sku"], x["qty"], x["net_minor"]) for x in event["lines"]]
    assert dict(proof.tenders) == {"card": 1000, "cash": total - 1000}  # cash net of change
    assert "退换货凭证" in done.receipt_text or "[QR] v1." in done.receipt_text


def test_a_till_without_a_usable_key_still_sells_without_the_proof(shop):
    def broken() -> SigningKey:
        raise OSError("key file unreadable")

    shop.checkout.receipt_key = broken
    done = sell(shop, [TOOTHPASTE])
    with shop.terminal.db.read() as s:
        payload = s.scalar(select(PrintJob.payload).where(PrintJob.id == done.print_job_id))
    assert [p for p in decode(payload).qr_payloads if p.startswith("v1.")] == []


class _Client:
    def __init__(self, calls: list) -> None:
        self.calls = calls

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        return None

    def put_signing_key(self, kid: str, public: str) -> None:
        self.calls.append((kid, public))

    def post_events(self, *_a, **_k):  # type: ignore[no-untyped-def]
        return {"results": []}


def test_the_sync_pass_registers_the_tills_key_once(terminal):
    key = SigningKey.generate("S001-T01-beef0001")
    calls: list = []
    runner = SyncRunner(terminal.db, lambda: _Client(calls), pull=False, signing_key=lambda: key)
    assert runner.run_pass() and runner.run_pass()
    assert calls == [(key.kid, key.public)]
    with terminal.db.read() as s:
        assert state.get_all(s)[KEY_REGISTERED] == key.kid


def test_the_receipt_qr_scanned_at_the_checkout_opens_the_return(shop):
    key = SigningKey.generate("S001-T01-c0ffee02")
    shop.checkout.receipt_key = lambda: key
    done = sell(shop, [TOOTHPASTE])
    with shop.terminal.db.read() as s:
        payload = s.scalar(select(PrintJob.payload).where(PrintJob.id == done.print_job_id))
    token = decode(payload).qr_payloads[0]
    outcome = shop.checkout.scan(shop.cashier, token)
    assert (outcome.kind, outcome.value) == ("receipt", token)
    from sync.protocol.receipt_proof import looks_like_receipt

    assert not looks_like_receipt("v1.k.eyJ0eXAiOiJtYnIifQ.sig")  # a signed token of another kind
    assert not looks_like_receipt("S001-T01-000001") and not looks_like_receipt("v1.k.@@@.sig")
