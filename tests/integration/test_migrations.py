"""Upgrades: from an empty database, from a saved file of every earlier revision, and
the migrated schema agreeing with the ORM models."""

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store_client.bootstrap import open_terminal
from store_client.persistence import migrate
from store_client.persistence.db import list_backups
from store_client.persistence.migrations import HEAD
from store_client.persistence.models import Base
from tests.conftest import make_config

SAVED = Path(__file__).parent / "saved_dbs"
EARLIER = migrate.all_revisions()[:-1]


def test_head_constant_matches_the_scripts():
    assert HEAD == migrate.head_revision()


def test_revisions_form_one_line_from_0001_to_head():
    revisions = migrate.all_revisions()
    assert revisions[0] == "0001"
    assert revisions[-1] == migrate.head_revision()
    assert len(set(revisions)) == len(revisions)


@pytest.mark.parametrize("revision", EARLIER)
def test_every_earlier_revision_has_a_saved_database(revision):
    assert (SAVED / f"rev{revision}.db").exists(), (
        "run tests/integration/saved_dbs/make_saved_dbs.py after adding a migration")


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_from_saved_database_keeps_data_and_backs_up_first(tmp_path, revision):
    config = make_config(tmp_path)
    shutil.copy(SAVED / f"rev{revision}.db", config.database_path)
    original = config.database_path.read_bytes()

    term = open_terminal(config)
    try:
        assert migrate.current_revision(term.db.engine) == migrate.head_revision()
        backup = term.migration_backup
    finally:
        term.close()

    assert backup is not None and backup in list_backups(config.database_path)
    assert f"rev{revision}" in backup.name
    # the backup is the old database, readable on its own, at the old revision
    assert _rows(backup, "SELECT version_num FROM alembic_version") == [(revision,)]
    assert _rows(backup, "SELECT count(*) FROM products") == _rows(
        SAVED / f"rev{revision}.db", "SELECT count(*) FROM products")
    assert original  # the saved file itself was copied, never modified in place

    db = config.database_path
    assert _rows(db, "SELECT sku, name_zh, price_minor FROM products") == [
        ("100001", "氨基酸洗发水 500ml", 5990)]
    assert _rows(db, "SELECT code, product_id FROM barcodes") == [("6901234567892", 1)]
    assert _rows(db, "SELECT id, name, role FROM operators") == [("1001", "王芳", "cashier")]
    if revision >= "0002":
        assert _rows(db, "SELECT kind, status FROM outbox") == [("test.event", "pending")]
    # rows that existed before the search index are searchable after the upgrade
    assert _rows(db, "SELECT rowid FROM product_search WHERE product_search MATCH '洗发水'") == [(1,)]


def test_upgrade_from_empty_creates_everything_without_backup(tmp_path):
    term = open_terminal(make_config(tmp_path))
    try:
        assert term.migration_backup is None
        assert list_backups(term.config.database_path) == []
    finally:
        term.close()


def test_reopening_an_up_to_date_database_takes_no_backup(tmp_path):
    config = make_config(tmp_path)
    open_terminal(config).close()
    term = open_terminal(config)
    term.close()
    assert term.migration_backup is None


def test_migrated_schema_matches_the_orm_models(terminal):
    with terminal.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # FTS5 shadow tables are not modelled on purpose
    diff = [d for d in diff if not (d[0] == "remove_table"
                                    and d[1].name.startswith(("product_search", "product_grams")))]
    assert diff == []


