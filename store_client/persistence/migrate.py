"""Schema migrations with Alembic, applied automatically at start-up.

A database that already holds data is backed up (``VACUUM INTO``: a consistent
copy even while WAL has uncommitted pages) before any migration touches it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def all_revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_data(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def backup(engine: Engine, db_path: Path, label: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = db_path.with_name(f"{db_path.name}.backup-{label}-{stamp}")
    raw = engine.raw_connection()  # VACUUM cannot run inside SQLAlchemy's BEGIN
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(target),))
    finally:
        raw.close()
    return target


def upgrade(engine: Engine, db_path: Path, target: str = "head") -> Path | None:
    """Bring the schema to ``target``; returns the backup taken, if any."""
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    taken = backup(engine, db_path, f"rev{current or 'none'}") if has_data(engine) else None
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return taken
