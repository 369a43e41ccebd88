"""What a component needs of a running terminal, without importing the composition root.

``bootstrap.Terminal`` satisfies :class:`TerminalParts`; the print queue set-up and the
sync start-up take one, so neither imports :mod:`store_client.bootstrap`, which wires them.
"""

from __future__ import annotations

from typing import Protocol

from store_client.clock import Clock
from store_client.config import Config
from store_client.persistence.db import Database


class TerminalParts(Protocol):
    @property
    def config(self) -> Config: ...

    @property
    def db(self) -> Database: ...

    @property
    def clock(self) -> Clock: ...
