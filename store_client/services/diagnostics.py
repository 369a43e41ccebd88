"""The facts the Diagnostics screen shows that come from the database (one read)."""

from __future__ import annotations

from dataclasses import dataclass

from store_client.config import Config
from store_client.persistence import migrate
from store_client.persistence.db import Database
from store_client.services.catalog import CatalogService


@dataclass(frozen=True)
class StoreFacts:
    schema: str  # the current revision, with the head when they differ
    catalog_size: int
    outbox_pending: int
    config_path: str
    data_dir: str
    database_path: str
    hq_url: str  # "" when HQ is not configured


def store_facts(db: Database, config: Config, catalog: CatalogService) -> StoreFacts:
    from sync.terminal.outbox import pending_count

    with db.read() as session:
        outbox = pending_count(session)
    head = migrate.head_revision()
    current = migrate.current_revision(db.engine) or "-"
    return StoreFacts(
        schema=current if current == head else f"{current} (head {head})",
        catalog_size=catalog.count(), outbox_pending=outbox,
        config_path=str(config.path or "-"), data_dir=str(config.data_dir),
        database_path=str(config.database_path), hq_url=config["hq.url"] or "")
