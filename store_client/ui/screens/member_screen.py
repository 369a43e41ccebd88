"""会员 Members: the member at the counter — find, profile, attach to the sale, join by QR.

Scan the member's code from their app (or type the phone number, card or member id) and
Enter: the profile opens as the signed-in role may see it (docs/members.md): masked phone,
tier, points, and for an associate or a manager the coupons in the wallet and — only with
the member's consent to personalization — what they viewed or wished for online, each
marked in stock here or not. With a profile open, an item scanned (or the selected row of
that list, F4) goes on the current sale. Offline the till finds the members it knows and
says that the points are as last known.

F5 shows the enrollment QR: the customer joins on their own phone; the till sees it within
seconds, opens the new member's profile and attaches them to the sale.

When the store has the member confirm first (store setting ``members.display_confirm``),
the browsing stays hidden while the customer display asks the member; it shows when they
agree there, and stays hidden (audited) when they decline, do not answer in time, or no
display answers.

Keys: F2 find · F3 attach to the sale · F4 add the selected item · F5 enrollment QR ·
F6 close the profile (locking the till or the sale ending closes it too) · F7 reveal the full
phone, birthday or address (a manager, with a reason; audited) ·
F8 search by name (a manager; each search audited) ·
Up / Down choose an item of the list.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client import store_time
from store_client.domain.member_privacy import MAY_REVEAL
from store_client.domain.roles import Decision, Permission, Role, decide
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.i18n import money_locale
from store_client.ui.checkout.dialogs import ChoiceDialog, PromptDialog
from store_client.ui.checkout.side_panel import tier_label
from store_client.ui.checkout.formatting import money_text
from store_client.ui.screens.member_browsing_model import SKU_ROLE, BrowsingModel
from store_client.ui.screens.member_profile_text import MemberProfileText
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text
from store_client.ui.table_fit import ColumnFitter

if TYPE_CHECKING:
    from collections.abc import Callable

    from store_client.hardware.customer_display import CustomerDisplay
    from store_client.services.checkout_views import CartView
    from store_client.services.member_desk import MemberProfile, NameMatch
    from store_client.ui.operations import ChangeHub, Changes
    from store_client.ui.operations.members import Added, Browsing, Joined, MembersOps, QrOffer

# What is a member (not an item) in the scan field: a dynamic code, a phone, a member id.
_MEMBER = re.compile(r"v1\.[^.]+\.[^.]+\.[^.]+|1\d{10}|M\d{4,15}")
POLL_MS = 2000  # how often the till asks HQ whether the customer has joined
QR_PIXELS = 232
#: What the customer display asks (the customer reads Chinese first, like its other texts).
DISPLAY_QUESTION = "店员想查看您在网上浏览、收藏和加入购物车的商品，为您推荐。是否同意？\nMay the associate see what you browsed online?"


class MemberScreen(QWidget):
    def __init__(self, ops: MembersOps, hub: ChangeHub, *, locale: str = "zh_CN",
                 can_reveal: bool = False, can_search_name: bool = False, currency: str = "CNY", now: Callable[[], datetime] | None = None,
                 display: Callable[[], CustomerDisplay | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("member.screen")
        self.ops, self.lang = ops, locale
        self.currency, self._money_locale = currency, money_locale(locale)
        self._display = display or (lambda: _shared_display(currency))  # the customer's screen, if any
        self.now = now or (lambda: datetime.now(UTC))  # the link's expiry is in the till's time
        self.profile: MemberProfile | None = None
        self.offer: QrOffer | None = None
        self._checking = False
        self.texts = MemberProfileText(currency, self._money_locale, self)
        # The amounts' shape read from Babel's locale data now (~0.1 s the first time in the
        # process), not on the frame that shows the first profile.
        money_text(0, currency, self._money_locale)
        self._asked: CustomerDisplay | None = None  # the display asking the member, while it does
        self.answer_timer = QTimer(self)  # the member's time to answer on the display
        self.answer_timer.setSingleShot(True)
        self.answer_timer.timeout.connect(lambda: self._member_answered(None))

        title = QLabel(self.tr("Members"), self)
        title.setProperty("kind", "title")
        self.scan_input = named(QLineEdit(self), "member.scanInput",
                                self.tr("Member code, phone, card, or an item to add"))
        self.scan_input.setPlaceholderText(self.tr("Scan the member's code or type the phone number"))
        self.scan_input.returnPressed.connect(self._entered)
        self.message = named(QLabel(self), "member.message", self.tr("Message"))
        self.message.setWordWrap(True)

        keyed: list[tuple[str, QPushButton]] = []

        def button(name: str, text: str, spoken: str, slot: Callable[[], object], key: str) -> QPushButton:
            b = named(QPushButton(text, self), f"member.{name}", spoken)
            b.clicked.connect(slot)
            keyed.append((key, b))
            return b

        self.find_button = button("find", self.tr("Find"), self.tr("Find the member typed"), self.find, "F2")
        self.attach_button = button("attach", self.tr("Attach to sale"),
                                    self.tr("Attach the member to the current sale"), self.attach, "F3")
        self.add_button = button("addItem", self.tr("Add item"),
                                 self.tr("Add the selected item to the sale"), self.add_selected, "F4")
        self.enroll_button = button("enroll", self.tr("Join QR"),
                                    self.tr("Show the QR code to join as a member"), self.enroll, "F5")
        self.close_button = button("close", self.tr("Close"), self.tr("Close the member's profile"),
                                   self.close_profile, "F6")
        self.reveal_button = button("reveal", self.tr("Reveal"),
                                    self.tr("Show the member's full phone, birthday or address (with a reason)"),
                                    self.ask_reveal, "F7")
        self.reveal_button.setVisible(can_reveal)  # a manager only (docs/members.md)
        self.name_button = button("searchName", self.tr("By name"),
                                  self.tr("Search members by name (a manager; audited)"), self.ask_name, "F8")
        self.name_button.setVisible(can_search_name)
        self.dialog: QDialog | None = None
        keymap.keyed_buttons(self, keyed, extra=[
            keymap.KeyAction(("Up",), self.tr("Choose the item above"), lambda: self._move(-1)),
            keymap.KeyAction(("Down",), self.tr("Choose the item below"), lambda: self._move(1)),
        ])

        # the profile: basic grade for everyone; coupons and browsing by grade and consent
        self.summary = named(QLabel(self), "member.summary", self.tr("Member"))
        self.summary.setProperty("kind", "subtitle")
        self.summary.setWordWrap(True)
        self.source = named(QLabel(self), "member.source", self.tr("Where the data comes from"))
        self.source.setWordWrap(True)
        self.personal = named(QLabel(self), "member.personal", self.tr("Birthday and address"))
        self.personal.setWordWrap(True)
        self.revealed = named(QLabel(self), "member.revealed", self.tr("What was revealed"))
        self.revealed.setWordWrap(True)
        self.coupons = named(QLabel(self), "member.coupons", self.tr("Coupons in the wallet"))
        self.coupons.setWordWrap(True)
        self.history = named(QLabel(self), "member.history", self.tr("Purchases and points in every channel"))
        self.history.setWordWrap(True)
        self.browsing_note = named(QLabel(self), "member.browsingNote", self.tr("Online browsing"))
        self.browsing_note.setWordWrap(True)
        # Built once: a profile resets the model's rows; the view makes the text of the rows it paints.
        self.browsing_model = BrowsingModel(self.texts, locale, [self.tr("Item"), self.tr("Online"),
                                                                 self.tr("When"), self.tr("In stock")], self)
        self.browsing = named(QTableView(self), "member.browsing", self.tr("What the member viewed online"))
        self.browsing.setModel(self.browsing_model)
        self.browsing.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.browsing.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.browsing.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.browsing.setWordWrap(False)
        # Always there: rows arriving never narrow the viewport (a relayout and a second paint).
        self.browsing.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        vertical = self.browsing.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row measured for its height
        vertical.setDefaultSectionSize(36)
        header = self.browsing.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no cell measured for its width
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fill = QTimer(self)
        self._fill.setSingleShot(True)
        self._fill.setInterval(0)
        self._fill.timeout.connect(self._fill_browsing)
        self._columns = ColumnFitter(self.browsing, {1: 110, 2: 130, 3: 230}, stretch_min=200,
                                     floors={1: 90, 2: 120, 3: 180})

        # the enrollment QR
        self.qr = named(QLabel(self), "member.enrollQr", self.tr("QR code to join as a member"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setFixedSize(QR_PIXELS + 8, QR_PIXELS + 8)
        self.qr_note = named(QLabel(self), "member.enrollNote", self.tr("How to join"))
        self.qr_note.setWordWrap(True)
        self.qr_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)

        bar = QHBoxLayout()
        for b in (self.find_button, self.attach_button, self.add_button, self.enroll_button, self.close_button,
                  self.reveal_button):
            b.setProperty("kind", "bar")
            bar.addWidget(b)
        bar.addStretch(1)
        info = QVBoxLayout()
        info.addWidget(self.summary)
        info.addWidget(self.source)
        info.addWidget(self.personal)
        info.addWidget(self.revealed)
        info.addWidget(self.coupons)
        info.addWidget(self.history)
        info.addWidget(self.browsing_note)
        info.addWidget(self.browsing, 1)
        # Takes the room the browsing list leaves when it is hidden (no HQ, no consent), so the
        # profile's lines stay together at the top instead of spreading down the screen.
        info.addStretch(0)
        join = QVBoxLayout()
        join.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        join.addWidget(self.qr_note)
        join.addStretch(1)
        body = QGridLayout()
        body.addLayout(info, 0, 0)
        body.addLayout(join, 0, 1)
        body.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(bar)
        entry = QHBoxLayout()  # a manager's search by name sits by the box it replaces
        entry.addWidget(self.scan_input, 1)
        self.name_button.setProperty("kind", "bar")
        entry.addWidget(self.name_button)
        layout.addLayout(entry)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        hub.changed.connect(self._changed)
        # Styled now, once, though hidden until a profile needs them: the style sheet's polish of
        # the list (header, viewport, scroll bars) would otherwise fall on the profile's frame.
        for widget in (self.personal, self.history, self.revealed, self.browsing):
            widget.ensurePolished()
        self._show_profile(None)
        self._show_offer(None)

    # -- finding -----------------------------------------------------------------------------------
    def activated(self) -> None:
        self.scan_input.setFocus()

    def _entered(self) -> None:
        text = self.scan_input.text().strip()
        if text:
            self.handle_scan(text)

    def handle_scan(self, code: str) -> None:
        """A scanner burst (the app's wedge filter) or a code typed and Enter: a member's code,
        phone or id finds the member; with a profile open, anything else is an item for the sale."""
        self.scan_input.clear()
        if self.profile is not None and not _MEMBER.fullmatch(code):
            self.ops.add_item(code=code).run(self, success=self._item_added, failure=self._error)
            return
        self._say(self.tr("Looking the member up…"))
        self.ops.open(query=code).run(self, success=self._opened, failure=self._error,
                                      busy=(self.find_button,))

    def find(self) -> None:
        text = self.scan_input.text().strip()
        if text:
            self.handle_scan(text)
        else:
            self._say(self.tr("Scan the member's code or type the phone number, then Enter."))
            self.scan_input.setFocus()

    def _opened(self, profile: MemberProfile) -> None:
        self._show_profile(profile)
        self._say(self.tr("Member found: F3 attaches them to the sale."))
        self.scan_input.setFocus()

    # -- the profile -------------------------------------------------------------------------------
    def _show_profile(self, profile: MemberProfile | None) -> None:
        same = profile is not None and self.profile is not None and profile.member_id == self.profile.member_id
        if not (same and profile is not None and profile.browsing_state != "awaiting_member"):
            self._withdraw_question()  # another member, or none: the display's question goes
        self.profile = profile
        self._fill.stop()
        self.browsing_model.set_rows([])  # the last member's list goes on this frame
        if not same:
            self.revealed.clear()
            self.revealed.hide()
        if profile is None:
            self.summary.setText(self.tr("No member open."))
            for label in (self.source, self.personal, self.coupons, self.history, self.browsing_note):
                label.clear()
            self.browsing.hide()
            self._update_buttons()
            return
        self.summary.setText(self.tr("%1 · %2 · %3 points").replace("%1", profile.phone_masked)
                             .replace("%2", tier_label(profile.tier)).replace("%3", str(profile.points)))
        self.source.setText(self.tr("Member %1 · from HQ").replace("%1", profile.member_id) if profile.from_hq
                            else self.tr("Member %1 · HQ unreachable: as this till last knew them, "
                                         "points as last known").replace("%1", profile.member_id))
        if profile.coupons is None:
            self.coupons.clear()
        elif profile.coupons:
            self.coupons.setText(self.tr("Coupons: %1").replace("%1", "、".join(c.title for c in profile.coupons)))
        else:
            self.coupons.setText(self.tr("No coupons in the wallet."))
        self.personal.setText(self.texts.personal(profile))
        self.personal.setVisible(bool(self.personal.text()))
        self.history.setText(self.texts.history(profile))
        self.history.setVisible(bool(self.history.text()))
        self.browsing_note.setText(self.texts.browsing_note(profile))
        if profile.browsing:
            self._fill.start()  # the list on the next frame: this one paints the member's lines
        else:
            self.browsing.hide()
        if profile.browsing_state == "awaiting_member" and self._asked is None:
            self._ask_member(profile)
        self._update_buttons()

    def _fill_browsing(self) -> None:
        """The second frame of a profile: the browsing list shown with its rows (the view makes
        the text of the rows it paints), the first one selected for F4."""
        items = self.profile.browsing if self.profile is not None else None
        if items:
            self.browsing_model.set_rows(list(items))
            self.browsing.show()
            self.browsing.selectRow(0)

    # -- the member confirms on the customer display (a store setting) ------------------------------
    def _ask_member(self, profile: MemberProfile) -> None:
        """The browsing stays hidden while the display asks; the member's answer (or none in
        ``confirm_seconds``) goes to the service, which audits it and fetches only on a yes."""
        display = self._display()
        if display is None:
            self._send_answer(profile.member_id, "no_display")
            return
        self._asked = display
        display.answered.connect(self._member_answered)
        display.ask(DISPLAY_QUESTION)
        self.answer_timer.start(max(profile.confirm_seconds, 1) * 1000)

    def _member_answered(self, agreed: bool | None) -> None:
        """From the display (True / False) or the timer running out (None)."""
        if self.profile is None or self._asked is None:
            return
        self._withdraw_question()
        self._send_answer(self.profile.member_id, "timeout" if agreed is None else
                          "confirmed" if agreed else "declined")

    def _withdraw_question(self) -> None:
        self.answer_timer.stop()
        asked, self._asked = self._asked, None
        if asked is not None:
            asked.answered.disconnect(self._member_answered)
            asked.withdraw()

    def _send_answer(self, member_id: str, answer: str) -> None:
        asked = self.profile  # this visit's profile: a later one (even of the same member) asks anew
        self.ops.browsing_answer(member_id=member_id, answer=answer).run(
            self, success=lambda got: self._browsing_answered(asked, got), failure=self._error)

    def _browsing_answered(self, asked: MemberProfile | None, got: Browsing) -> None:
        if self.profile is None or self.profile is not asked:
            return  # the profile closed or was opened again meanwhile: nothing is shown
        self._show_profile(replace(self.profile, browsing=got.items, search_keywords=got.keywords or None,
                                   browsing_state=got.state, confirm_seconds=0))

    def _update_buttons(self) -> None:
        self.reveal_button.setEnabled(self.profile is not None)
        self.attach_button.setEnabled(self.profile is not None)
        self.close_button.setEnabled(self.profile is not None)
        self.add_button.setEnabled(bool(self.profile and self.profile.browsing))

    def _move(self, step: int) -> None:
        rows = self.browsing_model.rowCount()
        if not rows:
            return
        selected = self.browsing.selectionModel().selectedRows()
        current = selected[0].row() if selected else -1
        self.browsing.selectRow(max(0, min(rows - 1, current + step)))

    def close_profile(self) -> None:
        self._show_profile(None)
        self._say(self.tr("Profile closed."))
        self.scan_input.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        """The till locked (F12 or the idle timer disables the workspace): the visit's data goes —
        the profile, a revealed number and the QR."""
        if event.type() == QEvent.Type.EnabledChange and not self.isEnabled():
            if self.profile is not None:
                self._show_profile(None)
                self._say(self.tr("Profile closed."))
            self._show_offer(None)
        super().changeEvent(event)

    def _changed(self, changes: Changes, initiator: object) -> None:
        """The sale ended (completed or voided elsewhere): the visit is over, so is the profile."""
        if changes.sale and self.profile is not None:
            self._show_profile(None)

    # -- by name (a manager) -------------------------------------------------------------------------
    def ask_name(self) -> None:
        if not self.name_button.isVisible() or (self.dialog is not None and self.dialog.isVisible()):
            return
        dialog = PromptDialog("member.nameSearch", self.tr("Search members by name"), self.tr("Name"),
                              placeholder=self.tr("The start of the name, e.g. 王"), parent=self)
        dialog.accepted_value.connect(lambda name: self._search_name(str(name)))
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: QDialog) -> None:
        """Open ``dialog`` as the screen's one dialog; forgotten (and deleted) when it closes."""
        def closed(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
                self._keys_enabled(True)
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.dialog = dialog
        self._keys_enabled(False)  # the dialog is a child: the screen's Up / Down would take its keys
        dialog.open()

    def _keys_enabled(self, on: bool) -> None:
        for shortcut in self.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly):
            shortcut.setEnabled(on)

    def _search_name(self, name: str) -> None:
        self._say(self.tr("Asking HQ…"))
        self.ops.search_by_name(name=name).run(self, success=self._name_matches, failure=self._error,
                                               busy=(self.name_button,))

    def _name_matches(self, matches: tuple[NameMatch, ...]) -> None:
        rows: list[tuple[str, object]] = [
            (f"{m.name} · {m.phone_masked} · {tier_label(m.tier)} · {m.member_id}", m.member_id) for m in matches]
        dialog = ChoiceDialog("member.nameResults", self.tr("Members found"), rows, ok_text=self.tr("Open"),
                              empty_text=self.tr("No member's name starts with that."), parent=self)
        dialog.accepted_value.connect(lambda member_id: self.handle_scan(str(member_id)))
        self._say(self.tr("%1 found: Up / Down and Enter opens one.").replace("%1", str(len(matches))))
        self._show_dialog(dialog)

    # -- a masked field revealed (a manager, with a reason) ------------------------------------------
    def _fields(self) -> dict[str, tuple[str, str]]:
        """Each revealable field: its name in the chooser, and the line that shows its value."""
        return {"phone": (self.tr("Full phone number"), self.tr("Full phone number: %1 (recorded in the audit log)")),
                "birthday": (self.tr("Birthday"), self.tr("Birthday: %1 (recorded in the audit log)")),
                "address": (self.tr("Address"), self.tr("Address: %1 (recorded in the audit log)"))}

    def ask_reveal(self) -> None:
        if self.profile is None or (self.dialog is not None and self.dialog.isVisible()):
            return
        member_id = self.profile.member_id
        dialog = ChoiceDialog("member.revealField", self.tr("Reveal which field?"),
                              [(name, field) for field, (name, _line) in self._fields().items()],
                              ok_text=self.tr("Next"), empty_text="", parent=self)
        dialog.accepted_value.connect(
            lambda field: QTimer.singleShot(0, lambda: self._ask_reason(member_id, str(field))))
        self._show_dialog(dialog)

    def _ask_reason(self, member_id: str, field: str) -> None:
        if self.profile is None or self.profile.member_id != member_id:
            return
        dialog = PromptDialog("member.reveal", self.tr("Reveal: %1").replace("%1", self._fields()[field][0]),
                              self.tr("Reason"), placeholder=self.tr("Why it is needed, e.g. arranging a delivery"),
                              parent=self)
        dialog.accepted_value.connect(lambda reason: self._reveal(member_id, field, str(reason)))
        self._show_dialog(dialog)

    def _reveal(self, member_id: str, field: str, reason: str) -> None:
        self.ops.reveal(member_id=member_id, field=field, reason=reason).run(
            self, success=lambda value: self._revealed(member_id, field, value), failure=self._error)

    def _revealed(self, member_id: str, field: str, value: str) -> None:
        if self.profile is None or self.profile.member_id != member_id:
            return  # the profile was closed meanwhile: the value is not shown
        line = self._fields()[field][1].replace("%1", value)
        self.revealed.setText("\n".join(x for x in (self.revealed.text(), line) if x))
        self.revealed.show()
        self.scan_input.setFocus()

    # -- the sale ----------------------------------------------------------------------------------
    def attach(self) -> None:
        if self.profile is not None:
            self.ops.attach(member_id=self.profile.member_id).run(self, success=self._attached,
                                                                  failure=self._error)

    def _attached(self, cart: CartView) -> None:
        if cart.member is not None:
            self._say(self.tr("Member %1 is on the sale.").replace("%1", cart.member.phone_masked))

    def add_selected(self) -> None:
        rows = self.browsing.selectionModel().selectedRows()
        if rows:
            self.ops.add_browsed(sku=str(rows[0].data(SKU_ROLE))).run(
                self, success=self._item_added, failure=self._error)

    def _item_added(self, added: Added) -> None:
        line = next((x for x in reversed(added.cart.lines) if x.sku == added.sku), None)
        name = (line.name_en if self.lang.startswith("en") else line.name_zh) if line is not None else ""
        self._say(self.tr("%1 added to the sale (%2 lines).").replace("%1", name or added.sku)
                  .replace("%2", str(len(added.cart.lines))))

    # -- enrollment --------------------------------------------------------------------------------
    def enroll(self) -> None:
        self.ops.offer_enrollment().run(self, success=self._offered, failure=self._error,
                                        busy=(self.enroll_button,))

    def _offered(self, offer: QrOffer) -> None:
        self._show_offer(offer)
        self._say(self.tr("The customer scans the QR code with their phone and joins there."))
        self.timer.start()

    def _show_offer(self, offer: QrOffer | None) -> None:
        had = self.offer is not None
        self.offer = offer
        if offer is None:
            self.timer.stop()
            self.qr.clear()
            self.qr.hide()
            self.qr_note.clear()
            display = self._display() if had else None
            if display is not None:
                display.clear_qr()
            return
        self.qr.setPixmap(qr_pixmap(offer.modules, QR_PIXELS))
        self.qr.show()
        display = self._display()
        if display is not None:  # the customer scans it on their side of the counter
            display.show_qr(offer.offer.url, "扫码成为会员 Scan to join as a member")
        self.qr_note.setText(self.tr("Scan to join (valid until %1)").replace(
            "%1", store_time.hhmm(offer.offer.expires_at)))

    def _poll(self) -> None:
        if self.offer is None or self._checking:
            return
        if self.now() >= self.offer.offer.expires_at:  # HQ refuses the link from now on
            self._show_offer(None)
            self._say(self.tr("The QR code has expired: F5 shows a new one."))
            return
        self._checking = True
        self.ops.enrollment_done(nonce=self.offer.offer.nonce).run(
            self, success=self._joined, failure=self._poll_failed)

    def _poll_failed(self, error: BaseException) -> None:
        self._checking = False
        self._error(error)  # the QR stays: HQ may answer on the next round

    def _joined(self, joined: Joined | None) -> None:
        self._checking = False
        if joined is None:
            return
        self._show_offer(None)
        self._show_profile(joined.profile)
        if joined.cart is not None and joined.cart.member is not None:
            self._say(self.tr("Welcome, new member %1: attached to the sale.").replace(
                "%1", joined.profile.phone_masked))
        else:
            self._say(self.tr("Welcome, new member %1.").replace("%1", joined.profile.phone_masked))

    # -- messages ----------------------------------------------------------------------------------
    def _error(self, error: BaseException) -> None:
        self.message.setText(service_error_text(error))
        self.message.setProperty("kind", "error")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "")


