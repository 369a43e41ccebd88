"""The op runner: every service call a screen makes, off the UI thread, in one way.

An :class:`Op` describes one call: ``work(grant)`` runs on the task manager's
database thread (or its pool), and ``changes`` says what it changed. The
:class:`OpRunner` runs it for a calling widget (``parent``) and handles, once for
every screen:

* **approval and retry**: when the work raises ``ApprovalRequired`` and the op
  names who asks, the manager-approval dialog opens (window-modal, ``open()``, never
  a nested event loop); an approval runs the work once more with the grant; a
  cancel hands the original refusal to ``failure``;
* **liveness**: a widget deleted meanwhile (the operator signed out, a dialog was
  closed) gets no callback; what changed is still announced;
* **busy state**: the ``busy`` widgets are disabled from the start to the end of
  the op (the approval dialog included) and enabled again before the callback;
* **errors**: ``failure(error)`` gets the error (screens turn it into words with
  :func:`store_client.ui.service_messages.service_error_text`); an error that is
  not a ``ServiceError`` is logged with its traceback here, once;
* **what changed**: after ``success`` the op's :class:`Changes` go to the hub,
  with the calling widget as initiator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from store_client.services.errors import ApprovalRequired, ServiceError
from store_client.ui.operations.changes import NOTHING, ChangeHub, Changes
from store_client.ui.tasks import TaskManager

if TYPE_CHECKING:
    from store_client.services.approvals import ApprovalGrant, ApprovalService
    from store_client.services.auth import Actor

T = TypeVar("T")
log = logging.getLogger(__name__)

Success = Callable[[T], object]
Failure = Callable[[BaseException], object]
DialogWatcher = Callable[[QDialog | None], object]


def alive(obj: QObject) -> bool:
    """False once the Qt object is deleted (a result may arrive after that)."""
    return shiboken6.isValid(obj)


@dataclass(frozen=True, slots=True)
class Op(Generic[T]):
    """One service call. Made by the area factories (``ops.checkout.scan(code=...)``)."""

    runner: OpRunner
    work: Callable[[ApprovalGrant | None], T]
    changes: Changes | Callable[[T], Changes] = NOTHING
    #: who asks, if a manager may approve the action; None: an approval is never asked
    requester: Actor | None = None
    #: what the manager approves, in the UI language (or made from the refusal's figures)
    action_text: str | Callable[[ApprovalRequired], str] = ""
    approval_context: dict[str, object] | None = None
    pool: bool = False  # the general pool (rendering, files) instead of the database thread

    def run(self, parent: QObject, *, success: Success[T] | None = None,
            failure: Failure | None = None, busy: Iterable[QWidget] = (),
            on_dialog: DialogWatcher | None = None) -> None:
        """Run in the background; the callbacks run on the GUI thread while ``parent`` lives.

        ``on_dialog`` is told of the approval dialog while it is open (None after), so a
        screen can keep scans away from the cart meanwhile.
        """
        _Call(self, parent, success, failure, tuple(busy), on_dialog).attempt(None)


class OpRunner:
    """Runs :class:`Op` s through the one task manager and announces what they changed."""

    def __init__(self, tasks: TaskManager, hub: ChangeHub,
                 approvals: ApprovalService | None = None) -> None:
        self.tasks, self.hub, self.approvals = tasks, hub, approvals

    def op(self, work: Callable[[ApprovalGrant | None], T], *,
           changes: Changes | Callable[[T], Changes] = NOTHING, requester: Actor | None = None,
           action_text: str | Callable[[ApprovalRequired], str] = "",
           approval_context: dict[str, object] | None = None, pool: bool = False) -> Op[T]:
        return Op(self, work, changes, requester, action_text, approval_context, pool)

    @property
    def pending(self) -> int:
        return self.tasks.pending


class _Call(Generic[T]):
    """One run of an op: the attempts, the approval dialog between them, the callbacks."""

    __slots__ = ("op", "parent", "success", "failure", "busy", "on_dialog")

    def __init__(self, op: Op[T], parent: QObject, success: Success[T] | None,
                 failure: Failure | None, busy: tuple[QWidget, ...],
                 on_dialog: DialogWatcher | None) -> None:
        self.op, self.parent, self.success, self.failure = op, parent, success, failure
        self.busy, self.on_dialog = busy, on_dialog
        for widget in busy:
            widget.setEnabled(False)

    def attempt(self, grant: ApprovalGrant | None) -> None:
        op, tasks = self.op, self.op.runner.tasks
        submit = tasks.run if op.pool else tasks.run_db
        submit(lambda: op.work(grant), self.done, lambda error: self.failed(error, grant))

    def _release(self) -> None:
        for widget in self.busy:
            if alive(widget):
                widget.setEnabled(True)

    def done(self, result: T) -> None:
        op = self.op
        changes = op.changes(result) if callable(op.changes) else op.changes
        if not alive(self.parent):
            op.runner.hub.announce(changes)
            return
        self._release()
        try:
            if self.success is not None:
                self.success(result)
        finally:  # the change happened even if the caller's callback failed
            op.runner.hub.announce(changes, self.parent)

    def failed(self, error: BaseException, grant: ApprovalGrant | None) -> None:
        if not isinstance(error, ServiceError):
            log.error("operation failed", exc_info=error)
        if not alive(self.parent):
            return
        runner = self.op.runner
        if (isinstance(error, ApprovalRequired) and grant is None and self.op.requester is not None
                and runner.approvals is not None and isinstance(self.parent, QWidget)):
            self._ask(error)
            return
        self._fail(error)

    def _fail(self, error: BaseException) -> None:
        self._release()
        if self.failure is not None:
            self.failure(error)

    def _ask(self, error: ApprovalRequired) -> None:
        """Ask a manager (window-modal, non-blocking); approved: run the work again, once."""
        from store_client.ui.approval_dialog import ApprovalDialog

        op, parent = self.op, self.parent
        assert isinstance(parent, QWidget) and op.requester is not None
        text = op.action_text(error) if callable(op.action_text) else op.action_text
        dialog = ApprovalDialog(requester_name=op.requester.name, action_text=text or str(error),
                                parent=parent)
        approvals, requester = op.runner.approvals, op.requester
        assert approvals is not None
        context = dict(op.approval_context or {})

        def submitted(manager_id: str, pin: str, reason: str) -> None:
            op.runner.op(lambda _g: approvals.approve(requester, manager_id, pin, error.permission,
                                                      reason, context),
                         changes=Changes(audit=True)).run(
                dialog, success=dialog.granted, failure=dialog.refused)

        def finished(code: int) -> None:
            if self.on_dialog is not None:
                self.on_dialog(None)
            grant = dialog.grant
            dialog.deleteLater()
            if not alive(parent):
                return
            if code == QDialog.DialogCode.Accepted and grant is not None:
                self.attempt(grant)
            else:
                self._fail(error)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(finished)
        if self.on_dialog is not None:
            self.on_dialog(dialog)
        dialog.open()
