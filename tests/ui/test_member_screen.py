"""The Members screen by keyboard only, against the reference HQ on 127.0.0.1: the member's
code scanned opens the profile (what they browsed online, with consent), F3 attaches them to
the sale, Down + F4 and a scan add items they looked at; F5 shows the enrollment QR, a
customer joins on their phone and the till attaches the new member by itself. A cashier
sees the basic grade only; a Chinese till shows no English."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from store_client.bootstrap import build_services
from store_client.clock import SystemClock
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.services.member_desk import MemberDesk
from store_client.services.member_enrollment import MemberEnrollmentService
from store_client.ui.automation import unnamed_interactive
from store_client.ui.operations.members import qr_modules
from store_client.ui.screens.member_screen import MemberScreen
from store_client.ui.tasks import TaskManager
from sync.hq.app import create_app
from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.member_browsing import MemberBrowsing
from sync.hq.member_codes import MemberCodes
from sync.hq.members import MembersService
from sync.hq.service import HQService, make_engine
from sync.terminal.puller import Puller
from sync.terminal.signing_key import load_or_create
from sync.terminal.transport import HQClient
from tests.ui.conftest import screen_context

PHONE, NEW_PHONE = "13812345678", "13700001111"
CHOCOLATE_EAN = "6901234567939"
ASSOCIATE = Actor("a1", "李娜", Role.ASSOCIATE)
CASHIER = Actor("c1", "王芳", Role.CASHIER)


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_demo(service, "S001")
    server = HQServer(service, app=create_app(service, show_codes=True)).start()
    yield server
    server.stop()
    service.engine.dispose()


@pytest.fixture
def counter(terminal, add_operator, hq):  # type: ignore[no-untyped-def]
    """A till synced with HQ, a shift open, a member who browsed online (and consented)."""
    for actor in (ASSOCIATE, CASHIER):
        add_operator(actor.operator_id, actor.role.value, "1357", name=actor.name)
    add_operator("m1", "manager", "2468")
    members = MembersService(hq.service.engine)
    member = members.enroll(PHONE, name="王", store_id="S001", terminal_id="T01", associate_id=None,
                            channel="online", terms=True, marketing=False, personalization=True).member_id
    browsing = MemberBrowsing(hq.service.engine)
    browsing.searched(member, "薯片")
    browsing.record(member, "100002", "view")  # green tea
    browsing.record(member, "200001", "wish")  # potato chips
    token = hq.service.issue_token("S001", "T01")
    with HQClient(hq.url, token, timeout=10) as client:
        Puller(terminal.db, client, datasets=["catalog", "prices"]).pull_all()
    services = build_services(terminal)
    manager = services.auth.login("m1", "2468")
    services.shifts.open_shift(manager, total_fen=20000)

    def client() -> HQClient:
        return HQClient(hq.url, token, timeout=5)

    key = load_or_create(terminal.config.data_dir, "S001", "T01")
    enrollment = MemberEnrollmentService(terminal.db, SystemClock(), key=lambda: key, page_url=hq.url,
                                         store_id="S001", terminal_id="T01", client=client)
    services.members = MemberDesk(terminal.db, terminal.clock, services.audit, services.authorizer,
                                  services.catalog, client=client, enrollment=lambda: enrollment)
    return services, MemberCodes(hq.service.engine, members), member


def shown(screen: MemberScreen) -> bool:
    """The profile wholly on screen: its lines on the first frame, the browsing list's rows on the next."""
    return screen.profile is not None and screen.browsing_model.rowCount() == len(screen.profile.browsing or ())


