"""The stock of one product as Product lookup shows it: this till's books (on hand,
reserved for pick-up orders, available), HQ's figure for this store, and HQ's figures of
the nearby stores (nearest first, with their distance) and of the warehouse, each with its
"as of" time in store time. A figure older than 10 minutes is greyed and says so in words,
on screen and to a screen reader. The figures are read by an op, never on the UI thread,
and read again every 5 seconds while the panel is on screen, so a figure turns grey (or
fresh, after a pull) without a new lookup."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from store_client import store_time
from store_client.ui.checkout.formatting import quantity_text

if TYPE_CHECKING:
    from store_client.domain.catalog import ProductInfo
    from store_client.services.stock import Elsewhere, Figure, StockOverview
    from store_client.ui.operations.catalog import CatalogOps

EMPTY = "—"
REFRESH_MS = 5_000  # stock arrives within seconds (fast pulls); a re-read is a few indexed reads
NEAR_ROWS = 6  # HQ sends the 5 nearest stores by default (sync/hq/sites.py); one spare
WAREHOUSE_ROWS = 2


class StockPanel(QFrame):
    """Read-only: labels only, nothing to focus (the keyboard stays in the search)."""

    def __init__(self, catalog: CatalogOps, parent: QWidget | None = None, *,
                 name: str = "lookup.stock") -> None:
        """``name``: the panel's objectName, and its labels' prefix (one per window)."""
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("kind", "panel")
        self._catalog = catalog
        self._product: ProductInfo | None = None
        self.title = QLabel(self)
        self.title.setObjectName(f"{name}.title")
        self.title.setProperty("kind", "heading")
        self.title.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName(f"{name}.status")
        self.status.setProperty("kind", "subtle")
        self.status.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        headers = ("", self.tr("On hand"), self.tr("Reserved"), self.tr("Available"), self.tr("As of"))
        for column, text in enumerate(headers):
            header = QLabel(text, self)
            header.setObjectName(f"{name}.header{column}")
            header.setProperty("kind", "subtle")
            grid.addWidget(header, 0, column)
        self.rows: dict[str, list[QLabel]] = {}
        lines = [("here", self.tr("This till")), ("hq", self.tr("This store at HQ"))]
        lines += [(f"near{i}", "") for i in range(NEAR_ROWS)] + [(f"warehouse{i}", "") for i in range(WAREHOUSE_ROWS)]
        for line, (key, where) in enumerate(lines, start=1):
            cells = [QLabel(where, self)] + [QLabel(EMPTY, self) for _ in range(4)]
            for column, cell in enumerate(cells):
                cell.setObjectName(f"{name}.{key}.{column}")
                grid.addWidget(cell, line, column)
            self.rows[key] = cells
        self.other_keys = [key for key, _ in lines[2:]]
        grid.setColumnStretch(4, 1)
        self.elsewhere = QLabel(self)
        self.elsewhere.setObjectName(f"{name}.elsewhere")
        self.elsewhere.setProperty("kind", "subtle")
        self.elsewhere.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.elsewhere)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.clear()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def refresh(self) -> None:
        """Read the shown product's stock again (the timer; nothing when hidden or empty)."""
        if self._product is not None and self.isVisible():
            self._catalog.stock(sku=self._product.sku).run(self, success=self._shown, failure=self._failed)

    def clear(self) -> None:
        self._product = None
        self.timer.stop()
        self.title.setText(self.tr("Stock"))
        self._say(self.tr("Select a product to see its stock."))
        for key in ("here", "hq"):
            self._blank(key, "")
        self._show_others((), (), "", None)

    def show_product(self, product: ProductInfo, name: str) -> None:
        """Read the stock of ``product`` (in the background); an older answer is dropped."""
        self._product = product
        self.title.setText(self.tr("Stock of %1 %2").replace("%1", product.sku).replace("%2", name))
        self._say(self.tr("Reading stock…"))
        self.timer.start()
        self._catalog.stock(sku=product.sku).run(self, success=self._shown, failure=self._failed)

    def _shown(self, seen: StockOverview) -> None:
        if self._product is None or seen.sku != self._product.sku:
            return  # the selection moved on meanwhile
        unit = str(self._product.unit)
        self._fill("here", seen.here, seen.now, unit, self.tr("nothing recorded on this till"))
        self._fill("hq", seen.at_hq, seen.now, unit, self.tr("not received from HQ"))
        self._show_others(seen.nearby, seen.warehouses, unit, seen.now)
        self._say("")

    def _show_others(self, nearby: tuple[Elsewhere, ...], warehouses: tuple[Elsewhere, ...], unit: str,
                     now: datetime | None) -> None:
        """Nearby stores nearest first, then the warehouses; rows not needed are hidden.
        ``now`` None: no product (nothing shown, nothing said)."""
        shown = [(f"near{i}", site) for i, site in enumerate(nearby[:NEAR_ROWS])]
        shown += [(f"warehouse{i}", site) for i, site in enumerate(warehouses[:WAREHOUSE_ROWS])]
        used = {key for key, _ in shown}
        for key in self.other_keys:
            if key not in used:
                self._blank(key, "")
                for cell in self.rows[key]:
                    cell.setVisible(False)
        if now is None:
            self.elsewhere.setVisible(False)
            return
        for key, site in shown:
            cells = self.rows[key]
            cells[0].setText(self._site_text(site))
            for cell in cells:
                cell.setVisible(True)
            self._fill(key, site.figure, now, unit, "")
        left = max(len(nearby) - NEAR_ROWS, 0) + max(len(warehouses) - WAREHOUSE_ROWS, 0)
        if not shown:
            text = self.tr("Other stores and the warehouse: HQ has sent no figures for this product.")
        elif left > 0:
            text = self.tr("Sites further away not shown: %1").replace("%1", str(left))
        else:
            text = ""
        self.elsewhere.setText(text)
        self.elsewhere.setVisible(bool(text))

    def _site_text(self, site: Elsewhere) -> str:
        """``静安寺店 · 2.8 km``; a warehouse says so; no distance when HQ does not know it."""
        name = site.name if site.kind == "store" else self.tr("%1 (warehouse)").replace("%1", site.name)
        if site.distance_m is None:
            return name
        km = f"{site.distance_m / 1000:.1f}"
        return self.tr("%1 · %2 km").replace("%1", name).replace("%2", km)

    def _failed(self, error: BaseException) -> None:
        for key in ("here", "hq"):
            self._blank(key, "")
        self._show_others((), (), "", None)
        self._say(self.tr("Stock could not be read: %1").replace("%1", str(error)))

    def _blank(self, key: str, missing: str) -> None:
        cells = self.rows[key]
        for cell in cells[1:4]:
            cell.setText(EMPTY)
        cells[4].setText(missing)
        self._grey(cells, False)
        cells[0].setAccessibleName(f"{cells[0].text()}: {missing}" if missing else cells[0].text())

    def _fill(self, key: str, figure: Figure | None, now: datetime, unit: str, missing: str) -> None:
        if figure is None:
            self._blank(key, missing)
            return
        cells = self.rows[key]
        kg = self.tr("kg")
        on_hand = quantity_text(figure.on_hand, unit, kg)
        reserved = EMPTY if figure.reserved is None else quantity_text(figure.reserved, unit, kg)
        available = quantity_text(figure.available, unit, kg)
        when = self._when(figure.as_of, now)
        if figure.as_of is None:
            as_of = self.tr("time unknown, may be out of date")
        elif figure.fresh:
            as_of = when
        else:
            as_of = self.tr("%1 (older than 10 min)").replace("%1", when)
        for cell, text in zip(cells[1:], (on_hand, reserved, available, as_of), strict=True):
            cell.setText(text)
        self._grey(cells, not figure.fresh)
        said = (self.tr("%1: on hand %2, reserved %3, available %4, as of %5")
                .replace("%1", cells[0].text()).replace("%2", on_hand)
                .replace("%3", reserved if figure.reserved is not None else self.tr("not known"))
                .replace("%4", available).replace("%5", when or self.tr("an unknown time")))
        if not figure.fresh:
            said += " " + self.tr("(older than 10 minutes: may be out of date)")
        for cell in cells:
            cell.setAccessibleName(said)

    @staticmethod
    def _when(moment: datetime | None, now: datetime) -> str:
        """``14:59`` today (store time), ``2026-01-01 14:59`` on another day."""
        if moment is None:
            return ""
        same_day = store_time.to_store(moment).date() == store_time.to_store(now).date()
        return store_time.hhmm(moment) if same_day else store_time.minutes(moment)

    @staticmethod
    def _grey(cells: list[QLabel], stale: bool) -> None:
        for cell in cells:
            cell.setProperty("stale", stale)
            cell.setProperty("kind", "subtle" if stale else "")
            cell.style().unpolish(cell)
            cell.style().polish(cell)
