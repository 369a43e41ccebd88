"""Comparing the local audit chain with HQ's copy (``store-client audit verify --against-hq``).

The local chain proves itself only against its own anchor, which whoever can
write the database can rewrite too. HQ received every entry through the outbox,
so the first entry whose hash differs from HQ's, or that HQ has and the terminal
no longer has, is where the local chain was rewritten. Entries newer than HQ's
copy are normal (not delivered yet) and only counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from store_client.persistence.db import Database
from store_client.persistence.models import AuditEntry
from sync.terminal.transport import BadResponse, HQClient

PAGE = 1000


@dataclass(frozen=True)
class HQAuditReport:
    matched: int  # entries whose hash is the same at HQ
    local_head: tuple[int, str] | None  # (seq, hash) of the newest local entry
    hq_head: tuple[int, str] | None
    not_at_hq: int  # local entries newer than HQ's newest
    divergence_seq: int | None = None
    divergence: str | None = None

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def summary(self) -> str:
        if not self.ok:
            return f"the local audit chain diverges from HQ's copy at entry {self.divergence_seq}: {self.divergence}"
        head = f"entry {self.hq_head[0]} ({self.hq_head[1][:12]})" if self.hq_head else "nothing yet"
        return (f"HQ's copy matches the local chain: {self.matched} entries, HQ's head {head}; "
                f"{self.not_at_hq} newer entries not yet at HQ")


def compare_with_hq(db: Database, client: HQClient) -> HQAuditReport:
    matched, after, hq_head = 0, 0, None
    seen: dict[int, str] = {}
    while True:
        page = client.get_audit(after, PAGE)
        entries = page.get("entries") if isinstance(page, dict) else None
        if not isinstance(entries, list) or not isinstance(page.get("has_more"), bool):
            raise BadResponse("HQ's audit page is not an object with 'entries' and 'has_more'")
        if not entries:
            break
        raw = [e.get("seq") if isinstance(e, dict) else None for e in entries]
        seqs: list[int] = [s for s in raw if isinstance(s, int) and not isinstance(s, bool)]
        if len(seqs) != len(raw) or not all(s > after for s in seqs) or seqs != sorted(seqs):
            raise BadResponse("HQ's audit entries are not in increasing order of seq")
        with db.read() as session:
            local: dict[int, str] = dict(list(session.execute(select(AuditEntry.seq, AuditEntry.hash).where(
                AuditEntry.seq >= seqs[0], AuditEntry.seq <= seqs[-1]))))
        for entry in entries:
            seq, digest = entry["seq"], entry.get("hash")
            problem = None
            if seq in seen and seen[seq] != digest:
                problem = "HQ received two different entries with this number"
            elif seq not in local:
                problem = "HQ has this entry; the local chain does not (removed or rewound)"
            elif local[seq] != digest:
                problem = "the local entry differs from HQ's copy (rewritten)"
            if problem:
                return _report(db, matched, hq_head, seq, problem)
            if seq not in seen:
                matched += 1
            seen[seq] = digest
            hq_head = (seq, digest)
        after = seqs[-1]
        if not page["has_more"]:
            break
    return _report(db, matched, hq_head, None, None)


def _report(db: Database, matched: int, hq_head: tuple[int, str] | None, seq: int | None,
            problem: str | None) -> HQAuditReport:
    with db.read() as session:
        head = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        newer = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.seq > (hq_head[0] if hq_head else 0))) or 0
    return HQAuditReport(matched=matched, local_head=(int(head[0]), str(head[1])) if head else None, hq_head=hq_head,
                         not_at_hq=newer, divergence_seq=seq, divergence=problem)
