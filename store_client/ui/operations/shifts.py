"""Shift operations: open with a float, pay in / out, X report, the blind close."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from printers.document import Document
    from store_client.services.errors import ApprovalRequired
    from store_client.services.shifts import (
        MovementDone,
        ShiftReportResult,
        ShiftService,
        ShiftView,
        UnsyncedEvents,
    )

SHIFT = Changes(shift=True, sync=True, audit=True)
PRINTED = SHIFT | Changes(print_queue=True)


class ShiftState(NamedTuple):
    available: bool  # False: this till has no shift service
    current: ShiftView | None


class ShiftOps(Area):
    def _service(self) -> ShiftService:
        return need(self._services.shifts,
                    "Shifts are not available: the shift service is not set up.")

    def state(self) -> Op[ShiftState]:
        """The open shift (the service is first built here, off the UI thread: it waits for
        the printer)."""

        def work(_grant: object) -> ShiftState:
            service = self._services.shifts
            return ShiftState(service is not None, service.current() if service else None)

        return self._runner.op(work, changes=NOTHING)

    def close_warning(self) -> Op[UnsyncedEvents | None]:
        return self._runner.op(lambda _g: self._service().close_warning(), changes=NOTHING)

    def open_shift(self, *, pieces: Mapping[int, int], total_fen: int | None) -> Op[ShiftView]:
        actor = self._actor
        return self._runner.op(
            lambda _g: self._service().open_shift(actor, pieces, total_fen=total_fen),
            changes=PRINTED)

    def close_shift(self, *, pieces: Mapping[int, int], total_fen: int | None,
                    reason: str | None, confirm_unsynced: bool,
                    action_text: Callable[[ApprovalRequired], str]) -> Op[ShiftReportResult]:
        """An over/short beyond the tolerance needs a manager: ``action_text`` is made from
        the refusal's figures, which the manager at the till accepts."""
        actor = self._actor
        return self._runner.op(
            lambda grant: self._service().close_shift(
                actor, pieces, total_fen=total_fen, reason=reason, grant=grant,
                confirm_unsynced=confirm_unsynced),
            changes=PRINTED, requester=actor, action_text=action_text)

    def move_cash(self, *, pay_in: bool, amount_fen: int, reason: str,
                  action_text: str) -> Op[MovementDone]:
        actor = self._actor

        def work(grant: object) -> MovementDone:
            service = self._service()
            move = service.pay_in if pay_in else service.pay_out
            return move(actor, amount_fen, reason, grant)  # type: ignore[arg-type]

        return self._runner.op(work, changes=PRINTED, requester=actor, action_text=action_text)

    def x_report(self, *, action_text: str) -> Op[ShiftReportResult]:
        actor = self._actor
        return self._runner.op(lambda grant: self._service().x_report(actor, grant),
                               changes=Changes(print_queue=True, audit=True), requester=actor,
                               action_text=action_text)

    def render_report(self, *, document: Document) -> Op[bytes]:
        """The report as it prints, painted on the general pool with the shift printer's
        profile (QImage, no widgets)."""
        services = self._services

        def work(_grant: object) -> bytes:
            from printers.preview import render_png
            from printers.profile import PrinterProfile

            queue = getattr(services.shifts, "print_queue", None)
            return render_png(document, getattr(queue, "profile", None) or PrinterProfile("TM-T88V"))

        return self._runner.op(work, changes=NOTHING, pool=True)
