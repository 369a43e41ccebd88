"""A receipt from another store's till, checked offline: its key reaches this till through
HQ's terminal_keys dataset, pulled like any other."""

from __future__ import annotations

import random

import pytest

from store_client.services.receipt_proofs import ReceiptRefused, check_receipt
from sync.hq.embedded import HQServer
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.hq.service import HQService
from sync.protocol.receipt_proof import sign_receipt
from sync.protocol.signing import SigningKey
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from tools.soak import make_sale


def test_a_receipt_of_store_b_is_checked_offline_in_store_a(terminal, hq_server: HQServer, sqlite_hq: HQService):
    till_b = SigningKey.generate("S002-T03-b1")
    sale = make_sale(random.Random(11), store_id="S002", terminal_id="T03")
    token = sign_receipt(till_b, sale)
    own = SigningKey.generate("S001-T01-a1")
    with pytest.raises(ReceiptRefused) as unknown:
        check_receipt(terminal.db, terminal.clock, token, own=own)
    assert unknown.value.code == "receipt.unknown_till"  # not pulled yet: unknown, not forged

    MemberEnrollmentService(sqlite_hq.engine, MembersService(sqlite_hq.engine),
                      publish=lambda ds, key, row: sqlite_hq.publish(ds, key, row)).register_key(
        "S002", "T03", till_b.kid, till_b.public)
    with HQClient(hq_server.url, sqlite_hq.issue_token("S001", "T01")) as client:
        outcome = Puller(terminal.db, client, datasets=["terminal_keys"]).pull("terminal_keys")
    assert outcome is not None

    hq_server.stop()  # offline from here on
    proof = check_receipt(terminal.db, terminal.clock, token, own=own)
    assert proof.sale_id == sale["sale_id"] and proof.store_id == "S002" and proof.full
    assert sum(line.net_fen for line in proof.lines) == sale["total_minor"]

    impostor = SigningKey.generate(till_b.kid)
    with pytest.raises(ReceiptRefused) as forged:
        check_receipt(terminal.db, terminal.clock, sign_receipt(impostor, sale), own=own)
    assert forged.value.code == "receipt.forged"
    with pytest.raises(ReceiptRefused) as garbage:
        check_receipt(terminal.db, terminal.clock, "not a receipt", own=own)
    assert garbage.value.code == "receipt.malformed"
