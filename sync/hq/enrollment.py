"""One-time enrollment codes: how a new counter PC gets its terminal's token.

HQ's admin makes a code for one store and terminal (``store-client hq terminals
enroll``); store IT types it into ``store-client provision`` on the PC, which
exchanges it here for the token. HQ keeps only a hash of each code. A code:

* expires (24 hours by default) and is refused after that;
* is used once: the exchange marks it used in the same transaction that issues
  the token, so two PCs racing with one code cannot both get a token;
* may be exchanged again by the *same* PC (the random ``claim`` it sent the first
  time), which rotates the token: a provisioning run that lost HQ's answer to a
  network drop is re-run with the same code instead of needing a new one.

Making a new code for a terminal withdraws its earlier unused ones.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, MetaData, String, Table, delete, func, insert, select, update

from sync.hq import schema as t
from sync.hq.service import issue_token_on
from sync.protocol.datasets import DATASETS

DEFAULT_TTL = timedelta(hours=24)
MAX_TTL = timedelta(days=14)
# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 16  # 80 bits: not guessable even without rate limits

metadata = MetaData()
codes = Table(
    "hq_enrollment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40), nullable=True),
    Column("claim_hash", String(64), nullable=True),
)


class EnrollmentRefused(Exception):
    """``reason`` is one of ``unknown``, ``expired``, ``used``, ``malformed``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CodeInfo:
    store_id: str
    terminal_id: str
    expires_at: str
    used: bool
    claimed_by_caller: bool


def normalize(code: str) -> str:
    """Upper case, without dashes or spaces; the look-alikes O, I and L read as 0, 1, 1."""
    text = "".join(code.split()).replace("-", "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def format_code(raw: str) -> str:
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Enrollment:
    def __init__(self, engine: Engine, *, now: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.now = now or (lambda: datetime.now(UTC))
        metadata.create_all(engine)

    def create_code(self, store_id: str, terminal_id: str,
                    ttl: timedelta = DEFAULT_TTL) -> tuple[str, str]:
        """A new code (formatted XXXX-XXXX-XXXX-XXXX) and when it expires."""
        if not timedelta(minutes=1) <= ttl <= MAX_TTL:
            raise ValueError(f"a code lives between 1 minute and {MAX_TTL.days} days")
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
        now = self.now()
        expires = _iso(now + ttl)
        with self.engine.begin() as conn:
            conn.execute(delete(codes).where(codes.c.store_id == store_id,
                                             codes.c.terminal_id == terminal_id,
                                             codes.c.used_at.is_(None)))
            conn.execute(insert(codes).values(code_hash=_digest(raw), store_id=store_id,
                                              terminal_id=terminal_id, created_at=_iso(now),
                                              expires_at=expires))
        return format_code(raw), expires

    def inspect(self, code: str, claim: str | None = None) -> CodeInfo:
        """What the code is for, without using it; refused if unknown or expired."""
        with self.engine.connect() as conn:
            row = self._find(conn, code)
        return CodeInfo(row.store_id, row.terminal_id, row.expires_at, row.used_at is not None,
                        claim is not None and bool(claim) and row.claim_hash == _digest(claim))

    def redeem(self, code: str, claim: str) -> tuple[CodeInfo, str]:
        """Use the code: (what it was for, the terminal's new token)."""
        if not claim or len(claim) > 128:
            raise EnrollmentRefused("malformed", "a claim of 1-128 characters is required")
        with self.engine.begin() as conn:
            row = self._find(conn, code, for_update=True)
            if row.used_at is not None and row.claim_hash != _digest(claim):
                raise EnrollmentRefused(
                    "used", f"this code was already used at {row.used_at} by another PC; "
                    "ask HQ's admin for a new code")
            if row.used_at is None:
                conn.execute(update(codes).where(codes.c.code_hash == row.code_hash).values(
                    used_at=_iso(self.now()), claim_hash=_digest(claim)))
            token = issue_token_on(conn, row.store_id, row.terminal_id)
        return CodeInfo(row.store_id, row.terminal_id, row.expires_at, True, True), token

    def _find(self, conn, code: str, *, for_update: bool = False):  # type: ignore[no-untyped-def]
        raw = normalize(code)
        if len(raw) != CODE_CHARS or any(c not in ALPHABET for c in raw):
            raise EnrollmentRefused("malformed", f"an enrollment code is {CODE_CHARS} letters "
                                    "and digits, as XXXX-XXXX-XXXX-XXXX")
        query = select(codes).where(codes.c.code_hash == _digest(raw))
        row = conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise EnrollmentRefused(
                "unknown", "this HQ does not know that code: check it for typing mistakes, and "
                "that the address is the HQ that made it (a newer code for the same terminal "
                "also withdraws older ones)")
        if datetime.fromisoformat(row.expires_at) <= self.now():
            raise EnrollmentRefused("expired", f"this code expired at {row.expires_at}; ask "
                                    "HQ's admin for a new one")
        return row

    def dataset_sizes(self, store_id: str) -> dict[str, int]:
        """Live rows per dataset for a store: the provisioning progress bar's totals."""
        rows = t.dataset_rows.c
        query = (select(rows.dataset, func.count()).where(
            rows.deleted.is_(False), rows.scope.in_([store_id, "*"])).group_by(rows.dataset))
        with self.engine.connect() as conn:
            found = {name: int(n) for name, n in conn.execute(query)}
        return {name: found.get(name, 0) for name in DATASETS}
