"""Calling the checkout service from the UI: off the UI thread, approvals, stale widgets.

:func:`call` runs ``work(grant)`` on the task manager's database thread. When
the service raises ApprovalRequired, the existing approval dialog asks a
manager (non-blocking: ``open()``, not ``exec()``) and the work is retried once
with the grant. Callbacks are dropped when the widget that asked was deleted
meanwhile (e.g. the operator signed out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QDialog, QWidget

from store_client.services.errors import ApprovalRequired
from store_client.ui.approval_dialog import ApprovalDialog


def alive(widget: QWidget) -> bool:
    return shiboken6.isValid(widget)


def call(owner: QWidget, ctx: Any, work: Callable[[Any], Any], on_done: Callable[[Any], Any],
         on_error: Callable[[BaseException], Any], *, action_text: str = "",
         on_dialog: Callable[[QDialog | None], Any] | None = None) -> None:
    """Run ``work(grant)`` (grant None first); deliver to ``on_done`` / ``on_error`` on the UI thread.

    ``on_dialog`` is told about the approval dialog while it is open (and None after),
    so the screen can keep scans away from the cart meanwhile.
    """

    def attempt(grant: Any) -> None:
        ctx.tasks.run_db(lambda: work(grant), done, lambda error: failed(error, grant))

    def done(result: Any) -> None:
        if alive(owner):
            on_done(result)

    def failed(error: BaseException, grant: Any) -> None:
        if not alive(owner):
            return
        if isinstance(error, ApprovalRequired) and grant is None:
            dialog = ApprovalDialog(approve=ctx.services.approvals.approve, tasks=ctx.tasks,
                                    requester=ctx.actor, permission=error.permission,
                                    action_text=action_text or str(error), parent=owner)

            def finished(code: int) -> None:
                if on_dialog is not None:
                    on_dialog(None)
                dialog.deleteLater()
                if code == QDialog.DialogCode.Accepted and dialog.grant is not None:
                    attempt(dialog.grant)
                else:
                    on_error(error)

            dialog.finished.connect(finished)
            if on_dialog is not None:
                on_dialog(dialog)
            dialog.open()
            return
        on_error(error)

    attempt(None)
