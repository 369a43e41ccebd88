"""The return policy as both returns services apply it (own-till and cross-store/online).

The rules are :mod:`store_client.domain.return_policy`; this module reads what they need
(each line's category from the till's catalog, the store's zone and settings), turns a
refusal into a :class:`ServiceError` with its own code, audited as ``return.refused`` and
with nothing else written, and asks for the override a non-returnable line needs: the
approval dialog's grant, used once, from someone other than the operator (a cashier's
manager, or a second manager when a manager is at the till).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client import store_time
from store_client.clock import parse_iso
from store_client.domain import return_policy as rp
from store_client.domain.roles import Permission
from store_client.persistence.models import Product
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError

def categories(s: Session, skus: Iterable[str]) -> dict[str, str]:
    """Each SKU's category as the till's catalog has it (a SKU it does not know has none)."""
    wanted = sorted(set(skus))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        out.update(s.execute(select(Product.sku, Product.category_code)
                             .where(Product.sku.in_(wanted[start:start + 500]))).all())
    return out


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = parse_iso(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def verdicts(config, now: datetime, lines: Iterable[tuple[int, str | None]], *,  # type: ignore[no-untyped-def]
             channel: str, sold_at: str | None) -> dict[int, rp.LineVerdict]:
    """The policy's verdict of each ``(line_no, category)`` of an original sold at ``sold_at``."""
    return rp.judge(lines, channel=channel, sold_at=_moment(sold_at), now=now,
                    zone=store_time.zone(config.time_zone), policy=rp.ReturnPolicy.from_settings(config.values))


def dispositions(raw: object, selection: Sequence[tuple[int, int]], reason_code: str) -> dict[int, object]:
    """Each chosen line's disposition as asked; a line not named gets the return's default
    (``damaged`` for a damaged-goods return, as before dispositions existed, else ``restock``).
    Anything that is not ``(line_no, disposition)`` pairs stands for every line, to be refused."""
    default = rp.DAMAGED if reason_code == "damaged" else rp.RESTOCK
    asked: dict[int, object] = {}
    if raw is None:
        raw = ()
    if isinstance(raw, Mapping):
        raw = tuple(raw.items())
    if not isinstance(raw, (tuple, list)) or not all(isinstance(x, (tuple, list)) and len(x) == 2 for x in raw):
        return {line_no: repr(raw)[:20] for line_no, _qty in selection}  # not a disposition: refused
    for line_no, disposition in raw:
        asked[line_no] = disposition
    return {line_no: asked.get(line_no, default) for line_no, _qty in selection}


def line_reasons(raw: object, selection: Sequence[tuple[int, int]], reason_code: str,
                 reasons: Sequence[str]) -> dict[int, str] | None:
    """Each chosen line's own reason (the return's when not given); None: one is not a reason."""
    asked = dict(raw.items()) if isinstance(raw, Mapping) else None
    if asked is None:
        try:
            asked = dict(raw or ())  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
    out = {line_no: asked.get(line_no, reason_code) for line_no, _qty in selection}
    return out if all(code in reasons for code in out.values()) else None


def check(verdicts_by_line: Mapping[int, rp.LineVerdict], selection: Sequence[tuple[int, int]],
          chosen: Mapping[int, object], *, override: bool) -> tuple[int, ...]:
    """The policy's answer for a selection: the lines a manager overrides, or a refusal."""
    try:
        return rp.check_selection(verdicts_by_line, selection, chosen, override=override)
    except rp.PolicyRefused as exc:
        raise ServiceError(exc.message, code=exc.code, params=exc.params) from None


def require(authorizer, actor: Actor, grant, overridden: Sequence[int], *,  # type: ignore[no-untyped-def]
            second_person: bool = False, defer: bool = False):
    """The return's permission; with a non-returnable line (or ``second_person``), a grant
    from someone other than the operator, used once (with ``defer``: checked, and returned to
    be used up in the return's own transaction, ``Authorizer.consume_in``)."""
    if overridden or second_person:
        return authorizer.require_second_person(actor, Permission.RETURN_PROCESS, grant, defer=defer)
    return authorizer.require(actor, Permission.RETURN_PROCESS, grant, defer=defer)


def override_details(overridden: Sequence[int], verdicts_by_line: Mapping[int, rp.LineVerdict],
                     grant) -> dict | None:  # type: ignore[no-untyped-def]
    """What the return's audit entry keeps of an override: the lines, who, and why."""
    if not overridden or grant is None:
        return None
    return {"lines": [[n, verdicts_by_line[n].category] for n in overridden],
            "approved_by": grant.approved_by, "approval_id": grant.approval_id, "reason": grant.reason[:200]}
