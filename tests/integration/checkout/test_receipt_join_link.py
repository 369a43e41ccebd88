"""A receipt of a sale without a member carries a QR to join: a link signed by the till that
HQ accepts and that names the sale (its points go to whoever joins with it: HQ's side is
tests/integration/sync/test_member_enrollment_hq.py). A member's sale, a till without HQ or
with the setting at 0 prints none."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from checkout_seed import MEMBER, SHAMPOO, TOOTHPASTE
from sqlalchemy import select
from test_returns import sell

from store_client.config import Config
from store_client.persistence.models import PrintJob
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.hq.service import make_engine
from sync.protocol.signing import SigningKey

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "printers"))
from escpos_decoder import decode  # noqa: E402

PAGE = "http://127.0.0.1:8765"


def _with(shop, **values) -> None:  # type: ignore[no-untyped-def]
    config = shop.checkout.config
    shop.checkout.config = Config(path=config.path, values={**config.values, **values})


def _qrs(shop, done) -> list[str]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        payload = s.scalar(select(PrintJob.payload).where(PrintJob.id == done.print_job_id))
    return decode(payload).qr_payloads


def test_a_sale_without_a_member_prints_a_join_link_hq_accepts(shop, tmp_path):
    key = SigningKey.generate("S001-T01-ab12cd34")
    shop.checkout.receipt_key = lambda: key
    _with(shop, **{"hq.url": PAGE})
    done = sell(shop, [TOOTHPASTE, SHAMPOO])
    joins = [q for q in _qrs(shop, done) if q.startswith(f"{PAGE}/enroll?")]
    assert len(joins) == 1
    token = parse_qs(urlparse(joins[0]).query)["t"][0]
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        hq = MemberEnrollmentService(engine, MembersService(engine),
                                     clock=lambda: shop.terminal.clock.now().timestamp())
        hq.register_key("S001", "T01", key.kid, key.public)
        link = hq.check_link(token)
    finally:
        engine.dispose()
    assert (link.store_id, link.terminal_id, link.associate_id) == ("S001", "T01", shop.cashier.operator_id)
    assert link.cart_ref == f"sale:{done.sale_id}"
    assert link.expires - shop.terminal.clock.now().timestamp() > 29 * 86_400  # a month to join
    assert "扫码加入会员" in done.receipt_text


def test_no_join_link_without_hq_with_the_setting_off_or_for_a_members_sale(shop):
    key = SigningKey.generate("S001-T01-ab12cd35")
    shop.checkout.receipt_key = lambda: key
    done = sell(shop, [TOOTHPASTE])  # no HQ configured
    assert not [q for q in _qrs(shop, done) if "/enroll?" in q]
    _with(shop, **{"hq.url": PAGE, "members.receipt_link_days": 0})
    done = sell(shop, [TOOTHPASTE])
    assert not [q for q in _qrs(shop, done) if "/enroll?" in q]
    assert "扫码加入会员" not in done.receipt_text
    _with(shop, **{"members.receipt_link_days": 30})
    done = sell(shop, [TOOTHPASTE], member=MEMBER)  # a member already: the points are theirs
    assert not [q for q in _qrs(shop, done) if "/enroll?" in q]