def test_a_failed_migration_leaves_the_old_revision_and_a_backup(tmp_path, monkeypatch):
    config = make_config(tmp_path)
    shutil.copy(SAVED / f"rev{EARLIER[0]}.db", config.database_path)

    from alembic import command

    def exploding_upgrade(cfg, target):
        conn = cfg.attributes["connection"]
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("power cut during migration")

    monkeypatch.setattr(command, "upgrade", exploding_upgrade)
    with pytest.raises(RuntimeError):
        open_terminal(config)
    monkeypatch.undo()
    assert _rows(config.database_path, "SELECT version_num FROM alembic_version") == [(EARLIER[0],)]
    assert _rows(config.database_path,
                 "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == [(0,)]
    assert len(list_backups(config.database_path)) == 1
    open_terminal(config).close()  # and the next start completes it


def test_0016_moves_members_to_the_cache_masked_and_drops_the_chain_wide_datasets(tmp_path):
    """A till that received every member (full phone, name) keeps, after the upgrade, only the
    member cache: masked phone, a digest that still finds the member by phone, no name."""
    import json

    from store_client.services import members

    config = make_config(tmp_path)
    shutil.copy(SAVED / "rev0015.db", config.database_path)
    conn = sqlite3.connect(config.database_path)
    rows = [("members", "M0000000001", json.dumps({
                "member_id": "M0000000001", "name": "王小明", "phone": "13812345678", "card_no": "8800000001",
                "tier": "gold", "points_balance": 1234, "balance_as_of": "2026-01-01T08:00:00+00:00"})),
            ("members", "M0000000002", json.dumps({  # already a cache entry: masked, with its digest
                "member_id": "M0000000002", "name": "", "phone": "139****0002", "phone_digest": "ab" * 32,
                "tier": "silver", "points_balance": 5, "balance_as_of": "2026-01-02T08:00:00+00:00"})),
            ("members", "M0000000003", "not json"),
            ("member_activity", "M0000000001", json.dumps({"viewed": ["100001"]}))]
    conn.executemany("INSERT INTO sync_rows (dataset, key, data) VALUES (?, ?, ?)", rows)
    conn.execute("INSERT INTO sync_cursors (dataset, cursor, resetting) VALUES ('members', 'c', 0)")
    conn.commit()
    conn.close()

    term = open_terminal(config)
    try:
        with term.db.read() as s:
            by_phone = members.find(s, "13812345678")
            by_card = members.find(s, "8800000001")
            second = members.get(s, "M0000000002")
    finally:
        term.close()
    db = config.database_path
    assert _rows(db, "SELECT count(*) FROM sync_rows WHERE dataset IN ('members', 'member_activity')") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM sync_cursors WHERE dataset = 'members'") == [(0,)]
    cache = _rows(db, "SELECT * FROM member_cache ORDER BY member_id")
    assert len(cache) == 2  # the unreadable row is dropped
    assert "13812345678" not in repr(cache) and "王小明" not in repr(cache)
    assert by_phone is not None and by_phone.member_id == "M0000000001" and by_phone.phone_masked == "138****5678"
    assert by_card == by_phone and by_phone.points_balance == 1234 and by_phone.tier == "gold"
    assert second is not None and second.phone_masked == "139****0002"


def test_0021_keeps_the_cache_readable_under_the_tills_own_key_and_adds_the_month(tmp_path):
    """Rows cached before the chain-wide key (0016's digests, this till's own key) are version 0
    after the upgrade and still find their member by phone, with the chain's key present too."""
    import hashlib
    import hmac
    import json
    from datetime import UTC, datetime

    from store_client.services import members

    config = make_config(tmp_path)
    shutil.copy(SAVED / "rev0016.db", config.database_path)
    key = "5a" * 32
    digest = hmac.new(bytes.fromhex(key), b"13812345678", hashlib.sha256).hexdigest()
    served = datetime.now(UTC).isoformat()
    conn = sqlite3.connect(config.database_path)
    conn.execute("INSERT INTO terminal_settings VALUES ('members.phone_digest_key', ?)", (key,))
    conn.execute("INSERT INTO member_cache (member_id, card_no, masked_phone, phone_digest, tier, points_balance,"
                 " balance_as_of, last_seen_at) VALUES ('M0000000001', '8800000001', '138****5678', ?, 'gold', 7,"
                 " ?, ?)", (digest, served, served))  # served lately: the retention purge keeps it
    conn.commit()
    conn.close()

    term = open_terminal(config)
    try:
        with term.db.transaction() as s:
            before = members.find(s, "13812345678")
            s.execute(sa.text("INSERT INTO sync_rows (dataset, key, data) VALUES ('store_settings', 'member_digest', :d)"),
                      {"d": json.dumps({"version": 1, "keys": {"1": "7b" * 32}})})
        with term.db.read() as s:
            after = members.find(s, "13812345678")
    finally:
        term.close()
    assert _rows(config.database_path, "SELECT digest_version, birthday_month FROM member_cache") == [(0, None)]
    assert before is not None and before.member_id == "M0000000001" and before.digest_version == 0
    assert after is not None and after.member_id == "M0000000001"
