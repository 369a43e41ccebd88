"""Schema migrations with Alembic, applied automatically at start-up.

A database that already holds data is backed up (``VACUUM INTO``: a consistent
copy even while WAL has uncommitted pages) before any migration touches it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

from store_client.persistence.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> AlembicConfig:
    # Alembic (and Mako under it) is imported only when a migration must run:
    # an up-to-date terminal starts without paying for it.
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision, as Alembic computes it from the scripts (tests compare it to HEAD)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def all_revisions() -> list[str]:
    """Every revision, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if not has_table:
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def has_data(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def backup(engine: Engine, db_path: Path, label: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = db_path.with_name(f"{db_path.name}.backup-{label}-{stamp}")
    raw = engine.raw_connection()  # VACUUM cannot run inside SQLAlchemy's BEGIN
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.execute("VACUUM INTO ?", (str(target),))
    finally:
        raw.close()
    return target


def upgrade(engine: Engine, db_path: Path, target: str = "head") -> Path | None:
    """Bring the schema to ``target``; returns the backup taken, if any."""
    current = current_revision(engine)
    wanted = HEAD if target == "head" else target
    if current == wanted:
        return None
    from alembic import command

    taken = backup(engine, db_path, f"rev{current or 'none'}") if has_data(engine) else None
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return taken
