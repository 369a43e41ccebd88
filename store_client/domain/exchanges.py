"""An exchange: a return and a new sale settled together (docs/returns.md, "Exchanges").

Qt-free and database-free. Amounts are int fen.

The returned lines are priced by the ordinary refund rules (:mod:`refunds`): ``R`` is
what they refund, spread over the original sale's tenders as any return would be. The
new sale costs ``N``. The value ``R`` becomes an *exchange credit*, applied first to the
new sale: ``min(R, N)`` pays for new goods; the customer pays ``N - R`` more with the
usual tenders when ``N > R``; when ``N < R`` the difference ``R - N`` is refunded to the
original's tenders by the refund rules (capped per tender, cash last).

Which part of each original tender becomes credit and which is paid back: the money paid
back is :func:`refunds.spread_over_tenders` of the difference (the refund order: points,
card, mobile, cash), the credit is the rest of that tender's share of ``R``. Both are taken
from what the tender can still refund, so per tender the return never passes what it paid.
A points tender gives points back only for the part paid back; the part kept as credit
buys the new goods. A mobile part paid back needs the wallet provider, outside the one
transaction an exchange is written in: such an exchange is refused (``MOBILE_REFUND``),
as is a difference that would have to come out of an earlier exchange credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from store_client.domain import refunds as rf

#: The tender kind of the credit on the new sale (and of a return's share taken from it).
CREDIT = "exchange"


class ExchangeErrorCode(Enum):
    MOBILE_REFUND = "mobile_refund"  # the difference would go back to a wallet
    CREDIT_REFUND = "credit_refund"  # the difference would come out of an earlier credit
    NEW_SALE_EMPTY = "new_sale_empty"


class ExchangeError(ValueError):
    def __init__(self, code: ExchangeErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class TenderShare:
    """One original tender's part in the exchange: ``amount_fen`` of its value is used,
    ``credit_fen`` of that goes to the new sale, the rest is paid back."""

    seq: int
    kind: str
    amount_fen: int
    credit_fen: int
    points: int  # points given back (a points tender, for the part paid back only)
    original_reference: str | None = None

    @property
    def refund_fen(self) -> int:
        return self.amount_fen - self.credit_fen


@dataclass(frozen=True, slots=True)
class ExchangeSplit:
    return_fen: int  # R: what the returned lines are worth
    new_total_fen: int  # N: the new sale's total
    credit_fen: int  # min(R, N): applied to the new sale first
    due_fen: int  # N - credit: the customer pays this with the usual tenders
    refund_fen: int  # R - credit: paid back to the original's tenders
    shares: tuple[TenderShare, ...]

    @property
    def difference_fen(self) -> int:
        """What the customer pays (above 0) or gets back (below 0): N - R."""
        return self.new_total_fen - self.return_fen

    def plan(self, base: rf.RefundPlan) -> rf.RefundPlan:
        """The return as written: every line as priced, every tender's whole share (credit
        and money paid back), points given back only for the money paid back."""
        tenders = tuple(rf.TenderRefund(t.seq, t.kind, t.amount_fen, t.points, t.original_reference)
                        for t in self.shares)
        return rf.RefundPlan(base.lines, tenders, base.total_fen,
                             sum(t.points for t in self.shares), base.points_reversed)


def split(plan: rf.RefundPlan, tenders: Sequence[rf.PaidTender], new_total_fen: int) -> ExchangeSplit:
    """Settle a return ``plan`` (priced on ``tenders``, the original's) against a new sale
    of ``new_total_fen``; raises :class:`ExchangeError` or :class:`refunds.RefundError`."""
    if isinstance(new_total_fen, bool) or not isinstance(new_total_fen, int) or new_total_fen < 0:
        raise ValueError("new_total_fen must be a non-negative int")
    if new_total_fen == 0:
        raise ExchangeError(ExchangeErrorCode.NEW_SALE_EMPTY,
                            "Scan the new item(s) before paying the exchange.")
    value = plan.total_fen
    credit = min(value, new_total_fen)
    paid_back = {r.seq: r for r in rf.spread_over_tenders(value - credit, tenders)}
    for r in paid_back.values():
        if r.kind == "mobile":
            raise ExchangeError(ExchangeErrorCode.MOBILE_REFUND,
                                "The difference would go back to a mobile payment, which cannot be "
                                "done in one step with the new sale.")
        if r.kind == CREDIT:
            raise ExchangeError(ExchangeErrorCode.CREDIT_REFUND,
                                "The difference would come out of an earlier exchange credit.")
    shares = []
    for whole in plan.tenders:
        back = paid_back.get(whole.seq)
        back_fen = back.amount_fen if back else 0
        if back_fen > whole.amount_fen:  # spread is greedy in one order: never happens
            raise AssertionError("the money paid back exceeds the tender's share")
        shares.append(TenderShare(whole.seq, whole.kind, whole.amount_fen, whole.amount_fen - back_fen,
                                  back.points if back else 0, whole.original_reference))
    return ExchangeSplit(value, new_total_fen, credit, new_total_fen - credit, value - credit,
                         tuple(shares))
