"""The return policy on the Returns screen: each line's disposition box and its policy note.

A line's disposition (back to stock, damaged, return to vendor) is a combo box in the items
table, reached by the mouse, or stepped by F10 for the table's current line (the table stays
the one tab stop). Until the cashier chooses one, a line follows the reason: damaged goods
default to "damaged", anything else to "back to stock". A line past its window cannot be
chosen; a non-returnable one can, and the refund then asks for a manager's override.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from store_client.domain.return_policy import DAMAGED, DISPOSITIONS, RESTOCK, LineVerdict
from store_client.ui.automation import named

OWN_REASONS = ("damaged", "wrong_item", "changed_mind")  # a line's own (Other needs the return's text)

if TYPE_CHECKING:
    from store_client.services.cross_return_views import CrossLine
    from store_client.services.return_views import ReturnableLine


class DispositionBox(QComboBox):
    """Where one returned line goes; ``touched`` once the cashier chose it."""

    def __init__(self, line_no: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"returns.disposition.{line_no}", self.tr("Where %1 goes").replace("%1", name))
        for code, text in zip(DISPOSITIONS, (self.tr("Back to stock"), self.tr("Damaged"),
                                             self.tr("Return to vendor")), strict=True):
            self.addItem(text, code)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the table is the tab stop
        self.touched = False
        self.own_reason: str | None = None  # the line's own reason (Shift+F7); None: the return's
        self.activated.connect(lambda _i: setattr(self, "touched", True))

    def disposition(self) -> str:
        return str(self.currentData())

    def step(self) -> None:
        """The next disposition (F10), round the list."""
        self.touched = True
        self.setCurrentIndex((self.currentIndex() + 1) % self.count())

    def follow(self, reason_code: str) -> None:
        """Not chosen yet: damaged goods default to damaged, anything else back to stock."""
        if not self.touched:
            self.setCurrentIndex(DISPOSITIONS.index(DAMAGED if reason_code == "damaged" else RESTOCK))


class PolicyWords(QObject):
    """The policy's words on the screen (translated under this class's name)."""

    def note(self, verdict: LineVerdict | None) -> str:
        if verdict is None:
            return ""
        if verdict.window_passed and verdict.last_day is not None:
            return self.tr("Past its return window (last day %1)").replace("%1", verdict.last_day.isoformat())
        if verdict.non_returnable:
            return self.tr("Not returnable: only with a manager's override")
        return ""

    def notes(self, verdicts: dict[int, LineVerdict]) -> str:
        """One line for the sale: each line the policy holds back, with why."""
        return " · ".join(self.tr("Line %1: %2").replace("%1", str(n)).replace("%2", note)
                          for n, v in sorted(verdicts.items()) if (note := self.note(v)))

    def override_summary(self, lines: list[int]) -> str:
        return self.tr("Line %1 is not returnable: Refund asks a manager to override it.").replace(
            "%1", ", ".join(str(n) for n in lines))

    def override_action(self, lines: list[int], action: str) -> str:
        return self.tr("Override the return policy for line %1 (not returnable) and %2").replace(
            "%1", ", ".join(str(n) for n in lines)).replace("%2", action)

    def step_key(self) -> str:
        return self.tr("The current item: back to stock, damaged or return to vendor (next)")

    def reason_key(self) -> str:
        return self.tr("The current item's own reason (next; first: the return's)")

    def own_reason(self, line_no: int, reason: str) -> str:
        return self.tr("Line %1's reason: %2").replace("%1", str(line_no)).replace("%2", reason)


class ReturnsPolicyMixin:
    """The Returns screen's part of the policy: what a line may still return, F10, the request's
    dispositions and override. Mixed into ``ReturnsScreen``, whose fields it reads."""

    sale: Any
    reason: QComboBox
    table: Any
    _goes: dict[int, DispositionBox]
    _words: PolicyWords

    def _returnable(self, line: ReturnableLine | CrossLine) -> int:
        """What may still come back of ``line``: nothing once its return window has passed."""
        verdict = self.sale.verdicts.get(line.line_no) if self.sale is not None else None
        return 0 if verdict is not None and verdict.window_passed else line.sold.returnable

    def _reason_changed(self) -> None:
        for box in self._goes.values():
            box.follow(box.own_reason or self.reason.currentData() or "")
        self._update_summary()

    def step_reason(self) -> None:
        """Shift+F7: the table's current line gets its own reason, round the list (then the return's again)."""
        line = self._line_at(self.table.currentRow())
        box = self._goes.get(line.line_no) if line is not None else None
        if box is None or not box.isEnabled():
            return
        order = (None, *OWN_REASONS)
        box.own_reason = order[(order.index(box.own_reason) + 1) % len(order)]
        box.follow(box.own_reason or self.reason.currentData() or "")
        self._update_summary()

    def _own_reasons_text(self) -> str:
        """The chosen lines with a reason of their own, in the reason box's words."""
        return " · ".join(self._words.own_reason(n, self.reason.itemText(self.reason.findData(box.own_reason)))
                         for n, _qty in self.selection() if (box := self._goes.get(n)) is not None and box.own_reason)

    def step_disposition(self) -> None:
        """F10: the table's current line goes to the next disposition."""
        line = self._line_at(self.table.currentRow())
        box = self._goes.get(line.line_no) if line is not None else None
        if box is not None and box.isEnabled():
            box.step()

    def _overridden(self) -> list[int]:
        """The chosen lines of a non-returnable category: the refund asks for an override."""
        verdicts = self.sale.verdicts if self.sale is not None else {}
        return [n for n, _qty in self.selection() if (v := verdicts.get(n)) is not None and v.non_returnable]

    def _policy_fields(self, action: str) -> tuple[dict[str, object], str]:
        """The request's dispositions and override, and the approval's words for it."""
        chosen = [n for n, _qty in self.selection()]
        fields: dict[str, object] = {
            "dispositions": tuple((n, self._goes[n].disposition()) for n in chosen if n in self._goes),
            "line_reasons": tuple((n, self._goes[n].own_reason) for n in chosen
                                  if n in self._goes and self._goes[n].own_reason),
            "override": bool(self._overridden())}
        return fields, (self._words.override_action(self._overridden(), action) if self._overridden() else action)