def _shared_display(currency: str, simulate: bool = False) -> CustomerDisplay | None:
    from store_client.hardware.customer_display import shared_customer_display

    return shared_customer_display(currency, simulate=simulate)


def qr_pixmap(modules: tuple[tuple[bool, ...], ...], size: int) -> QPixmap:
    """The QR's modules drawn black on white, whole pixels per module (sharp for a camera)."""
    count = max(len(modules), 1)
    scale = max(size // count, 1)
    image = QImage(count * scale, count * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, QColor("black"))
    painter.end()
    return QPixmap.fromImage(image)


def create_member_screen(ctx: ScreenContext) -> MemberScreen:
    demo = bool(ctx.config["demo.enabled"])  # the demo store simulates the customer's display and pad
    return MemberScreen(ctx.ops.members, ctx.ops.hub, locale=ctx.locale, currency=ctx.config.currency,
                        display=lambda: _shared_display(ctx.config.currency, demo),
                        can_reveal=Role(ctx.actor.role) in MAY_REVEAL,
                        can_search_name=decide(str(ctx.actor.role), Permission.MEMBER_SEARCH_NAME) is Decision.ALLOW)


register(ScreenSpec("members", QT_TRANSLATE_NOOP("Screens", "Members"), create_member_screen,
                    "member.view_profile", icon="members.svg", order=11))
