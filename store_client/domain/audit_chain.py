"""The audit log's hash chain, free of Qt and of the database.

Each entry's hash is SHA-256 over a canonical JSON encoding of
``seq, at, operator_id, action, target, details, prev_hash`` (keys sorted, no
spaces, UTF-8), and ``prev_hash`` is the previous entry's hash (64 zeros for
the first). Editing an entry breaks its own hash; deleting one leaves a gap in
``seq`` and a ``prev_hash`` that no longer matches. A truncated tail is caught
by comparing with the anchor (last seq and hash) the application stores in the
same transaction as every append. HQ receives every entry through the outbox,
which is the anchor an attacker on the terminal cannot rewrite.

The encoding is deliberately simple so HQ can re-verify it in any language:
details may hold only str, int, bool, None, lists and str-keyed objects; floats
are refused (their text form is not canonical across languages).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


class NotCanonical(ValueError):
    """A value that cannot be encoded canonically (float, non-str key, object)."""


def _check_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        raise NotCanonical(f"{path}: floats are not allowed in audit details (use integers)")
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical(f"{path}: keys must be strings, got {key!r}")
            _check_value(item, f"{path}.{key}")
        return
    raise NotCanonical(f"{path}: {type(value).__name__} is not allowed in audit details")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept as UTF-8; refuses non-canonical values."""
    _check_value(value, "details")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    at: str
    operator_id: str | None
    action: str
    target: str
    details: str  # canonical JSON text, as stored
    prev_hash: str
    hash: str


def entry_hash(
    *, seq: int, at: str, operator_id: str | None, action: str, target: str,
    details: dict[str, Any], prev_hash: str,
) -> str:
    document = {
        "seq": seq, "at": at, "operator_id": operator_id, "action": action,
        "target": target, "details": details, "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries_checked: int
    first_broken_seq: int | None
    problem: str  # empty when ok

    def summary(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.entries_checked} entries verified"
        where = f"entry {self.first_broken_seq}" if self.first_broken_seq is not None else "anchor"
        return f"audit chain BROKEN at {where}: {self.problem}"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


def _recomputed(entry: ChainEntry) -> str | None:
    try:
        details = json.loads(entry.details)
        if not isinstance(details, dict):
            return None
        return entry_hash(
            seq=entry.seq, at=entry.at, operator_id=entry.operator_id, action=entry.action,
            target=entry.target, details=details, prev_hash=entry.prev_hash,
        )
    except (ValueError, TypeError):  # JSONDecodeError and NotCanonical are ValueErrors
        return None


def verify_chain(entries: Iterable[ChainEntry], anchor: Anchor | None) -> ChainReport:
    """Check ``entries`` (in seq order, streamed) against each other and the anchor.

    The first problem found is reported: for a deleted entry that is the missing seq,
    for an edited entry its own seq.
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0

    def broken(seq: int | None, problem: str) -> ChainReport:
        return ChainReport(False, checked, seq, problem)

    for entry in entries:
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                missing = (f"entry {expected_seq} is missing" if entry.seq == expected_seq + 1
                           else f"entries {expected_seq}-{entry.seq - 1} are missing")
                return broken(expected_seq, f"{missing} (deleted); the next entry is {entry.seq}")
            return broken(entry.seq, f"sequence number out of order (expected {expected_seq})")
        if entry.prev_hash != prev_hash:
            return broken(entry.seq, "its prev_hash does not match the previous entry's hash "
                                     "(an entry before it was removed, replaced or re-hashed)")
        if _recomputed(entry) != entry.hash:
            return broken(entry.seq, "its content does not match its hash (the entry was edited)")
        checked += 1
        prev_hash = entry.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if anchor is None:
        if last_seq:
            return broken(None, "the anchor (last seq and hash) is missing from "
                                "terminal_settings; the tail cannot be checked")
        return ChainReport(True, 0, None, "")
    if anchor.seq > last_seq:
        return broken(last_seq + 1, f"the log ends at entry {last_seq} but the anchor records "
                                    f"entry {anchor.seq}: the tail was truncated")
    if anchor.seq < last_seq:
        return broken(anchor.seq + 1, f"entries after {anchor.seq} were not written through the "
                                      "application (the anchor was not advanced)")
    if anchor.hash != prev_hash:
        return broken(last_seq, "the last entry's hash differs from the anchor "
                                "(the last entry was replaced)")
    return ChainReport(True, checked, None, "")
