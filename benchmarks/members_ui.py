"""What the members benchmark measures of the screens themselves: the Members screen showing an
opened profile, frame by frame, against bare Qt; the enrollment page's first paint in a real
browser (Debian's headless Chromium driven by Playwright, as its test does).

A frame here is one pass of the Qt event loop (what the UI thread does before it next waits):
the profile's arrival (``MemberScreen._opened``, what the open operation calls on the UI
thread) is counted into the first pass, and a pass counts when it paints. Nothing is
repainted by force: what is painted is what Qt's own updates ask, as in the app.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

SHOWS = 20  # the profile closed and shown again, after the first time


class _Paints:
    """Counts paint events on a widget tree (an event filter: it changes nothing)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint

        class Filter(QObject):
            count = 0

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
                if event.type() == paint:
                    Filter.count += 1
                return False

        self.filter = Filter()

    def watch(self, root: Any) -> None:
        from PySide6.QtWidgets import QWidget

        for widget in (root, *root.findChildren(QWidget)):
            widget.installEventFilter(self.filter)

    @property
    def count(self) -> int:
        return int(self.filter.count)


def _frames(app: Any, paints: _Paints, arrive: Callable[[], None]) -> list[float]:
    """UI-thread milliseconds of each frame from ``arrive()`` until the screen is idle."""
    started = time.perf_counter()
    arrive()
    carried = (time.perf_counter() - started) * 1000  # the arrival's own work: into the first frame
    frames: list[float] = []
    quiet = 0
    while quiet < 3:
        before = paints.count
        started = time.perf_counter()
        app.processEvents()
        spent = (time.perf_counter() - started) * 1000
        if paints.count > before:
            frames.append(carried + spent)
            carried, quiet = 0.0, 0
        else:
            carried += spent if spent > 0.2 else 0.0  # work without a paint belongs to the next frame
            quiet += 1
    return frames


def _settle(app: Any) -> None:
    for _ in range(5):
        app.processEvents()


def screen_frames(profile: Any, size: tuple[int, int]) -> dict[str, Any]:
    """The real Members screen (the app's fonts, theme and zh_CN translations): built once,
    then the profile shown the first time and ``SHOWS`` times again (closed in between)."""
    from store_client.ui.app import ensure_platform, setup_application, teardown

    ensure_platform(offscreen=True)
    runtime = setup_application("zh_CN")
    app = runtime.app
    from store_client.ui.operations.changes import ChangeHub
    from store_client.ui.screens.member_screen import MemberScreen

    app.setCursorFlashTime(0)  # no caret blink painting into a measured frame
    started = time.perf_counter()
    screen = MemberScreen(None, ChangeHub(), locale="zh_CN", display=lambda: None)  # type: ignore[arg-type]
    screen.resize(*size)
    screen.show()
    _settle(app)
    built = (time.perf_counter() - started) * 1000
    paints = _Paints()
    paints.watch(screen)
    first = _frames(app, paints, lambda: screen._opened(profile))
    assert screen.browsing_model.rowCount() == len(profile.browsing or ()), "the list was not filled"
    again: list[list[float]] = []
    for _ in range(SHOWS):
        screen._show_profile(None)
        _settle(app)
        again.append(_frames(app, paints, lambda: screen._opened(profile)))
    screen.close()
    teardown(runtime)
    return {"built": built, "first": first, "again": again, "load": os.getloadavg()[0]}


def bare_frames(profile: Any, size: tuple[int, int]) -> dict[str, Any]:
    """The floor: bare Qt, no style sheet: the same seven lines in plain QLabels and the same
    rows in a QStandardItemModel under a QTableView, set in one go (no frames spread)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QLabel, QTableView, QVBoxLayout, QWidget

    from store_client.ui.app import ensure_platform

    ensure_platform(offscreen=True)
    app = QApplication.instance() or QApplication([])
    sheet = app.styleSheet()
    app.setStyleSheet("")
    window = QWidget()
    labels = [QLabel(window) for _ in range(7)]
    table = QTableView(window)
    model = QStandardItemModel(0, 4, window)
    table.setModel(model)
    layout = QVBoxLayout(window)
    for label in labels:
        label.setWordWrap(True)
        layout.addWidget(label)
    layout.addWidget(table, 1)
    window.resize(*size)
    window.show()
    _settle(app)
    paints = _Paints()
    paints.watch(window)
    items = profile.browsing or ()
    lines = [f"{profile.phone_masked} · {profile.tier} · {profile.points} 积分",
             f"会员 {profile.member_id} · 来自总部", "生日：5 月", "优惠券：满100减10",
             "最近购买：12-01 10:00 S001，3 件，¥123.45", "积分：+10 门店", "在线浏览过："]

    def arrive() -> None:
        for label, line in zip(labels, lines, strict=True):
            label.setText(line)
        model.setRowCount(0)
        for item in items:
            model.appendRow([QStandardItem(item.name_zh), QStandardItem("浏览"),
                             QStandardItem(item.at.strftime("%m-%d %H:%M")), QStandardItem(str(item.available))])

    def leave() -> None:
        for label in labels:
            label.clear()
        model.setRowCount(0)

    first = _frames(app, paints, arrive)
    again = []
    for _ in range(SHOWS):
        leave()
        _settle(app)
        again.append(_frames(app, paints, arrive))
    window.close()
    app.setStyleSheet(sheet)
    return {"first": first, "again": again}


def browser_first_paint(url_of_a_new_link: Callable[[], str], runs: int) -> list[float]:
    """The enrollment page opened ``runs`` times, each from a new link in a new browser context
    (a phone's first visit: nothing cached), on a phone-sized viewport: the page's own
    ``first-contentful-paint`` (Paint Timing, ms from the navigation's start)."""
    from playwright.sync_api import sync_playwright

    from tests.integration.sync.test_member_enrollment_page_browser import (
        CHROMIUM,
        first_contentful_paint,
        launch,
        phone,
    )

    if CHROMIUM is None:
        raise RuntimeError("no system Chromium (apt-get install chromium)")
    paints = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for _ in range(runs):
                context, page, outside = phone(browser)
                page.goto(url_of_a_new_link())
                paints.append(first_contentful_paint(page))
                assert page.locator("h1").inner_text() == "加入会员" and outside == [], \
                    (page.locator("h1").inner_text(), outside)  # the page itself, nothing from elsewhere
                context.close()
        finally:
            browser.close()
    return paints