def cell(screen: MemberScreen, row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    return screen.browsing_model.index(row, column).data(role)


def make_screen(qtbot, terminal, tasks, services, actor, locale="en", display=None):  # type: ignore[no-untyped-def]
    ctx = screen_context(terminal, tasks, actor, locale, services=services)
    screen = MemberScreen(ctx.ops.members, ctx.ops.hub, locale=locale, can_reveal=actor.role is Role.MANAGER,
                          display=lambda: display)
    qtbot.addWidget(screen)
    screen.resize(1024, 696)
    screen.show()
    screen.activated()
    return screen


def type_enter(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def settle(qtbot, tasks: TaskManager) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def phone_joins(url: str, phone: str) -> None:
    """The customer, on their own phone: the page, a one-time code, the consents, submit."""
    token = parse_qs(urlparse(url).query)["t"][0]
    base = url.split("/enroll")[0]
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/enroll", params={"t": token}).status_code == 200
        sent = http.post("/enroll", data={"t": token, "phone": phone, "action": "send"}).text
        code = sent.split("验证码 ")[1][:6]
        done = http.post("/enroll", data={"t": token, "phone": phone, "code": code, "terms": "1",
                                          "personalization": "1", "action": "join"})
        assert 'id="done"' in done.text


def logged_text(records) -> str:  # type: ignore[no-untyped-def]
    """What the till's log file would hold: every record but the quieted libraries' chatter
    below WARNING (store_client/logs.py QUIET), before any redaction."""
    from store_client.logs import QUIET

    return "\n".join(r.getMessage() for r in records
                     if r.levelno >= logging.WARNING or not r.name.startswith(QUIET))


@pytest.mark.serial  # live HQ, a polling timer: nothing else may compete
def test_find_attach_add_what_they_browsed_and_enrol_by_keys(qtbot, terminal, tasks, counter, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    from store_client.hardware.customer_display import CustomerDisplay

    services, codes, member = counter
    customer_side = CustomerDisplay(None)  # the second screen, facing the customer
    qtbot.addWidget(customer_side)
    screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, display=customer_side)
    assert unnamed_interactive(screen) == []
    checkout = services.checkout

    # the member shows the code in their app: scanned into the field, Enter
    type_enter(screen.scan_input, codes.issue(member))
    qtbot.waitUntil(lambda: shown(screen), timeout=10_000)
    assert "138****5678" in screen.summary.text() and PHONE not in screen.summary.text()
    assert [cell(screen, r, 0) for r in range(screen.browsing_model.rowCount())] == [
        "Potato chips original", "Green tea 500ml"]
    assert "wish list" == cell(screen, 0, 1)
    assert screen.history.text() == "No purchases yet."
    assert screen.browsing_note.text().startswith("Searched online: 薯片\n")

    QTest.keyClick(screen.scan_input, Qt.Key.Key_F3)  # attach to the sale
    qtbot.waitUntil(lambda: checkout.current_cart(ASSOCIATE).member is not None, timeout=5_000)
    qtbot.waitUntil(lambda: "is on the sale" in screen.message.text(), timeout=5_000)
    assert checkout.current_cart(ASSOCIATE).member.member_id == member

    QTest.keyClick(screen.scan_input, Qt.Key.Key_Down)  # the green tea they viewed
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: "Green tea" in screen.message.text(), timeout=5_000)
    type_enter(screen.scan_input, CHOCOLATE_EAN)  # an item scanned with the profile open
    qtbot.waitUntil(lambda: "Chocolate" in screen.message.text(), timeout=5_000)
    cart = checkout.current_cart(ASSOCIATE)
    assert [line.sku for line in cart.lines] == ["100002", "200002"]
    assert "Chocolate 100g added to the sale (2 lines)" in screen.message.text()

    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)  # the member leaves: the profile closes
    assert screen.profile is None and screen.browsing_model.rowCount() == 0

    # a new customer joins with the QR on the screen, on their own phone
    type_enter(screen.scan_input, NEW_PHONE)
    qtbot.waitUntil(lambda: "No member has this phone number" in screen.message.text(), timeout=5_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: screen.offer is not None, timeout=10_000)
    assert screen.qr.isVisible() and not screen.qr.pixmap().isNull()
    assert screen.offer.modules == qr_modules(screen.offer.offer.url)
    assert not customer_side.qr.pixmap().isNull() and "Scan to join" in customer_side.caption.text()
    phone_joins(screen.offer.offer.url, NEW_PHONE)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=8_000)  # within the issue's 5 s + a poll
    assert screen.offer is None and "137****1111" in screen.summary.text()
    assert customer_side.qr.pixmap().isNull() and customer_side.caption.text() == ""  # joined: gone
    assert checkout.current_cart(ASSOCIATE).member.member_id == screen.profile.member_id != member
    assert "Welcome, new member" in screen.message.text()

    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)  # a QR nobody uses: gone when the link expires
    qtbot.waitUntil(lambda: screen.offer is not None, timeout=10_000)
    screen.now = lambda: screen.offer.offer.expires_at
    qtbot.waitUntil(lambda: screen.offer is None, timeout=5_000)
    assert not screen.qr.isVisible() and "expired" in screen.message.text()
    logged = logged_text(caplog.records)  # no member PII in the logs of the whole flow
    assert PHONE not in logged and NEW_PHONE not in logged and "5678" not in logged


