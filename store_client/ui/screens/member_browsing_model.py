"""The member's online browsing on the Members screen as a model: the rows come in whole
(one reset per profile) and each cell's text is made only when the view paints it, so a
profile opens without building a widget item per cell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from store_client import store_time
from store_client.ui.table_model import Index, RowsTableModel

if TYPE_CHECKING:
    from store_client.services.member_desk import BrowsedItem
    from store_client.ui.screens.member_profile_text import MemberProfileText

SKU_ROLE = Qt.ItemDataRole.UserRole  # every cell of a row answers the row's SKU (F4 adds it)


class BrowsingModel(RowsTableModel):
    def __init__(self, texts: MemberProfileText, locale: str, headers: list[str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.texts, self.locale = texts, locale
        self._headers = headers  # item, online, when, in stock (translated by the screen)

    def item(self, row: int) -> BrowsedItem:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item: BrowsedItem = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return item.name(self.locale)
            if column == 1:
                return self.texts.kind(item)
            if column == 2:
                return store_time.to_store(item.at).strftime("%m-%d %H:%M")
            return self.texts.stock(item)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self.texts.stock_detail(item)  # how far the nearby stores are
        if role == SKU_ROLE:
            return item.sku
        return None
