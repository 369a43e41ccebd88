"""Mobile (QR payment-code) payments through an adapter, and the simulator used by the
demo and the tests.

The checkout charges a customer's payment code through a :class:`PaymentAdapter`
outside any database transaction (it may take seconds), then records the tender.
``reference`` is the checkout's own idempotency key for the charge (cart id and
tender number), so a provider that sees the same reference twice charges once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaymentResult:
    ok: bool
    transaction_id: str | None
    message: str


class PaymentAdapter(Protocol):
    def available(self) -> bool: ...

    def charge(self, payment_code: str, amount_fen: int, reference: str) -> PaymentResult: ...

    def refund(self, transaction_id: str, amount_fen: int, reference: str) -> PaymentResult:
        """Give back (part of) a charge; ``reference`` is the caller's idempotency key."""
        ...


class SimulatorAdapter:
    """A payment provider in memory: codes starting ``13`` are paid, unless they end in
    ``0000`` (declined, e.g. insufficient balance); any other code is refused as unknown.

    ``online`` (a bool or a callable) says whether the provider can be reached; offline,
    :meth:`available` is False and :meth:`charge` refuses. The same reference charged
    twice returns the first result (what a real provider's idempotency key gives).
    """

    def __init__(self, online: bool | Callable[[], bool] = True) -> None:
        self._online = online
        self.charges: dict[str, tuple[str, int, PaymentResult]] = {}
        self.refunds: dict[str, tuple[str, int, PaymentResult]] = {}

    def available(self) -> bool:
        return bool(self._online() if callable(self._online) else self._online)

    def charge(self, payment_code: str, amount_fen: int, reference: str) -> PaymentResult:
        if not self.available():
            return PaymentResult(False, None, "Mobile payment is unavailable (offline).")
        if reference in self.charges:
            return self.charges[reference][2]
        code = payment_code.strip() if isinstance(payment_code, str) else ""
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            result = PaymentResult(False, None, "The amount to charge must be above zero.")
        elif not (code.isdigit() and 16 <= len(code) <= 24):
            result = PaymentResult(False, None, "That is not a payment code; ask the customer "
                                   "to show the payment code again.")
        elif not code.startswith("13"):
            result = PaymentResult(False, None, "The payment provider does not know this code.")
        elif code.endswith("0000"):
            result = PaymentResult(False, None, "Payment declined by the provider "
                                   "(insufficient balance).")
        else:
            digest = hashlib.sha256(f"{reference}|{code}|{amount_fen}".encode()).hexdigest()
            result = PaymentResult(True, f"SIM{digest[:20].upper()}", "Paid.")
        self.charges[reference] = (code, amount_fen, result)
        return result

    def refund(self, transaction_id: str, amount_fen: int, reference: str) -> PaymentResult:
        """Refund a charge: never more in all than it charged (for charges this simulator
        made; one it does not remember, e.g. before a restart, is taken as charged)."""
        if not self.available():
            return PaymentResult(False, None, "Mobile payment is unavailable (offline).")
        if reference in self.refunds:
            return self.refunds[reference][2]
        charged = next((amount for _code, amount, r in self.charges.values()
                        if r.ok and r.transaction_id == transaction_id), None)
        before = sum(amount for tx, amount, r in self.refunds.values()
                     if r.ok and tx == transaction_id)
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            result = PaymentResult(False, None, "The amount to refund must be above zero.")
        elif not (isinstance(transaction_id, str) and transaction_id.startswith("SIM")):
            result = PaymentResult(False, None, "The payment provider does not know this payment.")
        elif charged is not None and before + amount_fen > charged:
            result = PaymentResult(False, None, "The refund is more than is left of the payment.")
        else:
            digest = hashlib.sha256(f"refund|{reference}|{transaction_id}|{amount_fen}".encode())
            result = PaymentResult(True, f"SIMR{digest.hexdigest()[:19].upper()}", "Refunded.")
        self.refunds[reference] = (transaction_id, amount_fen, result)
        return result
