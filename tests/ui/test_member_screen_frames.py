"""The Members screen shows a profile over two frames: the member's lines on the first, the
browsing list with its rows on the next; a profile closed or replaced meanwhile
never shows the rows it did not get to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from store_client.services.member_desk import BrowsedItem, MemberProfile, NearbyStock, WalletCoupon
from store_client.ui.operations.changes import ChangeHub
from store_client.ui.screens.member_screen import MemberScreen

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def profile(member_id: str = "M0000000001", items: int = 20) -> MemberProfile:
    browsed = tuple(BrowsedItem(f"1{n:05d}", f"商品{n}", f"Item {n}", "wish" if n % 5 == 0 else "view",
                                NOW - timedelta(hours=n), n % 4 if n % 3 else None,
                                (NearbyStock("人民广场店", 4, 2800),) if n % 3 == 0 else ()) for n in range(items))
    return MemberProfile(member_id, "138****0000", "gold", 1234, True, (WalletCoupon("C1", "10 off", None),),
                         browsed, "shown")


@pytest.fixture
def screen(qtbot):  # type: ignore[no-untyped-def]
    screen = MemberScreen(None, ChangeHub(), locale="en", display=lambda: None)  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


class RowsAtPaint(QObject):
    """The list's row count each time the member's summary line paints."""

    def __init__(self, screen: MemberScreen) -> None:
        super().__init__()
        self.screen, self.seen = screen, []
        screen.summary.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.seen.append(self.screen.browsing_model.rowCount())
        return False


def test_the_first_frame_paints_the_member_and_the_next_the_list(  # type: ignore[no-untyped-def]
        screen, qtbot) -> None:
    rows_at_paint = RowsAtPaint(screen)
    screen._opened(profile())
    assert "138****0000" in screen.summary.text() and screen.coupons.text() == "Coupons: 10 off"
    assert not screen.browsing.isVisible() and screen.browsing_model.rowCount() == 0  # on the next frame
    qtbot.waitUntil(lambda: screen.browsing_model.rowCount() == 20, timeout=2_000)
    assert screen.browsing.isVisible()
    assert rows_at_paint.seen[:1] == [0]  # the summary painted before the list was filled
    assert screen.browsing.selectionModel().selectedRows()[0].row() == 0  # F4 adds the first item
    index = screen.browsing_model.index(0, 3)
    assert index.data() == "nearby: 人民广场店 has 4"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "人民广场店 (2.8 km): 4"
    assert index.data(Qt.ItemDataRole.UserRole) == "100000"


def test_a_profile_closed_before_the_next_frame_never_shows_its_list(  # type: ignore[no-untyped-def]
        screen, qtbot) -> None:
    screen._opened(profile())
    screen.close_profile()  # F6 at once
    for _ in range(5):
        QApplication.processEvents()
    assert screen.profile is None and screen.browsing_model.rowCount() == 0 and not screen.browsing.isVisible()


def test_another_member_before_the_next_frame_shows_only_their_list(  # type: ignore[no-untyped-def]
        screen, qtbot) -> None:
    screen._opened(profile("M0000000001", items=20))
    screen._opened(profile("M0000000002", items=3))
    qtbot.waitUntil(lambda: screen.browsing_model.rowCount() == 3, timeout=2_000)
    for _ in range(5):
        QApplication.processEvents()
    assert screen.browsing_model.rowCount() == 3 and screen.profile.member_id == "M0000000002"
    screen._opened(profile("M0000000003", items=0))  # no browsing: no list, nothing left over
    for _ in range(5):
        QApplication.processEvents()
    assert screen.browsing_model.rowCount() == 0 and not screen.browsing.isVisible()
    assert not screen.add_button.isEnabled()
