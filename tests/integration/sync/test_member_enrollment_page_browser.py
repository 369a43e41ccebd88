"""The enrollment page in a real browser: Debian's headless Chromium driven by Playwright,
on a phone-sized viewport, against the real HQ on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MembersService
from sync.hq.service import HQService
from sync.protocol.signing import SigningKey

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium: scripts/dev.sh test installs it as root")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium)")
SHOTS = Path(os.environ.get("STORE_CLIENT_SHOTS", "")) if os.environ.get("STORE_CLIENT_SHOTS") else None


@pytest.fixture
def hq(sqlite_hq: HQService):
    server = HQServer(sqlite_hq, app=create_app(sqlite_hq, show_codes=True)).start()
    key = SigningKey.generate("S001-T01-web")
    MemberEnrollmentService(sqlite_hq.engine, MembersService(sqlite_hq.engine)).register_key("S001", "T01", key.kid,
                                                                                       key.public)
    yield server, key
    server.stop()


def launch(playwright):  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless, quiet (no network of its own); the benchmark launches it so too."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def make_link(key: SigningKey, nonce: str, ttl: int = 600) -> str:
    return key.sign({"typ": "enroll", "s": "S001", "t": "T01", "a": "1002", "c": "cart-7", "n": nonce,
                     "exp": int(time.time()) + ttl})


def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    return context, page, outside


def first_contentful_paint(page, within: float = 10.0) -> float:
    """Poll with evaluate: wait_for_function compiles its predicate with eval, which the page's CSP forbids."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        paint = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        if paint is not None:
            return paint
        page.wait_for_timeout(50)
    raise AssertionError(f"no first contentful paint within {within} s")


def test_a_customer_joins_from_a_phone(hq, browser, sqlite_hq):
    server, key = hq
    context, page, outside = phone(browser)
    page.goto(f"{server.url}/enroll?t={make_link(key, 'nonce-browser-1')}")
    paint = first_contentful_paint(page)
    assert 0 <= paint <= 1000, f"first contentful paint {paint} ms"
    assert page.locator("h1").inner_text() == "加入会员"
    assert page.locator("#privacy").is_visible()
    page.fill("#phone", "13812345678")
    page.click("#send")
    notice = page.locator("#notice").inner_text()
    code = notice.split("验证码 ")[1][:6]
    page.fill("#code", code)
    page.check("#terms")
    page.check("#personalization")
    if SHOTS:
        page.screenshot(path=str(SHOTS / "enroll-page-zh.png"), full_page=True)
    page.click("#join")
    assert "138****5678" in page.locator("#done").inner_text()
    assert outside == []  # no external resources, no trackers
    status = MemberEnrollmentService(sqlite_hq.engine, MembersService(sqlite_hq.engine)).status_for_terminal(
        "S001", "nonce-browser-1")
    assert status["status"] == "done"
    member = MembersService(sqlite_hq.engine).get(status["member_id"])
    assert member["personalization"] is True and member["marketing"] is False
    context.close()


def test_a_double_tap_on_join_makes_one_member(hq, browser, sqlite_hq):
    server, key = hq
    context, page, _ = phone(browser)
    page.goto(f"{server.url}/enroll?t={make_link(key, 'nonce-browser-2')}&lang=en")
    assert page.locator("h1").inner_text() == "Join as a member"
    page.fill("#phone", "13900001111")
    page.click("#send")
    page.fill("#code", page.locator("#notice").inner_text().split("says ")[1][:6])
    page.check("#terms")
    page.dblclick("#join")
    page.wait_for_selector("#done")
    with sqlite_hq.engine.connect() as conn:
        from sqlalchemy import func, select

        from sync.hq.members import members
        assert conn.scalar(select(func.count()).select_from(members).where(members.c.phone == "13900001111")) == 1
    context.close()


def test_bad_links_get_a_clear_page(hq, browser):
    server, key = hq
    context, page, _ = phone(browser)
    expired = make_link(key, "nonce-browser-3", ttl=-120)
    response = page.goto(f"{server.url}/enroll?t={expired}")
    assert response.status == 410 and "过期" in page.locator("#error").inner_text()
    forged = SigningKey.generate(key.kid).sign({"typ": "enroll", "s": "S001", "t": "T01", "n": "nonce-browser-4",
                                                "exp": int(time.time()) + 60})
    response = page.goto(f"{server.url}/enroll?t={forged}")
    assert response.status == 400 and "无法验证" in page.locator("#error").inner_text()
    page.goto(f"{server.url}/enroll?t={make_link(key, 'nonce-browser-5')}")
    page.click("#lang")
    assert page.locator("h1").inner_text() == "Join as a member"
    context.close()
