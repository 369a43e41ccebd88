"""The manager's board: today's figures, the lists under them, the day as CSV and the
board as PNG (docs/stock.md, "The manager's board").

Figures and lists are read on the database thread; files are written on the pool, so a
slow disk never holds the database thread (and so the checkout) either. Every read checks
``dashboard.view`` first: the screen is shown to managers only, the service says so too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store_client import store_time
from store_client.domain.roles import Permission
from store_client.ui.operations.base import Area, guarded
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.board import Board
    from store_client.services.board_figures import OrderLine
    from store_client.services.board_lists import ReturnLine, SaleLine, StaleLine
    from store_client.services.return_issues import Resolution, ReturnIssue, ReturnIssuesService


class BoardOps(Area):
    LIST_LIMIT = 2000  # rows a drill-down list shows (the CSV holds the whole day)

    def _read(self, read: Any) -> Op[Any]:
        return self._runner.op(guarded(self._backend, self._actor, Permission.DASHBOARD_VIEW, read),
                               changes=NOTHING)

    @property
    def _db(self) -> Any:
        return self._backend.terminal.db

    def today(self) -> date:
        """The store's date now (no I/O)."""
        return store_time.to_store(self._backend.clock.now()).date()

    def compute(self, *, day: date) -> Op[Board]:
        from store_client.services.board import compute

        clock, config = self._backend.clock, self._backend.config

        def read() -> Board:
            return compute(self._db, day=day, tz=store_time.zone(store_time.configured()),
                           now=clock.now(), store_id=config.store_id, terminal_id=config.terminal_id)

        return self._read(read)

    def sales(self, *, day: date) -> Op[list[SaleLine]]:
        from store_client.services import board_lists

        return self._read(lambda: board_lists.sales(self._db, day=day, limit=self.LIST_LIMIT,
                                                    tz=store_time.zone(store_time.configured())))

    def returns(self, *, day: date) -> Op[list[ReturnLine]]:
        from store_client.services import board_lists

        return self._read(lambda: board_lists.returns(self._db, day=day, limit=self.LIST_LIMIT,
                                                      tz=store_time.zone(store_time.configured())))

    def pickup_orders(self) -> Op[list[OrderLine]]:
        from store_client.services import board_lists

        clock, store = self._backend.clock, self._backend.config.store_id
        return self._read(lambda: board_lists.pickup_orders(self._db, store_id=store, now=clock.now()))

    def stale_stock(self) -> Op[list[StaleLine]]:
        from store_client.services import board_lists

        clock = self._backend.clock
        return self._read(lambda: board_lists.stale_stock(self._db, now=clock.now(),
                                                                   limit=self.LIST_LIMIT))

    def _issues(self) -> ReturnIssuesService:
        from store_client.services.return_issues import ReturnIssuesService

        s, config = self._services, self._backend.config
        return ReturnIssuesService(self._db, self._backend.clock, s.audit, s.authorizer,
                                   store_id=config.store_id, terminal_id=config.terminal_id)

    def return_issues(self) -> Op[list[ReturnIssue]]:
        """HQ's return conflicts and credit overdrafts of this store, still open."""
        return self._read(lambda: self._issues().open_issues(self._actor))

    def resolve_issue(self, *, issue_id: str, resolution: str, reason: str) -> Op[Resolution]:
        """The manager resolves one: an event for HQ and the audit entry (``return.resolve_issue``)."""
        return self._runner.op(lambda _g: self._issues().resolve(self._actor, issue_id, resolution, reason),
                               changes=Changes(sync=True, audit=True), requester=self._actor)

    def day_csv(self, *, day: date, headers: Sequence[str], kinds: dict[str, str]) -> Op[str]:
        """The day's sales and returns as CSV text (read on the database thread)."""
        from store_client.services import board_lists

        currency, names = self._backend.config.currency, list(headers)
        return self._read(lambda: board_lists.day_csv(
            self._db, day=day, tz=store_time.zone(store_time.configured()), currency=currency,
            headers=names, kinds=dict(kinds)))

    def export_folder(self) -> Path:
        """Where exports go: ``exports/`` in the till's data folder (made when first written)."""
        return Path(self._backend.config.data_dir) / "exports"

    def save_text(self, *, path: Path, content: str) -> Op[Path]:
        """Write ``content`` (UTF-8 with a BOM, so a spreadsheet reads the Chinese) on the pool."""
        def work(_grant: object) -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8-sig", newline="")
            return path

        return self._runner.op(work, changes=NOTHING, pool=True)

    def save_image(self, *, path: Path, image: Any) -> Op[Path]:
        """Encode and write a ``QImage`` (grabbed on the UI thread) as PNG, on the pool."""
        def work(_grant: object) -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(path), "PNG"):
                raise OSError(f"could not write {path}")
            return path

        return self._runner.op(work, changes=NOTHING, pool=True)
