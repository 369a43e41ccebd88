"""The chain-wide key of the members' phone digests: issued by HQ, versioned, rotated.

A till finds a member offline by phone without holding the number: its member cache keeps an
HMAC-SHA256 of the phone (``store_client/services/members.py``). With one key for the whole
chain, the digest HQ computes for a member matches what any till computes from the number
typed, so HQ can hand the digest along with the member (``find``: ``phone_digest``,
``digest_version``) and a member served at this store by card or code is found here offline
by phone too.

The keys reach every store in its ``store_settings`` row ``member_digest`` (published to every
store when HQ starts, and to a store the first time one of its tills asks for a member): the current
version and the :data:`KEEP` latest keys, so a cache written under the previous key stays
readable after a rotation (a till re-keys a row when it finds it under an older key). A key
that leaked is rotated out (:meth:`MemberDigestKeys.rotate`); a phone number has little
entropy, so the digest is only as safe as the key: it never leaves HQ's database and the
tills' (it is not logged, not in a support bundle).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Integer, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from sync.hq.schema import metadata, stores

SETTINGS_KEY = "member_digest"  # the store_settings row
KEEP = 3  # versions a till keeps: the current one and the two before it

digest_keys = Table(
    "hq_member_digest_keys", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("key", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)


def digest(key_hex: str, phone: str) -> str:
    """The phone's digest under one key: the same function as the till's."""
    return hmac.new(bytes.fromhex(key_hex), phone.encode(), hashlib.sha256).hexdigest()


class MemberDigestKeys:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._published: dict[str, int] = {}  # store -> version this process published (or saw there)
        metadata.create_all(engine, tables=[digest_keys])
        if self._latest() is None:
            self.rotate()

    def _latest(self) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(digest_keys.c.version, digest_keys.c.key)
                               .order_by(digest_keys.c.version.desc()).limit(1)).first()
        return (int(row.version), str(row.key)) if row is not None else None

    def current(self) -> tuple[int, str]:
        latest = self._latest()
        assert latest is not None  # made in __init__
        return latest

    def rotate(self) -> int:
        """A new key, one version up (two HQ workers rotating at once make one new version)."""
        try:
            with self.engine.begin() as conn:
                top = conn.execute(select(func.coalesce(func.max(digest_keys.c.version), 0))).scalar_one()
                conn.execute(insert(digest_keys).values(version=int(top) + 1, key=secrets.token_hex(32),
                                                        created_at=datetime.now(UTC).isoformat(timespec="seconds")))
        except IntegrityError:
            pass  # another worker made this version first
        return self.current()[0]

    def of(self, phone: str) -> dict[str, Any]:
        """What ``find`` adds to a member: the phone's digest under the current key, and its version."""
        version, key = self.current()
        return {"phone_digest": digest(key, phone), "digest_version": version}

    def row(self) -> dict[str, Any]:
        """The ``store_settings`` row: the current version and the latest keys by version."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(digest_keys.c.version, digest_keys.c.key)
                                .order_by(digest_keys.c.version.desc()).limit(KEEP)).all()
        return {"version": int(rows[0].version), "keys": {str(r.version): r.key for r in rows}}

    def ensure_published(self, service: Any, store_id: str) -> bool:
        """Publish the keys to ``store_id`` unless it has the current version already (a store
        whose first terminal was enrolled after HQ started); True when published now."""
        from sync.hq.schema import dataset_rows

        version = self.current()[0]
        if self._published.get(store_id) == version:
            return False
        with self.engine.connect() as conn:
            data = conn.execute(select(dataset_rows.c.data).where(
                dataset_rows.c.dataset == "store_settings", dataset_rows.c.scope == store_id,
                dataset_rows.c.key == SETTINGS_KEY, dataset_rows.c.deleted.is_(False))).scalar()
        held = json.loads(data).get("version") if data else None
        if held != version:
            service.publish("store_settings", SETTINGS_KEY, self.row(), scope=store_id)
        self._published[store_id] = version
        return held != version

    def publish(self, service: Any) -> int:
        """Hand the keys to every store HQ knows; returns how many stores (after a rotation,
        and when a store is added)."""
        row = self.row()
        with self.engine.connect() as conn:
            ids = list(conn.scalars(select(stores.c.store_id)))
        for store_id in ids:
            service.publish("store_settings", SETTINGS_KEY, row, scope=store_id)
            self._published[store_id] = row["version"]
        return len(ids)
