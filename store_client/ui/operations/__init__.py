"""The operations layer: how the UI calls the services (the model is Anki's ``aqt.operations``).

Screens never hold a service, a session, a ``Database`` or the ``Terminal``; they
get an :class:`Operations` bundle (``ScreenContext.ops``) and call small
keyword-only factories, one area each, that return a typed :class:`Op`::

    self._ops.checkout.scan(code=code).run(self, success=self._scanned, failure=self.show_error)

Public API (kept stable; other screens build on it):

* :class:`Op` ``[T]``: one service call. ``op.run(parent, *, success=None, failure=None,
  busy=(), on_dialog=None)`` runs the work on the task manager's database thread (``pool``
  ops: the general pool) and calls ``success(result: T)`` or ``failure(error)`` on the GUI
  thread while ``parent`` lives. ``busy`` widgets are disabled meanwhile. A service's
  ``ApprovalRequired`` opens the manager-approval dialog (when the op names a requester)
  and the work runs once more with the grant; ``on_dialog`` hears of the dialog.
* :class:`OpRunner`: ``runner.op(work, *, changes=NOTHING, requester=None, action_text="",
  approval_context=None, pool=False) -> Op``; ``work(grant)`` runs in the background.
  Area factories use it; so may a new area module.
* :class:`Changes`: frozen flags of what changed (``cart``, ``sale``, ``returns``,
  ``shift``, ``print_queue``, ``sync``, ``catalog``, ``operators``, ``audit``,
  ``stock_counts``, ``pickup``), combined with ``|``, false when empty. The sync runner's pulls
  announce what they changed through :mod:`.pulled` (``count_plans``/``count_totals``:
  ``stock_counts``; ``online_orders``: ``pickup``).
* :class:`ChangeHub`: ``changed(Changes, initiator)`` on the GUI thread after every op
  (initiator: the calling widget) and when a background source announces a change
  (``announce_from_thread``, ``listen``, whose ``changes`` may be a function of the source's
  event; initiator None). A screen connects it, looks at
  the flags it shows, and refreshes only those.
* :class:`Backend` (runner, services, terminal): what the factories run against; only
  the main window and this package hold it.
* :class:`Operations`: per operator, areas ``checkout``, ``returns``, ``exchanges``, ``shifts``,
  ``sync``, ``catalog``, ``operators``, ``audit``, ``diagnostics``, ``pickup``, ``members``,
  ``stock_counts``, ``board``, ``printing``, and
  ``hub``. :class:`SessionOps`: sign in, unlock, sign out (nobody signed in yet).

A new area: a module here with a class deriving :class:`~.base.Area` whose methods take
keyword-only arguments and return ``Op[...]`` of the service's own result types, and
one attribute in :class:`Operations`.
"""

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, Backend
from store_client.ui.operations.changes import NOTHING, ChangeHub, Changes
from store_client.ui.operations.runner import Op, OpRunner, alive
from store_client.ui.operations.session import SessionOps

if TYPE_CHECKING:
    from store_client.ui.operations.bundle import Operations

__all__ = ["NOTHING", "Area", "Backend", "ChangeHub", "Changes", "Op", "OpRunner", "Operations",
           "SessionOps", "alive"]


def __getattr__(name: str) -> object:
    """``Operations`` (every area) is imported at sign-in, not at start-up: the sign-in
    window needs only the runner and :class:`SessionOps`."""
    if name == "Operations":
        from store_client.ui.operations.bundle import Operations

        return Operations
    raise AttributeError(name)
