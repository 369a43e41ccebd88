"""What the area factories share: the runner, the services and the terminal they reach.

Only the operations layer holds these; a screen gets an :class:`~.Operations`
bundle and never a service, a session, a ``Database`` or the ``Terminal``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from store_client.services.errors import ServiceError
from store_client.ui.operations.changes import ChangeHub
from store_client.ui.operations.runner import OpRunner
from store_client.ui.tasks import TaskManager

if TYPE_CHECKING:
    from store_client.bootstrap import Services, Terminal
    from store_client.clock import Clock
    from store_client.config import Config
    from store_client.services.auth import Actor

T = TypeVar("T")
OPEN_TIMEOUT_S = 300.0  # a migration with its backup may take minutes on a big store


class Backend:
    """The runner and what the work runs against (built once per main window).

    At start-up the window is shown before the database is open (SQLAlchemy, the models and
    the services take longer to load than the window to paint): the terminal and its
    services then arrive by :meth:`attach`. Work that reaches them first waits for them on
    its worker thread; the UI thread never waits (it is a bug for it to ask before).
    """

    def __init__(self, runner: OpRunner, config: Config, clock: Clock) -> None:
        self.runner, self.config, self.clock = runner, config, clock
        self._terminal: Terminal | None = None
        self._services: Services | None = None
        self._failure: BaseException | None = None
        self._opened = threading.Event()

    @classmethod
    def create(cls, *, terminal: Terminal, services: Services, tasks: TaskManager,
               hub: ChangeHub | None = None) -> Backend:
        """One runner on ``tasks`` with a new hub (or ``hub``), approvals by ``services``."""
        backend = cls(OpRunner(tasks, hub or ChangeHub()), terminal.config, terminal.clock)
        backend.attach(terminal, services)
        return backend

    def attach(self, terminal: Terminal, services: Services) -> None:
        """The opened terminal and its services (from any thread, once)."""
        self._terminal, self._services = terminal, services
        self.runner.approvals = services.approvals
        self._opened.set()

    def fail(self, error: BaseException) -> None:
        """The terminal could not be opened: work waiting for it fails with ``error``."""
        self._failure = error
        self._opened.set()

    @property
    def is_open(self) -> bool:
        return self._services is not None

    @property
    def services(self) -> Services:
        self._wait()
        assert self._services is not None
        return self._services

    @property
    def terminal(self) -> Terminal:
        self._wait()
        assert self._terminal is not None
        return self._terminal

    def _wait(self) -> None:
        if self._services is not None:
            return
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("the terminal is not open yet: the UI thread must not wait for it")
        if not self._opened.wait(OPEN_TIMEOUT_S) or self._failure is not None:
            raise ServiceError("The till's database could not be opened.",
                               code="terminal.not_open") from self._failure


class Area:
    """A group of factories for one area of the till, bound to the signed-in operator."""

    def __init__(self, backend: Backend, actor: Actor) -> None:
        self._backend, self._actor = backend, actor
        self._runner = backend.runner
        self._services = backend.services


def need(service: T | None, message: str) -> T:
    """The service (built on first use: call this on the database thread), or a refusal
    saying (in English, for the log) that this till has none."""
    if service is None:
        raise ServiceError(message)
    return service


def guarded(backend: Backend, actor: Actor, permission: str,
            read: Callable[[], T]) -> Callable[[object], T]:
    """Work that checks ``permission`` for ``actor`` first (with the grant, once approved)."""
    authorizer = backend.services.authorizer

    def work(grant: object) -> T:
        authorizer.require(actor, permission, grant=grant)  # type: ignore[arg-type]
        return read()

    return work