@pytest.mark.serial
def test_a_manager_sees_the_full_phone_with_a_reason_by_keys(qtbot, terminal, tasks, counter) -> None:
    from PySide6.QtWidgets import QApplication

    from store_client.ui.screens.member_screen import create_member_screen

    services, _codes, member = counter
    manager = services.auth.login("m1", "2468")
    screen = create_member_screen(screen_context(terminal, tasks, manager, "en", services=services))
    qtbot.addWidget(screen)
    screen.resize(1024, 696)
    screen.show()
    assert screen.reveal_button.isVisible()
    type_enter(screen.scan_input, PHONE)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=2_000)
    QTest.keyClick(screen.dialog.list, Qt.Key.Key_Return)  # which field: the phone, first
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.objectName() == "member.reveal.dialog"
                    and screen.dialog.isVisible(), timeout=2_000)
    QTest.keyClicks(screen.dialog.input, "delivery to arrange")  # the dialog's field has the focus
    QTest.keyClick(screen.dialog.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.revealed.isVisible(), timeout=5_000)
    assert PHONE in screen.revealed.text()
    screen.activateWindow()  # the offscreen platform leaves the closed dialog's window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F6)  # closed: the number goes with the profile
    assert not screen.revealed.isVisible() and screen.revealed.text() == ""


@pytest.mark.serial
def test_a_cashier_sees_the_basic_grade_only(qtbot, terminal, tasks, counter) -> None:
    services, codes, member = counter
    screen = make_screen(qtbot, terminal, tasks, services, CASHIER)
    type_enter(screen.scan_input, PHONE)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    assert "138****5678" in screen.summary.text()
    assert screen.profile.browsing is None and screen.profile.coupons is None
    assert not screen.browsing.isVisible() and screen.browsing_model.rowCount() == 0
    assert screen.coupons.text() == "" and screen.browsing_note.text() == "" and screen.history.text() == ""
    assert not screen.add_button.isEnabled()
    assert not screen.reveal_button.isVisible()  # F7 does nothing for a cashier
    from store_client.ui.operations import Changes

    screen._changed(Changes(sale=True), None)  # the hub says the sale ended: the visit is over
    assert screen.profile is None and screen.summary.text() == "No member open."


@pytest.mark.serial
def test_a_chinese_till_shows_no_english(qtbot, terminal, tasks, counter) -> None:
    from store_client.ui.app import setup_application, teardown
    from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

    services, codes, member = counter
    runtime = setup_application("zh_CN")
    try:
        screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE, locale="zh_CN")
        type_enter(screen.scan_input, codes.issue(member))
        qtbot.waitUntil(lambda: shown(screen), timeout=10_000)
        type_enter(screen.scan_input, codes.issue(member).replace(".", ".x", 1))  # forged
        qtbot.waitUntil(lambda: "会员码" in screen.message.text(), timeout=5_000)
        english = [t for w in [screen, *screen.findChildren(type(screen).__mro__[1])]
                   if w.isVisible() for t in texts_of(w) if t and ENGLISH_SENTENCE.search(t)]
        assert english == []
        assert re.search(r"[\u4e00-\u9fff]", screen.message.text())
        assert "薯片" in cell(screen, 0, 0)
    finally:
        teardown(runtime)


