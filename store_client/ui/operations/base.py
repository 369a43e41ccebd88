"""What the area factories share: the runner, the services and the terminal they reach.

Only the operations layer holds these; a screen gets an :class:`~.Operations`
bundle and never a service, a session, a ``Database`` or the ``Terminal``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from store_client.services.errors import ServiceError
from store_client.ui.operations.changes import ChangeHub
from store_client.ui.operations.runner import OpRunner
from store_client.ui.tasks import TaskManager

if TYPE_CHECKING:
    from store_client.bootstrap import Services, Terminal
    from store_client.services.auth import Actor

T = TypeVar("T")


@dataclass(frozen=True)
class Backend:
    """The runner and what the work runs against (built once per main window)."""

    runner: OpRunner
    services: Services
    terminal: Terminal

    @classmethod
    def create(cls, *, terminal: Terminal, services: Services, tasks: TaskManager,
               hub: ChangeHub | None = None) -> Backend:
        """One runner on ``tasks`` with a new hub (or ``hub``), approvals by ``services``."""
        return cls(OpRunner(tasks, hub or ChangeHub(), services.approvals), services, terminal)


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