@pytest.mark.serial
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_an_open_profile_and_the_qr_fit_the_counter_screens(make_shell, hq, locale: str) -> None:  # type: ignore[no-untyped-def]
    """In the main window of a demo store, signed in as a manager: a profile with what the member
    browsed and the enrollment QR, nothing clipped at any counter size. With
    ``STORE_CLIENT_SHOTS=<dir>`` the zh_CN full-screen renders are saved there (docs/screenshots)."""
    import os

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from store_client.persistence.models import Product
    from store_client.ui.fit_check import problems, window_sizes
    from tests.ui.conftest import demo_operator

    shell = make_shell(locale=locale)
    terminal, services = shell.terminal, shell.window.services
    with terminal.db.read() as s:
        skus = list(s.scalars(select(Product.sku).order_by(Product.id).limit(4)))
    members = MembersService(hq.service.engine)
    member = members.enroll(PHONE, name="王", store_id="S001", terminal_id="T01", associate_id=None,
                            channel="online", terms=True, marketing=False, personalization=True).member_id
    members.post_points(member, 120, cause="order:O1:earned", channel="online")  # bought online before
    browsing = MemberBrowsing(hq.service.engine)
    browsing.searched(member, "粉底液")
    browsing.searched(member, "眉笔")
    for n, sku in enumerate(skus):
        browsing.record(member, sku, ("wish", "cart")[n] if n < 2 else "view")
    token = hq.service.issue_token("S001", "T01")
    from datetime import UTC, datetime

    from store_client.persistence.models import SyncRow
    from sync.hq.member_details import set_details
    from sync.protocol.datasets import nearby_key
    from tests.integration.sync.online_returns_world import collected_order

    month = datetime.now(UTC).month  # the birthday benefit's line, and the masked address
    set_details(hq.service.engine, member, birthday=f"1990-{month:02d}-28", address="上海市静安区南京西路 1 号")
    collected_order(hq.service, member, [{"sku": "100001", "qty": 2}], discounts={}, store="S002")
    with terminal.db.transaction() as s:  # a neighbour holds the last item viewed (this till has none)
        s.add(SyncRow(dataset="stock_nearby", key=nearby_key(skus[-1], "S002"), data=json.dumps({
            "sku": skus[-1], "site_id": "S002", "name": "人民广场店", "kind": "store", "distance_m": 2800,
            "on_hand": 4, "as_of": "2026-01-01T08:00:00+00:00"}, ensure_ascii=False)))

    def client() -> HQClient:
        return HQClient(hq.url, token, timeout=5)

    config = terminal.config
    key = load_or_create(config.data_dir, config.store_id, config.terminal_id)
    enrollment = MemberEnrollmentService(terminal.db, SystemClock(), key=lambda: key, page_url=hq.url,
                                         store_id=config.store_id, terminal_id=config.terminal_id, client=client)
    services.members = MemberDesk(terminal.db, terminal.clock, services.audit, services.authorizer,
                                  services.catalog, client=client, enrollment=lambda: enrollment, store_id="S001")
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    window = shell.window
    window.open_screen("members")
    screen = window.screens["members"]
    type_enter(screen.scan_input, MemberCodes(hq.service.engine, members).issue(member))
    shell.qtbot.waitUntil(lambda: shown(screen), timeout=10_000)
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5)
    shell.qtbot.waitUntil(lambda: screen.offer is not None, timeout=10_000)
    screen.timer.stop()  # nobody joins in this test
    assert screen.browsing_model.rowCount() == len(skus)
    assert screen.personal.isVisible() and screen.history.isVisible()
    screen._revealed(member, "address", "上海市静安区南京西路 1 号")  # as after F7: the longest profile
    shots = os.environ.get("STORE_CLIENT_SHOTS")
    found = {}
    for mode, width, height in window_sizes():
        window.resize(width, height)
        QApplication.processEvents()
        issues = problems(window)
        if issues:
            found[f"{mode}-{width}x{height}"] = issues
        if shots and locale == "zh_CN" and mode == "fullscreen" and (width, height) in ((1024, 768), (1366, 768)):
            window.grab().save(str(Path(shots) / f"sizes-members-{width}x{height}.png"), "PNG")
    assert found == {}
    window.lock()  # F12 or the idle timer: the visit's data leaves the screen
    assert screen.profile is None and screen.offer is None and screen.browsing_model.rowCount() == 0


@pytest.mark.serial
def test_offline_the_till_finds_the_members_it_knows_and_says_so(qtbot, terminal, tasks, counter) -> None:
    services, codes, member = counter
    services.members.open(ASSOCIATE, PHONE)  # seen online once: in this till's member cache (phone digest)
    services.members = MemberDesk(terminal.db, terminal.clock, services.audit, services.authorizer,
                                  services.catalog, client=lambda: HQClient("http://127.0.0.1:9", "t", timeout=1))
    screen = make_screen(qtbot, terminal, tasks, services, ASSOCIATE)
    type_enter(screen.scan_input, codes.issue(member))
    qtbot.waitUntil(lambda: "a member code needs HQ" in screen.message.text(), timeout=10_000)
    type_enter(screen.scan_input, PHONE)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    assert "HQ unreachable" in screen.source.text() and "points as last known" in screen.source.text()
    assert screen.browsing_note.text() == "Online browsing needs HQ." and screen.history.text() == ""
    type_enter(screen.scan_input, "13900009999")
    qtbot.waitUntil(lambda: "does not know that member" in screen.message.text(), timeout=10_000)


@pytest.mark.serial
def test_a_manager_finds_a_member_by_name_by_keys_and_others_cannot(qtbot, terminal, tasks, counter, hq) -> None:
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from store_client.persistence.models import AuditEntry
    from store_client.services.errors import PermissionDenied
    from store_client.ui.screens.member_screen import create_member_screen

    services, _codes, member = counter
    hq_members = MembersService(hq.service.engine)
    for n, phone in enumerate(("13900000001", "13900000002")):  # two more called 王…, one not
        hq_members.enroll(phone, name=f"王{'小明' if n else '%_'}", store_id="S001", terminal_id="T01",
                          associate_id=None, channel="online", terms=True, marketing=False, personalization=False)
    hq_members.enroll("13900000003", name="李雷", store_id="S001", terminal_id="T01", associate_id=None,
                      channel="online", terms=True, marketing=False, personalization=False)
    manager = services.auth.login("m1", "2468")
    screen = create_member_screen(screen_context(terminal, tasks, manager, "en", services=services))
    qtbot.addWidget(screen)
    screen.resize(1024, 696)
    screen.show()
    assert screen.name_button.isVisible()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2_000)
    screen.scan_input.setFocus()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=2_000)
    typed = QInputMethodEvent()  # Chinese comes from the input method, as on a real till
    typed.setCommitString("王")
    QApplication.sendEvent(screen.dialog.input, typed)
    QTest.keyClick(screen.dialog.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.objectName() == "member.nameResults.dialog"
                    and screen.dialog.isVisible(), timeout=10_000)
    results = screen.dialog
    shown = [results.list.item(i).text() for i in range(results.list.count())]
    assert len(shown) == 3 and all(row.startswith("王") for row in shown)  # 李雷 is not one of them
    assert "138****5678" in " ".join(shown) and "13812345678" not in " ".join(shown)
    assert any(row.startswith("王%_") for row in shown)  # % and _ are letters, not wildcards
    target = next(i for i, row in enumerate(shown) if "138****5678" in row)
    for _ in range(target):
        QTest.keyClick(results.list, Qt.Key.Key_Down)
    QTest.keyClick(results.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.profile is not None, timeout=10_000)
    assert screen.profile.member_id == member
    with terminal.db.read() as s:
        searched = s.scalars(select(AuditEntry).where(AuditEntry.action == "member.name_searched")).all()
        assert [e.operator_id for e in searched] == ["m1"] and "王" not in searched[0].details
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2_000)

    cashier_screen = make_screen(qtbot, terminal, tasks, services, CASHIER)
    assert not cashier_screen.name_button.isVisible()
    QTest.keyClick(cashier_screen.scan_input, Qt.Key.Key_F8)  # nothing for a cashier
    assert cashier_screen.dialog is None
    with pytest.raises(PermissionDenied):
        services.members.search_by_name(ASSOCIATE, "王")
